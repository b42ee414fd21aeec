"""`{% lifecycle_panel opp %}`: on the plan page, the links to versions, evaluation, ending and the
commissie's advice that the user's role allows, the next evaluation date and the recorded advices."""

from django import template

from opp_portal.access import reach_of
from schools.models import Role

from ..models import CommissieAdvice, Evaluation, OppStatus, OppVersion

register = template.Library()


@register.inclusion_tag("plans/_lifecycle_panel.html", takes_context=True)
def lifecycle_panel(context, opp):
    user = context["request"].user
    roles = reach_of(user).roles_at(opp.school_id)
    needs_commissie = opp.needs_commissie_advice
    return {
        "opp": opp,
        "version_count": OppVersion.objects.visible_to(user).filter(opp=opp).count(),
        "last_evaluation": Evaluation.objects.visible_to(user).filter(opp=opp).first(),
        "can_evaluate": Role.IB in roles and opp.is_running,
        "can_end": bool(roles & {Role.IB, Role.SCHOOL_LEADER}) and opp.status != OppStatus.BEEINDIGD,
        "needs_commissie": needs_commissie,
        "can_advise": needs_commissie and bool(roles & {Role.IB, Role.SCHOOL_LEADER})
        and opp.status == OppStatus.TER_INSTEMMING,
        "advices": (CommissieAdvice.objects.visible_to(user).filter(opp=opp).select_related("version")
                    if needs_commissie else []),
    }
