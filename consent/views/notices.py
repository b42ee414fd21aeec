"""Staff notices in the portal: a parent refused or asked for a conversation (rule 4), or an unreachable
guardian waits for the school leader's confirmation (rule 3). Only the user's own notices, about plans they
still reach."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import services
from ..outreach import StaffNotice

SHOWN = 100


@login_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    items = (StaffNotice.objects.visible_to(request.user).select_related("opp__pupil", "opp__school")
             .order_by("read_at", "-created_at")[:SHOWN])
    return render(request, "consent/notices.html", {"notices": items})


@login_required
@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_notices_read(user=request.user)
    if count:
        messages.success(request, _("Alle meldingen staan op gelezen."))
    return redirect("consent:notices")
