"""Consent's answers to plans' adoption requirements: OOGO (rule 1), instemming (rules 2-4), hearing (rule 5)."""

import datetime

import pytest

from consent.models import Decision, OogoMeeting
from plans import requirements
from plans import services as plan_services
from plans.models import OppStatus
from plans.requirements import blocking_gaps, checklist
from plans.services import AdoptionBlocked

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def statuses(opp, version=None):
    return {item.key: item.met for item in checklist(opp, version)}


def gap_keys(opp, version):
    return {item.key for item in blocking_gaps(opp, version)}


def test_the_plans_checklist_shows_the_real_consent_requirements(world):
    for key in ("oogo", "hearing", "instemming"):
        assert requirements.REQUIREMENTS.is_answered(key)
    opp, version = world.sent()
    items = {item.key: item for item in checklist(opp)}
    assert [k for k in items if k in ("oogo", "hearing", "instemming")] == ["oogo", "hearing", "instemming"]
    assert "OOGO" in items["oogo"].status.message
    assert "gehoord" in items["hearing"].status.message
    assert "Nog niet om instemming gevraagd" in items["instemming"].status.message
    assert items["instemming"].label == "Instemming van de ouders met het handelingsdeel"


def test_adopt_works_end_to_end_once_oogo_hearing_and_all_akkoord(world):
    opp, version, _request = world.ready_for_adoption()
    assert all(item.met for item in checklist(opp))
    adopted = plan_services.adopt(user=world.leader, opp=opp)
    assert adopted.status == OppStatus.VASTGESTELD and adopted.adopted_version == version


def test_rule_1_oogo_on_both_parts_is_needed_before_adoption(world):
    opp, version = world.sent()
    world.hear(opp)
    request = world.ask(version)
    for parent in (world.mother, world.father):
        world.decide(request, parent)
    world.oogo(opp, uitstroomperspectief=False)
    item = next(i for i in checklist(opp) if i.key == "oogo")
    assert not item.met and "uitstroomperspectief" in item.status.message
    with pytest.raises(AdoptionBlocked):
        plan_services.adopt(user=world.leader, opp=opp)
    world.oogo(opp, handelingsdeel=False)
    assert gap_keys(opp, version) == set()
    plan_services.adopt(user=world.leader, opp=opp)


def test_rule_5_a_hearing_or_a_reason_for_not_hearing_is_needed(world):
    opp, version = world.sent()
    assert statuses(opp)["hearing"] is False
    world.hear(opp, heard=False, heard_on=None, method="", heard_by="", pupil_view="",
               not_heard_reason="De leerling wilde er nu niet over praten.")
    assert statuses(opp)["hearing"] is True


def change(world, opp):
    return world.change(opp, {"support_and_guidance": "Drie keer per week leesbegeleiding."})


def test_rule_5_a_hearing_about_the_version_in_force_does_not_count_for_the_adjustment(world):
    opp, version1, _request = world.ready_for_adoption()
    plan_services.adopt(user=world.leader, opp=opp)
    opp = change(world, opp)
    assert opp.status == OppStatus.BIJGESTELD
    version2 = world.send(opp)
    opp.refresh_from_db()
    assert statuses(opp, version2)["hearing"] is False
    world.hear(opp, version=version2)
    assert statuses(opp, version2)["hearing"] is True


def test_rule_1_an_adjustment_needs_a_new_oogo(world):
    opp, version1, _request = world.ready_for_adoption()
    plan_services.adopt(user=world.leader, opp=opp, adopted_on=TODAY - datetime.timedelta(days=0))
    opp = change(world, opp)
    version2 = world.send(opp)
    opp.refresh_from_db()
    # The earlier overleg was held on the adoption day of the version in force, so it still counts that day;
    # an overleg from before that day does not.
    assert statuses(opp, version2)["oogo"] is True
    OogoMeeting.objects.filter(opp=opp).update(held_on=TODAY - datetime.timedelta(days=30))
    assert statuses(opp, version2)["oogo"] is False


def test_rule_2_instemming_on_version_1_does_not_carry_over_to_version_2(world):
    opp, version1 = world.sent()
    world.oogo(opp)
    world.hear(opp)
    request = world.ask(version1)
    for parent in (world.mother, world.father):
        world.decide(request, parent)
    assert statuses(opp)["instemming"] is True
    # The ib changes the plan before adoption: the new version needs a new instemming.
    opp = change(world, opp)
    version2 = world.send(opp)
    assert version2.number == 2
    opp.refresh_from_db()
    item = next(i for i in checklist(opp) if i.key == "instemming")
    assert not item.met and "Nog niet om instemming gevraagd" in item.status.message
    with pytest.raises(AdoptionBlocked):
        plan_services.adopt(user=world.leader, opp=opp)
    request2 = world.ask(version2, reason="Aangepast na het gesprek")
    for parent in (world.mother, world.father):
        world.decide(request2, parent)
    plan_services.adopt(user=world.leader, opp=opp)


