"""The school's consent page for one plan: overleg with the parents (OOGO), the pupil's hearing, asking for
instemming, per-parent status with reminders, decisions given on paper (with a scan) and the parents' views.

ib records; the school leader reads (and may record a decision given on paper, as the service allows).
Every form posts to `consent.services`; a form with errors is shown again with the message next to the field.
"""

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opp_portal.audit.actions import Action
from opp_portal.audit.service import record_plan_read, record_read
from opp_portal.errors import field_of, focus_first_error, show_on_form
from opp_portal.mail import latest_status_by_topic
from opp_portal.outbox.models import MailStatus
from plans.models import Evaluation, Opp, OppStatus
from plans.terms import terms_for

from .. import services
from ..access import get_staff_opp, opp_access, staff_opps
from ..emails import mail_topic
from ..forms import (
    SCAN_CONTENT_TYPES,
    HearingForm,
    InvitePupilForm,
    OogoForm,
    PaperDecisionForm,
    RequestForm,
    scan_extension,
)
from ..models import (
    InstemmingDecision,
    InstemmingRecipient,
    RecipientState,
    Unreachability,
)
from ..parties import asking_channels, deciding_parties
from ..records import PlanRecords, read_records

STATE_BADGES = {
    RecipientState.NOT_OPENED: "text-bg-secondary",
    RecipientState.OPENED: "text-bg-info",
    RecipientState.AKKOORD: "text-bg-success",
    RecipientState.NIET_AKKOORD: "text-bg-danger",
    RecipientState.GESPREK_GEWENST: "text-bg-warning",
}
NOW = "nu"


def page_url(opp: Opp, anchor: str = "") -> str:
    url = reverse("consent:school", kwargs={"opp_uuid": opp.uuid})
    return f"{url}#{anchor}" if anchor else url


def _about_choices(opp: Opp, evaluations=None):
    latest = opp.latest_version
    if opp.status == OppStatus.TER_INSTEMMING and latest:
        now = _("Versie %(n)s, die nu ter instemming ligt") % {"n": latest.number}
    else:
        now = _("Het plan zoals het nu wordt opgesteld of aangepast")
    choices = [(NOW, now)]
    if evaluations is None:
        evaluations = Evaluation.objects.filter(opp=opp).order_by("-evaluated_on")
    for evaluation in evaluations:
        choices.append((f"evaluatie:{evaluation.uuid}", _("De evaluatie van %(day)s")
                        % {"day": date_format(evaluation.evaluated_on, "j F Y")}))
    return choices


def recipients_of(version, records: PlanRecords):
    """The deciding parties asked about `version`, each with their current decision (or none), from the plan's
    records as the page read them for its user (`consent.records`, `version` being the latest)."""
    if version is None:
        return []
    rows = _in_request_order(records.recipients)
    unreachable: Iterable[Unreachability] = records.open_unreachable
    decisions: Iterable[InstemmingDecision] = records.latest_decisions
    mails = latest_status_by_topic(mail_topic(row) for row in rows) if rows else {}
    open_records = {u.recipient_id: u for u in unreachable}
    latest = {d.recipient_id: d for d in decisions}
    for row in rows:
        row._latest_decision = latest.get(row.pk)
        row.mail = mails.get(mail_topic(row))  # "wordt verstuurd", "verstuurd" or "mislukt"
        row.unreachable = open_records.get(row.pk)
        row.current = row.latest_decision
        row.current_state = row.current.decision if row.current else (
            RecipientState.OPENED if row.opened_at else RecipientState.NOT_OPENED)
        row.state_label = RecipientState(row.current_state).label
        row.badge = STATE_BADGES[row.current_state]
    return rows


def _in_request_order(rows: list) -> list:
    """Recipients in their model's order (by request: the newest request first; then as added)."""
    return sorted(rows, key=lambda r: (-r.request.created_at.timestamp(), -r.request_id, r.pk))


def not_asked(opp: Opp, recipients, parties=None) -> list[str]:
    asked = {r.party for r in recipients}
    if parties is None:
        parties = deciding_parties(opp.pupil, timezone.localdate())
    return [p.name for p in parties if p.key not in asked]


