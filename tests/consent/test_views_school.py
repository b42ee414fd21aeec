"""The school's consent page: overleg, hoorrecht, asking for instemming, statuses, reminders and paper
decisions with a protected scan."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from consent.forms import MAX_SCAN_BYTES
from consent.models import (
    Decision,
    Hearing,
    InstemmingDecision,
    InstemmingRecipient,
    OogoMeeting,
    PupilInvitation,
    PupilInvitationKind,
)
from plans import services as plan_services
from tests.factories import SchoolFactory, enrolled_pupil, parent_of, staff

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def page_url(opp):
    return reverse("consent:school", kwargs={"opp_uuid": opp.uuid})


@pytest.fixture
def sent(world):
    return world.sent()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def outsiders(world):
    other_school = SchoolFactory(school_type="bao")
    return [
        staff("ib", school=other_school),
        staff("board_admin", board=world.school.board),
        parent_of(enrolled_pupil(world.school)),
        world.mother,  # a parent never sees the school's page
    ]


def test_ib_sees_the_panel_on_the_plan_page_and_the_consent_page(client, world, sent):
    opp, _version = sent
    client.force_login(world.ib)
    html = client.get(reverse("plans:draft", kwargs={"opp_uuid": opp.uuid})).content.decode()
    assert "Ouders en leerling" in html
    assert page_url(opp) in html
    response = client.get(page_url(opp))
    assert response.status_code == 200
    assert "Instemming vragen" in response.content.decode()


def test_outsiders_get_404_on_every_school_view(client, world, sent):
    opp, version = sent
    request = world.ask(version)
    recipient = InstemmingRecipient.objects.filter(request=request).first()
    for user in outsiders(world):
        client.force_login(user)
        assert client.get(page_url(opp)).status_code == 404
        for name in ("record_oogo", "record_hearing", "request_instemming"):
            assert client.post(reverse(f"consent:{name}", kwargs={"opp_uuid": opp.uuid}), {}).status_code == 404
        kwargs = {"recipient_uuid": recipient.uuid}
        assert client.post(reverse("consent:send_reminder", kwargs=kwargs)).status_code == 404
        assert client.get(reverse("consent:paper_decision", kwargs=kwargs)).status_code == 404
    # Not on the plan page panel either: an outsider does not reach the plan page at all.
    client.force_login(outsiders(world)[0])
    assert client.get(reverse("plans:draft", kwargs={"opp_uuid": opp.uuid})).status_code == 404


def test_ib_records_an_oogo_meeting(client, world, sent):
    opp, _version = sent
    client.force_login(world.ib)
    url = reverse("consent:record_oogo", kwargs={"opp_uuid": opp.uuid})
    data = {"held_on": "2026-01-10", "participants": "Moeder, ib'er", "parts": ["handelingsdeel", "uitstroomperspectief"],
            "parents_view": "Wij willen meer hulp bij lezen.", "agreements": "Samen lezen thuis."}
    response = client.post(url, data)
    assert response.status_code == 302
    meeting = OogoMeeting.objects.get()
    assert meeting.discussed_handelingsdeel and meeting.discussed_uitstroomperspectief
    assert "Wij willen meer hulp bij lezen." in client.get(page_url(opp)).content.decode()


def test_oogo_form_errors_are_shown_next_to_the_fields(client, world, sent):
    opp, _version = sent
    client.force_login(world.ib)
    response = client.post(reverse("consent:record_oogo", kwargs={"opp_uuid": opp.uuid}),
                           {"held_on": "2999-01-01", "participants": "Moeder"})
    assert response.status_code == 200
    errors = response.context["oogo_form"].errors
    assert {"held_on", "parts", "parents_view", "agreements"} <= set(errors)
    assert "Kies welk deel van het plan is besproken." in response.content.decode()
    assert not OogoMeeting.objects.exists()


def test_a_form_shown_again_with_its_errors_puts_the_cursor_on_its_first_error_only(client, world, sent):
    opp, _version = sent
    client.force_login(world.ib)
    oogo = client.post(reverse("consent:record_oogo", kwargs={"opp_uuid": opp.uuid}), {"participants": "Moeder"})
    hearing = client.post(reverse("consent:record_hearing", kwargs={"opp_uuid": opp.uuid}), {"about": "nu"})
    heard = client.post(reverse("consent:record_hearing", kwargs={"opp_uuid": opp.uuid}), {"about": "nu", "heard": "ja"})
    for response, first in ((oogo, 'name="held_on"'), (hearing, 'name="heard"'), (heard, 'name="heard_on"')):
        html = response.content.decode()
        assert html.count(" autofocus") == 1
        tag = html[html.rindex("<", 0, html.index(first)):html.index(">", html.index(first))]
        assert "autofocus" in tag, tag
    assert "Kies of de leerling is gehoord." in hearing.content.decode()


def test_a_form_posted_to_an_ended_plan_says_nothing_was_recorded(client, world, sent):
    """The page of an ended plan has no forms; an old tab or a replay must not get a page that silently saved
    nothing."""
    opp, _version = sent
    plan_services.end(user=world.ib, opp=opp, ended_on=timezone.localdate(), reason="Verhuisd.")
    client.force_login(world.ib)
    posts = {
        "record_oogo": {"held_on": timezone.localdate().isoformat(), "participants": "Moeder",
                        "parts": ["handelingsdeel"], "parents_view": "Goed.", "agreements": "Niets."},
        "record_hearing": {"about": "nu", "heard": "nee", "not_heard_reason": "Ziek."},
    }
    for name, data in posts.items():
        response = client.post(reverse(f"consent:{name}", kwargs={"opp_uuid": opp.uuid}), data, follow=True)
        assert "Niet vastgelegd: dit plan is beëindigd." in response.content.decode(), name
    assert not OogoMeeting.objects.exists() and not Hearing.objects.exists()


def test_an_ended_plan_asks_to_send_no_new_version_and_shows_no_empty_invitation_heading(client, world, sent):
    opp, _version = sent
    client.force_login(world.ib)
    send_first = "verstuur dan eerst de nieuwe versie vanaf de planpagina"
    invite = f"{world.pupil.first_name} zelf laten meedenken"
    html = client.get(page_url(opp)).content.decode()  # ter instemming: invite, nothing to send first
    assert invite in html and send_first not in html
    world.reopen(opp)  # changed after sending: send the new version first
    html = client.get(page_url(opp)).content.decode()
    assert invite in html and send_first in html
    opp.refresh_from_db()
    plan_services.end(user=world.ib, opp=opp, ended_on=timezone.localdate(), reason="Verhuisd.")
    html = client.get(page_url(opp)).content.decode()
    assert send_first not in html and invite not in html and 'id="leerling-uitnodigen"' not in html


def test_an_ended_plan_still_shows_when_the_pupil_was_invited_to_their_own_page(client, world, sent):
    opp, _version = sent
    world.pupil.email = "leerling@example.test"
    world.pupil.save()
    PupilInvitation.objects.create(pupil=world.pupil, email=world.pupil.email, kind=PupilInvitationKind.OWN_PAGE)
    plan_services.end(user=world.ib, opp=opp, ended_on=timezone.localdate(), reason="Verhuisd.")
    client.force_login(world.ib)
    html = client.get(page_url(opp)).content.decode()
    assert f"De eigen pagina van {world.pupil.first_name}" in html and "naar leerling@example.test" in html
    assert "zelf laten meedenken" not in html and "Leerling uitnodigen" not in html


def test_ib_records_a_hearing_or_why_the_pupil_was_not_heard(client, world, sent):
    opp, version = sent
    client.force_login(world.ib)
    url = reverse("consent:record_hearing", kwargs={"opp_uuid": opp.uuid})
    response = client.post(url, {"about": "nu", "heard": "ja", "heard_on": "2026-01-10", "method": "gesprek",
                                 "heard_by": "De ib'er"})
    assert "pupil_view" in response.context["hearing_form"].errors
    client.post(url, {"about": "nu", "heard": "ja", "heard_on": "2026-01-10", "method": "tekening",
                      "heard_by": "De ib'er", "pupil_view": "Ik vind lezen moeilijk.",
                      "school_response": "Extra leesmomenten."})
    response = client.post(url, {"about": "nu", "heard": "nee"})
    assert "not_heard_reason" in response.context["hearing_form"].errors
    client.post(url, {"about": "nu", "heard": "nee", "not_heard_reason": "Ziek in de periode van het gesprek."})
    heard, not_heard = Hearing.objects.order_by("pk")
    assert heard.heard and heard.version == version and heard.pupil_view == "Ik vind lezen moeilijk."
    assert not not_heard.heard and not_heard.not_heard_reason


def test_ib_asks_for_instemming_and_each_parent_gets_an_email(client, world, sent, django_capture_on_commit_callbacks):
    opp, version = sent
    client.force_login(world.ib)
    url = reverse("consent:request_instemming", kwargs={"opp_uuid": opp.uuid})
    response = client.post(url, {"reason": ""})
    assert "reason" in response.context["request_form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Nieuw plan"})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.mother.email, world.father.email])
    html = client.get(page_url(opp)).content.decode()
    assert html.count("nog niet geopend") == 2
    assert InstemmingRecipient.objects.filter(request__version=version).count() == 2


def test_the_school_sees_each_parents_state(client, world, sent):
    opp, version = sent
    request = world.ask(version)
    world.decide(request, world.mother, Decision.NIET_AKKOORD, reason="Te weinig hulp bij rekenen.")
    client.force_login(world.father)
    client.get(reverse("consent:plan", kwargs={"opp_uuid": opp.uuid}))
    client.force_login(world.ib)
    response = client.get(page_url(opp))
    states = {r.name: str(r.state_label) for r in response.context["recipients"]}
    assert states == {world.guardian(world.mother).full_name: "niet akkoord",
                      world.guardian(world.father).full_name: "geopend"}
    assert "Te weinig hulp bij rekenen." in response.content.decode()
    world.decide(request, world.father, Decision.GESPREK_GEWENST)
    world.decide(request, world.mother, Decision.AKKOORD)
    html = client.get(page_url(opp)).content.decode()
    assert "wil eerst een gesprek" in html and ">akkoord<" in html


def test_ib_sends_a_reminder(client, world, sent, django_capture_on_commit_callbacks):
    opp, version = sent
    request = world.ask(version)
    recipient = world.recipient(request, world.mother)
    client.force_login(world.ib)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("consent:send_reminder", kwargs={"recipient_uuid": recipient.uuid}))
    assert response.status_code == 302
    recipient.refresh_from_db()
    assert recipient.reminders_sent == 1
    assert "Herinnering" in mail.outbox[-1].subject and mail.outbox[-1].to == [world.mother.email]
    world.decide(request, world.mother)
    client.post(reverse("consent:send_reminder", kwargs={"recipient_uuid": recipient.uuid}))
    recipient.refresh_from_db()
    assert recipient.reminders_sent == 1  # no reminder after a decision


def test_school_leader_reads_but_cannot_record_overleg(client, world, sent):
    opp, _version = sent
    client.force_login(world.leader)
    response = client.get(page_url(opp))
    assert response.status_code == 200
    assert "Overleg vastleggen" not in response.content.decode()
    response = client.post(reverse("consent:record_oogo", kwargs={"opp_uuid": opp.uuid}), {
        "held_on": "2026-01-10", "participants": "Moeder", "parts": ["handelingsdeel"],
        "parents_view": "Goed.", "agreements": "Door."})
    assert response.status_code == 302
    assert not OogoMeeting.objects.exists()


def _paper(client, recipient, **data):
    data.setdefault("decision", Decision.AKKOORD)
    data.setdefault("how", "op_papier")
    data.setdefault("decided_on", "")
    return client.post(reverse("consent:paper_decision", kwargs={"recipient_uuid": recipient.uuid}), data)


def test_ib_records_a_decision_given_on_paper_with_a_scan(client, world, sent):
    opp, version = sent
    request = world.ask(version)
    recipient = world.recipient(request, world.father)
    client.force_login(world.ib)
    from django.utils import timezone

    response = _paper(client, recipient, decided_on=timezone.localdate().isoformat(),
                      scan=SimpleUploadedFile("formulier.pdf", PDF, content_type="application/pdf"))
    assert response.status_code == 302, response.context["form"].errors
    decision = InstemmingDecision.objects.get()
    assert decision.how == "op_papier" and decision.recorded_by == world.ib and decision.decided_by is None
    assert decision.scan.name.endswith(".pdf") and str(decision.uuid) in decision.scan.name
    html = client.get(page_url(opp)).content.decode()
    scan_url = reverse("consent:decision_scan", kwargs={"decision_uuid": decision.uuid})
    assert scan_url in html and "/media/" not in html
    response = client.get(scan_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    # The father himself may see the scan of his own decision; outsiders get a 404.
    client.force_login(world.father)
    assert client.get(scan_url).status_code == 200
    for user in [world.mother, *outsiders(world)[:3]]:
        client.force_login(user)
        assert client.get(scan_url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("formulier.docx", b"PK\x03\x04", "Kies een PDF, JPEG of PNG"),
        ("formulier.pdf", b"<html>not a pdf</html>", "geen echte PDF"),
        ("formulier.png", PNG + b"\x00" * (MAX_SCAN_BYTES + 1), "groter dan 10 MB"),
    ],
)
def test_a_wrong_scan_is_refused_next_to_the_field(client, world, sent, name, content, message):
    _opp, version = sent
    request = world.ask(version)
    recipient = world.recipient(request, world.father)
    client.force_login(world.ib)
    from django.utils import timezone

    response = _paper(client, recipient, decided_on=timezone.localdate().isoformat(),
                      scan=SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert "scan" in response.context["form"].errors
    assert message in response.content.decode()
    assert not InstemmingDecision.objects.exists()


def test_a_paper_akkoord_without_the_scan_is_refused_next_to_the_field(client, world, sent):
    from django.utils import timezone

    opp, version = sent
    recipient = world.recipient(world.ask(version), world.father)
    client.force_login(world.ib)
    response = _paper(client, recipient, decided_on=timezone.localdate().isoformat())
    assert response.status_code == 200
    assert "scan" in response.context["form"].errors
    assert response.context["form"].fields["scan"].widget.attrs.get("autofocus")
    assert not InstemmingDecision.objects.exists()


def test_a_paper_refusal_needs_the_reason(client, world, sent):
    _opp, version = sent
    request = world.ask(version)
    client.force_login(world.ib)
    from django.utils import timezone

    response = _paper(client, world.recipient(request, world.mother), decision=Decision.NIET_AKKOORD,
                      decided_on=timezone.localdate().isoformat())
    assert "reason" in response.context["form"].errors
    assert not InstemmingDecision.objects.exists()


def test_the_page_shows_per_parent_whether_the_mail_is_on_its_way_sent_or_failed_and_offers_to_ask_again(
        client, world, sent):
    from consent.emails import mail_topic
    from opp_portal.outbox.models import MailStatus, OutgoingEmail

    opp, version = sent
    request = world.ask(version)
    client.force_login(world.ib)
    html = client.get(page_url(opp)).content.decode()
    assert html.count("wordt verstuurd") == 2 and 'action="' + reverse(
        "consent:request_instemming", kwargs={"opp_uuid": opp.uuid}) + '"' not in html
    mother = world.recipient(request, world.mother)
    OutgoingEmail.objects.filter(topic=mail_topic(mother)).update(status=MailStatus.FAILED)
    html = client.get(page_url(opp)).content.decode()
    assert "mislukt" in html and "wordt verstuurd" in html
    assert reverse("consent:request_instemming", kwargs={"opp_uuid": opp.uuid}) in html
