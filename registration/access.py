"""Who sees which ROD pages. Board administrators: their boards; school leaders: figures of their school."""

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
    led = reach.schools_with_role(Role.SCHOOL_LEADER)
    return schools.filter(Q(board_id__in=reach.board_ids) | Q(pk__in=led))


def can_see_rod(user) -> bool:
    return figure_schools_for(user).exists()


def administers(user, board: Board) -> bool:
    """The board's administration (board_admin) and the superuser: exports, batches and deliveries."""
    reach = reach_of(user)
    return reach.everything or board.pk in reach.board_ids


def batches_q(user) -> Q | None:
    """Batches of the boards the user administers; nobody else sees batches. None: all (superuser)."""
    reach = reach_of(user)
    return None if reach.everything else Q(board_id__in=reach.board_ids)
