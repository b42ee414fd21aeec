"""Who may see and change schools, pupils, enrolments and guardians: the access policy of the schools app.

`Reach` (opp_portal.access) turns memberships and family links into ids; the filters below turn them into
querysets, and `pupil_access(user, pupil)` says what the user may do with one pupil. The model managers'
`visible_to` / `editable_by` are thin delegates to these functions, so the rule lives here only.
"""

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.utils import timezone

from opp_portal.access import reach_of

from .models import Enrolment, Guardian, Pupil, School

QS = TypeVar("QS", bound="QuerySet[Any]")

# --- schools -----------------------------------------------------------------------------------------------

def schools_q(user) -> Q | None:
    """Schools where the user works, of their boards and SWVs, and of their family's enrolments. None: all."""
    reach = reach_of(user)
    if reach.everything:
        return None
    q = Q(pk__in=reach.school_ids) | Q(board_id__in=reach.board_ids) | Q(swv_id__in=reach.swv_ids)
    if reach.family_pupil_ids:
        q = Q(pk__in=School.objects.filter(q | Q(enrolments__pupil_id__in=reach.family_pupil_ids)).values("pk"))
    return q


def may_edit_school(user, school_id: int) -> bool:
    """The user may change pupil data at the school (ib, school leader; a superuser everywhere)."""
    reach = reach_of(user)
    return reach.everything or school_id in reach.editable_school_ids


def editable_school_ids(user) -> frozenset[int] | None:
    """The schools where the user may change pupil data; None: every school (superuser)."""
    reach = reach_of(user)
    return None if reach.everything else reach.editable_school_ids


def editable_school_ids_q(user) -> Q | None:
    """Schools where the user may change pupil data (ib, school leader; a superuser everywhere)."""
    reach = reach_of(user)
    return None if reach.everything else Q(pk__in=reach.editable_school_ids)


# --- pupils, enrolments and guardians ----------------------------------------------------------------------

def enrolments_q(user) -> Q | None:
    reach = reach_of(user)
    if reach.everything:
        return None
    q = reach.enrolment_q()
    if reach.family_pupil_ids:
        q |= Q(pupil_id__in=reach.family_pupil_ids)
    return q


def pupils_q(user) -> Q | None:
    reach = reach_of(user)
    if reach.everything:
        return None
    q = Q(pk__in=Enrolment.objects.filter(reach.enrolment_q()).values("pupil_id"))
    if reach.family_pupil_ids:
        q |= Q(pk__in=reach.family_pupil_ids)
    return q


def editable_pupils_q(user) -> Q | None:
    """Pupils whose data the user may change: enrolled (now or before) at a school they edit."""
    reach = reach_of(user)
    if reach.everything:
        return None
    return Q(pk__in=Enrolment.objects.filter(school_id__in=reach.editable_school_ids).values("pupil_id"))


def guardian_pupils_q(user) -> Q:
    """Pupils whose guardians (and their gezag) the user may change: enrolled now at a school they edit.

    A school the pupil left keeps reading its own records, but no longer decides who receives the
    instemming mails of a child it no longer teaches.
    """
    reach = reach_of(user)
    current = Enrolment.objects.current()
    if not reach.everything:
        current = current.filter(school_id__in=reach.editable_school_ids)
    return Q(pk__in=current.values("pupil_id"))


def guardians_q(user) -> Q | None:
    """Guardians of the pupils the user reaches as school staff; a parent those of their own children (a
    pupil does not see their parents' details)."""
    reach = reach_of(user)
    if reach.everything:
        return None
    pupils = Enrolment.objects.filter(reach.enrolment_q(include_board=False)).values("pupil_id")
    q = Q(guardianships__pupil_id__in=pupils)
    if reach.child_ids:
        q |= Q(guardianships__pupil_id__in=reach.child_ids)
    return Q(pk__in=Guardian.objects.filter(q).values("pk"))


def scoped(queryset: QS, q: Q | None) -> QS:
    """The queryset narrowed to `q`; None (a superuser) leaves it whole."""
    return queryset.all() if q is None else queryset.filter(q)


def pupils_for(user) -> QuerySet:
    return scoped(Pupil.objects.all(), pupils_q(user))


def family_pupils_for(user) -> QuerySet:
    """The user's children (gezag) and their own pupil record: the family pages."""
    return pupils_for(user).filter(pk__in=reach_of(user).family_pupil_ids)


def children_for(user) -> QuerySet:
    """Only the children over whom the user has gezag (their log, their guardians)."""
    return pupils_for(user).filter(pk__in=reach_of(user).child_ids)


def own_records_for(user) -> QuerySet:
    """A signed-in pupil's own record (their access log)."""
    reach = reach_of(user)
    return pupils_for(user).filter(pk__in=reach.family_pupil_ids - reach.child_ids)


def is_child_of(user, pupil_id: int) -> bool:
    return pupil_id in reach_of(user).child_ids


def schools_for(user) -> QuerySet:
    return scoped(School.objects.all(), schools_q(user))


# --- one pupil ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PupilCaps:
    can_see: bool = False
    as_staff: bool = False  # reached through a membership (school, group or board), not a family link
    is_family: bool = False  # the user's child (gezag) or their own record
    is_child: bool = False  # a child over whom the user has gezag
    is_own: bool = False  # the user's own pupil record (a pupil signed in): they read its access log
    can_see_plans: bool = False  # staff of a school the pupil is (or was) enrolled at, in their group if a teacher
    can_edit_pupil: bool = False
    can_edit_guardians: bool = False
    can_see_guardian_contacts: bool = False  # staff; one parent does not get the other's contact details


def pupil_access(user, pupil: Pupil) -> PupilCaps:
    """What `user` may do with `pupil` (one query for the pupil's enrolments)."""
    reach = reach_of(user)
    if reach.everything:
        current = Enrolment.objects.current().filter(pupil=pupil).exists()
        return PupilCaps(can_see=True, as_staff=True, can_see_plans=True, can_edit_pupil=pupil.enrolments.exists(),
                         can_edit_guardians=current, can_see_guardian_contacts=True,
                         is_family=pupil.pk in reach.family_pupil_ids, is_child=pupil.pk in reach.child_ids,
                         is_own=pupil.pk in reach.family_pupil_ids - reach.child_ids)
    rows = list(Enrolment.objects.filter(pupil=pupil).order_by()
                .values_list("school_id", "school__board_id", "group", "enrolment_date", "leaving_date"))
    today = timezone.localdate()
    current_ids = {row[0] for row in rows if row[3] <= today and (row[4] is None or row[4] >= today)}
    as_staff = by_school = False
    for school_id, board_id, group, _start, _end in rows:
        groups = {g.lower() for g in reach.teacher_groups.get(school_id, ())}
        # The LAS and whoever typed the membership may disagree on case, as in `Reach.enrolment_q`.
        if school_id in reach.editable_school_ids or (group or "").lower() in groups:
            as_staff = by_school = True
        elif board_id in reach.board_ids:
            as_staff = True
    is_family = pupil.pk in reach.family_pupil_ids
    return PupilCaps(
        can_see=as_staff or is_family,
        as_staff=as_staff,
        can_see_plans=by_school,
        is_family=is_family,
        is_child=pupil.pk in reach.child_ids,
        is_own=pupil.pk in reach.family_pupil_ids - reach.child_ids,
        can_edit_pupil=any(row[0] in reach.editable_school_ids for row in rows),
        can_edit_guardians=bool(current_ids & reach.editable_school_ids),
        can_see_guardian_contacts=reach.is_staff,
    )
