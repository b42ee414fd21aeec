"""The ib's drafting journey: a pupil's plans, the draft with autosave and checklist, sending and adopting.

Reads go through `visible_to(user)` (anything out of reach is a 404); writes go through `plans.services`.
One view answers with a full page or, for htmx autosave, with the partial `plans/draft.html#saved`.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opp_portal.audit.service import record_plan_read
from opp_portal.errors import show_on_form
from opp_portal.http import HtmxHttpRequest
from opp_portal.views import refused
from schools.models import Enrolment, Pupil

from .. import services
from ..access import Caps, opp_access, plan_pupils_for, school_ids_where, school_opps_for
from ..content import snapshot
from ..deadlines import marks_for, start_counts_from_enrolment
from ..format import CORE, Kind
from ..forms import AdjustForm, DraftForm, StartPlanForm, goal_formset, kind_label, mark_invalid
from ..forms.draft import FORM_KINDS
from ..models import Opp, OppKind, OppStatus, StandardText, StandardTextKind, UitstroomOption
from ..requirements import judge
from ..sending import send_url
from ..terms import terms_for

STATUS_BADGES: dict[str, str] = {
    OppStatus.CONCEPT: "text-bg-secondary",
    OppStatus.IN_OVERLEG: "text-bg-info",
    OppStatus.TER_INSTEMMING: "text-bg-warning",
    OppStatus.VASTGESTELD: "text-bg-success",
    OppStatus.BIJGESTELD: "text-bg-primary",
    OppStatus.BEEINDIGD: "text-bg-dark",
}


# --- reads ---------------------------------------------------------------------------------------------------

def _plans(user):
    return school_opps_for(user).select_related("school", "pupil", "uitstroom_option")


def _get_opp(user, opp_uuid) -> Opp:
    """A plan the user reaches as staff of its school (the family reads theirs on the consent pages)."""
    return get_object_or_404(_plans(user), uuid=opp_uuid)


def _ib_enrolment(user, pupil: Pupil) -> Enrolment | None:
    """The pupil's current enrolment at a school where the user is ib: where a new plan would start."""
    ib_schools = school_ids_where(user, "can_draft")
    return (
        Enrolment.objects.current().filter(pupil=pupil, school_id__in=ib_schools)
        .select_related("school").order_by("-enrolment_date").first()
    )


def _checklist(opp: Opp, reader=None) -> dict:
    judgement = judge(opp, reader=reader)
    items = judgement.items
    return {"items": items, "met": judgement.met_count, "total": len(items), "subject": judgement.subject,
            "stage": judgement.stage, "judgement": judgement}


@dataclass(frozen=True)
class Heading:
    """How a plan's pages name it above its content: its kind, the colour of its status badge and the words of
    its school type (handed to the template beside the plan, so the model instance keeps only its fields)."""

    kind_label: str
    status_badge: str
    terms: dict[str, str]


def _heading(opp: Opp) -> Heading:
    return Heading(kind_label=kind_label(opp.kind, opp.school_type),
                   status_badge=STATUS_BADGES.get(opp.status, "text-bg-secondary"),
                   terms=terms_for(opp.school_type))


def _audit_read(request, opp: Opp, what: str = "plan") -> None:
    """Every response that shows plan content records the read (once per request; see record_plan_read)."""
    record_plan_read(request=request, opp=opp, what=what)


# --- a pupil's plans ----------------------------------------------------------------------------------------

def _start_form(user, pupil: Pupil, data=None):
    enrolment = _ib_enrolment(user, pupil)
    if enrolment is None:
        return None, None
    school = enrolment.school
    if Opp.objects.filter(pupil=pupil, school=school).not_ended().exists():
        return school, None
    has_previous = Opp.objects.visible_to(user).filter(pupil=pupil).exists()
    from_enrolment_on = start_counts_from_enrolment(pupil=pupil, school=school, enrolment=enrolment)
    return school, StartPlanForm(data, school_type=school.school_type, has_previous=has_previous,
                                 from_enrolment_on=from_enrolment_on)


def _plans_page(request, pupil: Pupil, form=None, school=None, status=200) -> HttpResponse:
    if form is None:
        school, form = _start_form(request.user, pupil)
    opps = [(o, _heading(o)) for o in _plans(request.user).filter(pupil=pupil).order_by("-created_at")]
    context = {"pupil": pupil, "opps": opps, "start_form": form, "start_school": school}
    return render(request, "plans/pupil_plans.html", context, status=status)


