"""The PDF of a frozen version: rendered once by a Celery task and kept by content hash."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class PdfStatus(models.TextChoices):
    PENDING = "pending", _("in de wachtrij")
    RENDERING = "rendering", _("wordt gemaakt")
    READY = "ready", _("klaar")
    FAILED = "failed", _("mislukt")


class PdfRendering(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.OneToOneField("plans.OppVersion", on_delete=models.CASCADE, related_name="pdf")
    # The version's content hash; the stored file is named after it, so one content is one file.
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=PdfStatus.choices, default=PdfStatus.PENDING)
    file = models.FileField(upload_to="opp-pdf/", blank=True)
    page_count = models.PositiveSmallIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When it was (or will next be) put on the queue, and when the attempt in progress started. The sweeper
    # re-queues a rendering whose message was lost or whose worker died (plans.pdf_jobs).
    queued_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("PDF van een versie")
        verbose_name_plural = _("PDF's van versies")

    def __str__(self) -> str:
        return f"PDF {self.content_hash[:12]} ({self.status})"


class CalendarFeed(models.Model):
    """A personal iCalendar feed of deadlines behind a secret URL that the user can revoke."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey("schools.User", on_delete=models.CASCADE, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("agendakoppeling")
        verbose_name_plural = _("agendakoppelingen")

    def __str__(self) -> str:
        return f"{self.user} ({'ingetrokken' if self.revoked_at else 'actief'})"
