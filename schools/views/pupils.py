from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, connections
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opp_portal.access import page_caps, reach_of
from opp_portal.errors import field_of, one_focus, show_on_form
from opp_portal.http import HtmxHttpRequest
from opp_portal.planning import planned_for_their_values

from .. import services, transfers
from ..access import editable_school_ids, pupil_access
from ..forms import EnrolmentForm, GuardianForm, PupilForm, PupilSearchForm
from ..models import Enrolment, Guardian, Guardianship, Pupil, PupilsByName, School

PAGE_SIZE = 50


def _visible_enrolments(user):
    return Enrolment.objects.visible_to(user).select_related("school").order_by("-enrolment_date")


@login_required
@require_GET
def school_list(request: HttpRequest) -> HttpResponse:
    if not page_caps(request.user).schools:
        raise Http404  # a staff page: families see their children's schools on their own pages
    schools = list(
        School.objects.visible_to(request.user)
        .select_related("board", "swv")
        .order_by("board__number", "brin", "vestiging")
    )
    # The pupils the user may see at each school, as the school's own page counts them (not the whole school).
    counts = dict(Enrolment.objects.visible_to(request.user).current().filter(school__in=schools)
                  .values("school_id").annotate(n=Count("pk")).values_list("school_id", "n"))
    for school in schools:
        school.pupil_count = counts.get(school.pk, 0)
    return render(request, "schools/school_list.html", {"schools": schools})


@login_required
@require_GET
def school_detail(request: HttpRequest, school_uuid) -> HttpResponse:
    if not page_caps(request.user).schools:
        raise Http404
    school = get_object_or_404(School.objects.visible_to(request.user).select_related("board", "swv"), uuid=school_uuid)
    enrolments = Enrolment.objects.visible_to(request.user).filter(school=school).current()
    groups = enrolments.values("group").annotate(n=Count("pk")).order_by("group")
    return render(
        request,
        "schools/school_detail.html",
        {"school": school, "pupil_count": enrolments.count(), "groups": groups},
    )


@login_required
@require_GET
def pupil_list(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    if not page_caps(user).pupils:
        # The staff's search (BSN, groups, former pupils) is not a family's page: parents and pupils have theirs.
        raise Http404
    schools = School.objects.visible_to(user).order_by("name")
    form = PupilSearchForm(request.GET or None, schools=schools)
    enrolments = Enrolment.objects.visible_to(user)
    # The pupils of the enrolments in sight: `pupils_q` is defined as exactly that (plus a family's own children,
    # never on this staff page), so `Pupil.visible_to` on top only repeated the same semi-join per pupil.
    pupils = Pupil.objects.all()
    q = ""
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if form.cleaned_data["school"]:
            enrolments = enrolments.filter(school=form.cleaned_data["school"])
        if not form.cleaned_data["left"]:
            enrolments = enrolments.current()
    else:
        enrolments = enrolments.current()
        if form.is_bound:
            # A search we cannot understand finds nothing (and says why), rather than everything.
            pupils = pupils.none()
    if q or form.errors or connections[Pupil.objects.db].vendor != "postgresql":
        # A search filters the pupils themselves (one we cannot understand finds none), and SQLite has no copy of
        # the name beside the enrolment: these sort the pupils.
        pupils = pupils.enrolled_in(enrolments)
        if q:
            pupils = pupils.filter(_search_q(q, enrolments))
        paginator = Paginator(pupils.by_name(), PAGE_SIZE)
        if not q and not form.errors:
            # The list is the pupils of these enrolments (`enrolled_in`), so they count as the distinct pupils
            # of the enrolments: read from the enrolments' index instead of fetching every pupil of the school.
            paginator.count = PupilsByName(pupils, enrolments).count()
    else:
        paginator = Paginator(PupilsByName(pupils, enrolments), PAGE_SIZE)
    # The count and the page are one school's (or a few schools') pupils, in the name index's order: planned for
    # that school, not by a generic plan that guesses an average school and sorts them all (opp_portal.planning).
    with planned_for_their_values(Pupil.objects.db):
        page = paginator.get_page(request.GET.get("pagina"))
        rows = _rows(list(page.object_list), enrolments)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "q": q,
        "can_edit": _edits_pupils(user),
        "querystring": _querystring_without_page(request),
    }
    if context["can_edit"] and not request.htmx:
        context["transfers_waiting"] = transfers.waiting_for(user)
    partial = request.htmx and not request.htmx.history_restore_request
    template = "schools/pupil_list.html#results" if partial else "schools/pupil_list.html"
    response = render(request, template, context)
    # The same URL answers with a fragment or a full page; caches and the back button must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@dataclass(frozen=True)
