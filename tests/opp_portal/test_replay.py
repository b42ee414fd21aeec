"""`opp_portal.replay`: a query compiled once and asked again with new values, never with another request's."""

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from opp_portal.replay import Replayed
from plans import overview_paged
from plans.models import Opp, OppVersion
from schools.models import Pupil, School
from tests.factories import SchoolFactory, enrolled_pupil
from tests.plans.factories import OppFactory

# Replayed on PostgreSQL only (the SQLite demo builds every query): skipped locally on SQLite, run in CI.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("postgresql")]

SCHOOLS = (-1, -2)


def rows(found) -> list:
    sql, params = found
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_a_replayed_query_answers_for_the_values_it_is_asked_with():
    a, b = SchoolFactory(), SchoolFactory()
    pa, pb = enrolled_pupil(a), enrolled_pupil(b)
    replayed = Replayed("pupils", {"school_id": SCHOOLS})

    def build(school_id):
        return Pupil.objects.filter(enrolments__school_id=school_id, last_name__isnull=False).values_list("pk")

    assert rows(replayed.sql(build, (), school_id=a.pk)) == [(pa.pk,)]
    assert rows(replayed.sql(build, (), school_id=b.pk)) == [(pb.pk,)]
    assert rows(replayed.sql(build, (), school_id=-99)) == []


def test_rows_are_the_same_replayed_or_built():
    a = SchoolFactory(name="Aardbei")
    replayed = Replayed("rows", {"school_id": SCHOOLS})

    def build(school_id):
        return School.objects.filter(pk=school_id).values_list("pk", "name")

    assert replayed.rows(build, (), school_id=a.pk) == [(a.pk, "Aardbei")]  # replayed
    assert replayed._compiled is not None and replayed._compiled.sql is not None
    refused = Replayed("refused rows", {"school_id": SCHOOLS})

    def real_differs(school_id):  # the stand-ins get another query than a real school: never replayed
        return build(school_id) if school_id > 0 else School.objects.filter(name="x").values_list("pk", "name")

    assert refused.rows(real_differs, (), school_id=a.pk) == [(a.pk, "Aardbei")]  # built and run instead
    assert refused._compiled is not None and refused._compiled.sql is None


def test_a_value_worked_out_from_a_variable_cannot_be_replayed():
    replayed = Replayed("derived", {"day": (datetime.date(1901, 1, 1), datetime.date(1901, 1, 2))})

    def build(day):
        return School.objects.filter(enrolments__enrolment_date__lte=day + datetime.timedelta(days=14))

    assert replayed.sql(build, (), day=datetime.date(2026, 11, 29)) is None


def test_a_build_that_reads_the_database_is_not_replayed():
    SchoolFactory()
    replayed = Replayed("reads", {"school_id": SCHOOLS})

    def build(school_id):
        # The ids of another query, read while building: the same (nothing) for both stand-ins.
        return School.objects.filter(pk__in=list(School.objects.filter(pk=school_id).values_list("pk", flat=True)))

    assert replayed.sql(build, (), school_id=1) is None


def test_a_query_whose_shape_follows_the_values_is_not_replayed():
    replayed = Replayed("shape", {"school_id": SCHOOLS})

    def build(school_id):
        return School.objects.filter(pk=school_id) if school_id == SCHOOLS[0] else School.objects.all()

    assert replayed.sql(build, (), school_id=1) is None


def test_a_new_key_compiles_again_and_the_old_sql_is_not_used():
    a = SchoolFactory(name="Aardbei")
    replayed = Replayed("keyed", {"school_id": SCHOOLS})
    wanted = {"name": "Aardbei"}

    def build(school_id):
        return School.objects.filter(pk=school_id, **wanted).values_list("name")

    assert rows(replayed.sql(build, ("aardbei",), school_id=a.pk)) == [("Aardbei",)]
    wanted["name"] = "Banaan"
    assert rows(replayed.sql(build, ("aardbei",), school_id=a.pk)) == [("Aardbei",)]  # the same key: replayed
    assert rows(replayed.sql(build, ("banaan",), school_id=a.pk)) == []


def test_a_value_the_orm_folds_into_the_sql_is_not_replayed():
    """Both stand-ins of a version number below zero match nothing, so the ORM leaves their condition out: the
    SQL is the same for both, but the real number would have kept it."""
    replayed = Replayed("folded", {"number": (-5, -6)})

    def build(number):
        return OppVersion.objects.filter(Q(number__isnull=True) | Q(number__lte=number))

    assert replayed.sql(build, (), number=3) is None


def test_the_first_real_values_must_build_exactly_the_replayed_query():
    replayed = Replayed("real", {"school_id": SCHOOLS})

    def build(school_id):  # a real school gets another query than the stand-ins do
        return School.objects.filter(pk=school_id) if school_id < 0 else School.objects.filter(pk=school_id,
                                                                                             name="x")

    assert replayed.sql(build, (), school_id=1) is None


def test_stand_ins_must_differ_and_every_variable_must_be_given():
    with pytest.raises(ValueError):
        Replayed("same", {"school_id": (1, 1)})
    with pytest.raises(ValueError):  # a parameter with that value could be either: their slots would swap
        Replayed("shared", {"school_id": (1, 2), "pupil_id": (3, 1)})
    replayed = Replayed("given", {"school_id": SCHOOLS})
    with pytest.raises(ValueError):
        replayed.sql(lambda school_id: School.objects.filter(pk=school_id), ())


def test_the_overview_replays_its_sections_for_a_whole_school():
    """The page's own path: `_school_members` answers (it does not fall back to building), for two schools."""
    for school in (SchoolFactory(), SchoolFactory()):
        members = overview_paged._school_members(
            Opp.objects.filter(school=school), school.pk, today=timezone.localdate(), now=timezone.now(),
            objected=set())
        assert members is not None
        assert all(items == [] for items in members.values())
        sections, _counts = overview_paged.overview_sections(
            Opp.objects.filter(school=school), QueryDict(""), whole_school_id=school.pk)
        assert all(section.count == 0 for section in sections)



def test_the_overview_replays_the_rows_it_shows_for_a_whole_school_each_with_its_own_plans():
    """The shown plans' query is compiled once too (`overview_paged._SCHOOL_ROWS`), and gives each school its plans."""
    overview_paged._SCHOOL_ROWS.forget()
    for school in (SchoolFactory(), SchoolFactory()):
        opp = OppFactory(school=school, support_start_date=timezone.localdate())  # in the hearing list, shown
        sections, _counts = overview_paged.overview_sections(
            Opp.objects.filter(school=school), QueryDict(""), whole_school_id=school.pk)
        assert overview_paged._SCHOOL_ROWS._compiled is not None and overview_paged._SCHOOL_ROWS._compiled.sql
        assert {row.opp.pk for section in sections for row in section.rows} == {opp.pk}
