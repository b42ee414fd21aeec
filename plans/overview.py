"""The school leader's overview: deadlines of rules 7 and 8, waiting instemming and missing hearings.

Everything here works on querysets. `plans.deadlines` answers the same questions for one plan in Python;
the annotations below compute the same dates in the database, so a page with thousands of plans costs a
fixed number of queries (`tests/plans/test_overview.py` checks both: same dates, constant query count).

The hearing of the pupil (rule 5) is recorded by the consent app, which sits to the right of plans. The
adoption-requirements registry (`plans.requirements`, key ``"hearing"``) only answers per plan, so it
cannot filter a queryset. This module therefore keeps its own one-slot registry: the consent app calls

    from plans.overview import register_missing_hearing_filter
    register_missing_hearing_filter(
        lambda plans: plans.exclude(Exists(Hearing.objects.filter(opp_id=OuterRef("pk"), ...)))
    )

with a function that receives a queryset of the plans being drawn up or adjusted (concept, in overleg,
ter instemming, bijgesteld: `HEARING_STATUSES`) and returns those *without* a recorded hearing for the
current draft or version (a queryset, built with filters or subqueries, never a list). Until it does, the
overview lists all of those plans as "hoorrecht nog niet vastgelegd": the portal cannot know yet, so it
errs on the side of asking.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Case, DateField, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from schools.models import Enrolment, School

from .deadlines import ADOPTION_WARNING_DAYS, ADOPTION_WINDOW, EVALUATION_WARNING_DAYS, FROM_ENROLMENT
from .models import Opp, OppKind, OppStatus, OppVersion

# Rule 2-4 in practice: parents who have not answered after two weeks need a reminder or a conversation.
INSTEMMING_WAITING_DAYS = 14
# Plans the pupil must (still) be heard about: being drawn up or being adjusted (rule 5).
HEARING_STATUSES = (OppStatus.CONCEPT, OppStatus.IN_OVERLEG, OppStatus.TER_INSTEMMING, OppStatus.BIJGESTELD)

MissingHearingFilter = Callable[[QuerySet], QuerySet]
_missing_hearing_filter: MissingHearingFilter | None = None


def register_missing_hearing_filter(fn: MissingHearingFilter) -> MissingHearingFilter:
    """The consent app supplies how to find plans without a recorded hearing (see the module docstring).

    `fn(plans)` gets a queryset of the plans being drawn up or adjusted (`HEARING_STATUSES`) and returns
    those whose pupil has not been heard for the current draft or version, as a queryset (one query, no
    per-plan work). Registering again replaces the earlier answer.
    """
    global _missing_hearing_filter
    _missing_hearing_filter = fn
    return fn


def unregister_missing_hearing_filter() -> None:
    global _missing_hearing_filter
    _missing_hearing_filter = None


def hearing_is_recorded_in_portal() -> bool:
    """Whether an app answers the hearing question; if not, the overview shows a placeholder list."""
    return _missing_hearing_filter is not None


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


# --- rule 7: adoption within six weeks -------------------------------------------------------------------

def with_adoption_start(plans: QuerySet) -> QuerySet:
    """Annotate `adoption_start`: the day rule 7's six weeks start, as `deadlines.adoption_start` computes it.

    sbo, so, vso, pro: the enrolment at the plan's school on or before the day the plan was started
    (else the latest one); bao and vo: the start of extra support, else the day the plan was started;
    a plan within basisondersteuning has no start (NULL).
    """
    plans = plans.annotate(_created_day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
    enrolments = Enrolment.objects.filter(pupil_id=OuterRef("pupil_id"), school_id=OuterRef("school_id"))
    before_start = (
        enrolments.filter(enrolment_date__lte=OuterRef("_created_day")).order_by("-enrolment_date")
        .values("enrolment_date")[:1]
    )
    latest = enrolments.order_by("-enrolment_date").values("enrolment_date")[:1]
    return plans.annotate(
        adoption_start=Case(
            When(school_type__in=FROM_ENROLMENT,
                 then=Coalesce(Subquery(before_start, output_field=DateField()),
                               Subquery(latest, output_field=DateField()))),
            When(kind=OppKind.EXTRA_SUPPORT, then=Coalesce(F("support_start_date"), F("_created_day"))),
            default=Value(None, output_field=DateField()),
            output_field=DateField(),
        )
    )


def adoption_deadlines(plans: QuerySet) -> QuerySet:
    """Plans not yet adopted and not ended that have a rule-7 deadline, earliest first."""
    return (
        with_adoption_start(plans.filter(adopted_on__isnull=True, ended_on__isnull=True).not_ended())
        .filter(adoption_start__isnull=False)
        .order_by("adoption_start", "pk")
    )


def adoptions_due(plans: QuerySet, *, today: datetime.date | None = None) -> QuerySet:
    """Adoptions whose six-week window has started (due within it) or has passed."""
    return adoption_deadlines(plans).filter(adoption_start__lte=_today(today))


def adoption_due_from_start(start: datetime.date | None) -> datetime.date | None:
    try:
        return start + ADOPTION_WINDOW if start else None
    except OverflowError:  # a start stored before dates were bounded (9999-12-31) has no deadline to show
        return None


# --- rule 8: evaluation at least once a year ---------------------------------------------------------------

def evaluation_deadlines(plans: QuerySet) -> QuerySet:
    """Running plans with a next evaluation date, earliest first."""
    return plans.running().filter(next_evaluation_due__isnull=False).order_by("next_evaluation_due", "pk")


def evaluations_due(plans: QuerySet, *, today: datetime.date | None = None,
                    days: int = EVALUATION_WARNING_DAYS) -> QuerySet:
    """Evaluations due within `days` days, and overdue ones."""
    return evaluation_deadlines(plans).filter(
        next_evaluation_due__lte=_today(today) + datetime.timedelta(days=days)
    )


# --- waiting for instemming, missing hearing ---------------------------------------------------------------

def waiting_for_instemming(plans: QuerySet, *, now: datetime.datetime | None = None,
                           days: int = INSTEMMING_WAITING_DAYS) -> QuerySet:
    """Plans ter instemming whose latest version was sent more than `days` days ago; longest waiting first."""
    latest = OppVersion.objects.filter(opp_id=OuterRef("pk")).order_by("-number").values("created_at")[:1]
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return (
        plans.filter(status=OppStatus.TER_INSTEMMING)
        .annotate(sent_version_at=Subquery(latest))
        .filter(sent_version_at__lt=cutoff)
        .order_by("sent_version_at", "pk")
    )


def without_hearing(plans: QuerySet) -> QuerySet:
    """Plans whose pupil has no recorded hearing yet; see the module docstring for the placeholder."""
    being_drawn_up = plans.filter(status__in=HEARING_STATUSES)
    if _missing_hearing_filter is not None:
        return _missing_hearing_filter(being_drawn_up)
    return being_drawn_up


# --- the page's rows ---------------------------------------------------------------------------------------

def with_row_data(plans: QuerySet) -> QuerySet:
    """Everything a row shows, in the same query: pupil, ib, school and the pupil's current group."""
    group = (
        Enrolment.objects.current().filter(pupil_id=OuterRef("pupil_id"), school_id=OuterRef("school_id"))
        .order_by("-enrolment_date").values("group")[:1]
    )
    return plans.select_related("pupil", "school", "created_by").annotate(current_group=Subquery(group))


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


