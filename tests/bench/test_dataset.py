from dataclasses import replace

import pytest
from django.db import connection
from django.db.models import F, Q

from bench import dataset
from plans import requirements
from plans.content import snapshot
from plans.models import Opp, OppStatus, OppVersion
from registration import services as rod_services
from registration.build import build_batch
from registration.models import BatchKind, DeliveredPeriod
from registration.periods import counting_opps
from schools.identifiers import is_valid_bsn
from schools.models import Enrolment, Pupil
from tests.factories import PupilFactory, staff

from .conftest import TINY


@pytest.fixture
def grown(focus_school):
    dataset.grow(TINY, focus_school)
    return focus_school


def test_growing_reaches_the_totals_and_keeps_the_users_school_at_the_centre(focus_school):
    first = dataset.grow(TINY, focus_school)
    assert (first["schools"], first["pupils"], first["plans"]) == (4, 240, 90)
    assert (first["focus_school_pupils"], first["focus_school_plans"], first["focus_board_schools"]) == (60, 30, 3)

    bigger = replace(TINY, schools=7, pupils=400, plans=150, focus_board_schools=4, focus_school_pupils=100,
                     focus_school_plans=50)
    second = dataset.grow(bigger, focus_school)
    assert (second["schools"], second["pupils"], second["plans"]) == (7, 400, 150)
    assert (second["focus_school_pupils"], second["focus_school_plans"], second["focus_board_schools"]) == (100, 50, 4)


def test_every_status_occurs_and_every_plan_has_its_pupil_enrolled_before_it_began(grown):
    assert set(Opp.objects.values_list("status", flat=True)) == set(OppStatus.values)
    enrolled_before = Enrolment.objects.filter(
        pupil_id=F("pupil__opps__pupil_id"), school_id=F("pupil__opps__school_id"),
        enrolment_date__lte=F("pupil__opps__created_at__date"))
    assert enrolled_before.values("pupil__opps").distinct().count() == Opp.objects.count()
    assert not Opp.objects.filter(adopted_on__isnull=False, adopted_version__isnull=True).exists()


def test_bulk_identifiers_pass_their_checks_and_the_database_takes_new_rows_after_them(grown):
    bsns = list(Pupil.objects.values_list("bsn", flat=True))
    assert len(bsns) == 240 and all(is_valid_bsn(b) for b in bsns)
    connection.check_constraints()  # every deferred foreign key of the COPY'd rows points somewhere
    PupilFactory()  # the sequences were moved past the ids the bulk load handed out
    assert Pupil.objects.count() == 241


def test_frozen_versions_are_what_the_portal_itself_would_have_frozen(grown):
    adopted = Opp.objects.filter(status=OppStatus.VASTGESTELD).select_related("adopted_version")
    assert adopted.exists()
    for opp in adopted:
        assert opp.adopted_version.hash_is_valid()
        assert opp.adopted_version.content == snapshot(opp)
    assert all(v.hash_is_valid() for v in OppVersion.objects.all())


def test_plans_waiting_for_instemming_lack_nothing_but_the_parents_decision(grown):
    waiting = Opp.objects.filter(status=OppStatus.TER_INSTEMMING)
    assert waiting.exists()
    for opp in waiting:
        assert [gap.key for gap in requirements.blocking_gaps(opp)] == ["instemming"]


def test_the_rod_export_of_the_grown_board_holds_nothing_back(grown):
    board = grown.board
    admin = staff("board_admin", board=board)
    assert DeliveredPeriod.objects.filter(school__board=board).exists()
    batch = rod_services.start_export(user=admin, board=board, kind=BatchKind.FULL, queue=False)
    batch = build_batch(batch.pk)
    assert batch.held_back_count == 0
    assert batch.exported_count == counting_opps(board.pk).count() > 0


def test_the_rod_board_holds_exactly_the_periods_asked_for(postgres):
    board = dataset.add_rod_board(70)
    periods = counting_opps(board.pk)
    assert periods.count() == 70
    assert not periods.filter(Q(adopted_version__isnull=True) | ~Q(school__school_type="bao")).exists()


def test_a_plan_for_the_pdf_has_the_goals_asked_for(focus_school):
    version = dataset.plan_with_goals(focus_school, 7)
    assert len(version.goals) == 7
    assert version.opp.status == OppStatus.TER_INSTEMMING and version.opp.school == focus_school
