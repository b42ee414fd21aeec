from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from opp_portal.rows import url_for_each
from schools.models import SchoolType

from ..monitoring import SchoolFigures

register = template.Library()


@register.simple_tag
def options(choices, chosen) -> SafeString:
    """The `<option>`s of a select with many choices (a board's schools for an export), written in Python: the
    template's loop cost about a millisecond per hundred schools on every board page (issue 12). Values and labels
    are escaped as Django's templates escape them (`&`, `<`, `>`, both quotes)."""
    chosen = "" if chosen is None else str(chosen)
    return mark_safe("".join(  # noqa: S308  (every value and label escaped here)
        f'<option value="{escape(str(value))}"{" selected" if str(value) == chosen else ""}>{escape(str(label))}'
        "</option>" for value, label in choices))


_ROW = ('\n    <tr>\n      <th scope="row" class="d-block d-md-table-cell">\n        {name}\n'
        '        <span class="d-block small text-body-secondary fw-normal">{code} · {school_type}</span>\n'
        '      </th>\n      {cells}\n    </tr>\n  ')
_COUNTS = ('\n      <td data-label="{running_label}" class="text-md-end">{running}</td>\n'
           '      <td data-label="{pending_label}" class="text-md-end">{pending}</td>\n'
           '      <td data-label="{overdue_label}" class="text-md-end">{overdue}</td>\n'
           '      <td data-label="{held_label}" class="text-md-end">{held}</td>\n      ')


def _marked(count: int, markup: str) -> str:
    return markup.format(count) if count else "0"


@register.simple_tag
def figure_rows(figures: list[SchoolFigures], link_schools: bool) -> SafeString:
    """The rows of a board's ROD table (`registration/_figures.html`), written in Python: a board shows 25 schools
    a page, and the template's variables per cell cost more than the rest of the page (issue 12). The labels
    are translated once; every name is escaped."""
    labels = {"running_label": escape(_("Lopende OPP's")), "pending_label": escape(_("Nog niet aangeleverd")),
              "overdue_label": escape(_("Langer dan 14 dagen (eigen streefdatum)")),
              "held_label": escape(_("Tegengehouden"))}
    not_registering = escape(_("Meldt geen OPP's bij ROD (alleen regulier bao en vo doen dat)."))
    not_registering = f'\n      <td colspan="4" class="text-body-secondary small">{not_registering}</td>\n      '
    link = url_for_each("registration:school")
    rows = []
    type_labels: dict[str, str] = {}  # once per school type (get_school_type_display builds every label)
    for fig in figures:
        school = fig.school
        name = escape(school.name)
        if fig.registers and link_schools:
            name = f'<a href="{escape(link(school.uuid))}">{name}</a>'
        cells = _COUNTS.format(
            running=fig.running, pending=_marked(fig.pending, '<span class="fw-semibold">{}</span>'),
            overdue=_marked(fig.overdue, '<span class="badge text-bg-danger">{}</span>'),
            held=_marked(fig.held_back, '<span class="badge text-bg-warning">{}</span>'), **labels,
        ) if fig.registers else not_registering
        if (school_type := type_labels.get(school.school_type)) is None:
            school_type = type_labels[school.school_type] = escape(str(SchoolType(school.school_type).label))
        rows.append(_ROW.format(name=name, code=escape(school.code), school_type=school_type, cells=cells))
    return mark_safe("".join(rows))  # noqa: S308  (every name and label escaped above)
