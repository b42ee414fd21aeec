"""What `/healthz` reports: the database and the broker separately, the oldest unsent mail and the oldest
stuck background job. Apps answer `STUCK_JOB_PROBES` with a probe for their jobs when they load (data flows one
way: this module imports no app):

    STUCK_JOB_PROBES.answer("pdf", oldest_stuck_age)  # () -> seconds since the oldest stuck job, or None
"""

import logging
from collections.abc import Callable

from django.db import connection

from .questions import Answers
from .queueing import broker_status

logger = logging.getLogger(__name__)

StuckProbe = Callable[[], float | None]
STUCK_JOB_PROBES: Answers[StuckProbe] = Answers(
    "opp_portal.stuck_job_probes", doc="Per kind of job: the age in seconds of its oldest stuck job, or None.")


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.warning("Database check failed", exc_info=True)
        return "error"
    return "ok"


def _rounded(seconds: float | None) -> int | None:
    return None if seconds is None else int(seconds)


def report() -> tuple[dict, bool]:
    """The health report, and whether a load balancer should send traffic here (database and broker up)."""
    from .mail import failed_count, oldest_unsent_age

    database = _database()
    broker = broker_status()
    body: dict = {"database": database, "broker": broker}
    if database == "ok":
        stuck = {name: _rounded(STUCK_JOB_PROBES.get(name)()) for name in sorted(STUCK_JOB_PROBES.keys())}
        ages = [age for age in stuck.values() if age is not None]
        body.update({
            "oldest_unsent_email_seconds": _rounded(oldest_unsent_age()),
            "failed_emails": failed_count(),
            "oldest_stuck_job_seconds": max(ages) if ages else None,
            "stuck_jobs": stuck,
        })
    healthy = database == "ok" and broker in ("ok", "not configured")
    body["status"] = "ok" if healthy else "error"
    return body, healthy
