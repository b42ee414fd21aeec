"""Forms of the drafting journey: they check the input; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from opp_portal.datefields import SensibleDateField

from ..content import GOAL_FIELDS
from ..models import BASISONDERSTEUNING_SCHOOL_TYPES, OppKind, UitstroomOption
from ..terms import terms_for

# Long enough for a real plan, short enough to keep it readable for parents.
LONG_TEXT = 4000
SHORT_TEXT = 1500

KIND_LABELS = {
    OppKind.EXTRA_SUPPORT: _("OPP (extra ondersteuning)"),
    OppKind.BASISONDERSTEUNING: _("intern plan (basisondersteuning)"),
}


def kind_label(kind: str, school_type: str) -> str:
    """"OPP" where every pupil has one (sbo, so, vso, pro); at bao and vo the kind of plan is said."""
    if kind == OppKind.EXTRA_SUPPORT and school_type not in BASISONDERSTEUNING_SCHOOL_TYPES:
        return str(_("OPP"))
    return str(KIND_LABELS.get(kind, kind))


def _describe(form: forms.Form) -> None:
    """Link every field to its help text and its error box, so a screen reader reads both."""
    for name in form.fields:
        bound = form[name]
        ids = [f"{bound.auto_id}_helptext", f"{bound.auto_id}_errors"]
        form.fields[name].widget.attrs.setdefault("aria-describedby", " ".join(ids))


def mark_invalid(form: forms.Form) -> None:
    for name in form.errors:
        if name in form.fields:
            attrs = form.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()


def _text(label, help_text, *, max_length=LONG_TEXT, rows=4):
    return forms.CharField(
        label=label, help_text=help_text, required=False, max_length=max_length, strip=True,
        widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}),
        error_messages={"max_length": _("Deze tekst is te lang: hoogstens %(limit_value)d tekens "
                                        "(nu %(show_value)d). Houd het plan kort en leesbaar.")},
    )


class StartPlanForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Soort plan"), choices=list(KIND_LABELS.items()), initial=OppKind.EXTRA_SUPPORT,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        help_text=_("Een OPP is voor een leerling die extra ondersteuning krijgt; het wordt bij DUO gemeld. "
                    "Een intern plan binnen de basisondersteuning niet."),
    )
    support_start_date = SensibleDateField(
        label=_("Start extra ondersteuning"), required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        help_text=_("Vanaf wanneer krijgt de leerling extra ondersteuning? Het OPP moet binnen zes weken "
                    "daarna zijn vastgesteld. Leeg laten als het nog niet bekend is."),
    )
    carry_over = forms.BooleanField(
        label=_("Uitgaan van het vorige plan"), required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text=_("Neemt de ondersteuning en de doelen die nog niet bereikt zijn over uit het vorige plan."),
    )

    def __init__(self, *args, school_type: str, has_previous: bool, from_enrolment_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        if school_type not in BASISONDERSTEUNING_SCHOOL_TYPES:
            del self.fields["kind"]
        if not has_previous:
            del self.fields["carry_over"]
        if from_enrolment_on is not None:
            # A first plan at sbo, so, vso or pro: rule 7 counts from the enrolment, not from this date.
            from django.utils.formats import date_format

            self.fields["support_start_date"].help_text = _(
                "Het eerste OPP moet binnen zes weken na de inschrijving (%(day)s) zijn vastgesteld; deze datum "
                "verandert dat niet.") % {"day": date_format(from_enrolment_on, "j F Y")}
        _describe(self)


class AdjustForm(forms.Form):
    """"Plan bijstellen" (adopted) or "Plan aanpassen" (waiting for instemming): the reason is required."""

    reason = forms.CharField(
        label=_("Waarom wordt het plan bijgesteld?"), max_length=1000, strip=True,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": _("Schrijf op waarom het plan wordt bijgesteld."),
                        "max_length": _("De reden is te lang: hoogstens %(limit_value)d tekens.")},
    )

    def __init__(self, *args, adopted: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        if adopted:
            field.help_text = _("Bijvoorbeeld: na de evaluatie, of omdat de situatie van de leerling veranderde. De "
                                "geldende versie blijft van kracht tot de nieuwe versie is vastgesteld.")
        else:
            field.label = _("Waarom wordt het plan aangepast?")
            field.help_text = _("Bijvoorbeeld: de ouders gingen niet akkoord, of na het gesprek met de ouders. De "
                                "ouders krijgen daarna een nieuwe versie; besluiten over deze versie tellen dan niet "
                                "meer.")
        _describe(self)


YES_NO = (("nee", _("Nee")), ("ja", _("Ja")))


class DraftForm(forms.Form):
    """Both parts of the law, handelingsdeel first; the goals are a formset beside it."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    support_and_guidance = _text(
        _("Ondersteuning en begeleiding"),
        _("Welke ondersteuning en begeleiding geeft de school, hoe vaak en door wie. Geen diagnoses of "
          "testuitslagen: die horen in het dossier."), rows=5,
    )
    deviates_from_regular_programme = forms.ChoiceField(
        label=_("Wijkt het programma af van het reguliere programma?"), choices=YES_NO, initial="nee",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        help_text=_("Ja als de leerling voor een of meer vakken een eigen leerlijn of een ander programma volgt."),
    )
    deviation_description = _text(
        _("Hoe wijkt het programma af?"),
        _("Voor welke vakken of onderdelen, en hoe. Leeg laten als het programma niet afwijkt."), rows=3,
    )
    uitstroom_option = forms.ModelChoiceField(
        label=_("Verwachte uitstroombestemming"), queryset=UitstroomOption.objects.none(), required=False,
        to_field_name="code", empty_label=_("— kies een bestemming —"),
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text=_("Waar gaat de leerling naar verwachting heen na deze school? Alleen bestemmingen die bij "
                    "deze schoolsoort passen."),
        error_messages={"invalid_choice": _("Kies een uitstroombestemming die bij deze schoolsoort past.")},
    )
    uitstroom_justification = _text(
        _("Onderbouwing"),
        _("Waarom deze bestemming past: resultaten, ontwikkeling en wat ouders en leerling zeggen. "
          "Geen lijst met alle toetsscores."),
    )
    bevorderende_factoren = _text(
        _("Bevorderende factoren"),
        _("Wat helpt de leerling om het perspectief te halen? Bijvoorbeeld motivatie, steun thuis, sterke kanten."),
        max_length=SHORT_TEXT, rows=3,
    )
    belemmerende_factoren = _text(
        _("Belemmerende factoren"),
        _("Wat maakt het de leerling moeilijker? Beschrijf het zakelijk, zonder oordeel."),
        max_length=SHORT_TEXT, rows=3,
    )
    pupil_situation = _text(
        _("Situatie van de leerling (optioneel)"),
        _("Kort: wat gaat goed en wat is lastig. Geen medische details die niet nodig zijn."), rows=3,
    )
    support_needs = _text(
        _("Ondersteuningsbehoeften (optioneel)"),
        _("Wat heeft de leerling nodig om verder te komen? Schrijf het vanuit de leerling: 'Ik heb nodig…'."),
        rows=3,
    )

    SERVICE_FIELDS = (
        "support_and_guidance", "deviates_from_regular_programme", "deviation_description", "uitstroom_option",
        "uitstroom_justification", "bevorderende_factoren", "belemmerende_factoren", "pupil_situation",
        "support_needs",
    )

    def __init__(self, *args, school_type: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["uitstroom_option"].queryset = UitstroomOption.objects.for_school_type(school_type)
        _describe(self)

    def changes(self) -> dict:
        data = self.cleaned_data
        changes = {name: data[name] for name in self.SERVICE_FIELDS}
        changes["deviates_from_regular_programme"] = data["deviates_from_regular_programme"] == "ja"
        return changes


class GoalForm(forms.Form):
    uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)
    area = forms.CharField(
        label=_("Gebied"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("Eén woord of een paar: lezen, rekenen, werkhouding, sociaal."),
        error_messages={"max_length": _("Het gebied is te lang: hoogstens %(limit_value)d tekens.")},
    )
    description = _text(
        _("Doel"), _("Het doel in gewone woorden: wat kan de leerling straks? Eén doel per blok."),
        max_length=SHORT_TEXT, rows=2,
    )
    approach = _text(_("Aanpak"), _("Hoe werken we aan dit doel? Concreet: wat, hoe vaak, hoe lang."),
                     max_length=SHORT_TEXT, rows=3)
    responsible = _text(_("Wie doet wat"), _("Wat doen de leerkracht, de ib'er, de ouders en de leerling?"),
                        max_length=SHORT_TEXT, rows=2)
    RESPONSIBLE_HELP = _("Wat doen de %(teacher)s, de %(ib)s, de ouders en de leerling?")
    due_by = SensibleDateField(
        label=_("Streefdatum"), required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        help_text=_("De datum waarop we kijken of het doel bereikt is."),
        error_messages={"invalid": _("Vul een geldige datum in.")},
    )
    measured_by = _text(_("Hoe gemeten"), _("Waaraan zien we dat het doel bereikt is? Een toets, een observatie…"),
                        max_length=SHORT_TEXT, rows=2)

    def __init__(self, *args, lenient: bool = False, school_type: str = "", **kwargs):
        # Autosave is lenient: a new goal without its text yet waits instead of blocking the whole save.
        self.lenient = lenient
        self.pending = False
        super().__init__(*args, **kwargs)
        if school_type:
            terms = terms_for(school_type)
            self.fields["responsible"].help_text = self.RESPONSIBLE_HELP % {"teacher": terms["teacher"],
                                                                            "ib": terms["ib"]}
        _describe(self)

    @property
    def is_blank(self) -> bool:
        """A new goal block nobody typed in yet: skipped, not an error."""
        data = getattr(self, "cleaned_data", {})
        return not data.get("uuid") and all(data.get(name) in (None, "") for name in GOAL_FIELDS)

    def clean(self):
        data = super().clean()
        if self.is_blank or data.get("DELETE"):
            return data
        if not data.get("description") and "description" not in self.errors:
            if self.lenient and not data.get("uuid"):
                self.pending = True
                return data
            self.add_error("description", _("Schrijf het doel op, of verwijder dit doel."))
        return data

    def goal(self) -> dict:
        data = self.cleaned_data
        return {"uuid": data.get("uuid"), **{name: data.get(name) for name in GOAL_FIELDS}}


class BaseGoalFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Dit doel verwijderen")
            form.fields["DELETE"].help_text = _("Het doel verdwijnt bij de volgende keer opslaan.")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"
            bound = form["DELETE"]
            form.fields["DELETE"].widget.attrs["aria-describedby"] = f"{bound.auto_id}_helptext {bound.auto_id}_errors"


def goal_formset(data=None, *, goals=None, extra: int = 0, lenient: bool = False, school_type: str = ""):
    formset_class = forms.formset_factory(GoalForm, formset=BaseGoalFormSet, extra=extra, can_delete=True,
                                          max_num=20, validate_max=True)
    initial = [{"uuid": g.uuid, **{name: getattr(g, name) for name in GOAL_FIELDS}} for g in (goals or [])]
    return formset_class(data, initial=initial, prefix="goals",
                         form_kwargs={"lenient": lenient, "school_type": school_type})
