"""ROD registration: export batches, what each batch exported or held back, and what DUO has.

`DeliveredPeriod` is the state DUO holds according to the portal: one row per OPP period, written only
when an admin marks a batch delivered. A "changes" export compares the current periods with it.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.models import Board, School


class BatchKind(models.TextChoices):
    CHANGES = "changes", _("wijzigingen sinds de laatste aanlevering")
    FULL = "full", _("alles")


class BatchState(models.TextChoices):
    BUILDING = "building", _("wordt gemaakt")
    READY = "ready", _("klaar")
    DELIVERED = "delivered", _("aangeleverd")
    DISCARDED = "discarded", _("verworpen")
    FAILED = "failed", _("mislukt")


class Mutatie(models.TextChoices):
    NIEUW = "nieuw", _("nieuw")
    GEWIJZIGD = "gewijzigd", _("gewijzigd")
    BEEINDIGD = "beeindigd", _("beëindigd")
    VERWIJDERD = "verwijderd", _("verwijderd")
    ONGEWIJZIGD = "ongewijzigd", _("ongewijzigd")


class ExportBatchQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ExportBatchQuerySet":
        """Batches of the boards the user administers; nobody else sees batches."""
        from .access import batches_q

        q = batches_q(user)
        return self.all() if q is None else self.filter(q)

    def overlapping(self, board_id: int, school_id: int | None) -> "ExportBatchQuerySet":
        qs = self.filter(board_id=board_id)
        if school_id is not None:
            qs = qs.filter(Q(school__isnull=True) | Q(school_id=school_id))
        return qs


class ExportBatch(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="rod_batches", verbose_name=_("bestuur"))
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="rod_batches", verbose_name=_("school"),
        help_text=_("Leeg: alle scholen van het bestuur."),
    )
    kind = models.CharField(_("soort export"), max_length=10, choices=BatchKind.choices)
    state = models.CharField(_("status"), max_length=10, choices=BatchState.choices, default=BatchState.BUILDING)
    failure_reason = models.TextField(_("reden van mislukken"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    # When the build was (or will next be) put on the queue, and the last sign of life of the attempt in
    # progress (written with every progress step; empty while it waits in the queue). The sweeper re-queues
    # a batch whose attempt stopped beating or whose queue message was lost (registration.jobs).
    queued_at = models.DateTimeField(_("in de wachtrij gezet op"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("laatste teken van leven"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("gestart door"),
    )
    created_at = models.DateTimeField(_("gestart op"), auto_now_add=True)
    built_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("aangeleverd op"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    discarded_at = models.DateTimeField(_("verworpen op"), null=True, blank=True)
    total_count = models.PositiveIntegerField(_("te verwerken"), default=0)
    processed_count = models.PositiveIntegerField(_("verwerkt"), default=0)
    exported_count = models.PositiveIntegerField(_("geëxporteerd"), default=0)
    held_back_count = models.PositiveIntegerField(_("tegengehouden"), default=0)
    csv_file = models.FileField(upload_to="rod-export/", blank=True)
    csv_sha256 = models.CharField(max_length=64, blank=True)
    xml_file = models.FileField(upload_to="rod-export/", blank=True)
    xml_sha256 = models.CharField(max_length=64, blank=True)

    objects = ExportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["board", "state"])]
        verbose_name = _("ROD-export")
        verbose_name_plural = _("ROD-exports")

    def __str__(self) -> str:
        return f"ROD-export {self.board.number} {self.scope_code} {self.kind} ({self.state})"

    @property
    def scope_code(self) -> str:
        return self.school.code if self.school is not None else "bestuur"

    @property
    def file_stem(self) -> str:
        return f"rod-opp-{self.board.number}-{self.scope_code}-{self.kind}-{str(self.uuid)[:8]}"

    @property
    def waiting(self) -> bool:
        """Building, but no attempt runs: it waits in the queue (for the first time, or again)."""
        return self.state == BatchState.BUILDING and self.heartbeat_at is None

    @property
    def last_sign_of_life(self):
        return self.heartbeat_at or self.queued_at or self.created_at

    @property
    def stalled(self) -> bool:
        """Building, but no sign of life for longer than ROD_EXPORT_STALE_SECONDS: the sweeper will act."""
        if self.state != BatchState.BUILDING:
            return False
        last = self.last_sign_of_life
        return last is not None and last < timezone.now() - datetime.timedelta(
            seconds=settings.ROD_EXPORT_STALE_SECONDS)

    @property
    def attempts_allowed(self) -> int:
        return settings.ROD_EXPORT_MAX_RETRIES + 1

    @property
    def progress_percent(self) -> int:
        if self.state != BatchState.BUILDING:
            return 100
        if not self.total_count:
            return 0
        return min(99, int(100 * self.processed_count / self.total_count))


class PeriodFields(models.Model):
    """What identifies an OPP period at DUO and its dates; shared by exported and delivered rows."""

    opp_key = models.BigIntegerField(_("OPP"), help_text=_("Het id van het plan; blijft staan als het plan weg is."))
    opp_uuid = models.UUIDField()
    pupil_uuid = models.UUIDField(_("leerling"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    enrolment_key = models.BigIntegerField(_("inschrijving"))
    brin = models.CharField(max_length=4)
    vestiging = models.CharField(max_length=2)
    sequence_number = models.CharField(max_length=20)
    bsn = models.CharField(max_length=9, blank=True)
    onderwijsnummer = models.CharField(max_length=9, blank=True)
    begin = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True


class ExportedPeriod(PeriodFields):
    """One row of a batch's CSV: the period as exported, with its mutatie."""

    batch = models.ForeignKey(ExportBatch, on_delete=models.CASCADE, related_name="periods")
    mutatie = models.CharField(max_length=12, choices=Mutatie.choices)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["batch", "school"])]
        verbose_name = _("geëxporteerde OPP-periode")
        verbose_name_plural = _("geëxporteerde OPP-perioden")

    def __str__(self) -> str:
        return f"{self.mutatie} {self.brin}{self.vestiging} {self.sequence_number}: {self.begin}–{self.end or ''}"


