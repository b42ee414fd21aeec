"""Forms after drafting: evaluation, ending, the commissie's advice, standard texts.

They check the input and show Dutch messages next to the fields; the services decide and write.
"""

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opp_portal.datefields import DateInput, SensibleDateField

from ..format import SHORT_TEXT
from ..models import Commissie, EvaluationDecision, GoalOutcome, StandardTextKind, goal_title
from .draft import _describe, mark_invalid

__all__ = ["CommissieForm", "EndForm", "EvaluationForm", "StandardTextForm", "mark_invalid"]

LONG = 4000


def _date(label, help_text=""):
    return SensibleDateField(
        label=label, help_text=help_text,
        widget=DateInput(attrs={"class": "form-control"}),
        error_messages={"required": _("Vul een datum in."), "invalid": _("Vul een geldige datum in.")},
    )


def _text(label, help_text="", *, required=True, max_length=LONG, rows=3, required_message=None):
    return forms.CharField(
        label=label, help_text=help_text, required=required, max_length=max_length, strip=True,
        widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}),
        error_messages={
            "required": required_message or _("Dit veld is verplicht."),
            "max_length": _("Deze tekst is te lang: hoogstens %(limit_value)d tekens (nu %(show_value)d)."),
        },
    )


def _radio(label, choices, help_text="", required_message=None):
    return forms.ChoiceField(
        label=label, choices=choices, help_text=help_text,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": required_message or _("Maak een keuze."),
                        "invalid_choice": required_message or _("Maak een keuze.")},
    )


def _not_in_future(day: datetime.date | None, message) -> None:
    if day and day > timezone.localdate():
        raise forms.ValidationError(message)


