"""The outbox page: failed and waiting mail for superusers and, for their own school, school leaders."""

import pytest
from django.urls import reverse

from opp_portal.audit.models import AuditEvent
from opp_portal.outbox.models import MailStatus, OutgoingEmail
from tests.factories import SchoolFactory, UserFactory, parent_of, staff

pytestmark = pytest.mark.django_db


def _mail(school=None, status=MailStatus.FAILED, to="ouder@example.test") -> OutgoingEmail:
    from django.utils import timezone

    return OutgoingEmail.objects.create(
        subject="Uw instemming gevraagd", body="Beste ouder, geheime link", from_email="noreply@example.test", to=[to],
        school_id=school.pk if school else None, status=status, attempts=8, last_error="SMTPRecipientsRefused",
        next_attempt_at=timezone.now(),
    )


def test_a_superuser_sees_failed_and_waiting_mail_without_its_text_and_sends_one_again(
        client, django_capture_on_commit_callbacks):
    failed = _mail()
    _mail(status=MailStatus.PENDING, to="wacht@example.test")
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    html = client.get(reverse("outbox:page")).content.decode()
    assert "ouder@example.test" in html and "wacht@example.test" in html and "SMTPRecipientsRefused" in html
    assert "geheime link" not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("outbox:retry", kwargs={"email_uuid": failed.uuid}))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == MailStatus.SENT
    assert AuditEvent.objects.filter(action="email.retried", actor=admin).exists()


def test_a_school_leader_sees_and_retries_only_their_own_schools_mail(client):
    school, other = SchoolFactory(), SchoolFactory()
    mine, theirs, nobodys = _mail(school, to="mijn@example.test"), _mail(other, to="ander@example.test"), _mail()
    client.force_login(staff("school_leader", school=school))
    html = client.get(reverse("outbox:page")).content.decode()
    assert "mijn@example.test" in html and "ander@example.test" not in html
    for row in (theirs, nobodys):
        assert client.post(reverse("outbox:retry", kwargs={"email_uuid": row.uuid})).status_code == 404
    assert client.post(reverse("outbox:retry", kwargs={"email_uuid": mine.uuid})).status_code == 302


@pytest.mark.parametrize("who", ["ib", "teacher", "board_admin", "parent"])
def test_anyone_else_gets_404(client, who):
    school = SchoolFactory()
    row = _mail(school)
    if who == "parent":
        from tests.factories import PupilFactory

        user = parent_of(PupilFactory())
    elif who == "board_admin":
        user = staff(who, board=school.board)
    else:
        user = staff(who, school=school, groups="5")
    client.force_login(user)
    assert client.get(reverse("outbox:page")).status_code == 404
    assert client.post(reverse("outbox:retry", kwargs={"email_uuid": row.uuid})).status_code == 404
    assert OutgoingEmail.objects.get(pk=row.pk).status == MailStatus.FAILED


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    assert client.get(reverse("outbox:page")).status_code == 302