def test_rule_4_a_refusal_blocks_adoption_with_a_message(world):
    opp, version = world.sent()
    world.oogo(opp)
    world.hear(opp)
    request = world.ask(version)
    world.decide(request, world.mother)
    world.decide(request, world.father, Decision.NIET_AKKOORD, "Te weinig begeleiding.")
    with pytest.raises(AdoptionBlocked) as blocked:
        plan_services.adopt(user=world.leader, opp=opp)
    assert [item.key for item in blocked.value.gaps] == ["instemming"]
    assert "stemt niet in" in blocked.value.gaps[0].status.message
    opp.refresh_from_db()
    assert opp.adopted_on is None


def test_the_checklist_names_both_a_refusal_and_a_wish_to_talk_in_proper_dutch(world):
    opp, version = world.sent()
    request = world.ask(version)
    world.decide(request, world.mother, Decision.NIET_AKKOORD, "Te weinig begeleiding.")
    world.decide(request, world.father, Decision.GESPREK_GEWENST, "Eerst praten.")
    mother, father = world.guardian(world.mother).full_name, world.guardian(world.father).full_name
    message = next(i for i in checklist(opp) if i.key == "instemming").status.message
    assert f"{mother} stemt niet in met deze versie" in message and f"{father} wil eerst een gesprek." in message
    world.decide(request, world.father, Decision.NIET_AKKOORD, "Toch niet.")
    message = next(i for i in checklist(opp) if i.key == "instemming").status.message
    assert message.startswith(f"{mother} en {father} stemmen niet in met deze versie")


def test_rule_3_two_guardians_with_gezag_are_both_needed(world):
    opp, version = world.sent()
    world.oogo(opp)
    world.hear(opp)
    request = world.ask(version)
    assert request.recipients.count() == 2
    world.decide(request, world.mother)
    item = next(i for i in checklist(opp) if i.key == "instemming")
    assert not item.met and "Wacht op het besluit" in item.status.message
    with pytest.raises(AdoptionBlocked):
        plan_services.adopt(user=world.leader, opp=opp)
    world.decide(request, world.father)
    plan_services.adopt(user=world.leader, opp=opp)


def test_rule_3_a_wish_for_a_conversation_blocks_until_agreed(world):
    opp, version = world.sent()
    request = world.ask(version)
    world.decide(request, world.mother)
    world.decide(request, world.father, Decision.GESPREK_GEWENST)
    assert "gesprek" in next(i for i in checklist(opp) if i.key == "instemming").status.message


def test_internal_basisondersteuning_plans_show_consent_as_advice_without_blocking(world):
    opp = world.fill(world.start(kind="basisondersteuning"))
    version = world.send(opp)
    opp.refresh_from_db()
    items = {item.key: item for item in checklist(opp)}
    assert "instemming" not in items and "oogo" not in items
    assert {"oogo_advisory", "hearing_advisory", "instemming_advisory"} <= set(items)
    assert not any(items[k].blocks_adoption for k in items if k.endswith("_advisory"))
    assert gap_keys(opp, version) == set()
    plan_services.adopt(user=world.leader, opp=opp)


def test_the_overview_query_for_missing_hearings_agrees_with_the_checklist(world):
    from consent.requirements import plans_missing_hearing
    from plans.models import Opp
    from tests.consent.factories import ConsentWorld

    heard_draft, _ = world.sent()
    world.hear(heard_draft)
    unheard_draft, _ = ConsentWorld().sent()
    other = ConsentWorld()
    adopted, _version1, _request = other.ready_for_adoption()
    plan_services.adopt(user=other.leader, opp=adopted)
    adjusted = change(other, adopted)
    version2 = other.send(adjusted)

    plans = Opp.objects.filter(pk__in=[heard_draft.pk, unheard_draft.pk, adjusted.pk])
    missing_ids = set(plans_missing_hearing(plans).values_list("pk", flat=True))
    assert missing_ids == {unheard_draft.pk, adjusted.pk}
    for opp in plans:
        version = version2 if opp.pk == adjusted.pk else None
        assert (opp.pk in missing_ids) == (statuses(opp, version)["hearing"] is False)


def test_the_pdf_prints_each_decision_on_the_version_in_place_of_signatures(world):
    from plans.pdf import instemming_records

    opp, version, _request = world.ready_for_adoption()
    records = instemming_records(version)
    assert len(records) == 2 and all(r.agreed for r in records)
    assert {r.version_number for r in records} == {version.number}


# --- the adjustment counts the evaluation that led to it ------------------------------------------------------

