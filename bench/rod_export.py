"""One full ROD export of a board, in a process of its own, so its peak resident memory is the export's:

    python -m bench.rod_export 98001

Prints one JSON line: periods, seconds, cpu_seconds (this process's), peak_rss_mb (the kernel's high-water mark
of resident memory, VmHWM, not a Python-level estimate like tracemalloc) and baseline_rss_mb (the process before
the export, Django loaded). Run by `make bench` with the benchmark's environment; builds the batch synchronously,
as the Celery task does.
"""

import json
import resource
import sys
import time


def rss_mb(field: str = "VmRSS") -> float:
    """Resident memory now (VmRSS) or at its highest so far (VmHWM), in MB, as the kernel counts it."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux: the high-water mark


def main(board_number: str) -> dict:
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from registration import services
    from registration.build import build_batch
    from registration.models import BatchKind
    from schools.models import Board, Role

    board = Board.objects.get(number=board_number)
    admin = board.memberships.filter(role=Role.BOARD_ADMIN).select_related("user").first()
    baseline = rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    batch = services.start_export(user=admin.user if admin else None, board=board, kind=BatchKind.FULL,
                                  queue=False)
    batch = build_batch(batch.pk)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    peak = rss_mb("VmHWM")
    return {
        "periods": batch.exported_count + batch.held_back_count,
        "exported": batch.exported_count,
        "held_back": batch.held_back_count,
        "state": batch.state,
        "seconds": round(seconds, 1),
        # This process's CPU time: what the neighbours on a shared machine do not inflate (PostgreSQL's not included).
        "cpu_seconds": round(cpu_seconds, 1),
        "peak_rss_mb": round(peak, 1),
        "baseline_rss_mb": round(baseline, 1),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
