"""The rows of one plan's history, as the services would have left them: the draft and its goals, OOGO, the
pupil's hearing, the commissie's advice (so, vso), the frozen version, instemming, adoption, evaluations, the end,
the audit trail and, at bao and vo schools, the period DUO already has.

Each status has a timeline in days before today that keeps every rule the database and the services check
(begin not before enrolment, OOGO and hearing before sending, decisions after sending, end not before begin).
"""

import calendar
import datetime
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from consent.models import (
    Decision,
    Hearing,
    HearingMethod,
    HearingSource,
    HowGiven,
    InstemmingDecision,
    InstemmingRecipient,
    InstemmingRequest,
    OogoMeeting,
)
from opp_portal.audit.actions import Action
from opp_portal.audit.models import AuditEvent
from plans.content import content_hash
from plans.format import SCHEMA
from plans.models import (
    COMMISSIE_SCHOOL_TYPES,
    Commissie,
    CommissieAdvice,
    Evaluation,
    EvaluationDecision,
    EvaluationOutcome,
    Goal,
    GoalOutcome,
    Opp,
    OppKind,
    OppStatus,
    OppVersion,
)
from registration.models import DeliveredPeriod

from . import texts
from .bulk import Loader

# How the plans of a school are spread over the statuses (weights), the shape a school's list has in practice.
STATUS_MIX = (
    (OppStatus.CONCEPT, 10), (OppStatus.IN_OVERLEG, 5), (OppStatus.TER_INSTEMMING, 10),
    (OppStatus.VASTGESTELD, 60), (OppStatus.BIJGESTELD, 5), (OppStatus.BEEINDIGD, 10),
)
# The ROD board's plans: all adopted, a fifth of them ended.
ROD_MIX = ((OppStatus.VASTGESTELD, 80), (OppStatus.BEEINDIGD, 20))
# A plan needs its pupil enrolled longer than its own history; `pupil_rows` enrols plan pupils this long ago.
OLDEST_PLAN_DAYS = 960
ROD_DELIVERY_DAYS = 21  # periods known longer than this are already with DUO

OPP = ("id", "uuid", "pupil_id", "school_id", "school_type", "kind", "status", "support_start_date", "sent_at",
       "adopted_on", "adopted_version_id", "version_adopted_on", "ended_on", "end_reason",
       "evaluation_cycle_months", "next_evaluation_due", "pupil_situation", "support_needs",
       "support_and_guidance", "deviates_from_regular_programme", "deviation_description", "uitstroom_option_id",
       "uitstroom_justification", "bevorderende_factoren", "belemmerende_factoren", "revision", "created_by_id",
       "created_at", "updated_at")
GOAL = ("opp_id", "uuid", "order", "area", "description", "approach", "responsible", "due_by", "measured_by")
VERSION = ("id", "opp_id", "number", "content", "content_hash", "created_at", "created_by_id")
EVALUATION = ("id", "opp_id", "version_id", "evaluated_on", "parents_view", "pupil_view", "decision",
              "recorded_by_id", "created_at")
OUTCOME = ("evaluation_id", "goal_uuid", "goal_title", "outcome", "note")
OOGO = ("id", "opp_id", "held_on", "participants", "discussed_handelingsdeel", "discussed_uitstroomperspectief",
        "parents_view", "agreements", "recorded_by_id", "created_at")
HEARING = ("id", "opp_id", "evaluation_id", "heard", "heard_on", "method", "heard_by", "pupil_view", "school_response",
           "source", "recorded_by_id", "created_at")
ADVICE = ("id", "opp_id", "advised_on", "commissie", "advice", "recorded_by_id", "created_at")
REQUEST = ("id", "version_id", "requested_by_id", "reason", "requested_on", "created_at")
RECIPIENT = ("id", "request_id", "guardian_id", "name", "email", "opened_at")
DECISION = ("id", "recipient_id", "version_id", "content_hash", "decision", "how", "recorded_by_id", "decided_at",
            "created_at")
AUDIT = ("at", "actor_id", "on_behalf_of", "action", "object_type", "object_id", "pupil_id", "details")
DELIVERED = ("opp_key", "opp_uuid", "pupil_uuid", "school_id", "enrolment_key", "brin", "vestiging",
             "sequence_number", "bsn", "onderwijsnummer", "begin", "end", "batch_id")
