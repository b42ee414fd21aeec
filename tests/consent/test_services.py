"""The consent services: asking for instemming, deciding, reminders, paper decisions, views and hearings."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consent import services
from consent.models import (
    Decision,
    Hearing,
    HearingSource,
    InstemmingDecision,
    OogoMeeting,
    ParentView,
    RecipientState,
)
from consent.parties import help_after_refusal
from consent.requirements import latest_decisions
from opp_portal.audit.models import AuditEvent
from plans.requirements import checklist
from plans.services import RoleRequired
from tests.factories import GuardianshipFactory, SchoolFactory, parent_of, pupil_account, staff

pytestmark = pytest.mark.django_db


def instemming(opp):
    return next(i for i in checklist(opp) if i.key == "instemming")


def test_rule_3_every_guardian_with_gezag_is_asked_and_emailed_without_plan_content(
    world, django_capture_on_commit_callbacks
):
    opp, version = world.sent()
    with django_capture_on_commit_callbacks(execute=True):
        request = world.ask(version, reason="Nieuw plan")
    assert {r.guardian.user for r in request.recipients.all()} == {world.mother, world.father}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.mother.email, world.father.email])
    content = version.content["handelingsdeel"]
    for message in mail.outbox:
        assert "https://opp-portaal.example.nl/uitnodiging/" in message.body and "127.0.0.1" not in message.body
        assert world.school.name in message.body and world.pupil.first_name in message.subject
        assert content["support_and_guidance"] not in message.body
        assert all(g["description"] not in message.body for g in content["goals"])
        assert world.pupil.last_name not in message.body and world.pupil.last_name not in message.subject
    event = AuditEvent.objects.get(action="instemming.requested")
    assert event.pupil_id == world.pupil.pk and event.actor == world.ib


def test_rule_3_a_guardian_without_gezag_is_not_asked(world):
    without = parent_of(world.pupil, has_gezag=False)
    opp, version = world.sent()
    request = world.ask(version)
    assert request.recipients.count() == 2
    assert not request.recipients.filter(guardian__user=without).exists()


def test_rule_3_the_adult_pupil_decides_instead_of_the_parents(world, django_capture_on_commit_callbacks):
    pupil_user = pupil_account(world.pupil)
    world.make_adult()
    opp, version = world.sent()
    world.oogo(opp)
    world.hear(opp)
    with django_capture_on_commit_callbacks(execute=True):
        request = world.ask(version)
    assert [r.pupil_id for r in request.recipients.all()] == [world.pupil.pk]
    assert [m.to for m in mail.outbox] == [[pupil_user.email]]
    body = " ".join(mail.outbox[0].body.split())
    assert "je ontwikkelingsperspectief" in body and "Je bent 18 jaar of ouder" in body
    with pytest.raises(services.NotAllowed):
        services.decide(user=world.mother, recipient=request.recipients.get(), decision=Decision.AKKOORD)
    world.decide(request, pupil_user)
    assert instemming(opp).met


def test_rule_3_one_parent_cannot_decide_for_the_other(world):
    opp, version = world.sent()
    request = world.ask(version)
    fathers_row = world.recipient(request, world.father)
    with pytest.raises(services.NotAllowed):
        services.decide(user=world.mother, recipient=fathers_row, decision=Decision.AKKOORD)
    with pytest.raises(services.NotAllowed):
        services.decide(user=world.ib, recipient=fathers_row, decision=Decision.AKKOORD)
    assert not InstemmingDecision.objects.exists()


def test_rule_2_changing_ones_mind_is_a_new_record_and_the_latest_counts(world):
    opp, version = world.sent()
    request = world.ask(version)
    world.decide(request, world.father)
    first = world.decide(request, world.mother, Decision.NIET_AKKOORD, "Eerst meer uitleg.")
    assert "stemt niet in" in instemming(opp).status.message
    second = world.decide(request, world.mother, Decision.AKKOORD)
    assert InstemmingDecision.objects.filter(recipient=first.recipient).count() == 2
    assert latest_decisions(version)[first.recipient.party] == second
    assert world.recipient(request, world.mother).state == RecipientState.AKKOORD
    first.refresh_from_db()
    assert first.decision == Decision.NIET_AKKOORD and first.content_hash == version.content_hash
    assert instemming(opp).met


def test_rule_4_a_refusal_needs_a_reason(world):
    opp, version = world.sent()
    request = world.ask(version)
    with pytest.raises(services.ConsentError):
        world.decide(request, world.mother, Decision.NIET_AKKOORD, "  ")


def test_rule_4_after_a_refusal_the_parents_see_where_to_get_help(world):
    world.school.swv.steunpunt_contact = "Steunpunt Passend Onderwijs, 010 123 45 67"
    world.school.swv.save()
    opp, _version = world.sent()
    info = help_after_refusal(opp)
    assert "010 123 45 67" in info.steunpunt_text
    assert "onderwijsconsulenten" in info.onderwijsconsulenten.lower()
    assert "Geschillencommissie passend onderwijs" in info.geschillencommissie


def test_the_school_sees_opened_and_decided_per_guardian(world):
    opp, version = world.sent()
    request = world.ask(version)
    assert {r.state for r in request.recipients.all()} == {RecipientState.NOT_OPENED}
    services.mark_opened(recipient_user=world.mother, request=request)
    world.decide(request, world.father, Decision.GESPREK_GEWENST)
    states = {r.guardian.user: r.state for r in request.recipients.all()}
    assert states == {world.mother: RecipientState.OPENED, world.father: RecipientState.GESPREK_GEWENST}
    with pytest.raises(services.NotAllowed):
        services.mark_opened(recipient_user=staff("ib", school=world.school), request=request)


def test_a_reminder_is_emailed_and_counted(world, django_capture_on_commit_callbacks):
    opp, version = world.sent()
    request = world.ask(version)
    row = world.recipient(request, world.mother)
    with django_capture_on_commit_callbacks(execute=True):
        row = services.send_reminder(user=world.ib, recipient=row)
    assert row.reminders_sent == 1 and row.last_reminder_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.mother.email]
    assert "herinnering" in mail.outbox[0].body.lower()
    world.decide(request, world.mother)
    with pytest.raises(services.ConsentError):
        services.send_reminder(user=world.ib, recipient=row)
    with pytest.raises(RoleRequired):
        services.send_reminder(user=staff("teacher", school=world.school, groups="5"),
                               recipient=world.recipient(request, world.father))


def test_asking_twice_only_adds_parties_not_yet_asked(world):
    opp, version = world.sent()
    world.ask(version)
    with pytest.raises(services.ConsentError):
        world.ask(version)
    third = parent_of(world.pupil)
    request = world.ask(version, reason="Nieuwe voogd")
    assert [r.guardian.user for r in request.recipients.all()] == [third]


def test_a_paper_decision_is_recorded_with_who_recorded_it_and_a_scan(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    opp, version = world.sent()
    request = world.ask(version)
    row = world.recipient(request, world.father)
    scan = SimpleUploadedFile("formulier.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    item = services.record_paper_decision(user=world.ib, recipient=row, decision=Decision.AKKOORD, how="op_papier",
                                          scan=scan)
    assert item.recorded_by == world.ib and item.decided_by is None and item.how == "op_papier"
    assert item.scan.name.endswith(".pdf") and item.content_hash == version.content_hash
    with pytest.raises(RoleRequired):
        services.record_paper_decision(user=staff("teacher", school=world.school, groups="5"), recipient=row,
                                       decision=Decision.AKKOORD, how="in_gesprek")
    with pytest.raises(services.ConsentError):
        services.record_paper_decision(user=world.ib, recipient=row, decision=Decision.AKKOORD, how="online")


def test_only_an_ib_of_the_school_asks_for_instemming(world):
    opp, version = world.sent()
    with pytest.raises(RoleRequired):
        services.request_instemming(user=staff("teacher", school=world.school, groups="5"), version=version,
                                    reason="x")
    with pytest.raises(services.NotAllowed):
        services.request_instemming(user=staff("ib", school=SchoolFactory()), version=version, reason="x")


def test_a_parent_adds_their_view_which_the_school_sees(world):
    opp, version = world.sent()
    view = services.add_parent_view(user=world.mother, opp=opp, text="Thuis gaat lezen al beter.")
    assert view.guardian == world.guardian(world.mother) and view.version == version
    assert list(ParentView.objects.visible_to(world.ib)) == [view]
    other_school_parent = parent_of(GuardianshipFactory().pupil)
    with pytest.raises(services.NotAllowed):
        services.add_parent_view(user=other_school_parent, opp=opp, text="x")


def test_rule_5_the_pupils_own_view_lands_in_the_hearing_record(world):
    pupil_user = pupil_account(world.pupil)
    opp, version = world.sent()
    hearing = services.record_pupil_view(pupil_user=pupil_user, opp=opp, text="Ik vind lezen moeilijk maar leuk.")
    assert hearing.source == HearingSource.PUPIL and hearing.version == version and hearing.heard
    assert next(i for i in checklist(opp) if i.key == "hearing").met
    with pytest.raises(services.NotAllowed):
        services.record_pupil_view(pupil_user=world.mother, opp=opp, text="x")
    assert Hearing.objects.count() == 1


def test_a_parents_view_or_a_pupils_view_sent_twice_is_recorded_once(world):
    pupil_user = pupil_account(world.pupil)
    opp, version = world.sent()
    first = services.add_parent_view(user=world.mother, opp=opp, text="Thuis gaat lezen al beter.")
    assert services.add_parent_view(user=world.mother, opp=opp, text="Thuis gaat lezen al beter.") == first
    heard = services.record_pupil_view(pupil_user=pupil_user, opp=opp, text="Ik wil meer tijd.")
    assert services.record_pupil_view(pupil_user=pupil_user, opp=opp, text="Ik wil meer tijd.") == heard
    assert ParentView.objects.count() == 1 and Hearing.objects.count() == 1
    assert AuditEvent.objects.filter(action__in=["parent_view.added", "hearing.pupil_view_added"]).count() == 2
    # Something new is recorded as such.
    services.add_parent_view(user=world.mother, opp=opp, text="En rekenen ook.")
    services.record_pupil_view(pupil_user=pupil_user, opp=opp, text="Ik wil ook hulp bij rekenen.")
    assert ParentView.objects.count() == 2 and Hearing.objects.count() == 2


def test_an_oogo_or_a_hearing_form_sent_twice_is_recorded_once(world):
    opp, version = world.sent()
    meeting = world.oogo(opp)
    assert world.oogo(opp) == meeting
    hearing = world.hear(opp)
    assert world.hear(opp) == hearing
    not_heard = world.hear(opp, heard=False, not_heard_reason="Ziek.")
    assert world.hear(opp, heard=False, not_heard_reason="Ziek.") == not_heard
    assert OogoMeeting.objects.count() == 1 and Hearing.objects.count() == 2
    # Anything else is a record of its own.
    world.oogo(opp, uitstroomperspectief=False)
    world.hear(opp, pupil_view="Ik wil ook hulp bij rekenen.")
    assert OogoMeeting.objects.count() == 2 and Hearing.objects.count() == 3


def test_rule_1_an_oogo_names_at_least_one_part(world):
    opp, _version = world.sent()
    with pytest.raises(services.ConsentError):
        world.oogo(opp, handelingsdeel=False, uitstroomperspectief=False)


def test_the_staff_member_who_asked_gets_a_short_notice_without_names_when_a_parent_decides(
    world, django_capture_on_commit_callbacks
):
    from django.core import mail

    opp, version = world.sent()
    request = world.ask(version)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        world.decide(request, world.mother)
    notices = [m for m in mail.outbox if m.to == [world.ib.email]]
    assert len(notices) == 1
    body = notices[0].body
    assert world.pupil.first_name not in body and world.pupil.last_name not in body and "akkoord" not in body
    assert f"/opp/{opp.uuid}/instemming/" in body


# --- sent twice, mail that never arrived (issue 13) -----------------------------------------------------------

def _outbox_rows(email):
    from opp_portal.outbox.models import OutgoingEmail

    return OutgoingEmail.objects.filter(to=[email])


def test_a_decision_sent_twice_is_recorded_once_and_notified_once(world):
    _opp, version = world.sent()
    request = world.ask(version)
    first = world.decide(request, world.mother, Decision.NIET_AKKOORD, "Te weinig hulp.")
    again = world.decide(request, world.mother, Decision.NIET_AKKOORD, "Te weinig hulp.")
    assert again.pk == first.pk
    assert InstemmingDecision.objects.filter(recipient__guardian__user=world.mother).count() == 1
    assert _outbox_rows(world.ib.email).count() == 1
    # Changing one's mind is still a new record (rule 2).
    changed = world.decide(request, world.mother, Decision.AKKOORD)
    assert changed.pk != first.pk and world.recipient(request, world.mother).latest_decision.pk == changed.pk


def test_asking_again_mails_again_whoever_never_got_the_mail_and_records_no_new_request(world):
    from consent.emails import mail_topic
    from opp_portal.outbox.models import MailStatus, OutgoingEmail

    _opp, version = world.sent()
    request = world.ask(version)
    mother, father = world.recipient(request, world.mother), world.recipient(request, world.father)
    OutgoingEmail.objects.filter(topic__in=[mail_topic(mother), mail_topic(father)]).update(status=MailStatus.FAILED)
    services.mark_opened(recipient_user=world.father, request=request)  # he found it anyway

    assert world.ask(version).pk == request.pk
    assert request.version.instemming_requests.count() == 1
    assert OutgoingEmail.objects.filter(topic=mail_topic(mother), status=MailStatus.PENDING).count() == 1
    assert OutgoingEmail.objects.filter(topic=mail_topic(father), status=MailStatus.PENDING).count() == 0
    assert AuditEvent.objects.filter(action="instemming.mailed_again").count() == 1
    with pytest.raises(services.ConsentError):  # her new mail is on its way: nothing left to ask
        world.ask(version)


def test_a_reminder_sent_twice_before_the_first_went_out_is_counted_and_mailed_once(world):
    from consent.emails import mail_topic
    from opp_portal.outbox.models import OutgoingEmail

    _opp, version = world.sent()
    request = world.ask(version)
    row = world.recipient(request, world.mother)
    row = services.send_reminder(user=world.ib, recipient=row)
    with pytest.raises(services.ConsentError, match="wordt nog verstuurd"):
        services.send_reminder(user=world.ib, recipient=row)
    row.refresh_from_db()
    assert row.reminders_sent == 1
    assert OutgoingEmail.objects.filter(topic=mail_topic(row)).count() == 2  # the request and one reminder
# --- a decision is the parent's own ------------------------------------------------------------------------------------

def _scan():
    return SimpleUploadedFile("formulier.pdf", b"%PDF-1.4 test", content_type="application/pdf")


def _at(days_ago: int, hour: int = 12):
    import datetime

    from django.utils import timezone

    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_the_latest_decision_counts_by_when_it_was_made_not_when_it_was_typed_in(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    opp, version = world.sent()
    request = world.ask(version)
    row = world.recipient(request, world.father)
    services.record_paper_decision(user=world.ib, recipient=row, decision=Decision.AKKOORD, scan=_scan())
    # A form signed earlier, typed in afterwards, does not replace the later decision.
    older = services.record_paper_decision(user=world.ib, recipient=row, decision=Decision.NIET_AKKOORD,
                                           reason="Ouder formulier", decided_at=version.created_at)
    assert older.created_at > row.decisions.exclude(pk=older.pk).get().created_at
    assert latest_decisions(version)[row.party].decision == Decision.AKKOORD
    assert row.latest_decision.decision == Decision.AKKOORD


def test_a_paper_decision_dated_before_a_later_online_decision_of_the_same_parent_is_refused(world):
    from django.utils import timezone

    opp, version = world.sent()
    request = world.ask(version)
    refusal = world.decide(request, world.mother, Decision.NIET_AKKOORD, "Te weinig hulp.")
    row = world.recipient(request, world.mother)
    for moment in (version.created_at, timezone.now()):  # earlier that day, or later the same day
        with pytest.raises(services.ConsentError) as error:
            services.record_paper_decision(user=world.ib, recipient=row, decision=Decision.AKKOORD, scan=_scan(),
                                           decided_at=moment)
        assert "zelf online beslist" in str(error.value)
    assert row.latest_decision == refusal
    assert not instemming(opp).met
    # The other parent's paper decision is not bound by the mother's online one.
    other = world.recipient(request, world.father)
    services.record_paper_decision(user=world.ib, recipient=other, decision=Decision.NIET_AKKOORD, reason="Nee.")


def test_a_paper_decision_is_refused_for_a_guardian_who_no_longer_has_gezag(world):
    from schools.models import Guardianship

    opp, version = world.sent()
    request = world.ask(version)
    row = world.recipient(request, world.father)
    Guardianship.objects.filter(pupil=world.pupil, guardian=world.guardian(world.father)).update(has_gezag=False)
    with pytest.raises(services.ConsentError) as error:
        services.record_paper_decision(user=world.ib, recipient=row, decision=Decision.AKKOORD, scan=_scan())
    assert "beslist niet (meer)" in str(error.value)
    assert not row.decisions.exists()


def test_a_paper_akkoord_needs_the_scan_of_the_signed_form(world):
    opp, version = world.sent()
    request = world.ask(version)
    row = world.recipient(request, world.father)
    for how in ("op_papier", "in_gesprek"):
        with pytest.raises(services.ConsentError) as error:
            services.record_paper_decision(user=world.ib, recipient=row, decision=Decision.AKKOORD, how=how)
        assert "scan" in str(error.value)
    # A refusal or a wish to talk first is recorded without one.
    services.record_paper_decision(user=world.ib, recipient=row, decision=Decision.GESPREK_GEWENST)
    assert not InstemmingDecision.objects.filter(decision=Decision.AKKOORD).exists()


def test_a_paper_decision_is_mailed_to_the_parent_it_was_recorded_for(world, django_capture_on_commit_callbacks):
    opp, version = world.sent()
    request = world.ask(version)
    row = world.recipient(request, world.father)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_paper_decision(user=world.ib, recipient=row, decision=Decision.NIET_AKKOORD,
                                       reason="Niet eens.", how="in_gesprek")
    [notice] = [m for m in mail.outbox if m.to == [world.father.email]]
    body = " ".join(notice.body.split())
    assert "De school heeft vastgelegd dat u" in body and "niet akkoord" in body
    assert "in een gesprek" in body and "Klopt dit niet?" in body
    assert not [m for m in mail.outbox if m.to == [world.mother.email]]


def test_a_paper_decision_form_sent_twice_records_and_mails_it_once(world, django_capture_on_commit_callbacks):
    opp, version = world.sent()
    request = world.ask(version)
    row = world.recipient(request, world.father)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.record_paper_decision(user=world.ib, recipient=row, decision=Decision.GESPREK_GEWENST,
                                               reason="Bellen.", how="in_gesprek")
        again = services.record_paper_decision(user=world.ib, recipient=row, decision=Decision.GESPREK_GEWENST,
                                               reason="Bellen.", how="in_gesprek")
    assert again == first and row.decisions.count() == 1
    assert len([m for m in mail.outbox if m.to == [world.father.email]]) == 1
    assert AuditEvent.objects.filter(action="instemming.decision_recorded").count() == 1
    # A different decision for the same parent is a new record.
    services.record_paper_decision(user=world.ib, recipient=row, decision=Decision.NIET_AKKOORD, reason="Nee.",
                                   how="in_gesprek")
    assert row.decisions.count() == 2


def test_the_date_for_an_answer_is_kept_and_checked(world):
    import datetime

    from django.utils import timezone

    opp, version = world.sent()
    with pytest.raises(services.ConsentError):
        services.request_instemming(user=world.ib, version=version, reason="Nieuw plan",
                                    answer_by=timezone.localdate() - datetime.timedelta(days=1))
    request = services.request_instemming(user=world.ib, version=version, reason="Nieuw plan")
    assert request.answer_by == timezone.localdate() + datetime.timedelta(days=14)


def test_a_paper_decision_from_a_later_day_than_the_online_one_is_recorded_and_then_counts(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from plans.demo import demo_clock

    settings.MEDIA_ROOT = tmp_path
    # Noon, so that two hours later is the same day whatever the hour the test runs (at 22:30 it was not).
    three_days_ago = timezone.localtime(timezone.now() - datetime.timedelta(days=3)).replace(
        hour=12, minute=0, second=0, microsecond=0)
    with demo_clock(three_days_ago):
        opp, version = world.sent()
        request = world.ask(version)
        world.decide(request, world.mother, Decision.NIET_AKKOORD, "Te weinig hulp.")
    row = world.recipient(request, world.mother)
    with pytest.raises(services.ConsentError):  # the same day as her online decision
        services.record_paper_decision(user=world.ib, recipient=row, decision=Decision.AKKOORD, scan=_scan(),
                                       decided_at=three_days_ago + datetime.timedelta(hours=2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        later = services.record_paper_decision(user=world.ib, recipient=row, decision=Decision.AKKOORD, scan=_scan(),
                                               decided_at=timezone.now() - datetime.timedelta(days=1))
    assert row.latest_decision == later
    assert [m.to for m in mail.outbox if "vastgelegd" in m.subject] == [[world.mother.email]]


def test_a_pupil_who_no_longer_decides_is_told_so_in_their_own_words(world):
    pupil_user = pupil_account(world.pupil)
    world.make_adult()
    opp, version = world.sent()
    request = world.ask(version)
    # The school corrects the birth date: the pupil is not 18 after all, and the parents decide.
    world.pupil.date_of_birth = datetime.date(timezone.localdate().year - 12, 1, 1)
    world.pupil.save(update_fields=["date_of_birth"])
    with pytest.raises(services.ConsentError, match="Je beslist niet"):
        services.decide(user=pupil_user, recipient=request.recipients.get(), decision=Decision.AKKOORD)
