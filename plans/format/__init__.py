"""The plan's shape, declared once: `core.CORE` is the law's core; `fields` the vocabulary a board's format
extends it with; `reading` prepares a frozen content for the pages that show it."""

from .core import (
    CORE,
    DRAFT_FIELDS,
    FIRST_SCHEMA,
    GOAL_FIELDS,
    LONG_TEXT,
    PLAN_SETTINGS,
    SCHEMA,
    SHORT_TEXT,
)
from .fields import (
    COMPARE,
    FORM,
    PAGES,
    PARENT,
    PDF,
    PUPIL,
    STAFF,
    ExtensionError,
    Field,
    Format,
    Kind,
    Part,
    Section,
    Wording,
)


def current_format() -> Format:
    """The format new versions are frozen with. Board formats will choose theirs per board; today every plan
    has the core."""
    return CORE


def goal_is_complete(values, fmt: Format = CORE) -> bool:
    """Every needed part of the goal filled in: text that is more than spaces, and a date. The one definition,
    for a draft's goal (`Goal.is_complete`) and a frozen version's (the checklist's "volledig doel") alike."""
    return all(filled(values.get(f.key)) for f in fmt.goal_fields if f.needed)


def filled(value) -> bool:
    if value is None:
        return False
    return bool(value.strip()) if isinstance(value, str) else True


__all__ = [
    "COMPARE",
    "CORE",
    "DRAFT_FIELDS",
    "FIRST_SCHEMA",
    "FORM",
    "GOAL_FIELDS",
    "LONG_TEXT",
    "PAGES",
    "PARENT",
    "PDF",
    "PLAN_SETTINGS",
    "PUPIL",
    "SCHEMA",
    "SHORT_TEXT",
    "STAFF",
    "ExtensionError",
    "Field",
    "Format",
    "Kind",
    "Part",
    "Section",
    "Wording",
    "current_format",
    "filled",
    "goal_is_complete",
]
