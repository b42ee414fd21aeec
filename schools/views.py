from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opp_portal.access import reach_of

from . import services
from .forms import EnrolmentForm, GuardianForm, PupilForm, PupilSearchForm
from .models import Enrolment, Guardian, Guardianship, Pupil, School

PAGE_SIZE = 50


def _editable_schools(user):
    reach = reach_of(user)
    schools = School.objects.visible_to(user)
    return schools if reach.everything else schools.filter(pk__in=reach.editable_school_ids)


def _visible_enrolments(user):
    return Enrolment.objects.visible_to(user).select_related("school").order_by("-enrolment_date")


@require_GET
@login_required
def school_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    current = Q(enrolments__enrolment_date__lte=today) & (
        Q(enrolments__leaving_date__isnull=True) | Q(enrolments__leaving_date__gte=today)
    )
    schools = (
        School.objects.visible_to(request.user)
        .select_related("board", "swv")
        .annotate(pupil_count=Count("enrolments", filter=current))
        .order_by("board__number", "brin", "vestiging")
    )
    return render(request, "schools/school_list.html", {"schools": schools})


@require_GET
@login_required
def school_detail(request: HttpRequest, school_uuid) -> HttpResponse:
    school = get_object_or_404(School.objects.visible_to(request.user).select_related("board", "swv"), uuid=school_uuid)
    enrolments = Enrolment.objects.visible_to(request.user).filter(school=school).current()
    groups = enrolments.values("group").annotate(n=Count("pk")).order_by("group")
    return render(
        request,
        "schools/school_detail.html",
        {"school": school, "pupil_count": enrolments.count(), "groups": groups},
    )


@require_GET
@login_required
def pupil_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    schools = School.objects.visible_to(user).order_by("name")
    form = PupilSearchForm(request.GET or None, schools=schools)
    enrolments = Enrolment.objects.visible_to(user)
    q = ""
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if form.cleaned_data["school"]:
            enrolments = enrolments.filter(school=form.cleaned_data["school"])
        if not form.cleaned_data["left"]:
            enrolments = enrolments.current()
    else:
        enrolments = enrolments.current()
    pupils = Pupil.objects.visible_to(user).filter(pk__in=enrolments.values("pupil_id"))
    if q:
        pupils = pupils.filter(_search_q(q, enrolments))
    pupils = pupils.prefetch_related(
        Prefetch("enrolments", queryset=enrolments.select_related("school").order_by("-enrolment_date"), to_attr="shown_enrolments")
    ).order_by("last_name", "first_name", "pk")
    page = Paginator(pupils, PAGE_SIZE).get_page(request.GET.get("pagina"))
    context = {
        "form": form,
        "page": page,
        "q": q,
        "can_edit": bool(_editable_schools(user).exists()),
        "querystring": _querystring_without_page(request),
    }
    template = "schools/pupil_list.html#results" if request.htmx else "schools/pupil_list.html"
    return render(request, template, context)


def _search_q(q: str, enrolments) -> Q:
    """Match names word by word, an exact group, or an identifier."""
    if q.isdigit():
        return Q(bsn=q) | Q(onderwijsnummer=q) | Q(pk__in=enrolments.filter(group__iexact=q).values("pupil_id"))
    condition = Q(pk__in=enrolments.filter(group__iexact=q).values("pupil_id"))
    words = Q()
    for word in q.split():
        words &= Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(name_prefix__iexact=word)
    return condition | words


def _querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("pagina", None)
    return params.urlencode()


