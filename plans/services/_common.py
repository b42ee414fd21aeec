"""What every plan service shares: errors, role checks, the audit call, date arithmetic."""

import calendar
import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opp_portal.audit.actions import Action
from opp_portal.audit.service import record
from opp_portal.errors import RuleViolation
from schools.services import NotAllowed

from ..access import RoleRequired, caps_at_school, require, require_for
from ..models import Opp

__all__ = ["NotAllowed", "PlanRuleError", "ConflictError", "AdoptionBlocked", "RoleRequired", "caps_at_school",
           "require", "require_for"]


class PlanRuleError(RuleViolation):
    """A rule of the law or of the lifecycle refuses the step; the message is Dutch and shown to the user (next to
    `field` when it names one)."""


class ConflictError(Exception):
    """Someone saved the draft after the user loaded it; nothing was overwritten.

    `fields` maps each field the user tried to change to `(current, submitted)`: the text now stored
    and the user's own text, so the screen can show both.
    """

    def __init__(self, *, current_revision: int, expected_revision: int, fields: dict[str, tuple]):
        self.current_revision = current_revision
        self.expected_revision = expected_revision
        self.fields = fields
        super().__init__(str(_("Iemand anders heeft dit plan intussen gewijzigd. Vergelijk beide teksten.")))


class AdoptionBlocked(PlanRuleError):
    """Adoption refused: `gaps` holds the checklist items that block it."""

    def __init__(self, gaps):
        self.gaps = gaps
        lines = [f"{item.label}: {item.status.message}" for item in gaps]
        super().__init__(_("Het plan kan nog niet worden vastgesteld.") + " " + " ".join(lines))


def audit(user, action: Action, opp: Opp, obj=None, **details) -> None:
    record(
        actor=user, action=action, obj=obj or opp, on_behalf_of=f"school:{opp.school.code}",
        pupil_id=opp.pupil_id, details=details,
    )


def lock(opp: Opp) -> Opp:
    """Re-read the plan under a row lock, so two steps on one plan run one after the other."""
    return Opp.objects.select_for_update().select_related("school", "pupil").get(pk=opp.pk)


def today() -> datetime.date:
    return timezone.localdate()


def not_in_future(day: datetime.date, what, *, field: str | None = None) -> None:
    if day > today():
        raise PlanRuleError(_("%(what)s kan niet in de toekomst liggen.") % {"what": what}, field=field)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
