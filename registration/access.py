"""Who sees which ROD pages. Board administrators: their boards; school leaders: figures of their school.

Note for the lead: `Reach` has no set of schools where the user is school leader (only `editable_school_ids`,
which includes ib); this asks the memberships directly until `opp_portal.access` offers it.
"""

from django.db.models import Q

from opp_portal.access import reach_of
from schools.models import Board, Role, School


def boards_for(user):
    reach = reach_of(user)
    if reach.everything:
        return Board.objects.all()
    return Board.objects.filter(pk__in=reach.board_ids)


def figure_schools_for(user):
    """Schools whose ROD figures the user sees: every school of their boards, and schools they lead."""
    reach = reach_of(user)
    schools = School.objects.visible_to(user)
    if reach.everything:
        return schools
    led = School.objects.filter(memberships__user=user, memberships__role=Role.SCHOOL_LEADER).values("pk")
    return schools.filter(Q(board_id__in=reach.board_ids) | Q(pk__in=led))


def can_see_rod(user) -> bool:
    return figure_schools_for(user).exists()
