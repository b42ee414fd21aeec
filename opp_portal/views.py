from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health
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
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer and monitoring: 200 when the database and the broker answer, otherwise 503;
    the body says which, and how old the oldest unsent mail and the oldest stuck job are."""
    body, healthy = health.report()
    return JsonResponse(body, status=200 if healthy else 503)
