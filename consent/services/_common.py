"""What consent's services share: errors, the audit call, the checks on a decision."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opp_portal.audit.actions import Action
from opp_portal.audit.service import record
from opp_portal.errors import RuleViolation
from plans.access import RoleRequired, caps_at_school, require, require_for
from plans.models import Opp, OppStatus, OppVersion
from schools.services import NotAllowed

from ..models import Decision

__all__ = ["ConsentError", "NotAllowed", "RoleRequired", "caps_at_school", "require", "require_for"]


class ConsentError(RuleViolation):
    """A rule refuses the step; the message is Dutch and shown to the user next to `field` (or the form)."""


def audit(user, action: Action, opp: Opp, obj, *, on_behalf_of: str | None = None, **details) -> None:
    record(
        actor=user, action=action, obj=obj, on_behalf_of=on_behalf_of or f"school:{opp.school.code}",
        pupil_id=opp.pupil_id, details=details,
    )


def today() -> datetime.date:
    return timezone.localdate()


def not_in_future(day: datetime.date | None, what, *, field: str | None = None) -> None:
    if day is None:
        raise ConsentError(_("Vul %(what)s in.") % {"what": what}, field=field)
    if day > today():
        raise ConsentError(_("%(what)s kan niet in de toekomst liggen.") % {"what": str(what).capitalize()},
                           field=field)


def open_for_instemming(version: OppVersion) -> None:
    """Only the latest version of a plan that waits for instemming can be decided on."""
    opp = version.opp
    latest = opp.latest_version
    if opp.status != OppStatus.TER_INSTEMMING or latest is None or latest.pk != version.pk:
        raise ConsentError(_("Over deze versie kan niet (meer) worden beslist: er is een nieuwere versie of het "
                             "plan wacht niet op instemming."))


def check_decision(decision: str, reason: str) -> str:
    if decision not in Decision.values:
        raise ConsentError(_("Kies akkoord, niet akkoord of eerst een gesprek."), field="decision")
    reason = (reason or "").strip()
    if decision == Decision.NIET_AKKOORD and not reason:
        raise ConsentError(_("Schrijf op waarom u niet akkoord gaat; dan kan de school daarop ingaan."),
                           field="reason")
    return reason


def clean(text: str) -> str:
    return (text or "").strip()
