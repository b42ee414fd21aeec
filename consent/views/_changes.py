"""What changed between two versions, as the old and the new text with the changed words marked, so a parent
reads what the school now writes, not only that something "is veranderd"."""

import datetime
import difflib
import re
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

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


def compare(old_version: OppVersion, new_version: OppVersion) -> list[Change]:
    """Every change from `old_version` to `new_version`, handelingsdeel first, in the order a parent reads."""
    old, new = old_version.content, new_version.content
    out: list[Change] = []
    oh, nh = old["handelingsdeel"], new["handelingsdeel"]
    _text(out, _("De hulp en begeleiding die de school geeft"), oh.get("support_and_guidance"),
          nh.get("support_and_guidance"))
    old_dev = oh.get("deviation_description", "") if oh.get("deviates_from_regular_programme") else ""
    new_dev = nh.get("deviation_description", "") if nh.get("deviates_from_regular_programme") else ""
    _text(out, _("Anders dan de rest van de klas"), old_dev, new_dev)
    out.extend(_goals(oh["goals"], nh["goals"]))
    ou, nu = old["uitstroomperspectief"], new["uitstroomperspectief"]
    _text(out, _("De verwachte uitstroom"), ou.get("destination_label"), nu.get("destination_label"))
    _text(out, _("Waarom deze uitstroom"), ou.get("justification"), nu.get("justification"))
    _text(out, _("Wat uw kind helpt"), ou.get("bevorderende_factoren"), nu.get("bevorderende_factoren"))
    _text(out, _("Wat het moeilijker maakt"), ou.get("belemmerende_factoren"), nu.get("belemmerende_factoren"))
    _text(out, _("Hoe het nu gaat"), old.get("pupil_situation"), new.get("pupil_situation"))
    _text(out, _("Wat uw kind nodig heeft"), old.get("support_needs"), new.get("support_needs"))
    return out


_GOAL_PARTS = (
    ("description", N_("Het doel '%(goal)s'")),
    ("approach", N_("Zo werken we aan doel '%(goal)s'")),
    ("responsible", N_("Wie wat doet bij doel '%(goal)s'")),
    ("measured_by", N_("Zo zien we of doel '%(goal)s' gelukt is")),
)


def _goal_text(goal: dict) -> str:
    lines = [goal.get("description", "")]
    for name, label in (("approach", _("Zo werken we eraan")), ("responsible", _("Wie doet wat")),
                        ("measured_by", _("Zo zien we of het gelukt is"))):
        if goal.get(name):
            lines.append(f"{label}: {goal[name]}")
    if goal.get("due_by"):
        lines.append(_("Uiterlijk %(day)s") % {"day": _day(goal["due_by"])})
    return "\n".join(line for line in lines if line)


def _goals(old_goals: list[dict], new_goals: list[dict]) -> list[Change]:
    out: list[Change] = []
    old_by_id = {g["uuid"]: g for g in old_goals}
    new_ids = {g["uuid"] for g in new_goals}
    for goal in new_goals:
        title = goal_title(goal["area"], goal["description"])
        before = old_by_id.get(goal["uuid"])
        if before is None:
            out.append(Change(title=_("Doel '%(goal)s' is toegevoegd.") % {"goal": title}, old=mark_safe(""),
                              new=mark_safe(f"<ins>{escape(_goal_text(goal))}</ins>")))
            continue
        for name, label in _GOAL_PARTS:
            _text(out, _(label) % {"goal": title}, before.get(name), goal.get(name))
        if before.get("due_by") != goal.get("due_by"):
            _text(out, _("Wanneer doel '%(goal)s' bereikt moet zijn") % {"goal": title}, _day(before.get("due_by")),
                  _day(goal.get("due_by")))
    for goal in old_goals:
        if goal["uuid"] not in new_ids:
            title = goal_title(goal["area"], goal["description"])
            out.append(Change(title=_("Doel '%(goal)s' is verwijderd.") % {"goal": title},
                              old=mark_safe(f"<del>{escape(_goal_text(goal))}</del>"), new=mark_safe("")))
    return out
