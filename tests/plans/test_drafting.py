"""start_draft, save_draft (with conflicts), carry-over and freezing a version."""

import datetime

import pytest

from opp_portal.audit.models import AuditEvent
from plans import services
from plans.models import Evaluation, EvaluationOutcome, Goal, OppStatus
from plans.services import ConflictError, NotAllowed, PlanRuleError, RoleRequired
from tests.factories import EnrolmentFactory, SchoolFactory, enrolled_pupil, staff

from .factories import goal, option_for

pytestmark = pytest.mark.django_db


def events(opp, action):
    return AuditEvent.objects.filter(action=action, pupil_id=opp.pupil_id)


# --- start_draft ---------------------------------------------------------------------------------------------

def test_an_ib_starts_a_draft_for_a_pupil_of_their_school_with_an_audit_event(world):
    opp = world.start(support_start_date=datetime.date(2026, 11, 1))
    assert opp.status == OppStatus.CONCEPT
    assert (opp.school, opp.pupil, opp.school_type, opp.kind) == (world.school, world.pupil, "bao", "extra_support")
    assert opp.revision == 1 and opp.created_by == world.ib and opp.evaluation_cycle_months == 12
    event = events(opp, "opp.started").get()
    assert event.actor == world.ib and event.on_behalf_of == f"school:{world.school.code}"


@pytest.mark.parametrize("role", ["teacher", "school_leader"])
def test_only_an_ib_starts_a_draft(world, role):
    user = staff(role, school=world.school, groups="5")
    with pytest.raises(RoleRequired):
        services.start_draft(user=user, pupil=world.pupil, school=world.school)


def test_an_ib_of_another_school_gets_not_found(world):
    outsider = staff("ib", school=SchoolFactory())
    with pytest.raises(NotAllowed):
        services.start_draft(user=outsider, pupil=world.pupil, school=world.school)


def test_a_draft_needs_a_current_enrolment_at_the_school(world):
    left = enrolled_pupil(SchoolFactory())
    EnrolmentFactory(pupil=left, school=world.school, leaving_date=datetime.date(2025, 1, 1),
                     enrolment_date=datetime.date(2024, 1, 1))
    with pytest.raises(PlanRuleError):
        world.start(pupil=left)


def test_rule_9_a_pupil_has_at_most_one_running_opp_at_a_school(world, consent):
    opp, version = world.sent()
    consent.agree_all(opp, version)
    services.adopt(user=world.leader, opp=opp)
    with pytest.raises(PlanRuleError, match="regel 9"):
        world.start()


def test_rule_9_a_second_draft_for_the_same_pupil_is_refused(world):
    world.start()
    with pytest.raises(PlanRuleError, match="regel 9"):
        world.start()


def test_rule_9_after_ending_a_plan_a_new_one_can_start(world):
    opp = world.start()
    services.end(user=world.ib, opp=opp, ended_on=datetime.date.today(), reason="Toch niet nodig")
    assert world.start().status == OppStatus.CONCEPT


@pytest.mark.parametrize("school_type", ["bao", "vo"])
def test_rule_10_basisondersteuning_plans_are_allowed_at_bao_and_vo(world_for, school_type):
    w = world_for(school_type)
    assert w.start(kind="basisondersteuning").kind == "basisondersteuning"


@pytest.mark.parametrize("school_type", ["sbo", "so", "vso", "pro"])
def test_rule_10_at_other_school_types_every_plan_is_extra_support(world_for, school_type):
    w = world_for(school_type)
    with pytest.raises(PlanRuleError, match="basisondersteuning"):
        w.start(kind="basisondersteuning")
    opp = w.start()
    with pytest.raises(PlanRuleError):
        services.save_draft(user=w.ib, opp=opp, expected_revision=1, changes={"kind": "basisondersteuning"})


@pytest.mark.parametrize("months", [0, 13])
def test_rule_8_the_evaluation_cycle_is_at_most_twelve_months(world, months):
    with pytest.raises(PlanRuleError):
        world.start(evaluation_cycle_months=months)
    assert world.start(evaluation_cycle_months=6).evaluation_cycle_months == 6


# --- save_draft --------------------------------------------------------------------------------------------

def test_saving_the_draft_bumps_the_revision_and_records_the_changed_fields(world):
    opp = world.start()
    opp = services.save_draft(user=world.ib, opp=opp, expected_revision=1,
                              changes={"support_and_guidance": "Extra hulp bij lezen.", "goals": [goal("Lezen")]})
    assert opp.revision == 2 and opp.support_and_guidance == "Extra hulp bij lezen."
    assert [g.area for g in opp.goals.all()] == ["Lezen"]
    assert events(opp, "opp.draft_saved").get().details["fields"] == ["goals", "support_and_guidance"]


def test_saving_unchanged_values_writes_nothing(world):
    opp = world.fill(world.start())
    revision = opp.revision
    again = services.save_draft(user=world.ib, opp=opp, expected_revision=revision,
                                changes={"support_and_guidance": opp.support_and_guidance})
    assert again.revision == revision
    assert events(opp, "opp.draft_saved").count() == 1


