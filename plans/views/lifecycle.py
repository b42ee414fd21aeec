"""After drafting: evaluating (rule 8), ending, the commissie's advice (rule 6), versions and what changed.

Reads go through `visible_to(user)` (anything out of reach is a 404); writes go through `plans.services`.
A staff member who reaches the plan but whose role may not take the step gets the page with a clear
message and a 403, as the draft page does.
"""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from opp_portal.errors import focus_first_error, show_on_form
from opp_portal.views import refused

from .. import services
from ..access import opp_access
from ..content import snapshot
from ..diff import describe_changes
from ..format import COMPARE, CORE, Format, Kind, Section
from ..format.fields import Field
from ..forms import CommissieForm, EndForm, EvaluationForm, mark_invalid
from ..models import (
    Adoption,
    CommissieAdvice,
    Evaluation,
    EvaluationDecision,
    OppStatus,
    OppVersion,
    goal_title,
)
from .draft import _audit_read, _get_opp, _heading

OUTCOME_BADGES = {"reached": "text-bg-success", "partly": "text-bg-warning", "not_reached": "text-bg-danger"}


def _day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


# --- evaluation ------------------------------------------------------------------------------------------

def _evaluations(user, opp):
    evaluations = (
        Evaluation.objects.visible_to(user).filter(opp=opp)
        .select_related("version", "recorded_by").prefetch_related("outcomes")
    )
    for evaluation in evaluations:
        for outcome in evaluation.outcomes.all():
            outcome.badge = OUTCOME_BADGES.get(outcome.outcome, "text-bg-secondary")
    return evaluations


