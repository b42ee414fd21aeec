from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .access import reach_of


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the page their role starts from: the school leader to the overview of deadlines and
    plans ready to adopt, an ib to their own plans that need action, a teacher to their pupils, a board
    administrator to the ROD registration."""
    reach = reach_of(request.user)
    if reach.everything:
        return redirect("schools:pupil_list")
    if reach.schools_with_role("school_leader"):
        return redirect("plans:overview")
    if reach.schools_with_role("ib"):
        return redirect("plans:my_plans")
    if reach.editable_school_ids or reach.teacher_groups:
        return redirect("schools:pupil_list")
    if reach.board_ids:
        return redirect("registration:index")
    if reach.swv_ids or reach.school_ids:
        return redirect("schools:school_list")
    if reach.family_pupil_ids:
        return redirect("schools:my_children")
    return render(request, "no_access.html")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
