"""A plan's consent records for one page, read once (issue 12).

The plan page shows the checklist (which counts OOGO meetings, evaluations, hearings, the deciding parties and
their decisions: `consent.requirements`) beside the consent panel (the same tables, as the user may see them);
the school's consent page shows them all in full. Read one table at a time that was most of each page's budget
of queries. `read_records` reads every set such a page needs in one query (`opp_portal.together`), each set
still written as its own queryset: the rules' own filters (`meetings_counted`, `InstemmingDecision.on`, ...)
for the checklist, the staff's half of `visible_to(user)` for what the user is shown (`_staff`). It attaches
them to the plan instance of this request; the answers to the requirements use them when they judge the same
version, and read the database themselves otherwise (a service, a test, another version).

Records are read after a request's writes and live as long as the plan instance (one request; `Opp.forget_history`
drops them), so they are never stale where they are used.
"""

import datetime
import functools
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from opp_portal.replay import Replayed
from opp_portal.together import read_together, read_together_replayed
from plans.models import Evaluation, Opp, OppVersion
from plans.requirements import Bounds, window
from schools.access import may_edit_school
from schools.models import Guardian, Pupil, User

from .access import scoped, staff_record_q
from .models import (
    Hearing,
    InstemmingDecision,
    InstemmingRecipient,
    InstemmingRequest,
    OogoMeeting,
    ParentView,
    PupilInvitation,
    Unreachability,
)
from .parties import gezag_guardians
from .requirements import evaluations_counted, hearings_counted, meetings_counted

KEY = "_page_records"  # dropped by `Opp.forget_history` with the rest of what the instance remembered
NOT_JUDGED = object()


@dataclass
class PlanRecords:
    """What `read_records` read. The rule sets (for `judged`) feed the checklist; the shown sets (`meetings`,
    `hearings`, ..., for the latest version and the user) the panel and the consent page."""

    judged: object  # the version the rule sets were read for (None: the draft; NOT_JUDGED: none were read)
    latest: OppVersion | None
    user: Any = None  # whom the shown sets were read for (None: none were read)
    full: bool = False
    counted_meetings: list = field(default_factory=list)
    counted_evaluations: list = field(default_factory=list)
    counted_hearings: list = field(default_factory=list)
    guardians: list = field(default_factory=list)  # with gezag, for the deciding parties
    decisions_on: list = field(default_factory=list)  # on the judged version, in DECISION_ORDER
    asked: list = field(default_factory=list)  # the recipients asked about the judged version
    unreachable: list = field(default_factory=list)  # open records of the judged version
    evaluations: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    hearings: list = field(default_factory=list)
    parent_views: list = field(default_factory=list)
    recipients: list = field(default_factory=list)  # visible recipients of the latest version
    latest_decisions: list = field(default_factory=list)  # of those, on the latest version, in DECISION_ORDER
    open_unreachable: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    invitations: list = field(default_factory=list)

    def read_for(self, user, *, full: bool = False) -> bool:
        return self.user is not None and user is not None and self.user.pk == user.pk and (self.full or not full)

    def judges(self, version: OppVersion | None) -> bool:
        if self.judged is NOT_JUDGED:
            return False
        judged_pk = self.judged.pk if self.judged is not None else None  # type: ignore[attr-defined]
        return judged_pk == (version.pk if version is not None else None)


def attached(opp: Opp, version: OppVersion | None) -> PlanRecords | None:
    """The records read for this page's plan, if they were read for `version`."""
    records = opp.__dict__.get(KEY)
    return records if records is not None and records.judges(version) else None


def shown(opp: Opp) -> PlanRecords | None:
    return opp.__dict__.get(KEY)


