"""Adoption, ending and evaluation: every transition allowed and refused, rules 1-9 through the services."""

import datetime

import pytest

from opp_portal.append_only import AppendOnlyError
from opp_portal.audit.models import AuditEvent
from plans import services
from plans.models import Evaluation, Opp, OppStatus
from plans.requirements import checklist
from plans.services import AdoptionBlocked, PlanRuleError, RoleRequired
from plans.services._common import add_months
from tests.factories import GuardianshipFactory, staff

from .factories import OppFactory, goal

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def adopted(world, consent, **kwargs):
    opp, version = world.sent(**kwargs)
    consent.agree_all(opp, version)
    return services.adopt(user=world.leader, opp=opp), version


def outcomes_for(version, outcome="partly"):
    return {g["uuid"]: (outcome, "") for g in version.goals}


def evaluate(world, opp, version, decision, **kwargs):
    outcomes = kwargs.pop("outcomes", None)
    return services.record_evaluation(
        user=world.ib, opp=opp, evaluated_on=kwargs.pop("evaluated_on", TODAY),
        outcomes=outcomes_for(version) if outcomes is None else outcomes, parents_view="Ouders zien vooruitgang.",
        pupil_view="Ik vind lezen nu leuker.", decision=decision, **kwargs,
    )


# --- adoption -------------------------------------------------------------------------------------------------

def test_a_school_leader_adopts_when_every_requirement_is_met(world, consent):
    opp, version = adopted(world, consent)
    assert opp.status == OppStatus.VASTGESTELD
    assert opp.adopted_on == TODAY and opp.adopted_version == version and opp.version_adopted_on == TODAY
    assert opp.next_evaluation_due == add_months(TODAY, 12)
    event = AuditEvent.objects.get(action="opp.adopted", pupil_id=opp.pupil_id)
    assert event.actor == world.leader and event.details["version"] == 1 and event.details["first"] is True


@pytest.mark.parametrize("role", ["ib", "teacher"])
def test_only_the_school_leader_adopts(world, consent, role):
    opp, version = world.sent()
    consent.agree_all(opp, version)
    with pytest.raises(RoleRequired):
        services.adopt(user=staff(role, school=world.school, groups="5"), opp=opp)


@pytest.mark.parametrize("status_maker", ["concept", "in_overleg"])
def test_a_plan_not_sent_for_instemming_cannot_be_adopted(world, consent, status_maker):
    opp = world.fill(world.start())
    if status_maker == "in_overleg":
        opp = services.start_overleg(user=world.ib, opp=opp)
    consent.record_oogo(opp)
    consent.record_hearing(opp)
    with pytest.raises(PlanRuleError):
        services.adopt(user=world.leader, opp=opp)


def test_without_consent_registered_adoption_fails_closed(world, without_consent):
    opp, version = world.sent()
    with pytest.raises(AdoptionBlocked) as caught:
        services.adopt(user=world.leader, opp=opp)
    assert {item.key for item in caught.value.gaps} == {"oogo", "hearing", "instemming"}


def test_rule_1_oogo_with_the_parents_is_recorded_before_adoption(world, consent):
    opp, version = world.sent()
    consent.record_hearing(opp)
    for decider in ("guardian:%s" % g for g in opp.pupil.guardianships.values_list("guardian_id", flat=True)):
        consent.decide(version, decider, agreed=True)
    with pytest.raises(AdoptionBlocked) as caught:
        services.adopt(user=world.leader, opp=opp)
    assert [item.key for item in caught.value.gaps] == ["oogo"]
    consent.record_oogo(opp)
    assert services.adopt(user=world.leader, opp=opp).status == OppStatus.VASTGESTELD


