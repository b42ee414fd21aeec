from django.urls import path

from .views import imports, pupils, transfers

app_name = "schools"

urlpatterns = [
    path("scholen/", pupils.school_list, name="school_list"),
    path("scholen/<uuid:school_uuid>/", pupils.school_detail, name="school_detail"),
    path("leerlingen/", pupils.pupil_list, name="pupil_list"),
    path("leerlingen/nieuw/", pupils.pupil_create, name="pupil_create"),
    path("leerlingen/importeren/", imports.import_view, name="pupil_import"),
    path("leerlingen/<uuid:pupil_uuid>/", pupils.pupil_detail, name="pupil_detail"),
    path("leerlingen/<uuid:pupil_uuid>/wijzigen/", pupils.pupil_edit, name="pupil_edit"),
    path("leerlingen/<uuid:pupil_uuid>/ouders/nieuw/", pupils.guardian_add, name="guardian_add"),
    path("leerlingen/<uuid:pupil_uuid>/ouders/<uuid:guardian_uuid>/", pupils.guardian_edit, name="guardian_edit"),
    path("leerlingen/<uuid:pupil_uuid>/ouders/<uuid:guardian_uuid>/loskoppelen/", pupils.guardian_remove,
         name="guardian_remove"),
    path("mijn-kinderen/", pupils.my_children, name="my_children"),
    path("overstappen/", transfers.transfer_list, name="transfer_list"),
    path("overstappen/<uuid:transfer_uuid>/besluit/", transfers.transfer_decide, name="transfer_decide"),
]
