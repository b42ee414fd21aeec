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
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .access import PageCaps, page_caps
from .questions import Question
from .rows import escaped

register = template.Library()


@dataclass(frozen=True)
class _Item:
    shown: Callable[[PageCaps], bool]
    url_name: str
    label: Callable[[PageCaps], str]
    # What of the resolved URL marks the item as the page shown: its view name, URL name or app name.
    match: str
    value: str


_ITEMS = (
    _Item(lambda caps: caps.my_plans, "plans:my_plans", lambda caps: gettext("Mijn plannen"),
          "view_name", "plans:my_plans"),
    _Item(lambda caps: caps.overview, "plans:overview", lambda caps: gettext("Overzicht"),
          "view_name", "plans:overview"),
    _Item(lambda caps: caps.pupils, "schools:pupil_list", lambda caps: gettext("Leerlingen"),
          "url_name", "pupil_list"),
    _Item(lambda caps: caps.schools, "schools:school_list", lambda caps: gettext("Scholen"),
          "url_name", "school_list"),
    _Item(lambda caps: caps.standard_texts, "plans:standard_texts", lambda caps: gettext("Standaardteksten"),
          "url_name", "standard_texts"),
    _Item(lambda caps: caps.rod, "registration:index", lambda caps: gettext("ROD-registratie"),
          "app_name", "registration"),
    _Item(lambda caps: caps.calendar_in_menu, "plans:calendar", lambda caps: gettext("Agenda"),
          "view_name", "plans:calendar"),
    _Item(lambda caps: caps.outbox, "outbox:page", lambda caps: gettext("Uitgaande e-mail"),
          "app_name", "outbox"),
    # The notices ("Meldingen", with the number unread) come here: `_notices`.
    _Item(lambda caps: caps.family, "schools:my_children",
          lambda caps: gettext("Mijn kinderen") if caps.is_parent else gettext("Mijn gegevens"),
          "url_name", "my_children"),
)
_NOTICES_BEFORE = "schools:my_children"

# How many of the user's notices are unread: consent keeps the notices and answers (consent/apps.py).
UNREAD_NOTICES: Question[Callable[[Any], int]] = Question("opp_portal.unread_notices", default=lambda user: 0)


def _url(name: str) -> str:
    return _reversed(get_urlconf(), get_script_prefix(), name)


@cache
def _reversed(urlconf, prefix: str, name: str) -> str:
    """The URLs without arguments, once per URL configuration and prefix (both are part of the key)."""
    return reverse(name, urlconf=urlconf)


def _link(href: str, label: str, active: bool, badge: str = "") -> str:
    current = ' active" aria-current="page' if active else ""
    return f'<li class="nav-item"><a class="nav-link{current}" href="{href}">{escaped(label)}{badge}</a></li>'


def _notices(request, caps: PageCaps) -> str:
    if not caps.notices:
        return ""
    match = getattr(request, "resolver_match", None)
    unread = UNREAD_NOTICES(request.user)
    badge = (f' <span class="badge text-bg-warning">{unread}<span class="visually-hidden"> '
             f'{escaped(gettext("nieuw"))}</span></span>') if unread else ""
    return _link(_url("consent:notices"), gettext("Meldingen"),
                 match is not None and match.view_name == "consent:notices", badge)


@register.simple_tag(takes_context=True)
def main_menu(context) -> SafeString:
    """The menu's items for the signed-in user (`pages` is the context processor's `page_caps`)."""
    request = context.get("request")
    caps = context.get("pages") or page_caps(getattr(request, "user", None))
    match = getattr(request, "resolver_match", None)
    items = []
    for item in _ITEMS:
        if item.url_name == _NOTICES_BEFORE and request is not None:
            items.append(_notices(request, caps))
        if item.shown(caps):
            active = match is not None and getattr(match, item.match) == item.value
            items.append(_link(_url(item.url_name), item.label(caps), active))
    return mark_safe("".join(items))  # noqa: S308 - labels escaped, URLs reversed, the count an int
