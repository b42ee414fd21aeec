"""The outbox's Celery tasks: thin, idempotent, by id. The work is in `opp_portal.mail`."""

from celery import shared_task

from opp_portal import mail


@shared_task(acks_late=True, ignore_result=True)
def send_email(email_id: int) -> None:
    """Send one outbox row (queued when it is written). A second delivery finds it claimed or sent."""
    mail.deliver(email_id)


@shared_task(ignore_result=True)
def send_due_email() -> dict:
    """Beat: send every unsent mail that is due, whatever happened to its own task."""
    return mail.send_due()
