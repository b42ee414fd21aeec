from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .access import reach_of


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the page their role starts from."""
    reach = reach_of(request.user)
    if reach.everything or reach.editable_school_ids or reach.teacher_groups:
        return redirect("schools:pupil_list")
    if reach.board_ids or reach.swv_ids or reach.school_ids:
        return redirect("schools:school_list")
    if reach.family_pupil_ids:
        return redirect("schools:my_children")
    return render(request, "no_access.html")


@login_required
@require_GET
def account_email(request: HttpRequest) -> HttpResponse:
    """Which address the account uses; changing it goes through the school (or the portal's administrator)."""
    return render(request, "account/email_fixed.html", {"reach": reach_of(request.user)})


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
