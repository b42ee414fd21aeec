"""The school leader's overview, paged: a school of a thousand plans costs about what one of fifty does.

The sections, their order and their rows are those of `plans.overview.build_sections` (the same selectors, the
same rows), but no row is built, and no plan loaded, for a plan that is not shown:

1. the objections (`OBJECTIONS`, one query; a short list, paged here),
2. every section's plans as small tuples (plan, ib, the date it sorts on), one UNION ALL of the selectors: the
   counts at the top and per ib, the late counts and the paging come from these, so they count every plan,
3. the plans shown (at most `PAGE_SIZE` per section) with what a row shows (pupil, ib, group, dates), once.

Three queries for any number of plans. Counting and sorting the tuples in Python costs well under a millisecond
at a school of 1,000 plans (about 550 tuples); building and compiling the selectors cost far more, so for a user
who sees the whole school (every user of the page) the union comes as SQL compiled once a day
(`_school_members`, `opp_portal.replay`).
"""

import datetime
from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, QuerySet, Value
from django.db.models.fields import CharField, DateField, DateTimeField
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opp_portal.replay import Replayed, one_array

from .deadlines import (
    ADOPTION_WARNING_DAYS,
    ADOPTION_WINDOW,
    EVALUATION_WARNING_DAYS,
    due_from_start,
)
from .models import Opp, OppQuerySet
from .overview import (
    PAGE_SIZE,
    Row,
    Section,
    ShownIb,
    ShownPlan,
    ShownPupil,
    _deadline_row,
    _sent_row,
    leader_sections,
    pages_shown,
    set_page_links,
    with_urls,
)
from .requirements import registered
from .selectors import (
    INSTEMMING_WAITING_DAYS,
    MISSING_HEARING,
    adoptions_due,
    evaluations_due,
    objection_rows,
    ready_to_adopt,
    waiting_for_instemming,
    with_row_data,
    with_sent_at,
    without_hearing,
)


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


# Stand-ins for the values the overview's queries are replayed with (`opp_portal.replay`): no school has a
# negative id, no plan was sent in 1901.
_SCHOOLS = (-712_345, -712_346)
_CUTOFFS = (datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC), datetime.datetime(1901, 1, 2, tzinfo=datetime.UTC))
_PLAN_IDS = ([-712_345], [-712_346])


def _sections(plans: OppQuerySet, *, today: datetime.date, now: datetime.datetime, objected: set[int]) -> dict:
    """Each section's plans: the selectors of `build_lists` (ordered in Python, by `_SORT_DAY` or `_SORT_AT`)."""
    return {
        "klaar": with_sent_at(ready_to_adopt(plans)),
        "vaststellen": adoptions_due(plans, today=today),
        "evalueren": evaluations_due(plans, today=today),
        # Ready and objected plans are left out in Python: asked here as `pk NOT IN (...)` the planner ran the
        # whole ready check once per plan of the school.
        "instemming": waiting_for_instemming(plans, now=now, days=INSTEMMING_WAITING_DAYS),
        "hoorrecht": without_hearing(plans),
        "bezwaar": plans.filter(pk__in=objected),  # the plans objected to, for the counts per ib
    }


# What each section sorts on (then the plan's pk), as its selector orders it.
_SORT_DAY = {"vaststellen": "adoption_start", "evalueren": "next_evaluation_due"}
_SORT_AT = {"klaar": "sent_version_at", "instemming": "sent_version_at", "hoorrecht": "created_at"}
# The ib's name is read once per ib (`_ib_counts`), not joined per plan: the join's plan flipped with the
# statistics to a scan of every user per row (5 ms more on a school of 1,000 plans).
_COLUMNS = ("section_key", "plan", "ib", "sort_day", "sort_at")
_SECTION_KEYS = ("klaar", "vaststellen", "evalueren", "instemming", "hoorrecht")
# What a row reads of its plan and pupil (`overview._sent_row`, `_deadline_row`, the groups and the `overview_rows`
# tag), as tuples made into `ShownPlan`s: making the plan, pupil and ib models of 150 rows took more time than the
# query (issue 12). The ib is the one `_ibs` read for the counts.
# The annotation last: a replayed `values_list` gives the columns in the SQL's order, which puts annotations last.
_ROW_COLUMNS = ("pk", "uuid", "status", "kind", "created_at", "created_by", "pupil__first_name", "pupil__name_prefix",
                "pupil__last_name", "current_group")