@require_GET
@login_required
def pupil_detail(request: HttpRequest, pupil_uuid) -> HttpResponse:
    user = request.user
    pupil = get_object_or_404(Pupil.objects.visible_to(user), uuid=pupil_uuid)
    links = (
        Guardianship.objects.filter(pupil=pupil, guardian__in=Guardian.objects.visible_to(user))
        .select_related("guardian")
    )
    context = {
        "pupil": pupil,
        "enrolments": _visible_enrolments(user).filter(pupil=pupil),
        "links": links,
        "can_edit": Pupil.objects.editable_by(user).filter(pk=pupil.pk).exists() or reach_of(user).everything,
        "today": timezone.localdate(),
    }
    return render(request, "schools/pupil_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def pupil_create(request: HttpRequest) -> HttpResponse:
    schools = _editable_schools(request.user)
    if not schools.exists():
        raise Http404
    pupil_form = PupilForm(request.POST or None, prefix="pupil")
    enrolment_form = EnrolmentForm(request.POST or None, prefix="enrolment", schools=schools)
    if request.method == "POST" and _both_valid(pupil_form, enrolment_form):
        pupil = services.create_pupil(
            user=request.user,
            pupil=_pupil_data(pupil_form.cleaned_data),
            enrolment=_enrolment_data(enrolment_form.cleaned_data),
        )
        messages.success(request, _("%(name)s is toegevoegd.") % {"name": pupil.full_name})
        return redirect("schools:pupil_detail", pupil_uuid=pupil.uuid)
    return render(
        request, "schools/pupil_form.html",
        {"pupil_form": pupil_form, "enrolment_form": enrolment_form, "title": _("Leerling toevoegen")},
    )


@require_http_methods(["GET", "POST"])
@login_required
def pupil_edit(request: HttpRequest, pupil_uuid) -> HttpResponse:
    user = request.user
    schools = _editable_schools(user)
    pupil = get_object_or_404(Pupil.objects.visible_to(user).filter(enrolments__school__in=schools).distinct(), uuid=pupil_uuid)
    enrolment = pupil.enrolments.filter(school__in=schools).select_related("school").order_by("-enrolment_date").first()
    pupil_form = PupilForm(request.POST or None, instance=Pupil.objects.get(pk=pupil.pk), prefix="pupil")
    enrolment_form = EnrolmentForm(
        request.POST or None, instance=Enrolment.objects.get(pk=enrolment.pk), prefix="enrolment", schools=schools
    )
    if request.method == "POST" and _both_valid(pupil_form, enrolment_form):
        services.update_pupil(
            user=user, pupil=pupil, data=_pupil_data(pupil_form.cleaned_data),
            enrolment=enrolment, enrolment_data=_enrolment_data(enrolment_form.cleaned_data),
        )
        messages.success(request, _("De gegevens van %(name)s zijn opgeslagen.") % {"name": pupil.full_name})
        return redirect("schools:pupil_detail", pupil_uuid=pupil.uuid)
    return render(
        request, "schools/pupil_form.html",
        {"pupil_form": pupil_form, "enrolment_form": enrolment_form, "pupil": pupil,
         "title": _("Gegevens van %(name)s wijzigen") % {"name": pupil.full_name}},
    )


def _both_valid(*forms) -> bool:
    return all([form.is_valid() for form in forms])


def _pupil_data(data: dict) -> services.PupilData:
    return services.PupilData(
        first_name=data["first_name"].strip(), name_prefix=data["name_prefix"].strip(),
        last_name=data["last_name"].strip(), date_of_birth=data["date_of_birth"],
        bsn=data["bsn"], onderwijsnummer=data["onderwijsnummer"],
    )


def _enrolment_data(data: dict) -> services.EnrolmentData:
    return services.EnrolmentData(
        school=data["school"], sequence_number=data["sequence_number"].strip(),
        enrolment_date=data["enrolment_date"], leaving_date=data["leaving_date"], group=data["group"].strip(),
    )


def _guardian_data(data: dict) -> services.GuardianData:
    return services.GuardianData(**{k: v.strip() if isinstance(v, str) else v for k, v in data.items()})


def _editable_pupil(request: HttpRequest, pupil_uuid) -> Pupil:
    return get_object_or_404(Pupil.objects.editable_by(request.user), uuid=pupil_uuid)


@require_http_methods(["GET", "POST"])
@login_required
def guardian_add(request: HttpRequest, pupil_uuid) -> HttpResponse:
    pupil = _editable_pupil(request, pupil_uuid)
    form = GuardianForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_guardian(user=request.user, pupil=pupil, data=_guardian_data(form.cleaned_data))
        messages.success(request, _("De ouder/verzorger is toegevoegd."))
        return redirect("schools:pupil_detail", pupil_uuid=pupil.uuid)
    return render(request, "schools/guardian_form.html", {"form": form, "pupil": pupil, "title": _("Ouder/verzorger toevoegen")})


@require_http_methods(["GET", "POST"])
@login_required
def guardian_edit(request: HttpRequest, pupil_uuid, guardian_uuid) -> HttpResponse:
    pupil = _editable_pupil(request, pupil_uuid)
    link = get_object_or_404(Guardianship.objects.select_related("guardian", "pupil"), pupil=pupil, guardian__uuid=guardian_uuid)
    g = link.guardian
    initial = {
        "first_name": g.first_name, "name_prefix": g.name_prefix, "last_name": g.last_name, "email": g.email,
        "phone": g.phone, "relationship": link.relationship, "has_gezag": link.has_gezag,
    }
    form = GuardianForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_guardian(user=request.user, link=link, data=_guardian_data(form.cleaned_data))
        messages.success(request, _("De gegevens van de ouder/verzorger zijn opgeslagen."))
        return redirect("schools:pupil_detail", pupil_uuid=pupil.uuid)
    return render(
        request, "schools/guardian_form.html",
        {"form": form, "pupil": pupil, "link": link, "title": _("Ouder/verzorger wijzigen")},
    )


@require_POST
@login_required
def guardian_remove(request: HttpRequest, pupil_uuid, guardian_uuid) -> HttpResponse:
    pupil = _editable_pupil(request, pupil_uuid)
    link = get_object_or_404(Guardianship.objects.select_related("guardian", "pupil"), pupil=pupil, guardian__uuid=guardian_uuid)
    with transaction.atomic():
        services.remove_guardian(user=request.user, link=link)
    messages.success(request, _("De ouder/verzorger is losgekoppeld van deze leerling."))
    return redirect("schools:pupil_detail", pupil_uuid=pupil.uuid)


@require_GET
@login_required
def my_children(request: HttpRequest) -> HttpResponse:
    reach = reach_of(request.user)
    pupils = (
        Pupil.objects.filter(pk__in=reach.family_pupil_ids)
        .prefetch_related(Prefetch("enrolments", queryset=Enrolment.objects.current().select_related("school"), to_attr="current_enrolments"))
    )
    return render(request, "schools/my_children.html", {"pupils": pupils})
