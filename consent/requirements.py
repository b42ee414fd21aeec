"""Consent's answers to the plan's adoption requirements (rules 1-5), registered in plans' registry when
the app loads, so the checklist beside the form and the guard in `plans.services.adopt` use these records.

Legal OPPs (extra support, and every plan outside bao/vo) need OOGO on both parts, a hearing and the
instemming of every deciding party before adoption. Plans within basisondersteuning are internal, not
OPPs in the sense of the law: for them the same three checks are shown as advice (`*_advisory` keys,
`blocks_adoption=False`), so the school sees good practice without the law's guard.
"""

import datetime

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from plans.models import Opp, OppVersion
from plans.requirements import CONSENT_KEYS, MET, Requirement, Status, missing, register

from .models import Decision, Hearing, InstemmingDecision, InstemmingRecipient, OogoMeeting, Unreachability
from .parties import deciding_parties


# --- rule 1: OOGO on both parts --------------------------------------------------------------------------------

def _since_in_force(opp: Opp) -> datetime.date | None:
    """An adjustment needs its own overleg: only meetings since the version in force was adopted count."""
    return opp.version_adopted_on if opp.adopted_version_id else None


def oogo_status(opp: Opp, version: OppVersion | None) -> Status:
    meetings = OogoMeeting.objects.filter(opp=opp)
    since = _since_in_force(opp)
    if since is not None:
        meetings = meetings.filter(held_on__gte=since)
    parts = meetings.values_list("discussed_handelingsdeel", "discussed_uitstroomperspectief")
    handelingsdeel = any(h for h, _u in parts)
    uitstroom = any(u for _h, u in parts)
    if handelingsdeel and uitstroom:
        return MET
    if not handelingsdeel and not uitstroom:
        return missing(_("Leg het overleg met de ouders (OOGO) over het handelingsdeel en het "
                         "uitstroomperspectief vast."))
    if not handelingsdeel:
        return missing(_("Het handelingsdeel is nog niet met de ouders besproken (OOGO)."))
    return missing(_("Het uitstroomperspectief is nog niet met de ouders besproken (OOGO)."))


# --- rule 5: the pupil is heard ---------------------------------------------------------------------------------

def hearings_for(opp: Opp, version: OppVersion | None):
    """Hearings that count for the plan being drawn up or adjusted: recorded on this plan since the version in
    force was adopted (while drafting, on a version sent since, or at the evaluation that led to the
    adjustment), never those about an earlier version."""
    hearings = Hearing.objects.filter(opp=opp)
    if opp.adopted_version_id:
        in_force = opp.adopted_version
        hearings = hearings.filter(created_at__gte=in_force.created_at).exclude(version__number__lte=in_force.number)
    if version is not None:
        hearings = hearings.exclude(version__number__gt=version.number)
    return hearings


def plans_missing_hearing(plans):
    """The queryset form of `hearings_for(...).exists()`, negated, for the school leader's overview:
    one query for any number of plans."""
    counted = Hearing.objects.filter(opp_id=OuterRef("pk")).filter(
        Q(opp__adopted_version__isnull=True)
        | (
            Q(created_at__gte=F("opp__adopted_version__created_at"))
            & (Q(version__isnull=True) | Q(version__number__gt=F("opp__adopted_version__number")))
        )
    )
    return plans.exclude(Exists(counted))


def hearing_status(opp: Opp, version: OppVersion | None) -> Status:
    if hearings_for(opp, version).exists():
        return MET
    return missing(_("Leg vast hoe de leerling is gehoord over dit plan (wanneer, hoe, door wie en wat de "
                     "leerling vindt), of waarom de leerling niet is gehoord."))


# --- rules 2-4: instemming on this exact version -----------------------------------------------------------------

def latest_decisions(version: OppVersion) -> dict[tuple[str, int], InstemmingDecision]:
    """Per deciding party, the latest decision on exactly this version (rule 2): the latest by the moment it was
    made (`decided_at`), not by the moment it was typed in; a decision on another version, or on other content,
    never counts."""
    decisions = (InstemmingDecision.objects.filter(version=version, content_hash=version.content_hash)
                 .select_related("recipient").order_by("decided_at", "created_at", "pk"))
    return {d.recipient.party: d for d in decisions}