def _union(sections: dict) -> QuerySet:
    """Every plan of every section as a small tuple (`_COLUMNS`), in one query (UNION ALL)."""
    parts = []
    for key, queryset in sections.items():
        day = F(_SORT_DAY[key]) if key in _SORT_DAY else Value(None, output_field=DateField())
        at = F(_SORT_AT[key]) if key in _SORT_AT else Value(None, output_field=DateTimeField())
        parts.append(queryset.order_by().annotate(
            section_key=Value(key, output_field=CharField()), plan=F("pk"), ib=F("created_by"), sort_day=day,
            sort_at=at,
        ).values_list(*_COLUMNS))
    return parts[0].union(*parts[1:], all=True).order_by()


def _grouped(rows, keys) -> dict[str, list[tuple]]:
    """The union's tuples per section, each section in its selector's order."""
    members: dict[str, list[tuple]] = {key: [] for key in keys}
    for item in rows:
        members[item[0]].append(item)
    for key, items in members.items():
        column = 4 if key in _SORT_AT else 3
        # As the database orders (NULLs last, then the pk); none of the sections lets a NULL through today.
        items.sort(key=lambda item: (item[column] is None, item[column] if item[column] is not None else 0, item[1]))
    return members


def _members(sections: dict) -> dict[str, list[tuple]]:
    """What the counts per ib, the late counts and the paging need, without building a row (or loading a plan)
    for a plan that is not shown."""
    return _grouped(_union(sections), sections)


# The sections of a whole school (all but the objections, which change with every request), compiled once per day
# and replayed for any school: building and compiling them cost 8 ms a request, PostgreSQL 1 ms (issue 12).
_SCHOOL_SECTIONS = Replayed("overview.sections", {"school_id": _SCHOOLS, "cutoff": _CUTOFFS, "objected": _PLAN_IDS})
# The shown plans of a whole school, likewise: compiling the query cost more than PostgreSQL answering it.
_SCHOOL_ROWS = Replayed("overview.rows", {"school_id": _SCHOOLS, "ids": _PLAN_IDS})
_IBS = Replayed("overview.ibs", {"ids": _PLAN_IDS})


def _school_members(plans: OppQuerySet, school_id: int, *, today: datetime.date, now: datetime.datetime,
                    objected: set[int]) -> dict[str, list[tuple]] | None:
    """`_members(_sections(...))` for every plan of the school, from the replayed SQL; None where it cannot be
    replayed (a blocking requirement without a filter, another database)."""
    connection = connections[plans.db]
    requirements = tuple(registered())
    if connection.vendor != "postgresql" or any(r.blocks_adoption and r.met_filter is None for r in requirements):
        return None
    waiting = datetime.timedelta(days=INSTEMMING_WAITING_DAYS)

    def build(school_id: int, cutoff: datetime.datetime, objected: list[int]) -> QuerySet:
        school = Opp.objects.filter(school_id=school_id)
        sections = _sections(school, today=today, now=cutoff + waiting, objected=set())
        sections["bezwaar"] = school.filter(pk__in=one_array(objected, plans.db))  # the same SQL for any plans
        return _union(sections)

    found = _SCHOOL_SECTIONS.sql(build, (today, *requirements, MISSING_HEARING.get()), school_id=school_id,
                                 cutoff=now - waiting, objected=sorted(objected))
    if found is None:
        return None
    sql, params = found
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _grouped(rows, (*_SECTION_KEYS, "bezwaar"))


