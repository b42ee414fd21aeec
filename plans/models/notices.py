"""What the school leader's daily digest already told each leader, so a digest goes out only for news."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LeaderDigest(models.Model):
    """Per leader: the items (plans ready to adopt, guardians who objected) the last digest counted."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leader_digest")
    # Neutral keys such as "ready:<plan uuid>:<version>" and "objection:<decision uuid>": no names, no content.
    notified_keys = models.JSONField(default=list)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dagoverzicht schoolleider")
        verbose_name_plural = _("dagoverzichten schoolleiders")

    def __str__(self) -> str:
        return f"digest {self.user_id}"
