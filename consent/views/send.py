"""'Versie vastleggen en ter instemming voorleggen': the preview of who will be asked and how, then freezing the
draft and asking for instemming in one step (`consent.services.send_for_instemming`).

Only the ib of the plan's school sends; others who reach the plan are sent back to it with a message, outsiders
get a 404. The confirmation says exactly what happened: which version, who got an email, who must be asked on
paper.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from plans import services as plan_services
from plans.content import same_content, snapshot
from plans.models import OppStatus
from plans.requirements import content_gaps

from .. import services
from ..access import get_staff_opp, opp_access
from ..sending import invitation_routes

SUBSTANTIAL = (
    ("ja", _lazy("Ja: de commissie adviseert opnieuw over deze versie")),
    ("nee", _lazy("Nee: het advies over de vorige versie blijft gelden")),
)


class SendForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_lazy("Reden van het verzoek"), max_length=300,
        help_text=_lazy("De ouders lezen dit bij het plan in het portaal (niet in de e-mail). Schrijf waarom, niet "
                        "wat: bijvoorbeeld nieuw plan, of aangepast na de evaluatie."),
        error_messages={"required": _lazy("Geef de reden van het verzoek."),
                        "max_length": _lazy("De reden is te lang: hoogstens %(limit_value)d tekens.")},
    )
    substantial = forms.ChoiceField(
        label=_lazy("Is dit een ingrijpende wijziging?"), choices=SUBSTANTIAL, widget=forms.RadioSelect,
        help_text=_lazy("Bij een ingrijpende wijziging adviseert de commissie opnieuw voordat het plan wordt "
                        "vastgesteld."),
        error_messages={"required": _lazy("Kies of de wijziging ingrijpend is.")},
    )

    def __init__(self, *args, ask_substantial: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_substantial:
            del self.fields["substantial"]

    def substantial_change(self) -> bool | None:
        value = self.cleaned_data.get("substantial")
        return None if value is None else value == "ja"


def _plan_url(opp) -> str:
    return reverse("plans:draft", kwargs={"opp_uuid": opp.uuid})


def _preview(opp) -> dict:
    latest = opp.latest_version
    same = latest is not None and latest.pk != opp.adopted_version_id and same_content(latest.content, snapshot(opp))
    number = latest.number if same else (latest.number + 1 if latest else 1)
    return {
        "latest": latest,
        "resend": same,
        "number": number,
        "invitations": invitation_routes(opp, latest if same else None),
        "ask_substantial": opp.needs_commissie_advice and latest is not None and not same,
    }


def _default_reason(opp) -> str:
    if opp.adjustment_reason:
        return opp.adjustment_reason[:300]
    if opp.adopted_version_id:
        return _("Aangepast plan")
    return _("Nieuw plan")


def _render(request, opp, preview, form, status=200) -> HttpResponse:
    context = {
        "opp": opp,
        "form": form,
        "gaps": content_gaps(opp),
        **preview,
        "compare_from": opp.adopted_version or (preview["latest"] if not preview["resend"] else None),
    }
    return render(request, "consent/send.html", context, status=status)


def _confirmation(sent) -> str:
    n = sent.version.number
    if sent.request is None:
        return _("Versie %(n)s ligt weer ter instemming. Iedereen was al gevraagd over deze versie, dus er is geen "
                 "nieuwe e-mail verstuurd; stuur zo nodig een herinnering.") % {"n": n}
    online = [r for r in sent.recipients if r.email]
    paper = [r for r in sent.recipients if not r.email]
    parts = [_("Versie %(n)s is vastgelegd en ter instemming voorgelegd.") % {"n": n} if sent.new_version
             else _("Versie %(n)s ligt weer ter instemming.") % {"n": n}]
    if online:
        # Queued in the outbox with this commit and sent after it (later, if the mail server fails): "wordt".
        parts.append(_("Een e-mail met een link naar het portaal wordt verstuurd aan %(names)s.")
                     % {"names": ", ".join(f"{r.name} ({r.email})" for r in online)})
    if paper:
        parts.append(_("Op papier vragen: %(names)s (geen e-mailadres bekend). Geef het plan mee en leg het besluit "
                       "vast bij 'Overleg, hoorrecht en instemming'.") % {"names": ", ".join(r.name for r in paper)})
    return " ".join(parts)


@login_required
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest, opp_uuid) -> HttpResponse:
    user = request.user
    opp = get_staff_opp(user, opp_uuid)
    if not opp_access(user, opp).can_send:
        messages.error(request, _("Alleen de intern begeleider van de school legt een versie vast en legt die "
                                  "ter instemming voor."))
        return redirect(_plan_url(opp))
    if not opp.is_editable:
        if opp.status == OppStatus.BEEINDIGD:
            messages.error(request, _("Dit plan is beëindigd."))
        else:
            messages.info(request, _("Deze versie is al vastgelegd en voorgelegd. Wilt u het plan wijzigen, kies dan "
                                     "eerst 'Plan aanpassen'."))
        return redirect(_plan_url(opp))
    preview = _preview(opp)
    if request.method == "GET":
        form = SendForm(initial={"revision": opp.revision, "reason": _default_reason(opp)},
                        ask_substantial=preview["ask_substantial"])
        return _render(request, opp, preview, form)
    form = SendForm(request.POST, ask_substantial=preview["ask_substantial"])
    if not form.is_valid():
        return _render(request, opp, preview, form, status=400)
    try:
        sent = services.send_for_instemming(
            user=user, opp=opp, expected_revision=form.cleaned_data["revision"], reason=form.cleaned_data["reason"],
            substantial_change=form.substantial_change(),
        )
    except plan_services.ConflictError:
        messages.error(request, _("Iemand anders heeft dit plan intussen gewijzigd. Er is niets vastgelegd of "
                                  "verstuurd; bekijk het plan en leg het opnieuw voor."))
        return redirect(_plan_url(opp))
    except (plan_services.RoleRequired, services.RoleRequired, plan_services.NotAllowed):
        raise Http404 from None
    except (plan_services.PlanRuleError, services.ConsentError) as error:
        opp.refresh_from_db()
        form.add_error(None, _("Er is niets vastgelegd of verstuurd.") + " " + " ".join(error.messages))
        return _render(request, opp, _preview(opp), form, status=400)
    messages.success(request, _confirmation(sent))
    return redirect(_plan_url(opp))

