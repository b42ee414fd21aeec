"""Writes for ROD registration: start an export, mark it delivered, discard it, record a failure.

Every action is checked against the user's reach and recorded as an audit event in its transaction.
"""

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opp_portal.audit.actions import Action
from opp_portal.audit.service import record
from opp_portal.errors import RuleViolation
from opp_portal.queueing import enqueue_on_commit
from schools.models import Board, School

from .access import administers
from .models import BatchKind, BatchState, DeliveredPeriod, ExportBatch, ExportedPeriod, Mutatie
from .periods import REGISTERING_SCHOOL_TYPES

APPLY_CHUNK = 1000
_DELIVERED_UPDATE_FIELDS = [
    "opp_uuid", "pupil_uuid", "school", "enrolment_key", "brin", "vestiging", "sequence_number", "bsn",
    "onderwijsnummer", "begin", "end", "batch",
]


class ExportRuleError(RuleViolation):
    """A rule of the ROD export refuses the step (a school that does not register, a batch already delivered)."""


def _on_behalf_of(board: Board) -> str:
    return f"board:{board.number}"


def _require_board_admin(user, board: Board) -> None:
    if user is None:  # the management command, for scheduled use on the server
        return
    if not administers(user, board):
        raise PermissionDenied(_("U beheert dit bestuur niet."))


def start_export(*, user, board: Board, school: School | None = None, kind: str = BatchKind.CHANGES,
                 queue: bool = True) -> ExportBatch:
    """Create a batch in state `building` and queue its build once the transaction commits."""
    _require_board_admin(user, board)
    if kind not in BatchKind.values:
        raise ExportRuleError(_("Onbekende soort export."))
    if school is not None:
        if school.board_id != board.pk:
            raise ExportRuleError(_("Deze school hoort niet bij het bestuur."))
        if school.school_type not in REGISTERING_SCHOOL_TYPES:
            raise ExportRuleError(_("Deze school meldt geen OPP's bij ROD: alleen regulier basisonderwijs en "
                                    "regulier voortgezet onderwijs doen dat."))
    with transaction.atomic():
        if queue:
            # The same export asked for twice (a double click, a resubmitted form) while it builds: one batch.
            Board.objects.select_for_update().filter(pk=board.pk).first()
            running = (ExportBatch.objects.filter(board=board, school=school, kind=kind, state=BatchState.BUILDING)
                       .order_by("-pk").first())
            if running is not None:
                return running
        batch = ExportBatch.objects.create(
            board=board, school=school, kind=kind, created_by=user if user is not None else None,
            queued_at=timezone.now() if queue else None,
        )
        record(actor=user, action=Action.ROD_EXPORT_STARTED, obj=batch, on_behalf_of=_on_behalf_of(board),
               details={"kind": kind, "school": school.code if school else None})
        if queue:
            from .tasks import build_export

            # If the broker refuses, the batch waits in the queue until the sweeper queues it again.
            enqueue_on_commit(build_export, batch.pk)
    return batch


def superseded_by(batch: ExportBatch) -> ExportBatch | None:
    """A later batch for an overlapping scope that was already delivered: this one would undo it."""
    return (
        ExportBatch.objects.overlapping(batch.board_id, batch.school_id)
        .filter(state=BatchState.DELIVERED, pk__gt=batch.pk)
        .first()
    )


def _apply_delivery(batch: ExportBatch) -> None:
    """Bring DUO's state (as the portal knows it) in line with what this batch carried."""
    removed = batch.periods.filter(mutatie=Mutatie.VERWIJDERD).values_list("opp_key", flat=True)
    DeliveredPeriod.objects.filter(opp_key__in=removed).delete()
    chunk: list[DeliveredPeriod] = []
    rows = batch.periods.exclude(mutatie=Mutatie.VERWIJDERD).order_by("pk").iterator(chunk_size=APPLY_CHUNK)
    for p in rows:
        chunk.append(DeliveredPeriod(
            opp_key=p.opp_key, opp_uuid=p.opp_uuid, pupil_uuid=p.pupil_uuid, school_id=p.school_id,
            enrolment_key=p.enrolment_key, brin=p.brin, vestiging=p.vestiging, sequence_number=p.sequence_number,
            bsn=p.bsn, onderwijsnummer=p.onderwijsnummer, begin=p.begin, end=p.end, batch=batch,
        ))
        if len(chunk) >= APPLY_CHUNK:
            _upsert(chunk)
            chunk = []
    if chunk:
        _upsert(chunk)


