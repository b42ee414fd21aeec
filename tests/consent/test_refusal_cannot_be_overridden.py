"""A parent's refusal cannot be overridden (issue 8, item 3; rules 2-4): the school tries every route it has (the
paper form, backdated or without the signed form; the admin at /beheer/; replaying a POST; deciding as the parent)
and the refusal still stands, the plan cannot be adopted, and the parent's page still says she refused."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from consent.models import Decision, InstemmingDecision
from plans import services as plan_services
from plans.models import OppStatus
from plans.requirements import checklist
from schools.models import Guardian, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def refused(world):
    """OOGO, hearing, the father agreed; the mother refused online this morning."""
    opp, version = world.sent()
    world.oogo(opp)
    world.hear(opp)
    request = world.ask(version)
    world.decide(request, world.father)
    refusal = world.decide(request, world.mother, Decision.NIET_AKKOORD, "Wij willen ook hulp bij rekenen.")
    return opp, version, request, refusal


def paper_url(recipient):
    return reverse("consent:paper_decision", kwargs={"recipient_uuid": recipient.uuid})


def assert_refusal_stands(world, opp, refusal, client):
    row = refusal.recipient
    row.refresh_from_db()
    assert row.latest_decision == refusal
    assert not next(i for i in checklist(opp) if i.key == "instemming").met
    with pytest.raises(plan_services.AdoptionBlocked):
        plan_services.adopt(user=world.leader, opp=opp)
    opp.refresh_from_db()
    assert opp.status == OppStatus.TER_INSTEMMING
    client.force_login(world.mother)
    html = client.get(reverse("consent:plan", kwargs={"opp_uuid": opp.uuid})).content.decode()
    assert "niet akkoord met versie" in html


def test_a_backdated_paper_akkoord_through_the_form_is_refused(client, world, refused, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    opp, version, request, refusal = refused
    client.force_login(world.ib)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    for day in (yesterday, timezone.localdate().isoformat()):
        response = client.post(paper_url(refusal.recipient), {
            "decision": Decision.AKKOORD, "how": "op_papier", "decided_on": day,
            "scan": SimpleUploadedFile("formulier.pdf", PDF, content_type="application/pdf")})
        assert response.status_code == 200
        assert response.context["form"].errors
    assert InstemmingDecision.objects.filter(recipient=refusal.recipient).count() == 1
    assert_refusal_stands(world, opp, refusal, client)


def test_a_paper_akkoord_without_the_signed_form_is_refused(client, world, refused):
    opp, version, request, refusal = refused
    client.force_login(world.leader)
    response = client.post(paper_url(refusal.recipient), {
        "decision": Decision.AKKOORD, "how": "in_gesprek", "decided_on": timezone.localdate().isoformat()})
    assert "scan" in response.context["form"].errors
    assert_refusal_stands(world, opp, refusal, client)


def test_the_admin_offers_no_way_to_add_or_change_a_decision(client, world, refused):
    opp, version, request, refusal = refused
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for path in ("consent/instemmingdecision/", "consent/instemmingdecision/add/",
                 f"consent/instemmingdecision/{refusal.pk}/change/", "consent/instemmingrecipient/",
                 "consent/unreachability/add/", "schools/guardian/"):
        assert client.get(f"/beheer/{path}").status_code == 404, path
    assert_refusal_stands(world, opp, refusal, client)


def test_underneath_the_admin_the_database_refuses_to_change_or_delete_a_decision(
        postgresql, client, world, refused):
    """The append-only triggers are PostgreSQL's (skipped locally on SQLite, run in CI)."""
    opp, version, request, refusal = refused
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for statement in ("UPDATE consent_instemmingdecision SET decision = 'akkoord' WHERE id = %s",
                      "DELETE FROM consent_instemmingdecision WHERE id = %s"):
        with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [refusal.pk])
    assert_refusal_stands(world, opp, refusal, client)


def test_the_admin_cannot_give_itself_a_parents_sign_in(client, world, refused):
    """A password the administrator sets (parents need no second factor) would let them decide as the parent."""
    opp, version, request, refusal = refused
    admin_user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin_user)
    mother = world.mother
    response = client.post(f"/beheer/schools/user/{mother.pk}/password/", {
        "password1": "Overgenomen-2026!x", "password2": "Overgenomen-2026!x", "usable_password": "true"})
    assert response.status_code == 302
    mother.refresh_from_db()
    assert not mother.check_password("Overgenomen-2026!x")
    # Nor an account made with, or moved to, the address the school recorded for a parent (here the father's
    # record gets an address nobody has signed in with yet).
    Guardian.objects.filter(user=world.father).update(email="vader.nieuw@example.test", user=None)
    response = client.post("/beheer/schools/user/add/", {
        "email": "vader.nieuw@example.test", "full_name": "Vader", "usable_password": "true",
        "password1": "Overgenomen-2026!x", "password2": "Overgenomen-2026!x",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"})
    assert response.status_code == 200 and "email" in response.context["adminform"].form.errors
    response = client.post(f"/beheer/schools/user/{admin_user.pk}/change/", {
        "email": "vader.nieuw@example.test", "full_name": "Beheer", "is_active": "on", "is_staff": "on",
        "is_superuser": "on", "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"})
    assert response.status_code == 200 and "email" in response.context["adminform"].form.errors
    assert not User.objects.filter(email="vader.nieuw@example.test").exists()
    assert_refusal_stands(world, opp, refusal, client)


def test_a_replayed_post_does_not_override_the_refusal(client, world, refused):
    opp, version, request, refusal = refused
    # The ib replays the mother's own decision form with the ib's session: not her plan to decide on.
    client.force_login(world.ib)
    decide = reverse("consent:decide", kwargs={"opp_uuid": opp.uuid})
    assert client.post(decide, {"decision": Decision.AKKOORD}).status_code == 404
    # The father replays it with his: it is his own decision that is recorded, never hers.
    client.force_login(world.father)
    client.post(decide, {"decision": Decision.AKKOORD, "version": version.uuid})
    assert not InstemmingDecision.objects.filter(recipient=refusal.recipient, decided_by=world.father).exists()
    # A paper akkoord posted (and replayed) before the refusal was given, dated before it.
    client.force_login(world.ib)
    data = {"decision": Decision.AKKOORD, "how": "op_papier",
            "decided_on": timezone.localdate().isoformat(),
            "scan": SimpleUploadedFile("formulier.pdf", PDF, content_type="application/pdf")}
    assert client.post(paper_url(refusal.recipient), data).status_code == 200
    # The leader replays the adoption.
    client.force_login(world.leader)
    client.post(reverse("plans:adopt", kwargs={"opp_uuid": opp.uuid}))
    assert_refusal_stands(world, opp, refusal, client)
