"""visible_to per role: staff of the school, the teacher of the group, the family, and nobody else."""

import pytest

from consent import services
from consent.models import Hearing, InstemmingDecision, InstemmingRecipient, InstemmingRequest, OogoMeeting, ParentView
from plans.access import opps_for
from tests.factories import SchoolFactory, UserFactory, enrolled_pupil, parent_of, pupil_account, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world):
    pupil_user = pupil_account(world.pupil)
    opp, version = world.sent()
    oogo = world.oogo(opp)
    hearing = world.hear(opp)
    pupil_view = services.record_pupil_view(pupil_user=pupil_user, opp=opp, text="Ik wil meer tijd.")
    request = world.ask(version)
    mothers = world.decide(request, world.mother)
    fathers = world.decide(request, world.father)
    view = services.add_parent_view(user=world.mother, opp=opp, text="Goed plan.")
    return dict(pupil_user=pupil_user, oogo=oogo, hearings={hearing, pupil_view}, request=request,
                decisions={mothers, fathers}, view=view)


def test_school_staff_see_every_consent_record_of_their_school(world, records):
    for user in (world.ib, world.leader, staff("teacher", school=world.school, groups="5")):
        assert list(OogoMeeting.objects.visible_to(user)) == [records["oogo"]]
        assert set(Hearing.objects.visible_to(user)) == records["hearings"]
        assert list(InstemmingRequest.objects.visible_to(user)) == [records["request"]]
        assert InstemmingRecipient.objects.visible_to(user).count() == 2
        assert set(InstemmingDecision.objects.visible_to(user)) == records["decisions"]
        assert list(ParentView.objects.visible_to(user)) == [records["view"]]


def test_a_teacher_of_another_group_sees_nothing(world, records):
    teacher = staff("teacher", school=world.school, groups="8")
    assert not OogoMeeting.objects.visible_to(teacher).exists()
    assert not InstemmingDecision.objects.visible_to(teacher).exists()


def test_a_parent_sees_their_own_decisions_and_their_childs_records(world, records):
    mine = InstemmingDecision.objects.visible_to(world.mother)
    assert [d.decided_by for d in mine] == [world.mother]
    assert [r.guardian.user for r in InstemmingRecipient.objects.visible_to(world.mother)] == [world.mother]
    assert list(InstemmingRequest.objects.visible_to(world.mother)) == [records["request"]]
    assert list(OogoMeeting.objects.visible_to(world.mother)) == [records["oogo"]]
    assert set(Hearing.objects.visible_to(world.mother)) == records["hearings"]
    assert list(ParentView.objects.visible_to(world.father)) == [records["view"]]


def test_the_pupil_sees_only_their_own_hearing_and_view(world, records):
    pupil_user = records["pupil_user"]
    assert set(Hearing.objects.visible_to(pupil_user)) == records["hearings"]
    for model in (OogoMeeting, InstemmingRequest, InstemmingRecipient, InstemmingDecision, ParentView):
        assert not model.objects.visible_to(pupil_user).exists()


def test_board_admin_swv_outsiders_and_other_parents_see_nothing(world, records):
    other_pupil = enrolled_pupil(SchoolFactory())
    users = [
        staff("board_admin", board=world.school.board), staff("swv", swv=world.school.swv),
        staff("ib", school=SchoolFactory()), UserFactory(), parent_of(other_pupil),
        parent_of(world.pupil, has_gezag=False),
    ]
    for user in users:
        for model in (OogoMeeting, Hearing, InstemmingRequest, InstemmingRecipient, InstemmingDecision, ParentView):
            assert not model.objects.visible_to(user).exists(), (user, model)


def test_parents_see_nothing_before_the_plan_was_sent(world):
    opp = world.fill(world.start())
    world.oogo(opp)
    assert OogoMeeting.objects.visible_to(world.ib).exists()
    assert not OogoMeeting.objects.visible_to(world.mother).exists()


def test_the_pupil_sees_no_hearing_before_the_plan_was_sent(world):
    pupil_user = pupil_account(world.pupil)
    opp = world.fill(world.start())
    world.hear(opp)
    assert Hearing.objects.visible_to(world.ib).exists()
    assert not Hearing.objects.visible_to(pupil_user).exists()


def test_every_record_a_user_sees_belongs_to_a_plan_they_see(world, records):
    """Consent's records filter through `plans.access.opps_for`: no record of a plan out of sight leaks."""
    paths = {OogoMeeting: "opp", Hearing: "opp", ParentView: "opp", InstemmingRequest: "version__opp",
             InstemmingRecipient: "request__version__opp", InstemmingDecision: "version__opp"}
    users = [world.ib, world.leader, world.mother, world.father, records["pupil_user"],
             staff("teacher", school=world.school, groups="5"), staff("teacher", school=world.school, groups="6"),
             staff("board_admin", board=world.school.board), UserFactory(is_superuser=True)]
    for user in users:
        plans = set(opps_for(user).values_list("pk", flat=True))
        for model, path in paths.items():
            seen = set(model.objects.visible_to(user).values_list(f"{path}_id", flat=True))
            assert seen <= plans, (user, model)
