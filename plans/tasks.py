"""Background work for plans. Tasks are thin: they take IDs and call a service in `plans.pdf` /
`plans.pdf_jobs`. Attempts are counted on the rendering itself (see `plans.pdf_jobs`)."""

import logging

from celery import shared_task

from opp_portal.retry import retry_task

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def render_pdf(self, rendering_id: int) -> None:
    """Render and store a version's PDF, as one counted attempt. Idempotent: a ready rendering, or one that
    another attempt is rendering right now, is left alone.

    An error is retried with backoff; after the last attempt the rendering is marked failed with the reason.
    """
    from .pdf import build_stored_pdf
    from .pdf_jobs import attempt_failed, backoff, claim_attempt

    rendering = claim_attempt(rendering_id)
    if rendering is None:
        return
    try:
        build_stored_pdf(rendering)
    except Exception as exc:
        countdown = 0 if self.request.is_eager else backoff(rendering.attempts)
        if not attempt_failed(rendering_id, exc, retry_in=countdown):
            logger.exception("PDF rendering %s failed for good", rendering_id)
            return
        retry_task(self, exc, args=[rendering_id], countdown=countdown)


@shared_task(ignore_result=True)
def sweep_pdf_renderings() -> dict:
    """Beat: re-queue renderings whose message was lost or whose worker died; fail those out of attempts."""
    from .pdf_jobs import sweep

    return sweep()
