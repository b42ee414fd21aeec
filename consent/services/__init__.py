"""Writes on consent records. Each function is keyword-only, runs in one transaction and records its audit
event (with the pupil's id, so parents can see who touched their child's records)."""

from ._common import ConsentError, NotAllowed, RoleRequired
from .family import add_parent_view, decide, mark_opened, record_pupil_view
from .outreach import confirm_unreachable, invite_pupil, mark_notices_read, record_unreachable, withdraw_unreachable
from .school import record_hearing, record_oogo, record_paper_decision, request_instemming, send_reminder
from .sending import Sent, send_for_instemming

__all__ = [
    "ConsentError",
    "NotAllowed",
    "RoleRequired",
    "add_parent_view",
    "confirm_unreachable",
    "invite_pupil",
    "mark_notices_read",
    "record_unreachable",
    "withdraw_unreachable",
    "decide",
    "mark_opened",
    "record_hearing",
    "record_oogo",
    "record_paper_decision",
    "record_pupil_view",
    "request_instemming",
    "Sent",
    "send_for_instemming",
    "send_reminder",
]
