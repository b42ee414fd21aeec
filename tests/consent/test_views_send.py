"""'Versie vastleggen en ter instemming voorleggen': the preview of who is asked and how, the one step that
freezes and asks (or does neither), and who may take it. Covers consent/views/send.py, consent/sending.py and
consent/services/sending.py."""

import pytest
from django.core import mail
from django.urls import reverse

from consent import services
from consent.models import InstemmingRecipient, InstemmingRequest
from opp_portal.audit.models import AuditEvent
from plans.models import OppStatus, OppVersion
from schools.models import Guardian, Guardianship
from tests.factories import SchoolFactory, enrolled_pupil, parent_of, staff

pytestmark = pytest.mark.django_db


def send_url(opp):
    return reverse("consent:send", kwargs={"opp_uuid": opp.uuid})


def plan_url(opp):
    return reverse("plans:draft", kwargs={"opp_uuid": opp.uuid})


@pytest.fixture
def draft(world):
    return world.fill(world.start())


def without_email(world, user):
    Guardian.objects.filter(user=user).update(email="", user=None)


def test_the_preview_says_which_version_and_who_is_asked_online_or_on_paper(client, world, draft):
    without_email(world, world.father)
    client.force_login(world.ib)
    body = client.get(send_url(draft)).content.decode()
    mother, father = Guardian.objects.get(user=world.mother), Guardianship.objects.get(
        pupil=world.pupil, guardian__email="").guardian
    assert "wordt vastgelegd als versie 1" in body
    assert f"online: een e-mail met een link naar {mother.email}" in body
    assert father.full_name in body and "op papier: geen e-mailadres bekend" in body
    assert "Versie 1 vastleggen en ter instemming voorleggen" in body
    draft.refresh_from_db()
    assert draft.status == OppStatus.CONCEPT and not OppVersion.objects.exists()  # a preview changes nothing


def test_one_step_freezes_asks_everyone_and_says_exactly_what_happened(
    client, world, draft, django_capture_on_commit_callbacks
):
    without_email(world, world.father)
    client.force_login(world.ib)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(send_url(draft), {"revision": draft.revision, "reason": "Nieuw plan"}, follow=True)
    body = response.content.decode()
    mother = Guardian.objects.get(user=world.mother)
    assert "Versie 1 is vastgelegd en ter instemming voorgelegd." in body
    assert f"Een e-mail met een link naar het portaal wordt verstuurd aan {mother.full_name} ({mother.email})." in body
    assert "Op papier vragen:" in body
    draft.refresh_from_db()
    version = draft.latest_version
    assert draft.status == OppStatus.TER_INSTEMMING and version.number == 1
    assert InstemmingRecipient.objects.filter(request__version=version).count() == 2
    assert [m.to for m in mail.outbox] == [[mother.email]]
    actions = set(AuditEvent.objects.filter(pupil_id=draft.pupil_id).values_list("action", flat=True))
    assert {"opp.version_frozen", "instemming.requested"} <= actions


def test_the_preview_says_where_the_parents_read_the_reason_and_the_mail_indeed_leaves_it_out(
    client, world, draft, django_capture_on_commit_callbacks
):
    """The reason is shown with the plan in the portal, never in the mail: the page must not promise otherwise."""
    client.force_login(world.ib)
    body = client.get(send_url(draft)).content.decode()
    assert "alleen de reden hieronder" not in body and "Staat in de e-mail" not in body
    assert "De reden hieronder lezen de ouders bij het plan in het portaal." in body
    assert "De ouders lezen dit bij het plan in het portaal (niet in de e-mail)." in body
    reason = "Aangepast na het gesprek van dinsdag"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send_url(draft), {"revision": draft.revision, "reason": reason})
    assert mail.outbox and all(reason not in message.body for message in mail.outbox)
    client.force_login(world.mother)
    assert reason in client.get(reverse("consent:plan", kwargs={"opp_uuid": draft.uuid})).content.decode()


def test_before_anything_was_sent_the_consent_pages_point_to_the_one_step_send(client, world, draft):
    client.force_login(world.ib)
    for url in (plan_url(draft), reverse("consent:school", kwargs={"opp_uuid": draft.uuid})):
        body = client.get(url).content.decode()
        assert "Versie vastleggen en ter instemming voorleggen" in body
        assert "Verstuur het plan eerst" not in body and "zodra een versie naar de ouders is verstuurd" not in body


def test_when_asking_fails_nothing_is_frozen_either(client, world, draft):
    Guardianship.objects.filter(pupil=world.pupil).update(has_gezag=False)
    client.force_login(world.ib)
    assert "Er is geen ouder met gezag bekend" in client.get(send_url(draft)).content.decode()
    response = client.post(send_url(draft), {"revision": draft.revision, "reason": "Nieuw plan"})
    assert response.status_code == 400
    assert "Er is niets vastgelegd of verstuurd" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == OppStatus.CONCEPT and not OppVersion.objects.exists()
    assert not InstemmingRequest.objects.exists()


