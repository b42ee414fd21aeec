"""URLs of the overview and the calendar feed; included into `plans.urls` (namespace "plans")."""

from django.urls import path

from . import views_overview

urlpatterns = [
    path("overzicht/", views_overview.overview, name="overview"),
    path("mijn-plannen/", views_overview.my_plans, name="my_plans"),
    path("agenda/", views_overview.calendar_page, name="calendar"),
    path("agenda/nieuw/", views_overview.calendar_create, name="calendar_create"),
    path("agenda/<uuid:feed_uuid>/intrekken/", views_overview.calendar_revoke, name="calendar_revoke"),
    path("agenda/<str:token>.ics", views_overview.calendar_feed, name="calendar_feed"),
]
