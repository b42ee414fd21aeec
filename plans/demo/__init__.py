"""Demo plans for `manage.py seed_demo`: standard texts, drafts and internal plans (see schools/demo).

Everything goes through the real services, so every plan is lawful and has its audit trail. Plans with a
history (sent, adopted, evaluated months ago) are written under `demo_clock`, which sets Django's clock to the
day of each step; the services then check and stamp those days exactly as if the ib had worked then.

This step writes what plans can finish on its own: the standard texts, concepts and plans in overleg. Plans
that go to the parents (adopted ones too, including those within basisondersteuning) are consent's step
(consent/demo.py), which uses the helpers here and runs after this one.

Idempotent: texts are keyed on owner and title; plans are added only when no demo school has a plan that
someone started yet (`plans_seeded`), so a rerun, on any day, adds nothing.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from schools.demo import DemoContext
from schools.models import Guardianship, Membership, Pupil, Role, User

from .. import services
from ..models import Opp, OppKind, OppStatus
from .clock import Timeline, demo_clock
from .content import GOALS, SUPPORT, family_of, plan_content, seed_standard_texts

__all__ = ["PLANS", "PlanMaker", "PlanSpec", "PupilPicker", "Staff", "Timeline", "demo_clock", "seed_plans",
           "tally_plans"]

# --- who works at the demo schools ----------------------------------------------------------------------------

# Schools without a demo account in a role get a colleague who holds it; they cannot sign in (no password).
# (school, role, full name, e-mail address)
COLLEAGUES = (
    ("99AB00", Role.IB, "Ingrid Dekker", "i.dekker@wegwijzer.example.nl"),
    ("99AB00", Role.SCHOOL_LEADER, "Frank Mulder", "f.mulder@wegwijzer.example.nl"),
    ("99AC00", Role.SCHOOL_LEADER, "Ellen Brouwer", "e.brouwer@kompasroos.example.nl"),
    ("99AD00", Role.SCHOOL_LEADER, "Rik Smit", "r.smit@grebbeland.example.nl"),
    ("99AE00", Role.IB, "Nadia el Amrani", "n.elamrani@desprong.example.nl"),
    ("99AE00", Role.SCHOOL_LEADER, "Paul Kok", "p.kok@desprong.example.nl"),
    ("99AF00", Role.IB, "Wendy Prins", "w.prins@devuurtoren.example.nl"),
    ("99AF00", Role.SCHOOL_LEADER, "Gerrit Postma", "g.postma@devuurtoren.example.nl"),
    ("99AG00", Role.IB, "Lieke Blom", "l.blom@hetklaverblad.example.nl"),
    ("99AG00", Role.SCHOOL_LEADER, "Johan Verhoeven", "j.verhoeven@hetklaverblad.example.nl"),
)
DEMO_STAFF: dict[tuple[str, str], str] = {
    ("99AA00", Role.IB): "ib@bao.demo.opp",
    ("99AA00", Role.SCHOOL_LEADER): "directeur@bao.demo.opp",
    ("99AC00", Role.IB): "ib@so.demo.opp",
    ("99AD00", Role.IB): "zorg@vo.demo.opp",
}


class Staff:
    """The ib and the school leader of each demo school, made on first use."""

    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self._users: dict[tuple[str, str], User] = {}

    def get(self, code: str, role: str) -> User:
        key = (code, role)
        if key not in self._users:
            email = DEMO_STAFF.get(key)
            if email:
                self._users[key] = self.ctx.accounts[email].user
            else:
                _code, _role, name, email = next(c for c in COLLEAGUES if c[:2] == key)
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User.objects.create_user(email, None, full_name=name)
                lookup = {"user": user, "role": role, "school": self.ctx.schools[code], "board": None, "swv": None}
                self.ctx.ensure(Membership, "collega's (zonder inlog)", lookup, {"groups": ""})
                self._users[key] = user
        return self._users[key]

    def ib(self, code: str) -> User:
        return self.get(code, Role.IB)

    def leader(self, code: str) -> User:
        return self.get(code, Role.SCHOOL_LEADER)


# --- choosing the pupils --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanSpec:
    """One demo plan: where, for whom, and which story (`story`: a function name in plans or consent demo)."""

    school: str
    group: str
    story: str
    enrolled_days: int = 0  # the pupil was enrolled at least this many days ago (the story starts then)
    two_guardians: bool = False  # the story needs two guardians with gezag
    child: str = ""  # "noah" or "emma": a child of the demo parents
    recent: bool = False  # a pupil who arrived in the last six weeks
    adult: bool = False  # an adult pupil, who decides themself


class PupilPicker:
    """Picks, per spec, the first pupil of the group who fits and has no plan yet; the same pupils every run."""

    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.used: set[int] = set(
            Opp.objects.filter(school__in=ctx.schools.values()).values_list("pupil_id", flat=True)
        )
        self._gezag: dict[int, int] | None = None

    def demo_child(self, name: str) -> Pupil:
        user = self.ctx.accounts["ouder2@demo.opp" if name == "emma" else "ouder@demo.opp"].user
        links = Guardianship.objects.filter(guardian__user=user, has_gezag=True).select_related("pupil")
        pupils = [link.pupil for link in links]
        if name == "noah":
            emma = self.demo_child("emma")
            pupils = [p for p in pupils if p.pk != emma.pk]
        return pupils[0]

    def gezag_count(self, pupil_id: int) -> int:
        if self._gezag is None:
            rows = Guardianship.objects.filter(has_gezag=True).values("pupil_id").annotate(n=Count("pk"))
            self._gezag = {row["pupil_id"]: row["n"] for row in rows}
        return self._gezag.get(pupil_id, 0)

    def pick(self, spec: PlanSpec) -> Pupil | None:
        if spec.child:
            pupil = self.demo_child(spec.child)
            if pupil.pk in self.used:
                return None
            self.used.add(pupil.pk)
            return pupil
        school = self.ctx.schools[spec.school]
        latest = self.ctx.today - datetime.timedelta(days=spec.enrolled_days)
        six_weeks_ago = self.ctx.today - datetime.timedelta(weeks=6)
        demo_children = {self.demo_child("noah").pk, self.demo_child("emma").pk} if spec.school == "99AA00" else set()
        pupils = self.ctx.pupils_at(spec.school, group=spec.group or None).prefetch_related("enrolments")
        for pupil in pupils:
            if pupil.pk in self.used or pupil.pk in demo_children:
                continue
            enrolment = next(e for e in pupil.enrolments.all() if e.school_id == school.pk)
            if enrolment.enrolment_date > latest:
                continue
            if spec.recent != (enrolment.enrolment_date > six_weeks_ago):
                continue
            if spec.two_guardians and self.gezag_count(pupil.pk) < 2:
                continue
            is_adult = pupil.age_on(self.ctx.today) >= 18
            if spec.adult != is_adult:
                continue
            self.used.add(pupil.pk)
            pupil.demo_days_enrolled = (  # type: ignore[attr-defined]  # read by the stories
                self.ctx.today - enrolment.enrolment_date).days
            return pupil
        return None


# --- moving a plan through its life ---------------------------------------------------------------------------

class PlanMaker:
    """The steps of a plan's life through the services, each on its own day."""

    def __init__(self, ctx: DemoContext, staff: Staff | None = None):
        self.ctx = ctx
        self.staff = staff or Staff(ctx)
        self.clock = Timeline(ctx.today)
        self.created: Counter = Counter()
        self._variant = 0

    def start(self, spec: PlanSpec, pupil: Pupil, *, days_ago: int, kind: str = OppKind.EXTRA_SUPPORT,
              fill: bool = True, goals: int = 2, support_start: int | None = None) -> Opp:
        code = spec.school
        ib = self.staff.ib(code)
        school = self.ctx.schools[code]
        with self.clock.at(days_ago) as day:
            support_start_date = self.clock.day(support_start) if support_start is not None else None
            opp = services.start_draft(user=ib, pupil=pupil, school=school, kind=kind,
                                       support_start_date=support_start_date)
        self._variant += 1
        if fill:
            with self.clock.at(days_ago):
                opp = services.save_draft(user=ib, opp=opp, expected_revision=opp.revision,
                                          changes=plan_content(opp, variant=self._variant, start=day, goals=goals))
        self.created["plannen"] += 1
        return opp

    def partial(self, opp: Opp, *, days_ago: int) -> Opp:
        """A concept someone just began: the support and one goal, half filled in."""
        goal: dict[str, Any] = dict(GOALS[family_of(opp.school_type)][0])
        goal.update(responsible="", due_by=None, measured_by="")
        with self.clock.at(days_ago):
            return services.save_draft(
                user=self.staff.ib(opp.school.code), opp=opp, expected_revision=opp.revision,
                changes={"support_and_guidance": SUPPORT[family_of(opp.school_type)][0], "goals": [goal]},
            )

    def overleg(self, opp: Opp, *, days_ago: int) -> Opp:
        with self.clock.at(days_ago):
            return services.start_overleg(user=self.staff.ib(opp.school.code), opp=opp)

    def send(self, opp: Opp, *, days_ago: int):
        opp.refresh_from_db()
        with self.clock.at(days_ago):
            return services.freeze_version(user=self.staff.ib(opp.school.code), opp=opp,
                                           expected_revision=opp.revision)

    def adopt(self, opp: Opp, *, days_ago: int) -> Opp:
        with self.clock.at(days_ago) as day:
            return services.adopt(user=self.staff.leader(opp.school.code), opp=opp, adopted_on=day)

    def commissie(self, opp: Opp, *, days_ago: int) -> None:
        """The commissie advises on the version waiting for adoption (rule 6)."""
        opp.refresh_from_db()
        version = opp.latest_version
        assert version is not None  # the demo sends a plan before the commissie advises on it
        with self.clock.at(days_ago) as day:
            services.record_commissie_advice(
                user=self.staff.ib(opp.school.code), opp=opp, version=version, advised_on=day,
                commissie="begeleiding",
                advice="De commissie voor de begeleiding adviseert het plan vast te stellen. Let op voldoende "
                       "rustmomenten en bespreek de voortgang over drie maanden opnieuw.",
            )

    def evaluate(self, opp: Opp, *, days_ago: int, decision: str, outcomes=("partly", "reached"),
                 end_reason: str = ""):
        opp.refresh_from_db()
        assert opp.adopted_version is not None  # the demo evaluates adopted plans
        goals = opp.adopted_version.goals
        given = {g["uuid"]: (outcomes[i % len(outcomes)], "Gaat vooruit, nog niet altijd zelfstandig.")
                 for i, g in enumerate(goals)}
        with self.clock.at(days_ago) as day:
            return services.record_evaluation(
                user=self.staff.ib(opp.school.code), opp=opp, evaluated_on=day, outcomes=given,
                parents_view="Thuis zien we ook vooruitgang. We willen graag dat het lezen de aandacht houdt.",
                pupil_view="Het gaat beter, maar ik vind het lastig als het druk is in de klas.",
                decision=decision, end_reason=end_reason,
            )

    def adjust(self, opp: Opp, *, days_ago: int) -> Opp:
        """After an evaluation that decided to adjust: a changed goal and one more hour of support."""
        opp.refresh_from_db()
        goals: list[dict[str, Any]] = [
            {"uuid": str(g.uuid), "area": g.area, "description": g.description, "approach": g.approach,
             "responsible": g.responsible, "due_by": g.due_by, "measured_by": g.measured_by}
            for g in opp.goals.order_by("order", "pk")]
        goals[0]["description"] = goals[0]["description"].rstrip(".") + ", ook in een drukke klas."
        goals[0]["due_by"] = self.clock.day(days_ago) + datetime.timedelta(days=180)
        support = opp.support_and_guidance + " Vanaf nu ook één uur per week begeleiding in de middag."
        with self.clock.at(days_ago):
            return services.save_draft(user=self.staff.ib(opp.school.code), opp=opp,
                                       expected_revision=opp.revision,
                                       changes={"support_and_guidance": support, "goals": goals})

    def end(self, opp: Opp, *, days_ago: int, reason: str) -> Opp:
        with self.clock.at(days_ago) as day:
            return services.end(user=self.staff.ib(opp.school.code), opp=opp, ended_on=day, reason=reason)


