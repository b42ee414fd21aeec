"""Reaching the family (consent/services/outreach.py): a guardian who cannot be reached (rule 3 as amended), the
pupil invited to their own page, the notices for the ib after a refusal or a wish to talk (rule 4)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from consent import services
from consent.models import Decision, NoticeKind, PupilInvitation, StaffNotice, Unreachability, UnreachableReason
from opp_portal.mail import deliver
from opp_portal.outbox.models import OutgoingEmail
from plans.requirements import checklist
from plans.services import RoleRequired
from schools.models import User
from tests.factories import pupil_account, staff

from .factories import family_without_accounts

pytestmark = pytest.mark.django_db

ATTEMPTS = "3 maart: mail. 10 maart: herinnering. 12 maart: gebeld (geen gehoor), brief naar het laatst bekende adres."


def instemming(opp):
    return next(i for i in checklist(opp) if i.key == "instemming")


@pytest.fixture
def half(world):
    """The mother agreed; the father has not answered."""
    opp, version = world.sent()
    world.oogo(opp)
    world.hear(opp)
    request = world.ask(version)
    world.decide(request, world.mother)
    return opp, request, world.recipient(request, world.father)


def record(world, recipient):
    """No answer, after the reminder the school sends first."""
    if not recipient.reminders_sent:
        services.send_reminder(user=world.ib, recipient=recipient)
    return services.record_unreachable(user=world.ib, recipient=recipient, reason=UnreachableReason.NO_ANSWER,
                                       attempts=ATTEMPTS)


def test_no_answer_is_not_recorded_before_the_school_sent_a_reminder(world):
    opp, version = world.sent()
    request = world.ask(version)
    world.decide(request, world.mother)
    father = world.recipient(request, world.father)
    with pytest.raises(services.ConsentError, match="nog geen herinnering"):
        services.record_unreachable(user=world.ib, recipient=father, reason=UnreachableReason.NO_ANSWER,
                                    attempts=ATTEMPTS)
    assert not Unreachability.objects.exists()
    # Once reminded, no answer can be recorded.
    assert record(world, father).reason == UnreachableReason.NO_ANSWER


def test_rule_3_once_the_leader_confirms_the_other_guardians_akkoord_suffices(world, half):
    opp, _request, father = half
    item = record(world, father)
    assert not instemming(opp).met
    assert "moet dat nog bevestigen" in instemming(opp).status.message
    services.confirm_unreachable(user=world.leader, unreachability=item)
    assert instemming(opp).met


def test_rule_3_never_over_a_refusal(world):
    opp, version = world.sent()
    request = world.ask(version)
    world.decide(request, world.mother, Decision.NIET_AKKOORD, "Niet eens.")
    item = record(world, world.recipient(request, world.father))
    services.confirm_unreachable(user=world.leader, unreachability=item)
    assert not instemming(opp).met
    assert "stemt niet in" in instemming(opp).status.message


def test_anders_as_the_reason_is_recorded_only_with_a_toelichting(world, half):
    _opp, _request, father = half
    services.send_reminder(user=world.ib, recipient=father)
    with pytest.raises(services.ConsentError, match="waarom de ouder niet bereikbaar"):
        services.record_unreachable(user=world.ib, recipient=father, reason=UnreachableReason.OTHER,
                                    attempts=ATTEMPTS, explanation="  ")
    assert not Unreachability.objects.exists()
    item = services.record_unreachable(user=world.ib, recipient=father, reason=UnreachableReason.OTHER,
                                       attempts=ATTEMPTS, explanation="Vader zit een half jaar op zee.")
    assert item.explanation == "Vader zit een half jaar op zee."


def test_rule_3_a_guardian_recorded_unreachable_can_still_decide_and_a_refusal_then_counts(world, half):
    opp, request, father = half
    services.confirm_unreachable(user=world.leader, unreachability=record(world, father))
    assert instemming(opp).met
    world.decide(request, world.father, Decision.NIET_AKKOORD, "Ik was op reis; ik ben het er niet mee eens.")
    assert not instemming(opp).met


def test_the_leader_who_confirms_is_not_the_one_who_recorded_and_only_an_ib_records(world, half):
    _opp, _request, father = half
    with pytest.raises(RoleRequired):
        services.record_unreachable(user=world.leader, recipient=father, reason=UnreachableReason.ABROAD,
                                    attempts=ATTEMPTS)
    with pytest.raises(RoleRequired):
        services.record_unreachable(user=staff("teacher", school=world.school, groups="5"), recipient=father,
                                    reason=UnreachableReason.ABROAD, attempts=ATTEMPTS)
    with pytest.raises(services.ConsentError):
        services.record_unreachable(user=world.ib, recipient=father, reason=UnreachableReason.ABROAD, attempts=" ")
    item = record(world, father)
    with pytest.raises(RoleRequired):
        services.confirm_unreachable(user=world.ib, unreachability=item)
    both = staff("school_leader", school=world.school)
    from schools.models import Membership

    Membership.objects.create(user=both, role="ib", school=world.school)
    services.withdraw_unreachable(user=world.ib, unreachability=item)
    own = services.record_unreachable(user=both, recipient=father, reason=UnreachableReason.ABROAD, attempts=ATTEMPTS)
    with pytest.raises(services.ConsentError):
        services.confirm_unreachable(user=both, unreachability=own)


def test_someone_who_decided_or_the_adult_pupil_or_a_sole_guardian_cannot_be_passed_over(world, half, world_for):
    _opp, request, _father = half
    with pytest.raises(services.ConsentError):
        record(world, world.recipient(request, world.mother))
    _pupil, _parents, _opp2, version = family_without_accounts(world, guardians=1)
    sole = world.ask(version).recipients.get()
    with pytest.raises(services.ConsentError) as error:
        record(world, sole)
    assert "geen andere ouder" in str(error.value)
    adult_world = world_for("vo")
    pupil_user = pupil_account(adult_world.pupil)
    adult_world.make_adult()
    _opp3, adult_version = adult_world.sent()
    adult_request = adult_world.ask(adult_version)
    with pytest.raises(services.ConsentError):
        record(adult_world, adult_world.recipient(adult_request, pupil_user))


def test_a_withdrawn_record_no_longer_counts(world, half):
    opp, _request, father = half
    item = services.confirm_unreachable(user=world.leader, unreachability=record(world, father))
    services.withdraw_unreachable(user=world.ib, unreachability=item)
    assert not instemming(opp).met


def test_the_leaders_get_a_notice_to_confirm(world, half):
    _opp, _request, father = half
    record(world, father)
    assert StaffNotice.objects.filter(user=world.leader, kind=NoticeKind.CONFIRM_UNREACHABLE).count() == 1


def test_rule_4_a_refusal_or_a_wish_to_talk_gives_every_ib_a_notice_and_a_mail(world, django_capture_on_commit_callbacks):
    second_ib = staff("ib", school=world.school)
    opp, version = world.sent()
    request = world.ask(version)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        world.decide(request, world.mother, Decision.NIET_AKKOORD, "Te weinig hulp bij rekenen.")
        world.decide(request, world.father, Decision.GESPREK_GEWENST)
    kinds = set(StaffNotice.objects.filter(user__in=[world.ib, second_ib]).values_list("user_id", "kind"))
    assert kinds == {(u.pk, k) for u in (world.ib, second_ib) for k in (NoticeKind.REFUSED, NoticeKind.CONVERSATION)}
    attention = [m for m in mail.outbox if world.ib.email in m.to]
    assert len(attention) == 2 and all(second_ib.email in m.to for m in attention)
    for message in attention:
        assert "Te weinig hulp" not in message.body and world.pupil.last_name not in message.body
    assert not StaffNotice.objects.visible_to(staff("ib", school=world.school)).exists()
    assert services.mark_notices_read(user=world.ib, opp=opp) == 2


def test_rule_4_the_ib_hears_that_the_adult_pupil_not_a_parent_wants_to_talk_first(
    world, django_capture_on_commit_callbacks
):
    pupil_user = pupil_account(world.pupil)
    world.make_adult()
    opp, version = world.sent()
    request = world.ask(version)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        world.decide(request, pupil_user, Decision.GESPREK_GEWENST)
    [message] = [m for m in mail.outbox if world.ib.email in m.to]
    name = world.pupil.first_name
    assert message.subject.endswith(f"{name} wil eerst een gesprek over het eigen plan")
    assert f"Neem contact op met {name}" in message.body and "ouder" not in message.body


def test_a_pupil_from_12_is_invited_to_their_own_page_and_younger_only_by_choice(
    world, django_capture_on_commit_callbacks
):
    pupil = world.pupil
    today = timezone.localdate()
    pupil.date_of_birth = today.replace(year=today.year - 10)
    pupil.save()
    with pytest.raises(services.ConsentError):  # no address yet
        services.invite_pupil(user=world.ib, pupil=pupil, school=world.school)
    pupil.email = "kind@example.test"
    pupil.save()
    with pytest.raises(services.ConsentError):
        services.invite_pupil(user=world.ib, pupil=pupil, school=world.school)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_pupil(user=world.ib, pupil=pupil, school=world.school, younger_by_choice=True)
    assert invitation.younger_by_choice and invitation.email == "kind@example.test"
    assert [m.to for m in mail.outbox] == [["kind@example.test"]]
    pupil.date_of_birth = today - datetime.timedelta(days=365 * 13)
    pupil.save()
    services.invite_pupil(user=world.ib, pupil=pupil, school=world.school)
    assert PupilInvitation.objects.filter(pupil=pupil, younger_by_choice=False).exists()
    with pytest.raises(RoleRequired):
        services.invite_pupil(user=world.leader, pupil=pupil, school=world.school)


def test_inviting_a_pupil_sent_twice_while_the_mail_is_on_its_way_sends_one_invitation(
    world, django_capture_on_commit_callbacks
):
    pupil = world.pupil
    pupil.date_of_birth = timezone.localdate() - datetime.timedelta(days=365 * 13)
    pupil.email = "kind@example.test"
    pupil.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False):  # the broker has not taken the mail yet
        first = services.invite_pupil(user=world.ib, pupil=pupil, school=world.school)
        assert services.invite_pupil(user=world.ib, pupil=pupil, school=world.school) == first
    assert PupilInvitation.objects.filter(pupil=pupil).count() == 1
    assert OutgoingEmail.objects.filter(to=["kind@example.test"]).count() == 1
    # Once it went out, inviting again is a deliberate new invitation (the pupil lost the mail).
    deliver(OutgoingEmail.objects.get().pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invite_pupil(user=world.ib, pupil=pupil, school=world.school) != first
    assert PupilInvitation.objects.filter(pupil=pupil).count() == 2


def test_notices_about_a_plan_are_marked_read_only_for_staff_who_still_keep_its_consent_records(world):
    opp, version = world.sent()
    request = world.ask(version)
    world.decide(request, world.mother, Decision.NIET_AKKOORD, "Nee.")
    world.ib.memberships.get().delete()  # the ib left the school: their notice about its plan stays as it was
    left = User.objects.get(pk=world.ib.pk)  # as their next request loads them
    assert services.mark_notices_read(user=left, opp=opp) == 0
    assert StaffNotice.objects.filter(user=world.ib, read_at__isnull=True).count() == 1
