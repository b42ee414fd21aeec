"""The OPP: the draft of both parts with its goals, and the configurable uitstroom destinations."""

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opp_portal.replay import Replayed
from schools.models import Pupil, School, SchoolType

if TYPE_CHECKING:
    from .evaluations import Evaluation
    from .versions import Adoption, OppVersion

MAX_EVALUATION_CYCLE_MONTHS = 12
# Only regular schools write plans for pupils within basisondersteuning (DESIGN rule 10).
BASISONDERSTEUNING_SCHOOL_TYPES = (SchoolType.BAO, SchoolType.VO)
# So and vso adopt only after the advice of the commissie (rule 6).
COMMISSIE_SCHOOL_TYPES = (SchoolType.SO, SchoolType.VSO)


# --- configurable lists ---------------------------------------------------------------------------------

_SCHOOL_TYPE_CODES = "|".join(SchoolType.values)
validate_school_type_list = RegexValidator(
    rf"^({_SCHOOL_TYPE_CODES})(,({_SCHOOL_TYPE_CODES}))*$",
    _("Geef schoolsoorten gescheiden door komma's, bijvoorbeeld bao,sbo,so."),
)


class UitstroomOptionQuerySet(models.QuerySet):
    def for_school_type(self, school_type: str) -> "UitstroomOptionQuerySet":
        """Active options that fit plans at a school of `school_type`."""
        return self.filter(active=True, school_types__regex=rf"(^|,){school_type}(,|$)")


