"""Background work for ROD registration. The task is thin: it takes a batch id and calls `build.build_batch`."""

import logging
import random

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


def max_retries() -> int:
    return getattr(settings, "ROD_EXPORT_MAX_RETRIES", 3)


def backoff(retries: int) -> float:
    """Seconds before the next attempt: 30 s, 60 s, 120 s with a little jitter (tests set the base to 0)."""
    base = getattr(settings, "ROD_EXPORT_RETRY_SECONDS", 30)
    if not base:
        return 0
    return min(base * 2 ** retries, 600) + random.randint(0, 5)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def build_export(self, batch_id: int) -> None:
    """Build the batch. Idempotent: a batch that is no longer `building` is left alone.

    The build stores nothing until its final transaction, so a retry starts clean. After the last
    retry the batch is marked failed with the reason; it is never marked delivered here.
    """
    from .build import BatchNotBuilding, build_batch
    from .services import mark_failed, note_retry

    try:
        build_batch(batch_id)
    except BatchNotBuilding:
        return
    except Exception as exc:
        limit = max_retries()
        if self.request.retries >= limit:
            logger.exception("ROD export %s failed for good", batch_id)
            mark_failed(batch_id, exc)
            return
        logger.warning("ROD export %s failed (attempt %s), retrying: %s", batch_id, self.request.retries + 1, exc)
        note_retry(batch_id, exc)
        raise self.retry(exc=exc, countdown=backoff(self.request.retries), max_retries=limit) from exc
