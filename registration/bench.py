"""Benchmark of the ROD export: `make bench` or `python -m registration.bench [periods]`.

Builds a throwaway SQLite database (or the one in ROD_BENCH_DATABASE_URL), fills it with one board, four
bao schools and N adopted OPP periods (default 100,000), and runs a full export synchronously twice: at a
tenth of N and at N. It prints time and peak Python memory (tracemalloc) of each; memory stays flat because
the export streams rows and writes them to temporary files as it goes. Not a test: numbers vary per machine.
"""

import os
import sys
import tempfile
import time
import tracemalloc


def _setup(tmp: str) -> None:
    os.environ["DATABASE_URL"] = os.environ.get("ROD_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{tmp}/media"
    os.environ["DJANGO_SETTINGS_MODULE"] = "opp_portal.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _bsn(n: int) -> str:
    weights = (9, 8, 7, 6, 5, 4, 3, 2)
    while True:
        prefix = f"{20000000 + n:08d}"
        base = sum(int(d) * w for d, w in zip(prefix, weights))
        for last in range(10):
            if (base - last) % 11 == 0:
                return prefix + str(last)
        n += 10_000_000  # no ninth digit fits: use a prefix outside the range


def _fill(start: int, stop: int, schools, chunk: int = 5000) -> None:
    import datetime

    from plans.models import Opp, OppKind, OppStatus
    from schools.models import Enrolment, Pupil

    for lo in range(start, stop, chunk):
        hi = min(lo + chunk, stop)
        pupils = Pupil.objects.bulk_create(
            Pupil(first_name="B", last_name=f"Bench {i}", date_of_birth=datetime.date(2015, 1, 1), bsn=_bsn(i))
            for i in range(lo, hi)
        )
        Enrolment.objects.bulk_create(
            Enrolment(pupil=p, school=schools[i % len(schools)], sequence_number=str(100000 + i),
                      enrolment_date=datetime.date(2020, 8, 24))
            for i, p in zip(range(lo, hi), pupils)
        )
        Opp.objects.bulk_create(
            Opp(pupil=p, school=schools[i % len(schools)], school_type="bao", kind=OppKind.EXTRA_SUPPORT,
                status=OppStatus.BEEINDIGD if i % 3 == 0 else OppStatus.VASTGESTELD,
                adopted_on=datetime.date(2021, 1, 4) + datetime.timedelta(days=i % 900),
                ended_on=datetime.date(2024, 7, 1) if i % 3 == 0 else None)
            for i, p in zip(range(lo, hi), pupils)
        )


def _export(board) -> tuple[float, int, int]:
    from registration import services
    from registration.build import build_batch
    from registration.models import BatchKind

    tracemalloc.start()
    started = time.perf_counter()
    batch = services.start_export(user=None, board=board, kind=BatchKind.FULL, queue=False)
    batch = build_batch(batch.pk)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak, batch.exported_count


def main(argv: list[str]) -> None:
    total = int(argv[0]) if argv else 100_000
    with tempfile.TemporaryDirectory(prefix="rod-bench-") as tmp:
        _setup(tmp)
        from schools.models import Board, Samenwerkingsverband, School

        swv = Samenwerkingsverband.objects.create(code="PO 98-01", name="Bench", sector="po",
                                                  funding_model="schoolmodel")
        board = Board.objects.create(number="98001", name="Stichting Bench")
        schools = [School.objects.create(brin=f"98A{chr(65 + i)}", vestiging="00", name=f"Bench {i}",
                                         school_type="bao", board=board, swv=swv) for i in range(4)]
        first = max(1, total // 10)
        print(f"ROD-export benchmark op {os.environ['DATABASE_URL'].split('://')[0]}")
        for size, start in ((first, 0), (total, first)):
            t = time.perf_counter()
            _fill(start, size, schools)
            print(f"  {size:>7} perioden aangemaakt in {time.perf_counter() - t:.1f} s")
            elapsed, peak, exported = _export(board)
            print(f"  {size:>7} perioden: export {elapsed:.1f} s, {exported} rijen, "
                  f"piekgeheugen (tracemalloc) {peak / 1024 / 1024:.1f} MiB")


if __name__ == "__main__":
    main(sys.argv[1:])
