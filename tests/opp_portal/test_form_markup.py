"""Forms render through Django's form rendering with our Jinja2 templates (opp_portal/form_renderer.py,
templates/jinja2/opp/) in the Bootstrap 5 markup crispy-bootstrap5 gave before: the same labels, classes, ids and
ARIA attributes, which the stylesheet, the scripts (focus on the first error) and screen readers rely on. The
expected snippets are crispy's output, whitespace aside; they were checked against crispy for every form of the
project, unbound, empty and invalid, before crispy was removed."""

import re

import pytest
from django import forms

from consent.forms import PaperDecisionForm
from schools.forms import GuardianForm, PupilSearchForm
from schools.models import School


class StoredFile:
    url = "/media/scan.pdf"
    name = "scan.pdf"

    def __str__(self):
        return self.name


class Example(forms.Form):
    name = forms.CharField(label="Naam", max_length=20, help_text="Zoals op het paspoort")
    nickname = forms.CharField(label="Roepnaam", required=False)
    colour = forms.ChoiceField(label="Kleur", choices=[("r", "rood"), ("b", "blauw")], widget=forms.RadioSelect)
    parts = forms.MultipleChoiceField(label="Delen", choices=[("a", "A"), ("b", "B")],
                                      widget=forms.CheckboxSelectMultiple, help_text="Eén of meer")
    agree = forms.BooleanField(label="Akkoord")
    school = forms.ChoiceField(label="School", choices=[("", "Kies"), ("x", "X")])
    scan = forms.FileField(label="Scan", required=False, initial=StoredFile())
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("Het geheel klopt niet, 'echt'.")


def normalised(markup) -> str:
    """Whitespace aside: runs collapsed, none next to a tag's brackets."""
    return re.sub(r"\s*([<>])\s*", r"\1", re.sub(r"\s+", " ", str(markup))).strip()


@pytest.fixture
def unbound():
    return normalised(Example())


@pytest.fixture
def invalid():
    form = Example(data={"nickname": "Bo", "colour": "groen"})
    form.is_valid()
    return normalised(form)


def test_a_required_field_shows_its_label_with_an_asterisk_and_bootstraps_input_class(unbound):
    assert ('<div id="div_id_name" class="mb-3"><label for="id_name" class="form-label requiredField">'
            'Naam<span class="asteriskField">*</span></label><input type="text" name="name" maxlength="20" '
            'class="textinput form-control" required aria-describedby="id_name_helptext" id="id_name">'
            '<div id="id_name_helptext" class="form-text">Zoals op het paspoort</div></div>') in unbound


def test_an_optional_field_has_a_plain_label(unbound):
    assert ('<div id="div_id_nickname" class="mb-3"><label for="id_nickname" class="form-label">Roepnaam</label>'
            '<input type="text" name="nickname" class="textinput form-control" id="id_nickname"></div>') in unbound


def test_a_field_with_an_error_is_marked_invalid_and_described_by_its_numbered_error(invalid):
    # The first field with an error also takes the cursor (`opp_portal.errors.focus_first_error`): the only one.
    assert invalid.count(" autofocus") == 1
    assert ('<input type="text" name="name" maxlength="20" autofocus aria-invalid="true" '
            'class="textinput form-control is-invalid" required '
            'aria-describedby="id_name_helptext id_name_error" id="id_name">'
            '<div id="id_name_error" class="invalid-feedback"><p id="error_1_id_name"><strong>'
            'Dit veld is verplicht.</strong></p></div><div id="id_name_helptext" class="form-text">') in invalid


def test_radios_are_a_fieldset_with_a_legend_and_a_form_check_per_option(unbound):
    assert ('<div id="div_id_colour" class="mb-3"><fieldset><legend class="form-label requiredField fs-6">'
            'Kleur<span class="asteriskField">*</span></legend><div><div class="form-check">'
            '<input type="radio" class="form-check-input" name="colour" value="r" id="id_colour_0" required>'
            '<label for="id_colour_0" class="form-check-label">rood</label></div><div class="form-check">'
            '<input type="radio" class="form-check-input" name="colour" value="b" id="id_colour_1" required>'
            '<label for="id_colour_1" class="form-check-label">blauw</label></div></div></fieldset></div>') in unbound