def test_rule_2_instemming_counts_only_for_the_exact_frozen_version(world, consent):
    opp, v1 = world.sent()
    consent.agree_all(opp, v1)
    opp = world.change(opp, {"support_and_guidance": "Iets anders dan waar de ouders mee instemden."})
    with pytest.raises(PlanRuleError):
        services.adopt(user=world.leader, opp=opp)  # the changed draft is not a version anyone agreed to
    v2 = world.send(opp)
    with pytest.raises(AdoptionBlocked) as caught:
        services.adopt(user=world.leader, opp=opp)
    assert [item.key for item in caught.value.gaps] == ["instemming"]
    consent.agree_all(opp, v2)
    opp = services.adopt(user=world.leader, opp=opp)
    assert opp.adopted_version == v2


def test_rule_2_until_a_change_is_agreed_the_last_adopted_version_stays_in_force(world, consent):
    opp, v1 = adopted(world, consent)
    opp = world.change(opp, {"goals": [*v1.goals, goal("Rekenen")]})
    assert opp.status == OppStatus.BIJGESTELD and opp.adopted_version == v1 and opp.is_running
    v2 = world.send(opp)
    opp.refresh_from_db()
    assert opp.status == OppStatus.TER_INSTEMMING and opp.adopted_version == v1
    consent.agree_all(opp, v2)
    opp = services.adopt(user=world.leader, opp=opp)
    assert opp.adopted_version == v2 and opp.adopted_on == TODAY  # the begin date does not move


def test_rule_2_freezing_the_adopted_content_again_is_refused(world, consent):
    opp, v1 = adopted(world, consent)
    evaluate(world, opp, v1, "adjust")
    opp.refresh_from_db()
    with pytest.raises(PlanRuleError, match="niets veranderd"):
        world.send(opp)


def test_rule_3_every_guardian_with_gezag_decides(world, consent):
    opp, version = world.sent()
    consent.record_oogo(opp)
    consent.record_hearing(opp)
    first, second = opp.pupil.guardianships.values_list("guardian_id", flat=True)
    consent.decide(version, f"guardian:{first}", agreed=True)
    with pytest.raises(AdoptionBlocked):
        services.adopt(user=world.leader, opp=opp)
    consent.decide(version, f"guardian:{second}", agreed=True)
    assert services.adopt(user=world.leader, opp=opp).status == OppStatus.VASTGESTELD


def test_rule_3_a_guardian_without_gezag_does_not_decide(world, consent):
    GuardianshipFactory(pupil=world.pupil, has_gezag=False)
    opp, version = adopted(world, consent)
    assert opp.status == OppStatus.VASTGESTELD


def test_rule_3_an_adult_pupil_decides_instead_of_the_parents(world_for, consent):
    w = world_for("vo")
    w.pupil.date_of_birth = datetime.date(2000, 1, 1)
    w.pupil.save()
    opp, version = w.sent()
    consent.record_oogo(opp)
    consent.record_hearing(opp)
    request = consent.ask(version)
    assert [r.party for r in request.recipients.all()] == [("pupil", w.pupil.pk)]  # the parents are not asked
    with pytest.raises(AdoptionBlocked):
        services.adopt(user=w.leader, opp=opp)
    consent.decide(version, "pupil", agreed=True)
    assert services.adopt(user=w.leader, opp=opp).status == OppStatus.VASTGESTELD


def test_rule_4_a_refusal_blocks_adoption_even_after_an_earlier_akkoord(world, consent):
    opp, version = world.sent()
    consent.agree_all(opp, version)
    guardian = world.guardian(world.mother)
    consent.decide(version, f"guardian:{guardian.pk}", agreed=False)
    with pytest.raises(AdoptionBlocked) as caught:
        services.adopt(user=world.leader, opp=opp)
    assert guardian.full_name in caught.value.gaps[0].status.message
    assert "stemt niet in" in caught.value.gaps[0].status.message
    opp.refresh_from_db()
    assert opp.status == OppStatus.TER_INSTEMMING and opp.adopted_on is None


