"""The board's figures per school: counts from the latest built batch, in queries that do not grow with schools."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from registration.monitoring import figures_for
from schools.models import Pupil, School

from .helpers import export

INVALID_BSN = "123456789"


def _figures(board):
    schools = School.objects.filter(board=board).order_by("pk")
    with CaptureQueriesContext(connection) as queries:
        figures = figures_for(schools)
    return {f.school.pk: f for f in figures}, len(queries)


def test_held_back_records_are_counted_per_school_from_its_latest_batch(rod):
    other = rod.school_of("vo")
    bad = rod.period()
    Pupil.objects.filter(pk=bad.pupil_id).update(bsn=INVALID_BSN)
    rod.period(school=other)
    export(rod)
    figures, _ = _figures(rod.board)
    assert figures[rod.school.pk].held_back == 1 and figures[other.pk].held_back == 0
    assert figures[rod.school.pk].running == 1 and figures[other.pk].running == 1


def test_the_number_of_queries_does_not_grow_with_the_number_of_schools(rod):
    rod.period()
    export(rod)
    _, few = _figures(rod.board)
    for school_type in ("bao", "vo", "bao", "sbo"):
        rod.period(school=rod.school_of(school_type))
    export(rod)
    _, many = _figures(rod.board)
    assert many == few
