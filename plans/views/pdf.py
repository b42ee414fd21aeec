"""The PDF pages: the draft as a PDF on the spot, and a version's stored PDF with its progress page.

Reads go through `visible_to(user)`: anything out of reach is a 404. Every download is logged as a read.
"""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from opp_portal.http import HtmxHttpRequest

from .. import pdf
from ..access import opp_access, school_opps_for
from ..models import Opp, OppVersion, PdfRendering, PdfStatus


def _version(user, version_uuid) -> OppVersion:
    versions = OppVersion.objects.visible_to(user).select_related("opp__school", "opp__pupil", "opp__adopted_version")
    return get_object_or_404(versions, uuid=version_uuid)


def _can_open_plan(user, opp: Opp) -> bool:
    return opp_access(user, opp).can_download_pdf


@login_required
@require_GET
def draft_pdf(request: HttpRequest, opp_uuid) -> FileResponse:
    # The draft is the school's working copy: staff of the plan's school only, never the family.
    opp = get_object_or_404(school_opps_for(request.user).select_related("school", "pupil", "uitstroom_option"),
                            uuid=opp_uuid)
    data = pdf.render_draft_pdf(opp)
    pdf.record_download(user=request.user, opp=opp, version=None)
    return _pdf_response(data, "opp-concept.pdf")


def _pdf_response(content, filename: str) -> FileResponse:
    import io

    body = io.BytesIO(content) if isinstance(content, bytes) else content
    response = FileResponse(body, as_attachment=True, filename=filename, content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return response


def _status_context(request, version: OppVersion, rendering: PdfRendering | None) -> dict:
    status = rendering.status if rendering else PdfStatus.PENDING
    return {
        "version": version,
        "opp": version.opp,
        "rendering": rendering,
        "status": status,
        "polling": status in (PdfStatus.PENDING, PdfStatus.RENDERING),
        "show_plan_link": _can_open_plan(request.user, version.opp),
    }


def _family_pdf(request: HttpRequest, version: OppVersion) -> FileResponse:
    """A parent or pupil never gets the school's stored PDF: theirs shows only their own decisions."""
    data = pdf.family_version_pdf(user=request.user, version=version)
    pdf.record_download(user=request.user, opp=version.opp, version=version)
    return _pdf_response(data, f"opp-versie-{version.number}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def version_pdf(request: HtmxHttpRequest, version_uuid) -> HttpResponseBase:
    """GET starts the rendering when needed and shows its progress; htmx polls the status partial;
    POST is "probeer opnieuw" after a failure."""
    version = _version(request.user, version_uuid)
    if pdf.is_family_viewer(request.user, version.opp):
        return _family_pdf(request, version)
    if request.method == "GET" and request.htmx:
        rendering = PdfRendering.objects.filter(version=version).first()
        return render(request, "plans/_pdf_status.html", _status_context(request, version, rendering))
    rendering = pdf.request_version_pdf(user=request.user, version=version)
    if request.method == "POST":
        return redirect("plans:version_pdf", version_uuid=version.uuid)
    rendering.refresh_from_db()  # without a broker the task already ran
    if rendering.status == PdfStatus.READY:
        return redirect("plans:version_pdf_file", version_uuid=version.uuid)
    return render(request, "plans/pdf/version_page.html", _status_context(request, version, rendering))


@login_required
@require_GET
def version_pdf_file(request: HttpRequest, version_uuid) -> HttpResponseBase:
    version = _version(request.user, version_uuid)
    if pdf.is_family_viewer(request.user, version.opp):
        return _family_pdf(request, version)
    rendering = PdfRendering.objects.filter(version=version).select_related("version").first()
    if rendering is None or not pdf.is_current(rendering):
        return redirect("plans:version_pdf", version_uuid=version.uuid)
    pdf.record_download(user=request.user, opp=version.opp, version=version)
    return _pdf_response(default_storage.open(str(rendering.file.name), "rb"), f"opp-versie-{version.number}.pdf")
