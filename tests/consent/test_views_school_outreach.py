"""The school's pages for reaching the family (consent/views/school_outreach.py, consent/views/notices.py): an
unreachable guardian recorded and confirmed, the pupil invited, the notices, and "vraag op papier of voeg een
e-mailadres toe" on the consent page."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consent import services
from consent.models import Decision, StaffNotice, Unreachability
from schools.models import Guardian
from tests.factories import SchoolFactory, enrolled_pupil, parent_of, staff

from .factories import family_without_accounts

pytestmark = pytest.mark.django_db


def page_url(opp):
    return reverse("consent:school", kwargs={"opp_uuid": opp.uuid})


@pytest.fixture
def half(world):
    opp, version = world.sent()
    request = world.ask(version)
    world.decide(request, world.mother)
    services.send_reminder(user=world.ib, recipient=world.recipient(request, world.father))
    return opp, request, world.recipient(request, world.father)


def outsiders(world):
    return [staff("ib", school=SchoolFactory()), staff("teacher", school=world.school, groups="5"),
            parent_of(enrolled_pupil(world.school)), world.mother]


def test_the_ib_records_an_unreachable_guardian_and_a_leader_confirms_it(client, world, half):
    opp, _request, father = half
    url = reverse("consent:record_unreachable", kwargs={"recipient_uuid": father.uuid})
    client.force_login(world.ib)
    response = client.post(url, {"reason": "geen_reactie", "attempts": ""})
    assert response.status_code == 200 and "attempts" in response.context["form"].errors
    assert response.context["form"].fields["attempts"].widget.attrs.get("autofocus")
    # "anders" says why.
    response = client.post(url, {"reason": "anders", "attempts": "Twee mails, een brief, drie keer gebeld."})
    assert response.status_code == 200 and "Schrijf op waarom de ouder niet bereikbaar is." in response.content.decode()
    assert not Unreachability.objects.exists()
    response = client.post(url, {"reason": "geen_reactie", "attempts": "Twee mails, een brief, drie keer gebeld."})
    assert response.status_code == 302
    item = Unreachability.objects.get()
    html = client.get(page_url(opp)).content.decode()
    assert "wacht op bevestiging door een schoolleider" in html
    confirm = reverse("consent:confirm_unreachable", kwargs={"unreachability_uuid": item.uuid})
    client.post(confirm)  # the ib cannot confirm
    item.refresh_from_db()
    assert item.confirmed_at is None
    client.force_login(world.leader)
    assert StaffNotice.objects.visible_to(world.leader).unread().exists()
    assert client.post(confirm).status_code == 302
    item.refresh_from_db()
    assert item.confirmed_by == world.leader
    assert "Niet bereikbaar, bevestigd door" in client.get(page_url(opp)).content.decode()


def test_outsiders_get_404_on_the_outreach_pages(client, world, half):
    opp, _request, father = half
    item = Unreachability.objects.create(recipient=father, reason="anders", attempts="x", recorded_by=world.ib)
    for user in outsiders(world):
        client.force_login(user)
        assert client.get(reverse("consent:record_unreachable", kwargs={"recipient_uuid": father.uuid})).status_code \
            == 404
        for name in ("confirm_unreachable", "withdraw_unreachable"):
            assert client.post(reverse(f"consent:{name}", kwargs={"unreachability_uuid": item.uuid})).status_code \
                == 404
        assert client.post(reverse("consent:invite_pupil", kwargs={"opp_uuid": opp.uuid})).status_code == 404
    item.refresh_from_db()
    assert item.withdrawn_at is None and item.confirmed_at is None


def test_a_guardian_without_an_email_is_shown_as_ask_on_paper_or_add_an_address(client, world):
    pupil, (with_email, without), opp, version = family_without_accounts(world)
    Guardian.objects.filter(pk=without.pk).update(email="")
    client.force_login(world.ib)
    html = client.get(page_url(opp)).content.decode()
    assert "vraag op papier of" in html and "voeg een e-mailadres toe" in html  # before asking: the preview
    edit = reverse("schools:guardian_edit", kwargs={"pupil_uuid": pupil.uuid, "guardian_uuid": without.uuid})
    assert edit in html
    response = client.post(reverse("consent:request_instemming", kwargs={"opp_uuid": opp.uuid}),
                           {"reason": "Nieuw plan"}, follow=True)
    html = response.content.decode()
    assert "vraag op papier of voeg een e-mailadres toe" in html and edit in html


def test_the_ib_invites_the_pupil_to_their_own_page(client, world, django_capture_on_commit_callbacks):
    opp, _version = world.sent()
    pupil = world.pupil
    pupil.date_of_birth = timezone.localdate().replace(year=timezone.localdate().year - 9)
    pupil.save()
    client.force_login(world.ib)
    html = client.get(page_url(opp)).content.decode()
    assert "Van de leerling is geen e-mailadres bekend" in html
    pupil.email = "kind@example.test"
    pupil.save()
    url = reverse("consent:invite_pupil", kwargs={"opp_uuid": opp.uuid})
    response = client.post(url, {})
    assert response.status_code == 200 and "younger_by_choice" in response.context["invite_form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"younger_by_choice": "on"}).status_code == 302
    assert [m.to for m in mail.outbox] == [["kind@example.test"]]
    assert "Uitgenodigd op" in client.get(page_url(opp)).content.decode()


def test_notices_show_a_refusal_until_the_ib_opens_the_plan(client, world):
    opp, version = world.sent()
    request = world.ask(version)
    world.decide(request, world.mother, Decision.NIET_AKKOORD, "Niet eens.")
    client.force_login(world.ib)
    html = client.get(reverse("consent:notices")).content.decode()
    assert world.pupil.full_name in html and "Een ouder gaat niet akkoord" in html and "nieuw" in html
    assert "Meldingen" in html and 'text-bg-warning">1' in html
    client.get(page_url(opp))
    assert not StaffNotice.objects.visible_to(world.ib).unread().exists()
    client.force_login(staff("ib", school=SchoolFactory()))
    assert world.pupil.full_name not in client.get(reverse("consent:notices")).content.decode()
    client.force_login(world.mother)
    assert "Meldingen" not in client.get(reverse("schools:my_children")).content.decode()


def test_no_answer_before_any_reminder_is_refused_next_to_the_reason(client, world):
    opp, version = world.sent()
    request = world.ask(version)
    world.decide(request, world.mother)
    father = world.recipient(request, world.father)
    client.force_login(world.ib)
    response = client.post(reverse("consent:record_unreachable", kwargs={"recipient_uuid": father.uuid}),
                           {"reason": "geen_reactie", "attempts": "Eén mail gestuurd."})
    assert response.status_code == 200
    assert "nog geen herinnering" in " ".join(response.context["form"].errors["reason"])
    assert not Unreachability.objects.exists()
