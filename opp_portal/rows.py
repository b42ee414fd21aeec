"""For the tags that write a page's many rows as HTML in Python instead of a template loop (issue 12): the
overview's, the pupil list's and the board's ROD table. A template variable, a filter and a `{% url %}` per cell
were most of those pages' time."""

from collections.abc import Callable
from html import escape

from django.urls import reverse

_ANY_UUID = "00000000-0000-0000-0000-000000000000"


def url_for_each(name: str) -> Callable[[object], str]:
    """`reverse(name, args=[uuid])` for many uuids, reversed once: such URLs differ only in the uuid."""
    pattern = reverse(name, args=[_ANY_UUID])
    return lambda uuid: pattern.replace(_ANY_UUID, str(uuid))


def escaped(value) -> str:
    """`conditional_escape` without its lazy-text wrapper, which cost more than the escaping: a value that is safe
    already (a label from `{% translate ... as %}`) is kept as it is."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))
