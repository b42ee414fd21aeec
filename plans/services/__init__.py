"""Writes on plans. Each function is keyword-only, runs in one transaction and records its audit event."""

from ._common import (
    AdoptionBlocked,
    ConflictError,
    NotAllowed,
    PlanRuleError,
    RoleRequired,
    lock,
    require,
    require_for,
)
from .drafting import DRAFT_FIELDS, freeze_version, save_draft, start_draft, start_overleg
from .lifecycle import (
    adopt,
    check_no_overlap,
    end,
    record_commissie_advice,
    record_evaluation,
    start_adjustment,
)
from .texts import add_standard_text, archive_standard_text, may_manage, update_standard_text

__all__ = [
    "AdoptionBlocked",
    "ConflictError",
    "DRAFT_FIELDS",
    "NotAllowed",
    "PlanRuleError",
    "RoleRequired",
    "add_standard_text",
    "adopt",
    "archive_standard_text",
    "check_no_overlap",
    "end",
    "freeze_version",
    "lock",
    "may_manage",
    "record_commissie_advice",
    "record_evaluation",
    "require",
    "require_for",
    "save_draft",
    "start_adjustment",
    "start_draft",
    "start_overleg",
    "update_standard_text",
]
