"""A parent's plan page reads the family's records at once (consent.family_records, issue 12): what it shows is
what the page showed when it asked each record through `visible_to`, at every stage and for each guardian."""

import datetime

import pytest
from django.test import RequestFactory

from consent import family_records, services
from consent.access import child_opps
from consent.family_records import _parts as parts
from consent.family_records import read_family_records
from consent.models import Decision, ParentView
from consent.views._facts import family_facts, latest_per_goal, plan_facts, with_facts
from consent.views._plan import shown_version
from consent.views.family import _decision_block
from plans import services as plan_services
from plans.models import Evaluation, EvaluationOutcome, Opp

pytestmark = pytest.mark.django_db


def _block_as_shown(block: dict) -> dict:
    unreachable = {key: str(value) for key, value in block["unreachable"].items() if key != "help"}
    changes = block["changes"]
    return {
        "recipient": block["recipient"].pk if block["recipient"] else None,
        "can_decide": block["can_decide"],
        "decisions": [(d.pk, d.version.number, d.decision) for d in block["decisions"]],
        "current": block["current"].pk if block["current"] else None,
        "banner": (block["banner"].decision.pk, block["banner"].refused) if block["banner"] else None,
        "unreachable": unreachable,
        "changes": (changes["since"].number, changes["agreed"], len(changes["items"])) if changes else None,
        "reason": block["recipient"].request.reason if block["recipient"] else "",
    }


def _facts_as_shown(facts: dict) -> dict:
    said = facts["pupil_said"]
    return {
        "said": (said.pk, said.pupil_view, said.heard_on, said.method) if said else None,
        "oogo": facts["last_oogo"].held_on if facts["last_oogo"] else None,
        "evaluated": facts["last_evaluation"].evaluated_on if facts["last_evaluation"] else None,
        "next": facts["next_evaluation"],
        "ib": facts["ib"],
    }


def read_both_ways(opp_pk: int, user) -> tuple[dict, dict]:
    """What the page shows, from the records read at once and from each record asked through `visible_to`."""
    request = RequestFactory().get("/")
    request.user = user
    shown = []
    for at_once in (True, False):
        opp = with_facts(child_opps(user), user).get(pk=opp_pk)
        version, asked = shown_version(opp)
        records = read_family_records(opp, version, user) if at_once else None
        block = _decision_block(request, opp, version, asked, records=records)
        if at_once:
            per_goal, views, facts = (latest_per_goal(records.outcomes), records.views, family_facts(opp, records))
        else:
            outcomes = EvaluationOutcome.objects.filter(
                evaluation__in=Evaluation.objects.visible_to(user).filter(opp=opp)).select_related("evaluation")
            per_goal, facts = latest_per_goal(list(outcomes)), plan_facts(user, opp)
            views = ParentView.objects.filter(opp=opp, author=user)
        shown.append({**_block_as_shown(block), **_facts_as_shown(facts),
                      "per_goal": {goal: outcome.pk for goal, outcome in per_goal.items()},
                      "views": [v.pk for v in views]})
    return shown[0], shown[1]


def same_for_both_parents(world, opp: Opp) -> bool:
    for parent in (world.mother, world.father):
        at_once, one_by_one = read_both_ways(opp.pk, parent)
        assert at_once == one_by_one, parent
    return True


def test_the_family_records_read_at_once_are_what_each_query_showed_at_every_stage(world):
    opp, version = world.sent()
    world.oogo(opp)
    world.hear(opp)
    request = world.ask(version)
    assert same_for_both_parents(world, opp)
    world.decide(request, world.mother)
    world.decide(request, world.father, Decision.NIET_AKKOORD, "Nee.")
    services.add_parent_view(user=world.mother, opp=opp, text="Fijn dat er hulp komt.")
    assert same_for_both_parents(world, opp)
    world.decide(request, world.father)  # changed their mind: the latest decision counts
    plan_services.adopt(user=world.leader, opp=Opp.objects.get(pk=opp.pk))
    assert same_for_both_parents(world, opp)
    adopted = Opp.objects.get(pk=opp.pk)
    goals = {str(goal["uuid"]): ("partly", "Bijna.") for goal in adopted.adopted_version.goals}
    plan_services.record_evaluation(user=world.ib, opp=adopted, evaluated_on=datetime.date.today(), outcomes=goals,
                                    parents_view="Goed.", pupil_view="Leuk.", decision="adjust")
    assert same_for_both_parents(world, opp)
    adjusted = world.change(Opp.objects.get(pk=opp.pk), {"support_and_guidance": "Drie keer per week lezen."})
    version2 = world.send(adjusted)
    request2 = world.ask(version2)
    assert same_for_both_parents(world, opp)
    unreachable = services.record_unreachable(user=world.ib, recipient=world.recipient(request2, world.father),
                                              reason="buitenland", attempts="Drie keer gebeld, twee mails.")
    assert same_for_both_parents(world, opp)
    services.confirm_unreachable(user=world.leader, unreachability=unreachable)
    world.decide(request2, world.mother)
    assert same_for_both_parents(world, opp)


def test_each_guardian_reads_only_their_own_rows_and_the_second_read_is_replayed(world, postgresql, monkeypatch):
    opp, version = world.sent()
    request = world.ask(version)
    world.decide(request, world.mother)
    services.add_parent_view(user=world.father, opp=opp, text="Graag meer rekenen.")
    mother = read_family_records(Opp.objects.get(pk=opp.pk), version, world.mother)
    assert [r.pk for r in mother.recipients] == [world.recipient(request, world.mother).pk]
    assert len(mother.decisions) == 1 and mother.views == []
    builds = []
    monkeypatch.setattr(family_records, "_parts", lambda **values: builds.append(values) or parts(**values))
    father = read_family_records(Opp.objects.get(pk=opp.pk), version, world.father)
    assert builds == []  # replayed: the father's query was not built again
    assert [r.pk for r in father.recipients] == [world.recipient(request, world.father).pk]
    assert father.decisions == [] and [v.text for v in father.views] == ["Graag meer rekenen."]
