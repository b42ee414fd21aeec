"""The PDF of a plan that a parent can read: rendering (WeasyPrint), storing by document hash, the services.

Rendering never touches the network: `StaticOnlyFetcher` refuses every URL except the project's own static
files, which it reads from disk through the staticfiles finders.

Instemming, the overleg and the pupil's hearing are recorded by the consent app, to the right of plans. It
answers two questions (`opp_portal.questions`) when it loads:

    from plans.pdf import CONSENT_SUMMARY, INSTEMMING_RECORDS
    INSTEMMING_RECORDS.answer(lambda version, viewer=None: [InstemmingRecord(...), ...])
    CONSENT_SUMMARY.answer(lambda opp, version: ConsentSummary(...))

Unanswered, the PDF says "Instemming: nog niet vastgelegd". `viewer` is None for the school's PDF (every
decision); for a parent or pupil it is their user, and the answer gives only what they may see (their own
decisions): their PDF is made for them (`family_version_pdf`), never the school's stored file.

A stored file is named after the hash of the exact document it shows (the HTML with every printed fact:
pupil, school, version, status, instemming, plus the stylesheet), never after the version's content hash
alone: two pupils with word-for-word the same plan must never share one file.
"""

import datetime
import hashlib
import mimetypes
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from opp_portal.access import reach_of
from opp_portal.audit.actions import Action
from opp_portal.audit.service import record, record_read
from opp_portal.questions import Question
from opp_portal.queueing import enqueue_on_commit

from .access import opp_access
from .content import snapshot
from .models import Opp, OppKind, OppStatus, OppVersion, PdfRendering, PdfStatus

# A reserved domain (RFC 2606) that never resolves: relative URLs in the PDF template are joined to it, and
# the fetcher maps it onto the static files on disk. Nothing is ever requested over the network.
STATIC_ORIGIN = "https://opp-portal.invalid"
STYLESHEET = "css/opp-pdf.css"
ALLOWED_SUFFIXES = {".css", ".png", ".svg", ".jpg", ".jpeg", ".woff", ".woff2", ".ttf", ".otf"}
PDF_FOLDER = "opp-pdf"


# --- the fetcher -------------------------------------------------------------------------------------------

class PdfResourceRefused(ValueError):
    """The PDF asked for a resource that is not one of the project's own static files."""