class DeliveredPeriod(PeriodFields):
    """The period as DUO has it: the last delivered export that carried it."""

    batch = models.ForeignKey(ExportBatch, on_delete=models.PROTECT, related_name="+")
    # No column and no constraint (the plan may be gone): lets the export read each plan's delivered state with
    # one LEFT JOIN on `opp_key` instead of a subquery per field and row (registration.periods).
    opp = models.ForeignObject("plans.Opp", on_delete=models.DO_NOTHING, from_fields=["opp_key"], to_fields=["id"],
                               related_name="delivered_periods", null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["opp_key"], name="rod_delivered_one_per_opp")]
        indexes = [models.Index(fields=["school", "enrolment_key", "begin", "opp_key"])]
        verbose_name = _("aangeleverde OPP-periode")
        verbose_name_plural = _("aangeleverde OPP-perioden")

    def __str__(self) -> str:
        return f"{self.brin}{self.vestiging} {self.sequence_number}: {self.begin}–{self.end or ''}"


class HeldBackRecord(models.Model):
    """A period a batch did not export because a check failed; it comes back once fixed."""

    batch = models.ForeignKey(ExportBatch, on_delete=models.CASCADE, related_name="held_back")
    opp_key = models.BigIntegerField()
    pupil_uuid = models.UUIDField(_("leerling"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    sequence_number = models.CharField(_("inschrijvingvolgnummer"), max_length=20, blank=True)
    begin = models.DateField(_("begin"), null=True, blank=True)
    end = models.DateField(_("einde"), null=True, blank=True)
    code = models.CharField(max_length=30)
    reason = models.TextField(_("reden"))

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["batch", "school"])]
        verbose_name = _("tegengehouden OPP-periode")
        verbose_name_plural = _("tegengehouden OPP-perioden")

    def __str__(self) -> str:
        return f"{self.code}: OPP {self.opp_key}"
