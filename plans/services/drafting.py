"""Starting a plan, saving the draft without lost updates, and freezing a version for the parents."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opp_portal.audit.actions import Action
from schools.models import Enrolment, Pupil, School

from ..content import content_hash, same_content, snapshot
from ..format import CORE, DRAFT_FIELDS, GOAL_FIELDS, Kind, Part
from ..models import (
    BASISONDERSTEUNING_SCHOOL_TYPES,
    MAX_EVALUATION_CYCLE_MONTHS,
    Goal,
    GoalOutcome,
    Opp,
    OppKind,
    OppStatus,
    OppVersion,
    UitstroomOption,
)
from ._common import (
    ConflictError,
    PlanRuleError,
    audit,
    caps_at_school,
    lock,
    require,
    require_for,
)

# The draft fields `save_draft` accepts besides "goals" are `DRAFT_FIELDS` (plans.format); a new plan that
# starts from a previous one takes over the handelingsdeel's own fields (not its goals: those are chosen).
CARRIED_FIELDS = tuple(f for f in CORE.section(Part.HANDELINGSDEEL) if not f.is_goals)


def check_kind(kind: str, school_type: str) -> None:
    if kind not in OppKind.values:
        raise PlanRuleError(_("Onbekende soort plan."))
    if kind == OppKind.BASISONDERSTEUNING and school_type not in BASISONDERSTEUNING_SCHOOL_TYPES:
        raise PlanRuleError(
            _("Een plan binnen de basisondersteuning kan alleen op een reguliere basisschool of school voor "
              "voortgezet onderwijs. Op deze school is elk plan een OPP voor extra ondersteuning.")
        )


def check_cycle(months: int) -> None:
    if not isinstance(months, int) or not 1 <= months <= MAX_EVALUATION_CYCLE_MONTHS:
        raise PlanRuleError(_("Een OPP wordt minstens eens per jaar geëvalueerd: kies 1 tot 12 maanden."))


@transaction.atomic
def start_draft(
    *,
    user,
    pupil: Pupil,
    school: School,
    kind: str = OppKind.EXTRA_SUPPORT,
    support_start_date: datetime.date | None = None,
    evaluation_cycle_months: int = MAX_EVALUATION_CYCLE_MONTHS,
    carry_over: bool = False,
) -> Opp:
    """An ib of `school` starts a draft for one of its pupils; rule 9 allows one open plan per pupil and school.

    With `carry_over`, the support and the goals not (fully) reached are copied from the pupil's previous
    plan that this ib can read.
    """
    require(caps_at_school(user, school), "can_draft")
    if not Enrolment.objects.current().filter(pupil=pupil, school=school).exists():
        raise PlanRuleError(_("Deze leerling staat nu niet ingeschreven op deze school."))
    check_kind(kind, school.school_type)
    check_cycle(evaluation_cycle_months)
    # Lock the pupil so two ib's starting a plan at the same moment run one after the other.
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    if Opp.objects.filter(pupil=pupil, school=school).not_ended().exists():
        raise PlanRuleError(_("Deze leerling heeft op deze school al een OPP dat loopt of in voorbereiding is "
                              "(regel 9). Werk dat plan bij of beëindig het eerst."))
    previous = None
    if carry_over:
        previous = Opp.objects.visible_to(user).filter(pupil=pupil).order_by("-created_at").first()
        if previous is None:
            raise PlanRuleError(_("Er is geen eerder plan van deze leerling om van uit te gaan."))
    opp = Opp(
        pupil=pupil, school=school, school_type=school.school_type, kind=kind, support_start_date=support_start_date,
        evaluation_cycle_months=evaluation_cycle_months, created_by=user, previous=previous,
    )
    try:
        with transaction.atomic():
            opp.save()
    except IntegrityError as exc:
        raise PlanRuleError(_("Deze leerling heeft op deze school al een OPP dat loopt of in voorbereiding is "
                              "(regel 9).")) from exc
    carried = _carry_over(opp, previous) if previous else 0
    audit(user, Action.OPP_STARTED, opp, kind=kind, carried_from=str(previous.uuid) if previous else None,
          carried_goals=carried)
    return opp


def _carry_over(opp: Opp, previous: Opp) -> int:
    """Copy the support and the still-relevant goals; a goal reached at the last evaluation stays behind."""
    source = previous.adopted_version.content if previous.adopted_version is not None else snapshot(previous)
    part = source["handelingsdeel"]
    for item in CARRIED_FIELDS:
        setattr(opp, item.key, part.get(item.name, item.empty_value()))
    opp.save(update_fields=[*(item.key for item in CARRIED_FIELDS), "updated_at"])
    last = previous.evaluations.order_by("-evaluated_on", "-pk").first()
    reached = (
        {str(u) for u in last.outcomes.filter(outcome=GoalOutcome.REACHED).values_list("goal_uuid", flat=True)}
        if last else set()
    )
    goals = [
        Goal(opp=opp, order=index, due_by=None,
             **{f.key: goal.get(f.key) or "" for f in CORE.goal_fields if f.kind != Kind.DATE})
        for index, goal in enumerate(g for g in part["goals"] if g["uuid"] not in reached)
    ]
    Goal.objects.bulk_create(goals)
    return len(goals)


@transaction.atomic
def start_overleg(*, user, opp: Opp) -> Opp:
    """The ib starts the overleg (OOGO) with the parents on the concept."""
    require_for(user, opp, "can_draft")
    fresh = lock(opp)
    if fresh.status != OppStatus.CONCEPT:
        raise PlanRuleError(_("Alleen een concept gaat in overleg."))
    fresh.status = OppStatus.IN_OVERLEG
    fresh.save(update_fields=["status", "updated_at"])
    audit(user, Action.OPP_OVERLEG_STARTED, fresh)
    opp.refresh_from_db()
    return opp


def _current_goals(opp: Opp) -> list[dict[str, Any]]:
    return [
        {"uuid": str(g.uuid), **{name: getattr(g, name) for name in GOAL_FIELDS}}
        for g in opp.goals.order_by("order", "pk")
    ]


def _clean_goals(submitted) -> list[dict[str, Any]]:
    goals = []
    for item in submitted:
        unknown = set(item) - {"uuid", *GOAL_FIELDS}
        if unknown:
            raise ValueError(f"Unknown goal fields: {sorted(unknown)}")
        goal = {"uuid": str(item["uuid"]) if item.get("uuid") else None}
        for field in CORE.goal_fields:
            value = item.get(field.key, field.empty_value())
            if field.kind == Kind.DATE:
                value = (datetime.date.fromisoformat(value) if value else None) if isinstance(value, str) else value
            else:
                value = (value or "").strip()
            goal[field.key] = value
        area = CORE.goal_field("area")
        if area.max_length and len(goal["area"] or "") > area.max_length:
            raise PlanRuleError(_("Het gebied van een doel is te lang (hoogstens %(n)d tekens).") % {
                "n": area.max_length})
        goals.append(goal)
    return goals


def _clean(opp: Opp, changes: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - {*DRAFT_FIELDS, "goals"}
    if unknown:
        raise ValueError(f"Not a draft field: {sorted(unknown)}")
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "goals":
            clean[name] = _clean_goals(value)
        elif name == "evaluation_cycle_months":
            check_cycle(value)
            clean[name] = value
        elif name == "support_start_date":
            clean[name] = datetime.date.fromisoformat(value) if isinstance(value, str) and value else (value or None)
        else:
            clean[name] = _clean_value(opp, CORE.field(name).kind, name, value)
    return clean


def _clean_value(opp: Opp, kind: str, name: str, value: Any) -> Any:
    """One content field's value as the draft stores it, by what the field holds."""
    if kind == Kind.CHOICE:
        check_kind(value, opp.school_type)
        return value
    if kind == Kind.OPTION:
        if isinstance(value, str) and value:
            value = UitstroomOption.objects.filter(code=value).first() or value
        if value is not None and not (isinstance(value, UitstroomOption) and value.fits(opp.school_type)):
            raise PlanRuleError(_("Kies een uitstroombestemming die bij deze schoolsoort past."))
        return value
    if kind == Kind.YES_NO:
        return bool(value)
    if kind == Kind.DATE:
        return datetime.date.fromisoformat(value) if isinstance(value, str) and value else (value or None)
    return (value or "").strip()


