"""What the plan's PDF prints in place of signatures: every decision on that exact version."""

from django.utils.translation import gettext as _

from plans.models import OppVersion
from plans.pdf import InstemmingRecord

from .models import Decision, HowGiven, InstemmingDecision


def instemming_records(version: OppVersion) -> list[InstemmingRecord]:
    decisions = (
        InstemmingDecision.objects.filter(version=version, content_hash=version.content_hash)
        .select_related("recipient")
        .order_by("decided_at", "pk")
    )
    records = []
    for d in decisions:
        role = _("leerling") if d.recipient.pupil_id else _("ouder")
        label = "" if d.decision != Decision.GESPREK_GEWENST else d.get_decision_display()
        if d.how != HowGiven.ONLINE:
            label = f"{label or d.get_decision_display()} ({d.get_how_display()})"
        records.append(InstemmingRecord(
            who=f"{d.recipient.name} ({role})", agreed=d.decision == Decision.AKKOORD, decided_at=d.decided_at,
            version_number=version.number, content_hash=version.content_hash, label=label,
        ))
    return records
