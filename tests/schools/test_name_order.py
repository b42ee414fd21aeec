"""Names sort as a Dutch reader expects on PostgreSQL (schools migration 0008): accents with their letter, case
not before everything else, whatever collation the server was created with."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from schools.models import Guardian, Pupil
from tests.factories import SchoolFactory, enrolled_pupil, staff

pytestmark = pytest.mark.django_db

NAMES = ["Zwart", "Ölmez", "de Zwart", "Çelik", "Bakker", "Émile"]
DUTCH_ORDER = ["Bakker", "Çelik", "de Zwart", "Émile", "Ölmez", "Zwart"]


def test_the_name_columns_keep_their_dutch_collation(postgresql):
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name, column_name, collation_name FROM information_schema.columns "
                       "WHERE table_name IN ('schools_pupil', 'schools_guardian', 'schools_enrolment') "
                       "AND column_name IN ('first_name', 'last_name', 'pupil_first_name', 'pupil_last_name')")
        collations = {(table, column): collation for table, column, collation in cursor.fetchall()}
    assert len(collations) == 6 and set(collations.values()) == {"nl-x-icu"}, collations


def test_the_pupil_list_sorts_accented_and_lower_case_names_with_their_letter(client, postgresql):
    school = SchoolFactory()
    for name in NAMES:
        enrolled_pupil(school, last_name=name, first_name="Sam")
    client.force_login(staff("ib", school=school))
    for query in ("", "?q=Sam"):  # the page read by the enrolments' copy, and a search read from the pupils
        html = client.get(reverse("schools:pupil_list") + query).content.decode()
        shown = re.findall(r'<a href="/leerlingen/[^"]+/">([^<,]+), Sam</a>', html)
        assert [name.replace("&#x27;", "'") for name in shown] == DUTCH_ORDER, query
    assert list(Pupil.objects.filter(enrolments__school=school).values_list("last_name", flat=True)) == DUTCH_ORDER


def test_guardians_sort_the_same_way(postgresql):
    for name in NAMES:
        Guardian.objects.create(last_name=name, first_name="Kim")
    assert list(Guardian.objects.filter(first_name="Kim").order_by("last_name")
                .values_list("last_name", flat=True)) == DUTCH_ORDER
