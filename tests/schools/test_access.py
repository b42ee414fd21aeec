"""`visible_to(user)` on School, Pupil, Enrolment and Guardian, role by role."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from opp_portal.access import NOBODY, forget_reach, reach_of
from schools.models import Enrolment, Guardian, Membership, Pupil, School
from tests.factories import (
    BoardFactory,
    EnrolmentFactory,
    GuardianFactory,
    GuardianshipFactory,
    SchoolFactory,
    SwvFactory,
    UserFactory,
    enrolled_pupil,
    parent_of,
    pupil_account,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two boards, two SWVs, three schools, pupils in two groups and their guardians.

    school A: board 1, SWV 1      school B: board 1, SWV 2      school C: board 2, SWV 1
    """
    swv1, swv2 = SwvFactory(), SwvFactory()
    board1, board2 = BoardFactory(), BoardFactory()
    a = SchoolFactory(board=board1, swv=swv1)
    b = SchoolFactory(board=board1, swv=swv2)
    c = SchoolFactory(board=board2, swv=swv1)
    a5 = enrolled_pupil(a, group="5")
    a6 = enrolled_pupil(a, group="6")
    a_left = enrolled_pupil(a, group="5")
    Enrolment.objects.filter(pupil=a_left).update(leaving_date=datetime.date(2025, 7, 1))
    b5 = enrolled_pupil(b, group="5")
    c5 = enrolled_pupil(c, group="5")
    mother = GuardianFactory()
    father = GuardianFactory()
    GuardianshipFactory(pupil=a5, guardian=mother)
    GuardianshipFactory(pupil=a5, guardian=father, has_gezag=False)
    ga6 = GuardianshipFactory(pupil=a6).guardian
    gb5 = GuardianshipFactory(pupil=b5).guardian
    gc5 = GuardianshipFactory(pupil=c5).guardian
    return SimpleNamespace(
        swv1=swv1, swv2=swv2, board1=board1, board2=board2, a=a, b=b, c=c,
        a5=a5, a6=a6, a_left=a_left, b5=b5, c5=c5,
        mother=mother, father=father, ga6=ga6, gb5=gb5, gc5=gc5,
    )


def schools(user):
    return set(School.objects.visible_to(user))


def pupils(user):
    return set(Pupil.objects.visible_to(user))


def enrolment_pupils(user):
    return {e.pupil for e in Enrolment.objects.visible_to(user)}


def guardians(user):
    return set(Guardian.objects.visible_to(user))


def sees_nothing(user) -> bool:
    return not (schools(user) or pupils(user) or enrolment_pupils(user) or guardians(user))


@pytest.mark.parametrize("role", ["ib", "school_leader"])
def test_ib_and_school_leader_see_every_pupil_of_their_school_and_no_other(world, role):
    user = staff(role, school=world.a)
    assert schools(user) == {world.a}
    assert pupils(user) == {world.a5, world.a6, world.a_left}
    assert enrolment_pupils(user) == {world.a5, world.a6, world.a_left}
    assert guardians(user) == {world.mother, world.father, world.ga6}


@pytest.mark.parametrize("role", ["ib", "school_leader"])
def test_ib_and_school_leader_may_edit_the_pupils_of_their_school_only(world, role):
    user = staff(role, school=world.a)
    assert set(Pupil.objects.editable_by(user)) == {world.a5, world.a6, world.a_left}


def test_teacher_sees_only_the_pupils_of_their_groups_at_their_school(world):
    user = staff("teacher", school=world.a, groups="5")
    assert schools(user) == {world.a}
    assert pupils(user) == {world.a5, world.a_left}
    assert world.b5 not in pupils(user)  # group 5 at another school
    assert enrolment_pupils(user) == {world.a5, world.a_left}
    assert guardians(user) == {world.mother, world.father}


def test_teacher_with_several_groups_sees_each_of_them(world):
    user = staff("teacher", school=world.a, groups=" 5 , 6 ,")
    assert pupils(user) == {world.a5, world.a6, world.a_left}


def test_teacher_groups_match_whatever_their_case(world):
    Enrolment.objects.filter(pupil=world.a6).update(group="6b")
    user = staff("teacher", school=world.a, groups="6B")
    assert pupils(user) == {world.a6}


def test_teacher_without_groups_sees_the_school_but_no_pupils(world):
    user = staff("teacher", school=world.a)
    assert schools(user) == {world.a}
    assert pupils(user) == set()
    assert guardians(user) == set()


def test_teacher_cannot_edit_any_pupil(world):
    user = staff("teacher", school=world.a, groups="5,6")
    assert not Pupil.objects.editable_by(user).exists()
    assert reach_of(user).editable_school_ids == frozenset()


def test_teacher_who_is_also_ib_elsewhere_sees_both_reaches(world):
    user = staff("ib", school=world.b)
    Membership.objects.create(user=user, role="teacher", school=world.a, groups="6")
    assert pupils(user) == {world.b5, world.a6}
    assert set(Pupil.objects.editable_by(user)) == {world.b5}


def test_board_admin_sees_the_boards_schools_and_their_pupils(world):
    user = staff("board_admin", board=world.board1)
    assert schools(user) == {world.a, world.b}
    assert pupils(user) == {world.a5, world.a6, world.a_left, world.b5}
    assert enrolment_pupils(user) == {world.a5, world.a6, world.a_left, world.b5}


def test_board_admin_sees_no_guardians_and_edits_nothing(world):
    user = staff("board_admin", board=world.board1)
    assert guardians(user) == set()
    assert not Pupil.objects.editable_by(user).exists()


