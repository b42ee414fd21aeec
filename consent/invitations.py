"""Personal invitation links: for one guardian or pupil, bound to the address the school records.

A link is a random secret (only its digest is stored, with the person, the optional instemming request and a
keyed fingerprint of the person's address at that moment). It opens only while the school still records that
address: changing a guardian's or pupil's email at the school makes every earlier link invalid. The link grants
nothing itself: it leads to a sign-in code sent to the recorded address, so only whoever reads that mailbox
gets in. Links are short, so a mail keeps them on one line.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from opp_portal.accounts import portal_url
from schools.models import Guardian, Pupil

from .models import InstemmingRequest
from .outreach import InvitationLink

SALT = "consent.invitation"
MAX_AGE = datetime.timedelta(days=90)


class InvalidInvitation(Exception):
    """The link is unknown, has expired, or its address is no longer the one the school records."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def address_fingerprint(email: str) -> str:
    """Keyed with the secret key, so a stored fingerprint does not reveal the address."""
    return salted_hmac(SALT, (email or "").strip().lower(), algorithm="sha256").hexdigest()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make_link(person: Guardian | Pupil, *, request: InstemmingRequest | None = None) -> str:
    """A new secret for `person` at their recorded address; returns the token for the URL."""
    if not person.email:
        raise ValueError("Only a person with a recorded email address can be invited.")
    token = secrets.token_urlsafe(16)
    InvitationLink.objects.create(
        token_digest=_digest(token), request=request, address_fingerprint=address_fingerprint(person.email),
        guardian=person if isinstance(person, Guardian) else None, pupil=person if isinstance(person, Pupil) else None,
    )
    return token


def invitation_url(person: Guardian | Pupil, *, request: InstemmingRequest | None = None) -> str:
    """The absolute link for a mail, on the portal's public address."""
    return portal_url(reverse("consent:invitation", kwargs={"token": make_link(person, request=request)}))


@dataclass(frozen=True)
class Invitation:
    person: Guardian | Pupil
    request: InstemmingRequest | None

    @property
    def is_pupil(self) -> bool:
        return isinstance(self.person, Pupil)

    @property
    def email(self) -> str:
        return self.person.email.strip().lower()

    def destination(self) -> str:
        """Where the person lands once signed in."""
        if self.request is not None:
            return reverse("consent:request", kwargs={"request_uuid": self.request.uuid})
        return reverse("consent:pupil_plans") if self.is_pupil else reverse("schools:my_children")


def read_token(token: str) -> Invitation:
    link = (InvitationLink.objects.filter(token_digest=_digest(token or ""))
            .select_related("guardian", "pupil", "request__version__opp__school", "request__version__opp__pupil")
            .first())
    if link is None:
        raise InvalidInvitation
    if link.created_at < timezone.now() - MAX_AGE:
        raise InvalidInvitation(expired=True)
    person = link.guardian or link.pupil
    if person is None or not person.email:
        raise InvalidInvitation
    if not constant_time_compare(address_fingerprint(person.email), link.address_fingerprint):
        raise InvalidInvitation
    return Invitation(person=person, request=link.request)


def masked(email: str) -> str:
    """j•••@example.nl: enough for the owner to recognise, too little for anyone else to use."""
    local, _at, domain = (email or "").partition("@")
    if not domain:
        return "•••"
    return f"{local[:1]}•••@{domain}"
