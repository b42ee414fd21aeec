"""The plans app's models, one module per domain; import them from here (`from plans.models import Opp`).

Writes go through `plans.services`; reads through the `visible_to(user)` querysets.
"""

from opp_portal.append_only import AppendOnlyError  # noqa: F401  (raised by the append-only models here)

from .documents import CalendarFeed, PdfRendering, PdfStatus
from .notices import LeaderDigest
from .opp import (
    BASISONDERSTEUNING_SCHOOL_TYPES,
    COMMISSIE_SCHOOL_TYPES,
    EDITABLE_STATUSES,
    MAX_EVALUATION_CYCLE_MONTHS,
    Adoption,
    AdoptionQuerySet,
    Commissie,
    CommissieAdvice,
    CommissieAdviceQuerySet,
    Evaluation,
    EvaluationDecision,
    EvaluationOutcome,
    EvaluationQuerySet,
    Goal,
    GoalOutcome,
    Opp,
    OppKind,
    OppQuerySet,
    OppStatus,
    OppVersion,
    OppVersionQuerySet,
    StandardText,
    StandardTextKind,
    StandardTextQuerySet,
    UitstroomOption,
    UitstroomOptionQuerySet,
    goal_title,
    validate_school_type_list,
)

__all__ = [
    "BASISONDERSTEUNING_SCHOOL_TYPES", "COMMISSIE_SCHOOL_TYPES", "EDITABLE_STATUSES", "MAX_EVALUATION_CYCLE_MONTHS",
    "Adoption", "AdoptionQuerySet", "AppendOnlyError", "CalendarFeed", "Commissie", "CommissieAdvice",
    "CommissieAdviceQuerySet", "Evaluation", "EvaluationDecision", "EvaluationOutcome", "EvaluationQuerySet", "Goal",
    "GoalOutcome", "LeaderDigest", "Opp", "OppKind", "OppQuerySet", "OppStatus", "OppVersion", "OppVersionQuerySet",
    "PdfRendering", "PdfStatus", "StandardText", "StandardTextKind", "StandardTextQuerySet", "UitstroomOption",
    "UitstroomOptionQuerySet", "goal_title", "validate_school_type_list",
]
