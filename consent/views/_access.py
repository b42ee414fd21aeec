"""Which plans each side of the consent pages reaches. A plan outside this reach is a 404."""

from django.shortcuts import get_object_or_404

from opp_portal.access import reach_of
from plans.models import Opp

from ..models import own_pupil_ids


def staff_opps(user):
    """Plans whose consent records the user keeps or reads as ib or school leader of the plan's school."""
    reach = reach_of(user)
    opps = Opp.objects.visible_to(user)
    if not reach.everything:
        opps = opps.filter(school_id__in=reach.editable_school_ids)
    return opps.select_related("school", "school__swv", "pupil", "adopted_version")


def child_opps(user):
    """Plans of the user's children (gezag) once a version was sent to the parents."""
    reach = reach_of(user)
    return (Opp.objects.visible_to(user).filter(pupil_id__in=reach.child_ids, sent_at__isnull=False)
            .select_related("school", "school__swv", "pupil", "adopted_version"))


def own_opps(user):
    """A pupil's own plans once a version was sent."""
    return (Opp.objects.visible_to(user).filter(pupil_id__in=own_pupil_ids(user), sent_at__isnull=False)
            .select_related("school", "pupil", "adopted_version"))


def get_staff_opp(user, opp_uuid) -> Opp:
    return get_object_or_404(staff_opps(user), uuid=opp_uuid)


def school_roles(user, opp: Opp) -> frozenset[str]:
    return reach_of(user).roles_at(opp.school_id)
