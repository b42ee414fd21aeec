import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from opp_portal.mail import queue_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_queued_email_is_delivered_after_the_transaction_commits(django_capture_on_commit_callbacks):
    message = EmailMultiAlternatives(subject="Onderwerp", body="Tekst", from_email="a@example.test", to=["b@example.test"])
    message.attach_alternative("<p>Tekst</p>", "text/html")
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(message)
        assert mail.outbox == []
    assert [m.to for m in mail.outbox] == [["b@example.test"]]
    assert mail.outbox[0].alternatives[0].content == "<p>Tekst</p>"


def test_a_parent_gets_a_sign_in_code_by_email(client, django_capture_on_commit_callbacks):
    UserFactory(email="ouder@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_request_login_code"), {"email": "ouder@example.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ouder@example.test"]
