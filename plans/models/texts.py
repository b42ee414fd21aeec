"""Standard texts: reusable texts for support, an approach or a goal, kept by a school or by a board."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schools.models import Board, School


class StandardTextKind(models.TextChoices):
    SUPPORT = "support", _("ondersteuning")
    APPROACH = "approach", _("aanpak")
    GOAL = "goal", _("doel")


class StandardTextQuerySet(models.QuerySet):
    def visible_to(self, user) -> "StandardTextQuerySet":
        """Texts of the schools where the user works and of their boards (see `plans.access.texts_q`)."""
        from ..access import scoped, texts_q

        return scoped(self, texts_q(user))

    def for_school(self, school: School) -> "StandardTextQuerySet":
        return self.filter(Q(school=school) | Q(board_id=school.board_id), active=True)


class StandardText(models.Model):
    """A reusable text for support, an approach or a goal; kept by a school or by a board for all its schools."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="standard_texts")
    board = models.ForeignKey(Board, null=True, blank=True, on_delete=models.CASCADE, related_name="standard_texts")
    kind = models.CharField(_("soort"), max_length=10, choices=StandardTextKind.choices)
    title = models.CharField(_("titel"), max_length=120)
    text = models.TextField(_("tekst"))
    active = models.BooleanField(_("actief"), default=True)

    objects = StandardTextQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "title"]
        constraints = [
            models.CheckConstraint(
                name="standard_text_school_or_board",
                condition=Q(school__isnull=False, board__isnull=True) | Q(school__isnull=True, board__isnull=False),
            )
        ]
        verbose_name = _("standaardtekst")
        verbose_name_plural = _("standaardteksten")

    def __str__(self) -> str:
        return self.title
