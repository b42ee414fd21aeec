import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opp_portal.datefields import DateInput, SensibleDateField

from .identifiers import validate_bsn, validate_onderwijsnummer
from .models import Enrolment, Pupil, Relationship, School
from .services import SEQUENCE_NUMBER_IN_USE


def _version_field() -> forms.CharField:
    """The stored version the user started from, so a concurrent change is detected, not overwritten."""
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


def _identifier_field(label, help_text) -> forms.CharField:
    # Longer than 9, so "1234.56.782" or "1234 56 782" as people type them reach the clean method.
    return forms.CharField(
        label=label, help_text=help_text, required=False, max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _identifier(value: str, validate) -> str | None:
    value = re.sub(r"[\s.\-]", "", value or "")
    if value:
        validate(value)
    return value or None


class PupilForm(forms.ModelForm):
    bsn = _identifier_field(_("BSN"), _("9 cijfers. Vul het BSN in, of anders het onderwijsnummer."))
    onderwijsnummer = _identifier_field(
        _("Onderwijsnummer"), _("Alleen als de leerling geen BSN heeft: 9 cijfers, beginnend met 10."),
    )
    version = _version_field()

    class Meta:
        model = Pupil
        fields = ["first_name", "name_prefix", "last_name", "date_of_birth", "bsn", "onderwijsnummer", "email"]
        widgets = {"date_of_birth": DateInput()}
        field_classes = {"date_of_birth": SensibleDateField}
        help_texts = {"email": _("Niet verplicht. Alleen nodig als de leerling zelf in het portaal komt: vanaf 12 jaar "
                                 "voor 'Hoe denk jij erover?', en vanaf 18 jaar om zelf te beslissen over "
                                 "instemming.")}

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower()

    def clean_bsn(self):
        return _identifier(self.cleaned_data.get("bsn"), validate_bsn)

    def clean_onderwijsnummer(self):
        return _identifier(self.cleaned_data.get("onderwijsnummer"), validate_onderwijsnummer)

    def clean(self):
        data = super().clean()
        bsn, onr = data.get("bsn"), data.get("onderwijsnummer")
        if "bsn" in data and "onderwijsnummer" in data:
            if bsn and onr:
                self.add_error("onderwijsnummer", _("Vul een BSN of een onderwijsnummer in, niet allebei."))
            elif not bsn and not onr:
                self.add_error("bsn", _("Vul het BSN van de leerling in, of anders het onderwijsnummer."))
        dob = data.get("date_of_birth")
        if dob and dob.year < 1990:
            self.add_error("date_of_birth", _("Deze geboortedatum ligt te ver in het verleden voor een leerling."))
        elif dob and dob > timezone.localdate():
            self.add_error("date_of_birth", _("De geboortedatum ligt in de toekomst."))
        return data

    def validate_constraints(self):
        # The identifier check constraint would only repeat the message clean() gave.
        if not (self.has_error("bsn") or self.has_error("onderwijsnummer")):
            super().validate_constraints()

    def _get_validation_exclusions(self):
        # Whether a number is known is the service's question: an error here would tell the user that a pupil
        # with this number exists at a school out of their reach (see schools.transfers).
        return super()._get_validation_exclusions() | {"bsn", "onderwijsnummer"}


class EnrolmentForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = ["school", "group", "enrolment_date", "leaving_date", "sequence_number"]
        widgets = {"enrolment_date": DateInput(), "leaving_date": DateInput()}
        field_classes = {"enrolment_date": SensibleDateField, "leaving_date": SensibleDateField}
        error_messages = {
            "school": {"invalid_choice": _("Kies een school waar u leerlingen mag toevoegen.")},
        }

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        # Public identifiers are UUIDs, also in the choices a browser posts back.
        self.fields["school"].to_field_name = "uuid"
        self.fields["school"].queryset = schools
        if self.instance.school_id:
            self.initial["school"] = self.instance.school
        self.fields["school"].empty_label = None
        if schools.count() == 1:
            self.fields["school"].initial = schools.first()

    def validate_constraints(self):
        # A new enrolment's volgnummer is the service's question: the same form sent twice is the pupil already
        # added, not a clash (schools.services.create_pupil).
        if self.has_error("leaving_date") or self.instance._state.adding:
            return
        try:
            self.instance.validate_constraints(exclude=self._get_validation_exclusions())
        except forms.ValidationError:
            self.add_error(
                "sequence_number",
                SEQUENCE_NUMBER_IN_USE,
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("enrolment_date"), data.get("leaving_date")
        if start and end and end < start:
            self.add_error("leaving_date", _("De uitschrijfdatum ligt vóór de inschrijfdatum."))
        return data


class GuardianForm(forms.Form):
    first_name = forms.CharField(label=_("Voornaam"), max_length=100, required=False)
    name_prefix = forms.CharField(label=_("Tussenvoegsel"), max_length=20, required=False)
    last_name = forms.CharField(label=_("Achternaam"), max_length=100)
    email = forms.EmailField(
        label=_("E-mailadres"), required=False, max_length=254,
        help_text=_("Hierop ontvangt de ouder verzoeken om instemming en de inlogcode."),
    )
    phone = forms.CharField(label=_("Telefoonnummer"), max_length=30, required=False)
    relationship = forms.ChoiceField(label=_("Relatie tot de leerling"), choices=Relationship.choices)
    has_gezag = forms.BooleanField(
        label=_("Heeft gezag"), required=False, initial=True,
        help_text=_("Alleen ouders met gezag beslissen over instemming met het handelingsdeel."),
    )
    version = _version_field()

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        allowed = set("0123456789+-() ")
        if phone and (not set(phone) <= allowed or sum(c.isdigit() for c in phone) < 10):
            raise forms.ValidationError(_("Vul een geldig telefoonnummer in, bijvoorbeeld 06 12345678."))
        return phone


class PupilSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Zoeken"), required=False, max_length=100,
        help_text=_("Naam, groep of klas, BSN of onderwijsnummer"),
    )
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False, empty_label=_("Alle scholen"),
        to_field_name="uuid",
    )
    left = forms.BooleanField(label=_("Ook uitgeschreven leerlingen"), required=False)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["school"].error_messages["invalid_choice"] = _("Kies een school uit de lijst.")

