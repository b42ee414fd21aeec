"""Each child's plan in words for the family's overview ("wacht op uw besluit", "u ging akkoord op …",
"vastgesteld op …"): only the viewer's own decision, never another guardian's. All children in a fixed number
of queries, however many there are."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from opp_portal.access import reach_of
from plans.models import Opp, OppStatus, OppVersion

from .access import child_opps, own_opps
from .models import LATEST_FIRST, Decision, InstemmingDecision, InstemmingRecipient
from .parties import HelpInfo, help_after_refusal


@dataclass(frozen=True)
class ChildState:
    text: str
    plan: Opp | None = None
    waiting: bool = False  # the family member's decision is asked and not given
    attention: bool = False  # they refused or want a conversation first
    help: HelpInfo | None = None  # its `own` says whether it speaks to the adult pupil ("je")


def _day(value) -> str:
    return date_format(value, "j F Y") if value else ""


def child_states(user, pupils) -> dict[int, ChildState]:
    """Per pupil (by pk) the state of their plan, as `user` (a parent with gezag, or the pupil) may see it."""
    pupils = list(pupils)
    reach = reach_of(user)
    ids = [p.pk for p in pupils]
    plans = list((child_opps(user).filter(pupil_id__in=reach.child_ids & set(ids))
                  | own_opps(user).filter(pupil_id__in=set(ids) - reach.child_ids))
                 .select_related("school__swv").order_by("-created_at"))
    chosen: dict[int, Opp] = {}
    for plan in plans:  # the running plan, else the latest one
        current = chosen.get(plan.pupil_id)
        if current is None or (current.status == OppStatus.BEEINDIGD and plan.status != OppStatus.BEEINDIGD):
            chosen[plan.pupil_id] = plan
    asked = [p for p in chosen.values() if p.status == OppStatus.TER_INSTEMMING]
    latest: dict[int, OppVersion] = {}
    for each in OppVersion.objects.filter(opp__in=asked).order_by("opp_id", "-number"):
        latest.setdefault(each.opp_id, each)
    recipients = {r.request.version_id: r for r in InstemmingRecipient.objects.for_user(user)
                  .filter(request__version__in=latest.values()).select_related("request").order_by("pk")}
    decisions: dict[int, InstemmingDecision] = {}
    for decision in (InstemmingDecision.objects.filter(recipient__in=recipients.values(), version__in=latest.values())
                     .select_related("version").order_by(*LATEST_FIRST)):
        if decision.counts_for(decision.version):
            decisions.setdefault(decision.recipient_id, decision)
    states = {}
    for pupil_id in ids:
        plan = chosen.get(pupil_id)
        version = latest.get(plan.pk) if plan else None
        recipient = recipients.get(version.pk) if version else None
        states[pupil_id] = _state(plan, version, recipient, decisions.get(recipient.pk) if recipient else None,
                                  own=pupil_id not in reach.child_ids)
    return states


def _answer_by(day) -> str:
    """" (graag vóór …)" while that day is still to come; once it has passed, a "graag vóór" would ask the
    impossible, so the text says it was asked by then."""
    if not day:
        return ""
    if day >= timezone.localdate():
        return " " + _("(graag vóór %(day)s)") % {"day": _day(day)}
    return " " + _("(gevraagd vóór %(day)s)") % {"day": _day(day)}


def _state(plan, version, recipient, current, *, own: bool = False) -> ChildState:
    """`own`: the adult pupil's own plan, said to them as "je"; a parent reads "u"."""
    if plan is None:
        return ChildState(_("De school heeft nog geen plan gestuurd."))
    if plan.status == OppStatus.BEEINDIGD:
        return ChildState(_("Het plan is beëindigd op %(day)s.") % {"day": _day(plan.ended_on)}, plan)
    if version is not None:  # waiting for instemming
        if recipient is None:
            if own:
                return ChildState(_("De school vraagt instemming met een nieuwe versie. Jij bent (nog) niet gevraagd; "
                                    "neem contact op met de school."), plan)
            return ChildState(_("De school vraagt instemming met een nieuwe versie. U bent (nog) niet gevraagd; "
                                "neem contact op met de school."), plan)
        if current is None:
            text = _("Wacht op je besluit") if own else _("Wacht op uw besluit")
            return ChildState(text + _answer_by(recipient.request.answer_by) + ".", plan, waiting=True)
        day = _day(current.decided_at)
        if own:
            return _own_decision(plan, current, day)
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


def _own_decision(plan, current, day: str) -> ChildState:
    if current.decision == Decision.AKKOORD:
        return ChildState(_("Je ging akkoord op %(day)s. De school stelt het plan daarna vast.") % {"day": day}, plan)
    text = (_("Je ging niet akkoord op %(day)s.") if current.decision == Decision.NIET_AKKOORD
            else _("Je wilt eerst een gesprek (sinds %(day)s).")) % {"day": day}
    return ChildState(text, plan, attention=True, help=help_after_refusal(plan, own=True))