# --- this step's stories ----------------------------------------------------------------------------------

PLANS = (
    # plans (this step)
    PlanSpec("99AA00", "5", "concept", enrolled_days=30),
    PlanSpec("99AA00", "4", "in_overleg", enrolled_days=60),
    PlanSpec("99AD00", "1B", "concept_internal", enrolled_days=30),
    PlanSpec("99AB00", "5/6", "concept", enrolled_days=60),  # enrolled > 6 weeks ago: adoption overdue
    PlanSpec("99AB00", "", "concept", recent=True),  # arrived recently: adoption due within six weeks
    PlanSpec("99AC00", "Onderbouw", "concept", recent=True),
    PlanSpec("99AE00", "1P", "in_overleg", enrolled_days=60),
    PlanSpec("99AG00", "6", "concept", enrolled_days=30),
    # consent (consent/demo.py)
    PlanSpec("99AA00", "7", "internal", enrolled_days=200),
    PlanSpec("99AD00", "2A", "internal", enrolled_days=200),
    PlanSpec("99AA00", "3", "adjusted_waiting", child="emma"),
    PlanSpec("99AA00", "6", "adopted", child="noah"),
    PlanSpec("99AA00", "6", "half_agreed", enrolled_days=60, two_guardians=True),
    PlanSpec("99AA00", "8", "evaluation_overdue", enrolled_days=420),
    PlanSpec("99AA00", "7", "evaluated", enrolled_days=420),
    PlanSpec("99AA00", "8", "ended", enrolled_days=760),
    PlanSpec("99AA00", "2", "refused", enrolled_days=60, two_guardians=True),
    PlanSpec("99AA00", "5", "bijgesteld", enrolled_days=420),
    PlanSpec("99AB00", "7/8", "adopted", enrolled_days=200),
    PlanSpec("99AB00", "7/8", "evaluation_overdue", enrolled_days=420),
    PlanSpec("99AB00", "3/4", "in_overleg_overdue", enrolled_days=60),
    PlanSpec("99AC00", "Bovenbouw", "adopted", enrolled_days=200),
    PlanSpec("99AC00", "Middenbouw", "waiting", enrolled_days=60),
    PlanSpec("99AC00", "Bovenbouw", "in_overleg_overdue", enrolled_days=60),
    PlanSpec("99AC00", "Middenbouw", "ended", enrolled_days=420),
    PlanSpec("99AD00", "3A", "adopted", enrolled_days=200),
    PlanSpec("99AD00", "4A", "evaluation_overdue", enrolled_days=420),
    PlanSpec("99AD00", "6A", "waiting", enrolled_days=60, adult=True),
    PlanSpec("99AD00", "2B", "conversation", enrolled_days=60),
    PlanSpec("99AE00", "3P", "adopted", enrolled_days=200),
    PlanSpec("99AE00", "4P", "ended", enrolled_days=420),
    PlanSpec("99AF00", "", "adopted", enrolled_days=200),
    PlanSpec("99AF00", "Vervolg 1", "waiting", enrolled_days=60),
    PlanSpec("99AF00", "Dagbesteding", "waiting", enrolled_days=60, adult=True),
    PlanSpec("99AG00", "7", "adopted", enrolled_days=200),
)
PLANS_STORIES = ("concept", "in_overleg", "concept_internal")


