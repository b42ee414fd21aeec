"""Consent's answers to the plan's adoption requirements (rules 1-5), given to `plans.requirements.REQUIREMENTS`
when the app loads, so the checklist beside the plan and the guard in `plans.services.adopt` use these records.

Each answer judges one version (or the draft) and counts the records of its evidence window
(`plans.requirements.window`): for a first plan everything recorded on it; for an adjustment what was recorded
since the version in force was adopted, including the evaluation that led to it (an evaluation is held with
the parents and records the pupil's view); for a version that was adopted, nothing recorded after that.

Legal OPPs (extra support, and every plan outside bao/vo) need OOGO on both parts, a hearing and the
instemming of every deciding party before adoption. Plans within basisondersteuning are internal, not
OPPs in the sense of the law: for them the same three checks are shown as advice (`*_advisory` keys,
`blocks_adoption=False`), so the school sees good practice without the law's guard.

Every answer also has a queryset form (`*_filter`) for plans waiting for instemming, so the school leader's
overview finds the plans ready to adopt in a fixed number of queries; `tests/consent/test_requirements.py`
checks that both forms agree at every stage of a plan.
"""

import datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from opp_portal.replay import Replayed
from plans.models import Evaluation, Opp, OppKind, OppVersion
from plans.requirements import (
    CONSENT_KEYS,
    IN_FORCE_BOUNDS,
    REQUIREMENTS,
    Bounds,
    Requirement,
    Status,
    day_text,
    met,
    missing,
    window,
)
from schools.models import Guardianship