def _differs(current: Any, submitted: Any, name: str) -> bool:
    if name == "goals":
        strip = [{k: v for k, v in g.items() if k != "uuid" or v} for g in submitted]
        return strip != current
    return current != submitted


@transaction.atomic
def save_draft(*, user, opp: Opp, expected_revision: int, changes: Mapping[str, Any]) -> Opp:
    """Save changes to the draft of `opp` as loaded at `expected_revision`.

    When someone saved in between and the user's text differs from what is stored now, nothing is written
    and `ConflictError` carries both texts. Only a draft is typed in (concept, in overleg, or an adjustment
    someone started): saving never changes the status. A plan that was sent or adopted is changed after the
    explicit step `start_adjustment` ("Plan bijstellen").
    """
    require_for(user, opp, "can_draft")
    fresh = lock(opp)
    if fresh.status == OppStatus.BEEINDIGD:
        raise PlanRuleError(_("Dit plan is beëindigd en kan niet meer worden gewijzigd."))
    if fresh.status == OppStatus.VASTGESTELD:
        raise PlanRuleError(_("Dit plan is vastgesteld. Wilt u het wijzigen, kies dan eerst 'Plan bijstellen' en "
                              "geef de reden."))
    if not fresh.is_editable:
        raise PlanRuleError(_("Deze versie ligt ter instemming bij de ouders en verandert niet meer. Wilt u het "
                              "plan wijzigen, kies dan eerst 'Plan aanpassen' en geef de reden."))
    clean = _clean(fresh, changes)
    current = {
        name: (_current_goals(fresh) if name == "goals" else getattr(fresh, name)) for name in clean
    }
    changed = [name for name in clean if _differs(current[name], clean[name], name)]
    if fresh.revision != expected_revision and changed:
        raise ConflictError(
            current_revision=fresh.revision, expected_revision=expected_revision,
            fields={name: (current[name], clean[name]) for name in changed},
        )
    if not changed:
        opp.refresh_from_db()
        return opp
    for name in changed:
        if name == "goals":
            _apply_goals(fresh, clean[name])
        else:
            setattr(fresh, name, clean[name])
    fresh.revision += 1
    fresh.save()
    audit(user, Action.OPP_DRAFT_SAVED, fresh, fields=sorted(changed), revision=fresh.revision, status=fresh.status)
    opp.refresh_from_db()
    return opp


