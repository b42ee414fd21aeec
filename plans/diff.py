"""What changed between two versions, in sentences a parent can follow."""

import datetime
from typing import Any

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from .models import OppKind, OppVersion, goal_title

_TEXT_FIELDS = (
    ("pupil_situation", None, N_("De beschrijving van de situatie van uw kind is veranderd.")),
    ("support_needs", None, N_("Wat uw kind nodig heeft (de ondersteuningsbehoeften) is anders beschreven.")),
    ("support_and_guidance", "handelingsdeel", N_("De ondersteuning en begeleiding die de school geeft is veranderd.")),
    ("justification", "uitstroomperspectief", N_("De onderbouwing van het uitstroomperspectief is veranderd.")),
    ("bevorderende_factoren", "uitstroomperspectief",
     N_("De bevorderende factoren (wat uw kind helpt) zijn veranderd.")),
    ("belemmerende_factoren", "uitstroomperspectief",
     N_("De belemmerende factoren (wat het uw kind moeilijker maakt) zijn veranderd.")),
)

_GOAL_FIELDS = (
    ("description", N_("Het doel '%(goal)s' is anders geformuleerd.")),
    ("approach", N_("De aanpak bij doel '%(goal)s' is veranderd.")),
    ("responsible", N_("Wie wat doet bij doel '%(goal)s' is veranderd.")),
    ("measured_by", N_("Hoe gemeten wordt of doel '%(goal)s' bereikt is, is veranderd.")),
)


def _content(version: OppVersion | dict[str, Any]) -> dict[str, Any]:
    return version.content if isinstance(version, OppVersion) else version


def _day(value: str | None) -> str:
    if not value:
        return _("geen datum")
    with translation.override("nl"):
        return date_format(datetime.date.fromisoformat(value), "j F Y")


def _get(content: dict, part: str | None, name: str):
    return (content[part] if part else content).get(name)


def describe_changes(old_version: OppVersion | dict, new_version: OppVersion | dict) -> list[str]:
    """Plain-Dutch sentences for every change from `old_version` to `new_version`; empty when nothing changed."""
    old, new = _content(old_version), _content(new_version)
    out: list[str] = []
    if old["kind"] != new["kind"]:
        out.append(_("Het plan is nu een OPP voor extra ondersteuning.") if new["kind"] == OppKind.EXTRA_SUPPORT
                   else _("Het plan valt nu binnen de basisondersteuning (intern plan van de school)."))
    for name, part, sentence in _TEXT_FIELDS[:3]:
        if (_get(old, part, name) or "").strip() != (_get(new, part, name) or "").strip():
            out.append(_(sentence))

    old_h, new_h = old["handelingsdeel"], new["handelingsdeel"]
    if old_h["deviates_from_regular_programme"] != new_h["deviates_from_regular_programme"]:
        out.append(_("Uw kind volgt nu voor een deel een ander programma dan de klas.")
                   if new_h["deviates_from_regular_programme"]
                   else _("Uw kind volgt weer het gewone programma van de klas."))
    elif new_h["deviates_from_regular_programme"] and old_h["deviation_description"] != new_h["deviation_description"]:
        out.append(_("Hoe het programma van uw kind afwijkt van dat van de klas is veranderd."))
    out.extend(_goal_changes(old_h["goals"], new_h["goals"]))

    old_u, new_u = old["uitstroomperspectief"], new["uitstroomperspectief"]
    if old_u["destination"] != new_u["destination"]:
        if not old_u["destination"]:
            out.append(_("Het verwachte uitstroomperspectief is nu %(new)s.") % {"new": new_u["destination_label"]})
        elif not new_u["destination"]:
            out.append(_("Het verwachte uitstroomperspectief (%(old)s) is weggehaald.")
                       % {"old": old_u["destination_label"]})
        else:
            out.append(_("Het verwachte uitstroomperspectief is veranderd van %(old)s naar %(new)s.")
                       % {"old": old_u["destination_label"], "new": new_u["destination_label"]})
    for name, part, sentence in _TEXT_FIELDS[3:]:
        if (_get(old, part, name) or "").strip() != (_get(new, part, name) or "").strip():
            out.append(_(sentence))
    return out


def _goal_changes(old_goals: list[dict], new_goals: list[dict]) -> list[str]:
    out: list[str] = []
    old_by_id = {g["uuid"]: g for g in old_goals}
    new_by_id = {g["uuid"]: g for g in new_goals}
    for goal in new_goals:
        title = goal_title(goal["area"], goal["description"])
        before = old_by_id.get(goal["uuid"])
        if before is None:
            out.append(_("Doel '%(goal)s' is toegevoegd.") % {"goal": title})
            continue
        old_title = goal_title(before["area"], before["description"])
        if before["area"] != goal["area"] and before["area"] and goal["area"]:
            out.append(_("Het doel '%(old)s' heet nu '%(new)s'.") % {"old": old_title, "new": title})
        for name, sentence in _GOAL_FIELDS:
            if (before[name] or "").strip() != (goal[name] or "").strip():
                out.append(_(sentence) % {"goal": old_title if name == "description" else title})
        if before["due_by"] != goal["due_by"]:
            out.append(_("De datum waarop doel '%(goal)s' bereikt moet zijn is veranderd van %(old)s naar %(new)s.")
                       % {"goal": title, "old": _day(before["due_by"]), "new": _day(goal["due_by"])})
    for goal in old_goals:
        if goal["uuid"] not in new_by_id:
            out.append(_("Doel '%(goal)s' is verwijderd.") % {"goal": goal_title(goal["area"], goal["description"])})
    kept_old = [g["uuid"] for g in old_goals if g["uuid"] in new_by_id]
    kept_new = [g["uuid"] for g in new_goals if g["uuid"] in old_by_id]
    if kept_old != kept_new:
        out.append(_("De volgorde van de doelen is veranderd."))
    return out