def plans_seeded(ctx: DemoContext) -> bool:
    """The demo plans were added before (on any day): this step adds no plans again."""
    return Opp.objects.filter(school__in=ctx.schools.values(), created_by__isnull=False).exists()


def tally_plans(ctx: DemoContext, created: Counter | None = None) -> None:
    """Per status, the number of plans at the demo schools (and how many this step made)."""
    counts = dict(Opp.objects.filter(school__in=ctx.schools.values()).values_list("status")
                  .annotate(n=Count("pk")).values_list("status", "n"))
    ctx.tally("collega's (zonder inlog)", total=len(COLLEAGUES))
    for status in OppStatus:
        label = f"plannen {status.label}"
        ctx.tally(label, total=counts.get(status.value, 0), created=(created or Counter())[status.value])


def _created_by_status(opps: list[Opp]) -> Counter:
    return Counter(Opp.objects.filter(pk__in=[o.pk for o in opps]).values_list("status", flat=True))


def seed_plans(ctx: DemoContext) -> None:
    seed_standard_texts(ctx)
    made: list[Opp] = []
    if not plans_seeded(ctx):
        picker, maker = PupilPicker(ctx), PlanMaker(ctx)
        for spec in PLANS:
            if spec.story not in PLANS_STORIES:
                continue
            pupil = picker.pick(spec)
            if pupil is not None:
                made.append(_tell(maker, spec, pupil))
    tally_plans(ctx, _created_by_status(made) if made else None)


def _tell(maker: PlanMaker, spec: PlanSpec, pupil: Pupil) -> Opp:
    if spec.story == "concept":
        # A recent arrival's plan was started a few days after they came.
        days_ago = min(12, getattr(pupil, "demo_days_enrolled", 99) - 3)
        opp = maker.start(spec, pupil, days_ago=days_ago, fill=False)
        return maker.partial(opp, days_ago=days_ago - 1)
    if spec.story == "concept_internal":
        opp = maker.start(spec, pupil, days_ago=8, kind=OppKind.BASISONDERSTEUNING, fill=False)
        return maker.partial(opp, days_ago=8)
    if spec.story == "in_overleg":
        opp = maker.start(spec, pupil, days_ago=30, support_start=40)
        return maker.overleg(opp, days_ago=25)
    raise ValueError(spec.story)
