"""Queuing background work so that a saved change never turns into an error page.

Every task is queued after the transaction commits. If the broker refuses then, the change is already saved
and the user must see it: the error is logged, never raised. Nothing is lost, because the work is also on a
record (an outbox row, a PDF rendering, an export batch) that a beat task picks up again.
"""

import logging
import time
from functools import partial

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


# After the broker failed, this process leaves the next tasks to their records for a few seconds instead of
# waiting for the broker again for each one: a page that queues many (an import that asks many families about
# a transfer) would otherwise wait seconds per task after its commit, until the web server gives up on it.
BROKER_PAUSE_SECONDS = 10.0
_paused_until = 0.0


def forget_broker_failure() -> None:
    global _paused_until
    _paused_until = 0.0


def enqueue(task, *args) -> bool:
    """Queue `task` now; False (and a warning in the log) when the broker cannot take it."""
    global _paused_until
    from .celery import app

    eager = app.conf.task_always_eager
    if not eager and time.monotonic() < _paused_until:
        logger.warning("Not queuing %s%r: the broker failed moments ago; it will be picked up again from its record",
                       task.name, args)
        return False
    try:
        task.delay(*args)
    except Exception as exc:  # the broker refused or timed out; the record keeps the work for the sweeper
        if not eager:
            _paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning("Could not queue %s%r; it will be picked up again from its record: %s", task.name, args, exc,
                       exc_info=not isinstance(exc, OperationalError))
        return False
    return True


def enqueue_on_commit(task, *args, fallback=None) -> None:
    """Queue `task` once the surrounding transaction commits; if the broker refuses, call `fallback()` instead
    (for instance: send a sign-in code from this process). Never raises into the request."""

    def run() -> None:
        if not enqueue(task, *args) and fallback is not None:
            fallback()

    transaction.on_commit(partial(run), robust=True)


def broker_status(timeout: float = 2.0) -> str:
    """"ok", "error" or "not configured" (the demo runs tasks in-process, without a broker)."""
    from .celery import app

    if app.conf.task_always_eager and not app.conf.broker_url:
        return "not configured"
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=0, timeout=timeout)
    except Exception:
        logger.warning("Broker check failed", exc_info=True)
        return "error"
    return "ok"
