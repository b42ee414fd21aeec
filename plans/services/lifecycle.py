"""Adopting, ending and evaluating a plan; the commissie's advice; standard texts."""

import datetime
from collections.abc import Mapping

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from opp_portal.audit.actions import Action
from opp_portal.resubmit import same_as_last

from ..models import (
    Adoption,
    Commissie,
    CommissieAdvice,
    Evaluation,
    EvaluationDecision,
    EvaluationOutcome,
    GoalOutcome,
    Opp,
    OppStatus,
    OppVersion,
    goal_title,
)
from ..requirements import checklist
from ._common import (
    AdoptionBlocked,
    PlanRuleError,
    add_months,
    audit,
    lock,
    not_in_future,
    require_for,
)


def check_no_overlap(opp: Opp, *, begin: datetime.date, end: datetime.date | None = None) -> None:
    """Rule 9: the periods of a pupil's plans at one school never overlap."""
    others = Opp.objects.filter(pupil_id=opp.pupil_id, school_id=opp.school_id, adopted_on__isnull=False).exclude(
        pk=opp.pk
    )
    for other in others.only("adopted_on", "ended_on"):
        assert other.adopted_on is not None  # the query keeps adopted plans only
        starts_before_other_ends = other.ended_on is None or begin <= other.ended_on
        ends_after_other_starts = end is None or end >= other.adopted_on
        if starts_before_other_ends and ends_after_other_starts:
            raise PlanRuleError(
                _("Deze periode overlapt met een ander OPP van deze leerling op deze school (regel 9).")
            )


@transaction.atomic
def adopt(*, user, opp: Opp, adopted_on: datetime.date | None = None,
          expected_version: OppVersion | None = None) -> Opp:
    """The school leader adopts (vaststellen) the version sent to the parents, when every blocking
    requirement of the checklist is met. The first adoption date is the OPP's begin date; a later adoption
    (of an adjustment) sets the day the new version takes effect and keeps the begin date.

    `expected_version` is the version the leader was shown: if another one was sent since (the page was
    stale), nothing is adopted, so nobody adopts a text they never saw.

    The checklist as the guard saw it is kept with the adoption: the plan shows it for the version in force.
    """
    require_for(user, opp, "can_adopt")
    fresh = lock(opp)
    if fresh.status != OppStatus.TER_INSTEMMING:
        raise PlanRuleError(_("Alleen een versie die ter instemming aan de ouders is voorgelegd kan worden "
                              "vastgesteld."))
    version = fresh.latest_version
    assert version is not None  # a plan waiting for instemming has the version it was sent with
    if expected_version is not None and expected_version.pk != version.pk:
        raise PlanRuleError(_("Er ligt intussen een andere versie voor: versie %(n)s. Er is niets vastgesteld; "
                              "bekijk die versie en stel opnieuw vast.") % {"n": version.number})
    day = adopted_on or timezone.localdate()
    not_in_future(day, _("De datum van vaststelling"))
    if day < timezone.localtime(version.created_at).date():
        raise PlanRuleError(_("Een versie kan niet worden vastgesteld vóór de dag waarop zij is verstuurd."))
    items = checklist(fresh, version)
    gaps = [item for item in items if item.blocks_adoption and not item.met]
    if gaps:
        raise AdoptionBlocked(gaps)
    first = fresh.adopted_on is None
    if first:
        check_no_overlap(fresh, begin=day)
        fresh.adopted_on = day
        fresh.next_evaluation_due = add_months(day, fresh.evaluation_cycle_months)
    else:
        assert fresh.version_adopted_on is not None  # adopted before
        if day < fresh.version_adopted_on:
            raise PlanRuleError(_("De nieuwe versie kan niet eerder ingaan dan de versie die nu geldt."))
        fresh.next_evaluation_due = fresh.next_evaluation_due or add_months(day, fresh.evaluation_cycle_months)
    fresh.adopted_version = version
    fresh.version_adopted_on = day
    fresh.status = OppStatus.VASTGESTELD
    fresh.adjustment_reason = ""
    fresh.save()
    adoption = Adoption.objects.create(opp=fresh, version=version, adopted_on=day, adopted_by=user, first=first,
                                       checklist=[item.as_record() for item in items])
    audit(user, Action.OPP_ADOPTED, fresh, version=version.number, adopted_on=day.isoformat(), first=first,
          content_hash=version.content_hash, adoption=str(adoption.uuid))
    opp.refresh_from_db()
    return opp


