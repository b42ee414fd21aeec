"""The plan's PDF: the fetcher, the layout a parent reads, the page count, the task and its storage."""

import datetime
import io
import os

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from pypdf import PdfReader

from opp_portal.audit.models import AuditEvent
from plans import pdf, services
from plans.models import OppVersion, PdfRendering, PdfStatus
from plans.pdf import InstemmingRecord, PdfResourceRefused, static_file_for
from plans.tasks import render_pdf
from schools.models import Pupil
from tests.conftest import wait_until

from .factories import PlanWorld, goal, option_for

pytestmark = pytest.mark.django_db

ORIGIN = pdf.STATIC_ORIGIN


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def no_instemming_provider():
    # Plans on its own; the consent app's answer is put back for the tests after these.
    with pdf.INSTEMMING_RECORDS.unanswered():
        yield


DEMO_GOALS = [
    goal(
        "Technisch lezen",
        description="Sanne leest een tekst op AVI-niveau E5 vlot en met weinig fouten voor.",
        approach="Vier keer per week twintig minuten duolezen met een klasgenoot en één keer per week "
                 "RALFI-lezen met de onderwijsassistent in een klein groepje.",
        responsible="De leerkracht plant het duolezen in; de onderwijsassistent doet het RALFI-lezen. "
                    "Thuis leest Sanne elke avond tien minuten voor aan een van haar ouders.",
        due_by=datetime.date(2027, 1, 31),
        measured_by="De AVI-toets in januari; tussendoor houdt de leerkracht elke maand de leessnelheid bij.",
    ),
    goal(
        "Rekenen",
        description="Sanne kent de tafels van 1 tot en met 10 en gebruikt ze bij deelsommen.",
        approach="Elke dag tien minuten oefenen op de computer met een eigen leerlijn; bij de instructie zit "
                 "Sanne aan de instructietafel.",
        responsible="De leerkracht geeft de verlengde instructie. Ouders oefenen twee keer per week de tafels "
                    "met een spelletje.",
        due_by=datetime.date(2027, 3, 31),
        measured_by="De tafeltoets van de methode: negen van de tien sommen goed binnen de tijd.",
    ),
    goal(
        "Werkhouding",
        description="Sanne werkt een kwartier zelfstandig aan een taak zonder hulp te vragen.",
        approach="Een takenkaart op haar tafel met de stappen van de taak en een time-timer. Na elke taak "
                 "een kort gesprekje met de leerkracht over wat goed ging.",
        responsible="De leerkracht maakt de takenkaart samen met Sanne. De ib'er kijkt in november mee in de klas.",
        due_by=datetime.date(2026, 12, 18),
        measured_by="De leerkracht houdt twee weken lang bij hoe vaak Sanne een taak zelf afmaakt.",
    ),
    goal(
        "Samenwerken",
        description="Sanne doet mee in een groepje van drie en houdt zich aan de afspraken van het groepje.",
        approach="Twee keer per week samenwerkend leren met vaste rollen; de leerkracht bespreekt de rollen "
                 "vooraf met Sanne.",
        responsible="De leerkracht stelt de groepjes samen. Sanne vertelt na afloop wat goed ging.",
        due_by=datetime.date(2027, 6, 30),
        measured_by="Observatie door de leerkracht in maart en juni, besproken met Sanne en haar ouders.",
    ),
]