def _page(request: HttpRequest, opp: Opp, *, forms: dict | None = None, status: int = 200) -> HttpResponse:
    # Every answer that shows these records (also a form shown again with its errors) records the read.
    record_plan_read(request=request, opp=opp, what="consent", action=Action.CONSENT_VIEWED)
    user = request.user
    caps = opp_access(user, opp)
    is_ib = caps.can_draft
    open_plan = opp.status != OppStatus.BEEINDIGD
    # Every record the page shows, as the user may see it, in one query (issue 12; `consent.records`).
    records = read_records(opp, user=user, full=True)
    latest = opp.latest_version
    recipients = recipients_of(latest, records)
    forms = forms or {}
    can_request = is_ib and opp.status == OppStatus.TER_INSTEMMING and latest is not None
    # The deciding parties once for the page: who was not asked, and how each would be asked.
    parties = deciding_parties(opp.pupil, timezone.localdate(), records.guardians) if latest or can_request else []
    missing = not_asked(opp, recipients, parties) if latest else []
    context = {
        "opp": opp,
        "latest": latest,
        "is_ib": is_ib,
        "caps": caps,
        "channels": asking_channels(opp.pupil, parties=parties) if can_request else [],
        "pupil_invitations": records.invitations[:5],
        "invite_form": forms.get("invite") or InvitePupilForm(),
        "pupil_is_young": opp.pupil.age_years < 12,
        "can_record": is_ib and open_plan,
        "can_record_paper": caps.can_record_paper_decision and opp.status == OppStatus.TER_INSTEMMING,
        "can_remind": is_ib and opp.status == OppStatus.TER_INSTEMMING,
        "can_request": can_request and (not recipients or bool(missing) or any(
            r.mail and r.mail.status == MailStatus.FAILED for r in recipients)),
        "recipients": recipients,
        "not_asked": missing,
        "requests": records.requests,
        "decisions": records.decisions,
        "meetings": records.meetings,
        "hearings": records.hearings,
        "parent_views": records.parent_views,
        "oogo_form": forms.get("oogo") or OogoForm(),
        "hearing_form": forms.get("hearing") or HearingForm(about_choices=_about_choices(opp, records.evaluations)),
        "request_form": forms.get("request") or RequestForm(),
        "open_form": next(iter(forms), ""),
        "terms": terms_for(opp.school_type),
    }
    return render(request, "consent/school.html", context, status=status)


@login_required
@require_GET
def school_page(request: HttpRequest, opp_uuid) -> HttpResponse:
    opp = get_staff_opp(request.user, opp_uuid)
    services.mark_notices_read(user=request.user, opp=opp)
    return _page(request, opp)


def _ended(request: HttpRequest, opp: Opp) -> HttpResponse | None:
    """An ended plan shows no forms, so a form posted to it (an old tab, a replay) is answered with a message
    instead of a page that silently shows nothing saved. The services refuse it too."""
    if opp.status != OppStatus.BEEINDIGD:
        return None
    messages.error(request, _("Niet vastgelegd: dit plan is beëindigd."))
    return redirect(page_url(opp))


def _refused(request: HttpRequest, opp: Opp, error) -> HttpResponse:
    if isinstance(error, services.NotAllowed):
        raise Http404
    messages.error(request, _("Alleen de intern begeleider van de school legt dit vast."))
    return redirect(page_url(opp))


@login_required
@require_POST
def record_oogo(request: HttpRequest, opp_uuid) -> HttpResponse:
    opp = get_staff_opp(request.user, opp_uuid)
    if (ended := _ended(request, opp)) is not None:
        return ended
    form = OogoForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_oogo(
                user=request.user, opp=opp, held_on=data["held_on"], participants=data["participants"],
                discussed_handelingsdeel="handelingsdeel" in data["parts"],
                discussed_uitstroomperspectief="uitstroomperspectief" in data["parts"],
                parents_view=data["parents_view"], agreements=data["agreements"],
            )
        except (services.RoleRequired, services.NotAllowed) as error:
            return _refused(request, opp, error)
        except services.ConsentError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Het overleg met de ouders is vastgelegd."))
            return redirect(page_url(opp, "overleg"))
    return _page(request, opp, forms={"oogo": form})


@login_required
@require_POST
def record_hearing(request: HttpRequest, opp_uuid) -> HttpResponse:
    opp = get_staff_opp(request.user, opp_uuid)
    if (ended := _ended(request, opp)) is not None:
        return ended
    form = HearingForm(request.POST, about_choices=_about_choices(opp))
    if form.is_valid():
        data = form.cleaned_data
        evaluation = None
        if data["about"] != NOW:
            evaluation = get_object_or_404(Evaluation, opp=opp, uuid=data["about"].split(":", 1)[1])
        heard = data["heard"] == "ja"
        try:
            services.record_hearing(
                user=request.user, opp=opp, heard=heard, heard_on=data.get("heard_on"),
                method=data.get("method") or "" if heard else "", heard_by=data.get("heard_by") or "",
                pupil_view=data.get("pupil_view") or "", school_response=data.get("school_response") or "",
                not_heard_reason="" if heard else data.get("not_heard_reason") or "", evaluation=evaluation,
            )
        except (services.RoleRequired, services.NotAllowed) as error:
            return _refused(request, opp, error)
        except services.ConsentError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Het hoorrecht van de leerling is vastgelegd."))
            return redirect(page_url(opp, "hoorrecht"))
    return _page(request, opp, forms={"hearing": form})