def test_rule_5_the_pupil_is_heard_before_adoption(world, consent):
    opp, version = world.sent()
    consent.record_oogo(opp)
    for decider in consent.deciders(opp):
        consent.decide(version, decider, agreed=True)
    with pytest.raises(AdoptionBlocked) as caught:
        services.adopt(user=world.leader, opp=opp)
    assert [item.key for item in caught.value.gaps] == ["hearing"]


@pytest.mark.parametrize("school_type", ["so", "vso"])
def test_rule_6_in_so_and_vso_the_commissie_advises_before_adoption(world_for, consent, school_type):
    w = world_for(school_type)
    opp, version = w.sent()
    consent.agree_all(opp, version)
    with pytest.raises(AdoptionBlocked) as caught:
        services.adopt(user=w.leader, opp=opp)
    assert [item.key for item in caught.value.gaps] == ["commissie_advice"]
    services.record_commissie_advice(user=w.ib, opp=opp, version=version, advised_on=TODAY, commissie="begeleiding",
                                     advice="De commissie onderschrijft het plan.")
    assert services.adopt(user=w.leader, opp=opp).status == OppStatus.VASTGESTELD
    assert AuditEvent.objects.filter(action="opp.commissie_advice_recorded", pupil_id=opp.pupil_id).exists()


def test_commissie_advice_sent_twice_is_recorded_once(world_for):
    from plans.models import CommissieAdvice

    w = world_for("so")
    opp, version = w.sent()
    advice = dict(user=w.ib, opp=opp, version=version, advised_on=TODAY, commissie="begeleiding",
                  advice="De commissie onderschrijft het plan.")
    first = services.record_commissie_advice(**advice)
    assert services.record_commissie_advice(**advice) == first
    assert CommissieAdvice.objects.count() == 1
    assert AuditEvent.objects.filter(action="opp.commissie_advice_recorded").count() == 1
    services.record_commissie_advice(**{**advice, "advice": "Aangevuld: ook logopedie."})
    assert CommissieAdvice.objects.count() == 2


def test_rule_6_commissie_advice_belongs_to_so_and_vso_only(world):
    opp = world.start()
    with pytest.raises(PlanRuleError):
        services.record_commissie_advice(user=world.ib, opp=opp, version=None, advised_on=TODAY,
                                         commissie="begeleiding", advice="Advies")


def test_adoption_cannot_be_dated_in_the_future_or_before_the_version_was_sent(world, consent):
    opp, version = world.sent()
    consent.agree_all(opp, version)
    for day in (TODAY + datetime.timedelta(days=1), TODAY - datetime.timedelta(days=1)):
        with pytest.raises(PlanRuleError):
            services.adopt(user=world.leader, opp=opp, adopted_on=day)


def test_rule_9_periods_of_a_pupils_plans_at_one_school_never_overlap(world, consent):
    OppFactory(school=world.school, pupil=world.pupil, status="beeindigd",
               adopted_on=TODAY - datetime.timedelta(days=300), ended_on=TODAY)
    opp, version = world.sent()
    consent.agree_all(opp, version)
    with pytest.raises(PlanRuleError, match="regel 9"):
        services.adopt(user=world.leader, opp=opp, adopted_on=TODAY)


def test_rule_9_a_period_may_begin_the_day_after_the_previous_ended(world, consent):
    OppFactory(school=world.school, pupil=world.pupil, status="beeindigd",
               adopted_on=TODAY - datetime.timedelta(days=300), ended_on=TODAY - datetime.timedelta(days=1))
    opp, _version = adopted(world, consent)
    assert opp.adopted_on == TODAY


# --- ending -------------------------------------------------------------------------------------------------------

def test_ending_records_the_end_date_and_reason(world, consent):
    opp, _version = adopted(world, consent)
    opp = services.end(user=world.leader, opp=opp, ended_on=TODAY, reason="Leerling verhuist")
    assert (opp.status, opp.ended_on, opp.end_reason) == (OppStatus.BEEINDIGD, TODAY, "Leerling verhuist")
    assert opp.next_evaluation_due is None and not opp.is_running
    assert AuditEvent.objects.filter(action="opp.ended", pupil_id=opp.pupil_id).exists()


