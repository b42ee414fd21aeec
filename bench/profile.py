"""Where a key page spends its time, on the database the last `make bench` left (`opp_bench`, large dataset):

    .venv/bin/python -m bench.profile                   # every key page
    .venv/bin/python -m bench.profile ib_plan --requests 50 --html /tmp/plan.html

Signs in as the page's user, asks the page once (warm), then profiles `--requests` requests in this process with
pyinstrument and prints the call tree and the query count. In-process, without load: the cost per request, not
the queueing; run it again after a change to see what moved.
"""

import argparse
import os
import secrets
import sys
import time

from .__main__ import database_url


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("pages", nargs="*", help="page keys (default: all), e.g. ib_plan leader_overview")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--html", help="also write pyinstrument's HTML report here (one page only)")
    parser.add_argument("--depth", type=float, default=2.0, help="hide frames under this share (%%) of the time")
    args = parser.parse_args(argv)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": database_url(), "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": "bench-profile-" + secrets.token_urlsafe(48), "BENCH_EAGER": "1", "LOG_LEVEL": "WARNING",
    })
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from . import dataset, measure

    focus = dataset.focus()
    users = {"ib": focus.ib, "leader": focus.leader, "board_admin": focus.board_admin, "parent": focus.parent}
    for user in (focus.ib, focus.leader, focus.board_admin):
        measure.ensure_second_factor(user)
    pages = [p for p in measure.key_pages(focus) if not args.pages or p.key in args.pages]
    for page in pages:
        client = measure.signed_in_client(users[page.role])
        client.get(page.url)
        with CaptureQueriesContext(connection) as queries:
            client.get(page.url)
        profiler = Profiler(interval=0.0005)
        started = time.perf_counter()
        with profiler:
            for _ in range(args.requests):
                response = client.get(page.url)
        per_request = (time.perf_counter() - started) / args.requests * 1000
        print(f"\n=== {page.key} ({page.label}) {page.url}: {per_request:.0f} ms per request in-process, "
              f"{len(queries)} queries, {len(response.content) / 1024:.0f} KB, status {response.status_code}")
        print(profiler.output_text(unicode=True, color=False, show_all=False,
                                   processor_options={"filter_threshold": args.depth / 100}))
        if args.html:
            with open(args.html, "w") as out:
                out.write(profiler.output_html())


if __name__ == "__main__":
    main(sys.argv[1:])