@login_required
@require_GET
def pupil_plans(request: HttpRequest, pupil_uuid) -> HttpResponse:
    pupil = get_object_or_404(plan_pupils_for(request.user), uuid=pupil_uuid)
    return _plans_page(request, pupil)


@login_required
@require_POST
def start_plan(request: HttpRequest, pupil_uuid) -> HttpResponse:
    user = request.user
    pupil = get_object_or_404(plan_pupils_for(user), uuid=pupil_uuid)
    school, form = _start_form(user, pupil, request.POST)
    if school is None:
        raise Http404
    if form is None:
        messages.error(request, _("Deze leerling heeft op deze school al een OPP dat loopt of in voorbereiding is. "
                                  "Werk dat plan bij of beëindig het eerst."))
        return redirect("plans:pupil_plans", pupil_uuid=pupil.uuid)
    if form.is_valid():
        data = form.cleaned_data
        try:
            opp = services.start_draft(
                user=user, pupil=pupil, school=school, kind=data.get("kind") or OppKind.EXTRA_SUPPORT,
                support_start_date=data.get("support_start_date"), carry_over=bool(data.get("carry_over")),
            )
        except services.RoleRequired:
            raise Http404 from None
        except services.PlanRuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Het concept is aangemaakt. Alles wat u typt wordt vanzelf bewaard."))
            return redirect("plans:draft", opp_uuid=opp.uuid)
    mark_invalid(form)
    return _plans_page(request, pupil, form=form, school=school)


# --- the draft ----------------------------------------------------------------------------------------------

def _initial(opp: Opp) -> dict:
    """The draft as the form shows it: every field the format declares, in the form's terms."""
    initial: dict = {"revision": opp.revision}
    for item in CORE.fields:
        if item.kind in FORM_KINDS:
            value = getattr(opp, item.key, item.empty_value())
            if item.kind == Kind.YES_NO:
                value = "ja" if value else "nee"
            elif item.kind == Kind.OPTION:
                value = value.code if value else None
            initial[item.key] = value
    return initial


def _standard_texts(user, opp: Opp) -> dict[str, list]:
    texts = StandardText.objects.visible_to(user).for_school(opp.school).order_by("title")
    grouped: dict[str, list[StandardText]] = {kind: [] for kind in StandardTextKind.values}
    for text in texts:
        grouped[text.kind].append(text)
    return grouped


def _read_content(opp: Opp, caps: Caps) -> dict:
    """What someone who does not edit the plan reads, and which version it is: the version the checklist
    judges for the ib and the school leader; for a teacher the version in force (else the latest one sent,
    else the draft), since that is what is done in class."""
    latest = opp.latest_version
    version = None
    if caps.reads_version_in_force:
        version = opp.adopted_version or latest
    elif opp.status == OppStatus.TER_INSTEMMING:
        version = latest
    elif opp.status == OppStatus.VASTGESTELD:
        version = opp.adopted_version
    elif opp.status == OppStatus.BEEINDIGD:
        version = opp.adopted_version or latest
    content = version.content if version is not None else snapshot(opp)
    if version is None:
        label = _("Concept: nog niet vastgelegd of voorgelegd.")
    elif version.pk == opp.adopted_version_id:
        assert opp.version_adopted_on is not None  # the version in force was adopted on a day
        day = date_format(opp.version_adopted_on, "j F Y")
        if opp.status == OppStatus.BEEINDIGD:
            assert opp.ended_on is not None  # an ended plan has its last day
            label = _("Versie %(n)s, vastgesteld op %(day)s; gold tot het plan eindigde op %(end)s.") % {
                "n": version.number, "day": day, "end": date_format(opp.ended_on, "j F Y")}
        else:
            label = _("Geldende versie %(n)s, vastgesteld op %(day)s.") % {"n": version.number, "day": day}
    else:
        label = _("Versie %(n)s, voorgelegd op %(day)s; nog niet vastgesteld.") % {
            "n": version.number, "day": date_format(timezone.localtime(version.created_at).date(), "j F Y")}
    # The template lays the content out as the plan's format declares it (`content|reading:"staff"`).
    return {"version": version, "content": content, "label": label}