def test_ending_is_refused_without_reason_twice_by_a_teacher_or_before_the_begin_date(world, consent):
    opp, _version = adopted(world, consent)
    with pytest.raises(PlanRuleError):
        services.end(user=world.ib, opp=opp, ended_on=TODAY, reason=" ")
    with pytest.raises(PlanRuleError):
        services.end(user=world.ib, opp=opp, ended_on=TODAY - datetime.timedelta(days=1), reason="Klaar")
    with pytest.raises(RoleRequired):
        services.end(user=staff("teacher", school=world.school, groups="5"), opp=opp, ended_on=TODAY, reason="x")
    opp = services.end(user=world.ib, opp=opp, ended_on=TODAY, reason="Klaar")
    with pytest.raises(PlanRuleError):
        services.end(user=world.ib, opp=opp, ended_on=TODAY, reason="Nog eens")


# --- evaluation -------------------------------------------------------------------------------------------------

def test_rule_8_an_evaluation_records_each_goal_both_views_and_the_decision(world, consent):
    opp, version = adopted(world, consent, goals=[goal("Lezen"), goal("Rekenen")])
    ids = [g["uuid"] for g in version.goals]
    evaluation = evaluate(world, opp, version, "continue",
                          outcomes={ids[0]: ("reached", "Gehaald"), ids[1]: ("not_reached", "Nog niet")})
    assert evaluation.version == version
    assert [(o.goal_title, o.outcome, o.note) for o in evaluation.outcomes.all()] == [
        ("Lezen", "reached", "Gehaald"), ("Rekenen", "not_reached", "Nog niet")]
    opp.refresh_from_db()
    assert opp.status == OppStatus.VASTGESTELD and opp.next_evaluation_due == add_months(TODAY, 12)
    assert AuditEvent.objects.filter(action="opp.evaluated", pupil_id=opp.pupil_id).exists()


def test_rule_8_an_evaluation_typed_in_late_about_an_earlier_day_does_not_bring_the_next_one_forward(world, consent):
    opp, version = adopted(world, consent)
    Opp.objects.filter(pk=opp.pk).update(adopted_on=TODAY - datetime.timedelta(days=200))
    evaluate(world, Opp.objects.get(pk=opp.pk), version, "continue", evaluated_on=TODAY - datetime.timedelta(days=10))
    evaluate(world, Opp.objects.get(pk=opp.pk), version, "continue", evaluated_on=TODAY - datetime.timedelta(days=100))
    opp.refresh_from_db()
    assert opp.next_evaluation_due == add_months(TODAY - datetime.timedelta(days=10), 12)


def test_the_same_evaluation_sent_twice_is_recorded_once(world, consent):
    opp, version = adopted(world, consent)
    evaluate(world, opp, version, "continue")
    with pytest.raises(PlanRuleError, match="al een evaluatie"):
        evaluate(world, opp, version, "continue")
    assert opp.evaluations.count() == 1


def test_rule_8_a_shorter_cycle_sets_an_earlier_next_evaluation(world, consent):
    opp, version = world.sent()
    opp = world.change(opp, {"evaluation_cycle_months": 6})
    version = world.send(opp)
    consent.agree_all(opp, version)
    opp = services.adopt(user=world.leader, opp=opp)
    assert opp.next_evaluation_due == add_months(TODAY, 6)


