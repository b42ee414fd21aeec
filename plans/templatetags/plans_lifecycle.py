"""`{% lifecycle_panel opp %}`: on the plan page, the links to versions, evaluation, ending and the
commissie's advice that the user's role allows, the next evaluation date and the recorded advices."""

from django import template

from ..access import opp_access
from ..models import CommissieAdvice, OppStatus

register = template.Library()


@register.inclusion_tag("plans/_lifecycle_panel.html", takes_context=True)
def lifecycle_panel(context, opp):
    user = context["request"].user
    caps = opp_access(user, opp)
    needs_commissie = opp.needs_commissie_advice
    # Versions are numbered 1, 2, … without gaps (drafting.freeze_version), and the caller already reaches the plan:
    # the latest number is the count, without a query of its own (issue 12).
    latest = opp.latest_version
    return {
        "opp": opp,
        "version_count": latest.number if latest is not None else 0,
        # `Evaluation.visible_to` shows every evaluation of a plan the user sees: the page's records have them.
        "last_evaluation": opp.last_evaluation if caps.can_see else None,
        "can_evaluate": caps.can_evaluate and opp.is_running,
        "can_end": caps.can_end and opp.status != OppStatus.BEEINDIGD,
        "needs_commissie": needs_commissie,
        "can_advise": needs_commissie and caps.can_give_advice and opp.status == OppStatus.TER_INSTEMMING,
        "advices": (CommissieAdvice.objects.visible_to(user).filter(opp=opp).select_related("version")
                    if needs_commissie else []),
    }