def evaluate(world, opp, decision="adjust", **kwargs):
    opp.refresh_from_db()
    return plan_services.record_evaluation(
        user=world.ib, opp=opp, evaluated_on=TODAY, decision=decision,
        outcomes={g["uuid"]: ("partly", "") for g in opp.adopted_version.goals},
        parents_view="Het gaat beter.", pupil_view="Ik vind lezen leuker.", **kwargs)


def adopted_days_ago(world, days=30):
    """A plan adopted some time ago (its overleg and hearing before that), so today's records are new."""
    opp, version, _request = world.ready_for_adoption()
    OogoMeeting.objects.filter(opp=opp).update(held_on=TODAY - datetime.timedelta(days=days + 2))
    return plan_services.adopt(user=world.leader, opp=opp, adopted_on=TODAY), version


def test_rule_5_the_pupils_view_recorded_at_the_evaluation_is_their_hearing_for_the_adjustment(world):
    opp, _v1 = adopted_days_ago(world)
    evaluate(world, opp, discussed_uitstroomperspectief=True)
    opp.refresh_from_db()
    assert statuses(opp) == {"handelingsdeel": True, "goals": True, "uitstroomperspectief": True, "oogo": True,
                             "hearing": True, "instemming": False}


def test_rule_1_an_evaluation_counts_as_overleg_only_on_the_parts_discussed(world):
    opp, _v1 = adopted_days_ago(world)
    evaluate(world, opp, discussed_handelingsdeel=True, discussed_uitstroomperspectief=False)
    opp.refresh_from_db()
    item = next(i for i in checklist(opp) if i.key == "oogo")
    assert not item.met and "uitstroomperspectief" in item.status.message
    world.oogo(opp, handelingsdeel=False)
    assert statuses(opp)["oogo"] is True


def test_an_evaluation_of_an_older_version_does_not_count_for_the_next_adjustment(world):
    opp, v1 = adopted_days_ago(world)
    evaluate(world, opp, discussed_uitstroomperspectief=True)
    v2 = world.send(world.change(opp, {"support_and_guidance": "Drie keer per week."}))
    request = world.ask(v2)
    for parent in (world.mother, world.father):
        world.decide(request, parent)
    plan_services.adopt(user=world.leader, opp=opp)
    world.reopen(opp, reason="Weer iets anders.")
    opp.refresh_from_db()
    # The evaluation of version 1 led to version 2; for version 3 only what came after version 2 counts.
    assert statuses(opp)["hearing"] is False and statuses(opp)["oogo"] is False


# --- the overview's queryset answers agree with the checklist ------------------------------------------------

def ready_ids(*opps):
    from plans.models import Opp
    from plans.requirements import ready_to_adopt

    return set(ready_to_adopt(Opp.objects.filter(pk__in=[o.pk for o in opps])).values_list("pk", flat=True))


def agrees(*opps) -> bool:
    for opp in opps:
        opp.refresh_from_db()
    expected = {o.pk for o in opps if o.status == OppStatus.TER_INSTEMMING and not blocking_gaps(o)}
    return ready_ids(*opps) == expected


def test_ready_to_adopt_agrees_with_the_checklist_for_two_guardians_changing_their_minds(world):
    opp, version = world.sent()
    world.oogo(opp)
    world.hear(opp)
    request = world.ask(version)
    world.decide(request, world.mother)
    assert agrees(opp) and not ready_ids(opp)
    world.decide(request, world.father, Decision.NIET_AKKOORD, "Nee.")
    assert agrees(opp) and not ready_ids(opp)
    world.decide(request, world.father)  # changed their mind: the latest decision counts
    assert agrees(opp) and ready_ids(opp) == {opp.pk}
    world.decide(request, world.mother, Decision.GESPREK_GEWENST)
    assert agrees(opp) and not ready_ids(opp)


def test_ready_to_adopt_agrees_for_an_adult_pupil_who_decides_instead_of_the_parents(world_for):
    w = world_for("vo")
    w.make_adult()
    opp, version = w.sent()
    w.oogo(opp)
    w.hear(opp)
    request = w.ask(version)
    assert agrees(opp) and not ready_ids(opp)
    from tests.factories import pupil_account

    user = pupil_account(w.pupil)
    w.decide(request, user)
    assert agrees(opp) and ready_ids(opp) == {opp.pk}


def test_ready_to_adopt_agrees_for_an_internal_plan_without_the_parent_steps(world):
    opp = world.fill(world.start(kind="basisondersteuning"))
    world.send(opp)
    assert agrees(opp) and ready_ids(opp) == {opp.pk}


def test_ready_to_adopt_agrees_when_a_decision_was_on_an_earlier_version(world):
    opp, v1 = world.sent()
    world.oogo(opp)
    world.hear(opp)
    request = world.ask(v1)
    for parent in (world.mother, world.father):
        world.decide(request, parent)
    v2 = world.send(world.change(opp, {"support_and_guidance": "Iets anders."}))
    world.ask(v2)
    assert agrees(opp) and not ready_ids(opp)


