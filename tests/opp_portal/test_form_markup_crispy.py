"""Temporary: our Jinja2 form templates against crispy-bootstrap5, for every form of the project."""

import re

import pytest
from allauth.account import forms as account_forms
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms

from consent import forms as consent_forms
from consent.views.send import SendForm
from plans.forms import draft, lifecycle
from registration.forms import StartExportForm
from schools import forms as school_forms
from schools.models import School
from schools.views.imports import PupilImportForm
from schools.views.transfers import DecisionForm as TransferDecisionForm
from tests.factories import SchoolFactory, UserFactory


def normalised(markup: str) -> str:
    markup = markup.replace("&#39;", "&#x27;").replace("&#34;", "&quot;")
    markup = re.sub(r"\s+", " ", markup)
    return re.sub(r"\s*([<>])\s*", r"\1", markup).strip()


class StoredFile:
    url = "/media/scan.pdf"
    name = "scan.pdf"

    def __str__(self):
        return self.name


class Everything(forms.Form):
    """Widget kinds and options no form of the project has yet."""
    upload = forms.FileField(label="Bestand", required=False, initial=StoredFile())
    needed_upload = forms.FileField(label="Verplicht bestand", initial=StoredFile(), disabled=True)
    grouped = forms.MultipleChoiceField(label="Groepen", choices=[("Een", [("a", "A"), ("b", "B")]), ("Twee", [("c", "C")])],
                                        widget=forms.CheckboxSelectMultiple(attrs={"class": "extra"}))
    agree = forms.BooleanField(label="Akkoord", help_text="Moet")
    many = forms.MultipleChoiceField(label="Veel", choices=[("1", "één"), ("2", "twee")], required=False)
    count = forms.IntegerField(label="Aantal", disabled=True, initial=1200, help_text="<b>vet</b> mag")
    shown_initial = forms.CharField(label="Met begin", show_hidden_initial=True, initial="x")
    secret = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label="Met klasse", widget=forms.TextInput(attrs={"class": "my-textinput-x"}))
    required_css_class = "verplicht"
    error_css_class = "fout"


def forms_to_check(user):
    yield Everything, {}
    school_type = "bao"
    school = SchoolFactory()
    schools = School.objects.filter(pk=school.pk)
    two = School.objects.filter(pk__in=[school.pk, SchoolFactory(board=school.board).pk])
    yield consent_forms.OogoForm, {}
    yield consent_forms.HearingForm, {"about_choices": [("a", "A"), ("b", "B")]}
    yield consent_forms.RequestForm, {}
    yield consent_forms.UnreachableForm, {}
    yield consent_forms.InvitePupilForm, {}
    yield consent_forms.PaperDecisionForm, {}
    yield consent_forms.DecisionForm, {}
    yield consent_forms.DecisionForm, {"pupil": True}
    yield consent_forms.ParentViewForm, {}
    yield consent_forms.PupilViewForm, {}
    yield draft.StartPlanForm, {"school_type": school_type, "has_previous": True}
    yield draft.AdjustForm, {}
    yield draft.DraftForm, {"school_type": school_type}
    yield draft.GoalForm, {}
    yield lifecycle.EvaluationForm, {"goals": [{"uuid": "x", "text": "Doel"}]}
    yield lifecycle.EndForm, {}
    yield lifecycle.CommissieForm, {}
    yield lifecycle.StandardTextForm, {}
    yield school_forms.PupilForm, {}
    yield school_forms.EnrolmentForm, {"schools": schools}
    yield school_forms.EnrolmentForm, {"schools": two}
    yield school_forms.GuardianForm, {}
    yield school_forms.PupilSearchForm, {"schools": two}
    yield StartExportForm, {"board": school.board}
    yield SendForm, {"ask_substantial": True}
    yield TransferDecisionForm, {}
    yield PupilImportForm, {"schools": two}
    yield account_forms.LoginForm, {}
    yield account_forms.ResetPasswordForm, {}
    yield account_forms.RequestLoginCodeForm, {}
    yield account_forms.ConfirmLoginCodeForm, {"code": "ABC"}
    yield account_forms.ChangePasswordForm, {"user": user}
    yield account_forms.SetPasswordForm, {"user": user}
    yield account_forms.ResetPasswordKeyForm, {"user": user, "temp_key": "k"}


DATA = [
    None,
    {},
    {"held_on": "gisteren", "parts": ["x"], "heard": "z", "decision": "z", "reason": "x" * 6000, "scope": "q",
     "kind": "q", "date_of_birth": "1-1", "email": "nope", "phone": "abc", "relationship": "q", "school": "q",
     "q": "x" * 200, "left": "on", "younger_by_choice": "on", "has_gezag": "on", "how": "q", "revision": "x"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("data", DATA, ids=["unbound", "empty", "invalid"])
def test_every_form_renders_as_crispy_did(data, rf):
    user = UserFactory()
    request = rf.get("/")
    request.user = user
    request.session = {}
    checked = 0
    for form_class, kwargs in forms_to_check(user):
        if form_class is account_forms.LoginForm:
            kwargs = {"request": request}
        def make():
            form = form_class(data=data, **kwargs) if data is not None else form_class(**kwargs)
            if data is not None:
                form.is_valid()
                if form_class is consent_forms.OogoForm:
                    form.add_error(None, "Een fout van het hele formulier, met 'aanhalingstekens' & <tekens>.")
            return form
        ours, theirs = make(), make()
        assert normalised(str(ours)) == normalised(as_crispy_form(theirs)), form_class
        ours, theirs = make(), make()
        for name in ours.fields:
            assert normalised(ours[name].as_field_group()) == normalised(as_crispy_field(theirs[name])), (form_class, name)
        checked += 1
    assert checked > 30
