"""Consent's answers in plans' adoption registry: OOGO (rule 1), instemming (rules 2-4), hearing (rule 5)."""

import datetime

import pytest

from consent.models import Decision, OogoMeeting
from plans import requirements, services as plan_services
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
        assert not requirements.is_placeholder(key)
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
