"""The adoption-requirements registry: the checklist the screen shows is the guard `adopt` uses."""

import pytest

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


def test_registering_the_same_key_twice_is_refused_unless_replacing(db):
    requirement = Requirement(key="test_twice", label="x", status=lambda opp, version: MET)
    requirements.register(requirement)
    try:
        with pytest.raises(ValueError):
            requirements.register(Requirement(key="test_twice", label="y", status=lambda opp, version: MET))
        requirements.register(Requirement(key="test_twice", label="y", status=lambda o, v: MET), replace=True)
    finally:
        requirements.unregister("test_twice")


def test_a_consent_app_answers_the_placeholders_without_replace(db):
    saved = next(r for r in requirements.registered() if r.key == "oogo")
    requirements.unregister("oogo")
    requirements.expect("oogo", saved.label, order=saved.order)
    try:
        assert requirements.is_placeholder("oogo")
        requirements.register(Requirement(key="oogo", label="OOGO", status=lambda o, v: MET))
        assert not requirements.is_placeholder("oogo")
    finally:
        requirements.register(saved, replace=True)


def test_a_non_blocking_requirement_shows_but_does_not_stop_adoption(world, consent):
    requirements.register(Requirement(key="test_advisory", label="Advies", blocks_adoption=False,
                                      status=lambda o, v: missing("Nog niet gedaan")))
    try:
        opp, version = world.sent()
        consent.agree_all(opp, version)
        assert statuses(opp)["test_advisory"] is False
        assert services.adopt(user=world.leader, opp=opp).status == "vastgesteld"
    finally:
        requirements.unregister("test_advisory")
