"""The plans forms: the draft, its goals, starting and adjusting a plan (`draft`); evaluating, ending, the
commissie's advice and the standard texts (`lifecycle`)."""

from ..format import SHORT_TEXT
from .draft import (
    KIND_LABELS,
    AdjustForm,
    DraftForm,
    GoalForm,
    StartPlanForm,
    goal_formset,
    kind_label,
    mark_invalid,
)
from .lifecycle import CommissieForm, EndForm, EvaluationForm, StandardTextForm

__all__ = [
    "KIND_LABELS", "SHORT_TEXT", "AdjustForm", "CommissieForm", "DraftForm", "EndForm", "EvaluationForm", "GoalForm",
    "StandardTextForm", "StartPlanForm", "goal_formset", "kind_label", "mark_invalid",
]
