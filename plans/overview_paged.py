"""The school leader's overview, paged in the database: a school of a thousand plans costs what one of fifty does.

The sections, their order and their rows are those of `plans.overview.build_sections` (the same selectors, the
same rows), but nothing is built for plans that are not shown:

1. the objections (`OBJECTIONS`, one query; a short list, paged here),
2. one aggregate over every plan the user may see: per ib (and per plan with an objection) how many plans each
   section holds and how many of them are late, so the counts at the top and per ib still count every plan,
3. per section the page asked for, ordered and sliced in the database (one UNION ALL of the sections),
4. the row data of the plans shown (pupil, ib, group, the dates a row shows), once.

Four queries for any number of plans; rows are built for at most `PAGE_SIZE` plans per section.
"""

import datetime
from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.db.models.fields import CharField
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .deadlines import (
    ADOPTION_WARNING_DAYS,
    ADOPTION_WINDOW,
    EVALUATION_WARNING_DAYS,
    due_from_start,
    with_adoption_start,
)
from .models import Opp, OppQuerySet
from .overview import (
    PAGE_SIZE,
    Row,
    Section,
    _deadline_row,
    _sent_row,
    leader_sections,
    set_page_links,
    with_urls,
)
from .selectors import (
    INSTEMMING_WAITING_DAYS,
    adoptions_due,
    evaluations_due,
    objection_rows,
    ready_to_adopt,
    waiting_for_instemming,
    with_row_data,
    with_sent_at,
    without_hearing,
)

# The sections counted in the aggregate, with the "late" part where a section has one (as `Row.urgency`).
_LATE_KEYS = ("vaststellen", "evalueren")


class _Counted:
    """A list of `count` rows not fetched yet: lets the paginator validate a page number against the total."""

    def __init__(self, count: int) -> None:
        self._count = count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        return []

    def __iter__(self) -> Iterator[Any]:
        return iter(())


def _ordered(plans: OppQuerySet, *, today: datetime.date, now: datetime.datetime, objected: set[int]) -> dict:
    """Each section's plans in the order the section shows them (the most urgent first)."""
    ready = ready_to_adopt(plans)
    # Waiting plans that are ready or objected to are listed there, not as waiting (as `build_lists` does).
    settled = plans.exclude(pk__in=ready.values("pk")).exclude(pk__in=objected)
    return {
        "klaar": with_sent_at(ready).order_by("sent_version_at", "pk"),
        "vaststellen": adoptions_due(plans, today=today),
        "evalueren": evaluations_due(plans, today=today),
        "instemming": waiting_for_instemming(settled, now=now, days=INSTEMMING_WAITING_DAYS),
        "hoorrecht": without_hearing(plans).order_by("created_at", "pk"),
    }


def _late(ordered: dict, today: datetime.date) -> dict[str, Q]:
    return {
        # Rule 7's deadline is six weeks after the start: past when the start is more than six weeks ago.
        "vaststellen": Q(pk__in=ordered["vaststellen"].filter(adoption_start__lt=today - ADOPTION_WINDOW)
                         .values("pk")),
        "evalueren": Q(pk__in=ordered["evalueren"].filter(next_evaluation_due__lt=today).values("pk")),
    }


def _table(plans: OppQuerySet, ordered: dict, late: dict[str, Q], objected: set[int]) -> list[dict]:
    """One row per ib (and per plan with an objection, to count its objections): counts of every section."""
    plan_with_objection = (Case(When(pk__in=objected, then=F("pk")), default=None) if objected
                           else Value(None, output_field=plans.model._meta.pk))
    counts = {key: Count("pk", filter=Q(pk__in=qs.values("pk"))) for key, qs in ordered.items()}
    counts |= {f"{key}_late": Count("pk", filter=q) for key, q in late.items()}
    return list(
        plans.order_by().annotate(objected_plan=plan_with_objection)
        .values("created_by", "created_by__full_name", "created_by__email", "objected_plan")
        .annotate(**counts)
    )


def _shown_pks(ordered: dict, pages: dict[str, int]) -> dict[str, list[int]]:
    """The plans on the page asked for of each section, in one query (each part ordered and sliced apart)."""
    parts: list[QuerySet] = []
    for key, number in pages.items():
        start = (number - 1) * PAGE_SIZE
        # Ordered and sliced inside `IN (...)`: a part of a UNION cannot be ordered by columns it does not select.
        page = ordered[key].values("pk")[start:start + PAGE_SIZE]
        parts.append(Opp.objects.filter(pk__in=page).annotate(section_key=Value(key, output_field=CharField()))
                     .values_list("section_key", "pk").order_by())
    shown: dict[str, list[int]] = {key: [] for key in pages}
    if not parts:
        return shown
    query = parts[0].union(*parts[1:], all=True).order_by() if len(parts) > 1 else parts[0]
    for key, pk in query:
        shown[key].append(pk)
    return shown


