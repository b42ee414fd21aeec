"""PDF renderings survive killed workers and lost queues: attempts on the rendering and the sweeper."""

import datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from plans import pdf, pdf_jobs
from plans.models import PdfRendering, PdfStatus
from plans.tasks import render_pdf
from tests.conftest import wait_until

from .factories import PlanWorld
from .test_pdf import demo_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def _rendering(version, **fields) -> PdfRendering:
    return PdfRendering.objects.create(version=version, content_hash=version.content_hash, **fields)


def _ago(seconds: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def test_an_attempt_is_counted_when_it_starts_and_a_second_delivery_meanwhile_does_nothing(world):
    _opp, version = demo_plan(world)
    rendering = _rendering(version)
    claimed = pdf_jobs.claim_attempt(rendering.pk)
    assert claimed.attempts == 1 and claimed.status == PdfStatus.RENDERING and claimed.heartbeat_at
    assert pdf_jobs.claim_attempt(rendering.pk) is None  # the same message delivered again
    assert PdfRendering.objects.get(pk=rendering.pk).attempts == 1


def test_a_rendering_whose_worker_died_is_queued_again_by_the_sweeper(world, settings,
                                                                      django_capture_on_commit_callbacks):
    _opp, version = demo_plan(world)
    rendering = _rendering(version, status=PdfStatus.RENDERING, attempts=1,
                           heartbeat_at=_ago(settings.PDF_STALE_SECONDS + 5))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert pdf_jobs.sweep() == {"requeued": 1, "failed": 0}
    assert len(callbacks) == 1  # the task, queued (here run inline)
    rendering.refresh_from_db()
    assert rendering.status == PdfStatus.READY and rendering.attempts == 2


def test_a_rendering_whose_queue_message_was_lost_is_queued_again_without_using_an_attempt(
        world, settings, django_capture_on_commit_callbacks):
    _opp, version = demo_plan(world)
    rendering = _rendering(version, queued_at=_ago(settings.PDF_STALE_SECONDS + 5))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert pdf_jobs.sweep() == {"requeued": 1, "failed": 0}
    assert len(callbacks) == 1
    rendering.refresh_from_db()
    assert rendering.status == PdfStatus.PENDING and rendering.attempts == 0
    assert rendering.queued_at > _ago(5)


def test_a_rendering_that_kills_its_worker_every_time_fails_after_the_last_attempt(world, settings):
    _opp, version = demo_plan(world)
    rendering = _rendering(version, status=PdfStatus.RENDERING, attempts=settings.PDF_MAX_ATTEMPTS,
                           heartbeat_at=_ago(settings.PDF_STALE_SECONDS + 5))
    assert pdf_jobs.sweep() == {"requeued": 0, "failed": 1}
    rendering.refresh_from_db()
    assert rendering.status == PdfStatus.FAILED
    assert "afgebroken" in rendering.error
    # A redelivered message for it changes nothing either.
    render_pdf.apply(args=[rendering.pk])
    assert PdfRendering.objects.get(pk=rendering.pk).attempts == settings.PDF_MAX_ATTEMPTS


def test_a_fresh_or_running_rendering_is_left_alone_by_the_sweeper(world, settings):
    _opp, version = demo_plan(world)
    _rendering(version, status=PdfStatus.RENDERING, attempts=1, heartbeat_at=timezone.now())
    other_world = PlanWorld("bao")
    _other_opp, other = demo_plan(other_world)
    _rendering(other, queued_at=timezone.now())
    assert pdf_jobs.sweep() == {"requeued": 0, "failed": 0}
    assert pdf_jobs.oldest_stuck_age() is None


def test_the_age_of_the_oldest_stuck_rendering_is_reported(world, settings):
    _opp, version = demo_plan(world)
    _rendering(version, status=PdfStatus.RENDERING, attempts=1, heartbeat_at=_ago(settings.PDF_STALE_SECONDS + 100))
    assert pdf_jobs.oldest_stuck_age() >= settings.PDF_STALE_SECONDS + 100


def test_a_pdf_file_cut_off_by_a_killed_worker_is_written_again(world, media_root):
    _opp, version = demo_plan(world)
    rendering = _rendering(version)
    name = pdf.stored_name(pdf.version_html(version))
    default_storage.save(name, ContentFile(b"%PDF-1.7\n1 0 obj << /Type /Catalog"))  # no %%EOF: cut off
    render_pdf.apply(args=[rendering.pk])
    rendering.refresh_from_db()
    assert rendering.status == PdfStatus.READY and rendering.file.name == name
    data = (media_root / name).read_bytes()
    assert data.startswith(b"%PDF") and b"%%EOF" in data[-1024:]
    assert len(list((media_root / "opp-pdf").iterdir())) == 1


def test_the_leaders_overview_lists_failed_and_stuck_renderings_of_their_school_only(world, settings):
    _opp, version = demo_plan(world)
    failed = _rendering(version, status=PdfStatus.FAILED, error="kapot", finished_at=timezone.now())
    other_world = PlanWorld("bao")
    _other_opp, other = demo_plan(other_world)
    _rendering(other, status=PdfStatus.FAILED, error="kapot")
    for _ in range(2):  # compiled on the first visit, replayed on the second
        problems = pdf_jobs.problems_at(world.school.pk)
        assert [p.version_uuid for p in problems["failed"]] == [failed.version.uuid] and problems["stuck"] == []
        assert problems["failed"][0].pupil_name == version.opp.pupil.full_name
    assert pdf_jobs.problems_at(other_world.school.pk)["failed"][0].version_uuid == other.uuid


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_pdf_is_replaced_and_the_pdf_is_made_once_and_whole(
        worker_process, broker_at, own_redis, settings):
    broker_at(own_redis.url)
    world = PlanWorld("bao")
    _opp, version = demo_plan(world)
    rendering = pdf.request_version_pdf(user=world.ib, version=version)
    first = worker_process(slow=30)
    assert wait_until(lambda: PdfRendering.objects.get(pk=rendering.pk).status == PdfStatus.RENDERING, timeout=60)
    first.kill()  # SIGKILL while rendering

    worker_process()
    assert wait_until(lambda: PdfRendering.objects.get(pk=rendering.pk).status == PdfStatus.READY, timeout=90)
    rendering.refresh_from_db()
    assert rendering.attempts == 2 and rendering.error == ""
    files = list((Path(settings.MEDIA_ROOT) / "opp-pdf").iterdir())  # the workers' media folder
    assert [f.name for f in files] == [rendering.file.name.split("/")[-1]]
    assert files[0].read_bytes()[-1024:].rstrip().endswith(b"%%EOF")
