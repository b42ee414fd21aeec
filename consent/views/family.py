"""The parents' pages: a child's plans, the plan sent to them (handelingsdeel first, what changed, the
decision form, their own view), the link from the email, and who read or changed the child's plan.

A parent reaches only the plans of children over whom they have gezag, once a version was sent; anything
else is a 404. Each parent sees and makes only their own decisions.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from opp_portal.errors import focus_first_error, show_on_form
from plans.models import Opp, OppStatus
from schools.access import children_for, family_pupils_for, is_child_of
from schools.models import Pupil

from .. import services
from ..access import child_opps, own_opps
from ..family_records import FamilyRecords, read_family_records
from ..family_records import forget as forget_family_records
from ..forms import DecisionForm, ParentViewForm
from ..models import Decision, InstemmingRecipient
from ..parties import help_after_refusal
from ._facts import banner_for, family_facts, latest_per_goal, unreachable_notes, with_evaluations
from ._plan import (
    audit_family_read,
    changes_since,
    current_decision,
    my_decisions,
    my_recipient,
    readable,
    shown_version,
)
from .log import log_rows

# What a family member reads once their decision is saved: a parent as "u", the adult pupil as "je".
SAVED = {
    Decision.AKKOORD: gettext_lazy("Dank u. Uw besluit is bewaard: akkoord. De school ziet dit meteen."),
    Decision.NIET_AKKOORD: gettext_lazy("Uw besluit is bewaard: niet akkoord. De school ziet dit en neemt contact met "
                                        "u op. Op deze pagina leest u ook waar u hulp kunt krijgen."),
    Decision.GESPREK_GEWENST: gettext_lazy("Uw besluit is bewaard: u wilt eerst een gesprek. De school neemt contact "
                                           "met u op."),
}
SAVED_FOR_PUPIL = {
    Decision.AKKOORD: gettext_lazy("Dank je. Je besluit is bewaard: akkoord. De school ziet dit meteen."),
    Decision.NIET_AKKOORD: gettext_lazy("Je besluit is bewaard: niet akkoord. De school ziet dit en neemt contact met "
                                        "je op. Op deze pagina lees je ook waar je hulp kunt krijgen."),
    Decision.GESPREK_GEWENST: gettext_lazy("Je besluit is bewaard: je wilt eerst een gesprek. De school neemt contact "
                                           "met je op."),
}


def plan_url(opp: Opp, anchor: str = "") -> str:
    url = reverse("consent:plan", kwargs={"opp_uuid": opp.uuid})
    return f"{url}#{anchor}" if anchor else url


def _family_pupil(user, pupil_uuid) -> Pupil:
    return get_object_or_404(family_pupils_for(user), uuid=pupil_uuid)


@login_required
@require_GET
def child(request: HttpRequest, pupil_uuid) -> HttpResponse:
    """One child's plans as sent to the parent; straight to the plan when there is one."""
    pupil = _family_pupil(request.user, pupil_uuid)
    if not is_child_of(request.user, pupil.pk):  # the pupil themself
        plans = list(own_opps(request.user).filter(pupil=pupil))
        if len(plans) == 1:
            return redirect("consent:pupil_plan", opp_uuid=plans[0].uuid)
        return render(request, "consent/pupil_plans.html", {"pupil": pupil, "plans": plans})
    plans = list(child_opps(request.user).filter(pupil=pupil).order_by("-created_at"))
    running = [p for p in plans if p.status != OppStatus.BEEINDIGD]
    if len(running) == 1:
        return redirect("consent:plan", opp_uuid=running[0].uuid)
    return render(request, "consent/child.html", {"pupil": pupil, "plans": plans})


def _decision_block(request, opp: Opp, version, asked: bool, *, form=None, pupil: bool = False,
                    records: FamilyRecords | None = None) -> dict:
    """The decision part of a family page: the form (when this user is asked), their own decisions, help.
    `pupil`: the adult pupil's own page, which speaks to them as "je" (parents are spoken to as "u").
    `records`: the parent's page read them at once (`read_family_records`); otherwise each is asked here."""
    user = request.user
    if records is not None:
        own_recipient = records.recipient_for(version)
        decisions = records.decisions
    else:
        own_recipient = my_recipient(user, version)
        decisions = list(my_decisions(user, opp))
    recipient = own_recipient if asked else None
    current = current_decision(decisions, version)
    refused = current is not None and current.decision == Decision.NIET_AKKOORD
    return {
        "recipient": recipient,
        "can_decide": recipient is not None and asked and opp.status == OppStatus.TER_INSTEMMING,
        "decision_form": form or DecisionForm(initial={"version": version.uuid if version else None}, pupil=pupil),
        "pupil_self": pupil,
        "decisions": decisions,
        "current": current,
        "help": help_after_refusal(opp, own=pupil) if refused else None,
        "banner": banner_for(opp, current, asked, pupil=pupil),
        # Also when nothing waits for them: the plan may have been adopted while the school could not reach them.
        "unreachable": unreachable_notes(version, own_recipient, current,
                                         adopted=not asked and version is not None
                                         and opp.adopted_version_id == version.pk, pupil=pupil,
                                         unreachable=records.unreachable if records is not None else None),
        "changes": changes_since(opp, version, decisions),
    }


def _mark_opened(user, recipient: InstemmingRecipient | None) -> None:
    if recipient is not None and recipient.opened_at is None:
        services.mark_opened(recipient_user=user, request=recipient.request)


