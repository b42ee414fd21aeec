"""The board's figures per school: counts from the latest built batch, in queries that do not grow with schools."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from registration.monitoring import figures_for
from schools.models import Pupil, School

from .helpers import export

INVALID_BSN = "123456789"


def _figures(board):
    schools = School.objects.filter(board=board).order_by("pk")
    with CaptureQueriesContext(connection) as queries:
        figures = figures_for(schools)
    return {f.school.pk: f for f in figures}, len(queries)


def test_held_back_records_are_counted_per_school_from_its_latest_batch(rod):
    other = rod.school_of("vo")
    bad = rod.period()
    Pupil.objects.filter(pk=bad.pupil_id).update(bsn=INVALID_BSN)
    rod.period(school=other)
    export(rod)
    figures, _ = _figures(rod.board)
    assert figures[rod.school.pk].held_back == 1 and figures[other.pk].held_back == 0
    assert figures[rod.school.pk].running == 1 and figures[other.pk].running == 1


def test_the_number_of_queries_does_not_grow_with_the_number_of_schools(rod):
    rod.period()
    export(rod)
    _, few = _figures(rod.board)
    for school_type in ("bao", "vo", "bao", "sbo"):
        rod.period(school=rod.school_of(school_type))
    export(rod)
    _, many = _figures(rod.board)
    assert many == few


def test_pending_lists_begin_and_end_dates_not_delivered_longest_waiting_first(rod):
    import datetime

    from django.utils import timezone

    from registration.monitoring import pending_for

    today = timezone.localdate()
    old = rod.period(begin=today - datetime.timedelta(days=30))
    new = rod.period(begin=today - datetime.timedelta(days=2))
    rows = pending_for(rod.school, today=today)
    assert [r.pupil_name for r in rows] == [old.pupil.full_name, new.pupil.full_name]
    assert [r.days for r in rows] == [30, 2] and [r.late for r in rows] == [True, False]
    assert rows[0].what == "begin" and rows[0].group == "5"
    assert pending_for(rod.school_of("sbo"), today=today) == []


def test_pending_and_overdue_counts_match_a_check_per_plan_of_what_duo_has(rod):
    """The figures join each plan's delivered period once; every case counted as a per-plan EXISTS would."""
    import datetime

    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from plans.models import Opp, OppStatus
    from registration.models import DeliveredPeriod
    from registration.monitoring import WINDOW_DAYS

    from .helpers import deliver

    today = timezone.localdate()
    recent, old = today - datetime.timedelta(days=3), today - datetime.timedelta(days=WINDOW_DAYS + 30)
    delivered = [rod.period(begin=old) for _ in range(4)]
    deliver(rod, export(rod))
    rod.period(begin=recent)  # begin pending
    rod.period(begin=old)  # begin pending and overdue
    Opp.objects.filter(pk=delivered[1].pk).update(ended_on=recent, status=OppStatus.BEEINDIGD)  # end pending
    Opp.objects.filter(pk=delivered[2].pk).update(ended_on=old, status=OppStatus.BEEINDIGD)  # end overdue
    Opp.objects.filter(pk=delivered[3].pk).update(adopted_on=old - datetime.timedelta(days=7))  # begin changed

    begin_sent = Exists(DeliveredPeriod.objects.filter(opp_key=OuterRef("pk"), begin=OuterRef("adopted_on")))
    end_sent = Exists(DeliveredPeriod.objects.filter(opp_key=OuterRef("pk"), end=OuterRef("ended_on")))
    deadline = today - datetime.timedelta(days=WINDOW_DAYS)
    expected = {"pending": 0, "overdue": 0}
    for opp in Opp.objects.filter(school=rod.school).annotate(begin_sent=begin_sent, end_sent=end_sent):
        begin_pending = not opp.begin_sent
        end_pending = opp.ended_on is not None and not opp.end_sent
        expected["pending"] += begin_pending or end_pending
        expected["overdue"] += (begin_pending and opp.adopted_on < deadline) or (
            end_pending and opp.ended_on < deadline)
    figures, _ = _figures(rod.board)
    fig = figures[rod.school.pk]
    assert {"pending": fig.pending, "overdue": fig.overdue} == expected == {"pending": 5, "overdue": 3}
    assert fig.running == 4
