"""The school leader's daily digest: one mail when something is new under "klaar om vast te stellen" or
"niet akkoord of eerst een gesprek" on their overview, with counts and a link; no names, no plan content.

Celery beat runs `send_leader_digests` once a day (`CELERY_BEAT_SCHEDULE`). What each leader was told is kept
in `LeaderDigest`, so a second run on the same day, or a day without news, sends nothing.
"""

from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opp_portal.audit.actions import Action
from opp_portal.audit.service import record
from opp_portal.mail import queue_email
from schools.models import Membership, Role

from .access import opps_for, school_ids_where
from .models import LeaderDigest
from .selectors import objection_rows, ready_keys

DEFAULT_PORTAL_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Digest:
    ready: set[str]
    objections: set[str]
    new_ready: int
    new_objections: int

    @property
    def keys(self) -> set[str]:
        return self.ready | self.objections

    @property
    def has_news(self) -> bool:
        return bool(self.new_ready or self.new_objections)


def digest_for(user, already: set[str]) -> Digest:
    """What the leader's overview lists now (for every school they lead), and what is new since `already`."""
    led = school_ids_where(user, "can_adopt")
    plans = opps_for(user).filter(school_id__in=led)
    ready = set(ready_keys(plans))
    objections = {row["key"] for row in objection_rows(plans)}
    return Digest(ready=ready, objections=objections, new_ready=len(ready - already),
                  new_objections=len(objections - already))


def _portal_url() -> str:
    return getattr(settings, "OPP_PORTAL_URL", DEFAULT_PORTAL_URL).rstrip("/")


def digest_message(user, digest: Digest) -> EmailMultiAlternatives:
    lines = [
        _("Goedemorgen,"),
        "",
        _("Er is nieuws op uw overzicht in het OPP-portaal:"),
        "",
    ]
    if digest.ready:
        lines.append(ngettext("- %(n)d plan is klaar om vast te stellen (%(new)d nieuw).",
                              "- %(n)d plannen zijn klaar om vast te stellen (%(new)d nieuw).", len(digest.ready))
                     % {"n": len(digest.ready), "new": digest.new_ready})
    if digest.objections:
        lines.append(ngettext("- %(n)d ouder ging niet akkoord of wil eerst een gesprek (%(new)d nieuw).",
                              "- %(n)d ouders gingen niet akkoord of willen eerst een gesprek (%(new)d nieuw).",
                              len(digest.objections)) % {"n": len(digest.objections), "new": digest.new_objections})
    lines += [
        "",
        _("Bekijk het overzicht (inloggen nodig):"),
        _portal_url() + reverse("plans:overview"),
        "",
        _("U krijgt deze e-mail alleen op dagen dat er iets nieuws is."),
    ]
    subject = _("OPP-portaal: nieuw op uw overzicht")
    return EmailMultiAlternatives(subject=str(subject), body="\n".join(str(line) for line in lines),
                                  from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email])


@transaction.atomic
def notify_leader(user) -> bool:
    """Send `user` a digest when their lists hold something they were not told about; True when sent."""
    state, _created = LeaderDigest.objects.select_for_update().get_or_create(user=user)
    digest = digest_for(user, set(state.notified_keys))
    now = timezone.now()
    sent = digest.has_news and bool(user.email)
    if sent:
        queue_email(digest_message(user, digest))
        state.last_sent_at = now
        record(actor=None, action=Action.DIGEST_SENT, obj=user, on_behalf_of="system",
               details={"ready": len(digest.ready), "objections": len(digest.objections),
                        "new_ready": digest.new_ready, "new_objections": digest.new_objections})
    # Only what is still listed is remembered: an item that leaves and comes back is news again.
    state.notified_keys = sorted(digest.keys)
    state.last_checked_at = now
    state.save()
    return sent


def leaders():
    from schools.models import User

    ids = Membership.objects.filter(role=Role.SCHOOL_LEADER, school__isnull=False).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("pk")


@shared_task
def send_leader_digests() -> int:
    """Daily (Celery beat): every school leader with news gets one mail. Idempotent: news is told once."""
    return sum(1 for user in leaders() if notify_leader(user))