def test_two_editors_never_overwrite_each_other_silently(world):
    opp = world.start()
    services.save_draft(user=world.ib, opp=opp, expected_revision=1, changes={"support_and_guidance": "Tekst van Anna"})
    other_ib = staff("ib", school=world.school)
    with pytest.raises(ConflictError) as caught:
        services.save_draft(user=other_ib, opp=opp, expected_revision=1,
                            changes={"support_and_guidance": "Tekst van Bram"})
    conflict = caught.value
    assert conflict.fields == {"support_and_guidance": ("Tekst van Anna", "Tekst van Bram")}
    assert (conflict.current_revision, conflict.expected_revision) == (2, 1)
    opp.refresh_from_db()
    assert opp.support_and_guidance == "Tekst van Anna" and opp.revision == 2


def test_a_stale_save_that_agrees_with_the_stored_text_is_no_conflict(world):
    opp = world.start()
    services.save_draft(user=world.ib, opp=opp, expected_revision=1, changes={"support_needs": "Rust"})
    result = services.save_draft(user=world.ib, opp=opp, expected_revision=1, changes={"support_needs": "Rust"})
    assert result.revision == 2


def test_goals_are_updated_by_uuid_reordered_and_removed(world):
    opp = world.start()
    opp = services.save_draft(user=world.ib, opp=opp, expected_revision=1,
                              changes={"goals": [goal("Lezen"), goal("Rekenen")]})
    lezen, rekenen = opp.goals.all()
    opp = services.save_draft(user=world.ib, opp=opp, expected_revision=2, changes={"goals": [
        {**goal("Rekenen", approach="Met blokjes."), "uuid": rekenen.uuid},
        goal("Werkhouding"),
    ]})
    assert [g.area for g in opp.goals.all()] == ["Rekenen", "Werkhouding"]
    assert opp.goals.get(area="Rekenen").uuid == rekenen.uuid
    assert not Goal.objects.filter(pk=lezen.pk).exists()


def test_only_an_ib_saves_the_draft(world):
    opp = world.start()
    teacher = staff("teacher", school=world.school, groups="5")
    with pytest.raises(RoleRequired):
        services.save_draft(user=teacher, opp=opp, expected_revision=1, changes={"support_needs": "x"})


def test_the_uitstroom_option_must_fit_the_school_type(world):
    opp = world.start()
    with pytest.raises(PlanRuleError):
        services.save_draft(user=world.ib, opp=opp, expected_revision=1,
                            changes={"uitstroom_option": option_for("vso", "dagbesteding")})
    opp = services.save_draft(user=world.ib, opp=opp, expected_revision=1, changes={"uitstroom_option": "havo"})
    assert opp.uitstroom_option.code == "havo"


def test_an_ended_plan_cannot_be_edited(world):
    opp = world.start()
    opp = services.end(user=world.ib, opp=opp, ended_on=datetime.date.today(), reason="Verhuisd")
    with pytest.raises(PlanRuleError):
        services.save_draft(user=world.ib, opp=opp, expected_revision=opp.revision, changes={"support_needs": "x"})


# --- overleg and freezing -------------------------------------------------------------------------------------

def test_a_concept_goes_in_overleg_once(world):
    opp = services.start_overleg(user=world.ib, opp=world.start())
    assert opp.status == OppStatus.IN_OVERLEG
    with pytest.raises(PlanRuleError):
        services.start_overleg(user=world.ib, opp=opp)


def test_freezing_creates_version_one_and_sends_it_for_instemming(world):
    opp = world.fill(world.start())
    version = world.send(opp)
    opp.refresh_from_db()
    assert (version.number, opp.status) == (1, OppStatus.TER_INSTEMMING)
    assert opp.sent_at is not None and version.created_by == world.ib
    assert version.content["handelingsdeel"]["goals"][0]["area"] == "Lezen"
    assert version.content["uitstroomperspectief"]["destination"] == opp.uitstroom_option.code
    assert events(opp, "opp.version_frozen").get().details["content_hash"] == version.content_hash


def test_an_incomplete_plan_cannot_be_frozen_and_the_message_names_each_gap(world):
    opp = world.start()
    with pytest.raises(PlanRuleError, match="Handelingsdeel") as caught:
        services.freeze_version(user=world.ib, opp=opp, expected_revision=1)
    assert "Uitstroomperspectief" in str(caught.value) and "doel" in str(caught.value)
    assert not opp.versions.exists()


def test_a_version_is_frozen_only_with_a_complete_uitstroomperspectief(world):
    opp = world.fill(world.start())
    opp = services.save_draft(user=world.ib, opp=opp, expected_revision=opp.revision,
                              changes={"belemmerende_factoren": ""})
    with pytest.raises(PlanRuleError, match="belemmerende factoren"):
        world.send(opp)


