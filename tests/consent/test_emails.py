"""Every mail the portal sends (consent/emails.py and allauth's, through opp_portal/accounts.py): plain Dutch with
"u" (to a pupil "je"), naming the portal and the school, links on the public address only, no name but the child's first name."""

import datetime
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from consent import services
from consent.models import Decision
from tests.factories import UserFactory, pupil_account

from .factories import family_without_accounts, mails_to

pytestmark = pytest.mark.django_db

PUBLIC = "https://opp-portaal.example.nl/"
SCAN = SimpleUploadedFile("formulier.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def assert_plain_portal_mail(message, school_name: str | None, *, short_lines: bool = True, pupil: bool = False):
    text = message.subject + "\n" + message.body
    assert "127.0.0.1" not in text and "localhost" not in text and "testserver" not in text
    assert all(link.startswith(PUBLIC) for link in re.findall(r"https?://\S+", message.body))
    assert "OPP-portaal" in text
    if school_name:
        assert school_name in text
    text_of = " ".join(message.body.split()).replace("Hoe denk jij erover?", "")  # the name of the pupil's page
    polite, rude = (r"\b(je|jij|jouw)\b", r"\b(u|uw|U|Uw)\b") if pupil else (r"\b(u|uw)\b", r"\b(je|jij|jouw)\b")
    assert re.search(polite, text_of) and not re.search(rude, text_of), text_of
    if short_lines:  # no quoted-printable, so a link stays whole even in a plain-text view
        assert message.message()["Content-Transfer-Encoding"] != "quoted-printable"


def test_the_instemming_mail_names_the_child_school_date_and_ib_and_nobody_else(world, django_capture_on_commit_callbacks):
    pupil, (mother, father), opp, version = family_without_accounts(world)
    # Names nobody else in the world can have (a random father called like the ib would be named in the mail).
    for person, first, last in ((pupil, pupil.first_name, "Kindsmaweg"), (mother, "Moedelien", "Moederveld"),
                                (father, "Vaderbert", "Vaderwijk")):
        person.first_name, person.last_name = first, last
        person.save()
    answer_by = timezone.localdate() + datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_instemming(user=world.ib, version=version, reason="Nieuw plan", answer_by=answer_by)
    message = mails_to(mother.email)[0]
    assert_plain_portal_mail(message, world.school.name)
    assert pupil.first_name in message.subject and pupil.first_name in message.body
    assert str(answer_by.year) in message.body and "vóór" in message.body
    words = " ".join(message.body.split())  # the body is wrapped, and a long name can break across lines
    assert world.ib.get_full_name() in words and world.ib.email in words
    for name in (pupil.last_name, mother.last_name, father.last_name, father.first_name):
        assert name not in words and name not in message.subject
    assert version.content["handelingsdeel"]["support_and_guidance"] not in message.body


def test_a_decision_recorded_on_paper_is_mailed_to_the_party_with_how_to_object(
    world, django_capture_on_commit_callbacks
):
    _pupil, (mother, _father), opp, version = family_without_accounts(world)
    request = world.ask(version)
    recipient = request.recipients.get(guardian=mother)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_paper_decision(user=world.ib, recipient=recipient, decision=Decision.AKKOORD, scan=SCAN)
    [message] = mails_to(mother.email)
    assert_plain_portal_mail(message, world.school.name)
    body = " ".join(message.body.split())
    assert "De school heeft vastgelegd dat u" in body and "akkoord" in body
    assert "Klopt dit niet?" in body and "/uitnodiging/" in body
    assert mother.last_name not in body


def test_the_adult_pupils_instemming_mail_and_paper_decision_notice_speak_to_them_as_je(
    world, django_capture_on_commit_callbacks
):
    world.make_adult()
    user = pupil_account(world.pupil)
    _opp, version = world.sent()
    with django_capture_on_commit_callbacks(execute=True):
        request = world.ask(version)
    [message] = mails_to(user.email)
    assert_plain_portal_mail(message, world.school.name, pupil=True)
    assert "Je bent 18 jaar of ouder" in " ".join(message.body.split())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_paper_decision(user=world.ib, recipient=request.recipients.get(), decision=Decision.AKKOORD,
                                       scan=SCAN)
    [message] = mails_to(user.email)
    assert_plain_portal_mail(message, world.school.name, pupil=True)
    assert "De school heeft vastgelegd dat je" in " ".join(message.body.split())


def test_the_pupil_invitation_mail_has_a_personal_link_and_speaks_to_the_pupil_as_je(
    world, django_capture_on_commit_callbacks
):
    pupil = world.pupil
    pupil.email = "leerling@example.test"
    pupil.date_of_birth = timezone.localdate().replace(year=timezone.localdate().year - 13)
    pupil.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_pupil(user=world.ib, pupil=pupil, school=world.school)
    [message] = mails_to("leerling@example.test")
    assert_plain_portal_mail(message, world.school.name, pupil=True)
    assert "nodigt je uit voor je eigen pagina" in " ".join(message.body.split())
    assert not re.search(r"\b(u|uw|Uw)\b", message.subject)
    assert "/uitnodiging/" in message.body and pupil.last_name not in message.body


def test_allauths_sign_in_code_mail_is_dutch_and_names_the_school(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": world.mother.email},
                    HTTP_HOST="127.0.0.1:8000")
    [message] = mail.outbox
    assert_plain_portal_mail(message, world.school.name)
    assert "Uw inlogcode" in message.subject and "Uw inlogcode is" in message.body


def test_the_password_reset_link_uses_the_public_address_whatever_host_was_asked(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="medewerker@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email}, HTTP_HOST="127.0.0.1:8000")
    [message] = mail.outbox
    assert_plain_portal_mail(message, None, short_lines=False)  # the reset link is longer than a mail line
    assert PUBLIC + "accounts/password/reset/key/" in message.body


def test_the_mail_for_an_unknown_address_is_neutral(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "niemand@example.test"}, HTTP_HOST="127.0.0.1:8000")
    [message] = mail.outbox
    assert_plain_portal_mail(message, None)
    assert "(nog) niet inloggen" in " ".join(message.body.split()) and "/signup/" not in message.body