@login_required
@require_POST
def request_instemming(request: HttpRequest, opp_uuid) -> HttpResponse:
    opp = get_staff_opp(request.user, opp_uuid)
    form = RequestForm(request.POST)
    version = opp.latest_version
    if form.is_valid():
        if version is None:
            form.add_error(None, _("Er is nog geen versie verstuurd."))
        else:
            try:
                made = services.request_instemming(user=request.user, version=version,
                                                   reason=form.cleaned_data["reason"],
                                                   answer_by=form.cleaned_data["answer_by"])
            except (services.RoleRequired, services.NotAllowed) as error:
                return _refused(request, opp, error)
            except services.ConsentError as error:
                if field_of(error) in form.fields:
                    show_on_form(form, error)
                else:  # e.g. everyone was asked already (the form sent twice): the form may not be on the page
                    messages.error(request, " ".join(error.messages))
                    return redirect(page_url(opp, "instemming"))
            else:
                asked = list(made.recipients.all())
                online = ", ".join(r.name for r in asked if r.current_email)
                paper = ", ".join(r.name for r in asked if not r.current_email)
                if online:
                    messages.success(request, _("De instemming is gevraagd aan %(names)s. Zij krijgen een e-mail met "
                                                "een persoonlijke link naar het portaal.") % {"names": online})
                if paper:
                    messages.warning(request, _("Van %(names)s is geen e-mailadres bekend: vraag op papier of voeg een "
                                                "e-mailadres toe en stuur dan een herinnering.") % {"names": paper})
                return redirect(page_url(opp, "instemming"))
    return _page(request, opp, forms={"request": focus_first_error(form)})


def _staff_recipient(user, recipient_uuid) -> InstemmingRecipient:
    recipients = (InstemmingRecipient.objects.visible_to(user)
                  .filter(request__version__opp__in=staff_opps(user))
                  .select_related("request__version__opp__school", "request__version__opp__pupil"))
    return get_object_or_404(recipients, uuid=recipient_uuid)


@login_required
@require_POST
def send_reminder(request: HttpRequest, recipient_uuid) -> HttpResponse:
    recipient = _staff_recipient(request.user, recipient_uuid)
    opp = recipient.request.version.opp
    try:
        services.send_reminder(user=request.user, recipient=recipient)
    except (services.RoleRequired, services.NotAllowed) as error:
        return _refused(request, opp, error)
    except services.ConsentError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Een herinnering wordt verstuurd aan %(name)s.") % {"name": recipient.name})
    return redirect(page_url(opp, "instemming"))


@login_required
@require_http_methods(["GET", "POST"])
def paper_decision(request: HttpRequest, recipient_uuid) -> HttpResponse:
    recipient = _staff_recipient(request.user, recipient_uuid)
    version = recipient.request.version
    opp = version.opp
    if request.method == "POST":
        form = PaperDecisionForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_paper_decision(
                    user=request.user, recipient=recipient, decision=data["decision"], reason=data["reason"],
                    how=data["how"], scan=data.get("scan"), decided_at=form.decided_at(version.created_at),
                )
            except (services.RoleRequired, services.NotAllowed) as error:
                return _refused(request, opp, error)
            except services.ConsentError as error:
                show_on_form(form, error)
            else:
                told = _("%(name)s krijgt daarover een e-mail.") if recipient.current_email else _(
                    "Van %(name)s is geen e-mailadres bekend: laat de ouder zelf weten wat u hebt vastgelegd.")
                messages.success(request, (_("Het besluit van %(name)s is vastgelegd.") + " " + told)
                                 % {"name": recipient.name})
                return redirect(page_url(opp, "instemming"))
        focus_first_error(form)
    else:
        form = PaperDecisionForm()
    context = {"opp": opp, "recipient": recipient, "version": version, "form": form}
    return render(request, "consent/paper_decision.html", context)


@login_required
@require_GET
def decision_scan(request: HttpRequest, decision_uuid) -> FileResponse:
    """The scan of a decision given on paper: only through this view, for whoever may see the decision."""
    decision = get_object_or_404(
        InstemmingDecision.objects.visible_to(request.user).exclude(scan="")
        .select_related("version__opp__school"), uuid=decision_uuid,
    )
    opp = decision.version.opp
    extension = scan_extension(decision.scan.name)
    try:
        handle = decision.scan.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    as_staff = opp_access(request.user, opp).works_at_school
    record_read(actor=request.user, action=Action.INSTEMMING_SCAN_VIEWED, obj=decision,
                on_behalf_of=f"school:{opp.school.code}" if as_staff else f"user:{request.user.pk}",
                pupil_id=opp.pupil_id)
    response = FileResponse(handle, content_type=SCAN_CONTENT_TYPES.get(extension, "application/octet-stream"),
                            as_attachment=extension not in ("pdf", "png", "jpg", "jpeg"),
                            filename=f"besluit-instemming-{decision.uuid}.{extension or 'bin'}")
    response["Cache-Control"] = "private, no-store"
    return response