# The values a plan's records are read by (`_parts`): two stand-ins each, no real row has them (`opp_portal.replay`).
_UTC = datetime.UTC
_STAND_INS: dict[str, tuple[Any, Any]] = {
    "opp_id": (-810_001, -810_002), "pupil_id": (-810_003, -810_004),
    "judged_id": (-810_005, -810_006), "judged_hash": ("stand-in judged a", "stand-in judged b"),
    "latest_id": (-810_007, -810_008), "latest_hash": ("stand-in latest a", "stand-in latest b"),
    # Version numbers within their field's range: the ORM leaves out a condition on a number out of it.
    "in_force_version_id": (-810_009, -810_010), "in_force_number": (1_810_011, 1_810_012),
    "up_to_number": (1_810_013, 1_810_014),
    "in_force_created_at": (datetime.datetime(1901, 1, 1, tzinfo=_UTC), datetime.datetime(1901, 1, 2, tzinfo=_UTC)),
    "until_created_at": (datetime.datetime(1901, 1, 3, tzinfo=_UTC), datetime.datetime(1901, 1, 4, tzinfo=_UTC)),
    "in_force_adopted_on": (datetime.date(1901, 1, 5), datetime.date(1901, 1, 6)),
    "until_day": (datetime.date(1901, 1, 7), datetime.date(1901, 1, 8)),
}
_BOUND_VALUES = ("in_force_version_id", "in_force_created_at", "in_force_number", "in_force_adopted_on",
                 "up_to_number", "until_created_at", "until_day")


@dataclass(frozen=True)
class _Shape:
    """What the query of `read_records` is made of besides the values: which sets are read, and which of the
    window's bounds are there. One compiled query per shape and process (`_REPLAYED`)."""

    judged: str  # "none" (NOT_JUDGED), "draft" or "version"
    shown: bool  # the sets a staff user sees (the panel's)
    full: bool  # and the consent page's
    latest: bool
    nothing_in_force: bool | None
    bounds: tuple[str, ...]  # the bounds that have a value


_REPLAYED: dict[_Shape, Replayed] = {}


def read_records(opp: Opp, judged=NOT_JUDGED, user=None, *, full: bool = False) -> PlanRecords:
    """Read and attach the plan's records in one query: the rule sets for `judged` (a version, None for the
    draft, or NOT_JUDGED), the sets `user` sees (the panel's; `full`: the consent page's too)."""
    versions = opp.read_history()
    latest = opp.latest_version
    values: dict[str, Any] = {"opp_id": opp.pk, "pupil_id": opp.pupil_id}
    bounds = None
    if judged is not NOT_JUDGED:
        bounds = window(opp, judged).bounds
        values.update((name, getattr(bounds, name)) for name in _BOUND_VALUES if getattr(bounds, name) is not None)
        if judged is not None:
            values.update(judged_id=judged.pk, judged_hash=judged.content_hash)
    if user is not None and latest is not None:
        values.update(latest_id=latest.pk, latest_hash=latest.content_hash)
    shape = _Shape(judged="none" if judged is NOT_JUDGED else "draft" if judged is None else "version",
                   shown=user is not None, full=full and user is not None, latest=latest is not None,
                   nothing_in_force=None if bounds is None else bool(bounds.nothing_in_force),
                   bounds=tuple(name for name in _BOUND_VALUES if name in values))
    # Staff who edit the plan's school (ib, school leader; a superuser) see every record of it (`_staff`).
    if user is None or may_edit_school(user, opp.school_id):
        # Built from the values and the shape alone (no user in it), so compiled once per shape and replayed.
        replayed = _REPLAYED.get(shape)
        if replayed is None:
            replayed = _REPLAYED.setdefault(shape, Replayed(f"consent.records {shape}",
                                                            {name: _STAND_INS[name] for name in values}))
        found = read_together_replayed(replayed, functools.partial(_parts, shape, None), **values)
    else:  # a teacher: the policy's filter depends on the user, so the query is built for them
        found = read_together(_parts(shape, user, **values))
    guardian_sets = sorted(name for name in found if name.startswith("guardians_"))
    found["guardians"] = [g for name in guardian_sets for g in found.pop(name)]
    if shape.full:
        # Who recorded what, for the consent page: a second, plain query by id (as a set of the one query above,
        # a subquery per record set cost more to plan than this whole query costs).
        found["people"] = list(User.objects.filter(pk__in=_people_ids(found)))

    records = PlanRecords(judged=judged, latest=latest, user=user, full=shape.full)
    for name, items in found.items():
        if hasattr(records, name):
            setattr(records, name, items)
    _link(opp, records, found, {v.pk: v for v in versions})
    opp.__dict__[KEY] = records
    return records