def begin_adjustment(user, opp: Opp, reason: str) -> None:
    """Open the draft of a plan that was sent or adopted for a new version; `opp` is locked by the caller."""
    previous = opp.status
    if opp.status == OppStatus.BEEINDIGD:
        raise PlanRuleError(_("Dit plan is beëindigd en kan niet meer worden bijgesteld. Is er opnieuw een plan "
                              "nodig, start dan een nieuw OPP."))
    if opp.status == OppStatus.VASTGESTELD:
        opp.status = OppStatus.BIJGESTELD
    elif opp.status == OppStatus.TER_INSTEMMING:
        # The version sent stays as it is (with any decisions on it); the next one is made from the draft.
        opp.status = OppStatus.BIJGESTELD if opp.adopted_version_id else OppStatus.IN_OVERLEG
    else:
        raise PlanRuleError(_("Alleen een plan dat is vastgesteld of ter instemming ligt, wordt bijgesteld; dit "
                              "plan kunt u al aanpassen."))
    opp.adjustment_reason = reason
    opp.revision += 1  # a form loaded before this step cannot save into the reopened draft unseen
    opp.save(update_fields=["status", "adjustment_reason", "revision", "updated_at"])
    audit(user, Action.OPP_ADJUSTMENT_STARTED, opp, reason=reason, from_status=previous, status=opp.status)


@transaction.atomic
def start_adjustment(*, user, opp: Opp, reason: str) -> Opp:
    """"Plan bijstellen": the ib opens an adopted plan (or a version waiting for instemming) for a new
    version, with the reason. Until the new version is adopted, the version in force stays in force."""
    require_for(user, opp, "can_adjust")
    fresh = lock(opp)
    reason = (reason or "").strip()
    if not reason:
        raise PlanRuleError(_("Schrijf op waarom het plan wordt bijgesteld."))
    if len(reason) > 1000:
        raise PlanRuleError(_("De reden is te lang: hoogstens 1000 tekens."))
    begin_adjustment(user, fresh, reason)
    opp.refresh_from_db()
    return opp


def _end(user, opp: Opp, ended_on: datetime.date, reason: str) -> None:
    if opp.status == OppStatus.BEEINDIGD:
        raise PlanRuleError(_("Dit plan is al beëindigd."))
    if not reason.strip():
        raise PlanRuleError(_("Geef de reden waarom het plan eindigt."))
    not_in_future(ended_on, _("De einddatum"))
    if opp.adopted_on and ended_on < opp.adopted_on:
        raise PlanRuleError(_("De einddatum kan niet vóór de ingangsdatum liggen."))
    opp.status = OppStatus.BEEINDIGD
    opp.ended_on = ended_on
    opp.end_reason = reason.strip()
    opp.next_evaluation_due = None
    opp.save()
    audit(user, Action.OPP_ENDED, opp, ended_on=ended_on.isoformat(), was_adopted=opp.adopted_on is not None)


@transaction.atomic
def end(*, user, opp: Opp, ended_on: datetime.date, reason: str) -> Opp:
    """End the plan (or withdraw a draft) with its end date and reason."""
    require_for(user, opp, "can_end")
    fresh = lock(opp)
    _end(user, fresh, ended_on, reason)
    opp.refresh_from_db()
    return opp


