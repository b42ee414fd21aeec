"""Rule 7 (adopt within six weeks) and rule 8 (evaluate at least yearly): due dates, warnings, flags."""

import datetime

from django.utils import timezone

from schools.models import Enrolment, SchoolType

from .models import Opp, OppKind

ADOPTION_WINDOW = datetime.timedelta(weeks=6)
# The portal warns this long before an adoption falls due, and flags it after.
ADOPTION_WARNING_DAYS = 14
EVALUATION_WARNING_DAYS = 30
# At these schools every pupil has an OPP, due six weeks after enrolment or placement.
FROM_ENROLMENT = (SchoolType.SBO, SchoolType.SO, SchoolType.VSO, SchoolType.PRO)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def adoption_start(opp: Opp) -> datetime.date | None:
    """The day the six weeks of rule 7 start counting."""
    if opp.school_type in FROM_ENROLMENT:
        enrolments = Enrolment.objects.filter(pupil_id=opp.pupil_id, school_id=opp.school_id)
        created = timezone.localtime(opp.created_at).date() if opp.created_at else timezone.localdate()
        enrolment = (
            enrolments.filter(enrolment_date__lte=created).order_by("-enrolment_date").first()
            or enrolments.order_by("-enrolment_date").first()
        )
        return enrolment.enrolment_date if enrolment else None
    if opp.kind != OppKind.EXTRA_SUPPORT:
        return None  # an internal plan within basisondersteuning has no legal deadline
    if opp.support_start_date:
        return opp.support_start_date
    # Not filled in yet: starting the plan is the latest moment the need for extra support was known.
    return timezone.localtime(opp.created_at).date() if opp.created_at else None


def adoption_due_date(opp: Opp) -> datetime.date | None:
    """Rule 7: six weeks after enrolment (sbo, so, vso, pro) or after the start of extra support (bao, vo)."""
    start = adoption_start(opp)
    return start + ADOPTION_WINDOW if start else None


def adoption_is_overdue(opp: Opp, *, today: datetime.date | None = None) -> bool:
    due = adoption_due_date(opp)
    return opp.adopted_on is None and opp.ended_on is None and due is not None and _today(today) > due


def adoption_due_soon(opp: Opp, *, today: datetime.date | None = None, days: int = ADOPTION_WARNING_DAYS) -> bool:
    due = adoption_due_date(opp)
    if opp.adopted_on is not None or opp.ended_on is not None or due is None:
        return False
    return _today(today) <= due <= _today(today) + datetime.timedelta(days=days)


def evaluation_is_overdue(opp: Opp, *, today: datetime.date | None = None) -> bool:
    return opp.is_running and opp.next_evaluation_due is not None and _today(today) > opp.next_evaluation_due


def evaluation_due_soon(opp: Opp, *, today: datetime.date | None = None, days: int = EVALUATION_WARNING_DAYS) -> bool:
    if not opp.is_running or opp.next_evaluation_due is None:
        return False
    return _today(today) <= opp.next_evaluation_due <= _today(today) + datetime.timedelta(days=days)


def is_overdue(opp: Opp, *, today: datetime.date | None = None) -> bool:
    """Past a deadline of rule 7 or rule 8."""
    return adoption_is_overdue(opp, today=today) or evaluation_is_overdue(opp, today=today)
