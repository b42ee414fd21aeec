"""The pupil CSV import page: an ib or school leader uploads the LAS export of a school they may edit."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ..models import School
from ..pupil_csv import COLUMN_SPEC, MAX_ROWS, ImportFileError, parse_csv
from ..pupil_import import ImportConflict, ImportRejected, import_pupils
from ..services import NotAllowed

# A file with thousands of bad rows shows the first ones; fixing those usually fixes the rest.
SHOWN_ERRORS = 500


def importable_schools(user):
    return School.objects.editable_by(user).order_by("name")


class PupilImportForm(forms.Form):
    school = forms.ModelChoiceField(
        label=gettext_lazy("School"), queryset=School.objects.none(), to_field_name="uuid",
        empty_label=gettext_lazy("Kies een school"),
        error_messages={
            "required": gettext_lazy("Kies de school waarvoor u leerlingen importeert."),
            "invalid_choice": gettext_lazy("Kies een school uit de lijst."),
        },
    )
    file = forms.FileField(
        label=gettext_lazy("CSV-bestand uit het administratiesysteem"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
        error_messages={
            "required": gettext_lazy("Kies het CSV-bestand dat u wilt importeren."),
            "empty": gettext_lazy("Het bestand is leeg."),
            "invalid": gettext_lazy("Er is geen bestand ontvangen. Kies het bestand opnieuw."),
            "missing": gettext_lazy("Er is geen bestand ontvangen. Kies het bestand opnieuw."),
        },
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Een CSV-bestand met een kopregel, gescheiden door puntkomma’s of komma’s; hoogstens %(rows)s leerlingen "
            "en %(size)s."
        ) % {"rows": f"{MAX_ROWS:,}".replace(",", "."), "size": filesizeformat(settings.PUPIL_IMPORT_MAX_BYTES)}
        field = self.fields["school"]
        field.queryset = School.objects.filter(pk__in=[s.pk for s in schools]).order_by("name")
        if len(schools) == 1:
            field.empty_label = None
            field.initial = schools[0].uuid

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.PUPIL_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Het bestand is te groot (%(size)s); het mag hoogstens %(max)s zijn. "
                  "Splits het in kleinere bestanden.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(limit)}
            )
        upload.seek(0)
        try:
            return parse_csv(upload.read(limit + 1))
        except ImportFileError as exc:
            raise forms.ValidationError(exc.message) from None


@require_http_methods(["GET", "POST"])
@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    schools = list(importable_schools(request.user))
    if not schools:
        raise Http404
    if "school" in request.GET:  # a link for one school, e.g. from its page; another school is a 404
        schools = [s for s in schools if str(s.uuid) == request.GET["school"]]
        if not schools:
            raise Http404
    posted = request.method == "POST"
    form = PupilImportForm(request.POST if posted else None, request.FILES if posted else None, schools=schools)
    row_errors = []
    if posted and form.is_valid():
        school = form.cleaned_data["school"]
        try:
            result = import_pupils(user=request.user, school=school, rows=form.cleaned_data["file"])
        except NotAllowed:
            raise Http404 from None
        except ImportRejected as exc:
            row_errors = exc.errors
        except ImportConflict:
            form.add_error(
                "file",
                _("Tijdens het importeren heeft iemand anders dezelfde leerlingen gewijzigd. Er is niets opgeslagen; "
                  "importeer het bestand opnieuw."),
            )
        else:
            messages.success(
                request,
                _("Het bestand is geïmporteerd voor %(school)s: %(created)d nieuw, %(updated)d bijgewerkt, "
                  "%(unchanged)d ongewijzigd; %(guardians)d ouders/verzorgers gekoppeld.")
                % {
                    "school": school.name, "created": result.created, "updated": result.updated,
                    "unchanged": result.unchanged, "guardians": result.guardians_linked,
                },
            )
            return redirect(f"{reverse('schools:pupil_list')}?school={school.uuid}")
    context = {
        "form": form,
        "columns": COLUMN_SPEC,
        "row_errors": row_errors[:SHOWN_ERRORS],
        "error_count": len(row_errors),
        "hidden_error_count": max(0, len(row_errors) - SHOWN_ERRORS),
    }
    return render(request, "schools/pupil_import.html", context)
