"""Personal invitation links: signed, for one guardian or pupil, bound to the address the school records.

A link names the person (by UUID), a keyed fingerprint of their address at the time it was made and, for an
instemming request, the request. It opens only while the school still records that address: changing a
guardian's or pupil's email at the school makes every earlier link invalid. The link grants nothing itself:
it leads to a sign-in code sent to the recorded address, so only whoever reads that mailbox gets in.
"""

import datetime
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from opp_portal.accounts import portal_url
from schools.models import Guardian, Pupil

from .models import InstemmingRequest

SALT = "consent.invitation"
MAX_AGE = datetime.timedelta(days=90)
GUARDIAN, PUPIL = "g", "p"


class InvalidInvitation(Exception):
    """The link was tampered with, has expired, or its address is no longer the one the school records."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def address_fingerprint(email: str) -> str:
    """Keyed with the secret key, so the link does not reveal the address to whoever sees it."""
    return salted_hmac(SALT, (email or "").strip().lower(), algorithm="sha256").hexdigest()[:24]


def make_token(person: Guardian | Pupil, *, request: InstemmingRequest | None = None) -> str:
    if not person.email:
        raise ValueError("Only a person with a recorded email address can be invited.")
    payload = {"k": GUARDIAN if isinstance(person, Guardian) else PUPIL, "i": person.uuid.hex,
               "e": address_fingerprint(person.email)}
    if request is not None:
        payload["r"] = request.uuid.hex
    return signing.dumps(payload, salt=SALT, compress=True)


def invitation_url(person: Guardian | Pupil, *, request: InstemmingRequest | None = None) -> str:
    """The absolute link for a mail, on the portal's public address."""
    return portal_url(reverse("consent:invitation", kwargs={"token": make_token(person, request=request)}))


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
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise InvalidInvitation(expired=True) from None
    except signing.BadSignature:
        raise InvalidInvitation from None
    if not isinstance(payload, dict):
        raise InvalidInvitation
    model = {GUARDIAN: Guardian, PUPIL: Pupil}.get(payload.get("k"))
    person = model.objects.filter(uuid=payload.get("i")).first() if model else None
    if person is None or not person.email:
        raise InvalidInvitation
    if not constant_time_compare(address_fingerprint(person.email), payload.get("e", "")):
        raise InvalidInvitation
    request = None
    if payload.get("r"):
        request = (InstemmingRequest.objects.filter(uuid=payload["r"]).select_related("version__opp__school")
                   .first())
    return Invitation(person=person, request=request)


def masked(email: str) -> str:
    """j•••@example.nl: enough for the owner to recognise, too little for anyone else to use."""
    local, _at, domain = (email or "").partition("@")
    if not domain:
        return "•••"
    return f"{local[:1]}•••@{domain}"
