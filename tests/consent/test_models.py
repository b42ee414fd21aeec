"""Instemming records stand before the Geschillencommissie: never edited, never deleted (rule 2)."""

import pytest
from django.db import connection, transaction

from consent.models import AppendOnlyError, Decision, InstemmingDecision, InstemmingRecipient

pytestmark = pytest.mark.django_db


def a_decision(world):
    opp, version = world.sent()
    request = world.ask(version)
    return world.decide(request, world.mother, Decision.AKKOORD)


def test_rule_2_instemming_records_cannot_be_edited_or_deleted(world):
    decision = a_decision(world)
    decision.decision = Decision.NIET_AKKOORD
    with pytest.raises(AppendOnlyError):
        decision.save()
    with pytest.raises(AppendOnlyError):
        decision.delete()
    with pytest.raises(AppendOnlyError):
        InstemmingDecision.objects.filter(pk=decision.pk).update(decision=Decision.NIET_AKKOORD)
    with pytest.raises(AppendOnlyError):
        InstemmingDecision.objects.filter(pk=decision.pk).delete()
    assert InstemmingDecision.objects.get(pk=decision.pk).decision == Decision.AKKOORD


def test_rule_2_the_database_refuses_to_rewrite_a_decision_even_with_raw_sql(postgresql, world):
    decision = a_decision(world)
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE consent_instemmingdecision SET decision = 'niet_akkoord' WHERE id = %s", [decision.pk])
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM consent_instemmingdecision WHERE id = %s", [decision.pk])
    assert InstemmingDecision.objects.get(pk=decision.pk).decision == Decision.AKKOORD


def test_rule_2_a_decision_stores_the_exact_version_and_its_hash(world):
    decision = a_decision(world)
    assert decision.version.number == 1 and decision.content_hash == decision.version.content_hash
    assert decision.how == "online" and decision.decided_by == world.mother


# --- "the latest decision of a party on a version": one definition, every form agrees ----------------------------

def _decision(world, request, user, decision, decided_at, version=None):
    recipient = world.recipient(request, user)
    version = version or request.version
    return InstemmingDecision.objects.create(
        recipient=recipient, version=version, content_hash=version.content_hash, decision=decision,
        reason="Nee." if decision == Decision.NIET_AKKOORD else "", how="online", decided_by=user,
        decided_at=decided_at)


def latest_by_every_form(version) -> dict[str, set]:
    """The latest decision per party on `version`, as every part of the portal finds it."""
    from consent.requirements import latest_decisions, latest_decisions_queryset
    from plans.pdf import instemming_records

    recipients = list(InstemmingRecipient.objects.filter(request__version=version))
    last_in_pdf = {}
    for record in instemming_records(version) or []:  # oldest first: the last one of a person is their latest
        last_in_pdf[record.who] = (record.decided_at, record.agreed)
    return {
        "checklist": {d.pk for d in latest_decisions(version).values()},
        "recipient": {r.latest_decision.pk for r in recipients if r.latest_decision is not None},
        "queryset": set(latest_decisions_queryset().filter(version=version).values_list("pk", flat=True)),
        "pdf": set(last_in_pdf.values()),
        "expected_pdf": {(r.latest_decision.decided_at, r.latest_decision.decision == Decision.AKKOORD)
                         for r in recipients if r.latest_decision is not None},
    }


def agree(forms) -> bool:
    return forms["checklist"] == forms["recipient"] == forms["queryset"] and forms["pdf"] == forms["expected_pdf"]


def test_the_latest_decision_is_the_same_in_the_checklist_the_queryset_the_recipient_and_the_pdf(world):
    import datetime

    from django.utils import timezone

    opp, version = world.sent()
    request = world.ask(version)
    morning = timezone.now() - datetime.timedelta(hours=5)
    # The mother agreed in the afternoon; a refusal she made in the morning was typed in later: the akkoord counts.
    agreed = _decision(world, request, world.mother, Decision.AKKOORD, morning + datetime.timedelta(hours=4))
    _decision(world, request, world.mother, Decision.NIET_AKKOORD, morning)
    # The father decided twice at the same moment: the one recorded last counts.
    _decision(world, request, world.father, Decision.GESPREK_GEWENST, morning)
    second = _decision(world, request, world.father, Decision.AKKOORD, morning)
    forms = latest_by_every_form(version)
    assert agree(forms) and forms["checklist"] == {agreed.pk, second.pk}


def test_a_decision_on_another_version_never_counts_in_any_form(world):
    opp, version1 = world.sent()
    request1 = world.ask(version1)
    world.decide(request1, world.mother)
    version2 = world.send(world.change(opp, {"support_and_guidance": "Iets anders."}))
    request2 = world.ask(version2)
    forms = latest_by_every_form(version2)
    assert agree(forms) and forms["checklist"] == set()
    world.decide(request2, world.father, Decision.NIET_AKKOORD, "Nee.")
    forms = latest_by_every_form(version2)
    assert agree(forms) and len(forms["checklist"]) == 1