def _upsert(rows: list[DeliveredPeriod]) -> None:
    DeliveredPeriod.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["opp_key"], update_fields=_DELIVERED_UPDATE_FIELDS
    )


def mark_delivered(*, user, batch: ExportBatch) -> ExportBatch:
    """The admin says their administration system or DUO accepted this ready batch."""
    _require_board_admin(user, batch.board)
    with transaction.atomic():
        batch = ExportBatch.objects.select_for_update(of=("self",)).select_related("board", "school").get(pk=batch.pk)
        if batch.state != BatchState.READY:
            raise ExportRuleError(_("Alleen een export die klaar is, kan als aangeleverd worden gemarkeerd."))
        if superseded_by(batch) is not None:
            raise ExportRuleError(_("Na deze export is al een nieuwere export aangeleverd. Verwerp deze en maak "
                                    "een nieuwe export."))
        _apply_delivery(batch)
        batch.state = BatchState.DELIVERED
        batch.delivered_at = timezone.now()
        batch.delivered_by = user
        batch.save(update_fields=["state", "delivered_at", "delivered_by"])
        record(actor=user, action=Action.ROD_EXPORT_DELIVERED, obj=batch, on_behalf_of=_on_behalf_of(batch.board),
               details={"exported": batch.exported_count, "csv_sha256": batch.csv_sha256,
                        "xml_sha256": batch.xml_sha256})
    return batch


def discard(*, user, batch: ExportBatch) -> ExportBatch:
    """Set a batch aside; a delivered batch stays delivered (it happened)."""
    _require_board_admin(user, batch.board)
    with transaction.atomic():
        batch = ExportBatch.objects.select_for_update(of=("self",)).select_related("board").get(pk=batch.pk)
        if batch.state not in (BatchState.BUILDING, BatchState.READY, BatchState.FAILED):
            raise ExportRuleError(_("Deze export kan niet meer worden verworpen."))
        batch.state = BatchState.DISCARDED
        batch.discarded_at = timezone.now()
        batch.save(update_fields=["state", "discarded_at"])
        record(actor=user, action=Action.ROD_EXPORT_DISCARDED, obj=batch, on_behalf_of=_on_behalf_of(batch.board))
    return batch


def mark_failed(batch_id: int, exc: BaseException | None = None, *, reason: str | None = None) -> None:
    """After the last attempt: the batch is failed, with the reason; nothing else changes. Files an attempt
    stored before it died are removed (the batch never pointed at them)."""
    reason = (reason or f"{type(exc).__name__}: {exc}")[:2000]
    with transaction.atomic():
        batch = ExportBatch.objects.select_for_update(of=("self",)).select_related("board").filter(pk=batch_id).first()
        if batch is None or batch.state != BatchState.BUILDING:
            return
        batch.state = BatchState.FAILED
        batch.failure_reason = reason
        batch.heartbeat_at = None
        batch.save(update_fields=["state", "failure_reason", "heartbeat_at"])
        record(actor=None, action=Action.ROD_EXPORT_FAILED, obj=batch, on_behalf_of="system",
               details={"reason": reason, "attempts": batch.attempts})
        transaction.on_commit(lambda: _remove_stray_files(batch), robust=True)


def _remove_stray_files(batch: ExportBatch) -> None:
    for field, suffix in ((batch.csv_file, "csv"), (batch.xml_file, "xml")):
        name = field.field.generate_filename(batch, f"{batch.uuid}/{batch.file_stem}.{suffix}")
        if default_storage.exists(name):
            default_storage.delete(name)


def exported_periods(batch: ExportBatch):
    return ExportedPeriod.objects.filter(batch=batch)