def _evaluation_page(request, opp, *, form=None, status=200) -> HttpResponse:
    _audit_read(request, opp, "evaluation")
    caps = opp_access(request.user, opp)
    can_record = caps.can_evaluate and opp.is_running
    if form is not None:
        focus_first_error(form)  # shown again with its errors: the cursor on the first
    if form is None and can_record:
        form = EvaluationForm(goals=opp.adopted_version.goals, adopted_on=opp.adopted_on)
    context = {
        "opp": opp,
        "heading": _heading(opp),
        "form": form if can_record else None,
        "is_ib": caps.can_evaluate,
        "evaluations": _evaluations(request.user, opp),
        "version": opp.adopted_version,
    }
    return render(request, "plans/evaluation_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, opp_uuid) -> HttpResponse:
    user = request.user
    opp = _get_opp(user, opp_uuid)
    if request.method == "GET":
        return _evaluation_page(request, opp)
    back = reverse("plans:evaluation", kwargs={"opp_uuid": opp.uuid})
    if not opp_access(user, opp).can_evaluate:
        return refused(request, _("Alleen de intern begeleider van de school legt een evaluatie vast."), back=back)
    if not opp.is_running:
        return refused(request, _("Alleen een vastgesteld plan dat nog loopt kan worden geëvalueerd."), back=back,
                       status=400)
    in_force = opp.adopted_version
    assert in_force is not None  # a running plan was adopted
    form = EvaluationForm(request.POST, goals=in_force.goals, adopted_on=opp.adopted_on)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_evaluation(
                user=user, opp=opp, evaluated_on=data["evaluated_on"], outcomes=form.outcomes(),
                parents_view=data["parents_view"], pupil_view=data["pupil_view"], decision=data["decision"],
                end_reason=data.get("end_reason") or "", **form.discussed_parts(),
            )
        except services.RoleRequired:
            raise Http404 from None
        except services.PlanRuleError as error:
            show_on_form(form, error)
        else:
            return _after_evaluation(request, opp, data["decision"])
    mark_invalid(form)
    return _evaluation_page(request, opp, form=form)


def _after_evaluation(request, opp, decision: str) -> HttpResponse:
    opp.refresh_from_db()
    if decision == EvaluationDecision.ADJUST:
        messages.success(request, _("De evaluatie is vastgelegd en de bijstelling is gestart. Pas het plan aan en leg "
                                    "de nieuwe versie ter instemming voor; tot die is vastgesteld, blijft versie "
                                    "%(n)s van kracht.") % {"n": opp.adopted_version.number})
        return redirect("plans:draft", opp_uuid=opp.uuid)
    if decision == EvaluationDecision.END:
        messages.success(request, _("De evaluatie is vastgelegd en het plan is beëindigd op %(day)s.")
                         % {"day": _day(opp.ended_on)})
        return redirect("plans:evaluation", opp_uuid=opp.uuid)
    messages.success(request, _("De evaluatie is vastgelegd. De volgende evaluatie is uiterlijk %(day)s.")
                     % {"day": _day(opp.next_evaluation_due)})
    return redirect("plans:evaluation", opp_uuid=opp.uuid)


# --- ending ---------------------------------------------------------------------------------------------

def _end_page(request, opp, *, form=None, status=200) -> HttpResponse:
    may_end = opp_access(request.user, opp).can_end
    if form is not None:
        focus_first_error(form)  # shown again with its errors: the cursor on the first
    if form is None and may_end and opp.status != OppStatus.BEEINDIGD:
        form = EndForm(adopted_on=opp.adopted_on)
    context = {"opp": opp, "heading": _heading(opp),
               "form": form if may_end and opp.status != OppStatus.BEEINDIGD else None, "may_end": may_end}
    return render(request, "plans/end_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def end_plan(request: HttpRequest, opp_uuid) -> HttpResponse:
    user = request.user
    opp = _get_opp(user, opp_uuid)
    if request.method == "GET":
        return _end_page(request, opp)
    if not opp_access(user, opp).can_end:
        messages.error(request, _("Alleen de intern begeleider of de schoolleider kan een plan beëindigen."))
        return _end_page(request, opp, status=403)
    if opp.status == OppStatus.BEEINDIGD:
        messages.error(request, _("Dit plan is al beëindigd."))
        return _end_page(request, opp, status=400)
    form = EndForm(request.POST, adopted_on=opp.adopted_on)
    if form.is_valid():
        try:
            services.end(user=user, opp=opp, ended_on=form.cleaned_data["ended_on"], reason=form.cleaned_data["reason"])
        except services.RoleRequired:
            raise Http404 from None
        except services.PlanRuleError as error:
            show_on_form(form, error)
        else:
            assert opp.ended_on is not None  # just ended (the service refreshes the plan)
            messages.success(request, _("Het plan is beëindigd op %(day)s.") % {"day": _day(opp.ended_on)})
            return redirect("plans:draft", opp_uuid=opp.uuid)
    mark_invalid(form)
    return _end_page(request, opp, form=form)


# --- the commissie's advice (so, vso) ---------------------------------------------------------------------

def _commissie_page(request, opp, *, form=None, status=200) -> HttpResponse:
    _audit_read(request, opp, "commissie_advice")  # the advice is plan content
    may_advise = opp_access(request.user, opp).can_give_advice
    may_record = may_advise and opp.status == OppStatus.TER_INSTEMMING
    if form is not None:
        focus_first_error(form)  # shown again with its errors: the cursor on the first
    if form is None and may_record:
        form = CommissieForm()
    context = {
        "opp": opp,
        "heading": _heading(opp),
        "form": form if may_record else None,
        "version": opp.latest_version if opp.status == OppStatus.TER_INSTEMMING else None,
        "may_advise": may_advise,
        "advices": (CommissieAdvice.objects.visible_to(request.user).filter(opp=opp)
                    .select_related("recorded_by", "version")),
    }
    return render(request, "plans/commissie_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def commissie_advice(request: HttpRequest, opp_uuid) -> HttpResponse:
    user = request.user
    opp = _get_opp(user, opp_uuid)
    if not opp.needs_commissie_advice:
        raise Http404
    if request.method == "GET":
        return _commissie_page(request, opp)
    back = reverse("plans:commissie_advice", kwargs={"opp_uuid": opp.uuid})
    if not opp_access(user, opp).can_give_advice:
        return refused(request, _("Alleen de intern begeleider of de schoolleider legt het advies vast."), back=back)
    if opp.status != OppStatus.TER_INSTEMMING:
        return refused(request, _("De commissie adviseert over een vastgelegde versie die nog moet worden vastgesteld. "
                                  "Nu ligt er geen versie voor."), back=back, status=400)
    form = CommissieForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        version = opp.latest_version
        assert version is not None  # a plan waiting for instemming has the version it was sent with
        try:
            services.record_commissie_advice(user=user, opp=opp, version=version,
                                             advised_on=data["advised_on"], commissie=data["commissie"],
                                             advice=data["advice"])
        except services.RoleRequired:
            raise Http404 from None
        except services.PlanRuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Het advies van de commissie is vastgelegd."))
            return redirect("plans:commissie_advice", opp_uuid=opp.uuid)
    mark_invalid(form)
    return _commissie_page(request, opp, form=form)


# --- versions and what changed ------------------------------------------------------------------------------

def _versions(user, opp) -> list[OppVersion]:
    return list(OppVersion.objects.visible_to(user).filter(opp=opp).select_related("created_by").order_by("number"))


@dataclass(frozen=True)
class VersionRow:
    """A version as the versions page lists it: with the one before it (to compare with), whether it is in
    force and the day it was adopted, if it was."""

    version: OppVersion
    before: OppVersion | None
    is_current: bool
    adopted_day: datetime.date | None


def _adoptions(opp) -> dict[int, datetime.date]:
    """Version number → the day it was adopted (every adoption, not only the last)."""
    return dict(Adoption.objects.filter(opp=opp).values_list("version__number", "adopted_on"))


@login_required
@require_GET
def versions(request: HttpRequest, opp_uuid) -> HttpResponse:
    user = request.user
    opp = _get_opp(user, opp_uuid)
    _audit_read(request, opp, "versions")
    items = _versions(user, opp)
    adoptions = _adoptions(opp)
    rows = [
        VersionRow(version=version, before=items[index - 1] if index else None,
                   is_current=version.pk == opp.adopted_version_id and opp.status != OppStatus.BEEINDIGD,
                   adopted_day=adoptions.get(version.number))
        for index, version in enumerate(items)
    ]
    context = {"opp": opp, "heading": _heading(opp), "versions": list(reversed(rows))}
    return render(request, "plans/versions.html", context)


DRAFT = "concept"


@login_required
@require_GET
def compare(request: HttpRequest, opp_uuid) -> HttpResponse:
    user = request.user
    opp = _get_opp(user, opp_uuid)
    items = _versions(user, opp)
    by_uuid = {str(v.uuid): v for v in items}
    draft_differs = bool(items) and opp.status in (OppStatus.CONCEPT, OppStatus.IN_OVERLEG, OppStatus.BIJGESTELD)
    old_key = request.GET.get("van") or (str(items[-2].uuid) if len(items) >= 2 else None)
    new_key = request.GET.get("naar") or (str(items[-1].uuid) if len(items) >= 2 else None)
    if (old_key and old_key not in by_uuid) or (new_key and new_key != DRAFT and new_key not in by_uuid):
        raise Http404
    if new_key == DRAFT and not draft_differs:
        raise Http404
    _audit_read(request, opp, "compare")
    context = {"opp": opp, "heading": _heading(opp), "versions": items, "draft_differs": draft_differs,
               "old_key": old_key, "new_key": new_key, "sentences": None, "rows": []}
    if old_key and new_key:
        old_version = by_uuid[old_key]
        new_content = snapshot(opp) if new_key == DRAFT else by_uuid[new_key].content
        context.update(
            old=old_version,
            new=None if new_key == DRAFT else by_uuid[new_key],
            sentences=describe_changes(old_version.content, new_content),
            rows=side_by_side(old_version.content, new_content),
        )
    return render(request, "plans/compare.html", context)


# --- the side-by-side ---------------------------------------------------------------------------------------

def _text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Ja") if value else _("Nee")
    return str(value)


def _due(value) -> str:
    return _day(datetime.date.fromisoformat(value)) if value else ""


def _goal_value(goal: dict, item: Field) -> str:
    return _due(goal.get(item.key)) if item.kind == Kind.DATE else _text(goal.get(item.key))


def _goal_summary(goal: dict) -> str:
    return "\n".join(f"{item.label}: {_goal_value(goal, item)}" for item in CORE.goal_fields if goal.get(item.key))


def _shown(section: Section, content: dict, item: Field) -> str:
    """A field of a frozen content as the side-by-side shows it: an option by its label, a choice by its name."""
    part = section.part_of(content)
    if item.kind == Kind.OPTION:
        return _text(part.get(f"{item.name}_label"))
    value = part.get(item.name)
    if item.kind == Kind.CHOICE:
        return _text(str(item.choices.get(value, value)) if value is not None else None)
    if item.kind == Kind.DATE:
        return _due(value)
    return _text(value)


def side_by_side(old: dict, new: dict, fmt: Format = CORE) -> list[dict]:
    """Every field that differs, with its section, its label and both texts, in the order `fmt` declares them."""
    rows = []

    def add(section, label, before, after):
        if (before or "").strip() != (after or "").strip():
            rows.append({"section": section, "label": label, "old": before, "new": after})

    for section in fmt.sections:
        for item in section:
            if item.is_goals:
                _goal_rows(add, section.part_of(old).get(item.name) or [], section.part_of(new).get(item.name) or [])
            else:
                add(section.titles.get(COMPARE, ""), item.label_in_comparison, _shown(section, old, item),
                    _shown(section, new, item))
    return rows


def _goal_rows(add, old: list[dict], new: list[dict]) -> None:
    old_goals = {g["uuid"]: g for g in old}
    new_goals = {g["uuid"]: g for g in new}
    for goal in new:
        title = goal_title(goal["area"] or "", goal["description"] or "")
        before = old_goals.get(goal["uuid"])
        section = _("Doel '%(goal)s'") % {"goal": title}
        if before is None:
            add(section, _("Nieuw doel"), "", _goal_summary(goal))
            continue
        for item in CORE.goal_fields:
            add(section, item.label, _goal_value(before, item), _goal_value(goal, item))
    for goal in old:
        if goal["uuid"] not in new_goals:
            title = goal_title(goal["area"] or "", goal["description"] or "")
            add(_("Doel '%(goal)s'") % {"goal": title}, _("Verwijderd doel"), _goal_summary(goal), "")


def compare_url(opp, old: OppVersion, new: OppVersion | None) -> str:
    base = reverse("plans:compare", kwargs={"opp_uuid": opp.uuid})
    return f"{base}?van={old.uuid}&naar={new.uuid if new else DRAFT}"
