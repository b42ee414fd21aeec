"""Export builds survive killed workers and lost queues: attempts on the batch, heartbeat, the sweeper."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from registration import jobs, services
from registration.models import BatchState, ExportBatch, ExportedPeriod
from tests.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def _start(rod) -> ExportBatch:
    with transaction.atomic():  # queued on commit, as from the page
        return services.start_export(user=rod.admin, board=rod.board)


def _state(batch) -> str:
    return ExportBatch.objects.get(pk=batch.pk).state


@pytest.mark.redis
def test_a_worker_killed_mid_export_is_replaced_and_the_export_finishes_once_without_leftovers(
        rod, worker_process, broker_at, own_redis):
    broker_at(own_redis.url)
    for _ in range(5):
        rod.period()
    batch = _start(rod)
    first = worker_process(slow=1.0)
    assert wait_until(lambda: ExportBatch.objects.get(pk=batch.pk).processed_count >= 1, timeout=60)
    assert list(worker_process.work_dir.glob("opp-task-rod-export-*"))
    first.kill()  # SIGKILL, mid-build: no exception, no clean-up

    worker_process()
    assert wait_until(lambda: _state(batch) != BatchState.BUILDING, timeout=60)
    batch.refresh_from_db()
    assert batch.state == BatchState.READY, batch.failure_reason
    assert batch.attempts == 2  # the killed attempt counted
    assert ExportedPeriod.objects.filter(batch=batch).count() == 5
    assert ExportBatch.objects.count() == 1
    assert wait_until(lambda: not list(worker_process.work_dir.glob("opp-task-*")))
