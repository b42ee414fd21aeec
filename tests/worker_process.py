"""`python -m tests.worker_process`: a real Celery worker with embedded beat, as a process a test can kill.

With OPP_TEST_SLOW_SECONDS set, every progress step of an export build and every PDF rendering first waits
that long, so that a test's SIGKILL lands in the middle of a task; the work itself is the real code.
"""

import os
import sys
import time


def _slow_down(seconds: float) -> None:
    from plans import pdf
    from registration import build

    real_progress, real_render = build._progress, pdf.render_document

    def slow_progress(batch_id, processed):
        real_progress(batch_id, processed)
        time.sleep(seconds)

    def slow_render(html):
        time.sleep(seconds)
        return real_render(html)

    build.PROGRESS_EVERY = 1
    build._progress = slow_progress
    pdf.render_document = slow_render


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.worker_settings")
    import django

    django.setup()
    slow = float(os.environ.get("OPP_TEST_SLOW_SECONDS") or 0)
    if slow:
        _slow_down(slow)
    from opp_portal.celery import app

    app.worker_main([
        "worker", "--beat", "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle",
        "--schedule", os.environ["OPP_TEST_BEAT_SCHEDULE"], "--hostname", f"test-{os.getpid()}@localhost",
        *sys.argv[1:],
    ])


if __name__ == "__main__":
    main()
