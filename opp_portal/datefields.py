"""Dates people type are bounded to a sensible range, in every form and in the pupil import.

Nothing in the portal happens before 1980 or more than ten years ahead. Without a bound a typo such as
9999-12-31 is stored, and every deadline computed from it (six weeks on, a year on) overflows the calendar:
the school's overview and calendar feed would fail from then on. Every form's date field is a
`SensibleDateField` (tests/opp_portal/test_dates.py walks all forms to keep it so).
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

EARLIEST = datetime.date(1980, 1, 1)
YEARS_AHEAD = 10


def latest(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return datetime.date(today.year + YEARS_AHEAD, 12, 31)


def date_problem(value: datetime.date, today: datetime.date | None = None) -> str | None:
    """Why `value` is out of range, in Dutch, or None."""
    if value < EARLIEST:
        return _("Deze datum ligt te ver in het verleden; vul een datum in vanaf %(day)s.") % {
            "day": date_format(EARLIEST, "j F Y")}
    if value > latest(today):
        return _("Deze datum ligt te ver in de toekomst; vul een datum in tot en met %(day)s.") % {
            "day": date_format(latest(today), "j F Y")}
    return None


def validate_sensible_date(value: datetime.date) -> None:
    if isinstance(value, datetime.date) and (problem := date_problem(value)):
        raise ValidationError(problem, code="date_out_of_range")


class SensibleDateField(forms.DateField):
    default_validators = [validate_sensible_date]


class DateInput(forms.DateInput):
    """The browser's date picker (`type="date"`, an ISO value). A value that is no date (typed where a browser
    offers no picker, or pasted: "31-02-2026") cannot be shown by a picker, which would show it empty beside its
    message: it is shown again as typed, in a text field, for the user to correct."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if isinstance(value, str) and value.strip() and not _iso_date(value.strip()):
            context["widget"]["type"] = "text"
        return context


def _iso_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
