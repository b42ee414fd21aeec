"""The outbox page: mail that has not gone out yet or failed for good, and "opnieuw versturen".

Superusers see all of it; a school leader sees the mail sent on behalf of their school. Anyone else gets a
404. Only who, what about and why it failed are shown, never a mail's text.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opp_portal import mail
from opp_portal.access import mail_school_ids, page_caps

from .models import UNSENT, MailStatus, OutgoingEmail

LIST_SIZE = 200


def visible_mail(user):
    """The outbox rows `user` may see; None when they may see none (a 404)."""
    if not page_caps(user).outbox:
        return None
    schools = mail_school_ids(user)
    return OutgoingEmail.objects.all() if schools is None else OutgoingEmail.objects.filter(school_id__in=schools)


@login_required
@require_GET
def outbox_page(request: HttpRequest) -> HttpResponse:
    rows = visible_mail(request.user)
    if rows is None:
        raise Http404
    fields = ("uuid", "created_at", "status", "subject", "to", "attempts", "next_attempt_at", "last_error")
    return render(request, "outbox/outbox.html", {
        "failed": rows.filter(status=MailStatus.FAILED).only(*fields).order_by("-created_at")[:LIST_SIZE],
        "unsent": rows.filter(status__in=UNSENT).only(*fields).order_by("created_at")[:LIST_SIZE],
        "oldest_unsent": rows.filter(status__in=UNSENT).order_by("created_at").values_list("created_at", flat=True)
        .first(),
    })


@login_required
@require_POST
def retry(request: HttpRequest, email_uuid) -> HttpResponse:
    rows = visible_mail(request.user)
    if rows is None:
        raise Http404
    row = get_object_or_404(rows.filter(status=MailStatus.FAILED), uuid=email_uuid)
    mail.retry(user=request.user, email=row)
    messages.success(request, _("De e-mail aan %(to)s wordt opnieuw verstuurd.") % {"to": ", ".join(row.to)})
    return redirect("outbox:page")
