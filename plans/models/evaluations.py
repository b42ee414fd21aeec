"""Evaluations (rule 8): per goal whether it was reached, the parents' and the pupil's view, the decision."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .opp import Opp
from .versions import OppVersion


class EvaluationDecision(models.TextChoices):
    CONTINUE = "continue", _("voortzetten")
    ADJUST = "adjust", _("bijstellen")
    END = "end", _("beëindigen")


class GoalOutcome(models.TextChoices):
    REACHED = "reached", _("bereikt")
    PARTLY = "partly", _("deels bereikt")
    NOT_REACHED = "not_reached", _("niet bereikt")


class EvaluationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EvaluationQuerySet":
        return self.filter(opp__in=Opp.objects.visible_to(user))


class Evaluation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    opp = models.ForeignKey(Opp, on_delete=models.PROTECT, related_name="evaluations")
    version = models.ForeignKey(OppVersion, on_delete=models.PROTECT, related_name="evaluations")
    evaluated_on = models.DateField(_("datum evaluatie"))
    parents_view = models.TextField(_("wat de ouders ervan vinden"))
    pupil_view = models.TextField(
        _("wat de leerling ervan vindt"), help_text=_("In de woorden van de leerling, of waarom dat niet lukte."),
    )
    decision = models.CharField(_("besluit"), max_length=10, choices=EvaluationDecision.choices)
    # The evaluation is a conversation with the parents: it counts as the overleg (OOGO) on the parts discussed
    # for an adjustment that follows it.
    discussed_handelingsdeel = models.BooleanField(_("handelingsdeel besproken"), default=True)
    discussed_uitstroomperspectief = models.BooleanField(_("uitstroomperspectief besproken"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["-evaluated_on", "-pk"]
        verbose_name = _("evaluatie")
        verbose_name_plural = _("evaluaties")

    def __str__(self) -> str:
        return f"{self.opp} – {self.evaluated_on}"


class EvaluationOutcome(models.Model):
    """Whether one goal of the evaluated version was reached."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="outcomes")
    goal_uuid = models.UUIDField()
    goal_title = models.CharField(_("doel"), max_length=120)
    outcome = models.CharField(_("resultaat"), max_length=12, choices=GoalOutcome.choices)
    note = models.TextField(_("toelichting"), blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "goal_uuid"], name="evaluation_outcome_one_per_goal")
        ]
        verbose_name = _("resultaat per doel")
        verbose_name_plural = _("resultaten per doel")

    def __str__(self) -> str:
        return f"{self.goal_title}: {self.get_outcome_display()}"