def test_an_incomplete_plan_is_not_offered_and_a_post_freezes_nothing(client, world):
    opp = world.start()
    client.force_login(world.ib)
    body = client.get(send_url(opp)).content.decode()
    assert "Het plan is nog niet compleet" in body and 'name="reason"' not in body
    response = client.post(send_url(opp), {"revision": opp.revision, "reason": "Nieuw plan"})
    assert response.status_code == 400 and not OppVersion.objects.exists()


def test_a_reason_is_required_next_to_its_field(client, world, draft):
    client.force_login(world.ib)
    response = client.post(send_url(draft), {"revision": draft.revision, "reason": ""})
    assert response.status_code == 400
    errors = response.content.decode().split('id="reason_errors"')[1].split("</div>")[0]
    assert "Geef de reden van het verzoek" in errors
    assert not OppVersion.objects.exists()


def test_a_stale_revision_freezes_nothing(client, world, draft):
    client.force_login(world.ib)
    response = client.post(send_url(draft), {"revision": draft.revision - 1, "reason": "Nieuw plan"}, follow=True)
    assert "Er is niets vastgelegd of verstuurd" in response.content.decode()
    assert not OppVersion.objects.exists()


def test_sending_the_same_content_again_asks_nobody_twice(client, world, draft, django_capture_on_commit_callbacks):
    first = world.send_and_ask(draft)
    world.reopen(draft, reason="Toch niets veranderd.")
    draft.refresh_from_db()
    client.force_login(world.ib)
    body = client.get(send_url(draft)).content.decode()
    assert "ligt weer ter instemming voor" in body and "al gevraagd over deze versie" in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(send_url(draft), {"revision": draft.revision, "reason": "Opnieuw"}, follow=True)
    assert "Versie 1 ligt weer ter instemming" in response.content.decode()
    assert InstemmingRequest.objects.count() == 1 and mail.outbox == []
    draft.refresh_from_db()
    assert draft.status == OppStatus.TER_INSTEMMING and draft.latest_version == first.version


@pytest.mark.parametrize("school_type", ["so", "vso"])
def test_so_and_vso_ask_whether_a_new_version_is_a_substantial_change(client, world_for, school_type):
    w = world_for(school_type)
    opp = w.fill(w.start())
    client.force_login(w.ib)
    assert "ingrijpende wijziging" not in client.get(send_url(opp)).content.decode()  # a first version
    w.send_and_ask(opp)
    w.change(opp, {"support_and_guidance": "Een uur meer."})
    opp.refresh_from_db()
    assert "Is dit een ingrijpende wijziging?" in client.get(send_url(opp)).content.decode()
    response = client.post(send_url(opp), {"revision": opp.revision, "reason": "Aangepast"})
    assert response.status_code == 400 and "Kies of de wijziging ingrijpend is" in response.content.decode()
    client.post(send_url(opp), {"revision": opp.revision, "reason": "Aangepast", "substantial": "nee"})
    assert opp.versions.get(number=2).substantial_change is False


def test_the_plan_page_has_no_send_step_for_a_plan_already_sent(client, world, draft):
    world.send_and_ask(draft)
    client.force_login(world.ib)
    response = client.get(send_url(draft), follow=True)
    assert "al vastgelegd en voorgelegd" in response.content.decode()
    assert response.redirect_chain[-1][0] == plan_url(draft)


@pytest.mark.parametrize("role", ["school_leader", "teacher"])
def test_only_the_ib_sends(client, world, draft, role):
    user = world.leader if role == "school_leader" else staff("teacher", school=world.school, groups="5")
    client.force_login(user)
    response = client.post(send_url(draft), {"revision": draft.revision, "reason": "Nieuw plan"})
    assert response.status_code in (302, 404)
    assert not OppVersion.objects.exists()


def test_outsiders_get_a_404_and_nothing_happens(client, world, draft):
    for user in (staff("ib", school=SchoolFactory()), parent_of(enrolled_pupil(world.school)), world.mother,
                 staff("board_admin", board=world.school.board)):
        client.force_login(user)
        assert client.get(send_url(draft)).status_code == 404
        assert client.post(send_url(draft), {"revision": draft.revision, "reason": "x"}).status_code == 404
    assert not OppVersion.objects.exists()


def test_the_service_freezes_and_asks_in_one_transaction(world, draft):
    sent = services.send_for_instemming(user=world.ib, opp=draft, expected_revision=draft.revision, reason="Nieuw")
    assert sent.new_version and sent.version.number == 1 and len(sent.recipients) == 2
    assert {r.party for r in sent.recipients} == {("guardian", g.pk) for g in Guardian.objects.filter(
        user__in=[world.mother, world.father])}
