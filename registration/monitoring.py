"""The figures a board administrator and a school leader watch: what is registered, what waits.

A date becomes known on the day itself (the adoption date, the end date). The law sets no term for
registering it with ROD (that can be done all year); the portal's own target is 14 days (`WINDOW_DAYS`),
and the pages say so. The figures are counts; `pending_for` lists, for one school, the pupils whose period
is not delivered yet (name, group and dates: identifiers and dates only, never plan content).
"""

import datetime
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, Subquery
from django.utils import timezone

from plans.models import Opp, OppKind
from schools.models import Enrolment, School

from .models import BatchState, DeliveredPeriod, ExportBatch, HeldBackRecord
from .periods import REGISTERING_SCHOOL_TYPES

WINDOW_DAYS = 14


@dataclass
class SchoolFigures:
    school: School
    registers: bool
    running: int = 0
    pending: int = 0
    overdue: int = 0
    held_back: int = 0


def needs_attention_first(count: "SchoolCount") -> tuple:
    """Schools past the portal's own target date first, then those with held-back or pending periods; then by
    code. Schools that do not register come last."""
    return (not count.registers, -count.overdue, -count.held_back, -count.pending, count.code)


@dataclass
class Totals:
    schools: int
    running: int
    pending: int
    overdue: int
    held_back: int


def totals_of(figures: "list[SchoolCount]") -> Totals | None:
    """The board's figures summed over its registering schools (None when none registers)."""
    registering = [f for f in figures if f.registers]
    if not registering:
        return None
    return Totals(
        schools=len(registering),
        running=sum(f.running for f in registering), pending=sum(f.pending for f in registering),
        overdue=sum(f.overdue for f in registering), held_back=sum(f.held_back for f in registering),
    )


def _pending_q(today: datetime.date, delivered: str = "delivered_periods") -> tuple[Q, Q]:
    """A plan's begin is pending while DUO does not have it with that date, its end likewise once it ended;
    overdue after WINDOW_DAYS. On the plan's delivered period joined once (`DeliveredPeriod.opp`, at most one per
    plan, or the relation named `delivered`): with an EXISTS per condition inside COUNT … FILTER, PostgreSQL read
    every delivered period of every board four times (hashed subplans) and crossed the JIT threshold, 0.3 s for a
    board of 100 schools."""
    begin_pending = Q(**{f"{delivered}__isnull": True}) | ~Q(**{f"{delivered}__begin": F("adopted_on")})
    end_pending = Q(ended_on__isnull=False) & (
        Q(**{f"{delivered}__isnull": True}) | Q(**{f"{delivered}__end__isnull": True})
        | ~Q(**{f"{delivered}__end": F("ended_on")}))
    deadline = today - datetime.timedelta(days=WINDOW_DAYS)
    pending = begin_pending | end_pending
    overdue = (begin_pending & Q(adopted_on__lt=deadline)) | (end_pending & Q(ended_on__lt=deadline))
    return pending, overdue


def _latest_batches(board_id, school_id) -> "models.QuerySet[ExportBatch]":
    """Built batches (ready or delivered) that covered the school, newest first."""
    return (
        ExportBatch.objects.overlapping(board_id, school_id)
        .filter(state__in=(BatchState.READY, BatchState.DELIVERED))
        .order_by("-pk")
    )


def latest_batch_for(school: School) -> ExportBatch | None:
    return _latest_batches(school.board_id, school.pk).first()


def _held_back_counts(school_ids: list[int]) -> dict[int, int]:
    """Per school, the records its latest built batch held back: one query for any number of schools."""
    latest = _latest_batches(OuterRef(OuterRef("board_id")), OuterRef(OuterRef("pk"))).values("pk")[:1]
    held = (
        HeldBackRecord.objects.filter(school_id=OuterRef("pk"), batch_id=Subquery(latest))
        .order_by().values("school_id").annotate(n=Count("pk")).values("n")
    )
    rows = School.objects.filter(pk__in=school_ids).annotate(n=Subquery(held)).filter(n__gt=0).values_list("pk", "n")
    return dict(rows)


def figures_for(schools) -> list[SchoolFigures]:
    """One row per school; schools that do not register with ROD are listed as such, without counts."""
    today = timezone.localdate()
    pending, overdue = _pending_q(today, "delivered")
    schools = list(schools)
    registering = [s.pk for s in schools if s.school_type in REGISTERING_SCHOOL_TYPES]
    # Only the delivered periods of these schools are joined (a delivered period carries its plan's school:
    # registration.services copies it from the exported period, which takes the plan's, and a plan never changes
    # school). Joined on the plan alone, PostgreSQL hashed every delivered period in the country (a sequential
    # scan, 48,000 rows on the large dataset, growing with every board's deliveries) even for 25 schools; with the
    # school in the join it reads these schools' periods by index, so the cost follows the schools asked for.
    delivered = FilteredRelation("delivered_periods", condition=Q(delivered_periods__school_id__in=registering))
    counts: dict[int, Any] = {
        row["school_id"]: row
        for row in Opp.objects.filter(
            school_id__in=registering, kind=OppKind.EXTRA_SUPPORT, adopted_on__isnull=False,
            school_type__in=REGISTERING_SCHOOL_TYPES,
        )
        .annotate(delivered=delivered)
        .values("school_id")
        .annotate(
            running=Count("pk", filter=Q(ended_on__isnull=True)),
            pending=Count("pk", filter=pending),
            overdue=Count("pk", filter=overdue),
        )
        .order_by()
    }
    held_back = _held_back_counts(registering)
    result = []
    for school in schools:
        fig = SchoolFigures(school=school, registers=school.pk in registering)
        if fig.registers:
            row = counts.get(school.pk, {})
            fig.running = row.get("running", 0)
            fig.pending = row.get("pending", 0)
            fig.overdue = row.get("overdue", 0)
            fig.held_back = held_back.get(school.pk, 0)
        result.append(fig)
    return result