from .models import (  # noqa: F401  (DECISION_ORDER re-exported: the order that defines "latest")
    DECISION_ORDER,
    Decision,
    Hearing,
    InstemmingDecision,
    InstemmingRecipient,
    OogoMeeting,
    Unreachability,
)
from .parties import ADULT_AGE, decides_themself, deciding_parties


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return str(_("%(first)s en %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]})


# --- what counts: the records of a version's evidence window ---------------------------------------------------
# Each rule's records are one filter on `Bounds` (plans.requirements): given a window's values it is the
# per-plan check, given `IN_FORCE_BOUNDS` the queryset form for the overview, so the two cannot drift apart.

def meetings_q(bounds: Bounds) -> Q:
    """OOGO meetings that count: held since the version in force was adopted, and not after the judged version's
    own adoption."""
    q = bounds.since_in_force(Q(held_on__gte=bounds.in_force_adopted_on))
    if bounds.until_day is not None:
        q &= Q(held_on__lte=bounds.until_day)
    return q


def evaluations_q(bounds: Bounds) -> Q | None:
    """Evaluations of the version in force before the judged one: held with the parents, with the pupil's view.
    None: no version was in force, so no evaluation counts."""
    if bounds.nothing_in_force is True:
        return None
    q = Q(version_id=bounds.in_force_version_id)
    if bounds.until_day is not None:
        q &= Q(evaluated_on__lte=bounds.until_day)
    return q


def hearings_q(bounds: Bounds) -> Q:
    """Hearings that count: about the draft, about a version after the version in force up to the judged one, or
    at an evaluation; recorded since the version in force was frozen and not after the judged version's adoption."""
    q = bounds.since_in_force(Q(created_at__gte=bounds.in_force_created_at)
                              & (Q(version__isnull=True) | Q(version__number__gt=bounds.in_force_number)))
    if bounds.up_to_number is not None:
        q &= Q(version__isnull=True) | Q(version__number__lte=bounds.up_to_number)
    if bounds.until_created_at is not None:
        q &= Q(created_at__lte=bounds.until_created_at)
    return q


# The records that count for a version, from the plan's id and its window's bounds (`window(opp, version).bounds`):
# values only, so `consent.records` compiles them once per process for any plan (`opp_portal.replay`).
def meetings_counted(opp_id: int, bounds: Bounds) -> QuerySet:
    return OogoMeeting.objects.filter(meetings_q(bounds), opp_id=opp_id).order_by("held_on", "pk")


def evaluations_counted(opp_id: int, bounds: Bounds) -> QuerySet:
    """The evaluations of the version in force before the judged one (`evaluations_q`)."""
    q = evaluations_q(bounds)
    if q is None:
        return Evaluation.objects.none()
    return Evaluation.objects.filter(q, opp_id=opp_id).order_by("evaluated_on", "pk")


def hearings_counted(opp_id: int, bounds: Bounds) -> QuerySet:
    """Hearings recorded on this plan within the window (`hearings_q`)."""
    hearings = Hearing.objects.filter(hearings_q(bounds), opp_id=opp_id)
    return hearings.select_related("evaluation").order_by("created_at", "pk")


# --- rule 1: OOGO on both parts --------------------------------------------------------------------------------

def _read(opp: Opp, version: OppVersion | None):
    """The records a page read at once for judging `version` (`consent.records`), else None: read them here."""
    from .records import attached

    return attached(opp, version)


def oogo_evidence(opp: Opp, version: OppVersion | None) -> list[tuple[datetime.date, bool, bool, str]]:
    """(day, handelingsdeel, uitstroomperspectief, what) for every overleg that counts for `version`."""
    if (records := _read(opp, version)) is not None:
        meetings, evaluations = records.counted_meetings, records.counted_evaluations
    else:
        bounds = window(opp, version).bounds
        meetings, evaluations = meetings_counted(opp.pk, bounds), evaluations_counted(opp.pk, bounds)
    rows = [(m.held_on, m.discussed_handelingsdeel, m.discussed_uitstroomperspectief, "overleg") for m in meetings]
    rows += [(e.evaluated_on, e.discussed_handelingsdeel, e.discussed_uitstroomperspectief, "evaluatie")
             for e in evaluations]
    return sorted(rows, key=lambda r: r[0])


def _oogo_detail(rows) -> str:
    parts = []
    for day, _h, _u, what in rows[-3:]:
        text = _("overleg op %(day)s") if what == "overleg" else _("evaluatie met de ouders op %(day)s")
        parts.append(str(text % {"day": day_text(day)}))
    return ", ".join(parts)


def oogo_status(opp: Opp, version: OppVersion | None) -> Status:
    rows = oogo_evidence(opp, version)
    handelingsdeel = any(h for _d, h, _u, _w in rows)
    uitstroom = any(u for _d, _h, u, _w in rows)
    if handelingsdeel and uitstroom:
        return met(_oogo_detail(rows))
    adjustment = window(opp, version).previous is not None
    if not handelingsdeel and not uitstroom:
        if adjustment:
            return missing(_("Leg het overleg met de ouders (OOGO) over de bijstelling vast: over het handelingsdeel "
                             "en het uitstroomperspectief, of bij de evaluatie."))
        return missing(_("Leg het overleg met de ouders (OOGO) over het handelingsdeel en het "
                         "uitstroomperspectief vast."))
    if not handelingsdeel:
        return missing(_("Het handelingsdeel is nog niet met de ouders besproken (OOGO)."))
    return missing(_("Het uitstroomperspectief is nog niet met de ouders besproken (OOGO)."))


def plans_with_oogo(plans: QuerySet) -> QuerySet:
    """The queryset form of `oogo_status` (the same `meetings_q` and `evaluations_q`), for plans being drawn up,
    adjusted or waiting; internal plans pass (their OOGO is advice)."""
    meetings = OogoMeeting.objects.filter(meetings_q(IN_FORCE_BOUNDS), opp_id=OuterRef("pk"))
    evaluations = Evaluation.objects.filter(evaluations_q(IN_FORCE_BOUNDS), opp_id=OuterRef("pk"))
    handelingsdeel = (Exists(meetings.filter(discussed_handelingsdeel=True))
                      | Exists(evaluations.filter(discussed_handelingsdeel=True)))
    uitstroom = (Exists(meetings.filter(discussed_uitstroomperspectief=True))
                 | Exists(evaluations.filter(discussed_uitstroomperspectief=True)))
    return plans.filter(Q(kind=OppKind.BASISONDERSTEUNING) | (handelingsdeel & uitstroom))


# --- rule 5: the pupil is heard ---------------------------------------------------------------------------------

def hearing_evidence(opp: Opp, version: OppVersion | None) -> dict | None:
    """The latest way the pupil was heard that counts for `version`: a hearing, or the evaluation's record of
    the pupil's view. {"day", "heard", "how", "view"}; None when nothing counts."""
    if (records := _read(opp, version)) is not None:
        hearings, evaluations = records.counted_hearings, records.counted_evaluations
    else:
        bounds = window(opp, version).bounds
        hearings, evaluations = hearings_counted(opp.pk, bounds), evaluations_counted(opp.pk, bounds)
    found = []
    for h in hearings:
        found.append((timezone.localtime(h.created_at).date(), {
            "day": h.heard_on or timezone.localtime(h.created_at).date(), "heard": h.heard,
            "how": h.get_method_display() if h.heard else "", "view": h.pupil_view if h.heard else h.not_heard_reason,
            "evaluation": h.evaluation.evaluated_on if h.evaluation_id else None,
        }))
    for e in evaluations:
        found.append((e.evaluated_on, {"day": e.evaluated_on, "heard": True, "how": str(_("bij de evaluatie")),
                                       "view": e.pupil_view, "evaluation": e.evaluated_on}))
    if not found:
        return None
    return max(found, key=lambda item: item[0])[1]


def hearing_status(opp: Opp, version: OppVersion | None) -> Status:
    evidence = hearing_evidence(opp, version)
    if evidence is None:
        return missing(_("Leg vast hoe de leerling is gehoord over dit plan (wanneer, hoe, door wie en wat de "
                         "leerling vindt), of waarom de leerling niet is gehoord."))
    if not evidence["heard"]:
        return met(_("niet gehoord, met reden (vastgelegd over %(day)s)") % {"day": day_text(evidence["day"])})
    if evidence["evaluation"]:
        return met(_("gehoord bij de evaluatie van %(day)s") % {"day": day_text(evidence["evaluation"])})
    return met(_("gehoord op %(day)s (%(how)s)") % {"day": day_text(evidence["day"]), "how": evidence["how"]})


def _heard() -> Q:
    """The queryset form of "a hearing counts" (`hearing_status` met): the same `hearings_q` and `evaluations_q`."""
    counted = Hearing.objects.filter(hearings_q(IN_FORCE_BOUNDS), opp_id=OuterRef("pk"))
    at_evaluation = Evaluation.objects.filter(evaluations_q(IN_FORCE_BOUNDS), opp_id=OuterRef("pk"))
    return Exists(counted) | Exists(at_evaluation)


def plans_missing_hearing(plans: QuerySet) -> QuerySet:
    """Of the plans being drawn up, adjusted or waiting, those where no hearing counts, for the school leader's
    overview: one query for any number of plans."""
    return plans.exclude(_heard())


def plans_with_hearing(plans: QuerySet) -> QuerySet:
    return plans.filter(Q(kind=OppKind.BASISONDERSTEUNING) | _heard())


# --- rules 2-4: instemming on this exact version -----------------------------------------------------------------

def latest_decisions(version: OppVersion) -> dict[tuple[str, int], InstemmingDecision]:
    """Per deciding party, the latest decision on exactly this version (rule 2): the latest by the moment it was
    made (`decided_at`), not by the moment it was typed in; a decision on another version, or on other content,
    never counts."""
    return {d.recipient.party: d for d in InstemmingDecision.objects.on(version).select_related("recipient")}


def unreachable_parties(version: OppVersion) -> tuple[dict, dict]:
    """Guardians recorded as unreachable for this version: (confirmed by a school leader, waiting for that),
    each by party key."""
    return by_party(Unreachability.objects.filter(recipient__request__version=version, withdrawn_at__isnull=True)
                     .select_related("recipient", "recorded_by", "confirmed_by"))


def by_party(items) -> tuple[dict, dict]:
    confirmed: dict[tuple[str, int], Unreachability] = {}
    pending: dict[tuple[str, int], Unreachability] = {}
    for item in items:
        (confirmed if item.confirmed_at else pending)[item.recipient.party] = item
    return confirmed, pending


def instemming_status(opp: Opp, version: OppVersion | None) -> Status:
    if version is None:
        if window(opp, None).previous is not None:
            return missing(_("De bijstelling wordt nog opgesteld. Daarna legt u de nieuwe versie ter instemming voor; "
                             "tot de nieuwe versie is vastgesteld, blijft de geldende versie van kracht."))
        return missing(_("Het handelingsdeel is nog niet ter instemming aan de ouders voorgelegd."))
    records = _read(opp, version)
    parties = deciding_parties(opp.pupil, timezone.localdate(), records.guardians if records else None)
    if not parties:
        return missing(_("Er is geen ouder met gezag bekend. Leg vast wie het gezag heeft."))
    if records is not None:
        decisions = {d.recipient.party: d for d in records.decisions_on}
        asked = {r.party for r in records.asked}
        unreachable, to_confirm = by_party(records.unreachable)
    else:
        decisions = latest_decisions(version)
        asked = {r.party for r in InstemmingRecipient.objects.filter(request__version=version)}
        unreachable, to_confirm = unreachable_parties(version)
    refused: list[str] = []
    conversation: list[str] = []
    waiting: list[str] = []
    not_asked: list[str] = []
    excused: list[str] = []
    unconfirmed: list[str] = []
    agreed: list = []
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
            agreed.append(_("%(name)s op %(day)s") % {"name": party.name, "day": day_text(decision.decided_at)})
    # Never over a refusal (rule 3): a guardian who refused this version while deciding still blocks it after their
    # gezag was removed or their link undone; only a new version, asked again, moves past it. When the pupil came
    # of age the parents no longer decide at all.
    if parties[0].guardian is not None:
        current = {p.key for p in parties}
        refused += [d.recipient.name for key, d in decisions.items()
                    if key not in current and key[0] == "guardian" and d.decision == Decision.NIET_AKKOORD]
    # Both who refused and who asked for a conversation: the school talks to each of them.
    talk = (ngettext("%(names)s wil eerst een gesprek.", "%(names)s willen eerst een gesprek.", len(conversation))
            % {"names": _names(conversation)}) if conversation else ""
    if refused:
        refusal = ngettext(
            "%(names)s stemt niet in met deze versie; het plan kan zo niet worden vastgesteld.",
            "%(names)s stemmen niet in met deze versie; het plan kan zo niet worden vastgesteld.", len(refused),
        ) % {"names": _names(refused)}
        return missing(" ".join(filter(None, [refusal, talk, str(_("Ga in gesprek of pas het plan aan."))])))
    if conversation:
        return missing(talk)
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
    evidence = _("akkoord van %(names)s, over versie %(n)s") % {"names": _names([str(a) for a in agreed]),
                                                                "n": version.number}
    if excused:
        evidence = _("%(evidence)s; niet bereikbaar (bevestigd door de schoolleider): %(names)s") % {
            "evidence": evidence, "names": _names(excused)}
    return met(evidence)

def latest_decisions_queryset() -> QuerySet:
    """Decisions that are the latest of their recipient on their version (one party: one recipient a version)."""
    return InstemmingDecision.objects.latest_of_each()


def _born_by(today: datetime.date, years: int) -> datetime.date:
    """The last birth date of someone who is `years` old on `today` (as `Pupil.age_on` counts)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def plans_with_instemming(plans: QuerySet) -> QuerySet:
    """Plans (annotated by `plans.requirements.with_judged_version`) whose every deciding party's latest
    decision on the judged version is akkoord; internal plans pass (their instemming is advice)."""
    latest = latest_decisions_queryset().filter(version_id=OuterRef("judged_version_id"))
    adult_born_by = _born_by(timezone.localdate(), ADULT_AGE)
    adult = Q(pupil__date_of_birth__lte=adult_born_by)
    pupil_agreed = Exists(latest.filter(recipient__pupil_id=OuterRef("pupil_id"), decision=Decision.AKKOORD))
    guardians = Guardianship.objects.filter(pupil_id=OuterRef("pupil_id"), has_gezag=True)
    agreed_by_guardian = latest_decisions_queryset().filter(
        version_id=OuterRef(OuterRef("judged_version_id")), recipient__guardian_id=OuterRef("guardian_id"),
        decision=Decision.AKKOORD,
    )
    # Rule 3 as amended: a guardian confirmed unreachable who has not decided on the version is passed over, as
    # long as another guardian agreed (as `instemming_status` counts it).
    decided_by_guardian = latest_decisions_queryset().filter(
        version_id=OuterRef(OuterRef("judged_version_id")), recipient__guardian_id=OuterRef("guardian_id"))
    excused = Unreachability.objects.filter(
        recipient__request__version_id=OuterRef(OuterRef("judged_version_id")),
        recipient__guardian_id=OuterRef("guardian_id"), confirmed_at__isnull=False, withdrawn_at__isnull=True)
    someone_not_agreed = guardians.exclude(Exists(agreed_by_guardian)).exclude(
        Exists(excused) & ~Exists(decided_by_guardian))
    former_refusal = latest.filter(recipient__guardian__isnull=False, decision=Decision.NIET_AKKOORD).exclude(
        recipient__guardian_id__in=Guardianship.objects.filter(pupil_id=OuterRef(OuterRef("pupil_id")),
                                                              has_gezag=True).values("guardian_id"))
    minor_agreed = (Exists(guardians.filter(Exists(agreed_by_guardian))) & ~Exists(someone_not_agreed)
                    & ~Exists(former_refusal))
    return plans.filter(Q(kind=OppKind.BASISONDERSTEUNING) | (adult & pupil_agreed) | (~adult & minor_agreed))


_OBJECTIONS = Replayed("consent.objections", {"school_id": (-712_345, -712_346)})
_OBJECTION_COLUMNS = ("uuid", "version__opp_id", "recipient__name", "decision", "decided_at")


def _objections_query(plans: QuerySet) -> QuerySet:
    judged = OppVersion.objects.filter(opp_id=OuterRef("version__opp_id")).order_by("-number").values("pk")[:1]
    return (
        latest_decisions_queryset()
        .filter(version__opp__in=plans.filter(status="ter_instemming").values("pk"))
        .annotate(judged=Subquery(judged)).filter(version_id=F("judged"))
        .filter(decision__in=(Decision.NIET_AKKOORD, Decision.GESPREK_GEWENST))
        .order_by(*DECISION_ORDER)
        .values_list(*_OBJECTION_COLUMNS)
    )


def objections(plans: QuerySet, *, school_id: int | None = None) -> list[dict]:
    """Per deciding party who said "niet akkoord" or asked for a conversation first, on the version a plan
    waiting for instemming was sent with: {"opp_id", "name", "decision", "label", "decided_at", "key"}.
    One query for any number of plans; `school_id` (`plans` are every plan of that school): from SQL compiled
    once (`opp_portal.replay`), since building it cost more than answering it (issue 12)."""
    if school_id is None:
        rows = list(_objections_query(plans))
    else:
        rows = _OBJECTIONS.rows(lambda school_id: _objections_query(Opp.objects.filter(school_id=school_id)), (),
                                school_id=school_id)
    return [{"opp_id": opp_id, "name": name, "decision": decision, "label": str(Decision(decision).label),
             "decided_at": decided_at, "key": f"objection:{decision_uuid}"}
            for decision_uuid, opp_id, name, decision, decided_at in rows]


# --- for the PDF --------------------------------------------------------------------------------------------

def consent_summary(opp: Opp, version: OppVersion | None):
    """What the PDF prints about the overleg and the pupil's hearing that count for `version` (or the draft)."""
    from plans.pdf import ConsentSummary

    hearing = hearing_evidence(opp, version)
    return ConsentSummary(
        oogo_days=sorted({day for day, *_rest in oogo_evidence(opp, version)}),
        heard=hearing["heard"] if hearing else None,
        heard_on=hearing["day"] if hearing else None,
        how=hearing["how"] if hearing else "",
        pupil_view=hearing["view"] if hearing else "",
        pupil_decides=decides_themself(
            opp.pupil, timezone.localtime(version.created_at).date() if version else timezone.localdate()),
    )


# --- registration -------------------------------------------------------------------------------------------

def is_legal_opp(opp: Opp) -> bool:
    return opp.is_legal_opp


def is_internal_plan(opp: Opp) -> bool:
    return not opp.is_legal_opp


STATUSES = {"oogo": oogo_status, "hearing": hearing_status, "instemming": instemming_status}
FILTERS = {"oogo": plans_with_oogo, "hearing": plans_with_hearing, "instemming": plans_with_instemming}
ADVISORY_SUFFIX = "_advisory"


def consent_requirements() -> list[Requirement]:
    items = []
    for key, label, order in CONSENT_KEYS:
        items.append(Requirement(key=key, label=label, status=STATUSES[key], applies_to=is_legal_opp, order=order,
                                 met_filter=FILTERS[key]))
        items.append(Requirement(
            key=key + ADVISORY_SUFFIX, label=format_lazy("{} ({})", label, _("advies, intern plan")),
            status=STATUSES[key], applies_to=is_internal_plan, blocks_adoption=False, order=order,
        ))
    return items


def answer_adoption_requirements() -> None:
    """Answer plans' expected requirements `oogo`, `hearing` and `instemming` with the real checks, and add the
    advisory ones for internal plans (from `ConsentConfig.ready`, once)."""
    for requirement in consent_requirements():
        REQUIREMENTS.answer(requirement.key, requirement)