def test_rule_8_every_goal_needs_an_outcome_and_both_views_are_required(world, consent):
    opp, version = adopted(world, consent, goals=[goal("Lezen"), goal("Rekenen")])
    first = version.goals[0]["uuid"]
    with pytest.raises(PlanRuleError):
        evaluate(world, opp, version, "continue", outcomes={first: ("reached", "")})
    with pytest.raises(PlanRuleError):
        evaluate(world, opp, version, "continue", outcomes={**outcomes_for(version), first: ("gelukt", "")})
    with pytest.raises(PlanRuleError):
        services.record_evaluation(user=world.ib, opp=opp, evaluated_on=TODAY, outcomes=outcomes_for(version),
                                   parents_view="", pupil_view="Leuk", decision="continue")
    with pytest.raises(PlanRuleError):
        evaluate(world, opp, version, "stoppen")
    assert not Evaluation.objects.exists()


def test_rule_8_adjust_makes_the_plan_bijgesteld_with_a_new_draft_to_freeze(world, consent):
    opp, v1 = adopted(world, consent)
    revision = opp.revision
    evaluate(world, opp, v1, "adjust")
    opp.refresh_from_db()
    assert opp.status == OppStatus.BIJGESTELD and opp.revision == revision + 1
    assert opp.adjustment_reason.startswith("Bijstellen na de evaluatie van")
    assert opp.adopted_version == v1 and opp.next_evaluation_due == add_months(TODAY, 12)
    opp = services.save_draft(user=world.ib, opp=opp, expected_revision=opp.revision,
                              changes={"support_and_guidance": "Nieuwe aanpak na evaluatie."})
    v2 = world.send(opp)
    assert v2.number == 2


def test_rule_8_end_decision_ends_the_plan(world, consent):
    opp, version = adopted(world, consent)
    evaluate(world, opp, version, "end", outcomes=outcomes_for(version, "reached"))
    opp.refresh_from_db()
    assert opp.status == OppStatus.BEEINDIGD and opp.ended_on == TODAY and opp.end_reason


def test_only_a_running_plan_is_evaluated_by_an_ib(world, consent):
    opp, version = world.sent()
    with pytest.raises(PlanRuleError):
        services.record_evaluation(user=world.ib, opp=opp, evaluated_on=TODAY, outcomes={}, parents_view="x",
                                   pupil_view="y", decision="continue")
    consent.agree_all(opp, version)
    opp = services.adopt(user=world.leader, opp=opp)
    with pytest.raises(RoleRequired):
        services.record_evaluation(user=world.leader, opp=opp, evaluated_on=TODAY, outcomes=outcomes_for(version),
                                   parents_view="x", pupil_view="y", decision="continue")


# --- the whole state machine ---------------------------------------------------------------------------------------

STEPS = ("overleg", "save", "reopen", "freeze", "adopt", "evaluate", "end")


def attempt(world, consent, opp, step):
    opp.refresh_from_db()
    if step == "overleg":
        return services.start_overleg(user=world.ib, opp=opp)
    if step == "save":
        return services.save_draft(user=world.ib, opp=opp, expected_revision=opp.revision,
                                   changes={"support_needs": f"Behoefte {opp.revision}"})
    if step == "reopen":
        return services.start_adjustment(user=world.ib, opp=opp, reason="Na het gesprek met de ouders")
    if step == "freeze":
        return services.freeze_version(user=world.ib, opp=opp, expected_revision=opp.revision)
    if step == "adopt":
        if opp.status == OppStatus.TER_INSTEMMING:
            consent.agree_all(opp, opp.latest_version)
        return services.adopt(user=world.leader, opp=opp)
    if step == "evaluate":
        version = opp.adopted_version
        return evaluate(world, opp, version, "continue", outcomes=outcomes_for(version) if version else {})
    return services.end(user=world.ib, opp=opp, ended_on=TODAY, reason="Einde")


def plan_in(world, consent, status):
    opp = world.fill(world.start())
    path = {
        "concept": [], "in_overleg": ["overleg"], "ter_instemming": ["freeze"], "vastgesteld": ["freeze", "adopt"],
        "bijgesteld": ["freeze", "adopt", "reopen", "save"], "beeindigd": ["end"],
    }[status]
    for step in path:
        attempt(world, consent, opp, step)
    opp.refresh_from_db()
    assert opp.status == status
    return opp


