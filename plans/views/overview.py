"""The school leader's overview of deadlines, and the personal calendar feed.

The overview is for ib'ers and school leaders (anybody else gets a 404); the feed page for staff who read
plans; the feed itself (`agenda/<token>.ics`) needs no login and shows only what its owner may still see.
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from opp_portal.access import page_caps, reach_of
from opp_portal.accounts import portal_url
from opp_portal.audit.actions import Action
from opp_portal.audit.service import record_read
from schools.access import may_edit_school
from schools.models import School

from .. import calendar
from ..access import opps_for, school_ids_where
from ..overview import build_ib_sections, page_sections
from ..overview_cache import overview_body
from ..selectors import overview_plans
from ..terms import terms_for

# --- the overview -------------------------------------------------------------------------------------------

@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    if not page_caps(request.user).overview:
        raise Http404
    reach = reach_of(request.user)
    schools = list(School.objects.filter(pk__in=reach.editable_school_ids).order_by("name"))
    wanted = request.GET.get("school", "")
    school = next((s for s in schools if str(s.uuid) == wanted), None) if wanted else schools[0]
    if school is None:
        raise Http404
    # Paged in the database: rows are built for the plans shown only; the counts still count every plan. Staff
    # who edit the school see every plan of it: the sections then come from SQL compiled once, and the body is
    # kept until anything it shows changes (plans.overview_cache).
    body, rows = overview_body(overview_plans(request.user, school), school, request.GET,
                               whole_school=may_edit_school(request.user, school.pk))
    # One event for the page (it lists names and deadlines, no plan content), not one per plan.
    record_read(actor=request.user, action=Action.OVERVIEW_VIEWED, obj=school, on_behalf_of=f"school:{school.code}",
                details={"rows": rows})
    context = {
        "schools": schools,
        "school": school,
        "body": body,
        "today": timezone.localdate(),
    }
    return render(request, "plans/overview.html", context)


@login_required
@require_GET
def my_plans(request: HttpRequest) -> HttpResponse:
    """The ib's own plans that need action, at every school where they are ib; where an ib lands after sign-in."""
    if not page_caps(request.user).my_plans:
        raise Http404
    ib_schools = school_ids_where(request.user, "can_draft")
    plans = opps_for(request.user).filter(school_id__in=ib_schools, created_by=request.user)
    sections = build_ib_sections(plans)
    page_sections(sections, request.GET)
    record_read(actor=request.user, action=Action.OVERVIEW_VIEWED, obj=request.user,  # type: ignore[arg-type]
                on_behalf_of=f"user:{request.user.pk}",
                details={"rows": sum(section.count for section in sections), "list": "my_plans"})
    school_types = set(School.objects.filter(pk__in=ib_schools).values_list("school_type", flat=True))
    context = {"sections": sections, "today": timezone.localdate(),
               "terms": terms_for(school_types.pop() if len(school_types) == 1 else "bao")}
    return render(request, "plans/my_plans.html", context)


# --- the calendar feed ----------------------------------------------------------------------------------------

def _feed_url(request: HttpRequest, feed) -> str:
    # The portal's public address: a feed link copied into an agenda must not carry the host a request used.
    return portal_url(reverse("plans:calendar_feed", kwargs={"token": feed.token}))


@login_required
@require_GET
@never_cache
def calendar_page(request: HttpRequest) -> HttpResponse:
    if not calendar.may_have_feed(request.user):
        raise Http404
    feeds = list(calendar.active_feeds(request.user))
    items = [{"feed": feed, "url": _feed_url(request, feed),
              "webcal": "webcal://" + _feed_url(request, feed).split("://", 1)[1]} for feed in feeds]
    return render(request, "plans/calendar.html", {"items": items})


@login_required
@require_POST
def calendar_create(request: HttpRequest) -> HttpResponse:
    try:
        calendar.create_feed(user=request.user)
    except calendar.NotAllowed:
        raise Http404 from None
    messages.success(request, _("Uw agendakoppeling is klaar. Kopieer de link naar uw agenda-app."))
    return redirect("plans:calendar")


@login_required
@require_POST
def calendar_revoke(request: HttpRequest, feed_uuid) -> HttpResponse:
    feed = get_object_or_404(calendar.active_feeds(request.user), uuid=feed_uuid)
    calendar.revoke_feed(user=request.user, feed=feed)
    messages.success(request, _("De agendakoppeling is ingetrokken. De link werkt niet meer."))
    return redirect("plans:calendar")


@require_GET
@never_cache
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics file itself: no login, a secret token; unknown and revoked tokens are a 404."""
    feed = calendar.feed_for_token(token)
    if feed is None:
        raise Http404
    base_url = portal_url()
    body = calendar.render_feed(feed, base_url=base_url, host=urlsplit(base_url).hostname or "opp-portaal")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="opp-deadlines.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