class PupilRow:
    """A pupil of the list with what it shows of the newest of their enrolments the user may see."""

    pupil: Pupil
    group: str = ""
    left: bool = False  # a leaving date is recorded (a pupil leaving soon is marked too)
    school_name: str = ""  # empty only if the enrolment went between the two reads


def _rows(pupils: list[Pupil], enrolments) -> list[PupilRow]:
    """The shown pupils, each with their newest enrolment among `enrolments`.

    Read by the shown pupils' ids as one array (`of_pupils`): a prefetch's `pupil_id IN (<fifty parameters>)` got
    a generic plan from PostgreSQL that rebuilt the fifty into an array for every enrolment of the school; and
    only the three values shown, not fifty enrolments and their schools as instances (issue 12).
    """
    newest: dict[int, tuple[str, bool, str]] = {}
    shown = (enrolments.of_pupils([p.pk for p in pupils]).order_by("-enrolment_date")
             .values_list("pupil_id", "group", "leaving_date", "school__name"))
    for pupil_id, group, leaving_date, school_name in shown:
        newest.setdefault(pupil_id, (group, leaving_date is not None, school_name))
    return [PupilRow(pupil, *newest.get(pupil.pk, ("", False, ""))) for pupil in pupils]


def _edits_pupils(user) -> bool:
    """Whether the user may change pupil data somewhere: from their reach (no query), as `editable_by` decides."""
    ids = editable_school_ids(user)
    return School.objects.exists() if ids is None else bool(ids)


def _search_q(q: str, enrolments) -> Q:
    """Match names word by word, an exact group, or an identifier."""
    compact = q.replace(" ", "").replace(".", "")
    if compact.isdigit():
        # An identifier matches only in full, and only among the pupils already in reach.
        return (
            Q(bsn=compact) | Q(onderwijsnummer=compact)
            | Q(pk__in=enrolments.filter(group__iexact=q).values("pupil_id"))
        )
    condition = Q(pk__in=enrolments.filter(group__iexact=q).values("pupil_id"))
    words = Q()
    for word in q.split():
        # A prefix of several words ("van den") matches each of them: "Lara van den Broek" finds her.
        words &= Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(name_prefix__icontains=word)
    return condition | words


def _querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("pagina", None)
    return params.urlencode()


@login_required
@require_GET
def pupil_detail(request: HttpRequest, pupil_uuid) -> HttpResponse:
    user = request.user
    pupil = get_object_or_404(Pupil.objects.visible_to(user), uuid=pupil_uuid)
    caps = pupil_access(user, pupil)
    links = (
        Guardianship.objects.filter(pupil=pupil, guardian__in=Guardian.objects.visible_to(user))
        .select_related("guardian")
    )
    context = {
        "pupil": pupil,
        "enrolments": _visible_enrolments(user).filter(pupil=pupil),
        "links": links,
        "caps": caps,
        "can_edit": caps.can_edit_pupil,
        "can_edit_guardians": caps.can_edit_guardians,
        "today": timezone.localdate(),
    }
    return render(request, "schools/pupil_detail.html", context)


CONFLICT_MESSAGE = _lazy(
    "Iemand anders heeft deze gegevens gewijzigd terwijl u ze bewerkte. Uw wijzigingen zijn nog niet opgeslagen: "
    "hieronder staan uw invoer en de melding; controleer alles en sla opnieuw op."
)
NOT_SAVED_MESSAGE = _lazy(
    "De gegevens konden niet worden opgeslagen, omdat ze intussen elders zijn gewijzigd. "
    "Controleer ze en probeer het opnieuw."
)


