"""One way to wait between attempts and to hand a failed attempt back to Celery (`opp_portal.retry`), shared by
the PDF renderings, the ROD exports and the outbox."""

import datetime

from celery import shared_task

from opp_portal import mail
from opp_portal.retry import aborted, backoff_seconds, retry_task
from plans import pdf_jobs
from registration import jobs


def test_the_wait_doubles_per_failed_attempt_up_to_the_cap():
    assert [backoff_seconds(n, first=30, cap=600) for n in range(1, 8)] == [30, 60, 120, 240, 480, 600, 600]


def test_the_jitter_stays_within_its_bound_and_no_first_wait_means_no_wait():
    waits = {backoff_seconds(2, first=30, cap=600, jitter=5) for _ in range(200)}
    assert waits <= set(range(60, 66)) and len(waits) > 1
    assert backoff_seconds(5, first=0, cap=600, jitter=5) == 0


def test_pdfs_exports_and_mail_wait_alike(settings):
    settings.PDF_RETRY_SECONDS = settings.ROD_EXPORT_RETRY_SECONDS = settings.OUTBOX_RETRY_SECONDS = 30
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600
    assert 120 <= pdf_jobs.backoff(3) <= 130
    assert 120 <= jobs.backoff(3) <= 125
    assert mail.backoff(3) == datetime.timedelta(seconds=120)
    # Never longer than the broker's visibility timeout covers.
    assert pdf_jobs.backoff(20) <= settings.JOB_RETRY_MAX_SECONDS and jobs.backoff(20) <= settings.JOB_RETRY_MAX_SECONDS


def test_a_job_that_died_without_an_error_says_so_in_dutch():
    assert aborted(4) == ("Mislukt na 4 pogingen: de laatste poging is afgebroken zonder foutmelding (bijvoorbeeld "
                          "doordat de worker stopte).")


attempts: list[int] = []


@shared_task(bind=True, max_retries=None)
def _flaky(self, fail_times: int) -> str:
    attempts.append(self.request.retries)
    if len(attempts) <= fail_times:
        try:
            raise OSError("weg")
        except OSError as exc:
            retry_task(self, exc, args=[fail_times], countdown=30)
            return "retried"
    return "done"


def test_without_a_broker_a_failed_attempt_runs_again_at_once_and_never_raises():
    attempts.clear()
    result = _flaky.apply(args=[2])
    assert result.successful() and attempts == [0, 1, 2]

