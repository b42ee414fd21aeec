"""Item 9: every date a person types is bounded, so 9999-12-31 is a field error and never stored."""

import datetime
import importlib
import pkgutil

import pytest
from django import forms

from opp_portal.datefields import SensibleDateField

APPS = ("opp_portal", "schools", "plans", "consent", "registration")
SKIP = (".migrations", ".management", ".bench", ".settings", ".tests")


def _all_forms() -> list[type[forms.BaseForm]]:
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if not any(part in info.name for part in SKIP):
                importlib.import_module(info.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in APPS:
            found.append(cls)
    return found


def test_every_date_field_of_every_form_is_bounded():
    form_classes = _all_forms()
    assert len(form_classes) > 10
    unbounded = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in form_classes for name, field in cls.base_fields.items()
        if isinstance(field, forms.DateField) and not isinstance(field, SensibleDateField)
    ]
    assert unbounded == []


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1899-05-01"])
def test_a_date_out_of_range_is_a_dutch_field_error(value):
    with pytest.raises(forms.ValidationError) as error:
        SensibleDateField().clean(value)
    assert "te ver in" in error.value.messages[0]


def test_todays_date_and_next_years_pass():
    today = datetime.date.today()
    assert SensibleDateField().clean(today.isoformat()) == today
    assert SensibleDateField().clean(today.replace(year=today.year + 1, day=1).isoformat())


def test_a_plan_start_of_9999_12_31_is_a_field_error():
    from plans.forms import StartPlanForm

    form = StartPlanForm({"kind": "extra_support", "support_start_date": "9999-12-31"}, school_type="bao",
                         has_previous=False)
    assert not form.is_valid() and "te ver in de toekomst" in form.errors["support_start_date"][0]


@pytest.mark.django_db
def test_an_enrolment_date_of_9999_12_31_is_a_field_error():
    from schools.forms import EnrolmentForm
    from schools.models import School
    from tests.factories import SchoolFactory

    school = SchoolFactory()
    form = EnrolmentForm({"school": str(school.uuid), "enrolment_date": "9999-12-31", "sequence_number": "1"},
                         schools=School.objects.all())
    assert not form.is_valid() and "te ver in de toekomst" in form.errors["enrolment_date"][0]


def test_a_date_that_is_no_date_is_shown_again_as_typed_and_a_date_in_the_picker():
    from consent.forms import OogoForm

    typed = OogoForm(data={"held_on": "31-02-2026"})
    assert "held_on" in typed.errors
    html = str(typed["held_on"])
    assert 'type="text"' in html and 'value="31-02-2026"' in html
    picked = str(OogoForm(data={"held_on": "2026-02-10"})["held_on"])
    assert 'type="date"' in picked and 'value="2026-02-10"' in picked
    assert 'type="date"' in str(OogoForm()["held_on"])
