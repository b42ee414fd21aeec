"""Rule 7 (adopt within six weeks) and rule 8 (evaluate at least yearly): due dates, warnings, flags.

Rule 7 has one implementation: `with_adoption_start`, a queryset annotation. The overview and the calendar use
it for any number of plans in one query; the plan page asks it for one plan (`adoption_due_date`); the start
form asks the same rule (`adopted_since_enrolment`) before the plan exists (`start_counts_from_enrolment`).
The due date is `due_from_start` and the warning or flag is `mark`, for one plan and for a list alike.

Six weeks count from the enrolment (or placement) for a pupil's first plan at an sbo, so, vso or pro school,
and from the start of extra support otherwise: at bao and vo, and for every follow-up plan after a plan of the
same enrolment was adopted (a new plan after one ended does not count from an enrolment of years ago).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, DateField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from schools.models import Enrolment, SchoolType

from .models import Opp, OppKind, OppQuerySet

ADOPTION_WINDOW = datetime.timedelta(weeks=6)
# The portal warns this long before a deadline falls due, and flags it after.
ADOPTION_WARNING_DAYS = 14
EVALUATION_WARNING_DAYS = 30
# At these schools every pupil has an OPP, the first due six weeks after enrolment or placement.
FROM_ENROLMENT = (SchoolType.SBO, SchoolType.SO, SchoolType.VSO, SchoolType.PRO)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _day(field: str):
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


# --- rule 7: the one implementation --------------------------------------------------------------------------

def with_adoption_start(plans: OppQuerySet) -> OppQuerySet:
    """Annotate `adoption_start`, the day rule 7's six weeks start (NULL: no legal deadline), and
    `enrolled_on`, the enrolment the plan belongs to.

    The enrolment is the one at the plan's school on or before the day the plan was started (else the
    latest). A plan is a follow-up when an earlier plan of the pupil at that school, started since that
    enrolment, was adopted.
    """
    plans = plans.annotate(_created_day=_day("created_at"))
    enrolments = Enrolment.objects.filter(pupil_id=OuterRef("pupil_id"), school_id=OuterRef("school_id"))
    before_start = (
        enrolments.filter(enrolment_date__lte=OuterRef("_created_day")).order_by("-enrolment_date")
        .values("enrolment_date")[:1]
    )
    latest = enrolments.order_by("-enrolment_date").values("enrolment_date")[:1]
    plans = plans.annotate(enrolled_on=Coalesce(Subquery(before_start, output_field=DateField()),
                                                Subquery(latest, output_field=DateField())))
    earlier_adopted = adopted_since_enrolment(pupil_id=OuterRef("pupil_id"), school_id=OuterRef("school_id"),
                                              enrolled_on=OuterRef("enrolled_on"), before=OuterRef("created_at"))
    from_support = Coalesce(F("support_start_date"), F("_created_day"))
    return plans.annotate(
        follow_up=Exists(earlier_adopted),
        adoption_start=Case(
            When(kind=OppKind.BASISONDERSTEUNING, then=Value(None, output_field=DateField())),
            # The school type first: PostgreSQL tests a CASE's conditions in the order written, and at a bao (most
            # schools) the follow-up check, a subquery per plan, is then never run (0.7 ms on the overview, issue 12).
            When(Q(school_type__in=FROM_ENROLMENT) & Q(follow_up=False), then=F("enrolled_on")),
            default=from_support,
            output_field=DateField(),
        ),
    )


def adopted_since_enrolment(*, pupil_id, school_id, enrolled_on, before) -> QuerySet:
    """Plans of the pupil at the school, started on or after `enrolled_on` and before `before`, that were adopted.
    A plan started after one of them is a follow-up: its six weeks count from the start of extra support."""
    return Opp.objects.annotate(_started=_day("created_at")).filter(
        pupil_id=pupil_id, school_id=school_id, created_at__lt=before, adopted_on__isnull=False,
        _started__gte=enrolled_on)


def start_counts_from_enrolment(*, pupil, school, enrolment: Enrolment) -> datetime.date | None:
    """For a plan started now (not yet saved): the enrolment date its six weeks would count from, or None when
    they count from the start of extra support. The same rule as `with_adoption_start`, asked before the plan
    exists (the start form says which date applies)."""
    if school.school_type not in FROM_ENROLMENT:
        return None
    follow_up = adopted_since_enrolment(pupil_id=pupil.pk, school_id=school.pk, enrolled_on=enrolment.enrolment_date,
                                        before=timezone.now()).exists()
    return None if follow_up else enrolment.enrolment_date


def due_from_start(start: datetime.date | None) -> datetime.date | None:
    try:
        return start + ADOPTION_WINDOW if start else None
    except OverflowError:  # a start stored before dates were bounded (9999-12-31) has no deadline to show
        return None


def adoption_start(opp: Opp) -> datetime.date | None:
    """The day the six weeks of rule 7 start counting for `opp` (one query)."""
    if opp.pk is None:
        return None
    row = with_adoption_start(Opp.objects.filter(pk=opp.pk)).values_list("adoption_start", flat=True)
    return row.first()


def adoption_due_date(opp: Opp) -> datetime.date | None:
    """Rule 7: six weeks after enrolment (a first plan at sbo, so, vso, pro) or after the start of extra support."""
    return due_from_start(adoption_start(opp))


# --- how a deadline is shown, on the overview and on the plan page alike ------------------------------------
# Warning before and flagging after (rules 7 and 8) is `mark`: the plan page (`marks_for`), the overview's rows
# and the ib's list all ask it, so "soon" and "late" mean the same everywhere. Which plans have a deadline at
# all is, for many plans at once, `plans.selectors.adoption_deadlines` and `evaluation_deadlines`.

def days_text(days: int) -> str:
    """Plain Dutch for a distance to a deadline: "over 5 dagen", "vandaag", "12 dagen te laat"."""
    if days == 0:
        return str(_("vandaag"))
    if days == 1:
        return str(_("morgen"))
    if days > 1:
        return ngettext("over %(n)d dag", "over %(n)d dagen", days) % {"n": days}
    late = -days
    return ngettext("%(n)d dag te laat", "%(n)d dagen te laat", late) % {"n": late}


@dataclass(frozen=True)
class Mark:
    """A deadline with its distance in words and its urgency: "late" (past), "soon" (warning) or ""."""

    label: str
    day: datetime.date
    days: int
    text: str
    urgency: str


def mark(label: str, day: datetime.date, *, soon_days: int, today: datetime.date | None = None) -> Mark:
    days = (day - _today(today)).days
    urgency = "late" if days < 0 else ("soon" if days <= soon_days else "")
    return Mark(label=label, day=day, days=days, text=days_text(days), urgency=urgency)


def marks_for(opp: Opp, *, today: datetime.date | None = None) -> list[Mark]:
    """The deadlines the plan page shows: adoption until the plan is adopted, then the next evaluation."""
    marks = []
    if opp.adopted_on is None and opp.ended_on is None:
        due = adoption_due_date(opp)
        if due is not None:
            marks.append(mark(str(_("Uiterlijk vaststellen")), due, soon_days=ADOPTION_WARNING_DAYS, today=today))
    if opp.is_running and opp.next_evaluation_due is not None:
        marks.append(mark(str(_("Uiterlijk evalueren")), opp.next_evaluation_due,
                          soon_days=EVALUATION_WARNING_DAYS, today=today))
    return marks
