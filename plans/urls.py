from django.urls import path

from .views import draft, lifecycle, overview, pdf, texts

app_name = "plans"

urlpatterns = [
    # Drafting, adjusting and adopting.
    path("leerlingen/<uuid:pupil_uuid>/opp/", draft.pupil_plans, name="pupil_plans"),
    path("leerlingen/<uuid:pupil_uuid>/opp/nieuw/", draft.start_plan, name="start_plan"),
    path("opp/<uuid:opp_uuid>/", draft.draft, name="draft"),
    path("opp/<uuid:opp_uuid>/vaststellen/", draft.adopt, name="adopt"),
    path("opp/<uuid:opp_uuid>/bijstellen/", draft.adjust, name="adjust"),
    # The leader's overview, the ib's own list and the calendar feed.
    path("overzicht/", overview.overview, name="overview"),
    path("mijn-plannen/", overview.my_plans, name="my_plans"),
    path("agenda/", overview.calendar_page, name="calendar"),
    path("agenda/nieuw/", overview.calendar_create, name="calendar_create"),
    path("agenda/<uuid:feed_uuid>/intrekken/", overview.calendar_revoke, name="calendar_revoke"),
    path("agenda/<str:token>.ics", overview.calendar_feed, name="calendar_feed"),
    # Evaluating, ending, the commissie's advice, versions.
    path("opp/<uuid:opp_uuid>/evaluatie/", lifecycle.evaluation, name="evaluation"),
    path("opp/<uuid:opp_uuid>/beeindigen/", lifecycle.end_plan, name="end_plan"),
    path("opp/<uuid:opp_uuid>/advies-commissie/", lifecycle.commissie_advice, name="commissie_advice"),
    path("opp/<uuid:opp_uuid>/versies/", lifecycle.versions, name="versions"),
    path("opp/<uuid:opp_uuid>/versies/vergelijk/", lifecycle.compare, name="compare"),
    # The standard texts library.
    path("standaardteksten/", texts.standard_texts, name="standard_texts"),
    path("standaardteksten/nieuw/", texts.standard_text_add, name="standard_text_add"),
    path("standaardteksten/<uuid:text_uuid>/", texts.standard_text_edit, name="standard_text_edit"),
    path("standaardteksten/<uuid:text_uuid>/verwijderen/", texts.standard_text_archive, name="standard_text_archive"),
    # PDFs.
    path("opp/<uuid:opp_uuid>/concept.pdf", pdf.draft_pdf, name="draft_pdf"),
    path("opp/versie/<uuid:version_uuid>/pdf/", pdf.version_pdf, name="version_pdf"),
    path("opp/versie/<uuid:version_uuid>/pdf/bestand/", pdf.version_pdf_file, name="version_pdf_file"),
]
