"""Frozen versions (sent to the parents, never edited), their adoptions, and the commissie's advice on them."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opp_portal.append_only import AppendOnlyModel, AppendOnlyQuerySet

from .opp import Opp


class OppVersionQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user) -> "OppVersionQuerySet":
        return self.filter(opp__in=Opp.objects.visible_to(user))


class OppVersion(AppendOnlyModel):
    """A frozen snapshot of both parts, as sent to the parents; never edited."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    opp = models.ForeignKey(Opp, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("versie"))
    content = models.JSONField(_("inhoud"))
    content_hash = models.CharField(_("controlegetal"), max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    # so/vso: whether the school called the change since the previous version substantial, so that the
    # commissie advises again (rule 6). None for a first version or where no commissie advises.
    substantial_change = models.BooleanField(_("ingrijpende wijziging"), null=True, editable=False)

    objects = OppVersionQuerySet.as_manager()

    class Meta:
        ordering = ["opp", "number"]
        constraints = [models.UniqueConstraint(fields=["opp", "number"], name="opp_version_number_unique")]
        verbose_name = _("OPP-versie")
        verbose_name_plural = _("OPP-versies")

    def __str__(self) -> str:
        return f"{self.opp} v{self.number}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The plan instance it was saved through must not answer its old latest version or adoption.
        if type(self).opp.is_cached(self):
            self.opp.forget_history()

    def hash_is_valid(self) -> bool:
        from ..content import content_hash

        return content_hash(self.content) == self.content_hash

    @property
    def goals(self) -> list[dict]:
        return self.content["handelingsdeel"]["goals"]


class AdoptionQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user) -> "AdoptionQuerySet":
        return self.filter(opp__in=Opp.objects.visible_to(user))


class Adoption(AppendOnlyModel):
    """One vaststelling: which version, from which day, by whom, and the checklist exactly as the guard saw it.

    The plan's checklist for the version in force is this record, so it keeps showing what held when the
    version was adopted (who agreed, when the pupil was heard), whatever changes later.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    opp = models.ForeignKey(Opp, on_delete=models.PROTECT, related_name="adoptions")
    version = models.ForeignKey(OppVersion, on_delete=models.PROTECT, related_name="adoptions")
    adopted_on = models.DateField(_("vastgesteld op"))
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    first = models.BooleanField(_("eerste vaststelling"))
    # [{"key", "label", "met", "blocks", "message", "detail"}, ...]; empty for adoptions recorded before this
    # field existed (the checklist is then judged again).
    checklist = models.JSONField(_("checklist bij vaststelling"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        ordering = ["opp", "pk"]
        verbose_name = _("vaststelling")
        verbose_name_plural = _("vaststellingen")

    def __str__(self) -> str:
        return f"{self.opp} v{self.version.number} {self.adopted_on}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if type(self).opp.is_cached(self):
            self.opp.forget_history()


class Commissie(models.TextChoices):
    BEGELEIDING = "begeleiding", _("commissie voor de begeleiding")
    ONDERZOEK = "onderzoek", _("commissie van onderzoek")


class CommissieAdviceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CommissieAdviceQuerySet":
        return self.filter(opp__in=Opp.objects.visible_to(user))


class CommissieAdvice(models.Model):
    """The advice of the commissie voor de begeleiding (cluster 3–4) or van onderzoek (1–2) in so and vso."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    opp = models.ForeignKey(Opp, on_delete=models.PROTECT, related_name="commissie_advices")
    # The frozen version the commissie advised on (rule 6); empty only for advice recorded before versions
    # were required.
    version = models.ForeignKey(
        OppVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="commissie_advices",
        verbose_name=_("versie"),
    )
    advised_on = models.DateField(_("datum advies"))
    commissie = models.CharField(_("commissie"), max_length=12, choices=Commissie.choices)
    advice = models.TextField(_("advies"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommissieAdviceQuerySet.as_manager()

    class Meta:
        ordering = ["-advised_on", "-pk"]
        verbose_name = _("advies van de commissie")
        verbose_name_plural = _("adviezen van de commissie")

    def __str__(self) -> str:
        return f"{self.get_commissie_display()} {self.advised_on}"