@dataclass
class Row:
    opp: Opp
    day: datetime.date | None
    days: int | None  # days until `day`; negative when past
    text: str
    urgency: str  # "late", "soon" or ""

    @property
    def pupil(self):
        return self.opp.pupil

    @property
    def group(self) -> str:
        return getattr(self.opp, "current_group", None) or ""


@dataclass
class IbGroup:
    ib: object  # a User, or None when the plan's author is unknown
    rows: list[Row] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.ib.get_full_name() if self.ib is not None else str(_("onbekende ib'er"))


@dataclass
class Section:
    key: str
    title: str
    short: str  # a column heading for the per-ib counts
    caption: str
    date_label: str
    rows: list[Row]
    empty: str
    note: str = ""

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def late_count(self) -> int:
        return sum(1 for row in self.rows if row.urgency == "late")

    @property
    def groups(self) -> list[IbGroup]:
        """The rows per ib (the plan's author), ibs in name order, rows in their section order."""
        grouped: dict[object, IbGroup] = {}
        for row in self.rows:
            key = row.opp.created_by_id
            if key not in grouped:
                grouped[key] = IbGroup(ib=row.opp.created_by)
            grouped[key].rows.append(row)
        return sorted(grouped.values(), key=lambda g: (g.ib is None, g.name.lower()))


