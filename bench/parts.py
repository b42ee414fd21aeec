"""Only the ROD export and the pupil import of the benchmark, on a database that is kept between runs, for the
optimisation work on them (a full `make bench` rebuilds everything and loads every page for 17 minutes):

    python -m bench.parts --build            # build once: the demo, the large dataset, the ROD board (~10 min)
    python -m bench.parts rod import         # measure again on what --build left (about a minute)
    python -m bench.parts pages [--seconds 8] [--only ib_plan]   # the key pages under load, as `make bench` loads them
    python -m bench.parts --build --quick    # the QUICK=1 sizes (10,000 ROD periods)

Uses the database of `python -m bench` (`opp_bench`, or BENCH_DATABASE_URL; the name must contain `bench`), so
give it a name of its own when someone else may run `make bench` on the same server. The import goes into a new
empty school each time, with BSNs not used before; every export adds a batch to the ROD board. Prints one JSON
object with the figures, measured exactly as `make bench` measures them (bench/README.md).
"""

import argparse
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .__main__ import (
    FULL,
    HERE,
    QUICK,
    check_redis,
    database_url,
    log,
    recreate_database,
    redis_url,
)

PARTS = ("rod", "import", "pages")
# The same on every run: the TOTP secrets stored by --build must stay readable by later runs (and bench.profile).
KEPT_MFA_KEYS = "bench-parts-throwaway-mfa-key-not-secret"


def _environment(db_url: str, broker: str, workdir: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": db_url,
        "CELERY_BROKER_URL": broker,
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        "OPP_MFA_KEYS": KEPT_MFA_KEYS,
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(workdir / "media"),
        "BENCH_STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(HERE.parent),
    }


def build(mode) -> dict:
    from django.core.management import call_command

    from . import dataset

    call_command("migrate", verbosity=0, interactive=False)
    dataset.seed_base()
    focus = dataset.focus()
    sizes = [dataset.SMALL, dataset.LARGE if mode is FULL else dataset.QUICK_LARGE]
    built = {}
    for size in sizes:
        built[size.name] = dataset.grow(size, focus.school)
        log(f"built {size.name}: {built[size.name]}")
    started = time.perf_counter()
    dataset.add_rod_board(mode.rod_periods)
    built["rod_seconds"] = round(time.perf_counter() - started, 1)
    log(f"built the ROD board in {built['rod_seconds']} s")
    return built


def measure_parts(parts: list[str], env: dict, *, seconds: float = 8.0, only: list[str] | None = None) -> dict:
    from django.core.management import call_command

    from schools.models import Board

    from . import dataset, measure
    from .bulk import bsns

    result = {}
    if "rod" in parts:
        board = Board.objects.get(number=dataset.ROD_BOARD_NUMBER)
        result["rod_export"] = {**measure.rod_export(board.number, env), **measure.rod_copy(board.pk)}
        log(f"ROD: {result['rod_export']}")
    if "import" in parts:
        call_command("collectstatic", verbosity=0, interactive=False)  # a form shown again needs the manifest
        focus = dataset.focus()
        school, user = measure.import_school_and_user(focus.board)
        data = measure.import_file(5_000, bsns(dataset.next_bsn_prefix("3")))
        result["csv_import"] = measure.csv_import(school, user, data)
        log(f"import: {result['csv_import']}")
    if "pages" in parts:
        result["pages"] = _pages(env, seconds=seconds, only=only or [])
    return result


def _pages(env: dict, *, seconds: float, only: list[str]) -> dict:
    """The key pages under `make bench`'s load (same server, users and generator), on the large dataset that
    --build left: a page's p95 and rps after a change in a minute or two, not after a full run."""
    from django.core.management import call_command

    from . import dataset, measure
    from .__main__ import Mode, measure_phase

    call_command("collectstatic", verbosity=0, interactive=False)
    focus = dataset.focus()
    users = {"ib": focus.ib, "leader": focus.leader, "board_admin": focus.board_admin, "parent": focus.parent}
    for role in ("ib", "leader", "board_admin"):
        measure.ensure_second_factor(users[role])
    pages = [page for page in measure.key_pages(focus) if not only or page.key in only]
    mode = Mode("parts", warmup=min(3.0, seconds / 3), seconds=seconds, max_requests=FULL.max_requests,
                rod_periods=0, output="")
    phase = measure_phase("large", focus, pages, users, mode, env, Path(env["MEDIA_ROOT"]).parent)
    summary = {key: {"rps": page["load"]["rps"], "p50_ms": page["load"]["p50_ms"],
                     "p95_ms": page["load"]["p95_ms"], "queries": page["queries"]}
               for key, page in phase["pages"].items()}
    ceiling = phase["ceiling"]["rps"]
    for key, figures in summary.items():
        figures["share_of_ceiling"] = round(figures["rps"] / ceiling, 4) if ceiling else None
    return {"ceiling_rps": ceiling, "healthz_rps": phase["healthz"]["rps"], **summary}


def main(argv: list[str]) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.parts", description=__doc__.split("\n")[0])
    parser.add_argument("parts", nargs="*", help="rod, import or both (the default)")
    parser.add_argument("--build", action="store_true", help="recreate the database and build the data first")
    parser.add_argument("--quick", action="store_true", help="with --build: the QUICK=1 sizes")
    parser.add_argument("--seconds", type=float, default=8.0, help="pages: seconds of load per page")
    parser.add_argument("--only", nargs="*", default=[], help="pages: only these page keys")
    args = parser.parse_args(argv)
    parts = args.parts or ["rod", "import"]
    if unknown := set(parts) - set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    db_url, broker = database_url(), redis_url()
    check_redis(broker)
    workdir = Path(tempfile.mkdtemp(prefix="opp-bench-parts-"))
    env = _environment(db_url, broker, workdir)
    try:
        if args.build:
            recreate_database(db_url)
        os.environ.update(env, BENCH_EAGER="1")
        import django

        django.setup()
        result = {"build": build(QUICK if args.quick else FULL)} if args.build else {}
        result |= measure_parts(parts, env, seconds=args.seconds, only=args.only)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
