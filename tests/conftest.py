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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """With CI=true a skipped test is a failed one: CI has every service, so a skip there hides a test that never
    ran (a plain `pytest.skip` or `skipif` that bypasses `require_or_skip`). An expected failure (xfail) stays
    what it is."""
    report = yield
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped although CI=true (every test must run in CI): {reason}"
    return report


def require_or_skip(available: bool, what: str) -> None:
    """Skip a test whose service is missing locally; in CI a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required when CI=true but is not available")
    pytest.skip(f"{what} not available")


@pytest.fixture
def postgresql() -> None:
    """For a test of what only PostgreSQL has (the append-only triggers): skipped locally on SQLite, run in CI."""
    from django.db import connection

    require_or_skip(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


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
def _empty_cache():
    """Each test starts with an empty cache: a test's rolled-back writes roll the schools' numbers back too
    (`plans.stamps`), so a body another test left could otherwise match a number again."""
    from django.conf import settings

    if settings.configured:  # not in the suite's own checks, which run without Django
        from django.core.cache import cache

        cache.clear()


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


# --- failing on purpose: a broker of our own, and workers as processes we can kill -----------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    """A redis-server of this test only, without persistence: killing it loses its queues, as a restart of a
    Redis without appendonly does. Never the shared Redis on 6379."""

    def __init__(self, folder):
        self.folder = folder
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        import subprocess

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        if not wait_until(lambda: _redis_answers(self.url), timeout=20):
            raise RuntimeError(f"redis-server on port {self.port} did not start")

    def kill(self) -> None:
        """SIGKILL: the broker is gone at once, with everything queued in it."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=20)
        self.process = None

    def restart_empty(self) -> None:
        self.kill()
        self.start()


@pytest.fixture
def own_redis(tmp_path):
    require_or_skip(bool(shutil.which("redis-server")), "redis-server")
    folder = tmp_path / "redis"
    folder.mkdir()
    redis = OwnRedis(folder)
    redis.start()
    yield redis
    redis.kill()


def _reset_celery_pools(app) -> None:
    # Celery keeps its connection and producer pools per app; a new broker URL needs new ones. The old ones
    # are only dropped, never closed: kombu shares them per URL, and later tests use them again.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_at():
    """Point this process's Celery (what views and services queue with) at another broker, with tasks really
    queued instead of run inline; restored afterwards."""
    from opp_portal.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    environment = pytest.MonkeyPatch()

    from opp_portal.queueing import forget_broker_failure

    def point(url: str) -> None:
        # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
        environment.setenv("CELERY_BROKER_URL", url)
        app.conf.broker_url = url
        app.conf.task_always_eager = False
        _reset_celery_pools(app)
        forget_broker_failure()

    yield point
    environment.undo()
    app.conf.broker_url, app.conf.task_always_eager = saved
    _reset_celery_pools(app)
    forget_broker_failure()


class WorkerProcess:
    """`python -m tests.worker_process`: a Celery worker with embedded beat in a process group of its own,
    so SIGKILL takes it down whole, like Docker does after the grace period."""

    def __init__(self, env: dict, log):
        self.env = env
        self.log = log
        self.process = None

    def start(self, *, slow: float = 0, **settings_env) -> "WorkerProcess":
        import subprocess
        import sys
        from pathlib import Path

        env = {**self.env, **{k: str(v) for k, v in settings_env.items()}, "OPP_TEST_SLOW_SECONDS": str(slow)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.worker_process"], cwd=Path(__file__).resolve().parent.parent, env=env,
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        return self

    def kill(self) -> None:
        import os
        import signal

        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)
        self.process = None


@pytest.fixture
def worker_process(postgresql, transactional_db, own_redis, settings, tmp_path):
    """Start (and kill) real workers on `own_redis` and the test database (PostgreSQL: a worker in another process
    cannot reach the test run's SQLite database); the timeouts shrunk to seconds.

    Yields a factory: `worker_process(slow=…, SETTING=value…)` (settings the base settings read from the
    environment). Mail the workers send lands in `worker_process.mail_dir`.
    """
    import os

    from django.db import connection

    db = connection.settings_dict
    settings.MEDIA_ROOT = str(tmp_path / "worker-media")
    work = tmp_path / "work"
    mail_dir = tmp_path / "mail"
    work.mkdir()
    mail_dir.mkdir()
    settings.OPP_WORK_DIR = str(work)
    shrunk = {
        "OUTBOX_SEND_EVERY_SECONDS": "1", "OUTBOX_RETRY_SECONDS": "1", "OUTBOX_SENDING_STALE_SECONDS": "3",
        "JOB_SWEEP_EVERY_SECONDS": "1", "PDF_STALE_SECONDS": "3", "ROD_EXPORT_STALE_SECONDS": "3",
        "ROD_EXPORT_RETRY_SECONDS": "0",
    }
    for name, value in shrunk.items():
        setattr(settings, name, int(value))
    env = {
        **os.environ, **shrunk,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": own_redis.url, "MEDIA_ROOT": str(settings.MEDIA_ROOT), "OPP_WORK_DIR": str(work),
        "OPP_TEST_MAIL_DIR": str(mail_dir), "OPP_TEST_BEAT_SCHEDULE": str(tmp_path / "beat-schedule"),
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
    }
    if db.get("PASSWORD"):
        env["DATABASE_URL"] = env["DATABASE_URL"].replace(f"{db['USER']}@", f"{db['USER']}:{db['PASSWORD']}@")
    log = open(tmp_path / "worker.log", "ab")
    started: list[WorkerProcess] = []

    def start(*, slow: float = 0, **settings_env) -> WorkerProcess:
        worker = WorkerProcess(env, log).start(slow=slow, **settings_env)
        started.append(worker)
        return worker

    start.mail_dir = mail_dir
    start.work_dir = work
    start.log_path = tmp_path / "worker.log"
    yield start
    for worker in started:
        worker.kill()
    log.close()


def mail_sent_by_workers(folder) -> list:
    """The messages a worker process wrote with Django's file backend (one file per connection)."""
    import email
    from pathlib import Path

    messages = []
    for path in sorted(Path(folder).glob("*")):
        for chunk in path.read_text(encoding="utf-8", errors="replace").split("\n" + "-" * 79 + "\n"):
            if chunk.strip():
                messages.append(email.message_from_string(chunk))
    return messages
