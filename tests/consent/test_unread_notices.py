"""The menu's count of unread notices (`consent.outreach.unread_notice_count`) is what `visible_to(user).unread()`
counts, also where it is replayed with the user's schools as one array (issue 12)."""

import pytest
from django.db import connection
from django.utils import timezone

from consent.models import NoticeKind, StaffNotice
from consent.outreach import _UNREAD, unread_notice_count
from opp_portal.access import forget_reach
from schools.models import Membership, User
from tests.factories import staff

from .factories import ConsentWorld

pytestmark = pytest.mark.django_db


def notice(user, opp, *, read=False):
    return StaffNotice.objects.create(user=user, opp=opp, kind=NoticeKind.REFUSED, version_number=1,
                                      read_at=timezone.now() if read else None)


def visible(user) -> int:
    return StaffNotice.objects.visible_to(user).unread().count()


def test_the_count_is_the_users_unread_notices_about_plans_of_their_schools_only():
    here, elsewhere = ConsentWorld("bao"), ConsentWorld("bao")
    mine, theirs = here.sent()[0], elsewhere.sent()[0]
    notice(here.ib, mine)
    notice(here.ib, mine)
    notice(here.ib, mine, read=True)
    notice(here.leader, mine)  # the leader's, not the ib's
    notice(here.ib, theirs)  # about a school the ib does not reach (any more)
    assert unread_notice_count(here.ib) == visible(here.ib) == 2
    assert unread_notice_count(here.leader) == visible(here.leader) == 1
    assert unread_notice_count(elsewhere.ib) == visible(elsewhere.ib) == 0


def test_an_ib_of_two_schools_counts_both_and_loses_a_schools_notices_with_its_membership():
    here, elsewhere = ConsentWorld("bao"), ConsentWorld("bao")
    Membership.objects.create(user=here.ib, role="ib", school=elsewhere.school)
    forget_reach(here.ib)
    notice(here.ib, here.sent()[0])
    notice(here.ib, elsewhere.sent()[0])
    assert unread_notice_count(here.ib) == visible(here.ib) == 2
    Membership.objects.filter(user=here.ib, school=elsewhere.school).delete()
    forget_reach(here.ib)
    assert unread_notice_count(here.ib) == visible(here.ib) == 1


def test_a_teacher_and_a_superuser_are_counted_through_the_policy_itself():
    world = ConsentWorld("bao")
    opp = world.sent()[0]
    teacher = staff("teacher", school=world.school, groups="5")
    admin = User.objects.create_superuser(email="beheer-notices@example.org", password="x-Lang-genoeg-2026")
    notice(teacher, opp)
    notice(admin, opp)
    assert unread_notice_count(teacher) == visible(teacher)
    assert unread_notice_count(admin) == visible(admin) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="replayed on PostgreSQL only")
def test_the_count_is_replayed_not_built_again_for_the_next_user():
    world = ConsentWorld("bao")
    notice(world.ib, world.sent()[0])
    _UNREAD.forget()
    assert unread_notice_count(world.ib) == 1
    assert _UNREAD._compiled is not None and _UNREAD._compiled.sql is not None
    assert unread_notice_count(world.leader) == 0
