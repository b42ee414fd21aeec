"""Which plans count: only adopted extra-support plans at bao and vo schools."""

import pytest

from plans.models import Opp, OppKind
from registration.models import BatchKind

from .helpers import csv_rows, export


@pytest.mark.parametrize("school_type", ["sbo", "so", "vso", "pro"])
def test_plans_at_special_schools_never_count(rod, school_type):
    rod.period(school=rod.school_of(school_type))
    batch = export(rod, kind=BatchKind.FULL)
    assert batch.exported_count == 0 and batch.held_back_count == 0


def test_a_plan_whose_copy_of_the_school_type_says_bao_still_never_counts_at_an_sbo_school(rod):
    sbo = rod.school_of("sbo")
    opp = rod.period(school=sbo)
    Opp.objects.filter(pk=opp.pk).update(school_type="bao")
    assert export(rod, kind=BatchKind.FULL).exported_count == 0


def test_plans_at_a_vo_school_count(rod):
    rod.period(school=rod.school_of("vo"))
    assert export(rod).exported_count == 1


def test_plans_within_basisondersteuning_never_count(rod):
    rod.period(kind=OppKind.BASISONDERSTEUNING)
    assert export(rod, kind=BatchKind.FULL).exported_count == 0


def test_plans_not_yet_adopted_never_count(rod):
    rod.period(adopted=False)
    assert export(rod, kind=BatchKind.FULL).exported_count == 0


def test_a_school_export_holds_only_that_schools_periods(rod):
    rod.period()
    vo = rod.school_of("vo")
    at_vo = rod.period(school=vo)
    rows = csv_rows(export(rod, school=vo))
    assert [(r["brin"], r["leerling"]) for r in rows] == [(vo.brin, str(at_vo.pupil.uuid))]


def test_another_boards_plans_never_appear(rod):
    from tests.factories import SchoolFactory

    rod.period(school=SchoolFactory(school_type="bao"))
    assert export(rod, kind=BatchKind.FULL).exported_count == 0
