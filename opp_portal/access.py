"""Who can reach what: the foundation of the access policy, turning a user's memberships into ids.

The policy has one layer per domain on top of this `Reach`:
- `plans.access`: `opps_for(user)` (the one queryset of plans a user may see), `opp_access(user, opp) -> Caps`
  (what they may do with one plan) and `require(caps, "can_…")` for the services;
- `consent.access`: consent records filter through the plans of `plans.access`;
- `schools.access`: schools, pupils, enrolments, guardians and `pupil_access(user, pupil)`;
- `registration.access`: the board's ROD pages and batches;
- `page_caps(user)` below: the pages that name no object, and so the navigation and the start page.
The models' `visible_to(user)` delegate to these; views, services, template tags and the menu ask them and
never filter by role themselves. A new role or sharing rule is added in these modules only; the permission
matrix (tests/opp_portal/test_permission_matrix.py) derives its expectations from them.
"""

from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.db import connection
from django.db.models import Q

FULL_SCHOOL_ROLES = ("ib", "school_leader")
STAFF_ROLES = ("ib", "teacher", "school_leader", "board_admin", "swv")


@dataclass(frozen=True)
class Reach:
    everything: bool = False
    roles: frozenset[str] = frozenset()
    # Schools where the user works (any school role); they see the school itself.
    school_ids: frozenset[int] = frozenset()
    # Schools where the user sees every pupil and may change pupil data (ib, school leader).
    editable_school_ids: frozenset[int] = frozenset()
    # The user's roles per school; what a staff member may do with a plan depends on it.
    school_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    teacher_groups: dict[int, tuple[str, ...]] = field(default_factory=dict)
    board_ids: frozenset[int] = frozenset()
    swv_ids: frozenset[int] = frozenset()
    # Children of a parent with gezag, or the pupil's own record.
    family_pupil_ids: frozenset[int] = frozenset()
    # Only the children over whom the user has gezag: their guardians are visible too.
    child_ids: frozenset[int] = frozenset()
    is_parent: bool = False
    is_pupil: bool = False

    def roles_at(self, school_id: int) -> frozenset[str]:
        return self.school_roles.get(school_id, frozenset())

    def schools_with_role(self, *roles: str) -> frozenset[int]:
        return frozenset(sid for sid, held in self.school_roles.items() if held & set(roles))

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & set(STAFF_ROLES))

    def enrolment_q(self, *, include_board: bool = True) -> Q:
        """Enrolments a staff member reaches through their memberships (never family links)."""
        q = Q(school_id__in=self.editable_school_ids)
        for school_id, groups in self.teacher_groups.items():
            # The LAS and whoever typed the membership may disagree on case ("5a" and "5A").
            for group in groups:
                q |= Q(school_id=school_id, group__iexact=group)
        if include_board and self.board_ids:
            q |= Q(school__board_id__in=self.board_ids)
        return q


NOBODY = Reach()


def reach_of(user) -> Reach:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    cached = getattr(user, "_opp_reach", None)
    if cached is not None:
        return cached
    reach = _compute_reach(user)
    user._opp_reach = reach
    return reach


def forget_reach(user) -> None:
    """Drop the cached reach after a membership or family link of this user changed."""
    if hasattr(user, "_opp_reach"):
        del user._opp_reach


@cache
def _reach_sql(vendor: str) -> str:
    """The SQL of reach's one query (for the database `vendor`), as `Membership`, `Guardianship` and `Pupil` store
    their rows; addresses compared case-blind, as Django's `iexact` does."""
    Membership = apps.get_model("schools", "Membership")
    Guardianship = apps.get_model("schools", "Guardianship")
    Guardian = apps.get_model("schools", "Guardian")
    Pupil = apps.get_model("schools", "Pupil")
    q = connection.ops.quote_name

    def col(model, name: str) -> str:
        return f"{q(model._meta.db_table)}.{q(model._meta.get_field(name).column)}"

    def same_address(model) -> str:
        return f"UPPER({col(model, 'email')}) = UPPER(%s)"

    none = "CAST(NULL AS INTEGER)"
    return (
        f"SELECT 'm', {col(Membership, 'role')}, {col(Membership, 'school')}, {col(Membership, 'board')}, "
        f"{col(Membership, 'swv')}, {col(Membership, 'groups')}, {none} "
        f"FROM {q(Membership._meta.db_table)} WHERE {col(Membership, 'user')} = %s "
        f"UNION ALL SELECT 'c', '', {none}, {none}, {none}, '', {col(Guardianship, 'pupil')} "
        f"FROM {q(Guardianship._meta.db_table)} INNER JOIN {q(Guardian._meta.db_table)} "
        f"ON {col(Guardianship, 'guardian')} = {col(Guardian, 'id')} "
        f"WHERE {col(Guardian, 'user')} = %s AND {same_address(Guardian)} AND {col(Guardianship, 'has_gezag')} "
        f"UNION ALL SELECT 'p', '', {none}, {none}, {none}, '', {col(Pupil, 'id')} "
        f"FROM {q(Pupil._meta.db_table)} WHERE {col(Pupil, 'user')} = %s AND {same_address(Pupil)}"
    )


