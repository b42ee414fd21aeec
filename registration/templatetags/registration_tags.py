from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_SELECTED = mark_safe(" selected")


@register.simple_tag
def options(choices, chosen) -> SafeString:
    """The `<option>`s of a select with many choices (a board's schools for an export), written in Python: the
    template's loop cost about a millisecond per hundred schools on every board page (issue 12). Values and labels
    are escaped as the template escaped them."""
    chosen = "" if chosen is None else str(chosen)
    return format_html_join("", '<option value="{}"{}>{}</option>',
                            ((value, _SELECTED if str(value) == chosen else "", label) for value, label in choices))
