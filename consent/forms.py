"""Forms of the consent pages. They check what a person can fix in the form (a field left empty, a file of
the wrong kind); the rules of the law are checked again by `consent.services`, whose message is shown too."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opp_portal.datefields import DateInput, SensibleDateField
from opp_portal.form_renderer import RenderedOnceUnbound

from .models import Decision, HearingMethod, HowGiven, UnreachableReason

MAX_SCAN_BYTES = 10 * 1024 * 1024
# What a scan may be, recognised by its first bytes (the name alone proves nothing).
SCAN_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
SCAN_CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}
MAX_TEXT = 5000


def _text(label, *, required=True, rows=3, help_text="", max_length=MAX_TEXT):
    return forms.CharField(label=label, required=required, help_text=help_text, max_length=max_length,
                           widget=forms.Textarea(attrs={"rows": rows}))


def _not_in_future(day: datetime.date | None) -> datetime.date | None:
    if day and day > timezone.localdate():
        raise forms.ValidationError(_("Deze datum ligt in de toekomst."))
    return day


# --- school side ------------------------------------------------------------------------------------------------

class OogoForm(RenderedOnceUnbound, forms.Form):
    PARTS = (
        ("handelingsdeel", _("het handelingsdeel (wat de school doet; de ouders stemmen hiermee in)")),
        ("uitstroomperspectief", _("het uitstroomperspectief (waar de leerling naar verwachting heen gaat)")),
    )
    held_on = SensibleDateField(label=_("Datum van het overleg"), widget=DateInput())
    participants = _text(_("Wie waren erbij"), rows=2,
                         help_text=_("Namen en rollen, bijvoorbeeld: moeder, vader, ib'er."))
    parts = forms.MultipleChoiceField(label=_("Wat is besproken"), choices=PARTS, widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": _("Kies welk deel van het plan is besproken.")})
    parents_view = _text(_("Wat vinden de ouders"), help_text=_("In de woorden van de ouders."))
    agreements = _text(_("Wat is afgesproken"))

    def clean_held_on(self):
        return _not_in_future(self.cleaned_data.get("held_on"))


class HearingForm(RenderedOnceUnbound, forms.Form):
    HEARD_CHOICES = (("ja", _("Ja, de leerling is gehoord")), ("nee", _("Nee, de leerling is niet gehoord")))
    about = forms.ChoiceField(label=_("Waarover is de leerling gehoord"))
    heard = forms.ChoiceField(label=_("Is de leerling gehoord?"), choices=HEARD_CHOICES, widget=forms.RadioSelect,
                              initial="ja", error_messages={"required": _("Kies of de leerling is gehoord.")})
    # Required for one answer to "heard" only (`clean`): each says so, as an asterisk would say it for both.
    heard_on = SensibleDateField(label=_("Wanneer"), required=False, widget=DateInput(),
                                 help_text=_("Verplicht als de leerling is gehoord."))
    method = forms.ChoiceField(label=_("Hoe"), required=False, help_text=_("Verplicht als de leerling is gehoord."))
    heard_by = forms.CharField(label=_("Door wie"), required=False, max_length=200,
                               help_text=_("Verplicht als de leerling is gehoord."))
    pupil_view = _text(_("Wat vindt de leerling"), required=False,
                       help_text=_("In de woorden van de leerling. Verplicht als de leerling is gehoord."))
    school_response = _text(_("Wat doet de school ermee"), required=False)
    not_heard_reason = _text(_("Waarom is de leerling niet gehoord"), required=False, rows=2,
                             help_text=_("Verplicht als de leerling niet is gehoord."))

    def __init__(self, *args, about_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = list(about_choices)
        self.fields["method"].choices = [("", _("Kies hoe"))] + [
            (value, label) for value, label in HearingMethod.choices if value != HearingMethod.PORTAAL
        ]

    def clean_heard_on(self):
        return _not_in_future(self.cleaned_data.get("heard_on"))

    def clean(self):
        data = super().clean()
        if data.get("heard") == "ja":
            required = {
                "heard_on": _("Vul in wanneer de leerling is gehoord."),
                "method": _("Kies hoe de leerling is gehoord."),
                "heard_by": _("Schrijf op wie de leerling heeft gehoord."),
                "pupil_view": _("Schrijf op wat de leerling vindt, in de woorden van de leerling."),
            }
            for name, message in required.items():
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        elif data.get("heard") == "nee" and not (data.get("not_heard_reason") or "").strip():
            self.add_error("not_heard_reason", _("Schrijf op waarom de leerling niet is gehoord."))
        return data


def _in_two_weeks() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=14)


class RequestForm(RenderedOnceUnbound, forms.Form):
    reason = forms.CharField(
        label=_("Reden van het verzoek"), max_length=300,
        help_text=_("De ouders lezen dit bij het plan in het portaal (niet in de e-mail). Schrijf waarom, niet wat "
                    "er in het plan staat; bijvoorbeeld: nieuw plan, of aangepast na de evaluatie."),
    )
    answer_by = SensibleDateField(
        label=_("Graag een antwoord vóór"), widget=DateInput(), initial=_in_two_weeks, required=False,
        help_text=_("Deze datum staat in de e-mail aan de ouders. Leeg: over twee weken."),
    )

    def clean_answer_by(self):
        day = self.cleaned_data.get("answer_by")
        if day and day < timezone.localdate():
            raise forms.ValidationError(_("Deze datum ligt in het verleden."))
        if day and day > timezone.localdate() + datetime.timedelta(days=120):
            raise forms.ValidationError(_("Kies een datum binnen vier maanden."))
        return day


class UnreachableForm(forms.Form):
    reason = forms.ChoiceField(label=_("Waarom is de ouder niet bereikbaar"), widget=forms.RadioSelect,
                               choices=UnreachableReason.choices,
                               error_messages={"required": _("Kies waarom de ouder niet bereikbaar is.")})
    attempts = _text(_("Welke pogingen heeft de school gedaan"), rows=4,
                     help_text=_("Wanneer en hoe: e-mail, brief, telefoon, via de andere ouder, herinneringen."))
    explanation = _text(_("Toelichting"), required=False, rows=2, help_text=_("Verplicht bij 'anders'."))


class InvitePupilForm(RenderedOnceUnbound, forms.Form):
    younger_by_choice = forms.BooleanField(
        label=_("De leerling is jonger dan 12 jaar; de school kiest er bewust voor om toch uit te nodigen"),
        required=False,
    )


class PaperDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Besluit"), choices=Decision.choices, widget=forms.RadioSelect,
                                 error_messages={"required": _("Kies het besluit van de ouder.")})
    reason = _text(_("Toelichting"), required=False,
                   help_text=_("Verplicht bij niet akkoord: de reden die de ouder gaf."))
    how = forms.ChoiceField(label=_("Hoe is het besluit gegeven"), widget=forms.RadioSelect,
                            choices=[(HowGiven.OP_PAPIER, HowGiven.OP_PAPIER.label),
                                     (HowGiven.IN_GESPREK, HowGiven.IN_GESPREK.label)],
                            initial=HowGiven.OP_PAPIER)
    decided_on = SensibleDateField(label=_("Datum van het besluit"), widget=DateInput(), initial=timezone.localdate)
    scan = forms.FileField(label=_("Scan van het ondertekende formulier"), required=False,
                           help_text=_("Verplicht bij akkoord. PDF, JPEG of PNG, hoogstens 10 MB. De ouder krijgt een "
                                       "e-mail dat u dit besluit hebt vastgelegd."))

    def clean_decided_on(self):
        return _not_in_future(self.cleaned_data.get("decided_on"))

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if not scan:
            return None
        return validate_scan(scan)

    def clean(self):
        data = super().clean()
        if self.errors.pop("version", None):
            # Only a changed page sends a version that is no uuid: said next to the choice, which the page shows.
            self.add_error("decision", self._not_this_version())
        if data.get("decision") == Decision.NIET_AKKOORD and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Schrijf op waarom de ouder niet akkoord gaat."))
        if data.get("decision") == Decision.AKKOORD and not data.get("scan") and "scan" not in self.errors:
            self.add_error("scan", _("Voeg de scan van het door de ouder ondertekende formulier toe: zonder die scan "
                                     "legt u geen akkoord vast."))
        return data

    def decided_at(self, version_created_at: datetime.datetime) -> datetime.datetime:
        """The moment of the decision: now for today; otherwise midday of that day, but never before the
        version was sent (a decision on the day it was sent)."""
        day = self.cleaned_data["decided_on"]
        if day == timezone.localdate():
            return timezone.now()
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        if day == timezone.localtime(version_created_at).date():
            moment = max(moment, version_created_at)
        return moment


def scan_extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def validate_scan(scan):
    extension = scan_extension(scan.name or "")
    if extension not in SCAN_SIGNATURES:
        raise forms.ValidationError(_("Kies een PDF, JPEG of PNG; dit bestand is van een ander soort."))
    if scan.size > MAX_SCAN_BYTES:
        raise forms.ValidationError(_("Dit bestand is groter dan 10 MB. Scan het met een lagere resolutie."))
    scan.seek(0)
    head = scan.read(16)
    scan.seek(0)
    if not any(head.startswith(signature) for signature in SCAN_SIGNATURES[extension]):
        raise forms.ValidationError(_("Dit bestand is geen echte PDF, JPEG of PNG. Scan het formulier opnieuw."))
    return scan


# --- family side ------------------------------------------------------------------------------------------------

class DecisionForm(forms.Form):
    """A parent's decision ("u"), or with `pupil=True` the adult pupil's own ("je", as their page speaks)."""
    CHOICES = (
        (Decision.AKKOORD, _("Akkoord: ik stem in met dit handelingsdeel")),
        (Decision.NIET_AKKOORD, _("Niet akkoord: ik stem niet in")),
        (Decision.GESPREK_GEWENST, _("Ik wil eerst een gesprek met de school")),
    )
    decision = forms.ChoiceField(label=_("Uw besluit"), choices=CHOICES, widget=forms.RadioSelect,
                                 error_messages={"required": _("Kies een van de drie mogelijkheden.")})
    reason = _text(_("Toelichting"), required=False, rows=3,
                   help_text=_("Verplicht als u niet akkoord gaat. Schrijf op waarom; dan kan de school daarop "
                               "ingaan."))
    # The version the page showed: a decision counts only for the exact version its maker read (rule 2), so a
    # page left open while the school sent a new version never decides on that new one.
    version = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, pupil: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.pupil = pupil
        if pupil:
            self.fields["decision"].label = _("Jouw besluit")
            self.fields["reason"].help_text = _("Verplicht als je niet akkoord gaat. Schrijf op waarom; dan kan de "
                                                "school daarop ingaan.")

    def clean(self):
        data = super().clean()
        if self.errors.pop("version", None):
            # Only a changed page sends a version that is no uuid: said next to the choice, which the page shows.
            self.add_error("decision", self._not_this_version())
        if data.get("decision") == Decision.NIET_AKKOORD and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Schrijf op waarom je niet akkoord gaat; dan kan de school daarop ingaan.")
                           if self.pupil else
                           _("Schrijf op waarom u niet akkoord gaat; dan kan de school daarop ingaan."))
        return data

    def check_version(self, version) -> bool:
        """False (with the message next to the choice) when the page showed another version than `version`."""
        posted = self.cleaned_data.get("version")
        if posted == version.uuid:
            return True
        older = next((v for v in version.opp.read_history() if v.uuid == posted and v.number < version.number), None)
        if older is None:  # no version of this plan the page could have shown: say no more than that
            self.add_error("decision", self._not_this_version())
        elif self.pupil:
            self.add_error("decision", _(
                "De school heeft je intussen een nieuwe versie van het plan gestuurd (versie %(n)s). Je besluit is "
                "nog niet bewaard. Lees hierboven wat er nu in het plan staat en kies dan opnieuw.")
                % {"n": version.number})
        else:
            self.add_error("decision", _(
                "De school heeft u intussen een nieuwe versie van het plan gestuurd (versie %(n)s). Uw besluit is "
                "nog niet bewaard. Lees hierboven wat er nu in het plan staat en kies dan opnieuw.")
                % {"n": version.number})
        return False

    def _not_this_version(self) -> str:
        if self.pupil:
            return str(_("Je besluit is niet bewaard: het hoorde niet bij de versie van het plan die op je besluit "
                         "wacht. Lees hierboven wat er in het plan staat en kies dan opnieuw."))
        return str(_("Uw besluit is niet bewaard: het hoorde niet bij de versie van het plan die op uw besluit "
                     "wacht. Lees hierboven wat er in het plan staat en kies dan opnieuw."))


class ParentViewForm(forms.Form):
    text = _text(_("Uw kijk op het plan"), rows=4,
                 help_text=_("Wat vindt u van het plan? Wat ziet u thuis? De school leest dit bij het plan."))


class PupilViewForm(forms.Form):
    text = _text(_("Hoe denk jij erover?"), rows=4,
                 help_text=_("Schrijf het op in je eigen woorden. Wat vind je goed? Wat zou je anders willen? "
                             "De school leest het."),
                 )
