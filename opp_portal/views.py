from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health
from .access import page_caps, reach_of


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the page their role starts from: the school leader to the overview of deadlines and
    plans ready to adopt, an ib to their own plans that need action, a teacher to their pupils, a board
    administrator to the ROD registration."""
    start = page_caps(request.user).start
    if start:
        return redirect(start)
    return render(request, "no_access.html")


def refused(request: HttpRequest, message: str, *, back: str, status: int = 403) -> HttpResponse:
    """A step the user may not take on a record they may read: the reason and a way back, never the record
    itself (a refusal shows no plan content, and so needs no read in the audit trail)."""
    return render(request, "refused.html", {"message": message, "back": back}, status=status)


@login_required
@require_GET
def account_email(request: HttpRequest) -> HttpResponse:
    """Which address the account uses; changing it goes through the school (or the portal's administrator)."""
    return render(request, "account/email_fixed.html", {"reach": reach_of(request.user)})


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico; the file lives with the static files. Resolved per request, because in
    production its hashed name comes from the manifest that `collectstatic` writes after the URLs are loaded."""
    return redirect(static("favicon.ico"), permanent=True)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer and monitoring: 200 when the database and the broker answer, otherwise 503;
    the body says which, and how old the oldest unsent mail and the oldest stuck job are."""
    body, healthy = health.report()
    return JsonResponse(body, status=200 if healthy else 503)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin has no sign-in of its own: it would take a password alone, without the second factor and
    without the rate limits. Every method (a POSTed password too) is sent to the portal's sign-in."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(target)
        # Signed in without the admin's rights: the portal's sign-in would send them straight back here.
        return refused(request, _("Het beheer is alleen voor de beheerders van het portaal."),
                       back=reverse("home"))
    return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")
