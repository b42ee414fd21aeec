"""The content of a plan as plain data: what a version freezes, what the checklist and the diff read."""

import hashlib
import json
from typing import Any

from .models import GOAL_FIELDS, Opp, goal_is_complete

__all__ = ["GOAL_FIELDS", "canonical_json", "content_hash", "goal_content", "goal_is_complete", "snapshot"]

HANDELINGSDEEL_FIELDS = ("support_and_guidance", "deviates_from_regular_programme", "deviation_description")
UITSTROOM_TEXT_FIELDS = ("uitstroom_justification", "bevorderende_factoren", "belemmerende_factoren")


def goal_content(goal) -> dict[str, Any]:
    return {
        "uuid": str(goal.uuid),
        "area": goal.area,
        "description": goal.description,
        "approach": goal.approach,
        "responsible": goal.responsible,
        "due_by": goal.due_by.isoformat() if goal.due_by else None,
        "measured_by": goal.measured_by,
    }


def snapshot(opp: Opp) -> dict[str, Any]:
    """Both parts of the draft as JSON-ready data, goals in their order."""
    option = opp.uitstroom_option
    return {
        "kind": opp.kind,
        "school_type": opp.school_type,
        "pupil_situation": opp.pupil_situation,
        "support_needs": opp.support_needs,
        "handelingsdeel": {
            "support_and_guidance": opp.support_and_guidance,
            "deviates_from_regular_programme": opp.deviates_from_regular_programme,
            "deviation_description": opp.deviation_description,
            "goals": [goal_content(g) for g in opp.goals.order_by("order", "pk")],
        },
        "uitstroomperspectief": {
            "destination": option.code if option else None,
            "destination_label": option.label if option else None,
            "justification": opp.uitstroom_justification,
            "bevorderende_factoren": opp.bevorderende_factoren,
            "belemmerende_factoren": opp.belemmerende_factoren,
        },
    }


def canonical_json(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(content: dict[str, Any]) -> str:
    """sha256 over the canonical JSON: the same content always gives the same hash."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()