def _deadline_row(opp: Opp, day: datetime.date, today: datetime.date, soon_days: int) -> Row:
    days = (day - today).days
    urgency = "late" if days < 0 else ("soon" if days <= soon_days else "")
    return Row(opp=opp, day=day, days=days, text=days_text(days), urgency=urgency)


def build_sections(plans: QuerySet, *, today: datetime.date | None = None,
                   now: datetime.datetime | None = None) -> list[Section]:
    """The four sections of the overview for `plans` (already limited to what the user may see).

    One query per section, whatever the number of rows.
    """
    today = _today(today)
    now = now or timezone.now()
    rows = with_row_data(plans)

    adoptions = [
        _deadline_row(opp, adoption_due_from_start(opp.adoption_start), today, ADOPTION_WARNING_DAYS)
        for opp in adoptions_due(rows, today=today)
    ]
    evaluations = [
        _deadline_row(opp, opp.next_evaluation_due, today, EVALUATION_WARNING_DAYS)
        for opp in evaluations_due(rows, today=today)
    ]
    waiting = []
    for opp in waiting_for_instemming(rows, now=now):
        sent = timezone.localtime(opp.sent_version_at).date()
        days = (today - sent).days
        text = ngettext("wacht al %(n)d dag", "wacht al %(n)d dagen", days) % {"n": days}
        waiting.append(Row(opp=opp, day=sent, days=-days, text=text, urgency="late"))
    hearing = [
        Row(opp=opp, day=timezone.localtime(opp.created_at).date(), days=None,
            text=str(_("hoorrecht nog niet vastgelegd")), urgency="")
        for opp in without_hearing(rows).order_by("created_at", "pk")
    ]
    hearing_note = "" if hearing_is_recorded_in_portal() else str(_(
        "Het horen van de leerling kan nog niet in het portaal worden vastgelegd. Tot dat kan, staan hier alle "
        "plannen die worden opgesteld of bijgesteld: controleer of de leerling is gehoord."
    ))
    return [
        Section(
            key="vaststellen", title=str(_("Vaststellen binnen zes weken")),
            short=str(_("Vaststellen")),
            caption=str(_("Plannen die nog niet zijn vastgesteld, met de uiterste datum (regel 7)")),
            date_label=str(_("Uiterlijk vaststellen")), rows=adoptions,
            empty=str(_("Geen plannen die binnen zes weken moeten worden vastgesteld.")),
        ),
        Section(
            key="evalueren", title=str(_("Evaluaties")),
            short=str(_("Evalueren")),
            caption=str(_("Evaluaties binnen 30 dagen en evaluaties die te laat zijn (regel 8)")),
            date_label=str(_("Uiterlijk evalueren")), rows=evaluations,
            empty=str(_("Geen evaluaties in de komende 30 dagen.")),
        ),
        Section(
            key="instemming", title=str(_("Wacht op instemming")),
            short=str(_("Instemming")),
            caption=str(_("Plannen die langer dan 14 dagen op instemming van de ouders wachten")),
            date_label=str(_("Verstuurd op")), rows=waiting,
            empty=str(_("Geen plannen die langer dan 14 dagen op instemming wachten.")),
        ),
        Section(
            key="hoorrecht", title=str(_("Leerling nog niet gehoord")),
            short=str(_("Hoorrecht")),
            caption=str(_("Plannen zonder vastgelegd gesprek met de leerling (hoorrecht, regel 5)")),
            date_label=str(_("Gestart op")), rows=hearing, note=hearing_note,
            empty=str(_("Bij alle plannen is vastgelegd hoe de leerling is gehoord.")),
        ),
    ]


def overview_plans(user, school: School) -> QuerySet:
    """The plans of `school` that `user` may read; the overview's starting point."""
    return Opp.objects.visible_to(user).filter(school=school)
