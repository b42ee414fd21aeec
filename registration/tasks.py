"""Background work for ROD registration. Tasks are thin: a build takes a batch id and calls `build.build_batch`;
the sweeper calls `jobs.sweep`. Attempts are counted on the batch (see `registration.jobs`)."""

import logging

from celery import shared_task
from django.conf import settings

from opp_portal.retry import retry_task

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def build_export(self, batch_id: int) -> None:
    """Build the batch. Idempotent: a batch that is no longer `building`, or that another attempt is building
    right now, is left alone.

    The build stores nothing until its final transaction, so a retry starts clean. After the last attempt
    the batch is marked failed with the reason; it is never marked delivered here.
    """
    from .build import BatchNotBuilding, build_batch
    from .jobs import attempt_failed

    try:
        build_batch(batch_id)
    except BatchNotBuilding:
        return
    except Exception as exc:
        delay = attempt_failed(batch_id, exc)
        if delay is None:
            return
        retry_task(self, exc, args=[batch_id], countdown=delay)


@shared_task(ignore_result=True)
def sweep_export_batches() -> dict:
    """Beat: re-queue builds that stopped (a killed worker, a lost queue), fail those out of attempts, and
    remove temporary folders no running build can still own."""
    from opp_portal.workdir import sweep_task_folders

    from .jobs import sweep

    sweep_task_folders(older_than=settings.ROD_EXPORT_TIME_LIMIT_SECONDS + 120)
    return sweep()