def test_swv_sees_its_schools_but_no_pupils(world):
    user = staff("swv", swv=world.swv1)
    assert schools(user) == {world.a, world.c}
    assert pupils(user) == set()
    assert enrolment_pupils(user) == set()
    assert guardians(user) == set()
    assert not Pupil.objects.editable_by(user).exists()


def test_parent_with_gezag_sees_only_their_own_child_and_its_guardians(world):
    user = parent_of(world.a5)
    assert pupils(user) == {world.a5}
    assert enrolment_pupils(user) == {world.a5}
    assert schools(user) == {world.a}
    # Both guardians of the child, and nobody else's.
    assert guardians(user) == {world.mother, world.father, user.guardian_records.get()}
    assert not Pupil.objects.editable_by(user).exists()


def test_parent_sees_every_enrolment_of_their_child_also_at_another_school(world):
    EnrolmentFactory(pupil=world.a5, school=world.c, enrolment_date=datetime.date(2020, 8, 1),
                     leaving_date=datetime.date(2024, 7, 1))
    user = parent_of(world.a5)
    assert schools(user) == {world.a, world.c}
    assert Enrolment.objects.visible_to(user).count() == 2


def test_parent_without_gezag_sees_nothing(world):
    user = parent_of(world.a5, has_gezag=False)
    assert sees_nothing(user)


def test_parent_with_gezag_over_one_child_only_sees_that_child(world):
    user = parent_of(world.a5)
    GuardianshipFactory(pupil=world.b5, guardian=user.guardian_records.get(), has_gezag=False)
    assert pupils(user) == {world.a5}
    assert world.gb5 not in guardians(user)


def test_pupil_account_sees_only_themself(world):
    user = pupil_account(world.a5)
    assert pupils(user) == {world.a5}
    assert enrolment_pupils(user) == {world.a5}
    assert schools(user) == {world.a}
    assert guardians(user) == set()
    assert not Pupil.objects.editable_by(user).exists()


def test_adult_pupil_who_is_also_a_parent_sees_their_childs_guardians_but_not_their_own(world):
    user = pupil_account(world.c5)
    guardian = GuardianFactory(user=user, email=user.email)
    GuardianshipFactory(pupil=world.b5, guardian=guardian)
    assert pupils(user) == {world.c5, world.b5}
    assert world.gb5 in guardians(user)
    assert world.gc5 not in guardians(user)


def test_anonymous_user_sees_nothing(world):
    assert reach_of(AnonymousUser()) is NOBODY
    assert sees_nothing(AnonymousUser())


def test_no_user_at_all_sees_nothing(world):
    assert reach_of(None) is NOBODY
    assert sees_nothing(None)


def test_user_without_memberships_sees_nothing(world):
    assert sees_nothing(UserFactory())


def test_inactive_user_sees_nothing_whatever_their_memberships(world):
    user = staff("ib", school=world.a)
    user.is_active = False
    user.save()
    assert sees_nothing(user)
    assert not Pupil.objects.editable_by(user).exists()


def test_inactive_superuser_sees_nothing(world):
    user = UserFactory(is_superuser=True, is_active=False)
    assert sees_nothing(user)


def test_superuser_sees_everything(world):
    user = UserFactory(is_superuser=True)
    assert schools(user) == {world.a, world.b, world.c}
    assert len(pupils(user)) == 5
    assert Pupil.objects.editable_by(user).count() == 5


def test_visible_schools_come_once_each_for_a_parent_of_several_children(world):
    sibling = enrolled_pupil(world.a)
    user = parent_of(world.a5, sibling)
    assert list(School.objects.visible_to(user)) == [world.a]


def test_reach_is_cached_per_user_object_and_forget_reach_refreshes_it(world):
    user = UserFactory()
    assert pupils(user) == set()
    Membership.objects.create(user=user, role="ib", school=world.a)
    assert pupils(user) == set()  # cached for the request
    forget_reach(user)
    assert pupils(user) == {world.a5, world.a6, world.a_left}


# --- pupil_access agrees with the querysets (schools/access.py) -----------------------------------------------

def test_pupil_access_agrees_with_the_querysets_for_every_role(world):
    from schools.access import pupil_access

    teacher = staff("teacher", school=world.a, groups="5A")  # the LAS writes "5", the membership "5A": no match
    users = [staff("ib", school=world.a), staff("school_leader", school=world.b), staff("teacher", school=world.a,
             groups="5"), teacher, staff("board_admin", board=world.board1), staff("swv", swv=world.swv1),
             parent_of(world.a6), pupil_account(world.b5), UserFactory(), UserFactory(is_superuser=True)]
    pupils = [world.a5, world.a6, world.a_left, world.b5, world.c5]
    for user in users:
        for pupil in pupils:
            caps = pupil_access(user, pupil)
            assert caps.can_see == Pupil.objects.visible_to(user).filter(pk=pupil.pk).exists(), (user, pupil)
            assert caps.can_edit_pupil == Pupil.objects.editable_by(user).filter(pk=pupil.pk).exists(), (user, pupil)
            assert caps.can_edit_guardians == (
                Pupil.objects.guardians_editable_by(user).filter(pk=pupil.pk).exists()), (user, pupil)


def test_a_board_admin_sees_the_pupils_of_the_board_but_not_their_plans_nor_edits_them(world):
    from schools.access import pupil_access

    caps = pupil_access(staff("board_admin", board=world.board1), world.a5)
    assert caps.can_see and caps.as_staff
    assert not (caps.can_see_plans or caps.can_edit_pupil or caps.can_edit_guardians)