# Typing never changes the status: a sent or adopted plan changes only after the explicit "reopen" step.
ALLOWED = {
    "concept": {"overleg": "in_overleg", "save": "concept", "freeze": "ter_instemming", "end": "beeindigd"},
    "in_overleg": {"save": "in_overleg", "freeze": "ter_instemming", "end": "beeindigd"},
    "ter_instemming": {"reopen": "in_overleg", "adopt": "vastgesteld", "end": "beeindigd"},
    "vastgesteld": {"reopen": "bijgesteld", "evaluate": "vastgesteld", "end": "beeindigd"},
    "bijgesteld": {"save": "bijgesteld", "freeze": "ter_instemming", "evaluate": "bijgesteld", "end": "beeindigd"},
    "beeindigd": {},
}


@pytest.mark.parametrize("status", list(ALLOWED))
@pytest.mark.parametrize("step", STEPS)
def test_every_state_transition_is_allowed_or_refused(world, consent, status, step):
    opp = plan_in(world, consent, status)
    expected = ALLOWED[status].get(step)
    if expected is None:
        before = (opp.status, opp.revision)
        with pytest.raises(PlanRuleError):
            attempt(world, consent, opp, step)
        opp.refresh_from_db()
        assert (opp.status, opp.revision) == before
    else:
        attempt(world, consent, opp, step)
        opp.refresh_from_db()
        assert opp.status == expected


def test_every_step_writes_its_audit_event_with_the_pupil_and_a_refused_step_writes_none(world, consent):
    opp, version = adopted(world, consent)
    evaluate(world, opp, version, "continue")
    opp.refresh_from_db()
    services.end(user=world.ib, opp=opp, ended_on=TODAY, reason="Klaar")
    actions = list(AuditEvent.objects.filter(pupil_id=world.pupil.pk, action__startswith="opp.").order_by("id")
                   .values_list("action", flat=True))
    assert actions == ["opp.started", "opp.draft_saved", "opp.version_frozen", "opp.adopted", "opp.evaluated",
                       "opp.ended"]
    assert set(AuditEvent.objects.filter(pupil_id=world.pupil.pk, action__startswith="opp.")
               .values_list("on_behalf_of", flat=True)) == {
        f"school:{world.school.code}"}
    before = AuditEvent.objects.count()
    with pytest.raises(PlanRuleError):
        services.end(user=world.ib, opp=opp, ended_on=TODAY, reason="Nog eens")
    assert AuditEvent.objects.count() == before


# --- the commissie's advice on a frozen version (rule 6) -------------------------------------------------------

def test_rule_6_the_advice_is_refused_on_a_draft_and_tied_to_the_version_sent(world_for):
    w = world_for("so")
    opp = w.fill(w.start())
    with pytest.raises(PlanRuleError, match="vastgelegde versie"):
        services.record_commissie_advice(user=w.ib, opp=opp, version=None, advised_on=TODAY,
                                         commissie="begeleiding", advice="Te vroeg.")
    version = w.send(opp)
    opp.refresh_from_db()
    advice = services.record_commissie_advice(user=w.ib, opp=opp, version=version, advised_on=TODAY,
                                              commissie="begeleiding", advice="Positief.")
    assert advice.version == version
    with pytest.raises(PlanRuleError, match="eerder"):
        services.record_commissie_advice(user=w.ib, opp=opp, version=version, commissie="begeleiding",
                                         advised_on=TODAY - datetime.timedelta(days=1), advice="Voor de versie.")


def test_rule_6_advice_on_an_older_version_is_refused(world_for):
    w = world_for("vso")
    opp, v1 = w.sent()
    v2 = w.send(w.change(opp, {"support_and_guidance": "Anders."}))
    opp.refresh_from_db()
    with pytest.raises(PlanRuleError, match="versie 2"):
        services.record_commissie_advice(user=w.ib, opp=opp, version=v1, advised_on=TODAY,
                                         commissie="begeleiding", advice="Over de oude versie.")
    assert v2.number == 2


