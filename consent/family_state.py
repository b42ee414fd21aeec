"""A child's plan in words for the family's overview ("wacht op uw besluit", "u ging akkoord op …",
"vastgesteld op …"): only the viewer's own decision, never another guardian's."""

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from opp_portal.access import reach_of
from plans.models import Opp, OppStatus
from schools.models import Pupil

from .models import Decision
from .parties import HelpInfo, help_after_refusal
from .views._access import child_opps, own_opps
from .views._plan import my_recipient, shown_version


@dataclass(frozen=True)
class ChildState:
    text: str
    plan: Opp | None = None
    waiting: bool = False  # the family member's decision is asked and not given
    attention: bool = False  # they refused or want a conversation first
    help: HelpInfo | None = None


def _day(value) -> str:
    return date_format(value, "j F Y") if value else ""


def child_state(user, pupil: Pupil) -> ChildState:
    is_parent = pupil.pk in reach_of(user).child_ids
    plans = list((child_opps(user) if is_parent else own_opps(user)).filter(pupil=pupil).order_by("-created_at"))
    if not plans:
        return ChildState(_("De school heeft nog geen plan gestuurd."))
    plan = next((p for p in plans if p.status != OppStatus.BEEINDIGD), plans[0])
    if plan.status == OppStatus.BEEINDIGD:
        return ChildState(_("Het plan is beëindigd op %(day)s.") % {"day": _day(plan.ended_on)}, plan)
    version, asked = shown_version(plan)
    if asked:
        recipient = my_recipient(user, version)
        if recipient is None:
            return ChildState(_("De school vraagt instemming met een nieuwe versie. U bent (nog) niet gevraagd; "
                                "neem contact op met de school."), plan)
        current = recipient.latest_decision
        if current is None:
            text = _("Wacht op uw besluit")
            if recipient.request.answer_by:
                text += " " + _("(graag vóór %(day)s)") % {"day": _day(recipient.request.answer_by)}
            return ChildState(text + ".", plan, waiting=True)
        day = _day(current.decided_at)
        if current.decision == Decision.AKKOORD:
            return ChildState(_("U ging akkoord op %(day)s. De school stelt het plan daarna vast.") % {"day": day},
                              plan)
        text = (_("U ging niet akkoord op %(day)s.") if current.decision == Decision.NIET_AKKOORD
                else _("U wilt eerst een gesprek (sinds %(day)s).")) % {"day": day}
        return ChildState(text, plan, attention=True, help=help_after_refusal(plan))
    if plan.adopted_version_id:
        text = _("Vastgesteld op %(day)s.") % {"day": _day(plan.version_adopted_on)}
        if plan.status in (OppStatus.IN_OVERLEG, OppStatus.BIJGESTELD):
            text += " " + _("De school past het plan nu aan; het vastgestelde plan blijft gelden.")
        return ChildState(text, plan)
    return ChildState(_("De school werkt aan het plan."), plan)