@login_required
@require_http_methods(["GET", "POST"])
def pupil_create(request: HttpRequest) -> HttpResponse:
    schools = School.objects.editable_by(request.user)
    if not schools.exists():
        raise Http404
    # Bound on every POST, an empty one too: it gets "required" messages, not an unbound form.
    data = request.POST if request.method == "POST" else None
    pupil_form = PupilForm(data, prefix="pupil")
    enrolment_form = EnrolmentForm(data, prefix="enrolment", schools=schools)
    if request.method == "POST" and _both_valid(pupil_form, enrolment_form):
        try:
            pupil = services.create_pupil(
                user=request.user,
                pupil=_pupil_data(pupil_form.cleaned_data),
                enrolment=_enrolment_data(enrolment_form.cleaned_data),
            )
        except (ValidationError, IntegrityError) as error:
            _show_errors(error, pupil_form, enrolment_form)
        else:
            messages.success(request, _("%(name)s is toegevoegd.") % {"name": pupil.full_name})
            return redirect("schools:pupil_detail", pupil_uuid=pupil.uuid)
    one_focus(pupil_form, enrolment_form)
    return render(
        request, "schools/pupil_form.html",
        {"pupil_form": pupil_form, "enrolment_form": enrolment_form, "title": _("Leerling toevoegen")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def pupil_edit(request: HttpRequest, pupil_uuid) -> HttpResponse:
    user = request.user
    schools = School.objects.editable_by(user)
    pupil = get_object_or_404(Pupil.objects.editable_by(user), uuid=pupil_uuid)
    enrolment = pupil.enrolments.filter(school__in=schools).select_related("school").order_by("-enrolment_date").first()
    if enrolment is None:
        raise Http404

    def forms_for(data, *, take_current_version: bool = False):
        # Fresh copies: a form that fails validation leaves its changes on its instance.
        fresh_pupil, fresh_enrolment = Pupil.objects.get(pk=pupil.pk), Enrolment.objects.get(pk=enrolment.pk)
        version = services.version_of(fresh_pupil, fresh_enrolment)
        if take_current_version:
            data = data.copy()
            data["pupil-version"] = version
        return (
            PupilForm(data, instance=fresh_pupil, prefix="pupil", initial={"version": version}),
            EnrolmentForm(data, instance=fresh_enrolment, prefix="enrolment", schools=schools),
        )

    pupil_form, enrolment_form = forms_for(request.POST if request.method == "POST" else None)
    if request.method == "POST" and _both_valid(pupil_form, enrolment_form):
        try:
            services.update_pupil(
                user=user, pupil=pupil, data=_pupil_data(pupil_form.cleaned_data),
                enrolment=enrolment, enrolment_data=_enrolment_data(enrolment_form.cleaned_data),
                expected_version=pupil_form.cleaned_data["version"] or None,
            )
        except services.Conflict:
            # Keep what the user typed, now based on the stored version, so a second save is a deliberate choice.
            pupil_form, enrolment_form = forms_for(request.POST, take_current_version=True)
            _both_valid(pupil_form, enrolment_form)
            pupil_form.add_error(None, CONFLICT_MESSAGE)
        except (ValidationError, IntegrityError) as error:
            _show_errors(error, pupil_form, enrolment_form)
        else:
            messages.success(request, _("De gegevens van %(name)s zijn opgeslagen.") % {"name": pupil.full_name})
            return redirect("schools:pupil_detail", pupil_uuid=pupil.uuid)
    one_focus(pupil_form, enrolment_form)
    return render(
        request, "schools/pupil_form.html",
        {"pupil_form": pupil_form, "enrolment_form": enrolment_form, "pupil": pupil,
         "title": _("Gegevens van %(name)s wijzigen") % {"name": pupil.full_name}},
    )


def _both_valid(pupil_form: PupilForm, enrolment_form: EnrolmentForm) -> bool:
    """Validate both forms (all messages at once) and the rule that spans them."""
    valid = all([pupil_form.is_valid(), enrolment_form.is_valid()])
    born = pupil_form.cleaned_data.get("date_of_birth")
    enrolled = enrolment_form.cleaned_data.get("enrolment_date")
    if born and enrolled and enrolled < born:
        enrolment_form.add_error("enrolment_date", _("De inschrijfdatum ligt vóór de geboortedatum van de leerling."))
        return False
    return valid


def _show_errors(error: ValidationError | IntegrityError, *forms) -> None:
    """Put what a service refused next to the fields it concerns (never a 500)."""
    if isinstance(error, IntegrityError):
        forms[0].add_error(None, NOT_SAVED_MESSAGE)
        return
    if not hasattr(error, "error_dict"):
        target = next((form for form in forms if field_of(error) in form.fields), None)
        show_on_form(target or forms[0], error)
        return
    for field, errors in error.error_dict.items():
        target = next((form for form in forms if field in form.fields), None)
        if target is None:
            forms[0].add_error(None, errors)
        else:
            target.add_error(field, errors)


def _pupil_data(data: dict) -> services.PupilData:
    return services.PupilData(
        first_name=data["first_name"].strip(), name_prefix=data["name_prefix"].strip(),
        last_name=data["last_name"].strip(), date_of_birth=data["date_of_birth"],
        bsn=data["bsn"], onderwijsnummer=data["onderwijsnummer"], email=data.get("email") or "",
    )


def _enrolment_data(data: dict) -> services.EnrolmentData:
    return services.EnrolmentData(
        school=data["school"], sequence_number=data["sequence_number"].strip(),
        enrolment_date=data["enrolment_date"], leaving_date=data["leaving_date"], group=data["group"].strip(),
    )


def _guardian_data(data: dict) -> services.GuardianData:
    names = services.GuardianData.__dataclass_fields__
    fields: dict[str, Any] = {k: v.strip() if isinstance(v, str) else v for k, v in data.items() if k in names}
    return services.GuardianData(**fields)


def _editable_pupil(request: HttpRequest, pupil_uuid) -> Pupil:
    """A pupil whose guardians the user may change: enrolled now at a school where they are ib or leader."""
    return get_object_or_404(Pupil.objects.guardians_editable_by(request.user), uuid=pupil_uuid)


def _guardian_link(pupil: Pupil, guardian_uuid) -> Guardianship:
    return get_object_or_404(Guardianship.objects.select_related("guardian", "pupil"), pupil=pupil,
                             guardian__uuid=guardian_uuid)


@login_required
@require_http_methods(["GET", "POST"])
def guardian_add(request: HttpRequest, pupil_uuid) -> HttpResponse:
    pupil = _editable_pupil(request, pupil_uuid)
    form = GuardianForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_guardian(user=request.user, pupil=pupil, data=_guardian_data(form.cleaned_data))
        except (ValidationError, IntegrityError) as error:
            _show_errors(error, form)
        else:
            messages.success(request, _("De ouder/verzorger is toegevoegd."))
            return redirect("schools:pupil_detail", pupil_uuid=pupil.uuid)
    return render(request, "schools/guardian_form.html",
                  {"form": form, "pupil": pupil, "title": _("Ouder/verzorger toevoegen")})


SHARED_HELP = _lazy("Ook vastgelegd bij een leerling van een andere school, die dit beheert. Klopt het niet meer? "
                    "Ontkoppel deze ouder en voeg hem of haar opnieuw toe.")


@login_required
@require_http_methods(["GET", "POST"])
def guardian_edit(request: HttpRequest, pupil_uuid, guardian_uuid) -> HttpResponse:
    pupil = _editable_pupil(request, pupil_uuid)
    link = _guardian_link(pupil, guardian_uuid)

    def form_for(data, link):
        g = link.guardian
        initial = {
            "first_name": g.first_name, "name_prefix": g.name_prefix, "last_name": g.last_name, "email": g.email,
            "phone": g.phone, "relationship": link.relationship, "has_gezag": link.has_gezag,
            "version": services.version_of(g, link),
        }
        form = GuardianForm(data, initial=initial)
        if shared:
            # Another school keeps this person's record too (services.shared_elsewhere): only the link may change.
            for name in services.PERSON_FIELDS:
                form.fields[name].disabled = True
                form.fields[name].help_text = SHARED_HELP
        return form

    shared = services.shared_elsewhere(request.user, link.guardian)
    form = form_for(request.POST if request.method == "POST" else None, link)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_guardian(
                user=request.user, link=link, data=_guardian_data(form.cleaned_data),
                expected_version=form.cleaned_data["version"] or None,
            )
        except services.Conflict:
            link = _guardian_link(pupil, guardian_uuid)
            data = request.POST.copy()
            data["version"] = services.version_of(link.guardian, link)
            form = form_for(data, link)
            form.is_valid()
            form.add_error(None, CONFLICT_MESSAGE)
        except (ValidationError, IntegrityError) as error:
            _show_errors(error, form)
        else:
            messages.success(request, _("De gegevens van de ouder/verzorger zijn opgeslagen."))
            return redirect("schools:pupil_detail", pupil_uuid=pupil.uuid)
    return render(
        request, "schools/guardian_form.html",
        {"form": form, "pupil": pupil, "link": link, "title": _("Ouder/verzorger wijzigen")},
    )


@login_required
@require_POST
def guardian_remove(request: HttpRequest, pupil_uuid, guardian_uuid) -> HttpResponse:
    pupil = _editable_pupil(request, pupil_uuid)
    link = _guardian_link(pupil, guardian_uuid)
    services.remove_guardian(user=request.user, link=link)
    messages.success(request, _("De ouder/verzorger is losgekoppeld van deze leerling."))
    return redirect("schools:pupil_detail", pupil_uuid=pupil.uuid)


@login_required
@require_GET
def my_children(request: HttpRequest) -> HttpResponse:
    reach = reach_of(request.user)
    current = Enrolment.objects.visible_to(request.user).current().select_related("school")
    pupils = (
        Pupil.objects.visible_to(request.user)
        .filter(pk__in=reach.family_pupil_ids)
        .prefetch_related(Prefetch("enrolments", queryset=current, to_attr="current_enrolments"))
    )
    waiting = [t for t in transfers.decidable_by(request.user) if t.pupil_id in reach.family_pupil_ids]
    return render(request, "schools/my_children.html", {"pupils": pupils, "transfers": waiting})