def demo_content(opp, goals=DEMO_GOALS) -> dict:
    return {
        "pupil_situation": "Sanne is een vrolijk en behulpzaam meisje dat graag met anderen speelt. Lezen en "
                           "rekenen kosten haar veel moeite; ze loopt ongeveer een jaar achter op haar groep. "
                           "Als een taak te lang duurt, raakt ze snel afgeleid.",
        "support_needs": "Sanne heeft korte, duidelijke opdrachten nodig, extra oefentijd en een vaste plek "
                         "waar ze rustig kan werken.",
        "support_and_guidance": "Sanne krijgt vier keer per week extra leesbegeleiding en verlengde instructie bij "
                                "rekenen. De onderwijsassistent werkt twee ochtenden per week met haar en twee "
                                "klasgenoten. De intern begeleider bespreekt elke zes weken met de leerkracht hoe "
                                "het gaat.",
        "deviates_from_regular_programme": True,
        "deviation_description": "Voor rekenen volgt Sanne een eigen leerlijn op het niveau van groep 4. Bij de "
                                 "andere vakken doet ze mee met de klas.",
        "uitstroom_option": option_for(opp.school_type),
        "uitstroom_justification": "De resultaten van de laatste twee jaar, de werkhouding en het gesprek met "
                                   "Sanne en haar ouders wijzen op dit niveau. Bij lezen groeit Sanne goed; bij "
                                   "rekenen is de groei kleiner.",
        "bevorderende_factoren": "Sanne is gemotiveerd en wil graag leren. Haar ouders oefenen thuis met haar "
                                 "en er is goed contact tussen school en thuis.",
        "belemmerende_factoren": "Sanne is snel afgeleid en rekenen kost haar veel moeite. Ze heeft weinig "
                                 "zelfvertrouwen bij nieuwe opdrachten.",
        "goals": goals,
    }


def demo_plan(world: PlanWorld, goals=DEMO_GOALS):
    opp = world.start()
    opp = services.save_draft(user=world.ib, opp=opp, expected_revision=opp.revision,
                              changes=demo_content(opp, goals))
    return opp, world.send(opp)


def page_count(html: str) -> int:
    return len(pdf.render_document(html).pages)


