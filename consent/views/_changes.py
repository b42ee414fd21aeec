"""What changed between two versions, as the old and the new text with the changed words marked, so a parent
reads what the school now writes, not only that something "is veranderd"."""

import datetime
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from plans.format import CORE, PARENT, Field, Format, Kind
from plans.models import OppVersion, goal_title

# A word with the space after it, so a run of changed words is marked as one piece.
_WORDS = re.compile(r"^\s+|\S+\s*")


@dataclass(frozen=True)
class Change:
    title: str
    old: SafeString  # the old text, removed words in <del>; empty for something added
    new: SafeString  # the new text, added words in <ins>; empty for something removed

    @property
    def added(self) -> bool:
        return not self.old and bool(self.new)

    @property
    def removed(self) -> bool:
        return bool(self.old) and not self.new


def marked(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Both texts escaped, with the words that differ wrapped in <del> (old) and <ins> (new)."""
    a, b = _WORDS.findall(old or ""), _WORDS.findall(new or "")
    left: list[str] = []
    right: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        gone, came = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if tag == "equal":
            left.append(gone)
            right.append(came)
            continue
        if gone.strip():
            left.append(f"<del>{gone}</del>")
        else:
            left.append(gone)
        if came.strip():
            right.append(f"<ins>{came}</ins>")
        else:
            right.append(came)
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308  (pieces are escaped)


def _day(value) -> str:
    if not value:
        return ""
    return date_format(datetime.date.fromisoformat(value) if isinstance(value, str) else value, "j F Y")


def _text(out: list[Change], title: str, old: str | None, new: str | None) -> None:
    old, new = (old or "").strip(), (new or "").strip()
    if old == new:
        return
    left, right = marked(old, new)
    out.append(Change(title=title, old=left, new=right))


def compare(old_version: OppVersion, new_version: OppVersion, fmt: Format = CORE) -> list[Change]:
    """Every change from `old_version` to `new_version`, in the order a parent reads the plan (handelingsdeel
    first), each titled as the plan's format declares it for the parent (`Field.parent_change`)."""
    old, new = old_version.content, new_version.content
    out: list[Change] = []
    for section in fmt.on_pages():
        old_part, new_part = section.part_of(old), section.part_of(new)
        shown_when = {item.detail: item for item in section if item.detail}
        for item in section:
            if item.is_goals:
                out.extend(_goals(old_part.get(item.name) or [], new_part.get(item.name) or [], fmt))
            elif item.parent_change:
                _text(out, str(item.parent_change), _value(old_part, item, shown_when),
                      _value(new_part, item, shown_when))
    return out


def _value(part: Mapping[str, Any], item: Field, shown_when: dict[str, Field]) -> str:
    """A field as the parent reads it: an option by its label, a date as a date, and a text that explains a yes
    only when the answer is yes."""
    if item.kind == Kind.OPTION:
        return part.get(f"{item.name}_label") or ""
    if item.kind == Kind.DATE:
        return _day(part.get(item.name))
    condition = shown_when.get(item.key)
    if condition is not None and not part.get(condition.name):
        return ""
    return part.get(item.name, "") or ""


def _goal_text(goal: dict, fmt: Format = CORE) -> str:
    lines = [goal.get("description", "")]
    for item in fmt.goal_fields:
        wording = item.wording(PARENT)
        if wording is not None and item.kind != Kind.DATE and goal.get(item.key):
            lines.append(f"{wording.label}: {goal[item.key]}")
    if goal.get("due_by"):
        lines.append(_("Uiterlijk %(day)s") % {"day": _day(goal["due_by"])})
    return "\n".join(line for line in lines if line)


def _goals(old_goals: list[dict], new_goals: list[dict], fmt: Format = CORE) -> list[Change]:
    out: list[Change] = []
    old_by_id = {g["uuid"]: g for g in old_goals}
    new_ids = {g["uuid"] for g in new_goals}
    # The texts first, then the dates, each titled as the goal's field declares it for the parent.
    parts = sorted((f for f in fmt.goal_fields if f.parent_change), key=lambda f: f.kind == Kind.DATE)
    for goal in new_goals:
        title = goal_title(goal["area"], goal["description"])
        before = old_by_id.get(goal["uuid"])
        if before is None:
            out.append(Change(title=_("Doel '%(goal)s' is toegevoegd.") % {"goal": title}, old=mark_safe(""),
                              new=mark_safe(f"<ins>{escape(_goal_text(goal, fmt))}</ins>")))
            continue
        for item in parts:
            heading = str(item.parent_change) % {"goal": title}
            if item.kind == Kind.DATE:
                if before.get(item.key) != goal.get(item.key):
                    _text(out, heading, _day(before.get(item.key)), _day(goal.get(item.key)))
            else:
                _text(out, heading, before.get(item.key), goal.get(item.key))
    for goal in old_goals:
        if goal["uuid"] not in new_ids:
            title = goal_title(goal["area"], goal["description"])
            out.append(Change(title=_("Doel '%(goal)s' is verwijderd.") % {"goal": title},
                              old=mark_safe(f"<del>{escape(_goal_text(goal, fmt))}</del>"), new=mark_safe("")))
    return out
