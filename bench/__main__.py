"""`make bench` (`python -m bench [--quick]`): the whole benchmark in one run; see bench/README.md.

1. Creates the database `opp_bench` (dropping an earlier one of that name, never any other), migrates it and
   collects the static files for the production storage.
2. Small dataset: the demo grown to 20 schools, 5,000 pupils, 1,000 plans. Counts each key page's queries
   in-process, starts gunicorn (2 sync workers, production settings) and a Celery worker, and loads the
   constant page and each key page with 8 signed-in users from a separate process.
3. Large dataset: grown around the same school to 2,000 schools, 500,000 pupils, 100,000 plans; the same again.
4. The ROD export of 100,000 periods in a fresh process (time, peak RSS) and PostgreSQL's COPY of those rows;
   a 5-page plan PDF in this warm process; a 5,000-row pupil import through the import page.
5. Prints the table and writes bench/last-run.json (`--quick`: bench/last-run-quick.json).
"""

import argparse
import datetime
import json
import os
import platform
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/opp_bench"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Mode:
    name: str
    warmup: float
    seconds: float
    max_requests: int
    rod_periods: int
    output: str


FULL = Mode("full", warmup=3, seconds=20, max_requests=50_000, rod_periods=100_000, output="last-run.json")
QUICK = Mode("quick", warmup=1, seconds=5, max_requests=10_000, rod_periods=10_000, output="last-run-quick.json")
CONCURRENCY = 8


_STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - _STARTED:6.0f} s] {message}", flush=True)


# --- where it runs ------------------------------------------------------------------------------------------

