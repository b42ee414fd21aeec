"""describe_changes: what changed between two versions, in sentences a parent can follow."""

import pytest

from plans.diff import describe_changes

from .factories import goal

pytestmark = pytest.mark.django_db


def next_version(world, opp, changes):
    opp = world.change(opp, changes)
    return world.send(opp)


def test_identical_versions_have_no_changes(world):
    opp, v1 = world.sent()
    assert describe_changes(v1, v1) == []


def test_added_removed_and_changed_goals_are_named(world):
    opp, v1 = world.sent(goals=[goal("Lezen"), goal("Rekenen")])
    lezen, rekenen = v1.goals
    v2 = next_version(world, opp, {"goals": [
        {**lezen, "approach": "Met een maatje lezen.", "due_by": "2027-03-01"},
        goal("Werkhouding"),
    ]})
    assert describe_changes(v1, v2) == [
        "De aanpak bij doel 'Lezen' is veranderd.",
        "De datum waarop doel 'Lezen' bereikt moet zijn is veranderd van 30 juni 2027 naar 1 maart 2027.",
        "Doel 'Werkhouding' is toegevoegd.",
        "Doel 'Rekenen' is verwijderd.",
    ]


def test_a_new_uitstroomperspectief_is_described_from_old_to_new(world):
    opp, v1 = world.sent(destination="havo")
    v2 = next_version(world, opp, {"uitstroom_option": "vwo", "bevorderende_factoren": "Leest veel."})
    assert describe_changes(v1, v2) == [
        "Het verwachte uitstroomperspectief is veranderd van havo naar vwo.",
        "De bevorderende factoren (wat uw kind helpt) zijn veranderd.",
    ]


def test_support_deviation_and_goal_order_changes_are_described(world):
    opp, v1 = world.sent(goals=[goal("Lezen"), goal("Rekenen")])
    lezen, rekenen = v1.goals
    v2 = next_version(world, opp, {
        "support_and_guidance": "Elke dag extra hulp.", "deviates_from_regular_programme": True,
        "deviation_description": "Eigen leerlijn rekenen.", "goals": [rekenen, lezen],
    })
    assert describe_changes(v1, v2) == [
        "De ondersteuning en begeleiding die de school geeft is veranderd.",
        "Uw kind volgt nu voor een deel een ander programma dan de klas.",
        "De volgorde van de doelen is veranderd.",
    ]


def test_a_renamed_goal_is_followed_by_its_old_and_new_name(world):
    opp, v1 = world.sent(goals=[goal("Lezen")])
    v2 = next_version(world, opp, {"goals": [{**v1.goals[0], "area": "Begrijpend lezen"}]})
    assert describe_changes(v1, v2) == ["Het doel 'Lezen' heet nu 'Begrijpend lezen'."]
