"""The adoption requirements: the checklist the screen shows is the guard `adopt` uses."""

import pytest

from opp_portal.questions import AlreadyAnswered
from plans import requirements, services
from plans.requirements import MET, Requirement, checklist, missing

from .factories import goal

pytestmark = pytest.mark.django_db


def statuses(opp, version=None):
    return {item.key: item.met for item in checklist(opp, version)}


def test_a_new_draft_shows_every_requirement_missing(world):
    opp = world.start()
    items = checklist(opp)
    assert [item.key for item in items] == ["handelingsdeel", "goals", "uitstroomperspectief", "oogo", "hearing",
                                            "instemming"]
    assert not any(item.met for item in items)
    assert all(item.label and item.status.message for item in items)


def test_filling_both_parts_turns_the_plan_requirements_complete_except_the_parent_steps(world, consent):
    opp = world.fill(world.start())
    assert statuses(opp) == {"handelingsdeel": True, "goals": True, "uitstroomperspectief": True,
                             "oogo": False, "hearing": False, "instemming": False}


def test_the_checklist_names_each_missing_part_of_the_uitstroomperspectief(world):
    opp = world.start()
    opp = services.save_draft(user=world.ib, opp=opp, expected_revision=1,
                              changes={"uitstroom_option": "havo", "uitstroom_justification": "Goede resultaten"})
    item = next(i for i in checklist(opp) if i.key == "uitstroomperspectief")
    assert "bevorderende" in item.status.message and "belemmerende" in item.status.message
    assert "bestemming" not in item.status.message


def test_a_goal_counts_only_when_every_part_is_filled(world):
    opp = world.start()
    opp = services.save_draft(user=world.ib, opp=opp, expected_revision=1,
                              changes={"goals": [goal("Lezen", measured_by="", due_by=None)]})
    assert statuses(opp)["goals"] is False


def test_a_deviation_from_the_regular_programme_must_be_described(world):
    opp = world.fill(world.start())
    opp = services.save_draft(user=world.ib, opp=opp, expected_revision=opp.revision,
                              changes={"deviates_from_regular_programme": True})
    assert statuses(opp)["handelingsdeel"] is False


def test_while_waiting_for_instemming_the_checklist_judges_the_frozen_version(world, consent):
    opp, version = world.sent()
    assert checklist(opp) == checklist(opp, version)
    consent.agree_all(opp, version)
    assert all(item.met for item in checklist(opp))


@pytest.mark.parametrize("school_type", ["so", "vso"])
def test_rule_6_the_checklist_asks_for_commissie_advice_in_so_and_vso_only(world_for, school_type):
    assert "commissie_advice" in statuses(world_for(school_type).start())
    assert "commissie_advice" not in statuses(world_for("sbo").start())


def test_answering_a_requirement_twice_is_refused(db):
    with pytest.raises(AlreadyAnswered):
        requirements.REQUIREMENTS.answer("oogo", Requirement(key="oogo", label="OOGO", status=lambda o, v: MET))
    with pytest.raises(AlreadyAnswered):
        requirements.REQUIREMENTS.answer("goals", Requirement(key="goals", label="x", status=lambda o, v: MET))


def test_consents_requirements_are_missing_for_every_plan_until_consent_answers_them(world, consent, without_consent):
    opp, version = world.sent()
    consent.agree_all(opp, version)
    assert {key: met for key, met in statuses(opp).items() if key in ("oogo", "hearing", "instemming")} == {
        "oogo": False, "hearing": False, "instemming": False}
    assert not requirements.ready_to_adopt(type(opp).objects.filter(pk=opp.pk)).exists()
    with requirements.REQUIREMENTS.answered_by("oogo", Requirement(key="oogo", label="OOGO", status=lambda o, v: MET)):
        assert statuses(opp)["oogo"] is True
    assert statuses(opp)["oogo"] is False


def test_a_non_blocking_requirement_shows_but_does_not_stop_adoption(world, consent):
    advisory = Requirement(key="test_advisory", label="Advies", blocks_adoption=False,
                           status=lambda o, v: missing("Nog niet gedaan"))
    with requirements.REQUIREMENTS.answered_by("test_advisory", advisory):
        opp, version = world.sent()
        consent.agree_all(opp, version)
        assert statuses(opp)["test_advisory"] is False
        assert services.adopt(user=world.leader, opp=opp).status == "vastgesteld"
    assert "test_advisory" not in requirements.REQUIREMENTS
