"""ROD pages: the board page, a school's figures, export batches. Identifiers and dates only, never plan content."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from plans.terms import terms_for

from . import services
from .access import boards_for, figure_schools_for
from .forms import StartExportForm
from .models import BatchState, ExportBatch
from .monitoring import (
    WINDOW_DAYS,
    board_figures,
    figures_for,
    held_back_for,
    kept_minutes,
    needs_attention_first,
    pending_for,
    totals_of,
)

BATCH_LIST_SIZE = 20
SCHOOLS_PER_PAGE = 25


@login_required
@require_GET
def rod_index(request: HttpRequest) -> HttpResponse:
    boards = list(boards_for(request.user))
    schools = list(figure_schools_for(request.user).exclude(board__in=boards).select_related("board"))
    if not boards and not schools:
        raise Http404
    if len(boards) == 1 and not schools:
        return redirect("registration:board", board_uuid=boards[0].uuid)
    if not boards and len(schools) == 1:
        return redirect("registration:school", school_uuid=schools[0].uuid)
    return render(request, "registration/index.html", {"boards": boards, "schools": schools})


def _board_context(request, board, form=None) -> dict:
    batches = list(ExportBatch.objects.visible_to(request.user).filter(board=board)
                   .select_related("school", "created_by")[:BATCH_LIST_SIZE])
    # Every school is counted, so those with something to do come first and the board's totals are true; the
    # table is rendered a page at a time (issue 12: a board of 100 schools rendered 69 KB on each visit).
    counts, as_of = board_figures(board, batches)
    page = Paginator(sorted(counts, key=needs_attention_first), SCHOOLS_PER_PAGE).get_page(request.GET.get("scholen"))
    return {
        "board": board,
        "figures": [count.figures() for count in page.object_list],  # the rows shown, not every school's
        "totals": totals_of(counts),
        "as_of": as_of,
        "refresh_minutes": kept_minutes(),
        "school_page": page,
        # The form sent back keeps what was sent; a new one lists the kept schools (no query, no model per school).
        "form": form or StartExportForm(board=board, schools=counts),
        "batches": batches,
        # Shown plainly at the top: an export that failed (until it is discarded) or stands still.
        "troubled": [b for b in batches if b.state == BatchState.FAILED or b.stalled],
    }


@login_required
@require_GET
def board_page(request: HttpRequest, board_uuid) -> HttpResponse:
    board = get_object_or_404(boards_for(request.user), uuid=board_uuid)
    return render(request, "registration/board.html", _board_context(request, board))


@login_required
@require_POST
def start_export(request: HttpRequest, board_uuid) -> HttpResponse:
    board = get_object_or_404(boards_for(request.user), uuid=board_uuid)
    form = StartExportForm(request.POST, board=board)
    if form.is_valid():
        try:
            batch = services.start_export(
                user=request.user, board=board, school=form.cleaned_data["scope"], kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("De export is gestart."))
            return redirect("registration:batch", batch_uuid=batch.uuid)
    return render(request, "registration/board.html", _board_context(request, board, form), status=400)


@login_required
@require_GET
def school_page(request: HttpRequest, school_uuid) -> HttpResponse:
    school = get_object_or_404(figure_schools_for(request.user).select_related("board"), uuid=school_uuid)
    figures = figures_for([school])[0]
    return render(request, "registration/school.html", {
        "school": school, "fig": figures, "held_back": held_back_for(school)[:500] if figures.registers else [],
        "pending": pending_for(school) if figures.registers else [], "window_days": WINDOW_DAYS,
        "terms": terms_for(school.school_type), "now": timezone.now(),
        "refresh_minutes": kept_minutes(),
    })


def _batch(request, batch_uuid) -> ExportBatch:
    return get_object_or_404(
        ExportBatch.objects.visible_to(request.user).select_related("board", "school", "created_by", "delivered_by"),
        uuid=batch_uuid,
    )


@login_required
@require_GET
def batch_detail(request: HttpRequest, batch_uuid) -> HttpResponse:
    batch = _batch(request, batch_uuid)
    return render(request, "registration/batch.html", {
        "batch": batch, "held_back": batch.held_back.select_related("school").order_by("pk")[:1000],
        "superseded": services.superseded_by(batch) if batch.state == BatchState.READY else None,
    })


@login_required
@require_GET
def batch_progress(request: HttpRequest, batch_uuid) -> HttpResponse:
    """The progress block, polled by htmx every 2 s while the batch builds; a finished build reloads the page."""
    batch = _batch(request, batch_uuid)
    response = render(request, "registration/_progress.html", {"batch": batch})
    if batch.state != BatchState.BUILDING and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def batch_download(request: HttpRequest, batch_uuid, fmt: str) -> FileResponse:
    batch = _batch(request, batch_uuid)
    field = {"csv": batch.csv_file, "xml": batch.xml_file}.get(fmt)
    if field is None or not field or batch.state not in (BatchState.READY, BatchState.DELIVERED):
        raise Http404
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/xml"
    response = FileResponse(field.open("rb"), as_attachment=True, filename=f"{batch.file_stem}.{fmt}",
                            content_type=content_type)
    response["X-Content-SHA256"] = batch.csv_sha256 if fmt == "csv" else batch.xml_sha256
    return response


@login_required
@require_POST
def batch_deliver(request: HttpRequest, batch_uuid) -> HttpResponse:
    batch = _batch(request, batch_uuid)
    try:
        services.mark_delivered(user=request.user, batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("De export is gemarkeerd als aangeleverd."))
    return redirect("registration:batch", batch_uuid=batch.uuid)


@login_required
@require_POST
def batch_discard(request: HttpRequest, batch_uuid) -> HttpResponse:
    batch = _batch(request, batch_uuid)
    try:
        services.discard(user=request.user, batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("De export is verworpen."))
    return redirect("registration:batch", batch_uuid=batch.uuid)
