"""What a parent's plan page shows beside the plan, read in one query (issue 12).

The page showed the plan with the family's own records around it: their recipient row and decisions, whether
the school could not reach a guardian, the latest evaluation per goal, what the pupil said last, the last OOGO,
the ib to contact, their own views. Each was a queryset built through the family's `visible_to`, about ten per
request, and building them cost more than PostgreSQL spent on them. `read_family_records` reads them together
as plain sets of one plan, built from plain values (the plan, the shown version, the user's id and address),
compiled once per shape and replayed (`opp_portal.replay`).

Only for a plan the page reached through `consent.access.child_opps(user)`: for such a plan the family's half
of every `visible_to` holds for every OOGO meeting, hearing and evaluation of it (they are the parents' once the
plan was sent, which is what reaching it means), so the sets are the plan's; the sets that are the user's own
(recipients, decisions, views) keep their filter on the user (`person_q`, the author). The adult pupil's page
reads its own way (the pupil does not see the OOGO meetings).
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from opp_portal.replay import Replayed
from opp_portal.together import read_together_replayed
from plans.models import Evaluation, EvaluationOutcome, Opp, OppVersion
from schools.models import Membership, Role, User

from .models import (
    LATEST_FIRST,
    Hearing,
    InstemmingDecision,
    InstemmingRecipient,
    InstemmingRequest,
    OogoMeeting,
    ParentView,
    Unreachability,
    person_q,
)
from .records import link

KEY = "_family_records"  # on the plan instance of one request; dropped by `Opp.forget_history`


@dataclass
class FamilyRecords:
    """The sets of one plan a parent's page shows, as read for `user_id` and the shown version."""

    user_id: int
    version_id: int | None
    recipients: list[InstemmingRecipient]  # the user's own rows on any version of the plan
    decisions: list[InstemmingDecision]  # the user's own, newest first (`LATEST_FIRST`)
    unreachable: list[Unreachability]  # open records on the shown version, each with its recipient
    evaluations: list[Evaluation]
    outcomes: list[EvaluationOutcome]
    hearings: list[Hearing]
    meetings: list[OogoMeeting]
    requests: list[InstemmingRequest]
    views: list[ParentView]  # the user's own
    requesters: dict[int, User]
    ib_user_ids: set[int]  # requesters who are ib of the plan's school

    def recipient_for(self, version: OppVersion | None) -> InstemmingRecipient | None:
        """The user's latest recipient row for exactly this version (as `_plan.my_recipient` asks it)."""
        if version is None:
            return None
        rows = [r for r in self.recipients if r.request.version_id == version.pk]
        return max(rows, key=lambda r: r.pk, default=None)


_SHAPES: dict[bool, Replayed] = {}
_STAND_INS: dict[str, tuple[Any, Any]] = {
    "opp_id": (-830_001, -830_002), "school_id": (-830_003, -830_004), "user_id": (-830_005, -830_006),
    "email": ("stand-in-a@replay.invalid", "stand-in-b@replay.invalid"), "version_id": (-830_007, -830_008),
}


def read_family_records(opp: Opp, version: OppVersion | None, user) -> FamilyRecords:
    """The family sets of `opp` (reached through `child_opps(user)`) for the shown `version`, in one query,
    remembered on the plan instance for the rest of the request."""
    kept = opp.__dict__.get(KEY)
    if kept is not None and kept.user_id == user.pk and kept.version_id == (version.pk if version else None):
        return kept
    values: dict[str, Any] = {"opp_id": opp.pk, "school_id": opp.school_id, "user_id": user.pk, "email": user.email}
    if version is not None:
        values["version_id"] = version.pk
    shape = version is not None
    replayed = _SHAPES.get(shape)
    if replayed is None:
        replayed = _SHAPES.setdefault(shape, Replayed(f"consent.family_records version={shape}",
                                                      {name: _STAND_INS[name] for name in values}))
    found = read_together_replayed(replayed, _parts, **values)
    records = _linked(opp, found, user.pk, version)
    opp.__dict__[KEY] = records
    return records


def forget(opp: Opp) -> None:
    """A write of this request changed what the family sees (their recipient was marked opened)."""
    opp.__dict__.pop(KEY, None)


def _parts(*, opp_id: int, school_id: int, user_id: int, email: str, version_id: int | None = None
           ) -> dict[str, QuerySet]:
    user = User(pk=user_id, email=email)
    mine = InstemmingRecipient.objects.filter(person_q(user), request__version__opp_id=opp_id)
    requests = InstemmingRequest.objects.filter(version__opp_id=opp_id)
    # Each set in the order the page asked it in (`read_together` keeps it): the first is the latest.
    parts: dict[str, QuerySet] = {
        "recipients": mine.order_by("-pk"),
        "decisions": InstemmingDecision.objects.filter(recipient__in=mine.values("pk"), version__opp_id=opp_id)
        .order_by(*LATEST_FIRST),
        "evaluations": Evaluation.objects.filter(opp_id=opp_id).order_by("-evaluated_on", "-pk"),
        "outcomes": EvaluationOutcome.objects.filter(evaluation__opp_id=opp_id),
        "hearings": Hearing.objects.filter(opp_id=opp_id, heard=True).order_by("-heard_on", "-created_at"),
        "meetings": OogoMeeting.objects.filter(opp_id=opp_id).order_by("-held_on", "-pk"),
        "requests": requests.order_by("-created_at", "-pk"),
        "views": ParentView.objects.filter(opp_id=opp_id, author_id=user_id),
        "requesters": User.objects.filter(pk__in=requests.values("requested_by_id")),
        "ib_memberships": Membership.objects.filter(user__in=requests.values("requested_by_id"), role=Role.IB,
                                                    school_id=school_id),
    }
    if version_id is not None:
        unreachable = Unreachability.objects.filter(recipient__request__version_id=version_id,
                                                    withdrawn_at__isnull=True)
        parts.update(unreachable=unreachable,
                     unreachable_recipients=InstemmingRecipient.objects.filter(
                         pk__in=unreachable.values("recipient_id")).order_by("pk"))
    return parts


def _linked(opp: Opp, found: dict, user_id: int, version: OppVersion | None) -> FamilyRecords:
    """Give the records the related objects the page reads, from the other sets and the plan's history."""
    versions = {v.pk: v for v in opp.read_history()}
    requests = {r.pk: r for r in found["requests"]}
    recipients = {r.pk: r for r in found["recipients"] + found.get("unreachable_recipients", [])}
    evaluations = {e.pk: e for e in found["evaluations"]}
    for request in requests.values():
        link(request, "version", versions)
    for recipient in recipients.values():
        link(recipient, "request", requests)
    for decision in found["decisions"]:
        link(decision, "recipient", recipients)
        link(decision, "version", versions)
    for outcome in found["outcomes"]:
        link(outcome, "evaluation", evaluations)
    for view in found["views"]:
        link(view, "version", versions)
    for item in found.get("unreachable", []):
        link(item, "recipient", recipients)
    return FamilyRecords(
        user_id=user_id, version_id=version.pk if version else None, recipients=found["recipients"],
        decisions=found["decisions"], unreachable=found.get("unreachable", []), evaluations=found["evaluations"],
        outcomes=found["outcomes"], hearings=found["hearings"], meetings=found["meetings"],
        requests=found["requests"], views=found["views"],
        requesters={u.pk: u for u in found["requesters"]},
        ib_user_ids={m.user_id for m in found["ib_memberships"]},
    )
