"""Who may see a plan and what they may do with it: the one access policy for plans.

`Reach` (opp_portal.access) turns memberships and family links into ids; this module turns those ids into
answers about plans. `opps_for(user)` is the one queryset of plans a user may see, `plan_q` its filter for
records that hang off a plan (versions, consent records), and `opp_access(user, opp)` what the user may do
with one plan. Views, services, template tags and the navigation ask here; nothing else filters plans by
role. A new role or sharing rule is added here (and its test in tests/plans/test_access.py).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from opp_portal.access import Reach, page_caps, reach_of
from schools.access import scoped
from schools.models import Board, Enrolment, Pupil, Role, School
from schools.services import NotAllowed

from .models import EDITABLE_STATUSES, Opp, OppQuerySet, StandardText

NOTHING = Q(pk__in=[])
IB = frozenset({Role.IB})
LEADER = frozenset({Role.SCHOOL_LEADER})
IB_OR_LEADER = frozenset({Role.IB, Role.SCHOOL_LEADER})


class RoleRequired(PermissionDenied):
    """The user reaches the plan but their role may not take this step (a teacher cannot adopt)."""


# --- the queryset -------------------------------------------------------------------------------------------

def _taught_q(reach: Reach, prefix: str) -> Q:
    """A teacher's plans: pupils of their groups, matched exactly as `Reach.enrolment_q` matches them."""
    q = NOTHING
    taught_q = reach.enrolment_q(include_board=False)
    for school_id, groups in reach.teacher_groups.items():
        if groups:
            taught = Enrolment.objects.filter(taught_q, school_id=school_id).values("pupil_id")
            q |= Q(**{f"{prefix}school_id": school_id, f"{prefix}pupil_id__in": taught})
    return q


def staff_plan_q(reach: Reach, prefix: str = "") -> Q | None:
    """Plans reached as staff of the plan's school: ib and school leader all of their school, a teacher those
    of the pupils in their groups. None means everything (superuser)."""
    if reach.everything:
        return None
    return Q(**{f"{prefix}school_id__in": reach.editable_school_ids}) | _taught_q(reach, prefix)


def family_plan_q(reach: Reach, prefix: str = "", *, pupil_ids: frozenset[int] | None = None) -> Q:
    """Plans of the user's children (gezag) or their own, once a version was sent to the family."""
    ids = reach.family_pupil_ids if pupil_ids is None else pupil_ids
    if not ids:
        return NOTHING
    return Q(**{f"{prefix}pupil_id__in": ids, f"{prefix}sent_at__isnull": False})


def plan_q(user, prefix: str = "") -> Q | None:
    """Plans `user` may see (`prefix` reaches the plan from another model, e.g. "opp__"). None: everything.

    ib and school leader: every plan of their school; teacher: plans of pupils in their groups; parent and
    pupil: their own once a version was sent; board and SWV staff: none (they see figures, never content).
    """
    reach = reach_of(user)
    staff = staff_plan_q(reach, prefix)
    if staff is None:
        return None
    return staff | family_plan_q(reach, prefix)


def opps_for(user) -> OppQuerySet:
    """The one queryset of plans `user` may see."""
    return scoped(Opp.objects.all(), plan_q(user))


def school_opps_for(user) -> QuerySet:
    """Plans `user` reaches as staff of the plan's school: the school's plan pages (draft, lifecycle, PDF).
    The family reads theirs on the consent pages."""
    return scoped(Opp.objects.all(), staff_plan_q(reach_of(user)))


def plan_pupils_for(user) -> QuerySet:
    """Pupils whose plans the user reaches as staff of their school; parents and board staff get none here."""
    reach = reach_of(user)
    pupils = Pupil.objects.visible_to(user)
    if reach.everything:
        return pupils
    taught = Enrolment.objects.filter(reach.enrolment_q(include_board=False)).values("pupil_id")
    return pupils.filter(pk__in=taught)


def school_ids_where(user, capability: str) -> frozenset[int]:
    """The schools where the user's roles give `capability` (e.g. "can_draft": where they may start a plan)."""
    reach = reach_of(user)
    return frozenset(sid for sid in reach.school_roles if _role_caps(reach, sid)[capability])