@pytest.mark.parametrize("substantial", [True, False])
def test_ready_to_adopt_agrees_on_commissie_advice_carried_over_unless_the_change_is_substantial(
    world_for, substantial
):
    w = world_for("so")
    opp, v1 = w.sent()
    plan_services.record_commissie_advice(user=w.ib, opp=opp, version=v1, advised_on=TODAY,
                                          commissie="begeleiding", advice="Positief.")
    v2 = w.send(w.change(opp, {"support_and_guidance": "Iets anders."}), substantial_change=substantial)
    w.oogo(opp)
    w.hear(opp)
    request = w.ask(v2)
    for parent in (w.mother, w.father):
        w.decide(request, parent)
    assert agrees(opp)
    assert ready_ids(opp) == (set() if substantial else {opp.pk})


def test_the_overview_lists_each_objection_once_with_the_latest_decision_only(world):
    from consent.requirements import objections
    from plans.models import Opp

    opp, version = world.sent()
    request = world.ask(version)
    world.decide(request, world.mother, Decision.NIET_AKKOORD, "Nee.")
    world.decide(request, world.father, Decision.GESPREK_GEWENST)
    rows = objections(Opp.objects.filter(pk=opp.pk))
    assert sorted(r["decision"] for r in rows) == ["gesprek_gewenst", "niet_akkoord"]
    world.decide(request, world.mother)  # agreed after all
    rows = objections(Opp.objects.filter(pk=opp.pk))
    assert [r["name"] for r in rows] == [world.guardian(world.father).full_name]
    assert all(r["key"].startswith("objection:") for r in rows)


# --- each rule's per-plan check and its queryset form agree at every stage ------------------------------------

def judged_version(opp):
    """What the overview judges a plan on: the version sent while it waits, else the draft."""
    return opp.latest_version if opp.status == OppStatus.TER_INSTEMMING else None


def queryset_forms_agree(opp) -> bool:
    from consent.requirements import oogo_status, plans_missing_hearing, plans_with_hearing, plans_with_oogo
    from plans.models import Opp
    from plans.requirements import with_judged_version

    opp.refresh_from_db()
    plan = with_judged_version(Opp.objects.filter(pk=opp.pk))
    version = judged_version(opp)
    heard = statuses(opp, version)["hearing"]
    return (plans_with_hearing(plan).exists() == heard
            and plans_missing_hearing(plan).exists() == (not heard)
            and plans_with_oogo(plan).exists() == oogo_status(opp, version).met)


def test_the_oogo_and_hearing_queries_agree_with_the_checklist_through_a_plans_life(world):
    opp = world.fill(world.start())
    assert queryset_forms_agree(opp)  # a draft: nothing recorded
    world.oogo(opp, uitstroomperspectief=False)
    assert queryset_forms_agree(opp)  # OOGO on one part only
    world.oogo(opp, handelingsdeel=False)
    world.hear(opp)
    assert queryset_forms_agree(opp)  # both parts discussed, the pupil heard about the draft
    assert statuses(opp)["hearing"] and statuses(opp)["oogo"]
    result = world.send_and_ask(opp)
    for parent in (world.mother, world.father):
        world.decide(result.request, parent)
    assert queryset_forms_agree(opp)  # sent and agreed
    plan_services.adopt(user=world.leader, opp=opp)
    opp = world.reopen(opp)
    assert queryset_forms_agree(opp)  # an adjustment: what counted for version 1 no longer counts
    assert not statuses(opp)["hearing"]
    world.hear(opp, version=opp.adopted_version)
    assert queryset_forms_agree(opp)  # a hearing about the version in force does not count either
    version2 = world.send(change(world, opp))
    assert queryset_forms_agree(opp)
    world.hear(opp, version=version2)
    world.oogo(opp)
    assert queryset_forms_agree(opp)  # heard and discussed about the adjustment
    assert statuses(opp, version2)["hearing"] and statuses(opp, version2)["oogo"]


def test_the_queries_agree_when_the_evaluation_counts_as_the_overleg_and_the_hearing(world):
    opp, _version, _request = world.ready_for_adoption()
    OogoMeeting.objects.filter(opp=opp).update(held_on=TODAY - datetime.timedelta(days=40))
    plan_services.adopt(user=world.leader, opp=opp, adopted_on=TODAY)
    evaluate(world, opp, discussed_uitstroomperspectief=False)
    opp.refresh_from_db()
    assert opp.status == OppStatus.BIJGESTELD
    assert queryset_forms_agree(opp)  # heard at the evaluation; OOGO on the handelingsdeel only
    world.send(change(world, opp))
    assert queryset_forms_agree(opp)
    world.oogo(opp, handelingsdeel=False)
    assert queryset_forms_agree(opp)
