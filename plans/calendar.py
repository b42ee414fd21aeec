"""The personal calendar feed: deadlines of rules 7 and 8 as iCalendar (RFC 5545) behind a secret URL.

A calendar app cannot sign in, so the feed's URL carries a secret token (`secrets.token_urlsafe(32)`,
looked up through its unique index). The feed holds no pupil names and no plan content: each event names
the kind of deadline, the school and a neutral reference (the first 8 characters of the plan's UUID),
and links to the plan in the portal, which asks the user to sign in. The reach is computed from the
feed's owner at every fetch, so a user who left the school (or was deactivated) gets an empty calendar.

Creating and revoking a feed are service functions with an audit event; the token itself is never logged.
"""

import datetime
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from opp_portal.access import page_caps
from opp_portal.audit.actions import Action
from opp_portal.audit.service import record
from schools.services import NotAllowed

from .access import school_opps_for
from .deadlines import due_from_start
from .models import CalendarFeed, Opp
from .selectors import adoption_deadlines, evaluation_deadlines

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 64
TOKEN_ALPHABET = re.compile(r"[A-Za-z0-9_-]+")  # what secrets.token_urlsafe gives
PRODID = "-//OPP-portaal//Deadlines//NL"


# --- who may have a feed ----------------------------------------------------------------------------------

def may_have_feed(user) -> bool:
    """Staff who read plans at a school: ib and school leader, and teachers for the pupils they teach."""
    return page_caps(user).calendar


def active_feeds(user):
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True)


# --- services ---------------------------------------------------------------------------------------------

def _audit(user, action: Action, feed: CalendarFeed) -> None:
    record(actor=user, action=action, obj=feed, on_behalf_of=f"user:{user.pk}")


@transaction.atomic
def create_feed(*, user) -> CalendarFeed:
    """A new secret feed URL for `user`. A user has one feed at a time: an older one is revoked."""
    if not may_have_feed(user):
        raise NotAllowed
    for old in active_feeds(user).select_for_update():
        _revoke(user, old)
    feed = CalendarFeed.objects.create(user=user, token=secrets.token_urlsafe(TOKEN_BYTES))
    _audit(user, Action.CALENDAR_FEED_CREATED, feed)
    return feed


def _revoke(user, feed: CalendarFeed) -> None:
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    _audit(user, Action.CALENDAR_FEED_REVOKED, feed)


@transaction.atomic
def revoke_feed(*, user, feed: CalendarFeed) -> CalendarFeed:
    """Revoke the feed; its URL answers 404 from now on. Revoking twice changes nothing."""
    fresh = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if fresh.user_id != user.pk:
        raise NotAllowed
    if fresh.revoked_at is None:
        _revoke(user, fresh)
    feed.refresh_from_db()
    return feed


def feed_for_token(token: str) -> CalendarFeed | None:
    """The active feed with this token, or None; the lookup goes through the token's unique index."""
    if not token or len(token) > MAX_TOKEN_LENGTH or not TOKEN_ALPHABET.fullmatch(token):
        return None
    return CalendarFeed.objects.select_related("user").filter(token=token, revoked_at__isnull=True).first()


# --- the events -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Event:
    uid: str
    day: datetime.date
    summary: str
    description: str
    url: str


def feed_plans(user):
    """The plans whose deadlines the feed shows: those the owner reads as staff of the plan's school."""
    return school_opps_for(user).select_related("school")


def feed_events(feed: CalendarFeed, *, base_url: str, host: str) -> list[Event]:
    """One all-day event per adoption deadline and per evaluation deadline; two queries in all."""
    plans = feed_plans(feed.user)
    events = []
    for opp in adoption_deadlines(plans):
        if (due := due_from_start(opp.adoption_start)) is not None:
            events.append(_event(opp, "vaststellen", due, _("Uiterste datum vaststellen OPP"), base_url, host))
    for opp in evaluation_deadlines(plans):
        events.append(_event(opp, "evaluatie", opp.next_evaluation_due, _("OPP-evaluatie gepland"),
                             base_url, host))
    # A date at the very end of the calendar (stored before dates were bounded) cannot be an all-day event;
    # leaving it out keeps the rest of the feed working.
    return sorted((e for e in events if e.day and e.day < datetime.date.max), key=lambda e: (e.day, e.uid))


def reference(opp: Opp) -> str:
    """A neutral reference that names no pupil: the start of the plan's UUID."""
    return str(opp.uuid)[:8]


def _event(opp: Opp, kind: str, day: datetime.date, what: str, base_url: str, host: str) -> Event:
    ref = reference(opp)
    url = base_url + reverse("plans:draft", kwargs={"opp_uuid": opp.uuid})
    return Event(
        uid=f"{kind}-{opp.uuid}@{host}",
        day=day,
        summary=f"{what} ({opp.school.name}) · {ref}",
        description=_("Referentie %(ref)s. Open het plan in het OPP-portaal (inloggen nodig): %(url)s")
        % {"ref": ref, "url": url},
        url=url,
    )


# --- iCalendar (RFC 5545) ---------------------------------------------------------------------------------

def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        .replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")
    )


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line at `limit` octets (RFC 5545 3.1), never inside a UTF-8 character.

    Continuation lines start with one space, which counts towards their `limit` octets.
    """
    parts, current, size = [], "", 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += octets
    parts.append(current)
    return "\r\n".join(parts)


def _stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def build_calendar(events: Iterable[Event], *, name: str, now: datetime.datetime | None = None) -> str:
    """A VCALENDAR with one all-day VEVENT per event; lines end in CRLF and are folded."""
    stamp = _stamp(now or timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT6H",
        "X-PUBLISHED-TTL:PT6H",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.day + datetime.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text(event.summary)}",
            f"DESCRIPTION:{escape_text(event.description)}",
            f"URL:{event.url}",
            "TRANSP:TRANSPARENT",
            "CLASS:PRIVATE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def render_feed(feed: CalendarFeed, *, base_url: str, host: str) -> str:
    events = feed_events(feed, base_url=base_url, host=host)
    return build_calendar(events, name=_("OPP-deadlines"))
