"""Opp.objects.visible_to(user), role by role; and the querysets that follow it."""

import datetime

import pytest

from plans import access, services
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



# --- the policy itself: opps_for and opp_access (plans/access.py) ---------------------------------------------

def caps(user, opp):
    return access.opp_access(user, opp)


def test_opps_for_is_the_queryset_every_visible_to_delegates_to(world, plans):
    for user in (world.ib, world.leader, world.mother, staff("teacher", school=world.school, groups="5"),
                 staff("board_admin", board=world.school.board), UserFactory()):
        assert set(access.opps_for(user)) == visible(user)


def test_a_teacher_sees_only_plans_of_pupils_in_their_groups(world, plans):
    sent, draft, elsewhere = plans
    teacher = staff("teacher", school=world.school, groups="5")
    assert set(access.opps_for(teacher)) == {sent}
    assert caps(teacher, sent).can_see and caps(teacher, sent).as_staff and caps(teacher, sent).reads_version_in_force
    assert not caps(teacher, draft).can_see
    assert not caps(teacher, sent).can_edit and not caps(teacher, sent).can_adopt and not caps(teacher, sent).can_end


def test_a_board_admin_neither_reads_nor_edits_a_plan(world, plans):
    """Board staff see figures and identifiers, never plan content: no plan is theirs to open or change."""
    sent, draft, elsewhere = plans
    admin = staff("board_admin", board=world.school.board)
    for opp in plans:
        c = caps(admin, opp)
        assert not (c.can_see or c.can_read_content or c.can_edit or c.can_download_pdf or c.can_keep_consent)
    assert not access.opps_for(admin).exists()


def test_the_ib_drafts_and_the_school_leader_adopts(world, plans):
    sent, draft, elsewhere = plans
    ib, leader = caps(world.ib, draft), caps(world.leader, draft)
    assert ib.can_edit and ib.can_draft and ib.can_send and ib.can_evaluate and not ib.can_adopt
    assert leader.can_adopt and leader.can_end and not leader.can_edit and not leader.can_draft
    assert ib.can_see_checklist and leader.can_see_checklist and ib.can_keep_consent and leader.can_keep_consent


def test_a_sent_plan_is_not_editable_until_an_adjustment_starts(world, plans):
    sent, *_ = plans
    assert caps(world.ib, sent).can_draft and not caps(world.ib, sent).can_edit
    assert caps(world.ib, sent).can_adjust


def test_parents_see_a_sent_plan_as_family_not_as_staff(world, plans):
    sent, draft, elsewhere = plans
    mother = caps(world.mother, sent)
    assert mother.can_see and mother.as_family and mother.as_parent
    assert not (mother.as_staff or mother.can_download_pdf or mother.can_keep_consent or mother.works_at_school)
    assert not caps(world.mother, draft).can_see
    pupil = caps(pupil_account(world.pupil), sent)
    assert pupil.as_family and not pupil.as_parent


def test_a_superuser_sees_everything_but_takes_no_school_step(world, plans):
    sent, draft, elsewhere = plans
    root = UserFactory(is_superuser=True, is_staff=True)
    c = caps(root, elsewhere)
    assert c.can_see and c.as_staff and c.can_keep_consent and c.can_see_checklist
    assert not (c.can_draft or c.can_adopt or c.works_at_school)
    with pytest.raises(services.NotAllowed):
        access.require(c, "can_adopt")


def test_a_refused_step_is_a_403_where_the_user_works_and_a_404_elsewhere(world, plans):
    sent, draft, elsewhere = plans
    teacher = staff("teacher", school=world.school, groups="5")
    with pytest.raises(access.RoleRequired):
        access.require_for(teacher, sent, "can_adopt")
    with pytest.raises(services.NotAllowed):
        access.require_for(world.ib, elsewhere, "can_draft")
    access.require_for(world.leader, sent, "can_adopt")


def test_caps_for_many_plans_of_one_school_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    teacher = staff("teacher", school=world.school, groups="5")
    opps = [OppFactory(school=world.school, pupil=enrolled_pupil(world.school, group="5" if i % 2 else "6"))
            for i in range(20)]
    for user in (teacher, world.ib, world.mother):
        fresh = type(user).objects.get(pk=user.pk)  # nothing cached yet, as at the start of a request
        with django_assert_max_num_queries(4):
            seen = [caps(fresh, opp).can_see for opp in opps]
        if user is teacher:
            assert seen == [bool(i % 2) for i in range(20)]


def test_opp_access_agrees_with_the_querysets_for_every_role(world, plans):
    users = [world.ib, world.leader, world.mother, world.father, pupil_account(world.pupil),
             staff("teacher", school=world.school, groups="5"), staff("teacher", school=world.school, groups="6"),
             staff("board_admin", board=world.school.board), staff("swv", swv=world.school.swv), UserFactory(),
             UserFactory(is_superuser=True)]
    for user in users:
        for opp in plans:
            c = caps(user, opp)
            assert c.can_see == access.opps_for(user).filter(pk=opp.pk).exists(), (user, opp)
            assert c.as_staff == access.school_opps_for(user).filter(pk=opp.pk).exists(), (user, opp)
            assert c.can_keep_consent == access.consent_keeper_opps_for(user).filter(pk=opp.pk).exists()