@pytest.mark.parametrize(("substantial", "needs_new_advice"), [(None, True), (True, True), (False, False)])
def test_rule_6_a_new_version_needs_new_advice_only_when_the_school_calls_the_change_substantial(
    world_for, consent, substantial, needs_new_advice
):
    w = world_for("so")
    opp, v1 = w.sent()
    services.record_commissie_advice(user=w.ib, opp=opp, version=v1, advised_on=TODAY, commissie="begeleiding",
                                     advice="Positief over versie 1.")
    kwargs = {} if substantial is None else {"substantial_change": substantial}
    v2 = w.send(w.change(opp, {"support_and_guidance": "Een uur per week meer."}), **kwargs)
    assert v2.substantial_change is (True if substantial is None else substantial)
    consent.agree_all(opp, v2)
    item = next(i for i in checklist(opp, v2) if i.key == "commissie_advice")
    assert item.met is not needs_new_advice
    if needs_new_advice:
        assert "versie 2" in item.status.message
        with pytest.raises(AdoptionBlocked):
            services.adopt(user=w.leader, opp=opp)
        services.record_commissie_advice(user=w.ib, opp=opp, version=v2, advised_on=TODAY,
                                         commissie="begeleiding", advice="Positief over versie 2.")
    else:
        assert "over versie 1; de school noemde de wijzigingen sindsdien niet ingrijpend" in item.status.detail
    assert services.adopt(user=w.leader, opp=opp).adopted_version == v2


def test_a_first_version_and_plans_outside_so_and_vso_carry_no_substantial_mark(world, world_for):
    opp, version = world.sent()
    assert version.substantial_change is None
    w = world_for("so")
    _opp, first = w.sent()
    assert first.substantial_change is None


# --- "Plan bijstellen" --------------------------------------------------------------------------------------

def test_an_adopted_plan_is_changed_only_after_plan_bijstellen_with_a_reason(world, consent):
    opp, v1 = adopted(world, consent)
    with pytest.raises(PlanRuleError, match="Plan bijstellen"):
        services.save_draft(user=world.ib, opp=opp, expected_revision=opp.revision,
                            changes={"support_and_guidance": "Stilletjes anders."})
    opp.refresh_from_db()
    assert opp.status == OppStatus.VASTGESTELD and opp.support_and_guidance != "Stilletjes anders."
    with pytest.raises(RoleRequired):
        services.start_adjustment(user=world.leader, opp=opp, reason="Zo")
    opp = services.start_adjustment(user=world.ib, opp=opp, reason="Na het gesprek met de ouders.")
    assert opp.status == OppStatus.BIJGESTELD and opp.adopted_version == v1 and opp.is_running
    opp = world.change(opp, {"support_and_guidance": "Nu openlijk anders."})
    assert opp.status == OppStatus.BIJGESTELD
    v2 = world.send(opp)
    consent.agree_all(opp, v2)
    opp = services.adopt(user=world.leader, opp=opp)
    assert opp.adjustment_reason == "" and opp.adopted_version == v2
    assert [a.version.number for a in opp.adoptions.order_by("pk")] == [1, 2]
    assert [a.first for a in opp.adoptions.order_by("pk")] == [True, False]


def test_an_adoption_keeps_the_checklist_the_guard_saw(world, consent):
    opp, version = adopted(world, consent)
    adoption = opp.latest_adoption
    assert adoption.version == version and adoption.adopted_by == world.leader and adoption.adopted_on == TODAY
    assert [row["key"] for row in adoption.checklist] == ["handelingsdeel", "goals", "uitstroomperspectief", "oogo",
                                                          "hearing", "instemming"]
    assert all(row["met"] and row["label"] for row in adoption.checklist)
    with pytest.raises(AppendOnlyError):
        adoption.save()
