"""Unbound forms on busy pages rendered once per what they are made from (opp_portal.form_renderer
.RenderedOnceUnbound): the HTML is always what a fresh rendering gives, for other choices, another day's initial
value or a form shown again with its errors."""

import datetime
from unittest import mock

import pytest
from django import forms
from django.utils import timezone

from consent.forms import HearingForm, InvitePupilForm, OogoForm, RequestForm
from opp_portal import form_renderer


def fresh(form) -> str:
    return forms.Form.render(form)


@pytest.fixture(autouse=True)
def _empty():
    form_renderer._UNBOUND.clear()


ABOUT = [("nu", "Het plan zoals het nu wordt opgesteld of aangepast"), ("evaluatie:1", "De evaluatie van 1 juli 2026")]


@pytest.mark.parametrize("make", [OogoForm, RequestForm, InvitePupilForm, lambda: HearingForm(about_choices=ABOUT)])
def test_an_unbound_form_is_rendered_as_a_fresh_rendering_the_first_and_the_next_time(make):
    first, again = str(make()), str(make())
    assert first == again == fresh(make())
    assert len(form_renderer._UNBOUND) == 1


def test_other_choices_give_their_own_html():
    one = str(HearingForm(about_choices=ABOUT[:1]))
    two = str(HearingForm(about_choices=ABOUT))
    assert "De evaluatie van 1 juli 2026" in two and "De evaluatie van 1 juli 2026" not in one
    assert two == fresh(HearingForm(about_choices=ABOUT))


def test_an_initial_value_of_another_day_gives_that_days_html():
    today = str(RequestForm())
    later = timezone.localdate() + datetime.timedelta(days=3)
    with mock.patch("django.utils.timezone.localdate", return_value=later):
        tomorrow = str(RequestForm())
        assert tomorrow == fresh(RequestForm())
    assert tomorrow != today


def test_a_form_shown_again_with_its_errors_is_rendered_with_them():
    str(OogoForm())
    bound = OogoForm(data={"held_on": "31-02-2026"})
    assert not bound.is_valid()
    html = str(bound)
    assert "is-invalid" in html and html == fresh(OogoForm(data={"held_on": "31-02-2026"}))


def test_the_kept_forms_are_bounded():
    with mock.patch.object(form_renderer, "_UNBOUND_MOST", 3):
        for n in range(5):
            str(HearingForm(about_choices=[("nu", f"Keuze {n}")]))
        assert len(form_renderer._UNBOUND) <= 3
