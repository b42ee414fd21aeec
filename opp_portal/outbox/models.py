"""The outbox: every mail the portal sends, written in the same transaction as the change that causes it.

A row is sent by a Celery task (`opp_portal.mail.deliver`), retried with backoff and finally marked failed,
where staff see it. Once sent, its text is cleared: the outbox is a queue, not an archive of mail.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class MailStatus(models.TextChoices):
    PENDING = "pending", _("wordt verstuurd")
    SENDING = "sending", _("wordt verstuurd")
    SENT = "sent", _("verstuurd")
    FAILED = "failed", _("mislukt")


UNSENT = (MailStatus.PENDING, MailStatus.SENDING)


class OutgoingEmail(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=8, choices=MailStatus.choices, default=MailStatus.PENDING)
    # What the mail is about, so a page can show its state, e.g. "instemming-recipient:<uuid>".
    topic = models.CharField(max_length=120, blank=True, db_index=True)
    # The school on whose behalf it goes (a plain id, like the audit trail's pupil_id): its leaders see failures.
    school_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    subject = models.CharField(_("onderwerp"), max_length=998)
    body = models.TextField(blank=True)
    body_subtype = models.CharField(max_length=10, default="plain")
    html = models.TextField(blank=True)
    from_email = models.CharField(max_length=320)
    to = models.JSONField(_("aan"), default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    next_attempt_at = models.DateTimeField(_("volgende poging"))
    claimed_at = models.DateTimeField(null=True, blank=True)  # when the attempt in progress started
    sent_at = models.DateTimeField(_("verstuurd op"), null=True, blank=True)
    last_error = models.TextField(_("laatste fout"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_status_due")]
        verbose_name = _("uitgaande e-mail")
        verbose_name_plural = _("uitgaande e-mails")

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)} ({self.status})"