def pdf_text(data: bytes) -> str:
    """The text a reader of the PDF sees, read with pypdf (no system package needed)."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- the fetcher --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "http://example.com/logo.png",
    "https://example.com/static/css/opp-pdf.css",
    "http://opp-portal.invalid/static/css/opp-pdf.css",
    "file:///etc/passwd",
    "file:///work/main/static/css/opp-pdf.css",
    "data:text/css;base64,Ym9keXtjb2xvcjpyZWR9",
    "ftp://example.com/a.css",
    f"{ORIGIN}/media/opp-pdf/x.pdf",
    f"{ORIGIN}/static/../opp_portal/settings/base.py",
    f"{ORIGIN}/static/css/%2e%2e/%2e%2e/opp_portal/settings/base.py",
    f"{ORIGIN}/static/css/does-not-exist.css",
    f"{ORIGIN}/static/examples/leerlingen-voorbeeld.csv",
    f"{ORIGIN}/static/css/opp-pdf.css?x=1",
    "//example.com/static/css/opp-pdf.css",
])
def test_the_fetcher_refuses_everything_but_the_projects_own_static_files(url):
    with pytest.raises(PdfResourceRefused):
        static_file_for(url)
    with pytest.raises(PdfResourceRefused):
        pdf.static_only_fetcher().fetch(url)


def test_the_fetcher_serves_a_project_static_file_from_disk():
    response = pdf.static_only_fetcher().fetch(f"{ORIGIN}/static/css/opp-pdf.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_a_document_that_asks_for_a_foreign_url_does_not_render():
    from weasyprint.urls import FatalURLFetchingError

    html = '<html><head><link rel="stylesheet" href="https://example.com/x.css"></head><body>x</body></html>'
    with pytest.raises(FatalURLFetchingError):
        pdf.render_document(html)


# --- the document --------------------------------------------------------------------------------------------

def test_the_demo_plan_fits_two_to_five_a4_pages(world, tmp_path):
    opp, version = demo_plan(world)
    html = pdf.version_html(version)
    pages = page_count(html)
    assert 2 <= pages <= 5
    if os.environ.get("OPP_PDF_SAMPLE_DIR"):  # for looking at the layout: write the sample PDF there
        target = os.path.join(os.environ["OPP_PDF_SAMPLE_DIR"], "demo-plan.pdf")
        with open(target, "wb") as fh:
            fh.write(pdf.render_version_pdf(version))


def test_the_handelingsdeel_comes_first_then_the_uitstroomperspectief(world):
    _opp, version = demo_plan(world)
    html = pdf.version_html(version)
    positions = [html.index(marker) for marker in (
        "Wat de school gaat doen", "Technisch lezen", "Waar de leerling naartoe werkt", "Over de leerling",
        "Instemming met wat de school gaat doen")]
    assert positions == sorted(positions)
    assert world.school.name in html and world.pupil.full_name in html
    assert "versie 1" in html and version.content_hash[:8] in html


def test_a_huge_plan_still_renders(world):
    long_text = "Dit is een lange zin over wat de school allemaal doet voor deze leerling. " * 40
    goals = [goal(f"Gebied {n}", description=long_text[:900], approach=long_text, responsible=long_text[:600],
                  measured_by=long_text[:400]) for n in range(25)]
    opp = world.start()
    content = demo_content(opp, goals)
    content["support_and_guidance"] = "\n\n".join([long_text] * 10)
    services.save_draft(user=world.ib, opp=opp, expected_revision=opp.revision, changes=content)
    version = world.send(opp)
    document = pdf.render_document(pdf.version_html(version))
    assert len(document.pages) > 5
    assert document.write_pdf().startswith(b"%PDF")


def test_the_draft_pdf_carries_the_concept_mark(world):
    opp = world.start()
    services.save_draft(user=world.ib, opp=opp, expected_revision=opp.revision, changes=demo_content(opp))
    opp.refresh_from_db()
    html = pdf.draft_html(opp)
    assert 'class="watermark"' in html and "CONCEPT" in html
    assert "werkversie" in html
    data = pdf.render_draft_pdf(opp)
    assert data.startswith(b"%PDF")
    assert "CONCEPT" in pdf_text(data)


def test_a_version_not_yet_adopted_says_concept_nog_niet_vastgesteld(world):
    _opp, version = demo_plan(world)
    html = pdf.version_html(version)
    assert "concept – nog niet vastgesteld" in html.lower()
    assert 'class="watermark"' in html


def test_an_adopted_version_has_no_concept_mark(world, consent):
    opp, version = demo_plan(world)
    consent.agree_all(opp, version)
    services.adopt(user=world.leader, opp=opp)
    version.refresh_from_db()
    html = pdf.version_html(version)
    assert "Vastgesteld op" in html
    assert 'class="watermark"' not in html and "nog niet vastgesteld" not in html


def test_an_internal_plan_says_so_in_the_pdf(world_for):
    w = world_for("vo")
    opp = w.start(kind="basisondersteuning")
    services.save_draft(user=w.ib, opp=opp, expected_revision=opp.revision, changes=demo_content(opp))
    opp.refresh_from_db()
    html = pdf.draft_html(opp)
    assert "Plan binnen de basisondersteuning" in html and "niet bij DUO gemeld" in html


def test_without_a_provider_the_pdf_says_instemming_nog_niet_vastgelegd(world):
    _opp, version = demo_plan(world)
    assert pdf.instemming_records(version) is None
    assert "nog niet vastgelegd" in pdf.version_html(version)


def test_the_instemming_provider_fills_who_when_and_which_version(world):
    _opp, version = demo_plan(world)
    when = timezone.make_aware(datetime.datetime(2026, 3, 2, 19, 30))
    with pdf.INSTEMMING_RECORDS.answered_by(lambda v: [
        InstemmingRecord(who="Fatima el Amrani (moeder)", agreed=True, decided_at=when,
                         version_number=v.number, content_hash=v.content_hash),
        InstemmingRecord(who="Mark de Vries (vader)", agreed=False, decided_at=when - datetime.timedelta(days=1),
                         version_number=v.number, content_hash=v.content_hash),
    ]):
        html = pdf.version_html(version)
    assert "nog niet vastgelegd" not in html
    assert "Fatima el Amrani (moeder)" in html and "ingestemd" in html and "niet ingestemd" in html
    assert "2 maart 2026, 19:30" in html
    assert "<td>versie 1</td>" in html
    assert html.count(version.content_hash[:8]) == 1  # the check code only in the footer, for the school
    assert html.index("Mark de Vries") < html.index("Fatima el Amrani")  # oldest first


def test_plan_text_is_escaped_not_interpreted(world):
    opp = world.start()
    content = demo_content(opp)
    content["support_and_guidance"] = '<img src="https://evil.example/x.png"><link rel=stylesheet href="file:///etc/passwd">'
    services.save_draft(user=world.ib, opp=opp, expected_revision=opp.revision, changes=content)
    opp.refresh_from_db()
    html = pdf.draft_html(opp)
    assert "<img" not in html and "&lt;img" in html
    assert pdf.render_draft_pdf(opp).startswith(b"%PDF")


# --- the task and the stored file --------------------------------------------------------------------------------

def _rendering(version) -> PdfRendering:
    return PdfRendering.objects.create(version=version, content_hash=version.content_hash)


def test_the_task_renders_stores_and_counts_pages(world, media_root):
    _opp, version = demo_plan(world)
    rendering = _rendering(version)
    render_pdf.apply(args=[rendering.pk])
    rendering.refresh_from_db()
    assert rendering.status == PdfStatus.READY
    assert rendering.file.name == pdf.stored_name(pdf.version_html(version))
    assert rendering.file.name.startswith("opp-pdf/") and rendering.file.name.endswith(".pdf")
    assert 2 <= rendering.page_count <= 5
    assert rendering.finished_at is not None and rendering.attempts == 1
    assert default_storage.open(rendering.file.name).read().startswith(b"%PDF")
    assert (media_root / rendering.file.name).exists()


def test_the_task_is_idempotent(world, media_root, monkeypatch):
    _opp, version = demo_plan(world)
    rendering = _rendering(version)
    render_pdf.apply(args=[rendering.pk])
    calls = []
    monkeypatch.setattr(pdf, "render_document", lambda html: calls.append(html))
    render_pdf.apply(args=[rendering.pk])
    assert calls == []
    assert PdfRendering.objects.filter(status=PdfStatus.READY).count() == 1
    assert len(list((media_root / "opp-pdf").iterdir())) == 1


def test_a_failing_renderer_is_retried_then_marked_failed_with_the_reason(world, monkeypatch):
    _opp, version = demo_plan(world)
    rendering = _rendering(version)
    attempts = []

    def broken(html):
        attempts.append(html)
        raise OSError("Pango is op vakantie")

    monkeypatch.setattr(pdf, "render_document", broken)
    render_pdf.apply(args=[rendering.pk])
    rendering.refresh_from_db()
    assert len(attempts) == settings.PDF_MAX_ATTEMPTS
    assert rendering.status == PdfStatus.FAILED
    assert "Pango is op vakantie" in rendering.error
    assert not rendering.file.name
    assert not default_storage.exists("opp-pdf") or not os.listdir(default_storage.path("opp-pdf"))


def test_a_retry_that_succeeds_ends_ready(world, monkeypatch):
    _opp, version = demo_plan(world)
    rendering = _rendering(version)
    real = pdf.render_document
    attempts = []

    def flaky(html):
        attempts.append(html)
        if len(attempts) == 1:
            raise OSError("even niet")
        return real(html)

    monkeypatch.setattr(pdf, "render_document", flaky)
    render_pdf.apply(args=[rendering.pk])
    rendering.refresh_from_db()
    assert rendering.status == PdfStatus.READY and rendering.error == "" and rendering.attempts == 2


def test_the_same_document_reuses_the_stored_file(world, media_root, monkeypatch):
    _opp, version = demo_plan(world)
    first = _rendering(version)
    render_pdf.apply(args=[first.pk])
    first.refresh_from_db()
    # The rendering is lost (say, re-created after a restore); the file holding this exact document is reused.
    PdfRendering.objects.filter(pk=first.pk).update(status=PdfStatus.PENDING)
    calls = []
    monkeypatch.setattr(pdf, "render_document", lambda html: calls.append(html))
    render_pdf.apply(args=[first.pk])
    first.refresh_from_db()
    assert calls == []
    assert first.status == PdfStatus.READY and 2 <= first.page_count <= 5
    assert len(list((media_root / "opp-pdf").iterdir())) == 1


def test_two_pupils_with_the_same_plan_content_never_share_a_file(world, world_for):
    _opp, version = demo_plan(world)
    other_world = world_for("bao")
    other_opp = other_world.start()
    # Word for word the same content, so the same content hash: the file is still the other pupil's own.
    twin = OppVersion.objects.create(opp=other_opp, number=1, content=version.content,
                                     content_hash=version.content_hash, created_by=other_world.ib)
    a, b = _rendering(version), _rendering(twin)
    render_pdf.apply(args=[a.pk])
    render_pdf.apply(args=[b.pk])
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.content_hash == b.content_hash
    assert a.file.name != b.file.name
    assert escape(other_world.pupil.full_name) in pdf.version_html(twin)  # "van 't Riet" is escaped in HTML


def test_requesting_queues_once_and_records_an_audit_event(world, django_capture_on_commit_callbacks):
    _opp, version = demo_plan(world)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rendering = pdf.request_version_pdf(user=world.ib, version=version)
    assert len(callbacks) == 1
    rendering.refresh_from_db()
    assert rendering.status == PdfStatus.READY
    assert rendering.content_hash == version.content_hash
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        pdf.request_version_pdf(user=world.ib, version=version)
    assert callbacks == []
    events = AuditEvent.objects.filter(action="opp.pdf_requested")
    assert events.count() == 1 and events.get().actor == world.ib
    assert events.get().details == {"version": 1, "reason": "new"}


def test_a_failed_or_stuck_rendering_is_queued_again(world, django_capture_on_commit_callbacks):
    _opp, version = demo_plan(world)
    rendering = _rendering(version)
    PdfRendering.objects.filter(pk=rendering.pk).update(status=PdfStatus.FAILED, error="kapot")
    with django_capture_on_commit_callbacks(execute=True):
        pdf.request_version_pdf(user=world.ib, version=version)
    rendering.refresh_from_db()
    assert rendering.status == PdfStatus.READY and rendering.error == ""

    other_world = PlanWorld("bao")
    _other_opp, other = demo_plan(other_world)
    stuck = _rendering(other)
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.PDF_STALE_SECONDS + 60)
    PdfRendering.objects.filter(pk=stuck.pk).update(status=PdfStatus.RENDERING, requested_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        pdf.request_version_pdf(user=other_world.ib, version=other)
    assert len(callbacks) == 1
    stuck.refresh_from_db()
    assert stuck.status == PdfStatus.READY


def test_a_rendering_in_progress_is_not_queued_twice(world, django_capture_on_commit_callbacks):
    _opp, version = demo_plan(world)
    rendering = _rendering(version)
    PdfRendering.objects.filter(pk=rendering.pk).update(status=PdfStatus.RENDERING)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        pdf.request_version_pdf(user=world.ib, version=version)
    assert callbacks == []


def test_adoption_makes_the_stored_pdf_out_of_date_and_it_is_rendered_again(
        world, consent, django_capture_on_commit_callbacks):
    opp, version = demo_plan(world)
    with django_capture_on_commit_callbacks(execute=True):
        before = pdf.request_version_pdf(user=world.ib, version=version)
    before.refresh_from_db()
    old_name = before.file.name
    consent.agree_all(opp, version)
    services.adopt(user=world.leader, opp=opp)
    before.refresh_from_db()
    assert not pdf.is_current(before)
    with django_capture_on_commit_callbacks(execute=True):
        after = pdf.request_version_pdf(user=world.ib, version=version)
    after.refresh_from_db()
    assert after.status == PdfStatus.READY and after.file.name != old_name and pdf.is_current(after)


# --- a real worker ------------------------------------------------------------------------------------------------

@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_renders_a_requested_pdf(celery_worker_on_redis, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "worker-media")
    world = PlanWorld("bao")
    _opp, version = demo_plan(world)
    rendering = pdf.request_version_pdf(user=world.ib, version=version)

    def ready():
        rendering.refresh_from_db()
        return rendering.status == PdfStatus.READY

    assert wait_until(ready, timeout=60)
    assert 2 <= rendering.page_count <= 5
    assert (tmp_path / "worker-media" / rendering.file.name).read_bytes().startswith(b"%PDF")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_on_a_real_worker_a_failing_rendering_is_retried_then_marked_failed(
        celery_worker_on_redis, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path / "worker-media")
    settings.PDF_RETRY_SECONDS = 0
    attempts = []

    def broken(html):
        attempts.append(html)
        raise OSError("geen lettertype")

    monkeypatch.setattr(pdf, "render_document", broken)
    world = PlanWorld("bao")
    _opp, version = demo_plan(world)
    rendering = pdf.request_version_pdf(user=world.ib, version=version)

    def failed():
        rendering.refresh_from_db()
        return rendering.status == PdfStatus.FAILED

    assert wait_until(failed, timeout=60)
    assert "geen lettertype" in rendering.error
    assert len(attempts) == settings.PDF_MAX_ATTEMPTS


def test_the_pdf_names_the_overleg_the_pupils_view_the_next_evaluation_and_the_ib(world, consent):
    opp, version = demo_plan(world)
    world.ib.full_name = "Marloes Hendriks"
    world.ib.save()
    held_on = datetime.date.today() - datetime.timedelta(days=4)
    consent.record_oogo(opp, held_on=held_on)
    consent.record_hearing(opp, pupil_view="Ik wil graag beter leren lezen, maar niet voor de hele klas.")
    for decider in consent.deciders(opp):
        consent.decide(version, decider)
    opp = services.adopt(user=world.leader, opp=opp)
    html = pdf.version_html(OppVersion.objects.get(pk=version.pk))
    assert f"De school heeft het plan met de ouders besproken op {date_format(held_on, 'j F Y')}" in html
    assert f"Gehoord op {date_format(datetime.date.today(), 'j F Y')} (gesprek)." in html
    assert "Ik wil graag beter leren lezen, maar niet voor de hele klas." in html
    assert "Volgende evaluatie" in html and date_format(opp.next_evaluation_due, "j F Y") in html
    assert "Marloes Hendriks" in html and world.ib.email in html
    assert "Streefdatum" in html and "Bereikt op" not in html
    # The check code is for the school: only in the small footer line, labelled so.
    assert html.count(version.content_hash[:8]) == 1
    assert f"controlegetal voor de school: {version.content_hash[:8]}" in html
    assert pdf.render_document(html).write_pdf().startswith(b"%PDF")


def test_the_pdf_of_an_adult_pupils_plan_says_the_pupil_agrees_and_was_consulted_not_the_parents(world, consent):
    opp, version = demo_plan(world)
    Pupil.objects.filter(pk=opp.pupil_id).update(date_of_birth=datetime.date.today().replace(year=2000))
    consent.record_oogo(opp, held_on=datetime.date.today())
    html = pdf.version_html(OppVersion.objects.get(pk=version.pk))
    assert "moet de leerling zelf instemmen" in html and "moeten de ouders instemmen" not in html
    assert "met de leerling besproken op" in html and "met de ouders besproken" not in html
    assert "Overleg met de leerling" in html and "Overleg met de ouders" not in html


def test_a_version_not_yet_adopted_says_when_the_next_evaluation_will_be(world):
    _opp, version = demo_plan(world)
    html = pdf.version_html(version)
    assert "binnen 12 maanden na de vaststelling" in html
    assert "Nog niet vastgelegd." in html  # no overleg and no hearing recorded yet
