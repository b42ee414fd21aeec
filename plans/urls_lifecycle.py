"""URLs of evaluating, ending, the commissie's advice, versions and the standard texts library.

Included at the end of `plans/urls.py`, so the names live in the `plans` namespace.
"""

from django.urls import path

from . import views_lifecycle, views_texts

urlpatterns = [
    path("opp/<uuid:opp_uuid>/evaluatie/", views_lifecycle.evaluation, name="evaluation"),
    path("opp/<uuid:opp_uuid>/beeindigen/", views_lifecycle.end_plan, name="end_plan"),
    path("opp/<uuid:opp_uuid>/advies-commissie/", views_lifecycle.commissie_advice, name="commissie_advice"),
    path("opp/<uuid:opp_uuid>/versies/", views_lifecycle.versions, name="versions"),
    path("opp/<uuid:opp_uuid>/versies/vergelijk/", views_lifecycle.compare, name="compare"),
    path("standaardteksten/", views_texts.standard_texts, name="standard_texts"),
    path("standaardteksten/nieuw/", views_texts.standard_text_add, name="standard_text_add"),
    path("standaardteksten/<uuid:text_uuid>/", views_texts.standard_text_edit, name="standard_text_edit"),
    path("standaardteksten/<uuid:text_uuid>/verwijderen/", views_texts.standard_text_archive,
         name="standard_text_archive"),
]