def _parts(shape: _Shape, user, **values: Any) -> dict[str, QuerySet]:
    """The record sets of `read_records` as querysets, from the values alone (`user`: only for a reader whose
    filter is in the query, see `_staff`)."""
    opp_id = values["opp_id"]
    pupil = Pupil(pk=values["pupil_id"])
    parts: dict = {"evaluations": Evaluation.objects.filter(opp_id=opp_id), "gezag": gezag_guardians(pupil)}
    # Guardians linked from several sets: one part per set, since one filter with "or" over the sets makes
    # PostgreSQL read every guardian.
    guardian_ids: list = []
    if shape.judged != "none":
        bounds = Bounds(nothing_in_force=bool(shape.nothing_in_force),
                        **{name: values[name] for name in shape.bounds})
        parts.update(counted_meetings=meetings_counted(opp_id, bounds),
                     counted_evaluations=evaluations_counted(opp_id, bounds),
                     counted_hearings=hearings_counted(opp_id, bounds))
        if shape.judged == "version":
            judged = OppVersion(pk=values["judged_id"], content_hash=values["judged_hash"])
            parts.update(decisions_on=InstemmingDecision.objects.on(judged),
                         asked=InstemmingRecipient.objects.filter(request__version=judged).order_by("pk"),
                         unreachable=Unreachability.objects.filter(recipient__request__version=judged,
                                                                   withdrawn_at__isnull=True))
            guardian_ids.append(parts["asked"].values("guardian_id"))
    if shape.shown:
        latest = OppVersion(pk=values["latest_id"], content_hash=values["latest_hash"]) if shape.latest else None
        visible = _staff(InstemmingRecipient.objects.filter(request__version=latest), user,
                         "request__version__opp__")
        parts.update(
            meetings=_staff(OogoMeeting.objects.filter(opp_id=opp_id), user),
            hearings=_staff(Hearing.objects.filter(opp_id=opp_id), user),
            parent_views=_staff(ParentView.objects.filter(opp_id=opp_id), user),
            recipients=visible.order_by("pk"),
            open_unreachable=Unreachability.objects.filter(recipient__in=visible.values("pk"),
                                                           withdrawn_at__isnull=True),
            latest_decisions=(InstemmingDecision.objects.on(latest).filter(recipient__in=visible.values("pk"))
                              if latest is not None else InstemmingDecision.objects.none()),
            recipient_requests=InstemmingRequest.objects.filter(version__opp_id=opp_id),
        )
        guardian_ids += [parts["parent_views"].values("guardian_id"), visible.values("guardian_id")]
        if shape.full:
            decisions = _staff(InstemmingDecision.objects.filter(version__opp_id=opp_id), user,
                               "recipient__request__version__opp__")
            parts.update(
                requests=_staff(InstemmingRequest.objects.filter(version__opp_id=opp_id), user, "version__opp__"),
                decisions=decisions,
                decision_recipients=InstemmingRecipient.objects.filter(
                    pk__in=decisions.values("recipient_id")).order_by("pk"),
                invitations=PupilInvitation.objects.filter(pupil=pupil),
            )
    for n, ids in enumerate(guardian_ids):
        parts[f"guardians_{n}"] = Guardian.objects.filter(pk__in=ids)
    return parts