class EvaluationForm(forms.Form):
    """Rule 8: per goal of the evaluated version reached / partly / not reached with a note; both views;
    the decision. The goal fields are made per goal: `goal_<n>_outcome` and `goal_<n>_note`."""

    evaluated_on = _date(_("Datum van de evaluatie"), _("De dag van het gesprek met de ouders."))
    parents_view = _text(
        _("Wat de ouders ervan vinden"), _("Hoe kijken de ouders naar het plan en de resultaten? In hun woorden."),
        required_message=_("Schrijf op wat de ouders van het plan en de evaluatie vinden."), rows=3,
    )
    pupil_view = _text(
        _("Wat de leerling ervan vindt"), _("In de woorden van de leerling, of waarom dat niet lukte."),
        required_message=_("Schrijf op wat de leerling ervan vindt, of waarom dat niet lukte."), rows=3,
    )
    decision = _radio(
        _("Besluit"), EvaluationDecision.choices,
        _("Voortzetten: het plan loopt door tot de volgende evaluatie. Bijstellen: u past het plan aan en legt "
          "het opnieuw voor aan de ouders; de geldende versie blijft tot dan van kracht. Beëindigen: het plan stopt."),
        required_message=_("Kies een besluit: voortzetten, bijstellen of beëindigen."),
    )
    end_reason = _text(
        _("Reden van beëindiging"), _("Verplicht bij beëindigen: waarom stopt het plan?"), required=False, rows=2,
        max_length=SHORT_TEXT,
    )
    PARTS = (
        ("handelingsdeel", _("het handelingsdeel: de doelen, de aanpak en de ondersteuning")),
        ("uitstroomperspectief", _("het uitstroomperspectief: de verwachte bestemming en waarom")),
    )
    discussed = forms.MultipleChoiceField(
        label=_("Wat is met de ouders besproken"), choices=PARTS, required=False, initial=["handelingsdeel"],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Het gesprek telt als overleg met de ouders (OOGO) over deze delen, voor een bijstelling die erop "
                    "volgt."),
    )

    def __init__(self, *args, goals: list[dict], adopted_on: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = goals
        self.adopted_on = adopted_on
        self.fields["evaluated_on"].initial = timezone.localdate()
        self.goal_rows: list[dict[str, Any]] = []
        for number, goal in enumerate(goals, start=1):
            title = goal_title(goal.get("area") or "", goal.get("description") or "")
            outcome_name, note_name = f"goal_{number}_outcome", f"goal_{number}_note"
            self.fields[outcome_name] = _radio(
                _("Resultaat voor doel %(n)s: %(title)s") % {"n": number, "title": title}, GoalOutcome.choices,
                required_message=_("Kies of dit doel bereikt, deels bereikt of niet bereikt is."),
            )
            self.fields[note_name] = _text(
                _("Toelichting bij doel %(n)s") % {"n": number}, _("Kort: wat ging goed, wat nog niet?"),
                required=False, rows=2, max_length=SHORT_TEXT,
            )
            self.goal_rows.append({"goal": goal, "title": title, "number": number,
                                   "outcome": outcome_name, "note": note_name})
        # In the page's order (the goals come first): the first error takes the cursor (`focus_first_error`).
        self.order_fields([name for row in self.goal_rows for name in (row["outcome"], row["note"])])
        _describe(self)

    def clean_evaluated_on(self):
        day = self.cleaned_data["evaluated_on"]
        _not_in_future(day, _("De datum van de evaluatie kan niet in de toekomst liggen."))
        if self.adopted_on and day < self.adopted_on:
            raise forms.ValidationError(_("De evaluatie kan niet vóór de ingangsdatum van het plan liggen."))
        return day

    def clean(self):
        data = super().clean()
        if data.get("decision") == EvaluationDecision.END and not data.get("end_reason"):
            self.add_error("end_reason", _("Geef de reden waarom het plan eindigt."))
        return data

    def discussed_parts(self) -> dict[str, bool]:
        parts = set(self.cleaned_data.get("discussed") or ())
        return {"discussed_handelingsdeel": "handelingsdeel" in parts,
                "discussed_uitstroomperspectief": "uitstroomperspectief" in parts}

    def rows(self):
        """Each goal with its bound fields, for the template."""
        return [{**row, "outcome_field": self[row["outcome"]], "note_field": self[row["note"]]}
                for row in self.goal_rows]

    def outcomes(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {row["goal"]["uuid"]: (data[row["outcome"]], data.get(row["note"]) or "") for row in self.goal_rows}


class EndForm(forms.Form):
    ended_on = _date(_("Einddatum"), _("De laatste dag van het plan. Niet in de toekomst."))
    reason = _text(
        _("Reden van beëindiging"),
        _("Bijvoorbeeld: de doelen zijn bereikt, de leerling gaat naar een andere school, nieuw plan."),
        required_message=_("Geef de reden waarom het plan eindigt."), max_length=SHORT_TEXT,
    )

    def __init__(self, *args, adopted_on: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.adopted_on = adopted_on
        self.fields["ended_on"].initial = timezone.localdate()
        _describe(self)

    def clean_ended_on(self):
        day = self.cleaned_data["ended_on"]
        _not_in_future(day, _("De einddatum kan niet in de toekomst liggen."))
        if self.adopted_on and day < self.adopted_on:
            raise forms.ValidationError(_("De einddatum kan niet vóór de ingangsdatum liggen."))
        return day


class CommissieForm(forms.Form):
    """The advice on the version waiting for adoption; the version itself is not a choice."""

    advised_on = _date(_("Datum van het advies"))
    commissie = _radio(
        _("Commissie"), Commissie.choices,
        _("Cluster 3 en 4: de commissie voor de begeleiding. Cluster 1 en 2: de commissie van onderzoek."),
        required_message=_("Kies de commissie die advies gaf."),
    )
    advice = _text(_("Advies"), _("Het advies in het kort, zoals de commissie het gaf."), rows=4,
                   required_message=_("Schrijf het advies van de commissie op."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advised_on"].initial = timezone.localdate()
        _describe(self)

    def clean_advised_on(self):
        day = self.cleaned_data["advised_on"]
        _not_in_future(day, _("De datum van het advies kan niet in de toekomst liggen."))
        return day


class StandardTextForm(forms.Form):
    owner = forms.ChoiceField(
        label=_("Voor wie"), widget=forms.Select(attrs={"class": "form-select"}),
        help_text=_("Een tekst van de school, of van het bestuur voor al zijn scholen."),
        error_messages={"required": _("Kies voor welke school of welk bestuur de tekst is."),
                        "invalid_choice": _("Kies voor welke school of welk bestuur de tekst is.")},
    )
    kind = forms.ChoiceField(
        label=_("Soort"), choices=StandardTextKind.choices, widget=forms.Select(attrs={"class": "form-select"}),
        help_text=_("Waar de tekst in het plan kan worden ingevoegd."),
        error_messages={"required": _("Kies de soort tekst."), "invalid_choice": _("Kies de soort tekst.")},
    )
    title = forms.CharField(
        label=_("Titel"), max_length=120, widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("Kort, zodat u de tekst snel terugvindt."),
        error_messages={"required": _("Geef de tekst een titel."),
                        "max_length": _("De titel is te lang: hoogstens %(limit_value)d tekens.")},
    )
    text = _text(_("Tekst"), _("Schrijf in gewone woorden; de ib'er past de tekst in het plan nog aan."), rows=5,
                 required_message=_("Schrijf de tekst op."), max_length=SHORT_TEXT)

    def __init__(self, *args, owners: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is None:
            del self.fields["owner"]
        else:
            cast(forms.ChoiceField, self.fields["owner"]).choices = owners
        _describe(self)
