"""Outgoing email goes through the outbox (`opp_portal.outbox`): a row written in the same transaction as the
change that causes the mail, then sent by a Celery task. A beat task sends whatever is still unsent (the
broker was down, its queue was lost, a worker died), so a mail is never lost; each row counts its attempts
and ends as sent or, after the last attempt, failed, where staff see it.

A send is claimed on the row before it starts, so two deliveries of the same message never both send it;
a worker killed mid-send leaves the claim, which expires and counts as an attempt. A mail can therefore go
out twice only when the worker dies between the mail server's "accepted" and our "sent" (at least once, never
lost).
"""

import datetime
import logging
from functools import partial

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .outbox.models import UNSENT, MailStatus, OutgoingEmail
from .queueing import enqueue_on_commit
from .retry import aborted, backoff_seconds

logger = logging.getLogger(__name__)

SEND_BATCH = 200


def queue_email(message: EmailMessage, *, topic: str = "", school_id: int | None = None,
                urgent: bool = False) -> OutgoingEmail:
    """Put an already rendered message in the outbox; it is sent once the surrounding transaction commits.

    `topic` names what the mail is about, so a page can show "wordt verstuurd / verstuurd / mislukt";
    `school_id` lets that school's leaders see a failure. An `urgent` mail (a sign-in code) is sent from this
    process when the broker refuses it: a code that arrives after the broker is back is of no use.
    """
    from .outbox.tasks import send_email

    html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"),
                "")
    row = OutgoingEmail.objects.create(
        topic=topic, school_id=school_id, subject=str(message.subject), body=str(message.body),
        body_subtype=getattr(message, "content_subtype", "plain"), html=html or "",
        from_email=str(message.from_email or settings.DEFAULT_FROM_EMAIL), to=[str(a) for a in message.to],
        cc=[str(a) for a in message.cc], bcc=[str(a) for a in message.bcc],
        reply_to=[str(a) for a in message.reply_to], headers={str(k): str(v) for k, v in message.extra_headers.items()},
        next_attempt_at=timezone.now(),
    )
    enqueue_on_commit(send_email, row.pk, fallback=partial(deliver, row.pk) if urgent else None)
    return row


# --- sending (called by the tasks in opp_portal.outbox.tasks) ----------------------------------------------

