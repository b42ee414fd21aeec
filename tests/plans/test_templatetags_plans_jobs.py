"""The leader's overview says plainly what failed or is stuck in the background at their school."""

import pytest
from django.urls import reverse
from django.utils import timezone

from opp_portal.outbox.models import MailStatus, OutgoingEmail
from plans.models import PdfRendering, PdfStatus

from .factories import PlanWorld

pytestmark = pytest.mark.django_db


def test_all_well_shows_nothing(client, world):
    client.force_login(world.leader)
    assert 'data-testid="background-problems"' not in client.get(reverse("plans:overview")).content.decode()


def test_a_failed_pdf_and_failed_mail_of_the_school_are_named_with_where_to_act(client, world):
    _opp, version = world.sent()
    PdfRendering.objects.create(version=version, content_hash=version.content_hash, status=PdfStatus.FAILED,
                                finished_at=timezone.now())
    OutgoingEmail.objects.create(subject="s", from_email="a@example.test", to=["b@example.test"],
                                 school_id=world.school.pk, status=MailStatus.FAILED, next_attempt_at=timezone.now())
    other = PlanWorld("bao")
    OutgoingEmail.objects.create(subject="s", from_email="a@example.test", to=["c@example.test"],
                                 school_id=other.school.pk, status=MailStatus.FAILED, next_attempt_at=timezone.now())
    client.force_login(world.leader)
    html = client.get(reverse("plans:overview")).content.decode()
    assert 'data-testid="background-problems"' in html
    assert world.pupil.full_name in html and reverse("plans:version_pdf", kwargs={"version_uuid": version.uuid}) in html
    assert "1 e-mail aan ouders is na alle pogingen niet verstuurd." in html
    assert reverse("outbox:page") in html
    client.force_login(world.ib)  # the ib is told who can send it again; the outbox page is not theirs
    html = client.get(reverse("plans:overview")).content.decode()
    assert "De schoolleider kan ze opnieuw versturen." in html and reverse("outbox:page") not in html