def static_file_for(url: str) -> Path:
    """The local file behind `url`, when it is one of the project's static files; otherwise refused."""
    parts = urlsplit(url)
    origin = urlsplit(STATIC_ORIGIN)
    if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc) or parts.query:
        raise PdfResourceRefused(f"Refused to fetch {url!r}: only the project's static files are allowed.")
    if not parts.path.startswith(settings.STATIC_URL):
        raise PdfResourceRefused(f"Refused to fetch {url!r}: not under {settings.STATIC_URL}.")
    relative = unquote(parts.path[len(settings.STATIC_URL):])
    if (not relative or "\\" in relative or "\x00" in relative or relative.startswith("/")
            or posixpath.normpath(relative) != relative or ".." in relative.split("/")):
        raise PdfResourceRefused(f"Refused to fetch {url!r}: not a plain static path.")
    if posixpath.splitext(relative)[1].lower() not in ALLOWED_SUFFIXES:
        raise PdfResourceRefused(f"Refused to fetch {url!r}: not a stylesheet, image or font.")
    found = finders.find(relative)
    if not found:
        raise PdfResourceRefused(f"Refused to fetch {url!r}: no such static file.")
    return Path(found)


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """WeasyPrint's fetcher, cut down to the project's static files; a refusal stops the rendering."""

        def __init__(self):
            super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=True)

        def fetch(self, url, headers=None):
            path = static_file_for(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    return StaticOnlyFetcher


def static_only_fetcher():
    return _fetcher_class()()


# --- the instemming hook --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class InstemmingRecord:
    """One decision on the handelingsdeel, as the PDF prints it in place of a signature."""

    who: str  # e.g. "J. de Vries (ouder)"
    agreed: bool
    decided_at: datetime.datetime
    version_number: int
    content_hash: str
    label: str = ""  # the decision in words when it is not plain (dis)agreement, e.g. "ingetrokken"

    @property
    def decision(self) -> str:
        return self.label or (_("ingestemd") if self.agreed else _("niet ingestemd"))

    @property
    def hash_prefix(self) -> str:
        return self.content_hash[:8]


INSTEMMING_RECORDS: Question[Callable[..., list[InstemmingRecord] | None]] = Question(
    "plans.pdf_instemming_records", default=lambda version, viewer=None: None,
    doc="Who decided on this version, and when, as `viewer` may see it (None: the school, every decision).")


def instemming_records(version: OppVersion | None, viewer=None) -> list[InstemmingRecord] | None:
    """The decisions on `version` that `viewer` may see (None: the school, all of them), oldest first; None when
    nothing records instemming (yet)."""
    if version is None:
        return None
    answer = INSTEMMING_RECORDS.get()
    records = answer(version) if viewer is None else answer(version, viewer=viewer)
    return None if records is None else sorted(records, key=lambda r: r.decided_at)


# --- the overleg and the hearing (consent's records) ----------------------------------------------------------

@dataclass(frozen=True)
class ConsentSummary:
    """What the PDF says about the overleg with the parents and how the pupil was heard, for one version."""

    oogo_days: list
    heard: bool | None  # None: nothing recorded that counts
    heard_on: datetime.date | None
    how: str
    pupil_view: str  # the pupil's view in their own words, or why they were not heard
    pupil_decides: bool = False  # an adult pupil gives instemming themself, instead of the parents


CONSENT_SUMMARY: Question[Callable[[Opp, OppVersion | None], ConsentSummary | None]] = Question(
    "plans.pdf_consent_summary", default=lambda opp, version: None,
    doc="When was the overleg and how was the pupil heard, for a version (or the draft).")


def consent_summary(opp: Opp, version: OppVersion | None) -> ConsentSummary | None:
    return CONSENT_SUMMARY(opp, version)


# --- the document ---------------------------------------------------------------------------------------------

def _day(value) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


def _version_state(version: OppVersion) -> dict:
    """Whether the version is in force, was replaced, or is still a concept waiting for adoption."""
    opp = version.opp
    adopted = opp.adopted_version
    if adopted is not None and adopted.pk == version.pk:
        if opp.ended_on:
            return {"concept": False, "text": _("Vastgesteld op %(day)s; het plan is beëindigd op %(end)s.") % {
                "day": _fmt(opp.version_adopted_on), "end": _fmt(opp.ended_on)}}
        return {"concept": False, "text": _("Vastgesteld op %(day)s. Deze versie geldt.") % {
            "day": _fmt(opp.version_adopted_on)}}
    if adopted is not None and adopted.number > version.number:
        return {"concept": False, "text": _("Deze versie geldt niet meer: versie %(n)s is vastgesteld op %(day)s.")
                % {"n": adopted.number, "day": _fmt(opp.version_adopted_on)}}
    if opp.status == OppStatus.BEEINDIGD:
        return {"concept": True, "mark": _("niet vastgesteld"), "text": _("Niet vastgesteld; het plan is beëindigd.")}
    return {"concept": True, "mark": _("nog niet vastgesteld"), "text": _("concept – nog niet vastgesteld")}


def _fmt(day) -> str:
    from django.utils.formats import date_format

    shown = _day(day)
    return date_format(shown, "j F Y") if shown else ""


def _next_evaluation(opp: Opp, version: OppVersion | None) -> str:
    in_force = version is not None and opp.adopted_version_id == version.pk
    if in_force and opp.next_evaluation_due and not opp.ended_on:
        return _fmt(opp.next_evaluation_due)
    if opp.ended_on:
        return ""
    return _("binnen %(n)s maanden na de vaststelling") % {"n": opp.evaluation_cycle_months}


def _context(opp: Opp, content: dict, version: OppVersion | None, viewer=None) -> dict:
    if version is None:
        state = {"concept": True, "mark": _("werkversie"),
                 "text": _("concept – werkversie, niet verstuurd en niet vastgesteld")}
    else:
        state = _version_state(version)
    ib = opp.created_by
    return {
        "opp": opp,
        "school": opp.school,
        "pupil": opp.pupil,
        "version": version,
        "content": content,  # laid out as the plan's format declares it (`content|reading:"pdf"`)
        "is_internal": content["kind"] == OppKind.BASISONDERSTEUNING,
        "state": state,
        "instemming": instemming_records(version, viewer),
        "consent": consent_summary(opp, version),
        "next_evaluation": _next_evaluation(opp, version),
        "contact": {"name": ib.get_full_name(), "email": ib.email} if ib is not None else None,
        "stylesheet_url": settings.STATIC_URL + STYLESHEET,
    }


def _render_html(context: dict) -> str:
    # Always Dutch, whichever language the request (or the worker) runs in.
    with translation.override("nl"):
        return render_to_string("plans/pdf/plan.html", context)


def version_html(version: OppVersion, viewer=None) -> str:
    return _render_html(_context(version.opp, version.content, version, viewer))


def draft_html(opp: Opp) -> str:
    return _render_html(_context(opp, snapshot(opp), None))


def document_hash(html: str) -> str:
    """The name of the stored file: the exact HTML and the stylesheet it is printed with."""
    digest = hashlib.sha256(html.encode("utf-8"))
    digest.update(static_file_for(STATIC_ORIGIN + settings.STATIC_URL + STYLESHEET).read_bytes())
    return digest.hexdigest()


def stored_name(html: str) -> str:
    return f"{PDF_FOLDER}/{document_hash(html)}.pdf"


def render_document(html: str):
    """The laid-out WeasyPrint document; `.pages` counts the pages, `.write_pdf()` gives the bytes."""
    from weasyprint import HTML

    return HTML(string=html, base_url=STATIC_ORIGIN + "/", url_fetcher=static_only_fetcher()).render()


def render_version_pdf(version: OppVersion) -> bytes:
    return render_document(version_html(version)).write_pdf()


def render_draft_pdf(opp: Opp) -> bytes:
    return render_document(draft_html(opp)).write_pdf()


# --- storing a version's PDF (called by the Celery task) -----------------------------------------------------

def _versions():
    return OppVersion.objects.select_related("opp__school", "opp__pupil", "opp__adopted_version")


def _complete_pdf(name: str) -> bool:
    """A whole PDF ends with its end-of-file marker; a write cut off by a killed worker does not."""
    with default_storage.open(name, "rb") as fh:
        fh.seek(0, 2)
        fh.seek(max(fh.tell() - 1024, 0))
        return b"%%EOF" in fh.read()


def build_stored_pdf(rendering: PdfRendering) -> PdfRendering:
    """Render the version's PDF and store it as `opp-pdf/<document hash>.pdf`; a no-op when it is ready.
    The task counts the attempt first (`pdf_jobs.claim_attempt`).

    Nothing half-done is kept: the file is written whole before the rendering is marked ready, and a file
    that already holds this exact document is reused. A file cut off by a killed worker (no end-of-file
    marker) is written again.
    """
    fresh = PdfRendering.objects.get(pk=rendering.pk)
    if fresh.status == PdfStatus.READY:
        return fresh

    version = _versions().get(pk=fresh.version_id)
    html = version_html(version)
    name = stored_name(html)
    page_count = None
    if default_storage.exists(name):
        if _complete_pdf(name):
            page_count = (PdfRendering.objects.filter(file=name, page_count__isnull=False)
                          .values_list("page_count", flat=True).first())
        else:
            default_storage.delete(name)
    if page_count is None:
        document = render_document(html)
        page_count = len(document.pages)
        if not default_storage.exists(name):
            saved = default_storage.save(name, ContentFile(document.write_pdf()))
            if saved != name:  # someone stored the same document meanwhile: keep one file
                default_storage.delete(saved)

    with transaction.atomic():
        fresh = PdfRendering.objects.select_for_update().get(pk=rendering.pk)
        fresh.file.name = name
        fresh.page_count = page_count
        fresh.status = PdfStatus.READY
        fresh.error = ""
        fresh.finished_at = timezone.now()
        fresh.heartbeat_at = None
        fresh.save(update_fields=["file", "page_count", "status", "error", "finished_at", "heartbeat_at"])
        record(actor=None, action=Action.OPP_PDF_RENDERED, obj=version.opp, on_behalf_of="system",
               pupil_id=version.opp.pupil_id,
               details={"version": version.number, "pages": page_count, "file": name})
    return fresh


# --- services for the views -------------------------------------------------------------------------------------

def _on_behalf_of(user, opp: Opp) -> str:
    if opp_access(user, opp).as_school:
        return f"school:{opp.school.code}"
    reach = reach_of(user)
    if opp.pupil_id in reach.family_pupil_ids:
        return "parent" if reach.is_parent else "pupil"
    return ""


def is_current(rendering: PdfRendering) -> bool:
    """Ready, its file is still on disk, and it still shows what the version's PDF shows now (status,
    instemming); a rendering made before adoption is out of date once the version is adopted."""
    if rendering.status != PdfStatus.READY or not rendering.file.name:
        return False
    if not default_storage.exists(rendering.file.name):
        return False
    return rendering.file.name == stored_name(version_html(rendering.version))


@transaction.atomic
def request_version_pdf(*, user, version: OppVersion) -> PdfRendering:
    """Make sure the version's PDF exists or is on its way; queue the task once the transaction commits.

    A failed rendering, one stuck in the queue, or a ready one that no longer shows the current state is
    queued again; one that is ready and current, or on its way, is left alone.
    """
    from .pdf_jobs import last_sign_of_life, stale_before
    from .tasks import render_pdf

    rendering, created = PdfRendering.objects.get_or_create(
        version=version, defaults={"content_hash": version.content_hash, "queued_at": timezone.now()})
    # Lock only the rendering: the runtime database role may not lock (update) the append-only versions.
    rendering = PdfRendering.objects.select_for_update(of=("self",)).select_related("version").get(pk=rendering.pk)
    if created:
        reason = "new"
    elif rendering.status == PdfStatus.FAILED:
        reason = "failed"
    elif rendering.status in (PdfStatus.PENDING, PdfStatus.RENDERING) and last_sign_of_life(rendering) < stale_before():
        reason = "stuck"
    elif rendering.status == PdfStatus.READY and not is_current(rendering):
        reason = "outdated"
    else:
        return rendering
    if not created:
        now = timezone.now()
        PdfRendering.objects.filter(pk=rendering.pk).update(
            status=PdfStatus.PENDING, error="", finished_at=None, attempts=0, requested_at=now, queued_at=now,
            heartbeat_at=None)
        rendering.refresh_from_db()
    opp = version.opp
    record(actor=user, action=Action.OPP_PDF_REQUESTED, obj=opp, on_behalf_of=_on_behalf_of(user, opp),
           pupil_id=opp.pupil_id, details={"version": version.number, "reason": reason})
    # If the broker refuses, the page says "in de wachtrij" and the sweeper queues it again.
    enqueue_on_commit(render_pdf, rendering.pk)
    return rendering


def is_family_viewer(user, opp: Opp) -> bool:
    """A parent or pupil (not the school): they get a PDF made for them, with only their own decisions."""
    return not opp_access(user, opp).as_school


def family_version_pdf(*, user, version: OppVersion) -> bytes:
    """The version's PDF as this parent or pupil may read it, made on the spot and kept by its document hash
    (the HTML holds their own decisions, so nobody else's PDF ever has the same name)."""
    html = version_html(version, viewer=user)
    name = stored_name(html)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    data = render_document(html).write_pdf()
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:
            default_storage.delete(saved)
    return data


def record_download(*, user, opp: Opp, version: OppVersion | None) -> None:
    """Every download is a read of the plan's content, and logged as one."""
    record_read(actor=user, action=Action.OPP_PDF_DOWNLOADED, obj=opp, on_behalf_of=_on_behalf_of(user, opp),
                pupil_id=opp.pupil_id,
                details={"version": version.number if version else None, "concept": version is None})