def test_radios_with_an_error_name_it_on_their_fieldset_and_show_it_after_the_last_option(invalid):
    assert '<fieldset aria-describedby="id_colour_error"><legend class="form-label requiredField fs-6">' in invalid
    assert ('<input type="radio" class="form-check-input is-invalid" name="colour" value="b" id="id_colour_1" '
            'required aria-invalid="true"><label for="id_colour_1" class="form-check-label">blauw</label>'
            '<div id="id_colour_error" class="invalid-feedback"><p id="error_1_id_colour"><strong>') in invalid


def test_checkboxes_of_a_choice_are_a_fieldset_described_by_their_help_text(unbound):
    assert ('<fieldset aria-describedby="id_parts_helptext"><legend class="form-label requiredField fs-6">Delen'
            '<span class="asteriskField">*</span></legend><div><div class="form-check"><input type="checkbox" '
            'class="form-check-input" name="parts" value="a" id="id_parts_0">') in unbound
    assert '</div></div><div id="id_parts_helptext" class="form-text">Eén of meer</div></fieldset></div>' in unbound


def test_a_checkbox_sits_in_a_form_check_with_its_label_after_it(unbound, invalid):
    assert ('<div class="mb-3"><div id="div_id_agree" class="form-check"><input type="checkbox" name="agree" '
            'class="checkboxinput form-check-input" required id="id_agree"><label for="id_agree" '
            'class="form-check-label requiredField">Akkoord<span class="asteriskField">*</span></label>'
            '</div></div>') in unbound
    assert ('class="checkboxinput form-check-input is-invalid" required aria-invalid="true" '
            'aria-describedby="id_agree_error" id="id_agree">') in invalid


def test_a_select_gets_bootstraps_select_class(unbound, invalid):
    assert '<select name="school" class="select form-select" required id="id_school">' in unbound
    assert ('<select name="school" class="select form-select is-invalid" required aria-invalid="true" '
            'aria-describedby="id_school_error" id="id_school">') in invalid


def test_a_file_field_shows_the_stored_file_and_a_plain_file_input(unbound):
    assert ('<div id="div_id_scan" class="mb-3"><label for="id_scan" class="form-label">Scan</label>'
            '<div class="input-group mb-2"><span class="input-group-text">Huidige</span>') in unbound
    assert '<a href="/media/scan.pdf">scan.pdf</a>' in unbound
    assert ('<input type="checkbox" name="scan-clear" id="scan-clear_id" class="form-check-input">'
            '<label class="form-check-label mb-0" for="scan-clear_id">Wissen</label>') in unbound
    assert '<div><input type="file" name="scan" class="form-control" id="id_scan"></div></div>' in unbound


def test_a_hidden_field_is_rendered_as_is_in_its_place(unbound):
    assert unbound.endswith('</div></div><input type="hidden" name="version" id="id_version">')


def test_the_forms_own_errors_are_an_alert_above_the_fields(invalid):
    assert invalid.startswith('<div class="alert alert-block alert-danger"><ul class="m-0">'
                              '<li>Het geheel klopt niet, &#39;echt&#39;.</li></ul></div><div id="div_id_name"')


def test_a_form_without_errors_of_its_own_shows_no_alert(unbound):
    assert "alert" not in unbound


def test_a_date_input_and_a_textarea_keep_their_widget_class_for_the_stylesheet():
    form = PaperDecisionForm(data={})
    form.is_valid()
    html = normalised(form)
    assert ('<input type="date" name="decided_on" class="dateinput form-control is-invalid" required '
            'aria-invalid="true" aria-describedby="id_decided_on_error" id="id_decided_on">') in html
    assert ('<textarea name="reason" cols="40" rows="3" maxlength="5000" class="textarea form-control" '
            'aria-describedby="id_reason_helptext" id="id_reason">') in html


@pytest.mark.django_db
def test_a_single_field_renders_the_same_as_in_a_whole_form():
    form = PupilSearchForm(data={"q": "Vries"}, schools=School.objects.none())
    assert normalised(form["q"].as_field_group()) == (
        '<div id="div_id_q" class="mb-3"><label for="id_q" class="form-label">Zoeken</label><input type="text" '
        'name="q" value="Vries" maxlength="100" class="textinput form-control" aria-describedby="id_q_helptext" '
        'id="id_q"><div id="id_q_helptext" class="form-text">Naam, groep of klas, BSN of onderwijsnummer</div></div>')
    assert normalised(form["q"].as_field_group()) in normalised(form)


def test_rendering_leaves_the_widgets_own_attributes_alone():
    form = GuardianForm()
    str(form)
    assert "class" not in form.fields["last_name"].widget.attrs
