"""Rule 7 (adopt within six weeks) and rule 8 (evaluate at least yearly): due dates and flags."""

import datetime

import pytest
from django.utils import timezone

from plans import deadlines
from plans.models import Opp
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


def _marks(opp, today) -> list[tuple[str, str]]:
    """The plan page's deadline marks (label, urgency) on `today`: the same `mark` the overview's rows use."""
    return [(m.label, m.urgency) for m in deadlines.marks_for(opp, today=today)]


def test_rule_7_a_basisondersteuning_plan_has_no_legal_deadline():
    opp = OppFactory(kind="basisondersteuning", support_start_date=D(2026, 10, 1))
    assert deadlines.adoption_due_date(opp) is None
    assert _marks(opp, D(2030, 1, 1)) == []


def test_rule_7_the_portal_warns_before_and_flags_after_the_deadline():
    opp = OppFactory(support_start_date=D(2026, 10, 1))  # due 12 November
    assert _marks(opp, D(2026, 10, 20)) == [("Uiterlijk vaststellen", "")]
    assert _marks(opp, D(2026, 11, 1)) == [("Uiterlijk vaststellen", "soon")]
    assert _marks(opp, D(2026, 11, 12)) == [("Uiterlijk vaststellen", "soon")]
    assert _marks(opp, D(2026, 11, 13)) == [("Uiterlijk vaststellen", "late")]
    opp.adopted_on = D(2026, 11, 10)
    assert _marks(opp, D(2026, 11, 13)) == []


def test_rule_8_an_evaluation_is_due_soon_within_thirty_days_and_overdue_after():
    opp = OppFactory(adopted_on=D(2025, 12, 1), next_evaluation_due=D(2026, 12, 1), status="vastgesteld")
    assert _marks(opp, D(2026, 10, 31)) == [("Uiterlijk evalueren", "")]
    assert _marks(opp, D(2026, 11, 1)) == [("Uiterlijk evalueren", "soon")]
    assert _marks(opp, D(2026, 12, 1)) == [("Uiterlijk evalueren", "soon")]
    assert _marks(opp, D(2026, 12, 2)) == [("Uiterlijk evalueren", "late")]
    opp.ended_on = D(2026, 11, 30)
    assert _marks(opp, D(2026, 12, 2)) == []


# --- one implementation, follow-up plans ----------------------------------------------------------------------

def _ended_plan(school, pupil, *, started_days_ago: int, adopted: bool = True):
    today = datetime.date.today()
    opp = OppFactory(school=school, pupil=pupil, status="beeindigd",
                     adopted_on=today - datetime.timedelta(days=started_days_ago - 5) if adopted else None,
                     ended_on=today - datetime.timedelta(days=20))
    Opp.objects.filter(pk=opp.pk).update(created_at=timezone.now() - datetime.timedelta(days=started_days_ago))
    return opp


@pytest.mark.parametrize("school_type", ["sbo", "so", "vso", "pro"])
def test_rule_7_a_follow_up_plan_counts_from_the_start_of_extra_support_not_from_an_old_enrolment(school_type):
    today = datetime.date.today()
    school = SchoolFactory(school_type=school_type)
    pupil = PupilFactory()
    EnrolmentFactory(pupil=pupil, school=school, enrolment_date=today - datetime.timedelta(days=800))
    _ended_plan(school, pupil, started_days_ago=700)
    follow_up = OppFactory(school=school, pupil=pupil, support_start_date=today - datetime.timedelta(days=10))
    assert deadlines.adoption_due_date(follow_up) == today + datetime.timedelta(days=32)
    without_date = OppFactory(school=SchoolFactory(school_type=school_type), pupil=PupilFactory())
    assert deadlines.adoption_start(without_date) is None  # not enrolled there: no date to count from
    Opp.objects.filter(pk=follow_up.pk).update(support_start_date=None)
    follow_up.refresh_from_db()
    assert deadlines.adoption_due_date(follow_up) == today + deadlines.ADOPTION_WINDOW  # from the day it started


def test_rule_7_after_a_draft_that_was_withdrawn_unadopted_the_next_plan_is_still_the_first():
    today = datetime.date.today()
    school = SchoolFactory(school_type="so")
    pupil = PupilFactory()
    EnrolmentFactory(pupil=pupil, school=school, enrolment_date=today - datetime.timedelta(days=30))
    _ended_plan(school, pupil, started_days_ago=25, adopted=False)
    opp = OppFactory(school=school, pupil=pupil, support_start_date=today)
    assert deadlines.adoption_start(opp) == today - datetime.timedelta(days=30)


def test_rule_7_a_plan_of_an_earlier_enrolment_does_not_make_the_next_enrolment_s_plan_a_follow_up():
    today = datetime.date.today()
    school = SchoolFactory(school_type="sbo")
    pupil = PupilFactory()
    EnrolmentFactory(pupil=pupil, school=school, enrolment_date=today - datetime.timedelta(days=900),
                     leaving_date=today - datetime.timedelta(days=400))
    _ended_plan(school, pupil, started_days_ago=850)
    EnrolmentFactory(pupil=pupil, school=school, enrolment_date=today - datetime.timedelta(days=20))
    opp = OppFactory(school=school, pupil=pupil, support_start_date=today)
    assert deadlines.adoption_start(opp) == today - datetime.timedelta(days=20)


def test_the_plan_page_and_the_overview_show_the_same_deadline_marks():
    today = datetime.date.today()
    late = OppFactory(support_start_date=today - datetime.timedelta(days=50))
    soon = OppFactory(support_start_date=today - datetime.timedelta(days=35))
    assert [(m.label, m.text, m.urgency) for m in deadlines.marks_for(late)] == [
        ("Uiterlijk vaststellen", "8 dagen te laat", "late")]
    assert [(m.text, m.urgency) for m in deadlines.marks_for(soon)] == [("over 7 dagen", "soon")]
    running = OppFactory(status="vastgesteld", adopted_on=today - datetime.timedelta(days=300),
                         next_evaluation_due=today + datetime.timedelta(days=40))
    assert [(m.label, m.text, m.urgency) for m in deadlines.marks_for(running)] == [
        ("Uiterlijk evalueren", "over 40 dagen", "")]


@pytest.mark.parametrize("earlier", [None, "adopted", "never_adopted"])
@pytest.mark.parametrize("school_type", ["sbo", "bao"])
def test_rule_7_the_start_form_names_the_date_the_new_plan_will_count_from(school_type, earlier):
    """Asked before a plan exists (the start form) and after (the plan page, the overview), the answer is one."""
    today = datetime.date.today()
    school = SchoolFactory(school_type=school_type)
    pupil = PupilFactory()
    enrolment = EnrolmentFactory(pupil=pupil, school=school, enrolment_date=today - datetime.timedelta(days=800))
    if earlier:
        _ended_plan(school, pupil, started_days_ago=700, adopted=earlier == "adopted")
    before = deadlines.start_counts_from_enrolment(pupil=pupil, school=school, enrolment=enrolment)
    opp = OppFactory(school=school, pupil=pupil, support_start_date=today - datetime.timedelta(days=10))
    after = deadlines.adoption_start(opp)
    assert before == (after if after == enrolment.enrolment_date else None)
    assert (before is not None) == (school_type == "sbo" and earlier != "adopted")
