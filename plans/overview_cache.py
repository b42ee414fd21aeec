"""The overview's body (the summary, the counts per ib and the sections with their page of rows), kept in the cache
per school under the school's number (`plans.stamps`), so a visit with nothing changed at the school reads one
number and one cache entry instead of nine milliseconds of PostgreSQL and the rows' HTML (issue 12).

What else the body depends on is in the key or bounds how long it is kept:

- the school's number: every write to what the overview reads changes it, in the writing transaction;
- the day (deadlines, "te laat", who is adult), the language and the page asked: only the school and one
  section's page that exists are kept; anything else (another parameter, several sections' pages) is answered
  without the cache;
- the code: a fingerprint of the sources that compute and lay out the body (a new release never shows a body
  the previous one made);
- the clock: a plan waiting for instemming joins the list the moment it has waited `INSTEMMING_WAITING_DAYS`;
  an entry is kept until the first such moment (and never past midnight or an hour).

Only the body every editing member of the school sees alike is cached (`whole_school`); the page around it (the
school chooser, the background problems, the menu) is made per request, and every visit records its read.
Personal data (pupils' names and deadlines) stays in the portal's own Redis for at most an hour.
"""

import datetime
import hashlib
import re
from functools import cache as once
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone, translation

from schools.models import School

from .models import Opp, OppStatus
from .overview_paged import overview_sections
from .selectors import INSTEMMING_WAITING_DAYS, with_sent_at
from .stamps import school_stamp
from .terms import terms_for

_LONGEST = 3600
_PAGE_PARAM = re.compile(r"pagina-([a-z]{1,20})")
_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")


# What the body is computed and laid out by: the rules of plans and consent (readiness, deadlines, objections)
# and the templates of the overview.
_SOURCES = ("plans", "consent", "schools", "opp_portal", "templates/plans")


@once
def _code_version() -> str:
    digest = hashlib.blake2b(digest_size=8)
    for folder in _SOURCES:
        for path in sorted((Path(settings.BASE_DIR) / folder).rglob("*")):
            if path.suffix in (".py", ".html") and "migrations" not in path.parts:
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _page_asked(query: QueryDict) -> tuple[str, int] | None | bool:
    """The one section page the query asks (key, number), None for none, or False for a query that is answered
    without the cache: anything but the school and one section's page, as the page's own links write them. So
    nobody fills the cache with variants (`?pagina-aaaa=1`, `=01`, several sections at once); a page number that
    does not exist is not kept either (`overview_body`)."""
    asked: tuple[str, int] | None = None
    for name, values in query.lists():
        if len(values) != 1:
            return False
        if name == "school":
            continue
        section = _PAGE_PARAM.fullmatch(name)
        if section is None or asked is not None or not _PAGE_NUMBER.fullmatch(values[0]):
            return False
        asked = (section.group(1), int(values[0]))
    return asked


def _seconds_valid(school: School, now: datetime.datetime) -> int:
    """Until midnight, an hour, or the moment the next waiting plan has waited long enough to be listed."""
    tomorrow = datetime.datetime.combine(timezone.localdate(now) + datetime.timedelta(days=1), datetime.time(),
                                         tzinfo=timezone.get_current_timezone())
    until = min(tomorrow, now + datetime.timedelta(seconds=_LONGEST))
    waiting = datetime.timedelta(days=INSTEMMING_WAITING_DAYS)
    next_sent = (with_sent_at(Opp.objects.filter(school_id=school.pk, status=OppStatus.TER_INSTEMMING))
                 .filter(sent_version_at__gte=now - waiting).aggregate(first=Min("sent_version_at"))["first"])
    if next_sent is not None:
        until = min(until, next_sent + waiting)
    return max(1, int((until - now).total_seconds()))


def _render(plans, school: School, query: QueryDict, *, whole_school: bool,
            now: datetime.datetime | None = None) -> tuple[tuple[str, int], dict[str, int]]:
    """The body and its plan count, and the page shown of each section."""
    sections, ib_counts = overview_sections(plans, query, now=now,
                                            whole_school_id=school.pk if whole_school else None)
    html = render_to_string("plans/_overview_body.html", {
        "sections": sections, "ib_counts": ib_counts, "terms": terms_for(school.school_type),
    })
    pages = {section.key: section.page.number for section in sections if section.page is not None}
    return (html, sum(section.count for section in sections)), pages


def overview_body(plans, school: School, query: QueryDict, *, whole_school: bool) -> tuple[str, int]:
    """The body's HTML and how many plans it counts. `plans` are the plans the user may see of `school`;
    `whole_school`: every plan of it (a member who edits the school), the only case that is cached."""
    asked = _page_asked(query) if whole_school else False
    stamp = school_stamp(school.pk, plans.db) if asked is not False else None
    if stamp is None:
        return _render(plans, school, query, whole_school=whole_school)[0]
    now = timezone.now()
    key = (f"overview:{_code_version()}:{school.pk}:{stamp}:{timezone.localdate(now).isoformat()}:"
           f"{translation.get_language()}:{query.urlencode()}")
    kept = cache.get(key)
    if kept is not None:
        return kept
    kept, pages = _render(plans, school, query, whole_school=whole_school, now=now)
    if asked is None or (isinstance(asked, tuple) and pages.get(asked[0]) == asked[1]):
        cache.set(key, kept, _seconds_valid(school, now))
    return kept