def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the `attempts`-th failed attempt: doubling from OUTBOX_RETRY_SECONDS, capped."""
    return datetime.timedelta(seconds=backoff_seconds(attempts, first=settings.OUTBOX_RETRY_SECONDS,
                                                      cap=settings.OUTBOX_RETRY_MAX_SECONDS))


def _stale_claim() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_SENDING_STALE_SECONDS)


def _claim(email_id: int) -> OutgoingEmail | None:
    """Start an attempt: count it and mark the row as being sent. None when there is nothing to do now."""
    with transaction.atomic():
        row = OutgoingEmail.objects.select_for_update(skip_locked=True).filter(pk=email_id).first()
        if row is None or row.status in (MailStatus.SENT, MailStatus.FAILED):
            return None
        now = timezone.now()
        if row.status == MailStatus.SENDING and row.claimed_at and row.claimed_at > _stale_claim():
            return None  # another attempt is sending it right now
        if row.status == MailStatus.PENDING and row.next_attempt_at > now:
            return None  # waiting for its backoff
        if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            if row.status == MailStatus.SENDING or not row.last_error:
                row.last_error = aborted(row.attempts)
            row.status = MailStatus.FAILED
            row.claimed_at = None
            row.save(update_fields=["status", "last_error", "claimed_at"])
            logger.error("Mail %s failed for good after %s attempts", row.pk, row.attempts)
            return None
        if row.status == MailStatus.SENDING:  # the attempt that claimed it never finished (a killed worker)
            row.last_error = _("Een eerdere poging is afgebroken zonder foutmelding.")
        row.attempts += 1
        row.status = MailStatus.SENDING
        row.claimed_at = now
        row.save(update_fields=["attempts", "status", "claimed_at", "last_error"])
        return row


def _message(row: OutgoingEmail) -> EmailMessage:
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.body, from_email=row.from_email, to=row.to, cc=row.cc, bcc=row.bcc,
        reply_to=row.reply_to, headers=row.headers,
    )
    message.content_subtype = row.body_subtype
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def deliver(email_id: int) -> str | None:
    """One attempt to send one outbox row; returns its status afterwards (None: nothing was attempted).

    Never raises: a failure is recorded on the row, with the next attempt after a backoff, or as failed.
    """
    row = _claim(email_id)
    if row is None:
        return None
    mine = OutgoingEmail.objects.filter(pk=row.pk, status=MailStatus.SENDING, claimed_at=row.claimed_at)
    try:
        _message(row).send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            logger.error("Mail %s failed for good after %s attempts: %s", row.pk, row.attempts, error)
            mine.update(status=MailStatus.FAILED, last_error=error, claimed_at=None)
            return MailStatus.FAILED
        logger.warning("Mail %s not sent (attempt %s), retrying: %s", row.pk, row.attempts, error)
        mine.update(status=MailStatus.PENDING, last_error=error, claimed_at=None,
                    next_attempt_at=timezone.now() + backoff(row.attempts))
        return MailStatus.PENDING
    # Sent: keep who, when and what about, not the text (a sign-in code, a parent's name and link).
    mine.update(status=MailStatus.SENT, sent_at=timezone.now(), claimed_at=None, body="", html="", headers={})
    return MailStatus.SENT


def due() -> "list[int]":
    """Rows to try now: unsent and due, or stuck in a send that never finished."""
    now = timezone.now()
    return list(
        OutgoingEmail.objects.filter(
            Q(status=MailStatus.PENDING, next_attempt_at__lte=now)
            | Q(status=MailStatus.SENDING, claimed_at__lt=_stale_claim())
        ).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:SEND_BATCH]
    )


def send_due() -> dict:
    """The beat task: send what is due, and forget sent and failed mail after OUTBOX_KEEP_DAYS (it holds
    parents' names and addresses; a failed one is there for staff to send again, not for ever)."""
    counts: dict[str, int] = {}
    for email_id in due():
        status = deliver(email_id)
        if status:
            counts[status] = counts.get(status, 0) + 1
    keep = timezone.now() - datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS)
    OutgoingEmail.objects.filter(Q(status=MailStatus.SENT, sent_at__lt=keep)
                                 | Q(status=MailStatus.FAILED, created_at__lt=keep)).delete()
    return counts


# --- reading and retrying (staff pages, health) ---------------------------------------------------------------

def latest_status_by_topic(topics) -> dict[str, OutgoingEmail]:
    """Per topic, its most recent mail (for "wordt verstuurd / verstuurd / mislukt" next to a recipient)."""
    latest: dict[str, OutgoingEmail] = {}
    rows = (OutgoingEmail.objects.filter(topic__in=list(topics))
            .only("topic", "status", "attempts", "sent_at", "created_at", "last_error").order_by("created_at", "pk"))
    for row in rows:
        latest[row.topic] = row
    return latest


def oldest_unsent_age() -> float | None:
    """Seconds since the oldest unsent mail was queued (None when everything went out)."""
    oldest = OutgoingEmail.objects.filter(status__in=UNSENT).aggregate(at=Min("created_at"))["at"]
    return (timezone.now() - oldest).total_seconds() if oldest else None


def failed_count() -> int:
    return OutgoingEmail.objects.filter(status=MailStatus.FAILED).count()


def retry(*, user, email: OutgoingEmail) -> OutgoingEmail:
    """Staff send a failed mail again: a fresh set of attempts, recorded in the audit trail."""
    from .audit.actions import Action
    from .audit.service import record
    from .outbox.tasks import send_email

    with transaction.atomic():
        row = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if row.status != MailStatus.FAILED:
            return row
        row.status = MailStatus.PENDING
        row.attempts = 0
        row.next_attempt_at = timezone.now()
        row.save(update_fields=["status", "attempts", "next_attempt_at"])
        record(actor=user, action=Action.EMAIL_RETRIED, obj=row, on_behalf_of="system",
               details={"to": row.to, "subject": row.subject, "last_error": row.last_error})
        enqueue_on_commit(send_email, row.pk)
    return row


@shared_task(ignore_result=True)
def deliver_email(*, subject: str, body: str, to: list[str], from_email: str, html: str | None = None) -> None:
    """The mail task of earlier releases: a message still queued under this name goes into the outbox."""
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    queue_email(message)
