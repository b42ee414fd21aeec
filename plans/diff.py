"""What changed between two versions, in sentences a parent can follow."""

import datetime
from typing import Any

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .format import CORE, Format, Kind, Section
from .format.fields import Field
from .models import OppVersion, goal_title


def _content(version: OppVersion | dict[str, Any]) -> dict[str, Any]:
    return version.content if isinstance(version, OppVersion) else version


def _day(value: str | None) -> str:
    if not value:
        return _("geen datum")
    with translation.override("nl"):
        return date_format(datetime.date.fromisoformat(value), "j F Y")


def _text(value) -> str:
    return (value or "").strip()


def _value(section: Section, content: dict, item: Field):
    return section.part_of(content).get(item.name)


def describe_changes(old_version: OppVersion | dict, new_version: OppVersion | dict, fmt: Format = CORE) -> list[str]:
    """Plain-Dutch sentences for every change from `old_version` to `new_version`, in the order `fmt` declares
    the fields (each field's own sentence); empty when nothing changed."""
    old, new = _content(old_version), _content(new_version)
    out: list[str] = []
    for section in fmt.sections:
        details = {item.detail for item in section if item.detail}
        for item in section:
            if item.key not in details:
                out.extend(_field_changes(section, item, old, new, fmt))
    return out


def _field_changes(section: Section, item: Field, old: dict, new: dict, fmt: Format) -> list[str]:
    before, after = _value(section, old, item), _value(section, new, item)
    if item.kind == Kind.GOALS:
        return _goal_changes(before or [], after or [], fmt)
    if item.kind == Kind.CHOICE:
        return [str(item.change_to[after])] if before != after and after in item.change_to else []
    if item.kind == Kind.YES_NO:
        if bool(before) != bool(after):
            return [str(item.change_set) if after else str(item.change_cleared)]
        detail = next((f for f in section if f.key == item.detail), None)
        if after and detail is not None and _text(_value(section, old, detail)) != _text(_value(section, new, detail)):
            return [str(detail.change)]
        return []
    if item.kind == Kind.OPTION:
        if before == after:
            return []
        labels = {"old": section.part_of(old).get(f"{item.name}_label"),
                  "new": section.part_of(new).get(f"{item.name}_label")}
        if not before:
            return [str(item.change_set) % labels]
        if not after:
            return [str(item.change_cleared) % labels]
        return [str(item.change) % labels]
    if item.kind == Kind.DATE:
        return [str(item.change) % {"old": _day(before), "new": _day(after)}] if before != after else []
    return [str(item.change)] if _text(before) != _text(after) else []


def _goal_changes(old_goals: list[dict], new_goals: list[dict], fmt: Format = CORE) -> list[str]:
    out: list[str] = []
    old_by_id = {g["uuid"]: g for g in old_goals}
    new_by_id = {g["uuid"]: g for g in new_goals}
    # The texts first, then the dates, each sentence as the goal's field declares it.
    described = sorted((f for f in fmt.goal_fields if f.change), key=lambda f: f.kind == Kind.DATE)
    for goal in new_goals:
        title = goal_title(goal["area"], goal["description"])
        before = old_by_id.get(goal["uuid"])
        if before is None:
            out.append(_("Doel '%(goal)s' is toegevoegd.") % {"goal": title})
            continue
        old_title = goal_title(before["area"], before["description"])
        if before["area"] != goal["area"] and before["area"] and goal["area"]:
            out.append(_("Het doel '%(old)s' heet nu '%(new)s'.") % {"old": old_title, "new": title})
        for item in described:
            old_value, new_value = before.get(item.key), goal.get(item.key)
            if item.kind == Kind.DATE:
                if old_value != new_value:
                    out.append(str(item.change) % {"goal": title, "old": _day(old_value), "new": _day(new_value)})
            elif _text(old_value) != _text(new_value):
                out.append(str(item.change) % {"goal": old_title if item.key == "description" else title})
    for goal in old_goals:
        if goal["uuid"] not in new_by_id:
            out.append(_("Doel '%(goal)s' is verwijderd.") % {"goal": goal_title(goal["area"], goal["description"])})
    kept_old = [g["uuid"] for g in old_goals if g["uuid"] in new_by_id]
    kept_new = [g["uuid"] for g in new_goals if g["uuid"] in old_by_id]
    if kept_old != kept_new:
        out.append(_("De volgorde van de doelen is veranderd."))
    return out
