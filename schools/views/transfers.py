"""Overstappen: the current school (ib, school leader) and the family confirm or refuse a transfer.

The receiving school sees only the transfers that were confirmed: a pending or refused one looks exactly like
a new pupil nobody knew, so this page cannot be used to learn which numbers exist elsewhere.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from opp_portal.access import reach_of

from .. import transfers
from ..models import Enrolment, School, TransferDecider

CONFIRM, DECLINE = "bevestigen", "weigeren"


class DecisionForm(forms.Form):
    besluit = forms.ChoiceField(choices=[(CONFIRM, CONFIRM), (DECLINE, DECLINE)])
    toelichting = forms.CharField(
        label=gettext_lazy("Toelichting (niet verplicht)"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _with_incoming_enrolment(items):
    """The receiving school's enrolment as it entered it: what the current school checks before deciding."""
    enrolments = Enrolment.objects.filter(pupil_id__in=[t.incoming_id for t in items]).select_related("school")
    by_record = {}
    for enrolment in enrolments.order_by("enrolment_date", "pk"):
        by_record.setdefault(enrolment.pupil_id, enrolment)
    for item in items:
        item.incoming_enrolment = by_record.get(item.incoming_id)
    return items


@login_required
@require_GET
def transfer_list(request: HttpRequest) -> HttpResponse:
    schools = School.objects.editable_by(request.user)
    if not schools.exists():
        raise Http404
    family = reach_of(request.user).family_pupil_ids
    waiting = [t for t in transfers.decidable_by(request.user) if t.pupil_id not in family]
    context = {
        "waiting": _with_incoming_enrolment(waiting),
        "confirmed": transfers.confirmed_into(request.user, schools),
        "form": DecisionForm(),
    }
    return render(request, "schools/transfers.html", context)


@login_required
@require_POST
def transfer_decide(request: HttpRequest, transfer_uuid) -> HttpResponse:
    transfer = next((t for t in transfers.decidable_by(request.user) if str(t.uuid) == str(transfer_uuid)), None)
    if transfer is None:
        raise Http404
    form = DecisionForm(request.POST)
    back = "schools:my_children" if transfer.pupil_id in reach_of(request.user).family_pupil_ids else (
        "schools:transfer_list")
    if not form.is_valid():
        messages.error(request, _("Kies of de overstap klopt of niet."))
        return redirect(back)
    confirm = form.cleaned_data["besluit"] == CONFIRM
    try:
        decided = transfers.decide(user=request.user, transfer=transfer, confirm=confirm,
                                   reason=form.cleaned_data["toelichting"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except IntegrityError:
        messages.error(request, _("De overstap kon niet worden verwerkt, omdat de gegevens intussen zijn gewijzigd. "
                                  "Probeer het opnieuw of neem contact op met de functioneel beheerder."))
    else:
        if confirm:
            messages.success(request, _("De overstap is bevestigd. De nieuwe school werkt nu met dezelfde gegevens."))
        elif decided.decided_as == TransferDecider.FAMILY:
            messages.success(request, _("U heeft aangegeven dat de overstap niet klopt. De nieuwe school krijgt geen "
                                        "gegevens van uw kind. Neem bij twijfel contact op met de school van uw kind."))
        else:
            messages.success(request, _("De overstap is niet bevestigd. De nieuwe school krijgt geen gegevens van "
                                        "deze leerling."))
    return redirect(back)
