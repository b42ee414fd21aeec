from django.urls import include, path

from . import views

app_name = "plans"

urlpatterns = [
    path("leerlingen/<uuid:pupil_uuid>/opp/", views.pupil_plans, name="pupil_plans"),
    path("leerlingen/<uuid:pupil_uuid>/opp/nieuw/", views.start_plan, name="start_plan"),
    path("opp/<uuid:opp_uuid>/", views.draft, name="draft"),
    path("opp/<uuid:opp_uuid>/vaststellen/", views.adopt, name="adopt"),
    path("opp/<uuid:opp_uuid>/bijstellen/", views.adjust, name="adjust"),
    path("", include("plans.urls_overview")),
    path("", include("plans.urls_lifecycle")),
    path("", include("plans.urls_pdf")),
]
