"""The standard texts library: texts for support, approaches and goals, kept per school and per board.

Who may change which text is decided in `plans.services.texts` (a school's ib and school leader keep the
school's texts; a school leader of any school of the board, or the board's administration, keeps the
board's texts). Everyone who reaches the library reads all its texts; a text out of reach is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opp_portal.errors import focus_first_error, show_on_form

from .. import services
from ..access import manageable_boards, manageable_schools, text_library_for
from ..forms import StandardTextForm, mark_invalid
from ..models import StandardText


def _library(user):
    library = text_library_for(user)
    if library is None:
        raise Http404
    return library.select_related("school", "board")


def _owners(user) -> list[tuple[str, str]]:
    schools = [(f"school:{s.uuid}", s.name) for s in manageable_schools(user).order_by("name")]
    boards = [(f"board:{b.uuid}", _("%(board)s (alle scholen van het bestuur)") % {"board": b.name})
              for b in manageable_boards(user).order_by("name")]
    return schools + boards


def _owner_of(user, value: str) -> dict:
    kind, _sep, key = value.partition(":")
    if kind == "school":
        return {"school": manageable_schools(user).get(uuid=key)}
    return {"board": manageable_boards(user).get(uuid=key)}


def _may_manage(user, item: StandardText) -> bool:
    return services.may_manage(user, school=item.school, board=item.board)


@login_required
@require_GET
def standard_texts(request: HttpRequest) -> HttpResponse:
    user = request.user
    texts = list(_library(user).order_by("board_id", "school_id", "kind", "title"))
    schools = set(manageable_schools(user).values_list("pk", flat=True))
    boards = set(manageable_boards(user).values_list("pk", flat=True))
    groups: dict[str, dict] = {}
    for text in texts:
        owner = text.school or text.board
        key = f"{'school' if text.school_id else 'board'}:{owner.pk}"
        group = groups.setdefault(key, {
            "name": owner.name if text.school_id else _("Bestuur %(board)s, voor alle scholen") % {"board": owner.name},
            "is_board": bool(text.board_id), "texts": [],
        })
        text.can_manage = text.school_id in schools if text.school_id else text.board_id in boards
        group["texts"].append(text)
    ordered = sorted(groups.values(), key=lambda g: (g["is_board"], str(g["name"])))
    context = {"groups": ordered, "can_add": bool(schools or boards)}
    return render(request, "plans/standard_texts.html", context)


def _form_page(request, form, *, item=None, status=200) -> HttpResponse:
    focus_first_error(form)  # a form shown again with its errors: the cursor on the first
    return render(request, "plans/standard_text_form.html", {"form": form, "item": item}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def standard_text_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    _library(user)  # outsiders get a 404
    owners = _owners(user)
    if not owners:
        raise Http404
    if request.method == "GET":
        initial = {"owner": request.GET.get("voor") or owners[0][0], "kind": request.GET.get("soort") or "support"}
        return _form_page(request, StandardTextForm(owners=owners, initial=initial))
    form = StandardTextForm(request.POST, owners=owners)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_standard_text(user=user, kind=data["kind"], title=data["title"], text=data["text"],
                                       **_owner_of(user, data["owner"]))
        except services.PlanRuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("De standaardtekst '%(title)s' is toegevoegd.") % {"title": data["title"]})
            return redirect("plans:standard_texts")
    mark_invalid(form)
    return _form_page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def standard_text_edit(request: HttpRequest, text_uuid) -> HttpResponse:
    user = request.user
    item = get_object_or_404(_library(user), uuid=text_uuid)
    if not _may_manage(user, item):
        messages.error(request, _("U kunt deze tekst gebruiken, maar niet wijzigen. Teksten van het bestuur "
                                  "beheert een schoolleider of het bestuursbureau."))
        form = StandardTextForm(initial={"kind": item.kind, "title": item.title, "text": item.text})
        for field in form.fields.values():
            field.disabled = True
        return _form_page(request, form, item=item, status=403 if request.method == "POST" else 200)
    if request.method == "GET":
        form = StandardTextForm(initial={"kind": item.kind, "title": item.title, "text": item.text})
        return _form_page(request, form, item=item)
    form = StandardTextForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_standard_text(user=user, item=item, kind=data["kind"], title=data["title"],
                                          text=data["text"])
        except services.RoleRequired:
            raise Http404 from None
        except services.PlanRuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("De standaardtekst is opgeslagen."))
            return redirect("plans:standard_texts")
    mark_invalid(form)
    return _form_page(request, form, item=item)


@login_required
@require_POST
def standard_text_archive(request: HttpRequest, text_uuid) -> HttpResponse:
    user = request.user
    item = get_object_or_404(_library(user), uuid=text_uuid)
    if not _may_manage(user, item):
        messages.error(request, _("U kunt deze tekst niet verwijderen."))
        return redirect("plans:standard_texts")
    try:
        services.archive_standard_text(user=user, item=item)
    except services.PlanRuleError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("De standaardtekst '%(title)s' is verwijderd.") % {"title": item.title})
    return redirect("plans:standard_texts")