def overview_sections(plans: OppQuerySet, query: QueryDict, *, today: datetime.date | None = None,
                      now: datetime.datetime | None = None) -> tuple[list[Section], list[dict]]:
    """The leader's sections with the page of rows asked for in `query`, and the counts per ib (every plan)."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    objections = objection_rows(plans)
    objected = {o["opp_id"] for o in objections}
    ordered = _ordered(plans, today=today, now=now, objected=objected)
    table = _table(plans, ordered, _late(ordered, today), objected)

    author_of = {row["objected_plan"]: row["created_by"] for row in table if row["objected_plan"] is not None}
    objections = [o for o in objections if o["opp_id"] in author_of]  # only plans the user may see
    totals = {key: sum(row[key] for row in table) for key in ordered}
    totals["bezwaar"] = len(objections)
    late = {key: sum(row[f"{key}_late"] for row in table) for key in _LATE_KEYS}
    late["instemming"] = totals["instemming"]  # every plan listed there has waited too long
    late["bezwaar"] = sum(1 for o in objections if o["decision"] == "niet_akkoord")

    sections = leader_sections({key: [] for key in (*ordered, "bezwaar")})
    pages = {}
    for section in sections:
        section.total, section.late_total = totals[section.key], late.get(section.key, 0)
        section.page = Paginator(_Counted(section.total), PAGE_SIZE).get_page(query.get(f"pagina-{section.key}"))
        if section.total:
            pages[section.key] = section.page.number
    shown_objections = []
    if "bezwaar" in pages:
        start = (pages.pop("bezwaar") - 1) * PAGE_SIZE
        shown_objections = objections[start:start + PAGE_SIZE]
    shown = _shown_pks(ordered, pages)
    wanted = {pk for pks in shown.values() for pk in pks} | {o["opp_id"] for o in shown_objections}
    by_pk = {}
    if wanted:
        by_pk = {opp.pk: opp for opp in with_sent_at(with_adoption_start(with_row_data(plans).filter(pk__in=wanted)))}
    rows = _rows(shown, by_pk, today)
    rows["bezwaar"] = [
        Row(opp=by_pk[o["opp_id"]], day=timezone.localtime(o["decided_at"]).date(), days=None, text=o["label"],
            urgency="late" if o["decision"] == "niet_akkoord" else "soon", who=o["name"])
        for o in shown_objections if o["opp_id"] in by_pk
    ]
    for section in sections:
        section.rows = with_urls(rows.get(section.key, []))
        assert section.page is not None
        section.page.object_list = section.rows
        set_page_links(section, query)
    return sections, _ib_counts(sections, table, objections, author_of)


_ORDER = {
    "klaar": lambda opp: (opp.sent_version_at, opp.pk),
    "vaststellen": lambda opp: (opp.adoption_start, opp.pk),
    "evalueren": lambda opp: (opp.next_evaluation_due, opp.pk),
    "instemming": lambda opp: (opp.sent_version_at, opp.pk),
    "hoorrecht": lambda opp: (opp.created_at, opp.pk),
}


def _rows(shown: dict[str, list[int]], by_pk: dict, today: datetime.date) -> dict[str, list[Row]]:
    """The rows of the shown plans, built as `build_lists` builds them, in their section's order."""
    rows: dict[str, list[Row]] = {}
    for key, pks in shown.items():
        opps = sorted((by_pk[pk] for pk in pks if pk in by_pk), key=_ORDER[key])
        if key == "klaar":
            rows[key] = [_sent_row(opp, today, text=str(_("klaar om vast te stellen"))) for opp in opps]
        elif key == "vaststellen":
            rows[key] = [_deadline_row(opp, day, today, ADOPTION_WARNING_DAYS) for opp in opps
                         if (day := due_from_start(opp.adoption_start)) is not None]
        elif key == "evalueren":
            rows[key] = [_deadline_row(opp, opp.next_evaluation_due, today, EVALUATION_WARNING_DAYS) for opp in opps]
        elif key == "instemming":
            rows[key] = [_sent_row(opp, today, urgency="late") for opp in opps]
        else:
            rows[key] = [Row(opp=opp, day=timezone.localtime(opp.created_at).date(), days=None,
                             text=str(_("hoorrecht nog niet vastgelegd")), urgency="") for opp in opps]
    return rows


def _ib_counts(sections: list[Section], table: list[dict], objections: list[dict], author_of: dict) -> list[dict]:
    """Per ib: how many plans (objections: decisions) each section holds, for the summary table at the top."""
    index = {section.key: i for i, section in enumerate(sections)}
    entries: dict[Any, dict] = {}
    user_model = get_user_model()

    def entry(ib_id, full_name: str = "", email: str = "") -> dict:
        if ib_id not in entries:
            name = (user_model(full_name=full_name, email=email).get_full_name() if ib_id is not None
                    else str(_("onbekende ib'er")))
            entries[ib_id] = {"name": name, "unknown": ib_id is None, "counts": [0] * len(sections)}
        return entries[ib_id]

    for row in table:
        item = entry(row["created_by"], row["created_by__full_name"] or "", row["created_by__email"] or "")
        for key in index:
            if key != "bezwaar":
                item["counts"][index[key]] += row[key]
    for objection in objections:
        entries[author_of[objection["opp_id"]]]["counts"][index["bezwaar"]] += 1
    kept = [e for e in entries.values() if any(e["counts"])]
    return sorted(kept, key=lambda e: (e["unknown"], e["name"].lower()))
