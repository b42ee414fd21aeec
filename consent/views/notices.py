"""Staff notices in the portal: a parent refused or asked for a conversation (rule 4), or an unreachable
guardian waits for the school leader's confirmation (rule 3). Only the user's own notices, about plans they
still reach."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opp_portal.access import page_caps

from .. import services
from ..outreach import StaffNotice

SHOWN = 100


def _require_notices(user) -> None:
    """The notices are for staff who keep or read consent records (the menu's item); anyone else gets a 404."""
    if not page_caps(user).notices:
        raise Http404


@login_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    _require_notices(request.user)
    items = (StaffNotice.objects.visible_to(request.user).select_related("opp__pupil", "opp__school")
             .order_by("read_at", "-created_at")[:SHOWN])
    return render(request, "consent/notices.html", {"notices": items})


@login_required
@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    _require_notices(request.user)
    count = services.mark_notices_read(user=request.user)
    if count:
        messages.success(request, _("Alle meldingen staan op gelezen."))
    return redirect("consent:notices")
