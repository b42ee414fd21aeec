"""Writing audit events; service functions call `record` inside their transaction."""

from typing import Any

from django.db import models

from .actions import Action
from .models import AuditEvent


def record(
    *,
    actor,
    action: Action,
    obj: models.Model,
    on_behalf_of: str = "",
    pupil_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record one event. `action` must be an `Action` (a ValueError otherwise): each has the phrase a parent reads."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=Action(action).value,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        on_behalf_of=on_behalf_of,
        pupil_id=pupil_id,
        details=details or {},
    )


def reader_role(user, school_id: int, pupil_id: int) -> str:
    """In which role `user` reads a plan of this school and pupil, as the audit trail names it."""
    from opp_portal.access import reach_of

    reach = reach_of(user)
    roles = sorted(reach.roles_at(school_id))
    if roles:
        return ",".join(roles)
    if reach.everything:
        return "superuser"
    if pupil_id in reach.child_ids:
        return "parent"
    if pupil_id in reach.family_pupil_ids:
        return "pupil"
    return "unknown"


def record_plan_read(*, request, opp, what: str, action: Action = Action.OPP_VIEWED, **details) -> AuditEvent | None:
    """Every response that shows plan content records the read: who, in which role, which pupil, what, when.

    Once per plan per request, so a page drawn by several helpers (or again after a failed form) is one read.
    """
    done = request.__dict__.setdefault("_opp_reads", set())
    if (opp.pk, action) in done:
        return None
    done.add((opp.pk, action))
    user = request.user
    role = reader_role(user, opp.school_id, opp.pupil_id)
    staff = role not in ("parent", "pupil", "unknown")
    return record(
        actor=user, action=action, obj=opp, pupil_id=opp.pupil_id,
        on_behalf_of=f"school:{opp.school.code}" if staff else f"user:{user.pk}",
        details={"role": role, "what": what, **details},
    )
