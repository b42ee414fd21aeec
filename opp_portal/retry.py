"""Trying background work again: the wait between attempts and the hand-over of a failed attempt to Celery, in
one place for the PDF renderings (`plans.pdf_jobs`), the ROD exports (`registration.jobs`) and the outbox
(`opp_portal.mail`).

Each of them counts its attempts on its own record when an attempt starts, so a worker killed mid-task uses up an
attempt exactly like an exception does; what differs is only how long to wait and how many attempts there are.
"""

import random

from django.utils.translation import gettext as _


def backoff_seconds(attempts: int, *, first: int, cap: int, jitter: int = 0) -> int:
    """Seconds to wait after the `attempts`-th failed attempt: `first`, doubling per attempt, at most `cap`, plus
    up to `jitter` random seconds so jobs that failed together do not retry together. `first` 0: no wait (tests)."""
    if first <= 0:
        return 0
    wait = min(first * 2 ** max(attempts - 1, 0), cap)
    return wait + (random.randint(0, jitter) if jitter else 0)


def aborted(attempts: int) -> str:
    """Why a job failed for good when its last attempt never reported an error (a killed worker)."""
    return _("Mislukt na %(n)s pogingen: de laatste poging is afgebroken zonder foutmelding (bijvoorbeeld doordat de "
             "worker stopte).") % {"n": attempts}


def retry_task(task, exc: BaseException, *, args: list, countdown: int) -> None:
    """Hand a failed attempt that may be tried again back to Celery, `countdown` seconds from now.

    Without a broker (the demo, tests) tasks run in-process: the next attempt then runs at once and never raises
    into the page that queued the work.
    """
    if task.request.is_eager:
        task.apply(args=args, retries=task.request.retries + 1)
        return
    raise task.retry(exc=exc, countdown=countdown) from exc
