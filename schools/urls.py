from django.urls import path

from . import imports, views, views_transfers

app_name = "schools"

urlpatterns = [
    path("scholen/", views.school_list, name="school_list"),
    path("scholen/<uuid:school_uuid>/", views.school_detail, name="school_detail"),
    path("leerlingen/", views.pupil_list, name="pupil_list"),
    path("leerlingen/nieuw/", views.pupil_create, name="pupil_create"),
    path("leerlingen/importeren/", imports.import_view, name="pupil_import"),
    path("leerlingen/<uuid:pupil_uuid>/", views.pupil_detail, name="pupil_detail"),
    path("leerlingen/<uuid:pupil_uuid>/wijzigen/", views.pupil_edit, name="pupil_edit"),
    path("leerlingen/<uuid:pupil_uuid>/ouders/nieuw/", views.guardian_add, name="guardian_add"),
    path("leerlingen/<uuid:pupil_uuid>/ouders/<uuid:guardian_uuid>/", views.guardian_edit, name="guardian_edit"),
    path("leerlingen/<uuid:pupil_uuid>/ouders/<uuid:guardian_uuid>/loskoppelen/", views.guardian_remove, name="guardian_remove"),
    path("mijn-kinderen/", views.my_children, name="my_children"),
    path("overstappen/", views_transfers.transfer_list, name="transfer_list"),
    path("overstappen/<uuid:transfer_uuid>/besluit/", views_transfers.transfer_decide, name="transfer_decide"),
]
