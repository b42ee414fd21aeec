"""Forms of the drafting journey: they check the input; the services decide and write."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from opp_portal.datefields import DateInput, SensibleDateField

from ..format import CORE, FORM, GOAL_FIELDS, LONG_TEXT, Field, Format, Kind
from ..models import BASISONDERSTEUNING_SCHOOL_TYPES, OppKind, UitstroomOption
from ..terms import terms_for

KIND_LABELS = dict(CORE.field("kind").choices)


def kind_label(kind: str, school_type: str) -> str:
    """"OPP" where every pupil has one (sbo, so, vso, pro); at bao and vo the kind of plan is said."""
    if kind == OppKind.EXTRA_SUPPORT and school_type not in BASISONDERSTEUNING_SCHOOL_TYPES:
        return str(_("OPP"))
    return str(KIND_LABELS.get(kind, kind))


def _describe(form: forms.Form) -> None:
    """Link every field to its help text and its error box, so a screen reader reads both."""
    for name in form.fields:
        bound = form[name]
        # The help text's box is there only for a field that has help (`plans/_field.html`); the errors' always.
        ids = [f"{bound.auto_id}_helptext"] if bound.help_text else []
        ids.append(f"{bound.auto_id}_errors")
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
        widget=DateInput(attrs={"class": "form-control"}),
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


def form_field(item: Field) -> forms.Field:
    """The form field for a declared field, by what it holds."""
    if item.kind == Kind.YES_NO:
        return forms.ChoiceField(label=item.label, choices=YES_NO, initial="nee", help_text=item.help_text,
                                 widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    if item.kind == Kind.CHOICE:
        return forms.ChoiceField(label=item.label, choices=list(item.choices.items()), required=False,
                                 help_text=item.help_text, widget=forms.Select(attrs={"class": "form-select"}))
    if item.kind == Kind.OPTION:
        return forms.ModelChoiceField(
            label=item.label, queryset=UitstroomOption.objects.none(), required=False, to_field_name="code",
            empty_label=_("— kies een bestemming —"), widget=forms.Select(attrs={"class": "form-select"}),
            help_text=item.help_text,
            error_messages={"invalid_choice": _("Kies een uitstroombestemming die bij deze schoolsoort past.")},
        )
    if item.kind == Kind.DATE:
        return SensibleDateField(
            label=item.label, required=False, help_text=item.help_text,
            widget=DateInput(attrs={"class": "form-control"}),
            error_messages={"invalid": _("Vul een geldige datum in.")},
        )
    if item.rows == 1:
        return forms.CharField(
            label=item.label, required=False, max_length=item.max_length, help_text=item.help_text,
            widget=forms.TextInput(attrs={"class": "form-control"}),
            error_messages={"max_length": item.too_long} if item.too_long else None,
        )
    return _text(item.label, item.help_text, max_length=item.max_length or LONG_TEXT, rows=item.rows)


# Typed in on the draft form; the kind of plan is chosen when it starts.
FORM_KINDS = (Kind.TEXT, Kind.YES_NO, Kind.OPTION, Kind.DATE)


def _form_fields(fmt: Format) -> list[Field]:
    return [f for section in fmt.on_pages() for f in section if f.kind in FORM_KINDS]


def form_rows(form: forms.Form, fields, texts: dict | None) -> list[dict]:
    """The rows a form shows for declared `fields`: one field, two side by side (`pair`), or the goals."""
    texts = texts or {}
    rows: list[dict] = []
    for item in fields:
        if item.is_goals:
            rows.append({"goals": True, "label": item.label})
        elif item.key in form.fields:
            entry = {"field": form[item.key], "texts": texts.get(item.standard_text)}
            if item.side_by_side_in_form and rows and rows[-1].get("pair") and len(rows[-1]["items"]) < 2:
                rows[-1]["items"].append(entry)
            elif item.side_by_side_in_form:
                rows.append({"pair": True, "items": [entry]})
            else:
                rows.append(entry)
    return rows


class DraftForm(forms.Form):
    """Every typed-in field of the plan's format (`plans.format`), handelingsdeel first; the goals are a
    formset beside it."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, school_type: str, fmt: Format = CORE, **kwargs):
        super().__init__(*args, **kwargs)
        self.format = fmt
        for item in _form_fields(fmt):
            self.fields[item.key] = form_field(item)
        options = cast(forms.ModelChoiceField, self.fields["uitstroom_option"])
        options.queryset = UitstroomOption.objects.for_school_type(school_type)
        _describe(self)

    def sections(self, texts: dict | None = None) -> list[dict]:
        """The form's fields by part, in the order the page shows them, each with the standard texts it offers
        (`texts`, by kind) and whether it stands beside its neighbour."""
        out = []
        for section in self.format.on_pages():
            rows = form_rows(self, section.fields, texts)
            if rows:
                out.append({"anchor": section.anchor, "title": section.titles.get(FORM, ""),
                            "intro": section.intros.get(FORM, ""), "rows": rows})
        return out

    def changes(self) -> dict:
        data = self.cleaned_data
        changes = {}
        for item in _form_fields(self.format):
            changes[item.key] = data[item.key] == "ja" if item.kind == Kind.YES_NO else data[item.key]
        return changes


class GoalForm(forms.Form):
    """A goal's parts as `plans.format` declares them."""

    uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)
    RESPONSIBLE_HELP = _("Wat doen de %(teacher)s, de %(ib)s, de ouders en de leerling?")

    def __init__(self, *args, lenient: bool = False, school_type: str = "", fmt: Format = CORE, **kwargs):
        # Autosave is lenient: a new goal without its text yet waits instead of blocking the whole save.
        self.lenient = lenient
        self.pending = False
        self.goal_keys = fmt.goal_keys
        self.goal_fields = fmt.goal_fields
        super().__init__(*args, **kwargs)
        for item in fmt.goal_fields:
            self.fields[item.key] = form_field(item)
        if school_type:
            terms = terms_for(school_type)
            self.fields["responsible"].help_text = self.RESPONSIBLE_HELP % {"teacher": terms["teacher"],
                                                                            "ib": terms["ib"]}
        _describe(self)

    def rows(self, texts: dict | None = None) -> list[dict]:
        return form_rows(self, self.goal_fields, texts)

    @property
    def is_blank(self) -> bool:
        """A new goal block nobody typed in yet: skipped, not an error."""
        data = getattr(self, "cleaned_data", {})
        return not data.get("uuid") and all(data.get(name) in (None, "") for name in self.goal_keys)

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
        return {"uuid": data.get("uuid"), **{name: data.get(name) for name in self.goal_keys}}


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
