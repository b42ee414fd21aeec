"""Keeping export builds alive: attempts counted on the batch, a heartbeat, and the sweeper.

An attempt is counted on the batch when it starts (`claim_attempt`), so a worker killed mid-build uses up
an attempt exactly like an exception does, and a build killed again and again (out of memory) ends as
failed instead of being redelivered without end. While it runs, the build writes a heartbeat with every
progress step. The beat task `sweep` re-queues a batch whose heartbeat stopped or whose queue message was
lost (the broker was down, or restarted without its queue), and marks it failed after the last attempt,
with the reason on the batch page.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from opp_portal.queueing import enqueue_on_commit
from opp_portal.retry import aborted, backoff_seconds

from .models import BatchState, ExportBatch

logger = logging.getLogger(__name__)

SWEEP_BATCH = 50


def max_attempts() -> int:
    return settings.ROD_EXPORT_MAX_RETRIES + 1


def backoff(attempts: int) -> int:
    """Seconds before the next attempt after `attempts` failed ones: 30 s, 60 s, 120 s… with a little jitter
    (tests set ROD_EXPORT_RETRY_SECONDS to 0), never longer than the broker's visibility timeout allows."""
    return backoff_seconds(attempts, first=settings.ROD_EXPORT_RETRY_SECONDS,
                           cap=settings.JOB_RETRY_MAX_SECONDS - 10, jitter=5)


def _stale_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.ROD_EXPORT_STALE_SECONDS)


def claim_attempt(batch_id: int) -> ExportBatch | None:
    """Start an attempt on a `building` batch: count it and start the heartbeat. None when there is nothing to
    do: the batch is no longer building, another attempt is alive, or the last attempt was used up (the batch
    is then marked failed)."""
    from .services import mark_failed

    with transaction.atomic():
        batch = (ExportBatch.objects.select_for_update(of=("self",)).select_related("board", "school")
                 .filter(pk=batch_id).first())
        if batch is None or batch.state != BatchState.BUILDING:
            return None
        if batch.heartbeat_at is not None and batch.heartbeat_at > _stale_before():
            return None  # a second delivery of the message while the first attempt still runs
        if batch.attempts >= max_attempts():
            mark_failed(batch_id, reason=aborted(batch.attempts))
            return None
        batch.attempts += 1
        batch.heartbeat_at = timezone.now()
        batch.save(update_fields=["attempts", "heartbeat_at"])
    return batch


def beat(batch_id: int, **fields) -> None:
    """A sign of life from the running attempt, with any progress fields."""
    ExportBatch.objects.filter(pk=batch_id, state=BatchState.BUILDING).update(heartbeat_at=timezone.now(), **fields)


def attempt_failed(batch_id: int, exc: BaseException) -> int | None:
    """An attempt raised. Returns the seconds until the retry, or None when that was the last attempt (the
    batch is then failed, with the reason)."""
    from .services import mark_failed

    batch = ExportBatch.objects.filter(pk=batch_id).only("attempts", "state").first()
    if batch is None or batch.state != BatchState.BUILDING:
        return None
    if batch.attempts >= max_attempts():
        logger.error("ROD export %s failed for good after %s attempts: %s", batch_id, batch.attempts, exc)
        mark_failed(batch_id, exc)
        return None
    delay = backoff(batch.attempts)
    reason = _("Poging %(n)s van %(max)s mislukt, wordt opnieuw geprobeerd: %(reason)s") % {
        "n": batch.attempts, "max": max_attempts(), "reason": f"{type(exc).__name__}: {exc}"}
    logger.warning("ROD export %s failed (attempt %s), retrying in %ss: %s", batch_id, batch.attempts, delay, exc)
    # The sweeper leaves it alone until the retry is due (and then some: the retry itself may be lost).
    ExportBatch.objects.filter(pk=batch_id, state=BatchState.BUILDING).update(
        failure_reason=reason[:2000], heartbeat_at=None,
        queued_at=timezone.now() + datetime.timedelta(seconds=delay))
    return delay


def _stuck_q(stale: datetime.datetime) -> Q:
    return Q(state=BatchState.BUILDING) & (
        Q(heartbeat_at__lt=stale)
        | Q(heartbeat_at__isnull=True, queued_at__lt=stale)
        | Q(heartbeat_at__isnull=True, queued_at__isnull=True, created_at__lt=stale)
    )


def sweep() -> dict:
    """Beat: re-queue stuck builds, fail those out of attempts. Returns what it did, for the log."""
    from .services import mark_failed
    from .tasks import build_export

    done = {"requeued": 0, "failed": 0}
    stale = _stale_before()
    for batch_id in ExportBatch.objects.filter(_stuck_q(stale)).values_list("pk", flat=True)[:SWEEP_BATCH]:
        with transaction.atomic():
            batch = (ExportBatch.objects.select_for_update(of=("self",), skip_locked=True)
                     .filter(_stuck_q(stale), pk=batch_id).first())
            if batch is None:  # finished, or an attempt holds it right now
                continue
            if batch.attempts >= max_attempts():
                mark_failed(batch.pk, reason=aborted(batch.attempts))
                done["failed"] += 1
                continue
            note = (_("De vorige poging gaf geen teken van leven meer; de export is opnieuw in de wachtrij gezet.")
                    if batch.heartbeat_at else batch.failure_reason)
            ExportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=None, queued_at=timezone.now(),
                                                           failure_reason=note)
            enqueue_on_commit(build_export, batch.pk)
            done["requeued"] += 1
    if any(done.values()):
        logger.warning("ROD export sweeper: %s", done)
    return done


def oldest_stuck_age() -> float | None:
    """Seconds since the oldest stuck build last showed a sign of life (None: nothing is stuck)."""
    oldest = (ExportBatch.objects.filter(_stuck_q(_stale_before()))
              .aggregate(at=Min(Coalesce("heartbeat_at", "queued_at", "created_at")))["at"])
    return (timezone.now() - oldest).total_seconds() if oldest else None
