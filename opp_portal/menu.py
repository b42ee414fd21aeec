"""The main menu of every page (`{% load opp_menu %}{% main_menu %}` in base.html), written in Python: as a
template it was ten items of `{% if %}`, `{% url %}` and `{% translate %}` on every page, about as long as the
rest of base.html together (issue 12). Which items a user sees comes from the policy (`page_caps`), never from
their roles; the item of the page shown is marked for screen readers (`aria-current`)."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy

from .access import page_caps
from .questions import Question
from .rows import escaped

register = template.Library()


@dataclass(frozen=True)
class _Item:
    cap: str  # the `PageCaps` field that shows the item
    url_name: str
    label: str | Promise
    # What of the resolved URL marks the item as the page shown: its view name, URL name or app name.
    match: str
    value: str
    label_not_parent: str | Promise = ""  # "Mijn gegevens" for a pupil, where a parent reads "Mijn kinderen"


_ITEMS = (
    _Item("my_plans", "plans:my_plans", gettext_lazy("Mijn plannen"), "view_name", "plans:my_plans"),
    _Item("overview", "plans:overview", gettext_lazy("Overzicht"), "view_name", "plans:overview"),
    _Item("pupils", "schools:pupil_list", gettext_lazy("Leerlingen"), "url_name", "pupil_list"),
    _Item("schools", "schools:school_list", gettext_lazy("Scholen"), "url_name", "school_list"),
    _Item("standard_texts", "plans:standard_texts", gettext_lazy("Standaardteksten"), "url_name", "standard_texts"),
    _Item("rod", "registration:index", gettext_lazy("ROD-registratie"), "app_name", "registration"),
    _Item("calendar_in_menu", "plans:calendar", gettext_lazy("Agenda"), "view_name", "plans:calendar"),
    _Item("outbox", "outbox:page", gettext_lazy("Uitgaande e-mail"), "app_name", "outbox"),
    _Item("notices", "consent:notices", gettext_lazy("Meldingen"), "view_name", "consent:notices"),  # + badge
    _Item("family", "schools:my_children", gettext_lazy("Mijn kinderen"), "url_name", "my_children",
          label_not_parent=gettext_lazy("Mijn gegevens")),
)

# How many of the user's notices are unread: consent keeps the notices and answers (consent/apps.py).
UNREAD_NOTICES: Question[Callable[[Any], int]] = Question("opp_portal.unread_notices", default=lambda user: 0)


def _url(name: str) -> str:
    return _reversed(get_urlconf(), get_script_prefix(), name)


@cache
def _reversed(urlconf, prefix: str, name: str) -> str:
    """The URLs without arguments, once per URL configuration and prefix (both are part of the key)."""
    return reverse(name, urlconf=urlconf)


def _link(href: str, label: str | Promise, active: bool, badge: str = "") -> str:
    current = ' active" aria-current="page' if active else ""
    return f'<li class="nav-item"><a class="nav-link{current}" href="{href}">{escaped(label)}{badge}</a></li>'


def _unread_badge(user) -> str:
    unread = UNREAD_NOTICES(user)
    if not unread:
        return ""
    return (f' <span class="badge text-bg-warning">{unread}<span class="visually-hidden"> '
            f'{escaped(gettext("nieuw"))}</span></span>')


@register.simple_tag(takes_context=True)
def main_menu(context) -> SafeString:
    """The menu's items for the signed-in user (`pages` is the context processor's `page_caps`)."""
    request = context.get("request")
    caps = context.get("pages") or page_caps(getattr(request, "user", None))
    match = getattr(request, "resolver_match", None)
    items = []
    for item in _ITEMS:
        if not getattr(caps, item.cap):
            continue
        active = match is not None and getattr(match, item.match) == item.value
        label = item.label_not_parent if item.label_not_parent and not caps.is_parent else item.label
        badge = _unread_badge(request.user) if item.cap == "notices" and request is not None else ""
        items.append(_link(_url(item.url_name), label, active, badge))
    return mark_safe("".join(items))  # noqa: S308 - labels escaped, URLs reversed, the count an int
