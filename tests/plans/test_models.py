"""Model-level guarantees: frozen versions, database checks, the seeded uitstroom options."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from plans.content import canonical_json, content_hash
from plans.models import AppendOnlyError, Opp, OppVersion, UitstroomOption

from .factories import OppFactory

pytestmark = pytest.mark.django_db


def test_rule_2_a_frozen_version_can_never_be_changed_or_deleted(world):
    opp, version = world.sent()
    version.content["handelingsdeel"]["support_and_guidance"] = "iets anders"
    with pytest.raises(AppendOnlyError):
        version.save()
    with pytest.raises(AppendOnlyError):
        version.delete()
    with pytest.raises(AppendOnlyError):
        OppVersion.objects.filter(pk=version.pk).update(content={})
    with pytest.raises(AppendOnlyError):
        OppVersion.objects.filter(pk=version.pk).delete()
    stored = OppVersion.objects.get(pk=version.pk)
    assert stored.content["handelingsdeel"]["support_and_guidance"].startswith("Twee keer per week")
    assert stored.hash_is_valid()


def test_the_database_refuses_to_rewrite_a_version_even_with_raw_sql(postgresql, world):
    opp, version = world.sent()
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE plans_oppversion SET content_hash = 'x' WHERE id = %s", [version.pk])
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM plans_oppversion WHERE id = %s", [version.pk])
    assert OppVersion.objects.get(pk=version.pk).content_hash == version.content_hash


def test_the_content_hash_is_sha256_over_canonical_json_and_stable(world):
    opp, version = world.sent()
    reordered = dict(reversed(list(version.content.items())))
    assert content_hash(reordered) == version.content_hash
    assert canonical_json(reordered) == canonical_json(version.content)
    assert len(version.content_hash) == 64
    import hashlib

    assert hashlib.sha256(canonical_json(version.content).encode()).hexdigest() == version.content_hash
    # Known input, known output: the hash does not depend on dict order, Python version or locale.
    assert content_hash({"b": 1, "a": "é"}) == hashlib.sha256('{"a":"é","b":1}'.encode()).hexdigest()


def test_rule_10_the_database_refuses_basisondersteuning_outside_bao_and_vo(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        OppFactory(school__school_type="sbo", kind="basisondersteuning")
    OppFactory(school__school_type="vo", kind="basisondersteuning")


def test_the_database_refuses_an_evaluation_cycle_longer_than_twelve_months(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        OppFactory(evaluation_cycle_months=13)


def test_rule_9_the_database_allows_one_open_plan_per_pupil_and_school(db):
    first = OppFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Opp.objects.create(pupil=first.pupil, school=first.school, school_type=first.school_type)
    Opp.objects.filter(pk=first.pk).update(status="beeindigd")
    Opp.objects.create(pupil=first.pupil, school=first.school, school_type=first.school_type)


@pytest.mark.parametrize(
    ("school_type", "expected", "absent"),
    [
        ("bao", {"praktijkonderwijs", "vmbo-bb", "vmbo-kb", "vmbo-gl-tl", "havo", "vwo", "vso"}, {"dagbesteding"}),
        ("sbo", {"vmbo-bb", "havo", "vso", "bao", "so"}, {"arbeidsmarkt"}),
        ("so", {"vmbo-bb", "vso", "bao", "sbo"}, {"dagbesteding"}),
        ("vso", {"vervolgonderwijs", "arbeidsmarkt", "dagbesteding"}, {"havo"}),
        ("pro", {"vervolgonderwijs", "arbeidsmarkt", "dagbesteding"}, {"havo"}),
    ],
)
def test_the_seeded_uitstroom_options_fit_each_school_type(db, school_type, expected, absent):
    codes = set(UitstroomOption.objects.for_school_type(school_type).values_list("code", flat=True))
    assert expected <= codes
    assert not (absent & codes)


def test_an_inactive_uitstroom_option_is_not_offered(db):
    UitstroomOption.objects.filter(code="havo").update(active=False)
    assert not UitstroomOption.objects.for_school_type("bao").filter(code="havo").exists()


COMPLETE_GOAL = {"area": "Lezen", "description": "Leest AVI E5.", "approach": "Duolezen.", "responsible": "De leerkracht.",
                 "due_by": datetime.date(2027, 1, 31), "measured_by": "AVI-toets."}


@pytest.mark.parametrize("change", [
    {}, {"area": ""}, {"area": "   "}, {"description": "\n\t "}, {"approach": ""}, {"responsible": "  "},
    {"due_by": None}, {"measured_by": ""}, {"measured_by": " x "},
])
def test_a_draft_goal_and_its_frozen_copy_are_complete_alike(world, change):
    from plans.content import goal_content, goal_is_complete
    from plans.models import Goal

    goal = Goal.objects.create(opp=world.start(), **{**COMPLETE_GOAL, **change})
    expected = all(str(value).strip() for value in {**COMPLETE_GOAL, **change}.values() if value is not None) and (
        None not in change.values())
    assert goal.is_complete is expected
    assert goal_is_complete(goal_content(goal)) is expected
