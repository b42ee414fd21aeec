"""Every audit action has the Dutch phrase a parent reads in the log of their child (`opp_portal.audit.actions`)."""

import ast
import pathlib

import pytest
from django.conf import settings

from opp_portal.audit.actions import ABOUT_YOU, ON_A_VERSION, READS, Action
from opp_portal.audit.models import AuditEvent
from opp_portal.audit.service import record
from tests.factories import SchoolFactory

APPS = ("opp_portal", "schools", "plans", "consent", "registration")


def test_every_action_has_a_dutch_phrase_of_its_own():
    phrases = [action.phrase for action in Action]
    assert all(phrase and phrase != action.value for phrase, action in zip(phrases, Action, strict=True))
    assert len(set(phrases)) == len(phrases)
    assert all(str(phrase) for phrase in ABOUT_YOU.values())
    assert READS <= set(Action) and ON_A_VERSION <= set(Action)


@pytest.mark.django_db
def test_recording_an_action_without_a_phrase_fails_and_records_nothing():
    school = SchoolFactory()
    with pytest.raises(ValueError):
        record(actor=None, action="pupil.teleported", obj=school)
    assert not AuditEvent.objects.exists()
    assert record(actor=None, action=Action.DEMO_SEEDED, obj=school).action == "demo.seeded"


def _string_actions(tree: ast.AST) -> list[tuple[int, str]]:
    """String literals passed as an audit action: `action="..."`, or the second argument of `audit(...)`."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg == "action" and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
                found.append((node.lineno, keyword.value.value))
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        if name in ("audit", "_audit") and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
            found.append((node.lineno, node.args[1].value))
    return found


def test_the_code_names_every_action_through_the_enum_never_as_a_string():
    root = pathlib.Path(settings.BASE_DIR)
    offenders = []
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for line, value in _string_actions(ast.parse(path.read_text(), str(path))):
                if value not in ("store_true",):  # argparse's action="store_true"
                    offenders.append(f"{path.relative_to(root)}:{line}: {value}")
    assert offenders == []


def test_the_pupils_own_log_never_speaks_of_uw_kind():
    from opp_portal.audit.actions import ABOUT_THE_PUPIL, FOR_THE_PUPIL

    parents_words = [a for a in Action if "uw kind" in a.phrase and a not in FOR_THE_PUPIL]
    assert parents_words == []
    assert set(ABOUT_THE_PUPIL) == set(ABOUT_YOU)
    assert not [p for p in (*FOR_THE_PUPIL.values(), *ABOUT_THE_PUPIL.values()) if " uw " in f" {p} "]
