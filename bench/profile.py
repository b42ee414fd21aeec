"""Where a key page spends its time, on the database the last `make bench` left (`opp_bench`, large dataset):

    .venv/bin/python -m bench.profile                   # every key page
    .venv/bin/python -m bench.profile ib_plan --requests 50 --html /tmp/plan.html

Signs in as the page's user, asks the page once (warm), then profiles `--requests` requests in this process with
pyinstrument and prints the call tree, the query count and the slowest queries of one request. In-process, without
load: the cost per request, not the queueing; run it again after a change to see what moved.
"""

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time

from .__main__ import database_url
from .parts import KEPT_MFA_KEYS


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("pages", nargs="*", help="page keys (default: all), e.g. ib_plan leader_overview")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--html", help="also write pyinstrument's HTML report here (one page only)")
    parser.add_argument("--queries", type=int, default=3, help="show this many of the slowest queries")
    parser.add_argument("--sql-chars", type=int, default=300, help="show this much of each query's SQL")
    parser.add_argument("--depth", type=float, default=2.0, help="hide frames under this share (%%) of the time")
    args = parser.parse_args(argv)
    static = tempfile.mkdtemp(prefix="opp-bench-static-")
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": database_url(), "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": "bench-profile-" + secrets.token_urlsafe(48), "BENCH_EAGER": "1", "LOG_LEVEL": "WARNING",
        "BENCH_STATIC_ROOT": static,
        # Production's settings require the keys; the profile never reads a TOTP secret (the session carries the
        # record of a passed second factor), so the key of bench.parts --build serves whoever built the database.
        "OPP_MFA_KEYS": os.environ.get("OPP_MFA_KEYS", KEPT_MFA_KEYS),
    })
    import django

    django.setup()
    from django.core.management import call_command
    from pyinstrument import Profiler

    from . import dataset, measure

    call_command("collectstatic", verbosity=0, interactive=False)  # production's manifest storage needs it
    focus = dataset.focus()
    users = {"ib": focus.ib, "leader": focus.leader, "board_admin": focus.board_admin, "parent": focus.parent}
    for user in (focus.ib, focus.leader, focus.board_admin):
        measure.ensure_second_factor(user)
    pages = [p for p in measure.key_pages(focus) if not args.pages or p.key in args.pages]
    for page in pages:
        counted = measure.count_queries(page, users[page.role], keep_sql=True)
        client = measure.signed_in_client(users[page.role])
        client.get(page.url)
        profiler = Profiler(interval=0.0005)
        started, cpu = time.perf_counter(), time.process_time()
        with profiler:
            for _ in range(args.requests):
                response = client.get(page.url)
        per_request = (time.perf_counter() - started) / args.requests * 1000
        cpu_per_request = (time.process_time() - cpu) / args.requests * 1000
        print(f"\n=== {page.key} ({page.label}) {page.url}: {per_request:.0f} ms per request in-process "
              f"({cpu_per_request:.0f} ms of it Python on the CPU), "
              f"{counted['queries']} queries, {len(response.content) / 1024:.0f} KB, status {response.status_code}")
        slowest = sorted(counted["sql"], reverse=True)[:args.queries]
        print(f"database: {sum(t for t, _sql in counted['sql']) * 1000:.0f} ms in {counted['queries']} queries; "
              f"slowest:")
        for seconds, sql in slowest:
            print(f"  {seconds * 1000:7.1f} ms  {sql[:args.sql_chars]}")
        print(profiler.output_text(unicode=True, color=False, show_all=False,
                                   processor_options={"filter_threshold": args.depth / 100}))
        if args.html:
            with open(args.html, "w") as out:
                out.write(profiler.output_html())
    shutil.rmtree(static, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
