"""Outgoing email goes through a Celery task, so a slow or failing mail server
never blocks a page and a failed delivery is retried."""

import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=60 * 30,
    retry_jitter=True,
    max_retries=8,
)
def deliver_email(*, subject: str, body: str, to: list[str], from_email: str, html: str | None = None) -> None:
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def queue_email(message: EmailMultiAlternatives) -> None:
    """Queue an already rendered message once the surrounding transaction commits."""
    html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), None)
    deliver_email.delay_on_commit(
        subject=str(message.subject), body=str(message.body), to=list(message.to),
        from_email=str(message.from_email), html=html,
    )
