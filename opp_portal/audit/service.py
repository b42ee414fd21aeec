"""Writing audit events; service functions call `record` inside their transaction."""

from typing import Any

from django.db import models

from .models import AuditEvent


def record(
    *,
    actor,
    action: str,
    obj: models.Model,
    on_behalf_of: str = "",
    pupil_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        on_behalf_of=on_behalf_of,
        pupil_id=pupil_id,
        details=details or {},
    )
