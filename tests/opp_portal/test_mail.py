import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from opp_portal import mail as outbox
from opp_portal.audit.models import AuditEvent
from opp_portal.mail import deliver_email, queue_email
from opp_portal.outbox.models import MailStatus, OutgoingEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _message(to="b@example.test") -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject="Onderwerp", body="Tekst", from_email="a@example.test", to=[to])
    message.attach_alternative("<p>Tekst</p>", "text/html")
    return message


@pytest.fixture
def mail_server_down(monkeypatch):
    """The mail server refuses (outside our control, so this is the one thing we stand in for)."""
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)


def test_a_queued_email_is_delivered_after_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue_email(_message())
        assert mail.outbox == []
    assert [m.to for m in mail.outbox] == [["b@example.test"]]
    assert mail.outbox[0].alternatives[0].content == "<p>Tekst</p>"
    row.refresh_from_db()
    assert row.status == MailStatus.SENT and row.attempts == 1 and row.sent_at is not None
    assert row.body == "" and row.html == ""  # the outbox is not an archive of what was sent


def test_a_mail_is_written_in_the_same_transaction_as_the_change_that_causes_it():
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_email(_message())
        raise RuntimeError("the change fails")
    assert not OutgoingEmail.objects.exists()


def test_a_parent_gets_a_sign_in_code_by_email(client, django_capture_on_commit_callbacks):
    UserFactory(email="ouder@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_request_login_code"), {"email": "ouder@example.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ouder@example.test"]


def test_a_refused_mail_is_retried_later_with_backoff_and_the_reason_kept(mail_server_down, settings):
    row = queue_email(_message())
    assert outbox.deliver(row.pk) == MailStatus.PENDING
    row.refresh_from_db()
    assert row.attempts == 1 and "SMTPServerDisconnected" in row.last_error
    assert row.next_attempt_at > timezone.now() + datetime.timedelta(seconds=settings.OUTBOX_RETRY_SECONDS - 5)
    assert outbox.deliver(row.pk) is None  # not due yet: nothing is attempted
    assert OutgoingEmail.objects.get(pk=row.pk).attempts == 1


def test_a_mail_refused_at_every_attempt_ends_failed_with_the_reason(mail_server_down, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    row = queue_email(_message())
    for _ in range(3):
        OutgoingEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        outbox.deliver(row.pk)
    row.refresh_from_db()
    assert row.status == MailStatus.FAILED and row.attempts == 3
    assert "SMTPServerDisconnected" in row.last_error
    assert row.body == "Tekst"  # kept, so staff can send it again
    assert outbox.failed_count() == 1


def test_a_send_killed_midway_counts_as_an_attempt_and_is_picked_up_once_its_claim_is_stale(settings):
    row = queue_email(_message())
    OutgoingEmail.objects.filter(pk=row.pk).update(status=MailStatus.SENDING, attempts=1, claimed_at=timezone.now())
    assert outbox.due() == []  # someone is sending it right now
    assert outbox.deliver(row.pk) is None and mail.outbox == []
    stale = timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_SENDING_STALE_SECONDS + 1)
    OutgoingEmail.objects.filter(pk=row.pk).update(claimed_at=stale)
    assert outbox.send_due() == {MailStatus.SENT: 1}
    row.refresh_from_db()
    assert row.status == MailStatus.SENT and row.attempts == 2 and len(mail.outbox) == 1


def test_a_send_killed_at_the_last_attempt_ends_failed(settings):
    row = queue_email(_message())
    stale = timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_SENDING_STALE_SECONDS + 1)
    OutgoingEmail.objects.filter(pk=row.pk).update(status=MailStatus.SENDING, attempts=settings.OUTBOX_MAX_ATTEMPTS,
                                                   claimed_at=stale)
    outbox.send_due()
    row.refresh_from_db()
    assert row.status == MailStatus.FAILED and "afgebroken" in row.last_error and mail.outbox == []


def test_the_beat_task_sends_what_is_due_and_forgets_mail_sent_or_failed_long_ago(settings):
    due = queue_email(_message("due@example.test"))
    later = queue_email(_message("later@example.test"))
    OutgoingEmail.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + datetime.timedelta(hours=1))
    long_ago = timezone.now() - datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS + 1)
    old = queue_email(_message("old@example.test"))
    OutgoingEmail.objects.filter(pk=old.pk).update(status=MailStatus.SENT, sent_at=long_ago)
    old_failure = queue_email(_message("failed@example.test"))
    OutgoingEmail.objects.filter(pk=old_failure.pk).update(status=MailStatus.FAILED, created_at=long_ago)
    assert outbox.send_due() == {MailStatus.SENT: 1}
    assert [m.to for m in mail.outbox] == [["due@example.test"]]
    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) == {due.pk, later.pk}
    assert outbox.oldest_unsent_age() is not None


def test_staff_send_a_failed_mail_again_and_it_is_recorded(django_capture_on_commit_callbacks):
    admin = UserFactory(is_superuser=True)
    row = queue_email(_message())
    OutgoingEmail.objects.filter(pk=row.pk).update(status=MailStatus.FAILED, attempts=8, last_error="kapot")
    with django_capture_on_commit_callbacks(execute=True):
        outbox.retry(user=admin, email=row)
    row.refresh_from_db()
    assert row.status == MailStatus.SENT and row.attempts == 1
    assert AuditEvent.objects.filter(action="email.retried", actor=admin).count() == 1


def test_a_message_queued_by_an_earlier_release_goes_through_the_outbox(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver_email.apply(kwargs={"subject": "Inlogcode", "body": "123456", "to": ["o@example.test"],
                                    "from_email": "noreply@example.test"})
    assert OutgoingEmail.objects.get().status == MailStatus.SENT
    assert [m.subject for m in mail.outbox] == ["Inlogcode"]


def test_the_latest_mail_per_topic_gives_a_recipients_state():
    first = queue_email(_message(), topic="instemming-recipient:x")
    OutgoingEmail.objects.filter(pk=first.pk).update(status=MailStatus.SENT)
    second = queue_email(_message(), topic="instemming-recipient:x")
    states = outbox.latest_status_by_topic(["instemming-recipient:x", "instemming-recipient:y"])
    assert list(states) == ["instemming-recipient:x"] and states["instemming-recipient:x"].pk == second.pk
