"""Rule 7 (adopt within six weeks) and rule 8 (evaluate at least yearly): due dates and flags."""

import datetime

import pytest

from plans import deadlines
from tests.factories import EnrolmentFactory, PupilFactory, SchoolFactory

from .factories import OppFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize("school_type", ["sbo", "so", "vso", "pro"])
def test_rule_7_adoption_is_due_six_weeks_after_enrolment_at_special_schools(school_type):
    school = SchoolFactory(school_type=school_type)
    pupil = PupilFactory()
    EnrolmentFactory(pupil=pupil, school=school, enrolment_date=D(2026, 9, 1))
    opp = OppFactory(school=school, pupil=pupil, support_start_date=D(2026, 10, 1))
    assert deadlines.adoption_due_date(opp) == D(2026, 10, 13)


@pytest.mark.parametrize("school_type", ["bao", "vo"])
def test_rule_7_adoption_is_due_six_weeks_after_the_start_of_extra_support_at_bao_and_vo(school_type):
    opp = OppFactory(school__school_type=school_type, support_start_date=D(2026, 10, 1))
    assert deadlines.adoption_due_date(opp) == D(2026, 11, 12)


def test_rule_7_a_basisondersteuning_plan_has_no_legal_deadline():
    opp = OppFactory(kind="basisondersteuning", support_start_date=D(2026, 10, 1))
    assert deadlines.adoption_due_date(opp) is None
    assert not deadlines.is_overdue(opp, today=D(2030, 1, 1))


def test_rule_7_the_portal_warns_before_and_flags_after_the_deadline():
    opp = OppFactory(support_start_date=D(2026, 10, 1))  # due 12 November
    assert not deadlines.adoption_due_soon(opp, today=D(2026, 10, 20))
    assert deadlines.adoption_due_soon(opp, today=D(2026, 11, 1))
    assert not deadlines.adoption_is_overdue(opp, today=D(2026, 11, 12))
    assert deadlines.adoption_is_overdue(opp, today=D(2026, 11, 13))
    assert deadlines.is_overdue(opp, today=D(2026, 11, 13))
    opp.adopted_on = D(2026, 11, 10)
    assert not deadlines.adoption_is_overdue(opp, today=D(2026, 11, 13))


def test_rule_8_an_evaluation_is_due_soon_within_thirty_days_and_overdue_after():
    opp = OppFactory(adopted_on=D(2025, 12, 1), next_evaluation_due=D(2026, 12, 1), status="vastgesteld")
    assert not deadlines.evaluation_due_soon(opp, today=D(2026, 10, 31))
    assert deadlines.evaluation_due_soon(opp, today=D(2026, 11, 1))
    assert not deadlines.evaluation_is_overdue(opp, today=D(2026, 12, 1))
    assert deadlines.evaluation_is_overdue(opp, today=D(2026, 12, 2))
    assert deadlines.is_overdue(opp, today=D(2026, 12, 2))
    opp.ended_on = D(2026, 11, 30)
    assert not deadlines.evaluation_is_overdue(opp, today=D(2026, 12, 2))
