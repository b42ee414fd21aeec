from django.urls import path

from . import views

app_name = "outbox"
urlpatterns = [
    path("uitgaande-mail/", views.outbox_page, name="page"),
    path("uitgaande-mail/<uuid:email_uuid>/opnieuw/", views.retry, name="retry"),
]
