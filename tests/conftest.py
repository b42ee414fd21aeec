import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def wait_until(condition, *, timeout: float = 20.0, interval: float = 0.1) -> bool:
    """Poll for something a worker does in the background; bounded, never a timing assertion."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def require_or_skip(available: bool, what: str) -> None:
    """Skip a test whose service is missing locally; in CI a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required when CI=true but is not available")
    pytest.skip(f"{what} not available")


@pytest.fixture
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    require_or_skip(bool(shutil.which(path) or os.path.exists(path)), f"Chromium at {path}")
    return path




def _redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture
def celery_worker_on_redis(settings):
    """A real Celery worker (a thread in this process) consuming from the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from opp_portal.celery import app

    require_or_skip(_redis_answers(app.conf.broker_url), f"Redis at {app.conf.broker_url}")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield app
    finally:
        app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _migration_data_in_transactional_tests(request):
    """A transactional test ends by flushing every table, including the rows data migrations
    put there (the default uitstroom options); each one starts by putting them back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        from importlib import import_module

        from django.apps import apps

        request.getfixturevalue("transactional_db")
        import_module("plans.migrations.0002_seed_uitstroom_options").seed(apps, None)