GOAL_FIELDS = ("area", "description", "approach", "responsible", "measured_by")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The evaluation cycle's arithmetic, as the plans services do it (31 January + 1 month = 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class SchoolInfo:
    id: int
    code: str
    brin: str
    vestiging: str
    school_type: str
    board_id: int
    ib_ids: tuple[int, ...]
    uitstroom: tuple[int, str, str] | None  # id, code, label of the destination its plans name
    delivery_batch_id: int | None = None  # the board's delivered ROD batch, for periods DUO already has

    @property
    def registers_with_rod(self) -> bool:
        return self.school_type in ("bao", "vo")


@dataclass(frozen=True)
class PupilInfo:
    id: int
    uuid: uuid.UUID
    bsn: str
    enrolment_id: int
    sequence_number: str
    enrolled_days_ago: int
    guardians: tuple[tuple[int, str, str], ...]  # id, name, email of each guardian with gezag


@dataclass
class Batch:
    """Rows waiting to be written, per model and column list; written together in one transaction, so the
    deferred foreign keys between them are checked once, at commit."""

    rows: dict[tuple, list] = field(default_factory=lambda: defaultdict(list))
    plans: int = 0
    size: int = 0

    def add(self, model, names: tuple[str, ...], row: tuple) -> None:
        self.rows[(model, names)].append(row)
        self.size += 1

    def flush(self, loader: Loader) -> None:
        with transaction.atomic():
            for (model, names), rows in self.rows.items():
                loader.write(model, names, rows)
        self.rows.clear()
        self.plans = self.size = 0