def consent_keeper_opps_for(user) -> QuerySet:
    """Plans whose consent records the user keeps or reads as ib or school leader of the plan's school."""
    reach = reach_of(user)
    return opps_for(user) if reach.everything else opps_for(user).filter(school_id__in=reach.editable_school_ids)


def child_opps_for(user) -> QuerySet:
    """Plans of the user's children (gezag) once a version was sent to the parents."""
    return Opp.objects.filter(family_plan_q(reach_of(user), pupil_ids=reach_of(user).child_ids))


def own_pupil_ids(user) -> frozenset[int]:
    """The pupil's own record(s), for a user who signs in as a pupil."""
    reach = reach_of(user)
    return reach.family_pupil_ids - reach.child_ids if reach.is_pupil else frozenset()


def own_opps_for(user) -> QuerySet:
    """A pupil's own plans once a version was sent."""
    return Opp.objects.filter(family_plan_q(reach_of(user), pupil_ids=own_pupil_ids(user)))


# --- one plan -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Caps:
    """What one user may do with one plan (or, from `caps_at_school`, with a new plan at a school).

    The role capabilities follow the user's roles at the plan's school; a step that also depends on the plan's
    state says so in its name's comment. A service refuses with `require(caps, "can_…")`.
    """

    can_see: bool = False  # the plan is in opps_for(user)
    as_staff: bool = False  # reached as staff of its school: the school's plan pages and the draft PDF
    as_family: bool = False  # a child's or one's own plan, sent to the family
    as_parent: bool = False  # a child over whom the user has gezag
    works_at_school: bool = False  # any membership at the plan's school: a refused step is a 403, not a 404
    # Reads on behalf of the school (works there, or superuser): every decision, the school's stored PDF.
    # Anyone else reads as family, with only their own decisions.
    as_school: bool = False
    can_read_content: bool = False
    can_see_checklist: bool = False  # the ib's and leader's tool; a teacher reads the plan itself
    can_keep_consent: bool = False  # the school's consent page: OOGO, hearing, instemming records
    reads_version_in_force: bool = False  # a teacher reads what is done in class: the version in force
    can_draft: bool = False  # ib: type in the draft, freeze and send it, record OOGO and the hearing
    can_edit: bool = False  # can_draft, and the plan is editable now
    can_send: bool = False  # ask for instemming and remind
    can_adjust: bool = False  # start an adjustment of a sent or adopted plan
    can_adopt: bool = False  # vaststellen: the school leader
    can_end: bool = False
    can_evaluate: bool = False  # record an evaluation
    can_give_advice: bool = False  # record the commissie's advice (so, vso)
    can_record_paper_decision: bool = False
    can_record_unreachable: bool = False
    can_confirm_unreachable: bool = False
    can_withdraw_unreachable: bool = False
    can_invite_pupil: bool = False
    can_download_pdf: bool = False  # the draft as a PDF: the school's working copy, never the family's


def _role_caps(reach: Reach, school_id: int) -> dict[str, bool]:
    roles = reach.roles_at(school_id)
    ib, ib_or_leader = bool(roles & IB), bool(roles & IB_OR_LEADER)
    return {
        "works_at_school": school_id in reach.school_ids,
        "can_draft": ib, "can_send": ib, "can_adjust": ib, "can_evaluate": ib, "can_record_unreachable": ib,
        "can_invite_pupil": ib,
        "can_adopt": bool(roles & LEADER), "can_confirm_unreachable": bool(roles & LEADER),
        "can_end": ib_or_leader, "can_give_advice": ib_or_leader, "can_record_paper_decision": ib_or_leader,
        "can_withdraw_unreachable": ib_or_leader,
        "can_see_checklist": ib_or_leader or reach.everything,
        "reads_version_in_force": Role.TEACHER in roles and not ib_or_leader,
    }


def caps_at_school(user, school) -> Caps:
    """The role capabilities at a school, for a step on a plan that does not exist yet (starting one)."""
    return Caps(**_role_caps(reach_of(user), getattr(school, "pk", school)))


