"""The pupil's own plan in child-friendly words, and "Hoe denk jij erover?" (the pupil's hearing, rule 5).

A pupil reaches only their own plans once a version was sent; everything else is a 404. An adult pupil
(18 or older) decides on instemming here, instead of the parents.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from opp_portal.errors import focus_first_error, show_on_form
from plans.models import Opp
from schools.access import own_records_for

from .. import services
from ..access import own_opps
from ..forms import PupilViewForm
from ..models import Hearing, HearingSource
from ..parties import decides_themself
from ._facts import plan_facts
from ._plan import audit_family_read, my_recipient, readable, shown_version
from .family import _decision_block
from .log import log_rows


def pupil_page(request: HttpRequest, opp: Opp, *, form=None, decision_form=None, status=200) -> HttpResponse:
    version, asked = shown_version(opp)
    audit_family_read(request, opp, version)  # also when a form is shown again with its errors
    block = _decision_block(request, opp, version, asked, form=decision_form, pupil=True)
    context = {
        "opp": opp,
        "version": version,
        "content": readable(version),
        "form": form or PupilViewForm(),
        **plan_facts(request.user, opp),
        # An adult pupil decides like a parent, and gets what a parent gets: the plan as a PDF.
        "adult": decides_themself(opp.pupil, timezone.localdate()),
        "my_answers": Hearing.objects.filter(  # type: ignore[misc]
            opp=opp, source=HearingSource.PUPIL, recorded_by=request.user),
        **block,
    }
    return render(request, "consent/pupil_plan.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def pupil_plan(request: HttpRequest, opp_uuid) -> HttpResponse:
    opp = get_object_or_404(own_opps(request.user), uuid=opp_uuid)
    if request.method == "GET":
        version, asked = shown_version(opp)
        if asked:
            recipient = my_recipient(request.user, version)  # only an adult pupil is asked
            if recipient is not None and recipient.opened_at is None:
                services.mark_opened(recipient_user=request.user, request=recipient.request)
        return pupil_page(request, opp)
    form = PupilViewForm(request.POST)
    if form.is_valid():
        try:
            services.record_pupil_view(pupil_user=request.user, opp=opp, text=form.cleaned_data["text"])
        except services.NotAllowed:
            raise Http404 from None
        except services.ConsentError as error:
            show_on_form(form, error, default="text")
        else:
            messages.success(request, _("Dank je! De school leest wat je hebt geschreven."))
            return redirect(reverse("consent:pupil_plan", kwargs={"opp_uuid": opp.uuid}) + "#jouw-mening")
    return pupil_page(request, opp, form=focus_first_error(form))


@login_required
@require_GET
def pupil_plans(request: HttpRequest) -> HttpResponse:
    plans = list(own_opps(request.user).order_by("-created_at"))
    if len(plans) == 1:
        return redirect("consent:pupil_plan", opp_uuid=plans[0].uuid)
    return render(request, "consent/pupil_plans.html", {"plans": plans})


@login_required
@require_GET
def pupil_log(request: HttpRequest, pupil_uuid) -> HttpResponse:
    """Who at the school read or changed the pupil's own record and plan: their right of access (AVG art. 15)."""
    pupil = get_object_or_404(own_records_for(request.user), uuid=pupil_uuid)
    page = log_rows(request.user, pupil, request.GET.get("pagina"), own=True)
    return render(request, "consent/log.html", {"pupil": pupil, "page": page, "own": True})
