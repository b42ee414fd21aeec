"""The pupil's own plan: child-friendly words, "Hoe denk jij erover?", nothing else; the adult pupil decides."""

import pytest
from django.urls import reverse

from consent.models import Decision, Hearing, HearingSource, InstemmingDecision
from opp_portal.audit.actions import Action
from opp_portal.audit.service import record
from tests.factories import enrolled_pupil, parent_of, pupil_account

pytestmark = pytest.mark.django_db


def asked_adult_signed_in(client, world):
    """The pupil is 18, asked for instemming on their sent plan, and signed in: (plan, version)."""
    world.make_adult()
    user = pupil_account(world.pupil)
    opp, version = world.sent()
    world.ask(version)
    client.force_login(user)
    return opp, version


def pupil_url(opp):
    return reverse("consent:pupil_plan", kwargs={"opp_uuid": opp.uuid})


def test_pupil_sees_their_own_plan_in_child_friendly_words(client, world):
    opp, _version = world.sent()
    user = pupil_account(world.pupil)
    client.force_login(user)
    response = client.get(pupil_url(opp))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dit gaat de school doen om je te helpen" in html
    assert "Waar werk je aan?" in html
    assert "Hoe denk jij erover?" in html
    assert 'name="decision"' not in html  # a child does not decide
    assert client.get(reverse("consent:child", kwargs={"pupil_uuid": world.pupil.uuid}))["Location"] == pupil_url(opp)


def test_pupils_answer_lands_in_the_hearing_record(client, world):
    opp, version = world.sent()
    client.force_login(pupil_account(world.pupil))
    response = client.post(pupil_url(opp), {"text": ""})
    assert "text" in response.context["form"].errors
    client.post(pupil_url(opp), {"text": "Ik wil graag in een klein groepje lezen."})
    hearing = Hearing.objects.get()
    assert hearing.source == HearingSource.PUPIL and hearing.version == version
    assert hearing.pupil_view == "Ik wil graag in een klein groepje lezen."
    client.force_login(world.ib)
    assert "Ik wil graag in een klein groepje lezen." in client.get(
        reverse("consent:school", kwargs={"opp_uuid": opp.uuid})).content.decode()


def test_a_pupil_sees_only_their_own_plan(client, world):
    opp, version = world.sent()
    request = world.ask(version)
    other = enrolled_pupil(world.school)
    other_opp = world.fill(world.start(pupil=other))
    world.send(other_opp)
    client.force_login(pupil_account(world.pupil))
    assert client.get(pupil_url(other_opp)).status_code == 404
    assert client.post(pupil_url(other_opp), {"text": "x"}).status_code == 404
    # The parents' pages and the school's pages are not the pupil's.
    assert client.get(reverse("consent:plan", kwargs={"opp_uuid": opp.uuid})).status_code == 404
    assert client.get(reverse("consent:log", kwargs={"pupil_uuid": world.pupil.uuid})).status_code == 404
    assert client.get(reverse("consent:school", kwargs={"opp_uuid": opp.uuid})).status_code == 404
    assert client.get(reverse("consent:request", kwargs={"request_uuid": request.uuid})).status_code == 404
    assert client.get(reverse("consent:child", kwargs={"pupil_uuid": other.uuid})).status_code == 404
    # A child does not decide: posting anyway records nothing and leads back to their own page.
    response = client.post(reverse("consent:decide", kwargs={"opp_uuid": opp.uuid}),
                           {"decision": Decision.AKKOORD, "version": version.uuid})
    assert response.status_code == 302 and response["Location"] == pupil_url(opp)
    assert not InstemmingDecision.objects.exists()
    assert client.post(reverse("consent:decide", kwargs={"opp_uuid": other_opp.uuid}),
                       {"decision": Decision.AKKOORD}).status_code == 404


def test_a_parent_cannot_open_the_pupil_page(client, world):
    opp, _version = world.sent()
    client.force_login(world.mother)
    assert client.get(pupil_url(opp)).status_code == 404


def test_the_adult_pupil_decides_on_their_own_page(client, world):
    world.make_adult()
    user = pupil_account(world.pupil)
    opp, version = world.sent()
    request = world.ask(version)
    client.force_login(user)
    response = client.get(reverse("consent:request", kwargs={"request_uuid": request.uuid}))
    assert response["Location"] == pupil_url(opp)
    html = client.get(pupil_url(opp)).content.decode()
    assert 'name="decision"' in html
    client.post(reverse("consent:decide", kwargs={"opp_uuid": opp.uuid}),
                {"decision": Decision.AKKOORD, "version": str(version.uuid)})
    decision = InstemmingDecision.objects.get()
    assert decision.recipient.pupil_id == world.pupil.pk and decision.decided_by == user
    # The parents are not asked any more.
    client.force_login(world.mother)
    assert 'name="decision"' not in client.get(reverse("consent:plan", kwargs={"opp_uuid": opp.uuid})).content.decode()


