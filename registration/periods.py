"""Which OPP periods count for ROD, read as a stream in a fixed order.

Only adopted plans of kind extra_support at bao and vo schools count (DESIGN rule 10); the plan's own copy
of the school type must agree, so a plan at an sbo, so, vso or pro school never appears however configured.
A period belongs to the pupil's enrolment at that school covering the begin date, else the latest there.
"""

import heapq
import itertools
from collections.abc import Iterator
from typing import Any

from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from plans.models import Opp, OppKind
from schools.models import ROD_SCHOOL_TYPES, Enrolment

from .models import DeliveredPeriod
from .validation import Period

REGISTERING_SCHOOL_TYPES = ROD_SCHOOL_TYPES
CHUNK = 2000


def counting_opps(board_id: int, school_id: int | None = None):
    qs = Opp.objects.filter(
        kind=OppKind.EXTRA_SUPPORT,
        adopted_on__isnull=False,
        school_type__in=REGISTERING_SCHOOL_TYPES,
        school__school_type__in=REGISTERING_SCHOOL_TYPES,
        school__board_id=board_id,
    )
    return qs.filter(school_id=school_id) if school_id is not None else qs


def delivered_in_scope(board_id: int, school_id: int | None = None):
    qs = DeliveredPeriod.objects.filter(school__board_id=board_id, school__school_type__in=REGISTERING_SCHOOL_TYPES)
    return qs.filter(school_id=school_id) if school_id is not None else qs


def removed_in_scope(board_id: int, school_id: int | None = None):
    """Delivered periods whose plan no longer counts (gone, not adopted any more, or now internal)."""
    return delivered_in_scope(board_id, school_id).exclude(opp_key__in=counting_opps(board_id, school_id).values("pk"))


def _enrolment_value(field: str):
    # `school_id + 0` keeps SQLite from picking the (school, sequence_number) index, which reads every
    # enrolment of the school per plan; the pupil index finds the one or two enrolments at once.
    base = Enrolment.objects.annotate(school_key=F("school_id") + 0).filter(
        pupil_id=OuterRef("pupil_id"), school_key=OuterRef("school_id")
    )
    covering = base.filter(enrolment_date__lte=OuterRef("adopted_on")).filter(
        Q(leaving_date__isnull=True) | Q(leaving_date__gte=OuterRef("adopted_on"))
    ).order_by("-enrolment_date", "-pk")
    latest = base.order_by("-enrolment_date", "-pk")
    return Subquery(covering.values(field)[:1]), Subquery(latest.values(field)[:1])


_DELIVERED_FIELDS = ("begin", "end", "enrolment_key", "brin", "vestiging", "sequence_number", "bsn", "onderwijsnummer")


def current_rows(board_id: int, school_id: int | None = None):
    """The counting periods as dicts, with their enrolment and delivered state, ordered like `Period.sort_key`."""
    annotations: dict[str, Any] = {
        # A plan without any enrolment at its school gets a key of its own (negative), so it stands alone.
        "enr_key": Coalesce(*_enrolment_value("pk"), F("pk") * -1),
        "enr_seq": Coalesce(*_enrolment_value("sequence_number")),
        "enr_date": Coalesce(*_enrolment_value("enrolment_date")),
    }
    # At most one delivered period per plan (rod_delivered_one_per_opp): a LEFT JOIN, never more rows.
    annotations |= {f"dp_{name}": F(f"delivered_periods__{name}") for name in _DELIVERED_FIELDS}
    return (
        counting_opps(board_id, school_id)
        .annotate(**annotations)
        .order_by("school_id", "enr_key", "adopted_on", "pk")
        .values(
            "pk", "uuid", "pupil__uuid", "pupil__bsn", "pupil__onderwijsnummer", "school_id", "school__brin",
            "school__vestiging", "adopted_on", "ended_on", "enr_key", "enr_seq", "enr_date",
            *[f"dp_{name}" for name in _DELIVERED_FIELDS],
        )
    )


def _period_from_row(row: dict) -> Period:
    delivered = None
    if row["dp_begin"] is not None:
        delivered = (
            row["dp_begin"], row["dp_end"],
            (row["dp_enrolment_key"], row["dp_brin"], row["dp_vestiging"], row["dp_sequence_number"],
             row["dp_bsn"], row["dp_onderwijsnummer"]),
        )
    return Period(
        # The pupil's UUID goes into the CSV and the records: turned into text once.
        opp_key=row["pk"], opp_uuid=row["uuid"], pupil_uuid=str(row["pupil__uuid"]), school_id=row["school_id"],
        enrolment_key=row["enr_key"], brin=row["school__brin"], vestiging=row["school__vestiging"],
        sequence_number=row["enr_seq"] or "", bsn=row["pupil__bsn"] or "",
        onderwijsnummer=row["pupil__onderwijsnummer"] or "", begin=row["adopted_on"], end=row["ended_on"],
        enrolment_date=row["enr_date"], delivered=delivered,
    )


def _period_from_delivered(dp: DeliveredPeriod) -> Period:
    identity = (dp.enrolment_key, dp.brin, dp.vestiging, dp.sequence_number, dp.bsn, dp.onderwijsnummer)
    return Period(
        opp_key=dp.opp_key, opp_uuid=dp.opp_uuid, pupil_uuid=dp.pupil_uuid, school_id=dp.school_id,
        enrolment_key=dp.enrolment_key, brin=dp.brin, vestiging=dp.vestiging, sequence_number=dp.sequence_number,
        bsn=dp.bsn, onderwijsnummer=dp.onderwijsnummer, begin=dp.begin, end=dp.end, removed=True,
        delivered=(dp.begin, dp.end, identity),
    )


def stream_periods(board_id: int, school_id: int | None = None) -> Iterator[Period]:
    """Current and removed periods merged into one stream in `sort_key` order; memory stays flat."""
    current = (_period_from_row(r) for r in current_rows(board_id, school_id).iterator(chunk_size=CHUNK))
    removed = (
        _period_from_delivered(dp)
        for dp in removed_in_scope(board_id, school_id)
        .order_by("school_id", "enrolment_key", "begin", "opp_key").iterator(chunk_size=CHUNK)
    )
    return heapq.merge(current, removed, key=lambda p: p.sort_key)


def stream_enrolments(board_id: int, school_id: int | None = None) -> Iterator[list[Period]]:
    """The stream grouped per enrolment; one group (at most ~100 periods) in memory at a time."""
    for _, group in itertools.groupby(stream_periods(board_id, school_id), key=lambda p: p.enrolment_group):
        yield list(group)


def count_in_scope(board_id: int, school_id: int | None = None) -> int:
    return counting_opps(board_id, school_id).count() + removed_in_scope(board_id, school_id).count()
