"""`{% overview_rows section group group_label %}`: the rows of one ib's group on the overview and the ib's own
list, as HTML built in Python. The same markup as a template loop, at a fraction of its cost: a page shows up to
six sections of 25 rows, and a template variable per cell was most of the page's rendering (issue 12)."""

from functools import lru_cache
from html import escape

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from opp_portal.rows import escaped

from ..overview import IbGroup, Section

register = template.Library()

_ROW = (
    '<tr>\n        <td><a href="{}" class="fw-semibold">{}</a>{}</td>\n'
    '        <td data-label="{}">{}</td>\n'
    '        <td data-label="{}">{}</td>\n'
    '        <td data-label="{}">{}</td>\n'
    '        <td data-label="{}">\n          {}\n        </td>\n      </tr>\n      '
)
_BADGE = {"late": "text-bg-danger", "soon": "text-bg-warning"}


def _slot(value) -> str:
    """An escaped cell put into the row's format string itself: its braces doubled."""
    return escaped(value).replace("{", "{{").replace("}", "}}")


@lru_cache(maxsize=1024)
def _day(day, language: str | None) -> str:
    """A day in words ("3 maart 2026"), escaped: the same for every row, group and request in that language
    (a page shows about 150 rows, on fewer different days; formatting each was a third of a row's cost)."""
    return escape(date_format(day, "j F Y"))


@register.simple_tag
def overview_rows(section: Section, group: IbGroup, group_label: str) -> SafeString:
    internal = format_html(' <span class="badge text-bg-secondary">{}</span>', _("intern plan"))
    objections = section.key == "bezwaar"
    # The cells' labels are the same on every row: escaped once, into the row's format.
    row_html = _ROW.format("{}", "{}", "{}", _slot(group_label), "{}", _slot(section.who_label), "{}",
                           _slot(section.date_label), "{}", _slot(section.text_heading), "{}")
    language = get_language()
    # A status's label is translated once for the group, not once per row.
    statuses: dict[str, str] = {}

    def cells(row):
        text = escaped(row.text)
        if row.urgency in _BADGE:  # the classes are the module's own: only the text needs escaping
            text = f'<span class="badge {_BADGE[row.urgency]}">{text}</span>'
        if objections:
            third = escaped(row.who)
        elif (third := statuses.get(row.opp.status)) is None:
            third = statuses[row.opp.status] = escape(str(row.opp.get_status_display()))
        return (
            escape(row.url), escape(row.pupil.full_name), "" if row.opp.is_legal_opp else internal,
            escaped(row.group or "–"), third, _day(row.day, language) if row.day else "–", text,
        )

    return SafeString("".join(row_html.format(*cells(row)) for row in group.rows))