def _plan_page(request: HttpRequest, opp: Opp, *, decision_form=None, view_form=None, status=200) -> HttpResponse:
    """A parent's page of a plan reached through `child_opps(request.user)`."""
    user = request.user
    version, asked = shown_version(opp)
    audit_family_read(request, opp, version)  # also when a form is shown again with its errors
    records = read_family_records(opp, version, user)
    block = _decision_block(request, opp, version, asked, form=decision_form, records=records)
    context = {
        "opp": opp,
        "pupil": opp.pupil,
        "version": version,
        "asked": asked,
        "content": with_evaluations(readable(version), latest_per_goal(records.outcomes)),
        **family_facts(opp, records),
        "request_reason": block["recipient"].request.reason if block["recipient"] else "",
        "view_form": view_form or ParentViewForm(),
        "my_views": records.views,
        "school_changing": opp.status in (OppStatus.IN_OVERLEG, OppStatus.BIJGESTELD),
        **block,
    }
    return render(request, "consent/plan.html", context, status=status)


@login_required
@require_GET
def plan(request: HttpRequest, opp_uuid) -> HttpResponse:
    opp = get_object_or_404(child_opps(request.user), uuid=opp_uuid)
    version, asked = shown_version(opp)
    if asked:
        recipient = read_family_records(opp, version, request.user).recipient_for(version)
        if recipient is not None and recipient.opened_at is None:
            _mark_opened(request.user, recipient)
            forget_family_records(opp)  # the page shows the row as it is now
    return _plan_page(request, opp)


def _family_pks(user):
    """Plans the user decides on: their children's (gezag) or, for an adult pupil, their own."""
    return list(child_opps(user).values_list("pk", flat=True)) + list(own_opps(user).values_list("pk", flat=True))


@login_required
@require_POST
def decide(request: HttpRequest, opp_uuid) -> HttpResponse:
    user = request.user
    opp = get_object_or_404(Opp.objects.filter(pk__in=_family_pks(user)).select_related(
        "school", "school__swv", "pupil", "adopted_version"), uuid=opp_uuid)
    is_parent = is_child_of(user, opp.pupil_id)
    version, asked = shown_version(opp)
    recipient = my_recipient(user, version) if asked else None
    own_page = plan_url(opp) if is_parent else reverse("consent:pupil_plan", kwargs={"opp_uuid": opp.uuid})
    if recipient is None or version is None:
        # Their own plan, but nothing waits for their decision (any more): the page was left open while the school
        # reopened or adopted the plan. Say so on their page rather than answer "niet gevonden".
        messages.warning(request, _("Uw besluit is niet bewaard: er ligt op dit moment geen besluit voor u klaar. "
                                    "Hieronder ziet u hoe het plan er nu voor staat.") if is_parent else _(
            "Je besluit is niet bewaard: er ligt op dit moment geen besluit voor je klaar. Hieronder zie je hoe het "
            "plan er nu voor staat."))
        return redirect(own_page)
    form = DecisionForm(request.POST, pupil=not is_parent)
    if form.is_valid() and form.check_version(version):
        try:
            services.decide(user=user, recipient=recipient, decision=form.cleaned_data["decision"],
                            reason=form.cleaned_data["reason"])
        except services.NotAllowed:
            raise Http404 from None
        except services.ConsentError as error:
            show_on_form(form, error, default="decision")
        else:
            messages.success(request, (SAVED if is_parent else SAVED_FOR_PUPIL)[form.cleaned_data["decision"]])
            # After a refusal or a wish to talk the page opens at the top: the banner with the state and where
            # to get help (rule 4), which the message above points to.
            anchor = "#besluit" if form.cleaned_data["decision"] == Decision.AKKOORD else ""
            return redirect(own_page + anchor)
    stale = getattr(form, "cleaned_data", {}).get("version") != version.uuid
    data = request.POST.copy()
    data["version"] = str(version.uuid)  # a second try decides on the version the page now shows
    if stale:
        data.pop("decision", None)  # chosen for another version: they choose again, after reading this one
    form.data = data
    focus_first_error(form)
    if is_parent:
        return _plan_page(request, opp, decision_form=form)
    from .pupil import pupil_page

    return pupil_page(request, opp, decision_form=form)


@login_required
@require_POST
def parent_view(request: HttpRequest, opp_uuid) -> HttpResponse:
    opp = get_object_or_404(child_opps(request.user), uuid=opp_uuid)
    form = ParentViewForm(request.POST)
    if form.is_valid():
        try:
            services.add_parent_view(user=request.user, opp=opp, text=form.cleaned_data["text"])
        except services.NotAllowed:
            raise Http404 from None
        except services.ConsentError as error:
            show_on_form(form, error, default="text")
        else:
            messages.success(request, _("Dank u. Uw kijk op het plan is bewaard; de school leest het bij het plan."))
            return redirect(plan_url(opp, "uw-kijk"))
    return _plan_page(request, opp, view_form=focus_first_error(form))


@login_required
@require_GET
def request_link(request: HttpRequest, request_uuid) -> HttpResponse:
    """The link in the email: opens the right child and version for the signed-in recipient; others get a 404."""
    recipient = (InstemmingRecipient.objects.for_user(request.user).filter(request__uuid=request_uuid)
                 .select_related("request__version__opp").first())
    if recipient is None:
        raise Http404
    opp = recipient.request.version.opp
    if recipient.pupil_id:
        return redirect("consent:pupil_plan", opp_uuid=opp.uuid)
    return redirect("consent:plan", opp_uuid=opp.uuid)


@login_required
@require_GET
def log(request: HttpRequest, pupil_uuid) -> HttpResponse:
    """Who at the school read or changed the child's plan, and when."""
    pupil = get_object_or_404(children_for(request.user), uuid=pupil_uuid)
    page = log_rows(request.user, pupil, request.GET.get("pagina"))
    return render(request, "consent/log.html", {"pupil": pupil, "page": page})