def _people_ids(found: dict) -> set[int]:
    ids: set[int | None] = set()
    for name, attnames in (("meetings", ("recorded_by_id",)), ("hearings", ("recorded_by_id",)),
                           ("decisions", ("recorded_by_id", "decided_by_id")),
                           ("open_unreachable", ("recorded_by_id", "confirmed_by_id")),
                           ("invitations", ("invited_by_id",))):
        for record in found.get(name, []):
            ids.update(getattr(record, attname) for attname in attnames)
    return {i for i in ids if i is not None}


def _staff(records: QuerySet, user, prefix: str = "opp__") -> QuerySet:
    """What `visible_to(user)` shows of one plan's records on a staff page: its staff half (`staff_record_q`, the
    same policy). The pages that read records (the plan page, its consent panel, the school's consent page)
    show a plan the user reaches as staff of its school, where the family half adds no record; spelled out for
    every set, that half (guardians' and pupils' addresses and accounts) cost PostgreSQL more to plan than all
    the rows cost to read. Someone who does not reach the plan as staff sees nothing here, never more.

    Every set is of this one plan, so for staff who edit the plan's school (ib, school leader) the policy's
    filter holds for every record or for none: `read_records` decides it once (`may_edit_school`) and builds
    the sets without a user (None here), instead of joining the plan in every set (issue 12). A teacher's filter
    depends on the pupil's enrolments and stays in the query."""
    if user is None:
        return records.all()
    return scoped(records, staff_record_q(user, prefix))


def _link(opp: Opp, records: PlanRecords, found: dict, versions: dict) -> None:
    """Give every record the related objects the pages and the checklist read, from the other sets (what
    `select_related` did), so nothing is read again one row at a time."""
    guardians = {g.pk: g for g in found["guardians"] + found["gezag"]}
    evaluations = {e.pk: e for e in found["evaluations"]}
    requests = {r.pk: r for r in found.get("recipient_requests", [])}
    people = {u.pk: u for u in found.get("people", [])}
    pupils = {opp.pupil_id: opp.pupil}
    recipients = {}
    for name in ("asked", "recipients", "decision_recipients"):
        for r in found.get(name, []):
            link(r, "request", requests)
            link(r, "guardian", guardians)
            link(r, "pupil", pupils)
            recipients[r.pk] = r
    for request in list(requests.values()) + found.get("requests", []):
        link(request, "version", versions)
    for name in ("decisions_on", "latest_decisions", "decisions"):
        for d in found.get(name, []):
            link(d, "recipient", recipients)
            link(d, "version", versions)
            link(d, "recorded_by", people)
            link(d, "decided_by", people)
    for name in ("unreachable", "open_unreachable"):
        for u in found.get(name, []):
            link(u, "recipient", recipients)
            link(u, "recorded_by", people)
            link(u, "confirmed_by", people)
    for name in ("counted_hearings", "hearings"):
        for h in found.get(name, []):
            link(h, "version", versions)
            link(h, "evaluation", evaluations)
            link(h, "recorded_by", people)
    for m in found.get("meetings", []):
        link(m, "recorded_by", people)
    for v in found.get("parent_views", []):
        link(v, "guardian", guardians)
        link(v, "version", versions)
    for i in found.get("invitations", []):
        link(i, "invited_by", people)
    for e in found["evaluations"]:
        link(e, "opp", {opp.pk: opp})
    opp.remember_evaluations(found["evaluations"])
    for a in opp.adoption_history:
        link(a, "opp", {opp.pk: opp})
    records.guardians = found["gezag"]


def link(obj, name: str, by_id: dict) -> None:
    """Cache `obj.<name>` from `by_id` (or None for an empty link); a link not found is left to read lazily."""
    descriptor = type(obj).__dict__[name]
    value_id = getattr(obj, descriptor.field.attname)
    if value_id is None:
        descriptor.field.set_cached_value(obj, None)
    elif value_id in by_id:
        descriptor.field.set_cached_value(obj, by_id[value_id])


__all__ = ["NOT_JUDGED", "PlanRecords", "Pupil", "attached", "link", "read_records", "shown"]