def unreachable_parties(version: OppVersion) -> tuple[dict, dict]:
    """Guardians recorded as unreachable for this version: (confirmed by a school leader, waiting for that),
    each by party key."""
    items = (Unreachability.objects.filter(recipient__request__version=version, withdrawn_at__isnull=True)
             .select_related("recipient", "recorded_by", "confirmed_by"))
    confirmed, pending = {}, {}
    for item in items:
        (confirmed if item.confirmed_at else pending)[item.recipient.party] = item
    return confirmed, pending


def instemming_status(opp: Opp, version: OppVersion | None) -> Status:
    if version is None:
        return missing(_("Het handelingsdeel is nog niet ter instemming aan de ouders voorgelegd."))
    parties = deciding_parties(opp.pupil, timezone.localdate())
    if not parties:
        return missing(_("Er is geen ouder met gezag bekend. Leg vast wie het gezag heeft."))
    decisions = latest_decisions(version)
    asked = {r.party for r in InstemmingRecipient.objects.filter(request__version=version)}
    unreachable, to_confirm = unreachable_parties(version)
    refused, conversation, waiting, not_asked, excused, unconfirmed, agreed = [], [], [], [], [], [], []
    for party in parties:
        decision = decisions.get(party.key)
        if decision is None:
            # Rule 3 as amended: a guardian the school could not reach (confirmed by the leader) is passed
            # over; a decision they give after all counts as any other.
            if party.key in unreachable:
                excused.append(party.name)
            elif party.key in to_confirm:
                unconfirmed.append(party.name)
            else:
                (waiting if party.key in asked else not_asked).append(party.name)
        elif decision.decision == Decision.NIET_AKKOORD:
            refused.append(party.name)
        elif decision.decision == Decision.GESPREK_GEWENST:
            conversation.append(party.name)
        else:
            agreed.append(party.name)
    if refused:
        return missing(_("%(names)s stemt niet in met deze versie; het plan kan zo niet worden vastgesteld. Ga in "
                         "gesprek of pas het plan aan.") % {"names": ", ".join(refused)})
    if conversation:
        return missing(_("%(names)s wil eerst een gesprek.") % {"names": ", ".join(conversation)})
    if not_asked:
        return missing(_("Nog niet om instemming gevraagd: %(names)s.") % {"names": ", ".join(not_asked)})
    if waiting:
        return missing(_("Wacht op het besluit van %(names)s.") % {"names": ", ".join(waiting)})
    if unconfirmed:
        return missing(_("%(names)s is vastgelegd als niet bereikbaar; een schoolleider moet dat nog bevestigen.")
                       % {"names": ", ".join(unconfirmed)})
    if excused and not agreed:
        return missing(_("Er is geen akkoord van een ouder met gezag: %(names)s is niet bereikbaar en niemand anders "
                         "ging akkoord.") % {"names": ", ".join(excused)})
    return MET


# --- registration -------------------------------------------------------------------------------------------

def is_legal_opp(opp: Opp) -> bool:
    return opp.is_legal_opp


def is_internal_plan(opp: Opp) -> bool:
    return not opp.is_legal_opp


STATUSES = {"oogo": oogo_status, "hearing": hearing_status, "instemming": instemming_status}
ADVISORY_SUFFIX = "_advisory"


def consent_requirements() -> list[Requirement]:
    items = []
    for key, label, order in CONSENT_KEYS:
        items.append(Requirement(key=key, label=label, status=STATUSES[key], applies_to=is_legal_opp, order=order))
        items.append(Requirement(
            key=key + ADVISORY_SUFFIX, label=format_lazy("{} ({})", label, _("advies, intern plan")),
            status=STATUSES[key], applies_to=is_internal_plan, blocks_adoption=False, order=order,
        ))
    return items


def register_consent_requirements() -> None:
    """Answer plans' placeholders `oogo`, `hearing` and `instemming` with the real checks."""
    for requirement in consent_requirements():
        register(requirement, replace=True)
