"""Instemming records stand before the Geschillencommissie: never edited, never deleted (rule 2)."""

import pytest
from django.db import connection, transaction

from consent.models import AppendOnlyError, Decision, InstemmingDecision

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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_rule_2_the_database_refuses_to_rewrite_a_decision_even_with_raw_sql(world):
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
