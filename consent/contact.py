"""Who the family contacts about a plan (the ib), and contact texts made tappable on a phone."""

import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from plans.models import Opp
from plans.terms import terms_for
from schools.models import Membership, Role, User

from .models import InstemmingRequest


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    role: str
    school: str


def _is_ib(user: User | None, opp: Opp) -> bool:
    return bool(user and user.is_active and Membership.objects.filter(user=user, role=Role.IB, school=opp.school_id)
                .exists())


def with_requester(plans: QuerySet) -> QuerySet:
    """Annotate `contact`: who asked for instemming last, and whether they still are an active ib of the plan's
    school, so `ib_contact` answers from the plan's own row in the usual case (the family's page, issue 12).
    One subquery returning an object: a subquery per value cost more CPU to build than the query it saves."""
    latest = InstemmingRequest.objects.filter(version__opp=OuterRef("pk")).order_by("-created_at", "-pk")
    still_ib = Exists(Membership.objects.filter(user=OuterRef("requested_by_id"), role=Role.IB,
                                                school=OuterRef("version__opp__school_id"),
                                                user__is_active=True))
    requester = JSONObject(is_ib="still_ib", name="requested_by__full_name", email="requested_by__email")
    return plans.annotate(contact=Subquery(latest.annotate(still_ib=still_ib).values(json=requester)[:1]))


def contact_for(user: User, opp: Opp) -> Contact:
    """`user` as the family's contact for this plan: a vo school's parents know the zorgcoördinator, a primary
    school's the intern begeleider."""
    return Contact(name=user.get_full_name(), email=user.email, role=terms_for(opp.school_type)["ib_title"],
                   school=opp.school.name)


def ib_contact(opp: Opp, request: InstemmingRequest | None = None) -> Contact | None:
    """The intern begeleider for this plan: who asked for instemming, else who started the plan, else an ib of
    the school; only someone who still is an ib there."""
    requester = getattr(opp, "contact", None)  # annotated by `with_requester`
    if request is None and requester and requester["is_ib"]:
        return contact_for(User(full_name=requester["name"] or "", email=requester["email"] or ""), opp)
    candidates: list[User | None] = []
    if request is not None:
        candidates.append(request.requested_by)
    # Whether the latest requester still is an ib here comes with the request: one query less on the parent's
    # page (issue 12).
    latest = InstemmingRequest.objects.filter(version__opp=opp).select_related("requested_by").annotate(
        requester_is_ib=Exists(Membership.objects.filter(user=OuterRef("requested_by_id"), role=Role.IB,
                                                         school=opp.school_id)),
    ).first()
    user = None
    if (request is None and latest is not None and latest.requester_is_ib and latest.requested_by is not None
            and latest.requested_by.is_active):
        user = latest.requested_by
    elif latest is not None:
        candidates.append(latest.requested_by)
    if user is None:
        candidates.append(opp.created_by)
        user = next((u for u in candidates if _is_ib(u, opp)), None)
    if user is None:
        membership = (Membership.objects.filter(school=opp.school_id, role=Role.IB, user__is_active=True)
                      .select_related("user").order_by("pk").first())
        user = membership.user if membership else None
    return contact_for(user, opp) if user is not None else None


# --- tappable contact details -------------------------------------------------------------------------------------

_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_WEB = r"(?:https?://|www\.)[^\s,;()<>]+[^\s,;()<>.]"
# Dutch numbers as people write them: 0318 000 100, 06-12345678, +31 6 1234 5678, 0800-1234.
_PHONE = r"(?:\+31[\s-]?|0)[1-9](?:[\s-]?\d){7,9}\b"
_TOKENS = re.compile(f"(?P<email>{_EMAIL})|(?P<web>{_WEB})|(?P<phone>{_PHONE})")


def tappable(text: str) -> SafeString:
    """Escape `text` and turn email addresses, web addresses and phone numbers into mailto:, https: and tel:
    links, so a parent on a phone can tap them."""
    out: list[str] = []
    last = 0
    for match in _TOKENS.finditer(text or ""):
        out.append(escape(text[last:match.start()]))
        value = match.group(0)
        if match.group("email"):
            href = f"mailto:{value}"
        elif match.group("web"):
            href = value if value.startswith("http") else f"https://{value}"
        else:
            digits = re.sub(r"[^\d+]", "", value)
            href = f"tel:{digits}"
        out.append(f'<a href="{escape(href)}">{escape(value)}</a>')
        last = match.end()
    out.append(escape((text or "")[last:]))
    return mark_safe("".join(out))  # noqa: S308  (every piece above is escaped)
