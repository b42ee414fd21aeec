"""Keeping PDF renderings alive: attempts counted on the rendering, and the sweeper.

An attempt is counted when it starts (`claim_attempt`), so a worker killed mid-rendering uses up an attempt
just like an exception does, and a rendering that kills its worker again and again ends as failed. The beat
task `sweep` re-queues a rendering that waits in the queue too long (its message was lost: the broker was
down or restarted without its queue) or that has been rendering longer than any rendering may take (its
worker died), and marks it failed after the last attempt. The page then offers "probeer opnieuw".
"""

import datetime
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, Case, F, Min, Q, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from opp_portal.queueing import enqueue_on_commit
from opp_portal.replay import Replayed
from opp_portal.retry import aborted, backoff_seconds

from .models import PdfRendering, PdfStatus

logger = logging.getLogger(__name__)

SWEEP_BATCH = 100


def stale_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.PDF_STALE_SECONDS)


def backoff(attempts: int) -> int:
    """Seconds before the next attempt after `attempts` failed ones: PDF_RETRY_SECONDS (30), 60, 120… with a
    little jitter, never longer than the broker's visibility timeout allows."""
    return backoff_seconds(attempts, first=settings.PDF_RETRY_SECONDS, cap=settings.JOB_RETRY_MAX_SECONDS - 10,
                           jitter=10)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def last_sign_of_life(rendering: PdfRendering) -> datetime.datetime:
    if rendering.status == PdfStatus.RENDERING:
        return rendering.heartbeat_at or rendering.requested_at
    return rendering.queued_at or rendering.requested_at


def _fail(rendering_id: int, reason: str) -> None:
    PdfRendering.objects.filter(pk=rendering_id).exclude(status=PdfStatus.READY).update(
        status=PdfStatus.FAILED, error=reason[:2000], finished_at=timezone.now(), heartbeat_at=None)


def claim_attempt(rendering_id: int) -> PdfRendering | None:
    """Start an attempt: count it and mark the rendering as rendering. None when there is nothing to do: it
    is ready or failed, another attempt is alive, or the last attempt was used up (it is then failed)."""
    with transaction.atomic():
        rendering = PdfRendering.objects.select_for_update().filter(pk=rendering_id).first()
        if rendering is None or rendering.status in (PdfStatus.READY, PdfStatus.FAILED):
            return None
        if rendering.status == PdfStatus.RENDERING and last_sign_of_life(rendering) > stale_before():
            return None  # a second delivery of the message while the first attempt still runs
        if rendering.attempts >= settings.PDF_MAX_ATTEMPTS:
            logger.error("PDF rendering %s failed for good: out of attempts", rendering_id)
            _fail(rendering_id, aborted(rendering.attempts))
            return None
        rendering.attempts += 1
        rendering.status = PdfStatus.RENDERING
        rendering.heartbeat_at = timezone.now()
        rendering.save(update_fields=["attempts", "status", "heartbeat_at"])
    return rendering


def attempt_failed(rendering_id: int, error: BaseException, *, retry_in: int) -> bool:
    """An attempt raised: back in the queue with the reason kept (True), or failed after the last attempt."""
    rendering = PdfRendering.objects.filter(pk=rendering_id).only("attempts", "status").first()
    if rendering is None or rendering.status == PdfStatus.READY:
        return False
    if rendering.attempts >= settings.PDF_MAX_ATTEMPTS:
        logger.error("PDF rendering %s failed for good: %s", rendering_id, error)
        _fail(rendering_id, _describe(error))
        return False
    PdfRendering.objects.filter(pk=rendering_id).exclude(status=PdfStatus.READY).update(
        status=PdfStatus.PENDING, error=_describe(error), heartbeat_at=None,
        queued_at=timezone.now() + datetime.timedelta(seconds=retry_in))
    return True


def _stuck_q(stale: datetime.datetime) -> Q:
    rendering = Q(status=PdfStatus.RENDERING) & (
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, requested_at__lt=stale))
    waiting = Q(status=PdfStatus.PENDING) & (
        Q(queued_at__lt=stale) | Q(queued_at__isnull=True, requested_at__lt=stale))
    return rendering | waiting


