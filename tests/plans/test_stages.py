"""One truth per stage of a plan's life: what the checklist judges and says (`plans.requirements.judge`) and in
which of the school leader's lists (`plans.overview.build_sections`) the plan stands, against the real consent
app. Every stage also checks that the overview's queryset answer ("klaar om vast te stellen") agrees with the
checklist itself."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format

from consent.models import Decision
from plans import services
from plans.models import Opp, OppStatus
from plans.overview import build_sections, ready_to_adopt
from plans.overview_paged import overview_sections
from plans.requirements import Stage, checklist, judge
from schools.models import School
from tests.factories import SchoolFactory, parent_of

from .factories import goal

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
EARLIER = TODAY - datetime.timedelta(days=3)  # the first overleg, some days before the plan was sent
LONG_AGO = timezone.now() + datetime.timedelta(days=15)  # "now" for the overview: everything sent waited 15 days


def day(value=TODAY) -> str:
    return date_format(value, "j F Y")


def statuses(opp) -> dict[str, bool]:
    return {item.key: item.met for item in judge(opp).items}


def lists(opp, *, now=None) -> set[str]:
    """The overview sections the plan stands in (and the ready list agrees with the checklist)."""
    opp.refresh_from_db()
    plans = Opp.objects.filter(school=opp.school)
    sections = build_sections(plans, now=now)
    keys = {s.key for s in sections if any(row.opp.pk == opp.pk for row in s.rows)}
    # The leader's page pages in the database: it lists the plan in the same sections, with the same counts.
    for whole_school_id in (None, opp.school_id):  # the school: from SQL compiled once (`_school_members`)
        paged, _counts = overview_sections(plans, QueryDict(""), now=now, whole_school_id=whole_school_id)
        assert {s.key for s in paged if any(row.opp.pk == opp.pk for row in s.rows)} == keys
        assert [(s.count, s.late_count) for s in paged] == [(s.count, s.late_count) for s in sections]
    ready = ready_to_adopt(plans).filter(pk=opp.pk).exists()
    assert ready == (opp.status == OppStatus.TER_INSTEMMING and judge(opp).all_met)
    return keys


def objection_rows(opp):
    opp.refresh_from_db()
    section = next(s for s in build_sections(Opp.objects.filter(school=opp.school)) if s.key == "bezwaar")
    rows = [(row.who, row.text) for row in section.rows if row.opp.pk == opp.pk]
    for whole_school_id in (None, opp.school_id):
        paged = next(s for s in overview_sections(Opp.objects.filter(school=opp.school), QueryDict(""),
                                                  whole_school_id=whole_school_id)[0]
                     if s.key == "bezwaar")
        assert [(row.who, row.text) for row in paged.rows if row.opp.pk == opp.pk] == rows
    return rows


def evaluate(world, opp, decision, **kwargs):
    opp.refresh_from_db()
    return services.record_evaluation(
        user=world.ib, opp=opp, evaluated_on=TODAY, decision=decision,
        outcomes={g["uuid"]: ("partly", "") for g in opp.adopted_version.goals},
        parents_view="Thuis gaat het lezen beter.", pupil_view="Ik wil nog beter leren lezen.", **kwargs,
    )


@pytest.fixture
def sent(world):
    """Drawn up, discussed with the parents, the pupil heard, frozen and sent for instemming in one step."""
    opp = world.fill(world.start())
    world.oogo(opp, held_on=EARLIER)
    world.hear(opp)
    result = world.send_and_ask(opp)
    opp.refresh_from_db()
    return opp, result.version, result.request


@pytest.fixture
def adopted(world, sent):
    opp, version, request = sent
    world.decide(request, world.mother)
    world.decide(request, world.father)
    return services.adopt(user=world.leader, opp=opp), version


# --- the stages ---------------------------------------------------------------------------------------------

def test_draft_the_checklist_judges_the_draft_and_the_plan_is_listed_for_its_deadline_and_hearing(world):
    opp = world.fill(world.start())
    judgement = judge(opp)
    assert judgement.stage == Stage.DRAFT and judgement.version is None and judgement.subject == "het concept"
    assert statuses(opp) == {"handelingsdeel": True, "goals": True, "uitstroomperspectief": True, "oogo": False,
                             "hearing": False, "instemming": False}
    assert lists(opp, now=LONG_AGO) == {"vaststellen", "hoorrecht"}


def test_sent_the_checklist_judges_the_version_sent_and_waiting_is_listed_after_two_weeks(world, sent):
    opp, version, _request = sent
    judgement = judge(opp)
    assert judgement.stage == Stage.SENT and judgement.version == version
    assert "versie 1" in judgement.subject
    assert statuses(opp) == {"handelingsdeel": True, "goals": True, "uitstroomperspectief": True, "oogo": True,
                             "hearing": True, "instemming": False}
    items = {item.key: item for item in judgement.items}
    assert items["oogo"].status.detail == f"overleg op {day(EARLIER)}"
    assert items["hearing"].status.detail == f"gehoord op {day()} (gesprek)"
    assert "Wacht op het besluit" in items["instemming"].status.message
    assert lists(opp) == {"vaststellen"}
    assert lists(opp, now=LONG_AGO) == {"vaststellen", "instemming"}


def test_refused_the_refusal_blocks_and_is_listed_per_guardian_not_as_waiting(world, sent):
    opp, _version, request = sent
    world.decide(request, world.father)
    world.decide(request, world.mother, Decision.NIET_AKKOORD, "Te weinig hulp bij rekenen.")
    items = {item.key: item for item in judge(opp).items}
    assert not items["instemming"].met and "stemt niet in" in items["instemming"].status.message
    assert lists(opp, now=LONG_AGO) == {"vaststellen", "bezwaar"}
    assert objection_rows(opp) == [(world.guardian(world.mother).full_name, "niet akkoord")]


def test_conversation_asked_is_listed_per_guardian_not_as_waiting(world, sent):
    opp, _version, request = sent
    world.decide(request, world.mother, Decision.GESPREK_GEWENST, "Eerst praten graag.")
    items = {item.key: item for item in judge(opp).items}
    assert not items["instemming"].met and "wil eerst een gesprek" in items["instemming"].status.message
    assert lists(opp, now=LONG_AGO) == {"vaststellen", "bezwaar"}
    assert objection_rows(opp) == [(world.guardian(world.mother).full_name, "ik wil eerst een gesprek")]


def test_agreed_by_everyone_the_plan_is_ready_to_adopt(world, sent):
    opp, _version, request = sent
    world.decide(request, world.mother)
    world.decide(request, world.father)
    assert judge(opp).all_met
    assert lists(opp, now=LONG_AGO) == {"klaar", "vaststellen"}


def test_the_ready_check_the_overview_compiles_once_holds_each_school_to_its_own_ready_plans(
        postgresql, world, sent):
    """The compiled SQL is shared by every school (`plans.overview_paged._school_members`): only the school changes."""
    opp, _version, request = sent
    world.decide(request, world.mother)
    world.decide(request, world.father)
    other = School.objects.exclude(pk=opp.school_id).first() or SchoolFactory()

    def ready(plans, whole_school_id=None) -> list[int]:
        sections, _counts = overview_sections(plans, QueryDict(""), whole_school_id=whole_school_id)
        return [row.opp.pk for row in next(s for s in sections if s.key == "klaar").rows]

    for _ in range(2):  # compiled on the first call, reused on the second
        assert ready(Opp.objects.filter(school_id=opp.school_id), opp.school_id) == [opp.pk]
        assert not ready(Opp.objects.filter(school_id=other.pk), other.pk)
        assert not ready(Opp.objects.exclude(pk=opp.pk).filter(school_id=opp.school_id))  # never more than given


def test_adopted_every_point_is_green_with_its_dates_for_the_version_in_force(world, adopted):
    opp, version = adopted
    judgement = judge(opp)
    assert judgement.stage == Stage.IN_FORCE and judgement.version == version
    assert judgement.subject == f"de geldende versie 1, vastgesteld op {day()}"
    assert judgement.met_count == len(judgement.items) == 6
    details = {item.key: item.status.detail for item in judgement.items}
    mother, father = world.guardian(world.mother).full_name, world.guardian(world.father).full_name
    assert details["oogo"] == f"overleg op {day(EARLIER)}"
    assert details["hearing"] == f"gehoord op {day()} (gesprek)"
    assert details["instemming"] in (f"akkoord van {mother} op {day()} en {father} op {day()}, over versie 1",
                                     f"akkoord van {father} op {day()} en {mother} op {day()}, over versie 1")
    assert lists(opp, now=LONG_AGO) == set()


def test_adopted_the_checklist_keeps_what_held_at_adoption_whatever_changes_later(world, adopted):
    opp, version = adopted
    parent_of(world.pupil)  # a third guardian gets gezag after the adoption
    assert not next(i for i in checklist(opp, version) if i.key == "instemming").met  # judged again: not asked
    assert judge(opp).all_met and judge(opp).met_count == 6  # the version in force: as it was adopted


def test_evaluated_and_continued_the_version_in_force_stays_green(world, adopted):
    opp, _version = adopted
    evaluate(world, opp, "continue")
    opp.refresh_from_db()
    assert opp.status == OppStatus.VASTGESTELD and judge(opp).stage == Stage.IN_FORCE and judge(opp).all_met
    assert lists(opp, now=LONG_AGO) == set()


def test_evaluated_and_adjusted_the_evaluation_counts_as_overleg_and_as_the_pupils_hearing(world, adopted):
    opp, _version = adopted
    evaluate(world, opp, "adjust", discussed_uitstroomperspectief=True)
    opp.refresh_from_db()
    judgement = judge(opp)
    assert opp.status == OppStatus.BIJGESTELD and judgement.stage == Stage.ADJUSTMENT and judgement.version is None
    assert "bijstelling" in judgement.subject and "versie 1 blijft gelden" in judgement.subject
    items = {item.key: item for item in judgement.items}
    assert items["oogo"].met and items["oogo"].status.detail == f"evaluatie met de ouders op {day()}"
    assert items["hearing"].met and items["hearing"].status.detail == f"gehoord bij de evaluatie van {day()}"
    assert not items["instemming"].met and "bijstelling wordt nog opgesteld" in items["instemming"].status.message
    assert lists(opp, now=LONG_AGO) == set()  # heard at the evaluation: not under "nog niet gehoord"


def test_an_adjustment_without_any_new_overleg_or_hearing_asks_for_both(world, adopted):
    opp, _version = adopted
    world.reopen(opp, reason="De situatie thuis is veranderd.")
    opp.refresh_from_db()
    items = {item.key: item for item in judge(opp).items}
    assert not items["oogo"].met and "bijstelling" in items["oogo"].status.message
    assert not items["hearing"].met
    assert lists(opp, now=LONG_AGO) == {"hoorrecht"}


def test_an_evaluation_about_the_goals_only_leaves_the_uitstroomperspectief_to_discuss(world, adopted):
    opp, _version = adopted
    evaluate(world, opp, "adjust")  # the form's default: the handelingsdeel was discussed
    opp.refresh_from_db()
    items = {item.key: item for item in judge(opp).items}
    assert not items["oogo"].met and "uitstroomperspectief" in items["oogo"].status.message
    assert items["hearing"].met


def test_adjusted_and_sent_then_agreed_and_adopted_every_point_is_green_with_its_dates(world, adopted):
    opp, v1 = adopted
    evaluate(world, opp, "adjust", discussed_uitstroomperspectief=True)
    world.change(opp, {"goals": [*v1.goals, goal("Rekenen")]})
    result = world.send_and_ask(opp, reason="Aangepast na de evaluatie")
    opp.refresh_from_db()
    judgement = judge(opp)
    assert judgement.stage == Stage.ADJUSTMENT_SENT and judgement.version == result.version
    assert "versie 2" in judgement.subject and "versie 1 blijft gelden" in judgement.subject
    assert statuses(opp) == {"handelingsdeel": True, "goals": True, "uitstroomperspectief": True, "oogo": True,
                             "hearing": True, "instemming": False}
    assert lists(opp, now=LONG_AGO) == {"instemming"}
    for parent in (world.mother, world.father):
        world.decide(result.request, parent)
    assert lists(opp, now=LONG_AGO) == {"klaar"}
    services.adopt(user=world.leader, opp=opp)
    opp.refresh_from_db()
    judgement = judge(opp)
    assert judgement.stage == Stage.IN_FORCE and judgement.version.number == 2 and judgement.all_met
    details = {item.key: item.status.detail for item in judgement.items}
    assert details["hearing"] == f"gehoord bij de evaluatie van {day()}"
    assert details["instemming"].endswith("over versie 2")
    assert opp.adopted_on == TODAY and opp.adopted_version.number == 2
    assert lists(opp, now=LONG_AGO) == set()


def test_ended_the_checklist_shows_the_version_that_was_in_force_and_no_list_holds_the_plan(world, adopted):
    opp, _version = adopted
    evaluate(world, opp, "end", end_reason="De doelen zijn bereikt.")
    opp.refresh_from_db()
    judgement = judge(opp)
    assert opp.status == OppStatus.BEEINDIGD and judgement.stage == Stage.ENDED and judgement.all_met
    # Nothing is in force after the end: the checklist names the version that was, and until when.
    assert "geldende" not in judgement.subject
    assert judgement.subject == (f"versie 1, vastgesteld op {day()}, die gold tot het plan eindigde op {day()}")
    assert lists(opp, now=LONG_AGO) == set()


def test_a_plan_ended_before_adoption_is_judged_as_it_stood(world, sent):
    opp, _version, _request = sent
    services.end(user=world.ib, opp=opp, ended_on=TODAY, reason="Leerling verhuisd.")
    opp.refresh_from_db()
    judgement = judge(opp)
    assert judgement.stage == Stage.ENDED and "zonder vaststelling" in judgement.subject
    assert lists(opp, now=LONG_AGO) == set()