class UitstroomOption(models.Model):
    """An expected destination, leerroute or uitstroomprofiel; configurable per school type."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("omschrijving"), max_length=120)
    school_types = models.CharField(
        _("schoolsoorten"), max_length=40, validators=[validate_school_type_list],
        help_text=_("De schoolsoorten waar dit perspectief bij past, gescheiden door komma's (bao,sbo,so,vo,pro,vso)."),
    )
    active = models.BooleanField(_("actief"), default=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=100)

    objects = UitstroomOptionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "label"]
        verbose_name = _("uitstroombestemming")
        verbose_name_plural = _("uitstroombestemmingen")

    def __str__(self) -> str:
        return self.label

    @property
    def school_type_list(self) -> list[str]:
        return [t for t in self.school_types.split(",") if t]

    def fits(self, school_type: str) -> bool:
        return self.active and school_type in self.school_type_list


# --- the OPP --------------------------------------------------------------------------------------------

class OppKind(models.TextChoices):
    EXTRA_SUPPORT = "extra_support", _("extra ondersteuning (OPP)")
    BASISONDERSTEUNING = "basisondersteuning", _("basisondersteuning (intern)")


class OppStatus(models.TextChoices):
    CONCEPT = "concept", _("concept")
    IN_OVERLEG = "in_overleg", _("in overleg")
    TER_INSTEMMING = "ter_instemming", _("ter instemming")
    VASTGESTELD = "vastgesteld", _("vastgesteld")
    BIJGESTELD = "bijgesteld", _("bijgesteld")
    BEEINDIGD = "beeindigd", _("beëindigd")


# The draft is typed in only in these; a sent or adopted plan changes only after an explicit step.
EDITABLE_STATUSES = (OppStatus.CONCEPT, OppStatus.IN_OVERLEG, OppStatus.BIJGESTELD)


class OppQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OppQuerySet":
        """Plans whose content `user` may read; the rule lives in `plans.access`."""
        from ..access import plan_q, scoped

        return scoped(self, plan_q(user))

    def not_ended(self) -> "OppQuerySet":
        return self.exclude(status=OppStatus.BEEINDIGD)

    def running(self) -> "OppQuerySet":
        """Adopted and not ended: the plans in force."""
        return self.filter(adopted_on__isnull=False, ended_on__isnull=True)


class Opp(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="opps", verbose_name=_("leerling"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="opps", verbose_name=_("school"))
    # Copied from the school when the plan starts, so the database can check the kind (rule 10).
    school_type = models.CharField(_("schoolsoort"), max_length=3, choices=SchoolType.choices, editable=False)
    kind = models.CharField(
        _("soort plan"), max_length=20, choices=OppKind.choices, default=OppKind.EXTRA_SUPPORT,
        help_text=_("Alleen op een reguliere basisschool of school voor voortgezet onderwijs kan een plan "
                    "binnen de basisondersteuning vallen; dat plan is intern en wordt niet bij DUO gemeld."),
    )
    status = models.CharField(_("status"), max_length=20, choices=OppStatus.choices, default=OppStatus.CONCEPT)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("vorig plan"), help_text=_("Het plan waaruit doelen en ondersteuning zijn overgenomen."),
    )

    support_start_date = models.DateField(
        _("start extra ondersteuning"), null=True, blank=True,
        help_text=_("Vanaf wanneer krijgt de leerling extra ondersteuning? Het OPP moet binnen zes weken daarna "
                    "zijn vastgesteld."),
    )
    sent_at = models.DateTimeField(_("eerst verstuurd naar ouders"), null=True, blank=True, editable=False)
    adopted_on = models.DateField(_("ingangsdatum"), null=True, blank=True, editable=False)
    adopted_version = models.ForeignKey(
        "OppVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False,
        verbose_name=_("geldende versie"),
    )
    version_adopted_on = models.DateField(_("geldende versie vastgesteld op"), null=True, blank=True, editable=False)
    ended_on = models.DateField(_("einddatum"), null=True, blank=True, editable=False)
    end_reason = models.TextField(_("reden van beëindiging"), blank=True, editable=False)
    evaluation_cycle_months = models.PositiveSmallIntegerField(
        _("evaluatiecyclus (maanden)"), default=MAX_EVALUATION_CYCLE_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_EVALUATION_CYCLE_MONTHS)],
        help_text=_("Hoe vaak het plan met de ouders wordt geëvalueerd; minstens eens per jaar."),
    )
    next_evaluation_due = models.DateField(_("volgende evaluatie uiterlijk"), null=True, blank=True, editable=False)
    # Why the plan is being changed after it was sent or adopted ("Plan bijstellen"); cleared at adoption.
    adjustment_reason = models.TextField(_("reden van de bijstelling"), blank=True, editable=False)

    # The draft: both parts of the law, edited until a version is frozen.
    pupil_situation = models.TextField(
        _("situatie van de leerling"), blank=True,
        help_text=_("Kort: wat gaat goed en wat is lastig. Geen medische details die niet nodig zijn."),
    )
    support_needs = models.TextField(
        _("ondersteuningsbehoeften"), blank=True,
        help_text=_("Wat heeft de leerling nodig om verder te komen? Schrijf het vanuit de leerling."),
    )
    support_and_guidance = models.TextField(
        _("ondersteuning en begeleiding"), blank=True,
        help_text=_("Welke ondersteuning en begeleiding geeft de school, hoe vaak en door wie. "
                    "Geen diagnoses of testuitslagen; die horen in het dossier."),
    )
    deviates_from_regular_programme = models.BooleanField(
        _("wijkt af van het reguliere programma"), default=False,
        help_text=_("Volgt de leerling voor een of meer vakken een eigen leerlijn of een ander programma?"),
    )
    deviation_description = models.TextField(
        _("afwijking van het reguliere programma"), blank=True,
        help_text=_("Voor welke vakken of onderdelen, en hoe. Leeg laten als het programma niet afwijkt."),
    )
    uitstroom_option = models.ForeignKey(
        UitstroomOption, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("verwachte uitstroombestemming"),
    )
    uitstroom_justification = models.TextField(
        _("onderbouwing van het uitstroomperspectief"), blank=True,
        help_text=_("Waarom deze bestemming past: resultaten, ontwikkeling en wat de ouders en de leerling zeggen."),
    )
    bevorderende_factoren = models.TextField(
        _("bevorderende factoren"), blank=True,
        help_text=_("Wat helpt de leerling om het perspectief te halen?"),
    )
    belemmerende_factoren = models.TextField(
        _("belemmerende factoren"), blank=True,
        help_text=_("Wat maakt het de leerling moeilijker?"),
    )

    revision = models.PositiveIntegerField(_("revisie"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OppQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="opp_basisondersteuning_only_at_bao_vo",
                condition=Q(kind=OppKind.EXTRA_SUPPORT)
                | Q(kind=OppKind.BASISONDERSTEUNING, school_type__in=BASISONDERSTEUNING_SCHOOL_TYPES),
            ),
            models.CheckConstraint(
                name="opp_evaluation_cycle_at_most_12_months",
                condition=Q(evaluation_cycle_months__gte=1, evaluation_cycle_months__lte=MAX_EVALUATION_CYCLE_MONTHS),
            ),
            models.CheckConstraint(
                name="opp_end_not_before_begin",
                condition=(Q(ended_on__isnull=True) | Q(adopted_on__isnull=True)
                           | Q(ended_on__gte=models.F("adopted_on"))),
            ),
            # Rule 9: at most one plan that is not ended per pupil and school.
            models.UniqueConstraint(
                fields=["pupil", "school"], condition=~Q(status=OppStatus.BEEINDIGD),
                name="opp_one_open_per_pupil_school",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["next_evaluation_due"]),
            # The plans of a school not yet adopted (the overview's "vaststellen"): without it the school's adopted
            # and ended plans, most of them, were read and thrown away on every overview (issue 12).
            models.Index(fields=["school"], condition=Q(adopted_on__isnull=True, ended_on__isnull=True),
                         name="opp_school_not_adopted"),
        ]
        verbose_name = _("ontwikkelingsperspectief")
        verbose_name_plural = _("ontwikkelingsperspectieven")

    def __str__(self) -> str:
        return f"OPP {self.pupil} ({self.get_status_display()})"

    @property
    def is_legal_opp(self) -> bool:
        return self.kind == OppKind.EXTRA_SUPPORT

    @property
    def needs_commissie_advice(self) -> bool:
        """Rule 6: in so and vso the commissie advises before adoption."""
        return self.school_type in COMMISSIE_SCHOOL_TYPES

    @property
    def is_running(self) -> bool:
        return self.adopted_on is not None and self.ended_on is None

    @property
    def latest_version(self) -> "OppVersion | None":
        # Asked by the view, the checklist, the panels and the templates of one page: read once per instance
        # (issue 12). Versions and adoptions are append-only, and saving one through this instance forgets it.
        if "_latest_version" not in self.__dict__:
            self.read_history()  # with the adoptions, in one replayed query: no dearer than the latest alone
        return self.__dict__["_latest_version"]

    def read_history(self) -> "list[OppVersion]":
        """Every version (newest first) and every adoption in one query, remembered as `latest_version` and
        `adoption_history` read them: for a page that shows both (issue 12). A plan has a handful of versions."""
        if "_versions" not in self.__dict__:
            from opp_portal.together import read_together_replayed

            found = read_together_replayed(_HISTORY, _history_parts, opp_id=self.pk)
            versions = found["versions"]
            by_id = {version.pk: version for version in versions}
            for version in versions:
                type(version).opp.field.set_cached_value(version, self)
            for adoption in found["adoptions"]:
                type(adoption).version.field.set_cached_value(adoption, by_id[adoption.version_id])
            self.__dict__["_versions"] = versions
            self.__dict__["_latest_version"] = versions[0] if versions else None
            self.__dict__.pop("_adoptions", None)
            self._remember_adoptions(found["adoptions"])
        return self.__dict__["_versions"]

    def forget_history(self) -> None:
        """Drop what `latest_version` and `latest_adoption` remembered: a version or adoption was added. Also
        what a page read at once about the plan (`_page_records`, see `consent.records`)."""
        for key in ("_latest_version", "_adoptions", "_versions", "_page_records", "_evaluations",
                    "_family_records"):
            self.__dict__.pop(key, None)

    def remember_evaluations(self, evaluations: "list[Evaluation]") -> None:
        """Every evaluation of the plan, as a page read them with the plan's other records (`consent.records`),
        for `last_evaluation`; forgotten with the rest (`forget_history`)."""
        self.__dict__["_evaluations"] = evaluations

    @property
    def last_evaluation(self) -> "Evaluation | None":
        """The latest evaluation (by its date, then as recorded): from what the page read, else one query."""
        if "_evaluations" not in self.__dict__:
            return self.evaluations.order_by("-evaluated_on", "-pk").first()
        return max(self.__dict__["_evaluations"], key=lambda e: (e.evaluated_on, e.pk), default=None)

    def refresh_from_db(self, *args, **kwargs) -> None:
        self.forget_history()
        super().refresh_from_db(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        """The draft can be typed in: being drawn up, or an adjustment someone started explicitly."""
        return self.status in EDITABLE_STATUSES

    @property
    def adoption_history(self) -> "list[Adoption]":
        """Every adoption, oldest first, with its version: read once per instance (the checklist's window and the
        page ask it several times)."""
        if "_adoptions" not in self.__dict__:
            self._remember_adoptions(list(self.adoptions.select_related("version").order_by("pk")))
        return self.__dict__["_adoptions"]

    def _remember_adoptions(self, adoptions: "list[Adoption]") -> None:
        self.__dict__["_adoptions"] = adoptions
        in_force = next((a.version for a in adoptions if a.version_id == self.adopted_version_id), None)
        if in_force is not None and not type(self).adopted_version.is_cached(self):
            type(self).adopted_version.field.set_cached_value(self, in_force)

    @property
    def latest_adoption(self) -> "Adoption | None":
        history = self.adoption_history
        return history[-1] if history else None


class Goal(models.Model):
    """A goal of the handelingsdeel."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    opp = models.ForeignKey(Opp, on_delete=models.CASCADE, related_name="goals")
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    area = models.CharField(
        _("gebied"), max_length=100, blank=True, help_text=_("Bijvoorbeeld lezen, rekenen, werkhouding, sociaal."),
    )
    description = models.TextField(
        _("doel"), blank=True, help_text=_("Het doel in gewone woorden: wat kan de leerling straks?"),
    )
    approach = models.TextField(_("aanpak"), blank=True, help_text=_("Hoe werken we aan dit doel?"))
    responsible = models.TextField(
        _("wie doet wat"), blank=True, help_text=_("Wat doen de leerkracht, de ib'er, de ouders en de leerling?"),
    )
    due_by = models.DateField(_("wanneer bereikt"), null=True, blank=True)
    measured_by = models.TextField(
        _("hoe gemeten"), blank=True, help_text=_("Waaraan zien we dat het doel bereikt is?"),
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("doel")
        verbose_name_plural = _("doelen")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return goal_title(self.area, self.description)

    @property
    def is_complete(self) -> bool:
        """Complete as the format defines it, the same definition the checklist applies to a frozen goal."""
        from ..format import (  # the format imports the models: import it when asked
            CORE,
            goal_is_complete,
        )

        return goal_is_complete({name: getattr(self, name) for name in CORE.goal_keys})


def goal_title(area: str, description: str) -> str:
    if area.strip():
        return area.strip()
    text = description.strip()
    return text if len(text) <= 40 else text[:39] + "…"


def _history_parts(opp_id: int) -> dict:
    from .versions import Adoption, OppVersion

    return {"versions": OppVersion.objects.filter(opp_id=opp_id).order_by("-number"),
            "adoptions": Adoption.objects.filter(opp_id=opp_id).order_by("pk")}


# A plan's versions and adoptions: the same query for every plan, compiled once per process (`opp_portal.replay`).
_HISTORY = Replayed("plans.history", {"opp_id": (-820_001, -820_002)})
