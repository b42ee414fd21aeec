"""What a family page shows beside the plan itself: the latest evaluation per goal, what the pupil said, the
OOGO date, the next evaluation, the ib to contact, the state of the family member's own decision and whether
the school recorded a guardian as unreachable (rule 3). Each guardian sees only their own decision."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.utils.translation import gettext as _

from plans.models import Evaluation, EvaluationOutcome, Opp, OppVersion

from ..contact import Contact, contact_for, ib_contact, with_requester
from ..family_records import FamilyRecords
from ..models import Decision, Hearing, InstemmingDecision, InstemmingRecipient, OogoMeeting
from ..parties import help_after_refusal
from ..requirements import by_party, unreachable_parties


def latest_per_goal(outcomes: list[EvaluationOutcome]) -> dict[str, EvaluationOutcome]:
    """Per goal (by its uuid), the outcome of the latest evaluation that judged it, from the plan's outcomes
    (each with its evaluation)."""
    latest: dict[str, EvaluationOutcome] = {}
    for outcome in sorted(outcomes, key=lambda o: (o.evaluation.evaluated_on, o.evaluation.pk), reverse=True):
        latest.setdefault(str(outcome.goal_uuid), outcome)
    return latest


def with_evaluations(content: dict | None, latest: dict[str, EvaluationOutcome]) -> dict | None:
    if content is None:
        return None
    goals = [{**goal, "evaluation": latest.get(str(goal.get("uuid")))} for goal in content["handelingsdeel"]["goals"]]
    return {**content, "handelingsdeel": {**content["handelingsdeel"], "goals": goals}}


FACTS = ("facts_said", "facts_oogo_on", "facts_evaluated_on", "contact")


def with_facts(plans: QuerySet, user) -> QuerySet:
    """Annotate what `plan_facts` shows (what the pupil said last, the last OOGO and evaluation, who to contact),
    each read through what `user` may see: the family's page asks the plan once instead of five times."""
    said = (Hearing.objects.visible_to(user).filter(opp=OuterRef("pk"), heard=True)
            .order_by("-heard_on", "-created_at"))
    oogo = OogoMeeting.objects.visible_to(user).filter(opp=OuterRef("pk")).order_by("-held_on", "-pk")
    evaluation = Evaluation.objects.visible_to(user).filter(opp=OuterRef("pk")).order_by("-evaluated_on")
    heard = JSONObject(pk="pk", pupil_view="pupil_view", heard_on="heard_on", method="method")
    return with_requester(plans).annotate(
        facts_said=Subquery(said.values(json=heard)[:1]),
        facts_oogo_on=Subquery(oogo.values("held_on")[:1]),
        facts_evaluated_on=Subquery(evaluation.values("evaluated_on")[:1]),
    )


def plan_facts(user, opp: Opp) -> dict:
    """The facts beside the plan; from `with_facts`'s annotations when the view asked the plan with them, else
    one query. The records are built from the fields the page shows (`consent/_plan_facts.html`), not loaded."""
    if not hasattr(opp, "facts_oogo_on"):
        for name, value in with_facts(Opp.objects.filter(pk=opp.pk), user).values(*FACTS).get().items():
            setattr(opp, name, value)
    facts: Any = opp
    said = facts.facts_said
    return {
        "pupil_said": Hearing(pk=said["pk"], opp=opp, heard=True, pupil_view=said["pupil_view"], method=said["method"],
                              heard_on=datetime.date.fromisoformat(said["heard_on"])) if said else None,
        "last_oogo": OogoMeeting(opp=opp, held_on=facts.facts_oogo_on) if facts.facts_oogo_on else None,
        "last_evaluation": (Evaluation(opp=opp, evaluated_on=facts.facts_evaluated_on)
                            if facts.facts_evaluated_on else None),
        "next_evaluation": opp.next_evaluation_due,
        "ib": ib_contact(opp),
    }


