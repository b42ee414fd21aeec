"""Background work for plans. Tasks are thin: they take IDs and call a service in `plans.pdf`."""

import logging
import random

from celery import shared_task

logger = logging.getLogger(__name__)

MAX_RETRIES = 3


def backoff(retries: int) -> int:
    """Seconds before the next attempt: 30 s, 60 s, 120 s, with a little jitter; at most 10 minutes."""
    return min(30 * 2 ** retries, 600) + random.randint(0, 10)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES)
def render_pdf(self, rendering_id: int) -> None:
    """Render and store a version's PDF. Idempotent: a ready rendering is left alone.

    An error is retried with backoff; after the last retry the rendering is marked failed with the reason.
    """
    from .documents import PdfRendering
    from .pdf import build_stored_pdf, mark_failed, note_retry

    rendering = PdfRendering.objects.filter(pk=rendering_id).first()
    if rendering is None:  # the version (and with it the rendering) is gone: nothing to do
        return
    try:
        build_stored_pdf(rendering)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            logger.exception("PDF rendering %s failed for good", rendering_id)
            mark_failed(rendering_id, exc)
            return
        note_retry(rendering_id, exc)
        if self.request.is_eager:
            # Without a broker (the demo) a retry runs at once, in-process, and never raises into the page.
            self.apply(args=[rendering_id], retries=self.request.retries + 1)
            return
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