def database_url() -> str:
    """BENCH_DATABASE_URL, else the server of DATABASE_URL with the database `opp_bench`; only on this machine,
    and only a database whose name says it is the benchmark's."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        current = os.environ.get("DATABASE_URL", "")
        url = urlunsplit(urlsplit(current)._replace(path="/opp_bench")) if current.startswith("postgres") \
            else DEFAULT_DATABASE
    parts = urlsplit(url)
    if parts.hostname not in LOCAL_HOSTS:
        raise SystemExit(f"bench: the database must be on this machine, not {parts.hostname}")
    if "bench" not in parts.path:
        raise SystemExit(f"bench: refusing to use database {parts.path[1:]!r}: its name must contain 'bench'")
    return url


def redis_url() -> str:
    url = os.environ.get("BENCH_REDIS_URL") or os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"
    if urlsplit(url).hostname not in LOCAL_HOSTS:
        raise SystemExit(f"bench: Redis must be on this machine, not {urlsplit(url).hostname}")
    return url


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path[1:]
    with psycopg.connect(url, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means: no Redis to measure against
        raise SystemExit(f"bench: Redis at {url} does not answer ({exc})") from None


def machine() -> dict:
    info = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        models = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")]
        info["cpu"] = models[0] if models else platform.processor()
        mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        info["memory_gb"] = round(int(mem.split()[1]) / 1024 / 1024, 1)
    except (OSError, StopIteration):
        pass
    return info


# --- one dataset's measurements ----------------------------------------------------------------------------

def measure_phase(name: str, focus, pages, users, mode: Mode, env: dict, workdir: Path) -> dict:
    from django.db import connection

    from . import measure, server

    log(f"{name}: counting queries per page in-process")
    queries = {page.key: measure.count_queries(page, users[page.role]) for page in pages}
    cookies = {role: measure.session_cookies(user, CONCURRENCY) for role, user in users.items()}
    connection.close()  # this process holds nothing open while the server is measured
    log(f"{name}: starting gunicorn ({server.WORKERS} sync workers) and a Celery worker")
    web, port = server.start_gunicorn(env, workdir / f"gunicorn-{name}.log")
    worker = None
    try:
        worker = server.start_celery(env, workdir / f"celery-{name}.log")
        common = {"port": port, "concurrency": CONCURRENCY, "warmup": mode.warmup, "seconds": mode.seconds,
                  "max_requests": mode.max_requests}
        ceiling = measure.load("/bench/constant", cookies=[""], **common)
        log(f"{name}: ceiling {ceiling['rps']} requests/s")
        healthz = measure.load("/healthz", cookies=[""], **common)
        results = {}
        for page in pages:
            result = measure.load(page.url, cookies=cookies[page.role], **common)
            results[page.key] = {**queries[page.key], "load": result}
            log(f"{name}: {page.label}: {result['rps']} rps, p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
                f"{queries[page.key]['queries']} queries, statuses {result['statuses']}")
    finally:
        if worker is not None:
            worker.stop()
        web.stop()
    return {"ceiling": ceiling, "healthz": healthz, "pages": results}


# --- the run ------------------------------------------------------------------------------------------------

def run(mode: Mode, output: Path) -> dict:
    db_url, broker = database_url(), redis_url()
    check_redis(broker)
    workdir = Path(tempfile.mkdtemp(prefix="opp-bench-"))
    try:
        result = _run(mode, db_url, broker, workdir)
    except BaseException:
        log(f"the benchmark stopped; the servers' logs are in {workdir}")
        raise
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    shutil.rmtree(workdir, ignore_errors=True)
    return result


def _run(mode: Mode, db_url: str, broker: str, workdir: Path) -> dict:
    started_at = datetime.datetime.now(datetime.UTC)
    clock = time.perf_counter()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": db_url,
        "CELERY_BROKER_URL": broker,
        # One throwaway secret per run, the same in every process, so sessions made here work in gunicorn.
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        # Production refuses to start without a key for the TOTP secrets; a throwaway one, like the secret.
        "OPP_MFA_KEYS": "bench-mfa-" + secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(workdir / "media"),
        "BENCH_STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(HERE.parent),
    }
    env.pop("BENCH_EAGER", None)
    log(f"mode {mode.name}; database {urlsplit(db_url).path[1:]} (created anew); Redis {broker}; files in {workdir}")
    recreate_database(db_url)
    os.environ.update(env, BENCH_EAGER="1")

    import django

    django.setup()
    from django.core.management import call_command

    from . import dataset, measure, report
    from .bulk import bsns

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    timings = {}
    t = time.perf_counter()
    dataset.seed_base()
    focus = dataset.focus()
    users = {"ib": focus.ib, "leader": focus.leader, "board_admin": focus.board_admin, "parent": focus.parent}
    for role in ("ib", "leader", "board_admin"):
        measure.ensure_second_factor(users[role])
    pages = measure.key_pages(focus)
    datasets = {"small": dataset.grow(dataset.SMALL, focus.school)}
    timings["build_small_seconds"] = round(time.perf_counter() - t, 1)
    log(f"small dataset: {datasets['small']}")
    t = time.perf_counter()
    small = measure_phase("small", focus, pages, users, mode, env, workdir)
    timings["measure_small_seconds"] = round(time.perf_counter() - t, 1)

    t = time.perf_counter()
    large_size = dataset.LARGE if mode is FULL else dataset.QUICK_LARGE
    datasets["large"] = dataset.grow(large_size, focus.school)
    timings["build_large_seconds"] = round(time.perf_counter() - t, 1)
    log(f"large dataset: {datasets['large']}")
    t = time.perf_counter()
    large = measure_phase("large", focus, pages, users, mode, env, workdir)
    timings["measure_large_seconds"] = round(time.perf_counter() - t, 1)

    t = time.perf_counter()
    log(f"ROD: adding a board with {mode.rod_periods:,} periods")
    rod_board = dataset.add_rod_board(mode.rod_periods)
    log("ROD: exporting in a fresh process")
    rod = {**measure.rod_export(rod_board.number, env), **measure.rod_copy(rod_board.pk)}
    log(f"ROD: {rod}")
    timings["rod_seconds"] = round(time.perf_counter() - t, 1)

    pdf_school = focus.board.schools.exclude(pk=focus.school.pk).filter(school_type="bao").order_by("-pk").first()
    pdf = measure.pdf(lambda goals: dataset.plan_with_goals(pdf_school, goals))
    log(f"PDF: {pdf}")
    import_school, import_user = measure.import_school_and_user(focus.board)
    data = measure.import_file(5_000, bsns(dataset.next_bsn_prefix("3")))
    csv_import = measure.csv_import(import_school, import_user, data)
    log(f"import: {csv_import}")

    result = report.build_result(
        mode=mode.name, started_at=started_at, datasets=datasets, pages=pages, small=small, large=large,
        rod=rod, pdf=pdf, csv_import=csv_import,
        focus={"school": focus.school.code, "board": focus.board.number, "plan": str(focus.plan.uuid),
               "accounts": dataset.FOCUS_ACCOUNTS},
        setup={
            "machine": {**machine(), "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
                        "postgresql": _postgres_version()},
            "server": {"gunicorn_workers": 2, "worker_class": "sync", "settings": "bench.settings (production)"},
            "load": {"users": CONCURRENCY, "warmup_seconds": mode.warmup, "seconds_per_page": mode.seconds,
                     "max_requests_per_page": mode.max_requests, "generator": "bench.load (asyncio, own process)"},
        },
        timings={**timings, "total_seconds": round(time.perf_counter() - clock, 1)},
    )
    return result


def _postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the large dataset, 5 s per page")
    parser.add_argument("--output", type=Path, help="where to write the JSON (default bench/last-run.json)")
    args = parser.parse_args(argv)
    mode = QUICK if args.quick else FULL
    output = args.output or HERE / mode.output
    from . import report

    result = run(mode, output)
    print()
    print(report.text_table(result))
    print(f"\nWritten to {output} in {result['timings']['total_seconds']:.0f} s.")


if __name__ == "__main__":
    main(sys.argv[1:])
