"""Writing audit events; service functions call `record` inside their transaction."""

from typing import Any

from django.conf import settings
from django.db import connections, models, router

from .actions import SEEN_ONLY, Action
from .models import AuditEvent


def _event(*, actor, action: Action, obj: models.Model, on_behalf_of: str = "", pupil_id: int | None = None,
           details: dict[str, Any] | None = None) -> AuditEvent:
    return AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=Action(action).value,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        on_behalf_of=on_behalf_of,
        pupil_id=pupil_id,
        details=details or {},
    )


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
    event = _event(actor=actor, action=action, obj=obj, on_behalf_of=on_behalf_of, pupil_id=pupil_id,
                   details=details)
    event.save(force_insert=True)
    return event


def record_read(*, actor, action: Action, obj: models.Model, **kwargs: Any) -> AuditEvent:
    """Record that someone looked at something (`SEEN_ONLY`): the same event as `record`, committed without waiting
    for PostgreSQL to flush it to disk when it is a transaction of its own.

    Waiting for that flush cost every plan page about 3 ms of a worker doing nothing (issue 12). Without it a crash
    of the database server (not of the portal) can lose the read events of its last fraction of a second
    (PostgreSQL: at most three times `wal_writer_delay`, 0.6 s by default); it never loses or half-writes
    anything else, and a write's own event keeps committing with the write. Inside a transaction the event
    simply joins it: turning the wait off there would let the whole transaction, writes included, commit so.
    `OPP_AUDIT_READS_WAIT_FOR_DISK` makes reads wait for the flush as writes do."""
    if Action(action) not in SEEN_ONLY:
        raise ValueError(f"{action} is not a read; record it with its write")
    connection = connections[router.db_for_write(AuditEvent)]
    if (settings.OPP_AUDIT_READS_WAIT_FOR_DISK or connection.vendor != "postgresql"
            or connection.in_atomic_block):
        return record(actor=actor, action=action, obj=obj, **kwargs)
    return _insert_without_waiting(_event(actor=actor, action=action, obj=obj, **kwargs), connection)


def _insert_without_waiting(event: AuditEvent, connection) -> AuditEvent:
    """Insert `event` in one statement that is its own transaction and turns the wait for the disk off for that
    transaction alone (`set_config(..., is_local => true)`): one round trip, where a transaction with
    `SET LOCAL` took three (BEGIN, SET, COMMIT besides the insert). The values are prepared as `save` prepares
    them, each cast to its column's type."""
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(f"%s::{f.cast_db_type(connection)}" for f in fields)
    sql = (f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns}) SELECT {values} "
           "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS without_waiting RETURNING id")
    params = [f.get_db_prep_save(f.pre_save(event, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        event.pk = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, connection.alias
    return event


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
    return record_read(
        actor=user, action=action, obj=opp, pupil_id=opp.pupil_id,
        on_behalf_of=f"school:{opp.school.code}" if staff else f"user:{user.pk}",
        details={"role": role, "what": what, **details},
    )
