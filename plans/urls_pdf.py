"""URLs of the plan PDFs; included in `plans.urls`, so the names live in the `plans` namespace."""

from django.urls import path

from . import views_pdf

urlpatterns = [
    path("opp/<uuid:opp_uuid>/concept.pdf", views_pdf.draft_pdf, name="draft_pdf"),
    path("opp/versie/<uuid:version_uuid>/pdf/", views_pdf.version_pdf, name="version_pdf"),
    path("opp/versie/<uuid:version_uuid>/pdf/bestand/", views_pdf.version_pdf_file, name="version_pdf_file"),
]
