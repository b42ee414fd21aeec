"""The plans app's models, one module per domain; import them from here (`from plans.models import Opp`).

Writes go through `plans.services`; reads through the `visible_to(user)` querysets.
"""

from opp_portal.append_only import AppendOnlyError  # noqa: F401  (raised by the append-only models here)

from .documents import CalendarFeed, PdfRendering, PdfStatus
from .evaluations import Evaluation, EvaluationDecision, EvaluationOutcome, EvaluationQuerySet, GoalOutcome
from .notices import LeaderDigest
from .opp import (
    BASISONDERSTEUNING_SCHOOL_TYPES,
    COMMISSIE_SCHOOL_TYPES,
    EDITABLE_STATUSES,
    MAX_EVALUATION_CYCLE_MONTHS,
    Goal,
    Opp,
    OppKind,
    OppQuerySet,
    OppStatus,
    UitstroomOption,
    UitstroomOptionQuerySet,
    goal_title,
    validate_school_type_list,
)
from .texts import StandardText, StandardTextKind, StandardTextQuerySet
from .versions import (
    Adoption,
    AdoptionQuerySet,
    Commissie,
    CommissieAdvice,
    CommissieAdviceQuerySet,
    OppVersion,
    OppVersionQuerySet,
)

__all__ = [
    "BASISONDERSTEUNING_SCHOOL_TYPES", "COMMISSIE_SCHOOL_TYPES", "EDITABLE_STATUSES",
    "MAX_EVALUATION_CYCLE_MONTHS",
    "Adoption", "AdoptionQuerySet", "AppendOnlyError", "CalendarFeed", "Commissie", "CommissieAdvice",
    "CommissieAdviceQuerySet", "Evaluation", "EvaluationDecision", "EvaluationOutcome", "EvaluationQuerySet", "Goal",
    "GoalOutcome", "LeaderDigest", "Opp", "OppKind", "OppQuerySet", "OppStatus", "OppVersion", "OppVersionQuerySet",
    "PdfRendering", "PdfStatus", "StandardText", "StandardTextKind", "StandardTextQuerySet", "UitstroomOption",
    "UitstroomOptionQuerySet", "goal_title", "validate_school_type_list",
]
