"""Export builds survive killed workers and lost queues: attempts on the batch, heartbeat, the sweeper."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from registration import jobs, services
from registration.models import BatchState, ExportBatch, ExportedPeriod
from tests.conftest import wait_until

pytestmark = pytest.mark.django_db


def _start(rod) -> ExportBatch:
    with transaction.atomic():  # queued on commit, as from the page
        return services.start_export(user=rod.admin, board=rod.board)


def _state(batch) -> str:
    return ExportBatch.objects.get(pk=batch.pk).state


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
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


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_an_export_that_kills_its_worker_every_time_fails_after_the_last_attempt_with_the_reason(
        rod, worker_process, broker_at, own_redis, settings, client):
    settings.ROD_EXPORT_MAX_RETRIES = 1  # two attempts, here and in the workers
    broker_at(own_redis.url)
    for _ in range(3):
        rod.period()
    batch = _start(rod)
    for attempt in (1, 2):
        worker = worker_process(slow=30, ROD_EXPORT_MAX_RETRIES=1)
        assert wait_until(lambda: ExportBatch.objects.filter(
            pk=batch.pk, attempts=attempt, processed_count__gte=1, heartbeat_at__isnull=False).exists(), timeout=60)
        worker.kill()  # out of memory, say: no exception ever reaches our code
        ExportBatch.objects.filter(pk=batch.pk).update(processed_count=0)

    worker_process(ROD_EXPORT_MAX_RETRIES=1)
    assert wait_until(lambda: _state(batch) != BatchState.BUILDING, timeout=60)
    batch.refresh_from_db()
    assert batch.state == BatchState.FAILED and batch.attempts == 2
    assert "Mislukt na 2 pogingen" in batch.failure_reason
    assert not ExportedPeriod.objects.filter(batch=batch).exists()
    assert wait_until(lambda: not list(worker_process.work_dir.glob("opp-task-*")))
    client.force_login(rod.admin)
    board_page = client.get(f"/rod/bestuur/{rod.board.uuid}/").content.decode()
    assert 'data-testid="troubled-exports"' in board_page and "Mislukt na 2 pogingen" in board_page


# --- the pieces, without a worker ---------------------------------------------------------------------------

def _ago(seconds: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def _building(rod, **fields) -> ExportBatch:
    return ExportBatch.objects.create(board=rod.board, kind="changes", created_by=rod.admin, **fields)


def test_an_attempt_is_counted_when_it_starts_and_a_second_delivery_meanwhile_does_nothing(rod):
    batch = _building(rod)
    claimed = jobs.claim_attempt(batch.pk)
    assert claimed.attempts == 1 and claimed.heartbeat_at is not None
    assert jobs.claim_attempt(batch.pk) is None
    assert ExportBatch.objects.get(pk=batch.pk).attempts == 1


def test_a_build_whose_heartbeat_stopped_is_queued_again_and_finishes(rod, settings,
                                                                      django_capture_on_commit_callbacks):
    rod.period()
    batch = _building(rod, attempts=1, heartbeat_at=_ago(settings.ROD_EXPORT_STALE_SECONDS + 5))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert jobs.sweep() == {"requeued": 1, "failed": 0}
    assert len(callbacks) == 1
    batch.refresh_from_db()
    assert batch.state == BatchState.READY and batch.attempts == 2 and batch.exported_count == 1


def test_a_build_whose_queue_message_was_lost_is_queued_again_without_using_an_attempt(
        rod, settings, django_capture_on_commit_callbacks):
    batch = _building(rod, queued_at=_ago(settings.ROD_EXPORT_STALE_SECONDS + 5))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert jobs.sweep() == {"requeued": 1, "failed": 0}
    assert len(callbacks) == 1
    batch.refresh_from_db()
    assert batch.waiting and batch.attempts == 0 and batch.queued_at > _ago(5)


def test_a_build_out_of_attempts_whose_heartbeat_stopped_fails_with_the_reason(rod, settings):
    batch = _building(rod, attempts=jobs.max_attempts(), heartbeat_at=_ago(settings.ROD_EXPORT_STALE_SECONDS + 5))
    assert jobs.sweep() == {"requeued": 0, "failed": 1}
    batch.refresh_from_db()
    assert batch.state == BatchState.FAILED and "afgebroken" in batch.failure_reason
    assert batch.heartbeat_at is None


def test_a_running_build_and_a_retry_that_is_not_due_yet_are_left_alone(rod, settings):
    _building(rod, attempts=1, heartbeat_at=timezone.now())
    _building(rod, attempts=1, queued_at=timezone.now() + datetime.timedelta(seconds=120))
    assert jobs.sweep() == {"requeued": 0, "failed": 0}
    assert jobs.oldest_stuck_age() is None


def test_the_age_of_the_oldest_stuck_build_is_reported(rod, settings):
    _building(rod, attempts=1, heartbeat_at=_ago(settings.ROD_EXPORT_STALE_SECONDS + 100))
    assert jobs.oldest_stuck_age() >= settings.ROD_EXPORT_STALE_SECONDS + 100


def test_the_same_export_started_twice_while_it_builds_is_one_batch(rod):
    running = _building(rod, queued_at=timezone.now())
    assert _start(rod).pk == running.pk
    assert ExportBatch.objects.count() == 1


def test_a_failed_build_leaves_no_stored_files_behind(rod, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    batch = _building(rod, attempts=1)
    name = batch.csv_file.field.generate_filename(batch, f"{batch.uuid}/{batch.file_stem}.csv")
    default_storage.save(name, ContentFile(b"half"))  # saved by an attempt that died in phase 2
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_failed(batch.pk, RuntimeError("kapot"))
    assert not default_storage.exists(name)
    assert ExportBatch.objects.get(pk=batch.pk).failure_reason == "RuntimeError: kapot"


def test_the_batch_page_says_plainly_when_an_export_waits_or_stands_still(rod, client, settings):
    client.force_login(rod.admin)
    waiting = _building(rod, queued_at=timezone.now())
    html = client.get(f"/rod/export/{waiting.uuid}/").content.decode()
    assert "De export staat in de wachtrij." in html
    ExportBatch.objects.filter(pk=waiting.pk).update(attempts=1, heartbeat_at=_ago(settings.ROD_EXPORT_STALE_SECONDS + 60))
    html = client.get(f"/rod/export/{waiting.uuid}/").content.decode()
    assert 'data-testid="export-stalled"' in html and "poging 1 van 4" in html
    board = client.get(f"/rod/bestuur/{rod.board.uuid}/").content.decode()
    assert 'data-testid="troubled-exports"' in board and "staat stil" in board
