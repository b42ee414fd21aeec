"""`page_caps(user)`: the pages without an object that a user may open, the menu and the start page."""

import pytest

from opp_portal.access import page_caps
from tests.factories import SchoolFactory, UserFactory, enrolled_pupil, parent_of, staff

pytestmark = pytest.mark.django_db

MENU = ("my_plans", "overview", "pupils", "schools", "standard_texts", "rod", "calendar_in_menu", "outbox",
        "notices", "family")


def menu(user) -> set[str]:
    caps = page_caps(user)
    return {name for name in MENU if getattr(caps, name)}


def test_each_role_gets_the_pages_of_its_work_and_starts_where_it_works():
    school = SchoolFactory()
    ib, leader = staff("ib", school=school), staff("school_leader", school=school)
    teacher = staff("teacher", school=school, groups="5")
    admin, swv = staff("board_admin", board=school.board), staff("swv", swv=school.swv)
    parent = parent_of(enrolled_pupil(school, group="5"))
    assert menu(ib) == {"my_plans", "overview", "pupils", "schools", "standard_texts", "notices"}
    assert menu(leader) == {"overview", "pupils", "schools", "standard_texts", "rod", "outbox", "notices"}
    assert menu(teacher) == {"pupils", "schools", "calendar_in_menu"}
    assert menu(admin) == {"pupils", "schools", "standard_texts", "rod"}
    assert menu(swv) == {"schools"}
    assert menu(parent) == {"family"}
    assert [page_caps(u).start for u in (leader, ib, teacher, admin, swv, parent)] == [
        "plans:overview", "plans:my_plans", "schools:pupil_list", "registration:index", "schools:school_list",
        "schools:my_children"]


def test_someone_without_a_role_gets_no_page_and_no_start():
    nobody = UserFactory()
    assert menu(nobody) == set()
    assert page_caps(nobody).start is None
