"""Personal invitation links (consent/invitations.py, consent/views/invitation.py): for exactly one person, at the
address the school records; the code sent to that address, not the link, lets someone in."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consent.invitations import InvalidInvitation, invitation_url, make_link, masked, read_token
from consent.models import Decision, InstemmingDecision, InstemmingRecipient, InvitationLink
from schools.models import Guardian, User

from .factories import family_without_accounts, link_in, mails_to, sign_in_with_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(world, django_capture_on_commit_callbacks):
    pupil, (mother, father), opp, version = family_without_accounts(world)
    with django_capture_on_commit_callbacks(execute=True):
        request = world.ask(version)
    return pupil, mother, father, opp, request


def test_an_invited_guardian_without_an_account_signs_in_by_code_and_decides(
    client, invited, django_capture_on_commit_callbacks
):
    pupil, mother, _father, opp, request = invited
    invitation = mails_to(mother.email)[0]
    assert not User.objects.filter(email=mother.email).exists()
    response = sign_in_with_code(client, link_in(invitation), mother.email, django_capture_on_commit_callbacks)
    assert response.redirect_chain[-1][0] == reverse("consent:plan", kwargs={"opp_uuid": opp.uuid})
    assert "De school vraagt of u akkoord gaat met het plan" in response.content.decode()
    mother.refresh_from_db()
    assert mother.user is not None and mother.user.email == mother.email and not mother.user.has_usable_password()
    recipient = InstemmingRecipient.objects.get(request=request, guardian=mother)
    client.post(reverse("consent:decide", kwargs={"opp_uuid": opp.uuid}),
                {"decision": Decision.AKKOORD, "version": request.version.uuid})
    decision = InstemmingDecision.objects.get()
    assert decision.recipient == recipient and decision.decided_by == mother.user


def test_the_link_opens_only_for_the_person_it_was_made_for(client, world, invited):
    _pupil, mother, _father, opp, _request = invited
    link = link_in(mails_to(mother.email)[0])
    client.force_login(world.mother)  # a parent of another child, signed in
    response = client.get(link)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Deze link is voor iemand anders" in html
    # The page's own content: a random first name can occur in the page's head or menu ("Eva" in htmx's
    # "allowEval", a signed-in parent's own name).
    assert opp.pupil.first_name not in html[html.index('<main id="inhoud"'):html.index("</main>")]
    mother.refresh_from_db()
    assert mother.user is None
    assert client.get(reverse("consent:plan", kwargs={"opp_uuid": opp.uuid})).status_code == 404


def test_a_second_person_with_the_link_gets_a_code_only_in_the_recorded_mailbox(
    client, invited, django_capture_on_commit_callbacks
):
    _pupil, mother, _father, opp, _request = invited
    link = link_in(mails_to(mother.email)[0])
    page = client.get(link).content.decode()
    assert mother.email not in page and masked(mother.email) in page  # the address is not shown in full
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)
    assert [m.to for m in mail.outbox] == [[mother.email]]
    for wrong in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC"):
        client.post(response.url, {"code": wrong})
    assert client.get(reverse("consent:plan", kwargs={"opp_uuid": opp.uuid})).status_code == 302  # to sign-in
    mother.refresh_from_db()
    assert mother.user_id is None or not mother.user.last_login


def test_changing_the_guardians_email_at_the_school_invalidates_earlier_links(client, world, invited):
    _pupil, mother, _father, _opp, _request = invited
    link = link_in(mails_to(mother.email)[0])
    assert client.get(link).status_code == 200
    Guardian.objects.filter(pk=mother.pk).update(email="nieuw.adres@example.test")
    response = client.get(link)
    assert response.status_code == 404
    assert "Deze link werkt niet meer" in response.content.decode()
    assert client.post(link).status_code == 404
    assert not mail.outbox or all(m.to != ["nieuw.adres@example.test"] for m in mail.outbox)
    # Back to the old address: the link is the one it was made for again.
    Guardian.objects.filter(pk=mother.pk).update(email=mother.email)
    assert client.get(link).status_code == 200


def test_an_unknown_or_expired_link_is_refused(client, invited):
    _pupil, mother, _father, _opp, _request = invited
    assert client.get(reverse("consent:invitation", kwargs={"token": "geraden-token"})).status_code == 404
    token = make_link(mother)
    InvitationLink.objects.update(created_at=timezone.now() - datetime.timedelta(days=91))
    response = client.get(reverse("consent:invitation", kwargs={"token": token}))
    assert response.status_code == 404 and "verlopen" in response.content.decode()
    with pytest.raises(InvalidInvitation):
        read_token(token)


def test_only_a_digest_of_the_link_is_stored(invited):
    _pupil, mother, _father, _opp, _request = invited
    url = invitation_url(mother)
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert not InvitationLink.objects.filter(token_digest=token).exists()
    assert read_token(token).person == mother


def test_the_account_with_the_recorded_address_is_linked_when_it_opens_its_link(client, invited):
    _pupil, mother, _father, opp, _request = invited
    link = link_in(mails_to(mother.email)[0])
    existing = User.objects.create_user(mother.email, "een-lang-wachtwoord-2026")
    client.force_login(existing)
    response = client.get(link)
    assert response.status_code == 302
    assert client.get(response.url, follow=True).redirect_chain[-1][0] == reverse(
        "consent:plan", kwargs={"opp_uuid": opp.uuid})
    mother.refresh_from_db()
    assert mother.user == existing


def test_the_landing_page_of_a_pupils_invitation_speaks_to_the_pupil_as_je_and_a_parents_as_u(client, world, invited):
    pupil, mother, _father, _opp, _request = invited
    pupil.email = "leerling@example.test"
    pupil.save()
    html = " ".join(client.get(reverse("consent:invitation", kwargs={"token": make_link(pupil)}))
                    .content.decode().split())
    assert f"{world.school.name} nodigt je uit voor je eigen pagina" in html
    assert "We sturen een inlogcode naar je e-mailadres" in html and "Is dit niet je e-mailadres" in html
    for polite in ("nodigt u uit", "uw eigen pagina", "U hebt geen wachtwoord", "Uw persoonlijke link",
                   "niet uw e-mailadres"):
        assert polite not in html
    parents = " ".join(client.get(reverse("consent:invitation", kwargs={"token": make_link(mother)}))
                       .content.decode().split())
    assert "U hebt geen wachtwoord nodig" in parents and "naar uw e-mailadres" in parents


def test_the_sign_in_code_and_the_welcome_speak_to_the_pupil_as_je_and_to_a_parent_as_u(
        client, world, invited, django_capture_on_commit_callbacks):
    from consent.models import PupilInvitation, PupilInvitationKind

    pupil, mother, _father, _opp, _request = invited
    pupil.email = "leerling@example.test"
    pupil.save()
    PupilInvitation.objects.create(pupil=pupil, email=pupil.email, kind=PupilInvitationKind.OWN_PAGE)
    response = sign_in_with_code(client, reverse("consent:invitation", kwargs={"token": make_link(pupil)}), pupil.email,
                                 django_capture_on_commit_callbacks)
    code_mail = mails_to(pupil.email)[-1]
    assert code_mail.subject.endswith("Je inlogcode") and "Je inlogcode is:" in code_mail.body
    assert "waar je hem aanvroeg" in code_mail.body and "Vroeg je geen code aan?" in code_mail.body
    assert "Uw inlogcode" not in code_mail.body and " u " not in f" {code_mail.body} "
    shown = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("Je bent ingelogd als") for m in shown), shown

    client.logout()
    response = sign_in_with_code(client, link_in(mails_to(mother.email)[0]), mother.email,
                                 django_capture_on_commit_callbacks)
    code_mail = mails_to(mother.email)[-1]
    assert code_mail.subject.endswith("Uw inlogcode") and "Uw inlogcode is:" in code_mail.body
    assert any(str(m).startswith("U bent ingelogd als") for m in response.context["messages"])