def test_the_adult_pupils_decision_block_speaks_to_them_as_je_and_the_parents_keep_u(client, world):
    opp, version = asked_adult_signed_in(client, world)
    html = " ".join(client.get(pupil_url(opp)).content.decode().split())
    assert "Jouw besluit" in html and "Ga je akkoord met wat de school gaat doen" in html
    assert "Verplicht als je niet akkoord gaat" in html
    for polite in ("Uw besluit", "Gaat u akkoord", "Verplicht als u", "U hebt op", "Denkt u"):
        assert polite not in html
    response = client.post(reverse("consent:decide", kwargs={"opp_uuid": opp.uuid}),
                           {"decision": Decision.NIET_AKKOORD, "version": str(version.uuid)})
    html = " ".join(response.content.decode().split())  # shown again: the reason is missing
    assert "Schrijf op waarom je niet akkoord gaat" in html and "waarom u niet" not in html
    response = client.post(reverse("consent:decide", kwargs={"opp_uuid": opp.uuid}), {
        "decision": Decision.GESPREK_GEWENST, "version": str(version.uuid)}, follow=True)
    html = " ".join(response.content.decode().split())
    assert "Je besluit is bewaard: je wilt eerst een gesprek" in html and "Je wilt eerst een gesprek (sinds" in html
    assert "Je hebt op" in html and "Jouw besluiten tot nu toe" in html and "Denk je er nu anders over?" in html
    for polite in ("Uw besluit", "U wilt", "U hebt op", "Komt u er", "contact met u op"):
        assert polite not in html
    # A parent's page of a younger child keeps "u".
    other = enrolled_pupil(world.school)
    parent_of_other = parent_of(other)
    other_opp = world.fill(world.start(pupil=other))
    world.ask(world.send(other_opp))
    client.force_login(parent_of_other)
    html = " ".join(client.get(reverse("consent:plan", kwargs={"opp_uuid": other_opp.uuid})).content.decode().split())
    assert "Uw besluit" in html and "Gaat u akkoord" in html and "Verplicht als u niet akkoord gaat" in html
    assert "Jouw besluit" not in html


def test_an_adult_pupil_who_refused_lands_on_the_state_and_where_to_get_help(client, world):
    opp, version = asked_adult_signed_in(client, world)
    response = client.post(reverse("consent:decide", kwargs={"opp_uuid": opp.uuid}), {
        "decision": Decision.NIET_AKKOORD, "reason": "Ik wil een andere stage.", "version": str(version.uuid)})
    assert response["Location"] == pupil_url(opp)  # the top of the page, where the banner is
    html = client.get(pupil_url(opp)).content.decode()  # and when they come back
    assert "niet akkoord met versie 1" in html
    assert "Hier krijg je gratis hulp" in html and "Geschillencommissie passend onderwijs" in html


def test_a_pupil_reads_who_at_the_school_opened_their_plan_and_only_their_own_log(client, world):
    opp, _version = world.sent()
    client.force_login(world.ib)
    client.get(reverse("plans:draft", kwargs={"opp_uuid": opp.uuid}))
    record(actor=world.ib, action=Action.PUPIL_UPDATED, obj=world.pupil, on_behalf_of=f"school:{world.school.code}",
           pupil_id=world.pupil.pk)
    client.force_login(world.mother)  # a parent's own steps are theirs, not the pupil's to read
    client.get(reverse("consent:plan", kwargs={"opp_uuid": opp.uuid}))
    client.force_login(pupil_account(world.pupil))
    log_url = reverse("consent:pupil_log", kwargs={"pupil_uuid": world.pupil.uuid})
    assert log_url in client.get(pupil_url(opp)).content.decode()
    response = client.get(log_url)
    assert response.status_code == 200
    rows = response.context["page"].rows
    assert (world.ib.get_full_name(), "bekeek het plan") in [(r.who, r.what) for r in rows]
    assert world.mother.get_full_name() not in [r.who for r in rows]
    assert "Wie heeft mijn plan bekeken" in response.content.decode()
    # In the words of the pupil's pages: never "uw kind".
    assert "wijzigde je gegevens" in [r.what for r in rows]
    assert not [r.what for r in rows if "uw kind" in r.what]
    other = enrolled_pupil(world.school)
    assert client.get(reverse("consent:pupil_log", kwargs={"pupil_uuid": other.uuid})).status_code == 404
    # A parent reads the child's log on the parents' page, not on the pupil's.
    client.force_login(world.mother)
    assert client.get(log_url).status_code == 404


def test_only_the_adult_pupil_gets_the_plan_as_a_pdf_on_their_page(client, world):
    opp, version = world.sent()
    client.force_login(pupil_account(world.pupil))
    pdf_url = reverse("plans:version_pdf", kwargs={"version_uuid": version.uuid})
    assert pdf_url not in client.get(pupil_url(opp)).content.decode()
    world.make_adult()
    assert pdf_url in client.get(pupil_url(opp)).content.decode()
    response = client.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
