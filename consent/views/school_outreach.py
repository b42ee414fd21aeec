"""The school's pages for reaching the family: recording that a guardian cannot be reached (the ib) and
confirming it (a school leader), and inviting the pupil to their own page. Out of reach is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from opp_portal.errors import focus_first_error, show_on_form

from .. import services
from ..access import get_staff_opp, staff_opps
from ..forms import InvitePupilForm, UnreachableForm
from ..models import Unreachability
from .school import _page, _refused, _staff_recipient, page_url


@login_required
@require_http_methods(["GET", "POST"])
def record_unreachable(request: HttpRequest, recipient_uuid) -> HttpResponse:
    recipient = _staff_recipient(request.user, recipient_uuid)
    opp = recipient.request.version.opp
    form = UnreachableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_unreachable(user=request.user, recipient=recipient, reason=data["reason"],
                                        attempts=data["attempts"], explanation=data["explanation"])
        except (services.RoleRequired, services.NotAllowed) as error:
            return _refused(request, opp, error)
        except services.ConsentError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Vastgelegd dat %(name)s niet bereikbaar is. Een schoolleider bevestigt het; "
                                        "pas daarna volstaat het akkoord van de andere ouder.")
                             % {"name": recipient.name})
            return redirect(page_url(opp, "instemming"))
    focus_first_error(form)
    return render(request, "consent/unreachable_form.html", {"opp": opp, "recipient": recipient, "form": form})


def _unreachability(user, uuid) -> Unreachability:
    items = (Unreachability.objects.visible_to(user)
             .filter(recipient__request__version__opp__in=staff_opps(user))
             .select_related("recipient__request__version__opp__school"))
    return get_object_or_404(items, uuid=uuid)


@login_required
@require_POST
def confirm_unreachable(request: HttpRequest, unreachability_uuid) -> HttpResponse:
    item = _unreachability(request.user, unreachability_uuid)
    opp = item.recipient.request.version.opp
    try:
        services.confirm_unreachable(user=request.user, unreachability=item)
    except services.NotAllowed:
        return _refused(request, opp, services.NotAllowed())
    except services.RoleRequired:
        messages.error(request, _("Alleen een schoolleider bevestigt dat een ouder niet bereikbaar is."))
    except services.ConsentError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Bevestigd: %(name)s is niet bereikbaar.") % {"name": item.recipient.name})
    return redirect(page_url(opp, "instemming"))


@login_required
@require_POST
def withdraw_unreachable(request: HttpRequest, unreachability_uuid) -> HttpResponse:
    item = _unreachability(request.user, unreachability_uuid)
    opp = item.recipient.request.version.opp
    try:
        services.withdraw_unreachable(user=request.user, unreachability=item)
    except (services.RoleRequired, services.NotAllowed) as error:
        return _refused(request, opp, error)
    except services.ConsentError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Ingetrokken: %(name)s telt weer mee als ouder die moet beslissen.")
                         % {"name": item.recipient.name})
    return redirect(page_url(opp, "instemming"))


@login_required
@require_POST
def invite_pupil(request: HttpRequest, opp_uuid) -> HttpResponse:
    opp = get_staff_opp(request.user, opp_uuid)
    form = InvitePupilForm(request.POST)
    if form.is_valid():
        try:
            services.invite_pupil(user=request.user, pupil=opp.pupil, school=opp.school,
                                  younger_by_choice=form.cleaned_data["younger_by_choice"])
        except (services.RoleRequired, services.NotAllowed) as error:
            return _refused(request, opp, error)
        except services.ConsentError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("%(name)s krijgt een e-mail met een persoonlijke link naar de eigen pagina.")
                             % {"name": opp.pupil.first_name})
            return redirect(page_url(opp, "hoorrecht"))
    return _page(request, opp, forms={"invite": focus_first_error(form)})
