"""Transfers (overstappen): a pupil known at one school who arrives at another, until someone confirms it."""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .accounts import User
from .organisations import School
from .pupils import Pupil


class TransferState(models.TextChoices):
    PENDING = "pending", _("wacht op bevestiging")
    CONFIRMED = "confirmed", _("bevestigd")
    DECLINED = "declined", _("niet bevestigd")
    WITHDRAWN = "withdrawn", _("ingetrokken")


class TransferDecider(models.TextChoices):
    SCHOOL = "school", _("de huidige school")
    FAMILY = "family", _("ouder of leerling")


class PupilTransfer(models.Model):
    """An overstap: a school enrolled a pupil under a number the portal already knows at a school out of its reach.

    The receiving school works on its own record (`incoming`) and learns nothing of the existing one (`pupil`)
    until the pupil's current school or a parent with gezag confirms; then the records join.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="transfers")
    incoming = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    receiving_school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=TransferState.choices, default=TransferState.PENDING)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_as = models.CharField(max_length=10, choices=TransferDecider.choices, blank=True)
    # The school on whose behalf a staff member decided.
    deciding_school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("toelichting"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["incoming"], condition=Q(state="pending"), name="transfer_one_pending_per_record",
            ),
            models.CheckConstraint(name="transfer_between_two_records", condition=~Q(pupil=F("incoming"))),
        ]
        indexes = [models.Index(fields=["pupil", "state"])]
        verbose_name = _("overstap")
        verbose_name_plural = _("overstappen")

    def __str__(self) -> str:
        return f"{self.incoming_id} → {self.pupil_id} ({self.state})"