def kept_minutes() -> int:
    """How long `board_figures` keeps its counts, in whole minutes (at least one), for the pages to say."""
    return max(1, -(-settings.OPP_ROD_FIGURES_SECONDS // 60))


class SchoolCount(NamedTuple):
    """One school's figures as the board's page keeps them: plain values, cheap to read back from the cache for a
    board of a hundred schools (model instances cost more to unpickle than the page shows of them)."""
    pk: int
    uuid: uuid.UUID
    name: str
    brin: str
    vestiging: str
    school_type: str
    registers: bool
    running: int
    pending: int
    overdue: int
    held_back: int

    @property
    def code(self) -> str:
        return f"{self.brin}{self.vestiging}"

    def figures(self) -> SchoolFigures:
        """As `figures_for` gives them, for a row of the page."""
        school = School(pk=self.pk, uuid=self.uuid, name=self.name, brin=self.brin, vestiging=self.vestiging,
                        school_type=self.school_type)
        return SchoolFigures(school=school, registers=self.registers, running=self.running, pending=self.pending,
                             overdue=self.overdue, held_back=self.held_back)


def board_figures(board, batches: list) -> tuple[list[SchoolCount], datetime.datetime]:
    """`figures_for` every school of the board (in code order), and as of when. Counting a board of 100 schools
    costs more than showing a page of it (issue 12), so the schools and their counts are kept
    OPP_ROD_FIGURES_SECONDS in the cache. The key changes with the day (what is overdue) and with the board's
    batches (an export started, built, delivered or discarded shows at once); a plan adopted or ended, or a school
    joining the board, shows within that time, and the page says as of when."""
    seconds = settings.OPP_ROD_FIGURES_SECONDS
    marker = hashlib.sha256(repr([(b.pk, b.state) for b in batches]).encode()).hexdigest()[:16]
    key = f"rod:board-figures:{board.pk}:{timezone.localdate().isoformat()}:{marker}"
    kept = cache.get(key) if seconds else None
    if kept is None:
        figures = figures_for(list(board.schools.order_by("brin", "vestiging")))
        kept = (timezone.now(), [
            SchoolCount(f.school.pk, f.school.uuid, f.school.name, f.school.brin, f.school.vestiging,
                        f.school.school_type, f.registers, f.running, f.pending, f.overdue, f.held_back)
            for f in figures])
        if seconds:
            cache.set(key, kept, seconds)
    as_of, counts = kept
    return counts, as_of


@dataclass
class PendingRow:
    pupil_name: str
    group: str
    begin: datetime.date
    end: datetime.date | None
    what: str  # "begin", "end" or "both": which date DUO does not have yet
    known_since: datetime.date
    days: int

    @property
    def late(self) -> bool:
        return self.days > WINDOW_DAYS


def pending_for(school: School, *, today: datetime.date | None = None, limit: int = 500) -> list[PendingRow]:
    """The periods of `school` not yet delivered to ROD, longest waiting first: one query."""
    today = today or timezone.localdate()
    if school.school_type not in REGISTERING_SCHOOL_TYPES:
        return []
    begin_delivered = Exists(DeliveredPeriod.objects.filter(opp_key=OuterRef("pk"), begin=OuterRef("adopted_on")))
    end_delivered = Exists(DeliveredPeriod.objects.filter(opp_key=OuterRef("pk"), end=OuterRef("ended_on")))
    group = (Enrolment.objects.filter(pupil_id=OuterRef("pupil_id"), school_id=OuterRef("school_id"))
             .order_by("-enrolment_date").values("group")[:1])
    plans = (
        Opp.objects.filter(school=school, kind=OppKind.EXTRA_SUPPORT, adopted_on__isnull=False,
                           school_type__in=REGISTERING_SCHOOL_TYPES)
        .annotate(begin_done=begin_delivered, end_done=end_delivered, group=Subquery(group))
        .filter(Q(begin_done=False) | (Q(ended_on__isnull=False) & Q(end_done=False)))
        .select_related("pupil").order_by("adopted_on", "pk")[:limit]
    )
    rows = []
    for opp in plans:
        begin_pending = not opp.begin_done
        end_pending = opp.ended_on is not None and not opp.end_done
        what = "both" if begin_pending and end_pending else ("begin" if begin_pending else "end")
        since = opp.adopted_on if begin_pending else opp.ended_on
        assert opp.adopted_on is not None and since is not None  # the query keeps adopted plans only
        rows.append(PendingRow(pupil_name=opp.pupil.full_name, group=opp.group or "", begin=opp.adopted_on,
                               end=opp.ended_on, what=what, known_since=since, days=(today - since).days))
    return sorted(rows, key=lambda r: (-r.days, r.pupil_name))


def held_back_for(school: School):
    batch = latest_batch_for(school)
    if batch is None:
        return HeldBackRecord.objects.none()
    return HeldBackRecord.objects.filter(batch=batch, school=school).order_by("sequence_number", "begin", "pk")
