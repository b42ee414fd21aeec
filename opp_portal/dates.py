"""Dutch dates as the portal writes them, in lower case: "20 oktober 2025", or short "20 okt. 2025".

A template builtin (settings TEMPLATES "builtins"), so every template can use `|short_date` and `|long_date`.
Django's own "M" format gives "Okt"; Dutch writes month names and their abbreviations in lower case, and
"mei" has no abbreviation.
"""

import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()

SHORT_MONTHS = ("jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.")


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value if isinstance(value, datetime.date) else None


@register.filter
def short_date(value) -> str:
    day = _as_date(value)
    if day is None:
        return ""
    return f"{day.day} {SHORT_MONTHS[day.month - 1]} {day.year}"


@register.filter
def long_date(value) -> str:
    day = _as_date(value)
    return date_format(day, "j F Y") if day else ""