@transaction.atomic
def record_evaluation(
    *,
    user,
    opp: Opp,
    evaluated_on: datetime.date,
    outcomes: Mapping[str, tuple[str, str]],
    parents_view: str,
    pupil_view: str,
    decision: str,
    end_reason: str = "",
    discussed_handelingsdeel: bool = True,
    discussed_uitstroomperspectief: bool = False,
) -> Evaluation:
    """Rule 8: evaluate the adopted version with the parents: per goal reached / partly / not reached
    (`outcomes` maps each goal's uuid to `(outcome, note)`), both views and the decision.

    continue: the next evaluation is due one cycle after this one; adjust: the adjustment starts (as with
    "Plan bijstellen", the reason being this evaluation) and the adopted version stays in force until the new
    one is adopted; end: the plan ends. The evaluation is a conversation with the parents: for the next
    version it counts as the overleg on the parts discussed, and the pupil's view as their hearing.
    """
    require_for(user, opp, "can_evaluate")
    fresh = lock(opp)
    if not fresh.is_running:
        raise PlanRuleError(_("Alleen een vastgesteld plan dat nog loopt kan worden geëvalueerd."))
    version = fresh.adopted_version
    assert version is not None and fresh.adopted_on is not None  # a running plan was adopted
    not_in_future(evaluated_on, _("De datum van de evaluatie"))
    if evaluated_on < fresh.adopted_on:
        raise PlanRuleError(_("De evaluatie kan niet vóór de ingangsdatum van het plan liggen."))
    if Evaluation.objects.filter(opp=fresh, evaluated_on=evaluated_on).exists():
        # A form sent twice (a double click, a reload) must not record the same evaluation twice.
        raise PlanRuleError(_("Op deze datum is al een evaluatie van dit plan vastgelegd."))
    if decision not in EvaluationDecision.values:
        raise PlanRuleError(_("Kies een besluit: voortzetten, bijstellen of beëindigen."))
    if not parents_view.strip():
        raise PlanRuleError(_("Schrijf op wat de ouders van het plan en de evaluatie vinden."))
    if not pupil_view.strip():
        raise PlanRuleError(_("Schrijf op wat de leerling ervan vindt, of waarom dat niet lukte."))
    goals = {g["uuid"]: g for g in version.goals}
    given = {str(k): v for k, v in outcomes.items()}
    if set(given) != set(goals):
        raise PlanRuleError(_("Geef voor elk doel aan of het bereikt is."))
    for outcome, _note in given.values():
        if outcome not in GoalOutcome.values:
            raise PlanRuleError(_("Kies per doel: bereikt, deels bereikt of niet bereikt."))
    if decision == EvaluationDecision.END and not end_reason.strip():
        end_reason = str(_("Beëindigd na de evaluatie."))
    if decision == EvaluationDecision.ADJUST and fresh.status not in (OppStatus.VASTGESTELD, OppStatus.TER_INSTEMMING):
        raise PlanRuleError(_("Er wordt al een bijstelling voorbereid. Kies voortzetten of beëindigen, of rond de "
                              "bijstelling eerst af."))
    evaluation = Evaluation.objects.create(
        opp=fresh, version=version, evaluated_on=evaluated_on, parents_view=parents_view.strip(),
        pupil_view=pupil_view.strip(), decision=decision, recorded_by=user,
        discussed_handelingsdeel=bool(discussed_handelingsdeel),
        discussed_uitstroomperspectief=bool(discussed_uitstroomperspectief),
    )
    EvaluationOutcome.objects.bulk_create(
        EvaluationOutcome(
            evaluation=evaluation, goal_uuid=uuid,
            goal_title=goal_title(goals[uuid]["area"], goals[uuid]["description"]),
            outcome=outcome, note=(note or "").strip(),
        )
        for uuid, (outcome, note) in given.items()
    )
    audit(user, Action.OPP_EVALUATED, fresh, evaluation, version=version.number, decision=decision,
          evaluated_on=evaluated_on.isoformat())
    if decision == EvaluationDecision.END:
        _end(user, fresh, evaluated_on, end_reason)
    else:
        # One cycle after the latest evaluation by its date: an evaluation typed in later about an earlier day
        # (backdated) does not move the next one forward.
        latest = Evaluation.objects.filter(opp=fresh).aggregate(day=Max("evaluated_on"))["day"]
        fresh.next_evaluation_due = add_months(latest, fresh.evaluation_cycle_months)
        fresh.save(update_fields=["next_evaluation_due", "updated_at"])
        if decision == EvaluationDecision.ADJUST:
            # A version still waiting for instemming is superseded too: the next one is made from the draft.
            reason = _("Bijstellen na de evaluatie van %(day)s.") % {"day": date_format(evaluated_on, "j F Y")}
            begin_adjustment(user, fresh, str(reason))
    opp.refresh_from_db()
    return evaluation


@transaction.atomic
def record_commissie_advice(
    *, user, opp: Opp, version: OppVersion, advised_on: datetime.date, commissie: str, advice: str
) -> CommissieAdvice:
    """Rule 6: in so and vso the commissie advises on the frozen version that waits for adoption."""
    require_for(user, opp, "can_give_advice")
    fresh = lock(opp)
    if not fresh.needs_commissie_advice:
        raise PlanRuleError(_("Alleen in het so en vso adviseert een commissie over het OPP."))
    if fresh.status != OppStatus.TER_INSTEMMING:
        raise PlanRuleError(_("De commissie adviseert over een vastgelegde versie die nog moet worden vastgesteld. "
                              "Leg het plan eerst vast en voor; daarna legt u het advies over die versie vast."))
    latest = fresh.latest_version
    assert latest is not None  # a plan waiting for instemming has the version it was sent with
    if version.opp_id != fresh.pk or version.pk != latest.pk:
        raise PlanRuleError(_("Het advies gaat over versie %(n)s, de versie die nu voorligt.") % {"n": latest.number})
    if commissie not in Commissie.values:
        raise PlanRuleError(_("Kies de commissie die advies gaf."))
    if not advice.strip():
        raise PlanRuleError(_("Schrijf het advies van de commissie op."))
    not_in_future(advised_on, _("De datum van het advies"))
    if advised_on < timezone.localtime(version.created_at).date():
        raise PlanRuleError(_("Het advies kan niet eerder zijn gegeven dan de dag waarop versie %(n)s is "
                              "vastgelegd.") % {"n": version.number})
    if (same := same_as_last(CommissieAdvice.objects.filter(opp=fresh, version=version), recorded_by_id=user.pk,
                             advised_on=advised_on, commissie=commissie, advice=advice.strip())) is not None:
        return same
    item = CommissieAdvice.objects.create(
        opp=fresh, version=version, advised_on=advised_on, commissie=commissie, advice=advice.strip(),
        recorded_by=user,
    )
    audit(user, Action.OPP_COMMISSIE_ADVICE_RECORDED, fresh, item, commissie=commissie,
          advised_on=advised_on.isoformat(), version=version.number)
    return item