def _taught_pupils(user, reach: Reach) -> dict[int, frozenset[int]]:
    """Per school, the pupils of the teacher's groups: one query per request, however many plans are judged."""
    cached = getattr(user, "_opp_taught", None)
    if cached is not None and cached[0] is reach:
        return cached[1]
    taught: dict[int, set[int]] = {}
    if any(reach.teacher_groups.values()):
        rows = (Enrolment.objects.filter(reach.enrolment_q(include_board=False),
                                         school_id__in=list(reach.teacher_groups)).order_by()
                .values_list("school_id", "pupil_id").distinct())
        for school_id, pupil_id in rows:
            taught.setdefault(school_id, set()).add(pupil_id)
    result = {k: frozenset(v) for k, v in taught.items()}
    if user is not None and getattr(user, "is_authenticated", False):
        user._opp_taught = (reach, result)
    return result


def opp_access(user, opp: Opp) -> Caps:
    """What `user` may do with `opp`, from the plan's school, pupil, status and sent date (no query per plan)."""
    reach = reach_of(user)
    if reach.everything:
        as_staff = True
    elif opp.school_id in reach.editable_school_ids:
        as_staff = True
    elif reach.teacher_groups.get(opp.school_id):
        as_staff = opp.pupil_id in _taught_pupils(user, reach).get(opp.school_id, frozenset())
    else:
        as_staff = False
    as_family = opp.sent_at is not None and opp.pupil_id in reach.family_pupil_ids
    can_see = as_staff or as_family
    roles = _role_caps(reach, opp.school_id)
    return Caps(
        **roles,
        can_see=can_see,
        as_staff=as_staff,
        as_school=reach.everything or roles["works_at_school"],
        as_family=as_family,
        as_parent=as_family and opp.pupil_id in reach.child_ids,
        can_read_content=can_see,
        can_keep_consent=can_see and (reach.everything or opp.school_id in reach.editable_school_ids),
        can_edit=roles["can_draft"] and opp.status in EDITABLE_STATUSES,
        can_download_pdf=as_staff,
    )


def require(caps: Caps, capability: str) -> None:
    """Refuse a step the user's role may not take: a 403 where they work, else a 404 that confirms nothing."""
    if getattr(caps, capability):
        return
    if caps.works_at_school:
        raise RoleRequired
    raise NotAllowed


def require_for(user, opp: Opp, capability: str) -> None:
    require(opp_access(user, opp), capability)


# --- the library of standard texts ---------------------------------------------------------------------------
# A school's texts are kept by its ib's and its school leader; a board's texts (for all its schools) by a school
# leader of any of its schools or the board's administration. An ib reads and uses board texts.

def texts_q(user) -> Q | None:
    """Texts of the schools where the user works and of their boards, and of a board they administer."""
    reach = reach_of(user)
    if reach.everything:
        return None
    boards = School.objects.filter(pk__in=reach.school_ids).values("board_id")
    return Q(school_id__in=reach.school_ids) | Q(board_id__in=boards) | Q(board_id__in=reach.board_ids)


def manageable_schools(user) -> QuerySet:
    """Schools whose texts `user` keeps (ib or school leader there)."""
    return School.objects.filter(pk__in=reach_of(user).schools_with_role(*IB_OR_LEADER))


def manageable_boards(user) -> QuerySet:
    """Boards whose board-wide texts `user` keeps: a school leader of one of its schools, or its board_admin."""
    reach = reach_of(user)
    led = School.objects.filter(pk__in=reach.schools_with_role(*LEADER)).values("board_id")
    return Board.objects.filter(Q(pk__in=led) | Q(pk__in=reach.board_ids))


def may_manage(user, *, school: School | None = None, board: Board | None = None) -> bool:
    if school is not None:
        return manageable_schools(user).filter(pk=school.pk).exists()
    if board is not None:
        return manageable_boards(user).filter(pk=board.pk).exists()
    return False


def text_library_for(user) -> QuerySet | None:
    """Active texts of the schools where the user is ib or leader, and of their boards (and of a board the
    user administers). None: the user has no library (a 404)."""
    reach = reach_of(user)
    if reach.everything:
        return StandardText.objects.filter(active=True)
    if not page_caps(user).standard_texts:
        return None
    boards = set(School.objects.filter(pk__in=reach.editable_school_ids).values_list("board_id", flat=True))
    boards |= set(reach.board_ids)
    return (StandardText.objects.visible_to(user)
            .filter(Q(school_id__in=reach.editable_school_ids) | Q(board_id__in=boards), active=True))
