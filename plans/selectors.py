"""Read queries on plans that the overview, the ib's list, the calendar feed and the digest share.

Everything here works on querysets, so a page with thousands of plans costs a fixed number of queries
(`tests/plans/test_overview.py` checks it). Each function takes the plans the user may already see and narrows
them; none decides who may see what. Rule 7's dates come from `plans.deadlines.with_adoption_start`, the one
implementation the plan page uses too; "ready to adopt" is `plans.requirements.ready_to_adopt`, the same
requirements that guard `adopt`.

Two answers come from the consent app, which sits to the right of plans; it answers them when it loads
(`opp_portal.questions`):

- `MISSING_HEARING(plans)`: of the plans being drawn up, adjusted or waiting (`HEARING_STATUSES`), those without
  a hearing that counts for their draft or version. Unanswered, every one of them is listed ("the portal cannot
  know yet, so it errs on the side of asking").
- `OBJECTIONS(plans, school_id=None)`: one row per deciding party whose latest decision on the version waiting is "niet
  akkoord" or "eerst een gesprek": {"opp_id", "name", "decision", "label", "decided_at", "key"}. Unanswered,
  the list is empty.
"""

import datetime
from collections.abc import Callable

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from opp_portal.questions import Question
from schools.models import Enrolment, School

from .deadlines import EVALUATION_WARNING_DAYS, with_adoption_start
from .models import Opp, OppQuerySet, OppStatus, OppVersion
from .requirements import ready_to_adopt

__all__ = [
    "HEARING_STATUSES", "INSTEMMING_WAITING_DAYS", "MISSING_HEARING", "OBJECTIONS", "adoption_deadlines",
    "adoptions_due", "evaluation_deadlines", "evaluations_due", "objection_rows",
    "overview_plans", "ready_keys", "ready_to_adopt", "waiting_for_instemming", "with_row_data", "with_sent_at",
    "without_hearing",
]

# Rule 2-4 in practice: parents who have not answered after two weeks need a reminder or a conversation.
INSTEMMING_WAITING_DAYS = 14
# Plans the pupil must (still) be heard about: being drawn up or being adjusted (rule 5).
HEARING_STATUSES = (OppStatus.CONCEPT, OppStatus.IN_OVERLEG, OppStatus.TER_INSTEMMING, OppStatus.BIJGESTELD)

MISSING_HEARING: Question[Callable[[QuerySet], QuerySet]] = Question(
    "plans.missing_hearing", default=lambda plans: plans,
    doc="Of these plans (being drawn up, adjusted or waiting), those whose pupil was not heard yet.")
OBJECTIONS: Question[Callable[..., list[dict]]] = Question(
    "plans.objections", default=lambda plans, school_id=None: [],
    doc="Per deciding party who said 'niet akkoord' or asked for a conversation on the version waiting: a row. "
        "`school_id`: `plans` are every plan of that school (the answer may come from SQL compiled once).")


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def overview_plans(user, school: School) -> OppQuerySet:
    """The plans of `school` that `user` may read; the overview's starting point."""
    return Opp.objects.visible_to(user).filter(school=school)


# --- rule 7: adoption within six weeks -------------------------------------------------------------------

def adoption_deadlines(plans: OppQuerySet) -> OppQuerySet:
    """Plans not yet adopted and not ended that have a rule-7 deadline, earliest first."""
    return (
        with_adoption_start(plans.filter(adopted_on__isnull=True, ended_on__isnull=True).not_ended())
        .filter(adoption_start__isnull=False)
        .order_by("adoption_start", "pk")
    )


def adoptions_due(plans: OppQuerySet, *, today: datetime.date | None = None) -> OppQuerySet:
    """Adoptions whose six-week window has started (due within it) or has passed."""
    return adoption_deadlines(plans).filter(adoption_start__lte=_today(today))


# --- rule 8: evaluation at least once a year ---------------------------------------------------------------

def evaluation_deadlines(plans: OppQuerySet) -> OppQuerySet:
    """Running plans with a next evaluation date, earliest first."""
    return plans.running().filter(next_evaluation_due__isnull=False).order_by("next_evaluation_due", "pk")


def evaluations_due(plans: OppQuerySet, *, today: datetime.date | None = None,
                    days: int = EVALUATION_WARNING_DAYS) -> OppQuerySet:
    """Evaluations due within `days` days, and overdue ones."""
    return evaluation_deadlines(plans).filter(
        next_evaluation_due__lte=_today(today) + datetime.timedelta(days=days)
    )


# --- instemming: ready, objections, waiting; missing hearing ------------------------------------------------

def with_sent_at(plans: QuerySet) -> QuerySet:
    latest = OppVersion.objects.filter(opp_id=OuterRef("pk")).order_by("-number").values("created_at")[:1]
    return plans.annotate(sent_version_at=Subquery(latest))


def ready_keys(plans: OppQuerySet) -> list[str]:
    """Neutral keys of the plans ready to adopt, one per version ("ready:<plan uuid>:<version>")."""
    return [f"ready:{uuid}:{number}" for uuid, number in ready_to_adopt(plans).values_list("uuid", "judged_number")]


def objection_rows(plans: OppQuerySet, *, school_id: int | None = None) -> list[dict]:
    """`OBJECTIONS(plans)`; `school_id` only when `plans` are every plan of that school."""
    return OBJECTIONS(plans, school_id=school_id)


def waiting_for_instemming(plans: OppQuerySet, *, now: datetime.datetime | None = None,
                           days: int = INSTEMMING_WAITING_DAYS, exclude=()) -> QuerySet:
    """Plans ter instemming whose latest version was sent more than `days` days ago; longest waiting first."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return (
        with_sent_at(plans.filter(status=OppStatus.TER_INSTEMMING).exclude(pk__in=list(exclude)))
        .filter(sent_version_at__lt=cutoff)
        .order_by("sent_version_at", "pk")
    )


def without_hearing(plans: OppQuerySet) -> OppQuerySet:
    """Plans whose pupil has no recorded hearing yet; see the module docstring for the unanswered case."""
    return MISSING_HEARING(plans.filter(status__in=HEARING_STATUSES))


def hearing_is_recorded_in_portal() -> bool:
    """Whether an app answers the hearing question; if not, the overview lists every plan being drawn up."""
    return MISSING_HEARING.is_answered


# --- the rows of a list -------------------------------------------------------------------------------------

def with_row_data(plans: OppQuerySet) -> OppQuerySet:
    """Everything a row shows, in the same query: pupil, ib, school and the pupil's current group."""
    group = (
        Enrolment.objects.current().filter(pupil_id=OuterRef("pupil_id"), school_id=OuterRef("school_id"))
        .order_by("-enrolment_date").values("group")[:1]
    )
    return plans.select_related("pupil", "school", "created_by").annotate(current_group=Subquery(group))