def _apply_goals(opp: Opp, goals: list[dict[str, Any]]) -> None:
    existing = {str(g.uuid): g for g in opp.goals.all()}
    kept = set()
    for index, data in enumerate(goals):
        goal = existing.get(data["uuid"]) if data["uuid"] else None
        if data["uuid"] and goal is None:
            raise PlanRuleError(_("Een van de doelen bestaat niet meer; laad het plan opnieuw."))
        goal = goal or Goal(opp=opp)
        goal.order = index
        for name in GOAL_FIELDS:
            setattr(goal, name, data[name])
        goal.save()
        kept.add(str(goal.uuid))
    opp.goals.exclude(uuid__in=kept).delete()


@transaction.atomic
def freeze_version(*, user, opp: Opp, expected_revision: int, substantial_change: bool | None = None) -> OppVersion:
    """Freeze the draft as an immutable version for the parents (status ter instemming). Asking them for
    instemming is consent's step; `consent.services.send_for_instemming` does both in one transaction.

    The plan's content must be complete (handelingsdeel, a complete goal, uitstroomperspectief): a version that
    could never be adopted is not sent. Content identical to the latest version that was not adopted is sent
    again as that version; content identical to the adopted version is refused, since nothing would change.
    In so and vso, `substantial_change` says whether the commissie advises again on this version (rule 6); it
    is asked once an earlier version exists, and counts as substantial when not given.
    """
    require_for(user, opp, "can_draft")
    fresh = lock(opp)
    if not fresh.is_editable:
        raise PlanRuleError(_("Deze versie is al verstuurd of het plan is vastgesteld of beëindigd; kies eerst "
                              "'Plan aanpassen' of 'Plan bijstellen'."))
    if fresh.revision != expected_revision:
        raise ConflictError(current_revision=fresh.revision, expected_revision=expected_revision, fields={})
    from ..requirements import content_gaps

    gaps = content_gaps(fresh)
    if gaps:
        raise PlanRuleError(_("Het plan is nog niet compleet.") + " " + " ".join(
            f"{item.label}: {item.status.message}" for item in gaps))
    content = snapshot(fresh)
    digest = content_hash(content)
    latest = fresh.latest_version
    if latest is not None and same_content(latest.content, content):
        if latest.pk == fresh.adopted_version_id:
            raise PlanRuleError(_("Er is niets veranderd ten opzichte van de geldende versie."))
        version = latest
        audit(user, Action.OPP_VERSION_RESENT, fresh, version, number=version.number,
              content_hash=version.content_hash)
    else:
        substantial = None
        if fresh.needs_commissie_advice and latest is not None:
            substantial = True if substantial_change is None else bool(substantial_change)
        version = OppVersion.objects.create(
            opp=fresh, number=(latest.number + 1) if latest else 1, content=content, content_hash=digest,
            created_by=user, substantial_change=substantial,
        )
        audit(user, Action.OPP_VERSION_FROZEN, fresh, version, number=version.number, content_hash=digest,
              substantial_change=substantial)
    fresh.status = OppStatus.TER_INSTEMMING
    fresh.sent_at = fresh.sent_at or timezone.now()
    fresh.save(update_fields=["status", "sent_at", "updated_at"])
    opp.refresh_from_db()
    return version