def overview_sections(plans: OppQuerySet, query: QueryDict, *, today: datetime.date | None = None,
                      now: datetime.datetime | None = None, whole_school_id: int | None = None,
                      ) -> tuple[list[Section], list[dict]]:
    """The leader's sections with the page of rows asked for in `query`, and the counts per ib (every plan).
    `whole_school_id`: `plans` are every plan of that school (the user may see each one), so the sections and
    the objections come from SQL compiled once (`_school_members`, `opp_portal.replay`)."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    objections = objection_rows(plans, school_id=whole_school_id)
    objected = {o["opp_id"] for o in objections}
    members = (_school_members(plans, whole_school_id, today=today, now=now, objected=objected)
               if whole_school_id is not None else None)
    if members is None:
        members = _members(_sections(plans, today=today, now=now, objected=objected))
    # Waiting plans that are ready or objected to are listed there, not as waiting (as `build_lists` does).
    author_of = {item[1]: item for item in members.pop("bezwaar")}  # only plans the user may see
    settled = {item[1] for item in members["klaar"]} | set(author_of)
    members["instemming"] = [item for item in members["instemming"] if item[1] not in settled]
    objections = [o for o in objections if o["opp_id"] in author_of]

    sections = leader_sections({key: [] for key in (*members, "bezwaar")})
    late = {
        # Rule 7's deadline is six weeks after the start: past when the start is more than six weeks ago.
        "vaststellen": sum(1 for item in members["vaststellen"] if item[3] < today - ADOPTION_WINDOW),
        "evalueren": sum(1 for item in members["evalueren"] if item[3] < today),
        "instemming": len(members["instemming"]),  # every plan listed there has waited too long
        "bezwaar": sum(1 for o in objections if o["decision"] == "niet_akkoord"),
    }
    shown: dict[str, list[tuple]] = {}
    shown_objections: list[dict] = []
    for section in sections:
        listed = objections if section.key == "bezwaar" else members[section.key]
        section.total, section.late_total = len(listed), late.get(section.key, 0)
        section.page = Paginator(_Counted(section.total), PAGE_SIZE).get_page(query.get(f"pagina-{section.key}"))
        start = (section.page.number - 1) * PAGE_SIZE
        if section.key == "bezwaar":
            shown_objections = objections[start:start + PAGE_SIZE]
        else:
            shown[section.key] = members[section.key][start:start + PAGE_SIZE]
    wanted = {item[1] for items in shown.values() for item in items} | {o["opp_id"] for o in shown_objections}
    ibs = _ibs(plans, members, objections, author_of)
    by_pk = _shown_plans(plans, wanted, ibs, whole_school_id)
    rows = _rows(shown, by_pk, today)
    rows["bezwaar"] = [
        Row(opp=by_pk[o["opp_id"]], day=timezone.localtime(o["decided_at"]).date(), days=None, text=o["label"],
            urgency="late" if o["decision"] == "niet_akkoord" else "soon", who=o["name"])
        for o in shown_objections if o["opp_id"] in by_pk
    ]
    shown_query = pages_shown(sections, query)
    for section in sections:
        section.rows = with_urls(rows.get(section.key, []))
        assert section.page is not None
        section.page.object_list = section.rows
        set_page_links(section, shown_query)
    return sections, _ib_counts(sections, members, objections, author_of, ibs)


def _shown_plans(plans: OppQuerySet, wanted: set[int], ibs: dict[int, ShownIb],
                 whole_school_id: int | None) -> dict[int, ShownPlan]:
    """The shown plans (of `plans`: what the user may see) by pk, as a row shows them."""
    if not wanted:
        return {}

    def build(plans: OppQuerySet, ids: list[int]) -> QuerySet:
        return with_row_data(plans).order_by().filter(pk__in=one_array(ids, plans.db)).values_list(*_ROW_COLUMNS)

    ids = sorted(wanted)
    if whole_school_id is not None:
        # `with_row_data` reads the day (the pupil's current group): the compiled query is the day's.
        found = _SCHOOL_ROWS.rows(lambda school_id, ids: build(Opp.objects.filter(school_id=school_id), ids),
                                  (timezone.localdate(),), school_id=whole_school_id, ids=ids)
    else:
        found = list(build(plans, ids))
    return {
        pk: ShownPlan(pk, uuid, status, kind, created_at, ib_id, ibs.get(ib_id) if ib_id is not None else None,
                      ShownPupil(first_name, name_prefix, last_name), group)
        for pk, uuid, status, kind, created_at, ib_id, first_name, name_prefix, last_name, group in found
    }


def _rows(shown: dict[str, list[tuple]], by_pk: dict[int, ShownPlan], today: datetime.date) -> dict[str, list[Row]]:
    """The rows of the shown plans (in their section's order), built as `build_lists` builds them; the date a
    section sorts on comes with the plan's tuple (`_members`), not from the plan query again."""
    rows: dict[str, list[Row]] = {}
    for key, items in shown.items():
        listed = [(by_pk[item[1]], item[3], item[4]) for item in items if item[1] in by_pk]
        if key in ("klaar", "instemming"):
            for opp, _day, sent_at in listed:
                opp.sent_version_at = sent_at
            text = str(_("klaar om vast te stellen")) if key == "klaar" else ""
            rows[key] = [_sent_row(opp, today, text=text, urgency="" if key == "klaar" else "late")
                         for opp, _day, _at in listed]
        elif key == "vaststellen":
            rows[key] = [_deadline_row(opp, due, today, ADOPTION_WARNING_DAYS) for opp, start, _at in listed
                         if (due := due_from_start(start)) is not None]
        elif key == "evalueren":
            rows[key] = [_deadline_row(opp, day, today, EVALUATION_WARNING_DAYS) for opp, day, _at in listed]
        else:
            rows[key] = [Row(opp=opp, day=timezone.localtime(opp.created_at).date(), days=None,
                             text=str(_("hoorrecht nog niet vastgelegd")), urgency="") for opp, _day, _at in listed]
    return rows


def _ibs(plans: OppQuerySet, members: dict[str, list[tuple]], objections: list[dict],
         author_of: dict[int, tuple]) -> dict[int, ShownIb]:
    """The ib (author) of every plan counted, by pk: names for the counts, and each shown row's ib."""
    ib_ids = {item[2] for items in members.values() for item in items if item[2] is not None}
    ib_ids |= {author_of[o["opp_id"]][2] for o in objections if author_of[o["opp_id"]][2] is not None}
    if not ib_ids:
        return {}

    def build(ids: list[int]) -> QuerySet:
        return (get_user_model().objects.filter(pk__in=one_array(ids, plans.db))
                .values_list("pk", "full_name", "email"))

    return {pk: ShownIb(pk, full_name, email) for pk, full_name, email in _IBS.rows(build, (), ids=sorted(ib_ids))}


def _ib_counts(sections: list[Section], members: dict[str, list[tuple]], objections: list[dict],
               author_of: dict[int, tuple], ibs: dict[int, ShownIb]) -> list[dict]:
    """Per ib: how many plans (objections: decisions) each section holds, for the summary table at the top."""
    entries: dict[Any, dict] = {}
    names = {pk: user.get_full_name() for pk, user in ibs.items()}

    def count(index: int, item: tuple) -> None:
        ib_id = item[2]
        if ib_id not in entries:
            name = names.get(ib_id, "") if ib_id is not None else str(_("onbekende ib'er"))
            entries[ib_id] = {"name": name, "unknown": ib_id is None, "counts": [0] * len(sections)}
        entries[ib_id]["counts"][index] += 1

    for index, section in enumerate(sections):
        if section.key == "bezwaar":
            for objection in objections:
                count(index, author_of[objection["opp_id"]])
        else:
            for item in members[section.key]:
                count(index, item)
    return sorted(entries.values(), key=lambda e: (e["unknown"], e["name"].lower()))
