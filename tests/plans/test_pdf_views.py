"""The PDF pages: outsiders get a 404, the progress page polls, downloads are files and are logged."""

import pytest
from django.urls import reverse

from opp_portal.audit.models import AuditEvent
from plans import pdf
from plans.models import PdfRendering, PdfStatus
from tests.factories import SchoolFactory, UserFactory, enrolled_pupil, parent_of, staff

from .test_pdf import demo_plan

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def plan(world):
    return demo_plan(world)


def draft_pdf_url(opp):
    return reverse("plans:draft_pdf", kwargs={"opp_uuid": opp.uuid})


def page_url(version):
    return reverse("plans:version_pdf", kwargs={"version_uuid": version.uuid})


def file_url(version):
    return reverse("plans:version_pdf_file", kwargs={"version_uuid": version.uuid})


def make_ready(version, capture):
    with capture(execute=True):
        pdf.request_version_pdf(user=version.created_by, version=version)
    rendering = PdfRendering.objects.get(version=version)
    assert rendering.status == PdfStatus.READY
    return rendering


OUTSIDERS = {
    "ib of another school": lambda w: staff("ib", school=SchoolFactory()),
    "school leader of another school": lambda w: staff("school_leader", school=SchoolFactory()),
    "parent of another child": lambda w: parent_of(enrolled_pupil(SchoolFactory())),
    "board admin": lambda w: staff("board_admin", board=w.school.board),
    "swv": lambda w: staff("swv", swv=w.school.swv),
    "teacher of another group": lambda w: staff("teacher", school=w.school, groups="8"),
    "user without memberships": lambda w: UserFactory(),
}

VIEWS = {
    "draft pdf": lambda opp, version: ("get", draft_pdf_url(opp), {}),
    "version page": lambda opp, version: ("get", page_url(version), {}),
    "version status partial": lambda opp, version: ("get", page_url(version), HTMX),
    "probeer opnieuw": lambda opp, version: ("post", page_url(version), {}),
    "version file": lambda opp, version: ("get", file_url(version), {}),
}


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize("view", VIEWS)
def test_outsider_gets_404_for_every_pdf_view(client, world, plan, outsider, view):
    opp, version = plan
    # A ready rendering on record (the file itself does not matter: the outsider never gets that far).
    PdfRendering.objects.create(version=version, content_hash=version.content_hash, status=PdfStatus.READY,
                                file="opp-pdf/elders.pdf", page_count=3)
    events = AuditEvent.objects.count()
    client.force_login(OUTSIDERS[outsider](world))
    method, target, extra = VIEWS[view](opp, version)
    response = getattr(client, method)(target, **extra)
    assert response.status_code == 404
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("view", VIEWS)
def test_anonymous_user_is_sent_to_login(client, plan, view):
    opp, version = plan
    method, target, extra = VIEWS[view](opp, version)
    response = getattr(client, method)(target, **extra)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_parent_gets_the_version_but_not_the_schools_working_copy(client, world, plan,
                                                                       django_capture_on_commit_callbacks):
    opp, version = plan
    make_ready(version, django_capture_on_commit_callbacks)
    client.force_login(world.mother)
    assert client.get(draft_pdf_url(opp)).status_code == 404
    response = client.get(file_url(version))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.get(action="opp.pdf_downloaded")
    assert event.actor == world.mother and event.on_behalf_of == "parent"


def test_the_ib_downloads_the_draft_as_a_concept_pdf(client, world, plan):
    opp, _version = plan
    client.force_login(world.ib)
    response = client.get(draft_pdf_url(opp))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="opp-concept.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(action="opp.pdf_downloaded")
    assert event.actor == world.ib and event.pupil_id == world.pupil.pk
    assert event.details == {"version": None, "concept": True}


def test_the_version_page_starts_the_rendering_and_polls_until_ready(client, world, plan,
                                                                     django_capture_on_commit_callbacks):
    _opp, version = plan
    client.force_login(world.ib)
    # The task is queued on commit; here it has not run yet, so the page shows progress.
    response = client.get(page_url(version))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'hx-trigger="every 2s"' in body and f'hx-get="{page_url(version)}"' in body
    assert "wachtrij" in body
    assert AuditEvent.objects.filter(action="opp.pdf_requested").count() == 1

    partial = client.get(page_url(version), **HTMX).content.decode()
    assert partial.lstrip().startswith('<div id="pdf-status"') and "<html" not in partial
    assert 'hx-trigger="every 2s"' in partial

    rendering = PdfRendering.objects.get(version=version)
    from plans.tasks import render_pdf

    render_pdf.apply(args=[rendering.pk])
    partial = client.get(page_url(version), **HTMX).content.decode()
    assert "hx-trigger" not in partial  # polling stops
    assert file_url(version) in partial and "downloaden" in partial
    assert AuditEvent.objects.filter(action="opp.pdf_requested").count() == 1  # polling requests nothing


def test_a_ready_version_page_sends_the_file_without_the_pupils_name(client, world, plan,
                                                                     django_capture_on_commit_callbacks):
    _opp, version = plan
    client.force_login(world.ib)
    with django_capture_on_commit_callbacks(execute=True):  # the task runs once the request's work commits
        client.get(page_url(version))
    response = client.get(page_url(version))
    assert response.status_code == 302 and response["Location"] == file_url(version)
    response = client.get(file_url(version))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="opp-versie-1.pdf"'
    assert world.pupil.last_name not in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(action="opp.pdf_downloaded")
    assert event.actor == world.ib and event.details == {"version": 1, "concept": False}
    assert event.on_behalf_of == f"school:{world.school.code}"


def test_the_file_url_before_the_pdf_is_ready_leads_to_the_progress_page(client, world, plan):
    _opp, version = plan
    client.force_login(world.ib)
    response = client.get(file_url(version))
    assert response.status_code == 302 and response["Location"] == page_url(version)
    assert not AuditEvent.objects.filter(action="opp.pdf_downloaded").exists()


def test_a_failed_rendering_says_so_in_dutch_and_offers_probeer_opnieuw(client, world, plan,
                                                                       django_capture_on_commit_callbacks):
    _opp, version = plan
    rendering = PdfRendering.objects.create(version=version, content_hash=version.content_hash,
                                            status=PdfStatus.FAILED, error="OSError: kapot")
    client.force_login(world.ib)
    partial = client.get(page_url(version), **HTMX).content.decode()
    assert "niet gelukt" in partial and "Probeer opnieuw" in partial and 'method="post"' in partial
    assert "hx-trigger" not in partial
    assert "OSError" not in partial  # the technical reason stays in the record, not on the parent's screen
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url(version))
    assert response.status_code == 302 and response["Location"] == page_url(version)
    rendering.refresh_from_db()
    assert rendering.status == PdfStatus.READY
    assert AuditEvent.objects.filter(action="opp.pdf_requested", details__reason="failed").exists()


def test_the_draft_page_links_to_the_pdfs(client, world, plan):
    opp, version = plan
    client.force_login(world.ib)
    body = client.get(reverse("plans:draft", kwargs={"opp_uuid": opp.uuid})).content.decode()
    assert page_url(version) in body  # the version sent; the draft is that version until the plan is reopened
    world.reopen(opp)
    body = client.get(reverse("plans:draft", kwargs={"opp_uuid": opp.uuid})).content.decode()
    assert draft_pdf_url(opp) in body and page_url(version) in body