def sweep() -> dict:
    """Beat: re-queue renderings that are stuck, fail those out of attempts."""
    from .tasks import render_pdf

    done = {"requeued": 0, "failed": 0}
    stale = stale_before()
    for rendering_id in PdfRendering.objects.filter(_stuck_q(stale)).values_list("pk", flat=True)[:SWEEP_BATCH]:
        with transaction.atomic():
            rendering = (PdfRendering.objects.select_for_update(skip_locked=True)
                         .filter(_stuck_q(stale), pk=rendering_id).first())
            if rendering is None:
                continue
            if rendering.status == PdfStatus.RENDERING and rendering.attempts >= settings.PDF_MAX_ATTEMPTS:
                _fail(rendering.pk, aborted(rendering.attempts))
                done["failed"] += 1
                continue
            PdfRendering.objects.filter(pk=rendering.pk).update(
                status=PdfStatus.PENDING, heartbeat_at=None, queued_at=timezone.now())
            enqueue_on_commit(render_pdf, rendering.pk)
            done["requeued"] += 1
    if any(done.values()):
        logger.warning("PDF sweeper: %s", done)
    return done


def oldest_stuck_age() -> float | None:
    """Seconds since the oldest stuck rendering last showed a sign of life (None: nothing is stuck)."""
    stale = stale_before()
    rows = PdfRendering.objects.filter(_stuck_q(stale)).aggregate(
        rendering=Min(Coalesce("heartbeat_at", "requested_at"), filter=Q(status=PdfStatus.RENDERING)),
        waiting=Min(Coalesce("queued_at", "requested_at"), filter=Q(status=PdfStatus.PENDING)))
    oldest = min((at for at in rows.values() if at is not None), default=None)
    return (timezone.now() - oldest).total_seconds() if oldest else None


@dataclass(frozen=True)
class PdfProblem:
    """A rendering that failed or stands still, as the leader's overview names it."""
    version_uuid: uuid.UUID
    version_number: int
    pupil_name: str
    failed: bool


_PROBLEMS = Replayed("pdf_jobs.problems_at", {
    "school_id": (-712_345, -712_346),
    "stale": (datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC), datetime.datetime(1901, 1, 2, tzinfo=datetime.UTC)),
})
_PROBLEM_COLUMNS = ("is_failed", "version__uuid", "version__number", "version__opp__pupil__first_name",
                    "version__opp__pupil__name_prefix", "version__opp__pupil__last_name")


def _problems_query(school_id: int, stale: datetime.datetime, limit: int):
    # Both lists in one query (the overview's budget of queries, issue 12): the first `limit` of each, the failed
    # ones newest first, the stuck ones oldest first. Failed and stuck exclude each other (status).
    failed = Q(status=PdfStatus.FAILED)
    is_failed = Case(When(failed, then=Value(True)), default=Value(False), output_field=BooleanField())
    return (
        PdfRendering.objects.filter(version__opp__school_id=school_id)
        .filter(failed | _stuck_q(stale))
        .annotate(is_failed=is_failed, rank=Window(
            RowNumber(), partition_by=[is_failed],
            order_by=[Case(When(failed, then=F("finished_at"))).desc(), F("requested_at").asc()]))
        .filter(rank__lte=limit)
        .order_by("rank")
        .values_list(*_PROBLEM_COLUMNS)
    )


def problems_at(school_id: int, *, limit: int = 10) -> dict[str, list[PdfProblem]]:
    """Failed and stuck renderings of a school's plans, for the leader's overview (on every visit: the query is
    compiled once, `opp_portal.replay`)."""
    stale = stale_before()
    rows = _PROBLEMS.rows(lambda school_id, stale: _problems_query(school_id, stale, limit), (limit,),
                          school_id=school_id, stale=stale)
    problems = [PdfProblem(version_uuid=uuid.UUID(str(version_uuid)), version_number=number, failed=bool(is_failed),
                           pupil_name=" ".join(p for p in (first, prefix, last) if p))
                for is_failed, version_uuid, number, first, prefix, last in rows]
    return {"failed": [p for p in problems if p.failed], "stuck": [p for p in problems if not p.failed]}