class PlanRecords:
    """Adds one plan's rows to a batch; ids come from the loader, days from a seeded random generator."""

    def __init__(self, loader: Loader, *, rng: random.Random, today: datetime.date):
        self.loader = loader
        self.rng = rng
        self.today = today
        self.tz = timezone.get_current_timezone()
        self._ids: dict[type, range] = {}
        self._next: dict[type, int] = {}

    # --- helpers -------------------------------------------------------------------------------------------

    def next_id(self, model) -> int:
        """One fresh id; taken from the loader in blocks so the lookups stay cheap."""
        ids = self._ids.get(model)
        position = self._next.get(model, 0)
        if ids is None or position >= len(ids):
            ids = self._ids[model] = self.loader.ids(model, 1000)
            position = 0
        self._next[model] = position + 1
        return ids[position]

    def day(self, days_ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days_ago)

    def at(self, days_ago: int, minute: int = 0) -> datetime.datetime:
        base = datetime.datetime.combine(self.day(days_ago), datetime.time(8, 30), tzinfo=self.tz)
        return base + datetime.timedelta(minutes=minute)

    def pick_status(self, mix) -> str:
        statuses, weights = zip(*mix)
        return self.rng.choices(statuses, weights)[0]

    # --- one plan ------------------------------------------------------------------------------------------

    def add(self, batch: Batch, school: SchoolInfo, pupil: PupilInfo, *, status: str, kind: str,
            goals: int | None = None) -> int:
        """Add the plan's rows to `batch`; returns the plan's id."""
        rng, r = self.rng, self.rng.randint
        ib = school.ib_ids[pupil.id % len(school.ib_ids)]
        opp_id, opp_uuid = self.next_id(Opp), uuid.uuid4()
        sent = adopted = None
        if status == OppStatus.CONCEPT:
            started = r(0, 50)
        elif status == OppStatus.IN_OVERLEG:
            started = r(7, 70)
        elif status == OppStatus.TER_INSTEMMING:
            started = r(20, 90)
            sent = r(1, started - 10)
        else:
            adopted = r(380, 900) if status in (OppStatus.BIJGESTELD, OppStatus.BEEINDIGD) else r(10, 900)
            sent = adopted + r(5, 20)
            started = sent + r(10, 30)
        if started >= pupil.enrolled_days_ago:
            raise ValueError("a plan cannot start before its pupil's enrolment")
        events: list[tuple] = []  # (days ago, minute, action, object type, object id, details)

        def event(days_ago, minute, action, obj_type, obj_id, **details):
            events.append((days_ago, minute, Action(action).value, obj_type, obj_id, details))

        # The draft and its goals.
        goal_count = goals or (3 if kind == OppKind.EXTRA_SUPPORT else 1)
        goals = []
        first_goal = r(0, len(texts.GOALS) - 1)
        for order in range(goal_count):
            area, description, approach, responsible, measured_by = texts.GOALS[(first_goal + order) % len(texts.GOALS)]
            goal = {"uuid": uuid.uuid4(), "area": area, "description": description, "approach": approach,
                    "responsible": responsible, "due_by": self.day(started) + datetime.timedelta(days=150 + 30 * order),
                    "measured_by": measured_by}
            goals.append(goal)
            batch.add(Goal, GOAL, (opp_id, goal["uuid"], order, area, description, approach, responsible,
                                   goal["due_by"], measured_by))
        deviates = rng.random() < 0.3
        draft = {
            "pupil_situation": rng.choice(texts.SITUATIONS), "support_needs": rng.choice(texts.NEEDS),
            "support_and_guidance": rng.choice(texts.SUPPORT), "deviates_from_regular_programme": deviates,
            "deviation_description": texts.DEVIATION if deviates else "",
            "uitstroom_justification": texts.JUSTIFICATION, "bevorderende_factoren": texts.BEVORDEREND,
            "belemmerende_factoren": texts.BELEMMEREND,
        }
        event(started, 0, Action.OPP_STARTED, "plans.opp", opp_id, kind=kind, carried_from=None, carried_goals=0)
        event(started, 5, Action.OPP_DRAFT_SAVED, "plans.opp", opp_id, fields=["goals", "support_and_guidance"],
              status="concept", revision=2)
        revision = 2
        if status != OppStatus.CONCEPT:
            event(min(started, (sent or 0) + 7), 10, Action.OPP_OVERLEG_STARTED, "plans.opp", opp_id)

        version_id = version_hash = None
        if sent is not None:
            oogo_day, hearing_day = sent + 3, sent + 2
            self._oogo(batch, opp_id, ib, oogo_day, both=True, event=event)
            self._hearing(batch, opp_id, ib, hearing_day, evaluation_id=None, event=event)
            if school.school_type in COMMISSIE_SCHOOL_TYPES:  # rule 6: the commissie advises before adoption
                advice_id = self.next_id(CommissieAdvice)
                batch.add(CommissieAdvice, ADVICE, (advice_id, opp_id, self.day(sent + 1), Commissie.BEGELEIDING,
                                                    texts.COMMISSIE_ADVICE, ib, self.at(sent + 1, 15)))
                event(sent + 1, 15, Action.OPP_COMMISSIE_ADVICE_RECORDED, "plans.commissieadvice", advice_id,
                      commissie=str(Commissie.BEGELEIDING), advised_on=self.day(sent + 1).isoformat())
            version_id = self.next_id(OppVersion)
            content = self._content(kind, school, draft, goals)
            version_hash = content_hash(content)
            batch.add(OppVersion, VERSION, (version_id, opp_id, 1, content, version_hash, self.at(sent, 20), ib))
            event(sent, 20, Action.OPP_VERSION_FROZEN, "plans.oppversion", version_id, number=1,
                  content_hash=version_hash)
            self._instemming(batch, opp_id, ib, pupil, version_id, version_hash, sent=sent, adopted=adopted,
                             event=event)
        elif status == OppStatus.IN_OVERLEG and started >= 10 and rng.random() < 0.5:
            self._oogo(batch, opp_id, ib, started - 3, both=False, event=event)

        next_due = ended = None
        end_reason = ""
        if adopted is not None:
            event(adopted, 40, Action.OPP_ADOPTED, "plans.opp", opp_id, first=True, version=1,
                  adopted_on=self.day(adopted).isoformat(), content_hash=version_hash)
            evaluations = []
            k = 1
            while adopted - 365 * k - 14 >= 1:  # each yearly evaluation, give or take two weeks
                evaluations.append(adopted - 365 * k + r(-14, 14))
                k += 1
            if status == OppStatus.VASTGESTELD and evaluations and rng.random() < 0.15:
                evaluations.pop()  # this year's evaluation has not been held: overdue (rule 8)
            last = self._evaluations(batch, opp_id, ib, version_id, goals, evaluations, status, event=event)
            if status == OppStatus.BEEINDIGD:
                ended, end_reason = last, texts.END_REASON
                event(ended, 55, Action.OPP_ENDED, "plans.opp", opp_id, ended_on=self.day(ended).isoformat(),
                      was_adopted=True)
            else:
                next_due = add_months(self.day(last if last is not None else adopted), 12)
            if status == OppStatus.BIJGESTELD:
                self._oogo(batch, opp_id, ib, last, both=True, event=event)
                draft["support_and_guidance"] = texts.ADJUSTED_SUPPORT
                revision += 1
                event(max(last - 2, 0), 5, Action.OPP_DRAFT_SAVED, "plans.opp", opp_id, fields=["support_and_guidance"],
                      status="bijgesteld", revision=revision)
        elif status == OppStatus.CONCEPT and rng.random() < 0.3:
            self._hearing(batch, opp_id, ib, started, evaluation_id=None, event=event)

        code = school.code
        uitstroom_id = school.uitstroom[0] if school.uitstroom else None
        updated = min(d for d, *_rest in events)
        batch.add(Opp, OPP, (
            opp_id, opp_uuid, pupil.id, school.id, school.school_type, kind, status,
            self.day(started + r(0, 10)) if school.registers_with_rod and kind == OppKind.EXTRA_SUPPORT else None,
            self.at(sent, 20) if sent is not None else None,
            self.day(adopted) if adopted is not None else None, version_id if adopted is not None else None,
            self.day(adopted) if adopted is not None else None,
            self.day(ended) if ended is not None else None, end_reason, 12, next_due,
            draft["pupil_situation"], draft["support_needs"], draft["support_and_guidance"], deviates,
            draft["deviation_description"], uitstroom_id, draft["uitstroom_justification"],
            draft["bevorderende_factoren"], draft["belemmerende_factoren"], revision, ib,
            self.at(started), self.at(updated, 59),
        ))
        for days_ago, minute, action, obj_type, obj_id, details in events:
            batch.add(AuditEvent, AUDIT, (self.at(days_ago, minute), ib, f"school:{code}", action, obj_type,
                                          str(obj_id), pupil.id, details))
        if (adopted is not None and adopted >= ROD_DELIVERY_DAYS and kind == OppKind.EXTRA_SUPPORT
                and school.registers_with_rod and school.delivery_batch_id):
            end = self.day(ended) if ended is not None and ended >= ROD_DELIVERY_DAYS else None
            batch.add(DeliveredPeriod, DELIVERED, (
                opp_id, opp_uuid, pupil.uuid, school.id, pupil.enrolment_id, school.brin, school.vestiging,
                pupil.sequence_number, pupil.bsn, "", self.day(adopted), end, school.delivery_batch_id,
            ))
        batch.plans += 1
        return opp_id

    # --- the parts ------------------------------------------------------------------------------------------

    def _content(self, kind: str, school: SchoolInfo, draft: dict, goals: list[dict]) -> dict:
        """What `plans.content.snapshot` freezes for this draft (a test checks the two agree)."""
        option = school.uitstroom
        return {
            "schema": SCHEMA,
            "kind": kind,
            "school_type": school.school_type,
            "pupil_situation": draft["pupil_situation"],
            "support_needs": draft["support_needs"],
            "handelingsdeel": {
                "support_and_guidance": draft["support_and_guidance"],
                "deviates_from_regular_programme": draft["deviates_from_regular_programme"],
                "deviation_description": draft["deviation_description"],
                "goals": [{"uuid": str(g["uuid"]), **{name: g[name] for name in GOAL_FIELDS},
                           "due_by": g["due_by"].isoformat()} for g in goals],
            },
            "uitstroomperspectief": {
                "destination": option[1] if option else None,
                "destination_label": option[2] if option else None,
                "justification": draft["uitstroom_justification"],
                "bevorderende_factoren": draft["bevorderende_factoren"],
                "belemmerende_factoren": draft["belemmerende_factoren"],
            },
        }

    def _oogo(self, batch: Batch, opp_id: int, ib: int, days_ago: int, *, both: bool, event) -> None:
        meeting_id = self.next_id(OogoMeeting)
        batch.add(OogoMeeting, OOGO, (meeting_id, opp_id, self.day(days_ago), "Ouders, leerkracht en ib'er", True, both,
                                      texts.PARENTS_VIEW, texts.AGREEMENTS, ib, self.at(days_ago, 30)))
        event(days_ago, 30, Action.OOGO_RECORDED, "consent.oogomeeting", meeting_id,
              held_on=self.day(days_ago).isoformat(), handelingsdeel=True, uitstroomperspectief=both)

    def _hearing(self, batch: Batch, opp_id: int, ib: int, days_ago: int, *, evaluation_id, event) -> None:
        method = self.rng.choice((HearingMethod.GESPREK, HearingMethod.TEKENING, HearingMethod.VRAGENLIJST))
        hearing_id = self.next_id(Hearing)
        batch.add(Hearing, HEARING, (hearing_id, opp_id, evaluation_id, True, self.day(days_ago), method,
                                     "De ib'er, samen met de leerkracht", self.rng.choice(texts.PUPIL_VIEWS),
                                     texts.SCHOOL_RESPONSE, HearingSource.SCHOOL, ib, self.at(days_ago, 35)))
        event(days_ago, 35, Action.HEARING_RECORDED, "consent.hearing", hearing_id, heard=True, method=str(method),
              version=None, evaluation=evaluation_id)

    def _instemming(self, batch: Batch, opp_id: int, ib: int, pupil: PupilInfo, version_id: int, version_hash: str,
                    *, sent: int, adopted: int | None, event) -> None:
        request_id = self.next_id(InstemmingRequest)
        batch.add(InstemmingRequest, REQUEST, (request_id, version_id, ib, "Nieuw plan", self.day(sent),
                                               self.at(sent, 25)))
        event(sent, 25, Action.INSTEMMING_REQUESTED, "consent.instemmingrequest", request_id, version=1,
              adult_pupil=False, content_hash=version_hash)
        deciding = len(pupil.guardians) if adopted is not None else (1 if sent >= 2 and self.rng.random() < 0.5 else 0)
        for i, (guardian_id, name, email) in enumerate(pupil.guardians):
            recipient_id = self.next_id(InstemmingRecipient)
            decided = (adopted + 2) if adopted is not None else sent - 1
            opened = self.at(decided, 45) if i < deciding else None
            batch.add(InstemmingRecipient, RECIPIENT, (recipient_id, request_id, guardian_id, name, email, opened))
            if i < deciding:
                decision_id = self.next_id(InstemmingDecision)
                batch.add(InstemmingDecision, DECISION, (decision_id, recipient_id, version_id, version_hash,
                                                         Decision.AKKOORD, HowGiven.OP_PAPIER, ib,
                                                         self.at(decided, 45), self.at(decided, 46)))
                event(decided, 46, Action.INSTEMMING_DECISION_RECORDED, "consent.instemmingdecision", decision_id,
                      how="op_papier", scan=False, version=1, decision="akkoord", content_hash=version_hash)

    def _evaluations(self, batch: Batch, opp_id: int, ib: int, version_id: int, goals: list[dict],
                     days: list[int], status: str, *, event) -> int | None:
        last = None
        for n, days_ago in enumerate(days):
            final = n == len(days) - 1
            decision = EvaluationDecision.CONTINUE
            if final and status == OppStatus.BIJGESTELD:
                decision = EvaluationDecision.ADJUST
            elif final and status == OppStatus.BEEINDIGD:
                decision = EvaluationDecision.END
            evaluation_id = self.next_id(Evaluation)
            batch.add(Evaluation, EVALUATION, (evaluation_id, opp_id, version_id, self.day(days_ago),
                                               texts.EVALUATION_PARENTS, texts.EVALUATION_PUPIL, decision, ib,
                                               self.at(days_ago, 50)))
            outcome = GoalOutcome.REACHED if decision == EvaluationDecision.END else GoalOutcome.PARTLY
            for goal in goals:
                batch.add(EvaluationOutcome, OUTCOME, (evaluation_id, goal["uuid"], goal["area"], outcome, ""))
            self._hearing(batch, opp_id, ib, days_ago, evaluation_id=evaluation_id, event=event)
            event(days_ago, 50, Action.OPP_EVALUATED, "plans.evaluation", evaluation_id, version=1,
                  decision=str(decision), evaluated_on=self.day(days_ago).isoformat())
            last = days_ago
        return last
