"""The content of a plan as plain data: what a version freezes, what the checklist and the diff read.

`snapshot` iterates the format's declaration (`plans.format`): every field in its part, the goals in their
order, and the schema the content was frozen with."""

import hashlib
import json
from typing import Any

from .format import (
    CORE,
    FIRST_SCHEMA,
    GOAL_FIELDS,
    Format,
    Kind,
    current_format,
    goal_is_complete,
)
from .models import Opp

__all__ = ["GOAL_FIELDS", "canonical_json", "content_hash", "goal_content", "goal_is_complete", "same_content",
           "schema_of", "snapshot"]


def goal_content(goal, fmt: Format = CORE) -> dict[str, Any]:
    out: dict[str, Any] = {"uuid": str(goal.uuid)}
    for item in fmt.goal_fields:
        value = getattr(goal, item.key)
        out[item.key] = (value.isoformat() if value else None) if item.kind == Kind.DATE else value
    return out


def _frozen(opp: Opp, item, fmt: Format) -> dict[str, Any]:
    """One field as the content freezes it (an option: its code and its label)."""
    if item.kind == Kind.GOALS:
        return {item.name: [goal_content(g, fmt) for g in opp.goals.order_by("order", "pk")]}
    value = getattr(opp, item.key, item.empty_value())
    if item.kind == Kind.OPTION:
        return {item.name: value.code if value else None, f"{item.name}_label": value.label if value else None}
    if item.kind == Kind.DATE:
        return {item.name: value.isoformat() if value else None}
    return {item.name: value}


def snapshot(opp: Opp, fmt: Format | None = None) -> dict[str, Any]:
    """Every part of the draft as JSON-ready data, goals in their order, with the schema it was made with."""
    fmt = fmt or current_format()
    content: dict[str, Any] = {"schema": fmt.schema, "school_type": opp.school_type}
    if fmt.key != CORE.key:
        content["format"] = fmt.key
    for section in fmt.sections:
        part = content if section.content_key is None else content.setdefault(section.content_key, {})
        for item in section:
            part.update(_frozen(opp, item, fmt))
    return content


def schema_of(content: dict[str, Any]) -> int:
    """The schema a frozen content was made with; versions frozen before it was recorded are schema 1."""
    return content.get("schema", FIRST_SCHEMA)


def _without_schema(content: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in content.items() if key != "schema"}


def same_content(frozen: dict[str, Any], draft: dict[str, Any]) -> bool:
    """Whether two contents say the same, whichever schema each was frozen with: a version frozen before the
    schema was recorded is the same as a draft that says the same."""
    return canonical_json(_without_schema(frozen)) == canonical_json(_without_schema(draft))


def canonical_json(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(content: dict[str, Any]) -> str:
    """sha256 over the canonical JSON: the same content always gives the same hash."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()
