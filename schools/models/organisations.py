"""Organisations: samenwerkingsverbanden, school boards and schools, with their types."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..identifiers import validate_board_number, validate_brin, validate_vestiging


class SchoolType(models.TextChoices):
    BAO = "bao", _("regulier basisonderwijs")
    SBO = "sbo", _("speciaal basisonderwijs")
    SO = "so", _("speciaal onderwijs")
    VO = "vo", _("regulier voortgezet onderwijs")
    PRO = "pro", _("praktijkonderwijs")
    VSO = "vso", _("voortgezet speciaal onderwijs")


class Sector(models.TextChoices):
    PO = "po", _("primair onderwijs")
    VO = "vo", _("voortgezet onderwijs")


class FundingModel(models.TextChoices):
    SCHOOL = "schoolmodel", _("schoolmodel")
    EXPERTISE = "expertisemodel", _("expertisemodel")
    LEERLING = "leerlingmodel", _("leerlingmodel")
    HYBRIDE = "hybride", _("hybride")


# Rule 10: only regular primary and secondary schools register OPP periods with DUO (ROD).
ROD_SCHOOL_TYPES = (SchoolType.BAO, SchoolType.VO)


class Samenwerkingsverband(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("Bijvoorbeeld PO 25-05."))
    name = models.CharField(_("naam"), max_length=200)
    sector = models.CharField(_("sector"), max_length=2, choices=Sector.choices)
    funding_model = models.CharField(_("bekostigingsmodel"), max_length=20, choices=FundingModel.choices)
    steunpunt_contact = models.CharField(
        _("ouder- en jeugdsteunpunt"), max_length=300, blank=True,
        help_text=_("Hoe ouders en leerlingen het steunpunt bereiken (telefoon, e-mail of website)."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("samenwerkingsverband")
        verbose_name_plural = _("samenwerkingsverbanden")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Board(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("bevoegd-gezagnummer"), max_length=5, unique=True, validators=[validate_board_number])
    name = models.CharField(_("naam"), max_length=200)

    class Meta:
        ordering = ["number"]
        verbose_name = _("schoolbestuur")
        verbose_name_plural = _("schoolbesturen")

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class SchoolQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SchoolQuerySet":
        from ..access import schools_q, scoped

        return scoped(self, schools_q(user))

    def editable_by(self, user) -> "SchoolQuerySet":
        """Schools where the user may change pupil data (ib, school leader; a superuser everywhere)."""
        from ..access import editable_school_ids_q, scoped

        return scoped(self, editable_school_ids_q(user))


class School(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brin = models.CharField(_("BRIN"), max_length=4, validators=[validate_brin])
    vestiging = models.CharField(_("vestiging"), max_length=2, default="00", validators=[validate_vestiging])
    name = models.CharField(_("naam"), max_length=200)
    school_type = models.CharField(_("schoolsoort"), max_length=3, choices=SchoolType.choices)
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="schools", verbose_name=_("bestuur"))
    swv = models.ForeignKey(
        Samenwerkingsverband, on_delete=models.PROTECT, related_name="schools", verbose_name=_("samenwerkingsverband")
    )
    city = models.CharField(_("plaats"), max_length=100, blank=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["brin", "vestiging"], name="school_brin_vestiging_unique")]
        verbose_name = _("school")
        verbose_name_plural = _("scholen")

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        """BRIN and vestiging together, as DUO's messages use them (12AB00)."""
        return f"{self.brin}{self.vestiging}"

    @property
    def registers_with_rod(self) -> bool:
        return self.school_type in ROD_SCHOOL_TYPES