def _adoption_offer(opp: Opp, caps: Caps, checklist_data: dict) -> dict | None:
    """For the school leader of a plan waiting for instemming: adopt now (with the exact date that will be
    recorded), or what is still missing."""
    if not caps.can_adopt or opp.status != OppStatus.TER_INSTEMMING:
        return None
    judgement = checklist_data["judgement"]
    today = timezone.localdate()
    return {"ready": judgement.all_met, "gaps": judgement.gaps, "day": today, "first": opp.adopted_on is None,
            "version": judgement.version}


def _page(request, opp: Opp, *, form=None, goals=None, conflict=None, adopt_gaps=None, adjust_form=None,
          status=200):
    _audit_read(request, opp, "draft")
    user = request.user
    caps = opp_access(user, opp)
    can_edit = caps.can_edit
    # The page's checklist and the consent panel beside it read the plan's records once (issue 12).
    checklist_data = _checklist(opp, reader=user)
    heading = _heading(opp)
    context = {
        "opp": opp,
        "heading": heading,
        "can_edit": can_edit,
        "is_ib": caps.can_draft,
        "show_checklist": caps.can_see_checklist,
        "checklist": checklist_data,
        "conflict": conflict,
        "adopt_gaps": adopt_gaps,
        "adopt": _adoption_offer(opp, caps, checklist_data),
        "latest_version": opp.latest_version,
        "marks": marks_for(opp),
        "terms": heading.terms,
    }
    if can_edit:
        if form is None:
            form = DraftForm(initial=_initial(opp), school_type=opp.school_type)
            extra = 1 if request.GET.get("nieuw_doel") or not opp.goals.exists() else 0
            goals = goal_formset(goals=opp.goals.all(), extra=extra, school_type=opp.school_type)
        context.update(form=form, goals=goals, texts=_standard_texts(user, opp), send_url=send_url(opp))
    else:
        context["read"] = _read_content(opp, caps)
        if caps.can_adjust and opp.status in (OppStatus.VASTGESTELD, OppStatus.TER_INSTEMMING):
            context["adjust_form"] = adjust_form or AdjustForm(adopted=opp.status == OppStatus.VASTGESTELD)
    return render(request, "plans/draft.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def draft(request: HtmxHttpRequest, opp_uuid) -> HttpResponse:
    opp = _get_opp(request.user, opp_uuid)
    if request.method == "GET":
        return _page(request, opp)
    caps = opp_access(request.user, opp)
    if not caps.can_edit:
        if not caps.can_draft:
            message = _("U kunt dit plan lezen, maar niet wijzigen. Alleen de intern begeleider past het concept aan.")
        elif opp.status == OppStatus.VASTGESTELD:
            message = _("Niet opgeslagen: dit plan is vastgesteld. Kies eerst 'Plan bijstellen' en geef de reden.")
        elif opp.status == OppStatus.TER_INSTEMMING:
            message = _("Niet opgeslagen: deze versie ligt ter instemming bij de ouders. Kies eerst 'Plan aanpassen' "
                        "en geef de reden.")
        else:
            message = _("Niet opgeslagen: dit plan is beëindigd.")
        if request.htmx:
            return render(request, "plans/draft.html#status", {"error": message}, status=403)
        return refused(request, message, back=reverse("plans:draft", kwargs={"opp_uuid": opp.uuid}))
    return _save(request, opp)


def _save(request: HtmxHttpRequest, opp: Opp) -> HttpResponse:
    user = request.user
    action = request.POST.get("action", "save")
    form = DraftForm(request.POST, school_type=opp.school_type)
    goals = goal_formset(request.POST, lenient=bool(request.htmx), school_type=opp.school_type)
    form_ok, goals_ok = form.is_valid(), goals.is_valid()
    if not (form_ok and goals_ok):
        return _invalid(request, opp, form, goals)
    kept = [
        (i, f) for i, f in enumerate(goals.forms)
        if not f.cleaned_data.get("DELETE") and not f.is_blank and not f.pending
    ]
    changes = {**form.changes(), "goals": [f.goal() for _i, f in kept]}
    try:
        opp = services.save_draft(user=user, opp=opp, expected_revision=form.cleaned_data["revision"],
                                  changes=changes)
    except services.ConflictError as error:
        return _conflict(request, opp, form, goals, error)
    except services.RoleRequired:
        raise Http404 from None
    except services.PlanRuleError as error:
        show_on_form(form, error)
        return _invalid(request, opp, form, goals)

    if request.htmx:
        saved = list(opp.goals.order_by("order", "pk"))
        goal_ids = [(index, goal.uuid) for (index, _f), goal in zip(kept, saved, strict=False)]
        context = {
            "opp": opp, "checklist": _checklist(opp), "form": form, "goals": goals, "goal_ids": goal_ids,
            "saved_at": timezone.localtime(), "pending": any(f.pending for f in goals.forms),
        }
        return render(request, "plans/draft.html#saved", context)

    target = reverse("plans:draft", kwargs={"opp_uuid": opp.uuid})
    if action == "send":
        return _send(request, opp, target)
    messages.success(request, _("Het concept is opgeslagen."))
    if action == "add_goal":
        return redirect(f"{target}?nieuw_doel=1#doel-nieuw")
    return redirect(target)


def _send(request: HttpRequest, opp: Opp, target: str) -> HttpResponse:
    """The draft is saved; freezing it and asking for instemming is one step on the page consent offers (with
    a preview of who is asked and how). Without that page the version can only be frozen."""
    url = send_url(opp)
    if url:
        return redirect(url)
    try:
        version = services.freeze_version(user=request.user, opp=opp, expected_revision=opp.revision)
    except services.ConflictError:
        messages.error(request, _("Iemand anders heeft dit plan intussen gewijzigd. Bekijk het plan en leg het "
                                  "opnieuw vast."))
    except services.PlanRuleError as error:
        messages.error(request, _("Het plan is opgeslagen maar nog niet vastgelegd.") + " " + " ".join(error.messages))
    else:
        messages.success(request, _("Versie %(number)s is vastgelegd. Er is nog niemand om instemming gevraagd.")
                         % {"number": version.number})
    return redirect(target)


def _invalid(request: HtmxHttpRequest, opp: Opp, form, goals) -> HttpResponse:
    mark_invalid(form)
    for goal_form in goals:
        mark_invalid(goal_form)
    if request.htmx:
        errors = _error_summary(form, goals)
        return render(request, "plans/draft.html#saved", {
            "opp": opp, "checklist": None, "form": form, "goals": goals, "errors": errors,
        })
    return _page(request, opp, form=form, goals=goals)


def _error_summary(form, goals) -> list[str]:
    lines = [str(e) for e in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name != "__all__":
            label = form.fields[name].label  # the hidden revision has none: a forged or broken form
            lines += [f"{label}: {e}" if label else _("Laad het plan opnieuw: %(error)s") % {"error": e}
                      for e in errors]
    for number, goal_form in enumerate(goals.forms, start=1):
        for name, errors in goal_form.errors.items():
            label = goal_form.fields[name].label if name in goal_form.fields else ""
            lines += [_("Doel %(n)s, %(field)s: %(error)s") % {"n": number, "field": label, "error": e} for e in errors]
    lines += [str(e) for e in goals.non_form_errors()]
    return lines


# --- conflicts ------------------------------------------------------------------------------------------------

def _show(value) -> str:
    if value is None or value == "":
        return _("(leeg)")
    if isinstance(value, bool):
        return _("Ja") if value else _("Nee")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    if isinstance(value, UitstroomOption):
        return value.label
    if isinstance(value, list):
        return "\n\n".join(_show_goal(number, goal) for number, goal in enumerate(value, start=1)) or _("(geen doelen)")
    return str(value)


def _show_goal(number: int, goal: dict) -> str:
    lines = [_("Doel %(n)s") % {"n": number}]
    for item in CORE.goal_fields:
        value = goal.get(item.key)
        if value not in (None, ""):
            lines.append(f"{item.label}: {_show(value)}")
    return "\n".join(lines)


def _conflict(request: HtmxHttpRequest, opp: Opp, form, goals, error: services.ConflictError) -> HttpResponse:
    labels = {name: field.label for name, field in form.fields.items()}
    labels["goals"] = _("Doelen")
    fields = [
        {"label": labels.get(name, name), "stored": _show(current), "yours": _show(submitted)}
        for name, (current, submitted) in error.fields.items()
    ]
    conflict = {"fields": fields, "revision": error.current_revision}
    _audit_read(request, opp, "conflict")  # the stored text is on the page
    if request.htmx:
        return render(request, "plans/draft.html#saved", {"opp": opp, "conflict": conflict, "checklist": None})
    opp.refresh_from_db()
    return _page(request, opp, form=form, goals=goals, conflict=conflict)


def _uuid_or_none(value: str):
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


# --- adjusting and adoption ----------------------------------------------------------------------------------

@login_required
@require_POST
def adjust(request: HttpRequest, opp_uuid) -> HttpResponse:
    """"Plan bijstellen" (an adopted plan) or "Plan aanpassen" (a version waiting for instemming), with a reason."""
    opp = _get_opp(request.user, opp_uuid)
    if not opp_access(request.user, opp).can_adjust:
        messages.error(request, _("Alleen de intern begeleider van de school stelt een plan bij."))
        return redirect("plans:draft", opp_uuid=opp.uuid)
    form = AdjustForm(request.POST, adopted=opp.status == OppStatus.VASTGESTELD)
    if form.is_valid():
        try:
            services.start_adjustment(user=request.user, opp=opp, reason=form.cleaned_data["reason"])
        except services.RoleRequired:
            raise Http404 from None
        except services.PlanRuleError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("plans:draft", opp_uuid=opp.uuid)
        opp.refresh_from_db()
        in_force = opp.adopted_version
        if in_force is not None:
            messages.success(request, _("U kunt het plan nu bijstellen. Versie %(n)s blijft gelden tot de nieuwe "
                                        "versie is vastgesteld.") % {"n": in_force.number})
        else:
            messages.success(request, _("U kunt het plan nu aanpassen. Daarna legt u een nieuwe versie ter "
                                        "instemming voor; besluiten over de vorige versie tellen dan niet meer."))
        return redirect("plans:draft", opp_uuid=opp.uuid)
    mark_invalid(form)
    return _page(request, opp, adjust_form=form, status=400)


@login_required
@require_POST
def adopt(request: HttpRequest, opp_uuid) -> HttpResponse:
    """The school leader adopts the version the page showed on the date it showed; if the day changed since,
    or another version was sent meanwhile, they look and confirm again."""
    opp = _get_opp(request.user, opp_uuid)
    if not opp_access(request.user, opp).can_adopt:
        # Asked before the date and version: someone who may not adopt gets no "confirm again" invitation.
        messages.error(request, _("Alleen de schoolleider kan een plan vaststellen."))
        return redirect("plans:draft", opp_uuid=opp.uuid)
    shown = request.POST.get("adopted_on", "")
    today = timezone.localdate()
    if shown != today.isoformat():
        messages.error(request, _("Controleer de datum: het plan wordt vastgesteld op %(day)s. Bevestig opnieuw.")
                       % {"day": date_format(today, "j F Y")})
        return redirect("plans:draft", opp_uuid=opp.uuid)
    version = opp.versions.filter(uuid=_uuid_or_none(request.POST.get("version", ""))).first()
    if version is None:
        messages.error(request, _("Controleer welke versie u vaststelt en bevestig opnieuw."))
        return redirect("plans:draft", opp_uuid=opp.uuid)
    try:
        services.adopt(user=request.user, opp=opp, adopted_on=today, expected_version=version)
    except services.AdoptionBlocked as blocked:
        return _page(request, opp, adopt_gaps=blocked.gaps, status=400)
    except services.RoleRequired:
        messages.error(request, _("Alleen de schoolleider kan een plan vaststellen."))
    except services.PlanRuleError as error:
        messages.error(request, " ".join(error.messages))
    else:
        opp.refresh_from_db()
        assert opp.adopted_on is not None and opp.version_adopted_on is not None  # just adopted
        if opp.adopted_on == opp.version_adopted_on and opp.adoptions.count() == 1:
            messages.success(request, _("Het plan is vastgesteld. De ingangsdatum is %(day)s.")
                             % {"day": date_format(opp.adopted_on, "j F Y")})
        else:
            assert opp.adopted_version is not None  # just adopted
            messages.success(request, _("Versie %(n)s is vastgesteld en geldt vanaf %(day)s. De ingangsdatum van het "
                                        "plan blijft %(begin)s.") % {
                "n": opp.adopted_version.number, "day": date_format(opp.version_adopted_on, "j F Y"),
                "begin": date_format(opp.adopted_on, "j F Y")})
    return redirect("plans:draft", opp_uuid=opp.uuid)