def test_freezing_a_revision_the_user_has_not_seen_is_a_conflict(world):
    opp = world.fill(world.start())
    with pytest.raises(ConflictError):
        services.freeze_version(user=world.ib, opp=opp, expected_revision=1)


def test_rule_2_a_sent_version_cannot_be_sent_twice_and_a_change_makes_the_next_freeze_a_new_version(world):
    opp, v1 = world.sent()
    with pytest.raises(PlanRuleError):
        services.freeze_version(user=world.ib, opp=opp, expected_revision=opp.revision)
    opp = world.change(opp, {"support_and_guidance": "Drie keer per week."})
    assert opp.status == OppStatus.IN_OVERLEG
    v2 = world.send(opp)
    assert v2.number == 2 and v2.content_hash != v1.content_hash
    assert v1.content["handelingsdeel"]["support_and_guidance"].startswith("Twee keer")


def test_changing_back_to_the_sent_text_sends_the_same_version_again(world):
    opp, v1 = world.sent()
    original = opp.support_and_guidance
    opp = world.change(opp, {"support_and_guidance": "Iets anders"})
    opp = services.save_draft(user=world.ib, opp=opp, expected_revision=opp.revision,
                              changes={"support_and_guidance": original})
    assert world.send(opp) == v1
    assert opp.versions.count() == 1


# --- nothing changes status as a side effect of typing ------------------------------------------------------------

def test_typing_in_a_version_waiting_for_instemming_is_refused_and_changes_nothing(world):
    opp, v1 = world.sent()
    before = (opp.status, opp.revision, opp.support_and_guidance)
    with pytest.raises(PlanRuleError, match="Plan aanpassen"):
        services.save_draft(user=world.ib, opp=opp, expected_revision=opp.revision,
                            changes={"support_and_guidance": "Iets anders"})
    opp.refresh_from_db()
    assert (opp.status, opp.revision, opp.support_and_guidance) == before


def test_reopening_a_sent_version_needs_a_reason_and_is_audited(world):
    opp, v1 = world.sent()
    with pytest.raises(PlanRuleError, match="waarom"):
        services.start_adjustment(user=world.ib, opp=opp, reason="  ")
    opp = world.reopen(opp, reason="Moeder wil meer hulp bij rekenen.")
    assert opp.status == OppStatus.IN_OVERLEG and opp.adjustment_reason == "Moeder wil meer hulp bij rekenen."
    event = AuditEvent.objects.get(action="opp.adjustment_started", pupil_id=opp.pupil_id)
    assert event.details["from_status"] == "ter_instemming" and event.details["reason"].startswith("Moeder")


def test_only_the_ib_reopens_a_plan(world):
    opp, v1 = world.sent()
    with pytest.raises(RoleRequired):
        services.start_adjustment(user=world.leader, opp=opp, reason="Anders")
    with pytest.raises(PlanRuleError):
        services.start_adjustment(user=world.ib, opp=world.fill(world.start(pupil=enrolled_pupil(world.school))),
                                  reason="Al een concept")


# --- carry-over ------------------------------------------------------------------------------------------------

def test_a_new_draft_carries_over_the_support_and_the_goals_not_reached(world, consent):
    opp, version = world.sent(goals=[goal("Lezen"), goal("Rekenen"), goal("Spelling")])
    consent.agree_all(opp, version)
    opp = services.adopt(user=world.leader, opp=opp)
    ids = {g["area"]: g["uuid"] for g in version.goals}
    services.record_evaluation(
        user=world.ib, opp=opp, evaluated_on=datetime.date.today(), decision="end",
        outcomes={ids["Lezen"]: ("reached", "Gelukt"), ids["Rekenen"]: ("partly", ""),
                  ids["Spelling"]: ("not_reached", "")},
        parents_view="Tevreden over lezen.", pupil_view="Rekenen blijft moeilijk.", end_reason="Nieuw schooljaar",
    )
    new = world.start(carry_over=True)
    assert new.previous == opp
    assert new.support_and_guidance == opp.support_and_guidance
    carried = list(new.goals.all())
    assert [g.area for g in carried] == ["Rekenen", "Spelling"]
    assert all(g.due_by is None for g in carried)  # a new date is set for the new period
    assert {str(g.uuid) for g in carried}.isdisjoint(ids.values())
    assert events(new, "opp.started").filter(details__carried_goals=2).exists()


def test_carry_over_without_evaluation_copies_every_goal(world):
    old = world.fill(world.start(), goals=[goal("Lezen"), goal("Rekenen")])
    services.end(user=world.ib, opp=old, ended_on=datetime.date.today(), reason="Opnieuw beginnen")
    new = world.start(carry_over=True)
    assert [g.area for g in new.goals.all()] == ["Lezen", "Rekenen"]


def test_carry_over_without_a_previous_plan_is_refused(world):
    with pytest.raises(PlanRuleError):
        world.start(carry_over=True)
    assert not Evaluation.objects.exists() and not EvaluationOutcome.objects.exists()
