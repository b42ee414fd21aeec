"""Opp.objects.visible_to(user), role by role; and the querysets that follow it."""

import datetime

import pytest

from plans import services
from plans.models import Evaluation, Opp, OppVersion, StandardText
from tests.factories import BoardFactory, SchoolFactory, UserFactory, enrolled_pupil, parent_of, pupil_account, staff

from .factories import OppFactory, StandardTextFactory, full_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(world):
    """In world.school: a sent plan for the group-5 pupil and a draft for a group-6 pupil; a plan elsewhere."""
    sent, _version = world.sent()
    other_pupil = enrolled_pupil(world.school, group="6")
    draft = services.start_draft(user=world.ib, pupil=other_pupil, school=world.school)
    elsewhere = OppFactory(school=SchoolFactory(board=world.school.board, swv=world.school.swv))
    return sent, draft, elsewhere


def visible(user):
    return set(Opp.objects.visible_to(user))


def test_ib_and_school_leader_see_every_plan_of_their_school(world, plans):
    sent, draft, elsewhere = plans
    assert visible(world.ib) == visible(world.leader) == {sent, draft}


def test_a_teacher_sees_the_plans_of_pupils_in_their_groups_only(world, plans):
    sent, draft, elsewhere = plans
    assert visible(staff("teacher", school=world.school, groups="5")) == {sent}
    assert visible(staff("teacher", school=world.school, groups="5,6")) == {sent, draft}
    assert visible(staff("teacher", school=world.school)) == set()
    assert visible(staff("teacher", school=SchoolFactory(), groups="5")) == set()


def test_board_admin_and_swv_see_no_plan_content(world, plans):
    assert visible(staff("board_admin", board=world.school.board)) == set()
    assert visible(staff("swv", swv=world.school.swv)) == set()
    assert not OppVersion.objects.visible_to(staff("board_admin", board=world.school.board)).exists()


def test_parents_see_their_childs_plan_only_once_a_version_was_sent(world, plans):
    sent, draft, elsewhere = plans
    assert visible(world.mother) == {sent}
    draft_parent = parent_of(draft.pupil)
    assert visible(draft_parent) == set()
    services.save_draft(user=world.ib, opp=draft, expected_revision=1, changes=full_content(draft))
    world.send(draft)
    assert visible(draft_parent) == {draft}


def test_a_parent_keeps_seeing_a_sent_plan_while_it_is_being_changed(world, plans):
    sent, *_ = plans
    world.change(sent, {"support_needs": "Rust"})
    assert visible(world.mother) == {sent}


def test_a_parent_without_gezag_sees_nothing(world, plans):
    assert visible(parent_of(world.pupil, has_gezag=False)) == set()


def test_a_pupil_sees_their_own_plan_once_sent(world, plans):
    sent, draft, elsewhere = plans
    assert visible(pupil_account(world.pupil)) == {sent}
    assert visible(pupil_account(draft.pupil)) == set()


def test_outsiders_see_nothing(world, plans):
    assert visible(UserFactory()) == set()
    assert visible(staff("ib", school=SchoolFactory())) == set()
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()


def test_versions_and_evaluations_follow_the_plan(world, plans, consent):
    sent, draft, elsewhere = plans
    consent.agree_all(sent, sent.latest_version)
    services.adopt(user=world.leader, opp=sent)
    services.record_evaluation(user=world.ib, opp=sent, evaluated_on=datetime.date.today(),
                               outcomes={g["uuid"]: ("partly", "") for g in sent.latest_version.goals},
                               parents_view="Goed", pupil_view="Fijn", decision="continue")
    teacher6 = staff("teacher", school=world.school, groups="6")
    assert OppVersion.objects.visible_to(world.mother).count() == 1
    assert not OppVersion.objects.visible_to(teacher6).exists()
    assert Evaluation.objects.visible_to(world.mother).count() == 1
    assert not Evaluation.objects.visible_to(teacher6).exists()


def test_standard_texts_of_the_school_and_its_board_are_offered(world):
    own = StandardTextFactory(school=world.school)
    board_text = StandardTextFactory(school=None, board=world.school.board)
    StandardTextFactory(school=SchoolFactory())
    StandardTextFactory(school=None, board=BoardFactory())
    assert set(StandardText.objects.visible_to(world.ib)) == {own, board_text}
    assert set(StandardText.objects.for_school(world.school)) == {own, board_text}
    assert set(StandardText.objects.visible_to(world.mother)) == set()


def test_standard_texts_are_created_by_school_staff_and_board_admins(world):
    text = services.add_standard_text(user=world.ib, school=world.school, kind="goal", title="Lezen",
                                         text="Leest vloeiend op AVI E5.")
    assert text.school == world.school
    admin = staff("board_admin", board=world.school.board)
    board_text = services.add_standard_text(user=admin, board=world.school.board, kind="support",
                                               title="Leesgroep", text="Twee keer per week.")
    assert board_text.board == world.school.board
    with pytest.raises(services.NotAllowed):
        services.add_standard_text(user=world.ib, board=world.school.board, kind="goal", title="x", text="y")