def _compute_reach(user) -> Reach:
    if user.is_superuser:
        return Reach(everything=True, roles=frozenset(STAFF_ROLES))
    roles: set[str] = set()
    school_ids: set[int] = set()
    editable: set[int] = set()
    teacher_groups: dict[int, set[str]] = {}
    school_roles: dict[int, set[str]] = {}
    board_ids: set[int] = set()
    swv_ids: set[int] = set()
    # One query for the three sources (memberships, children, own pupil record): reach is computed on every
    # request, so its round trips count in every page's budget (issue 12), and so does building it: written out
    # once (`_reach_sql`), it costs no ORM compilation per request.
    # A guardian or pupil record counts for an account only while the address the school recorded is the
    # account's: when the school changes it, the old account loses the child at once (see consent.signin).
    children: set[int] = set()
    own: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(_reach_sql(connection.vendor), [user.pk, user.pk, user.email, user.pk, user.email])
        rows = cursor.fetchall()
    for source, role, school_id, board_id, swv_id, groups, pupil_id in rows:
        if source == "c":
            children.add(pupil_id)
            continue
        if source == "p":
            own.add(pupil_id)
            continue
        roles.add(role)
        if school_id:
            school_ids.add(school_id)
            school_roles.setdefault(school_id, set()).add(role)
            if role in FULL_SCHOOL_ROLES:
                editable.add(school_id)
            elif role == "teacher":
                teacher_groups.setdefault(school_id, set()).update(g.strip() for g in groups.split(",") if g.strip())
        if board_id:
            board_ids.add(board_id)
        if swv_id:
            swv_ids.add(swv_id)

    if children:
        roles.add("parent")
    if own:
        roles.add("pupil")
    return Reach(
        roles=frozenset(roles),
        school_ids=frozenset(school_ids),
        editable_school_ids=frozenset(editable),
        school_roles={k: frozenset(v) for k, v in school_roles.items()},
        teacher_groups={k: tuple(sorted(v)) for k, v in teacher_groups.items() if k not in editable},
        board_ids=frozenset(board_ids),
        swv_ids=frozenset(swv_ids),
        family_pupil_ids=frozenset(children | own),
        child_ids=frozenset(children),
        is_parent=bool(children),
        is_pupil=bool(own),
    )


# --- the pages a user has: the navigation, the start page and the guard of each page without an object ---------

@dataclass(frozen=True)
class PageCaps:
    """Which of the portal's own pages (those that name no object) a user may open, and so which menu items
    they see. Pages about one plan, pupil or batch ask the policy of their domain (plans.access, …)."""

    my_plans: bool = False  # the ib's own plans
    overview: bool = False  # deadlines and plans of the schools the user leads or supports (ib, leader)
    pupils: bool = False  # the pupil list of their schools or boards
    schools: bool = False
    standard_texts: bool = False
    rod: bool = False  # ROD registration: the board's export, a leader's figures
    calendar: bool = False  # a calendar feed of plan deadlines: staff who read plans at a school
    calendar_in_menu: bool = False  # a teacher's own agenda; ib and leader reach it from their overview
    outbox: bool = False  # outgoing mail: the superuser's, a school leader's of their school
    notices: bool = False  # staff who keep or read consent records
    family: bool = False  # my children / my own data
    is_parent: bool = False
    # Where the user starts after sign-in (a URL name), None when the portal has nothing for them.
    start: str | None = None


def page_caps(user) -> PageCaps:
    reach = reach_of(user)
    led = bool(reach.schools_with_role("school_leader"))
    ib = bool(reach.schools_with_role("ib"))
    return PageCaps(
        my_plans=ib,
        overview=bool(reach.editable_school_ids),
        pupils=bool(reach.editable_school_ids or reach.teacher_groups or reach.board_ids or reach.everything),
        schools=bool(reach.school_ids or reach.board_ids or reach.swv_ids or reach.everything),
        standard_texts=bool(reach.everything or reach.editable_school_ids or reach.board_ids),
        rod=bool(reach.everything or reach.board_ids or led),
        calendar=bool(reach.editable_school_ids or reach.teacher_groups),
        calendar_in_menu=bool(reach.teacher_groups and not reach.editable_school_ids),
        outbox=bool(reach.everything or led),
        notices=bool(reach.editable_school_ids or reach.everything),
        family=bool(reach.family_pupil_ids),
        is_parent=reach.is_parent,
        start=_start_page(reach, led=led, ib=ib),
    )


def mail_school_ids(user) -> frozenset[int] | None:
    """Schools whose outgoing mail the user sees (the outbox page): those they lead. None: all (superuser)."""
    reach = reach_of(user)
    return None if reach.everything else reach.schools_with_role("school_leader")


def _start_page(reach: Reach, *, led: bool, ib: bool) -> str | None:
    """The page a role starts from: the leader the overview of deadlines and plans ready to adopt, an ib their
    own plans that need action, a teacher their pupils, a board administrator the ROD registration."""
    if reach.everything:
        return "schools:pupil_list"
    if led:
        return "plans:overview"
    if ib:
        return "plans:my_plans"
    if reach.editable_school_ids or reach.teacher_groups:
        return "schools:pupil_list"
    if reach.board_ids:
        return "registration:index"
    if reach.swv_ids or reach.school_ids:
        return "schools:school_list"
    if reach.family_pupil_ids:
        return "schools:my_children"
    return None
