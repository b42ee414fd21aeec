"""Who reaches which consent records: they filter through the plans the user may see (`plans.access`).

Staff reach a plan's records when they reach the plan as staff of its school; the family reaches the
records meant for them on a plan that was sent to them. Which family member reads which kind of record
is said once here; the querysets in `consent.models` and `consent.outreach` ask these filters.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from opp_portal.access import reach_of
from plans.access import (
    NOTHING,
    Caps,
    child_opps_for,
    consent_keeper_opps_for,
    family_plan_q,
    opp_access,
    own_opps_for,
    own_pupil_ids,
    scoped,
    staff_plan_q,
)
from plans.models import Opp

__all__ = ["Caps", "NOTHING", "child_opps", "get_staff_opp", "opp_access", "own_opps", "own_pupil_ids",
           "record_q", "scoped", "staff_opps", "staff_record_q"]


def staff_record_q(user, prefix: str = "opp__") -> Q | None:
    """Records of plans the user reaches as staff of the plan's school. None: everything (superuser)."""
    return staff_plan_q(reach_of(user), prefix)


def record_q(user, prefix: str = "opp__", *, parents: bool = True, pupil: bool = False) -> Q | None:
    """Records of a plan the user may see (`plans.access.opps_for`): its school's staff; with `parents` the
    parents (gezag) and with `pupil` the pupil themself, once the plan was sent to them. None: everything."""
    reach = reach_of(user)
    q = staff_plan_q(reach, prefix)
    if q is None:
        return None
    if parents:
        q |= family_plan_q(reach, prefix, pupil_ids=reach.child_ids)
    if pupil:
        q |= family_plan_q(reach, prefix, pupil_ids=own_pupil_ids(user))
    return q


# --- the plans each side of the consent pages reaches (anything else is a 404) --------------------------------

_RELATED = ("school", "school__swv", "pupil", "adopted_version")


def staff_opps(user):
    """Plans whose consent records the user keeps or reads as ib or school leader of the plan's school."""
    return consent_keeper_opps_for(user).select_related(*_RELATED)


def child_opps(user):
    """Plans of the user's children (gezag) once a version was sent to the parents."""
    return child_opps_for(user).select_related(*_RELATED)


def own_opps(user):
    """A pupil's own plans once a version was sent."""
    return own_opps_for(user).select_related("school", "pupil", "adopted_version")


def get_staff_opp(user, opp_uuid) -> Opp:
    return get_object_or_404(staff_opps(user), uuid=opp_uuid)
