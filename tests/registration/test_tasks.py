"""The build runs on a real Celery worker on the real Redis broker; these fail instead of skipping when CI=true."""

import pytest
from django.db import transaction

from registration import build, services
from registration.models import BatchKind, BatchState, DeliveredPeriod, ExportBatch, ExportedPeriod, HeldBackRecord
from schools.models import Pupil
from tests.conftest import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _start(rod, kind=BatchKind.CHANGES) -> ExportBatch:
    with transaction.atomic():  # queued on commit, as from the page
        return services.start_export(user=rod.admin, board=rod.board, kind=kind)


def _finished(batch):
    return lambda: ExportBatch.objects.get(pk=batch.pk).state != BatchState.BUILDING


def test_a_worker_builds_a_queued_export_into_a_ready_batch(rod, celery_worker_on_redis):
    rod.period()
    rod.period()
    batch = _start(rod)
    assert wait_until(_finished(batch), timeout=30)
    batch.refresh_from_db()
    assert batch.state == BatchState.READY
    assert batch.exported_count == 2 and batch.csv_sha256 and batch.xml_sha256
    assert ExportedPeriod.objects.filter(batch=batch).count() == 2
    assert batch.attempts == 1


def test_a_transient_failure_on_the_first_attempt_is_retried_and_the_batch_still_becomes_ready(
    rod, celery_worker_on_redis, monkeypatch
):
    rod.period()
    original = build.write_files
    calls = {"n": 0}

    def flaky(batch, folder):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("database even weg")
        return original(batch, folder)

    monkeypatch.setattr(build, "write_files", flaky)
    batch = _start(rod)
    assert wait_until(_finished(batch), timeout=30)
    batch.refresh_from_db()
    assert batch.state == BatchState.READY
    assert (calls["n"], batch.attempts) == (2, 2), batch.failure_reason
    assert ExportedPeriod.objects.filter(batch=batch).count() == 1


def test_a_failure_mid_batch_leaves_no_records_and_marks_the_batch_failed_with_the_reason(
    rod, celery_worker_on_redis, monkeypatch, settings
):
    settings.ROD_EXPORT_MAX_RETRIES = 1
    for _ in range(5):
        rod.period()
    bad = rod.period()
    Pupil.objects.filter(pk=bad.pupil_id).update(bsn="123456789")  # a held-back record too
    original = build.load_records

    def dies_after_the_rows(paths):
        original(paths)  # every record is written inside the transaction…
        raise RuntimeError("worker stopte halverwege")  # …and rolled back with it

    monkeypatch.setattr(build, "load_records", dies_after_the_rows)
    batch = _start(rod)
    assert wait_until(_finished(batch), timeout=30)
    batch.refresh_from_db()
    assert batch.state == BatchState.FAILED
    assert "worker stopte halverwege" in batch.failure_reason
    assert batch.attempts == 2  # the first try and one retry
    assert not ExportedPeriod.objects.filter(batch=batch).exists()
    assert not HeldBackRecord.objects.filter(batch=batch).exists()
    assert not DeliveredPeriod.objects.exists()
    assert not ExportBatch.objects.filter(state=BatchState.DELIVERED).exists()
    assert batch.exported_count == 0 and not batch.csv_file


def test_a_task_for_a_batch_that_is_no_longer_building_changes_nothing(rod, celery_worker_on_redis):
    from registration.tasks import build_export

    rod.period()
    batch = _start(rod)
    assert wait_until(_finished(batch), timeout=30)
    batch.refresh_from_db()
    sha = batch.csv_sha256
    build_export.apply(args=(batch.pk,))  # a second delivery of the same message, run inline
    batch.refresh_from_db()
    assert batch.state == BatchState.READY and batch.csv_sha256 == sha and batch.attempts == 1
