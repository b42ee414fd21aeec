from django.urls import path

from . import views

app_name = "registration"

urlpatterns = [
    path("rod/", views.rod_index, name="index"),
    path("rod/bestuur/<uuid:board_uuid>/", views.board_page, name="board"),
    path("rod/bestuur/<uuid:board_uuid>/export/", views.start_export, name="start_export"),
    path("rod/school/<uuid:school_uuid>/", views.school_page, name="school"),
    path("rod/export/<uuid:batch_uuid>/", views.batch_detail, name="batch"),
    path("rod/export/<uuid:batch_uuid>/voortgang/", views.batch_progress, name="batch_progress"),
    path("rod/export/<uuid:batch_uuid>/aangeleverd/", views.batch_deliver, name="batch_deliver"),
    path("rod/export/<uuid:batch_uuid>/verwerpen/", views.batch_discard, name="batch_discard"),
    path("rod/export/<uuid:batch_uuid>/<str:fmt>/", views.batch_download, name="batch_download"),
]
