"""A frozen content prepared for a page that shows it (the staff's read view, the parent's and the pupil's
pages, the PDF), by iterating the format's declaration: each part the page titles, each field the page names,
in the words that page uses for it.

A content of any schema reads: a field the content was frozen without reads as empty (and is left out where
the page leaves empty fields out), so versions frozen before a field existed still render.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from .core import CORE
from .fields import Field, Format, Kind, Section


def _date(value) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _item(section: Section, part: Mapping[str, Any], item: Field, page: str) -> dict | None:
    wording = item.wording(page)
    if wording is None:
        return None
    out: dict[str, Any] = {"key": item.key, "kind": item.kind, "label": wording.label, "term": wording.term,
                           "empty": wording.empty, "side_by_side": wording.side_by_side}
    if item.kind == Kind.YES_NO:
        detail = next((f for f in section if f.key == item.detail), None)
        yes = bool(part.get(item.name))
        if not yes and not wording.no:
            return None  # this page says nothing when the answer is no
        return {**out, "yes": yes, "sentence": wording.yes if yes else wording.no,
                "detail": part.get(detail.name, "") if detail is not None and yes else ""}
    if item.kind == Kind.GOALS:
        goals = part.get(item.name) or []
        if not goals and wording.empty is None:
            return None
        return {**out, "goals": [_goal(goal, number, page) for number, goal in enumerate(goals, start=1)]}
    if item.kind == Kind.OPTION:
        value = part.get(f"{item.name}_label") or part.get(item.name)
    elif item.kind == Kind.DATE:
        value = _date(part.get(item.name))
    elif item.kind == Kind.CHOICE:
        code = part.get(item.name)
        value = item.choices.get(code, code) if code is not None else None
    else:
        value = part.get(item.name, "")
    if _empty(value) and wording.empty is None:
        return None
    return {**out, "value": value}


def _goal(goal: dict, number: int, page: str, fmt: Format = CORE) -> dict:
    """A goal with its number and the parts this page names (the area heads it, the description is its text)."""
    parts = []
    for item in fmt.goal_fields:
        wording = item.wording(page)
        if wording is None:
            continue
        value = _date(goal.get(item.key)) if item.kind == Kind.DATE else goal.get(item.key)
        if _empty(value) and wording.empty is None:
            continue
        parts.append({"key": item.key, "kind": item.kind, "label": wording.label, "value": value,
                      "empty": wording.empty})
    return {**goal, "number": number, "due_by": _date(goal.get("due_by")), "parts": parts}


def _rows(items: list[dict]) -> list[dict]:
    """Fields that stand side by side grouped into one row (`kind` "pair")."""
    rows: list[dict] = []
    for item in items:
        if item["side_by_side"] and rows and rows[-1]["kind"] == "pair":
            rows[-1]["items"].append(item)
        elif item["side_by_side"]:
            rows.append({"kind": "pair", "items": [item]})
        else:
            rows.append(item)
    return rows


def reading(content: dict | None, page: str, fmt: Format = CORE) -> list[dict]:
    """The parts of `content` that `page` shows, in the pages' order: each with its title and intro on that
    page, and its rows (a field, a pair of fields side by side, or the goals). A part with nothing to show on
    that page is left out."""
    if not content:
        return []
    out = []
    for section in fmt.on_pages():
        title = section.titles.get(page)
        if title is None:
            continue
        part = section.part_of(content)
        items = [i for i in (_item(section, part, item, page) for item in section) if i is not None]
        if not items:
            continue
        rows = _rows(items)
        first_pair = next((i for i, row in enumerate(rows) if row["kind"] == "pair"), None)
        out.append({"key": section.key, "anchor": section.anchor, "title": title,
                    "intro": section.intros.get(page, ""), "rows": rows, "folded": page in section.folded_on,
                    # The PDF keeps a part's heading with the fields before its first pair on one page.
                    "has_pairs": first_pair is not None, "first_pair": first_pair})
    return out