def family_facts(opp: Opp, records: FamilyRecords) -> dict:
    """What `plan_facts` gives, from the sets a parent's page read at once (`read_family_records`)."""
    latest_request = records.requests[0] if records.requests else None
    requester = (records.requesters.get(latest_request.requested_by_id)
                 if latest_request and latest_request.requested_by_id else None)
    if requester is not None and requester.is_active and requester.pk in records.ib_user_ids:
        contact: Contact | None = contact_for(requester, opp)
    else:  # nobody asked yet, or whoever asked is no longer ib here: as `ib_contact` finds one
        contact = ib_contact(opp)
    return {
        "pupil_said": records.hearings[0] if records.hearings else None,
        "last_oogo": records.meetings[0] if records.meetings else None,
        "last_evaluation": records.evaluations[0] if records.evaluations else None,
        "next_evaluation": opp.next_evaluation_due,
        "ib": contact,
    }


@dataclass(frozen=True)
class Banner:
    """The state of the family member's own decision when they come back (rule 4: with the way to help)."""

    decision: InstemmingDecision
    help: object

    @property
    def refused(self) -> bool:
        return self.decision.decision == Decision.NIET_AKKOORD


def banner_for(opp: Opp, current: InstemmingDecision | None, asked: bool, *, pupil: bool = False) -> Banner | None:
    if not asked or current is None or current.decision == Decision.AKKOORD:
        return None
    return Banner(decision=current, help=help_after_refusal(opp, own=pupil))


def unreachable_notes(version: OppVersion | None, recipient: InstemmingRecipient | None,
                      current: InstemmingDecision | None, *, adopted: bool = False, pupil: bool = False,
                      unreachable: list | None = None) -> dict:
    """Said plainly on the family page: the school could not reach this person (they may still decide; or, once
    the plan was adopted on the other guardian's akkoord, where to turn), or could not reach the other guardian
    (so this person's akkoord suffices). The other is never named. The adult pupil (`pupil`) is spoken to as
    "je", as everywhere on their own page."""
    if version is None or recipient is None:
        return {}
    confirmed, pending = unreachable_parties(version) if unreachable is None else by_party(unreachable)
    notes: dict[str, object] = {}
    me = recipient.party
    if current is None and adopted and me in confirmed:
        notes["me_adopted"] = _(
            "De school kon u niet bereiken. Zij heeft vastgelegd wat zij heeft geprobeerd, en de schoolleider heeft "
            "dat bevestigd. Daarom is dit plan vastgesteld met het akkoord van de andere ouder met gezag, zonder uw "
            "besluit. Bent u het niet eens met het plan, of wilt u erover praten? Neem contact op met de school.")
        notes["help"] = help_after_refusal(version.opp, own=pupil)
    elif current is None and (me in confirmed or me in pending) and pupil:
        notes["me"] = _("De school heeft vastgelegd dat zij je niet kon bereiken. Je kunt nu alsnog zelf beslissen: "
                        "je besluit telt, ook als je niet akkoord gaat.")
    elif current is None and (me in confirmed or me in pending):
        notes["me"] = _("De school heeft vastgelegd dat zij u niet kon bereiken. U kunt nu alsnog zelf beslissen: "
                        "uw besluit telt, ook als u niet akkoord gaat.")
    if any(key != me for key in confirmed) and adopted:
        notes["other"] = _("De school kon de andere ouder met gezag niet bereiken. Zij heeft vastgelegd wat zij "
                           "heeft geprobeerd, en de schoolleider heeft dat bevestigd. Daarom is het plan vastgesteld "
                           "met uw akkoord.")
    elif any(key != me for key in confirmed):
        notes["other"] = _("De school kon de andere ouder met gezag niet bereiken. Zij heeft vastgelegd wat zij "
                           "heeft geprobeerd, en de schoolleider heeft dat bevestigd. Daarom is uw akkoord genoeg om "
                           "het plan vast te stellen. Gaat u niet akkoord, dan kan het plan zo niet worden "
                           "vastgesteld.")
    return notes
