"""The benchmark's datasets: the demo as the signed-in users know it, grown around it with bulk inserts.

`seed_base()` loads the demo (`seed_demo`, through the real services). `grow(SMALL)` then adds schools, staff,
pupils, guardians and plans until the database holds one board of 19 schools (plus the demo's second board
with one school: 20 schools), 5,000 pupils and 1,000 plans; `grow(LARGE)` goes on to 2,000 schools, 500,000
pupils and 100,000 plans. The signed-in users are the demo's accounts and look at the same school, the same
board and the same plan in both; their school and board grow with the rest (a big school, a big board), so a
page whose cost follows the school's size shows it. `add_rod_board()` adds the board with 100,000 ROD periods
that the export is measured on.
"""

import datetime
import io
import math
import random
import time
import uuid
from dataclasses import dataclass, replace

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.db.models import Count, Max
from django.utils import timezone

from plans.models import Opp, OppKind, OppStatus, OppVersion, UitstroomOption
from registration.models import BatchKind, BatchState, ExportBatch
from schools.models import (
    Board,
    Enrolment,
    Guardian,
    Guardianship,
    Membership,
    Pupil,
    Role,
    Samenwerkingsverband,
    School,
    Sector,
    User,
)

from . import texts
from .bulk import DatasetError, Loader, bsns
from .plan_records import OLDEST_PLAN_DAYS, ROD_MIX, STATUS_MIX, Batch, PlanRecords, PupilInfo, SchoolInfo


@dataclass(frozen=True)
class Size:
    """Totals the database holds once grown; the focus school and board grow to their own totals."""

    name: str
    schools: int
    pupils: int
    plans: int
    focus_board_schools: int
    focus_school_pupils: int
    focus_school_plans: int
    schools_per_board: int = 12
    swvs_per_sector: int = 0  # new samenwerkingsverbanden for the new boards; 0 keeps the demo's two


SMALL = Size("small", schools=20, pupils=5_000, plans=1_000, focus_board_schools=19,
             focus_school_pupils=250, focus_school_plans=50)
LARGE = Size("large", schools=2_000, pupils=500_000, plans=100_000, focus_board_schools=100,
             focus_school_pupils=2_500, focus_school_plans=1_000, swvs_per_sector=75)
# `make bench QUICK=1`: the same shape at a tenth of the national scale.
QUICK_LARGE = replace(LARGE, name="large (quick)", schools=200, pupils=50_000, plans=10_000, focus_board_schools=40,
                      focus_school_pupils=1_000, focus_school_plans=400, swvs_per_sector=8)
ROD_PERIODS = 100_000
QUICK_ROD_PERIODS = 10_000
ROD_BOARD_NUMBER = "98001"
ROD_SCHOOL_PERIODS = 2_500

# The signed-in users of the benchmark: demo accounts (README.md), so anyone can look at what was measured.
FOCUS_ACCOUNTS = {
    "ib": "ib@bao.demo.opp",
    "leader": "directeur@bao.demo.opp",
    "board_admin": "bestuur@demo.opp",
    "parent": "ouder@demo.opp",
}
PO_TYPES, VO_TYPES = ("bao", "sbo", "so"), ("vo", "vso", "pro")
# New schools' types, in turn: mostly regular primary schools, as in the country.
TYPE_CYCLE = ("bao", "bao", "bao", "vo", "bao", "sbo", "bao", "vo", "bao", "so", "bao", "vso", "bao", "pro")
BSN_PREFIX_START = 20_000_000
BATCH_ROWS = 60_000
UNUSABLE_PASSWORD = make_password(None)


@dataclass(frozen=True)
class Focus:
    school: School
    board: Board
    ib: User
    leader: User
    board_admin: User
    parent: User
    plan: Opp  # the plan the ib and the parent open: the demo parent's child's plan with the most versions


def seed_base() -> str:
    """The demo, through the real services; returns what seed_demo printed."""
    out = io.StringIO()
    # The demo accounts have a public password; this database is the benchmark's own, on 127.0.0.1, for one run.
    call_command("seed_demo", allow_production=True, stdout=out)
    return out.getvalue()


def focus() -> Focus:
    users = {role: User.objects.filter(email=email).first() for role, email in FOCUS_ACCOUNTS.items()}
    missing = [FOCUS_ACCOUNTS[role] for role, user in users.items() if user is None]
    if missing:
        raise DatasetError(f"demo accounts missing (run seed_demo): {', '.join(missing)}")
    school = School.objects.get(memberships__user=users["ib"], memberships__role=Role.IB)
    plan = (
        Opp.objects.visible_to(users["parent"]).filter(school=school)
        .annotate(n=Count("versions")).order_by("-n", "pk").first()
    )
    if plan is None:
        raise DatasetError("the demo parent has no plan at the demo ib's school")
    return Focus(school=school, board=school.board, plan=plan, **users)


# --- growing -------------------------------------------------------------------------------------------------

def _spread(total: int, parts: int) -> list[int]:
    if parts <= 0:
        return []
    base, extra = divmod(max(total, 0), parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def next_bsn_prefix(first_digit: str) -> int:
    top = (Pupil.objects.filter(bsn__startswith=first_digit, bsn__regex=r"^[0-9]{9}$")
           .aggregate(m=Max("bsn"))["m"])
    return int(top[:8]) + 1 if top else int(first_digit) * 10_000_000


class Grower:
    """Adds organisations, people and plans with COPY; one instance per step."""

    def __init__(self, *, seed: int, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.rng = random.Random(seed)
        self.loader = Loader(now=self.now)
        self.records = PlanRecords(self.loader, rng=self.rng, today=self.today)
        self.bsn = bsns(next_bsn_prefix("2"))
        self.batch = Batch()
        self._brins = set(School.objects.values_list("brin", flat=True))
        self._brin_counter = 0
        self._boards = set(Board.objects.values_list("number", flat=True))
        self._board_counter = 10_000
        self._options = {t: list(UitstroomOption.objects.for_school_type(t).order_by("order", "pk"))
                         for t in PO_TYPES + VO_TYPES}

    # --- organisations ---------------------------------------------------------------------------------------

    def _brin(self) -> str:
        while True:
            n = self._brin_counter
            self._brin_counter += 1
            brin = f"{10 + n // 676:02d}{chr(65 + (n // 26) % 26)}{chr(65 + n % 26)}"
            if n >= 89 * 676:
                raise DatasetError("BRIN range exhausted")
            if brin not in self._brins:
                self._brins.add(brin)
                return brin

    def boards(self, n: int) -> list[Board]:
        made = []
        while len(made) < n:
            self._board_counter += 1
            number = f"{self._board_counter:05d}"
            if number not in self._boards:
                self._boards.add(number)
                made.append(Board(number=number, name=f"Stichting {self.rng.choice(texts.CITIES)} {number}"))
        boards = Board.objects.bulk_create(made)
        self._staff([(f"bestuur-{b.number}@bench.example.org", Role.BOARD_ADMIN, {"board": b}) for b in boards])
        return boards

    def swvs(self, per_sector: int) -> dict[str, list[Samenwerkingsverband]]:
        """The samenwerkingsverbanden per sector, `per_sector` new ones each (at least one per sector)."""
        existing = {s: list(Samenwerkingsverband.objects.filter(sector=s).order_by("pk")) for s in Sector.values}
        wanted = {sector: max(per_sector, 0 if existing[sector] else 1) for sector in Sector.values}
        if any(wanted.values()):
            start = Samenwerkingsverband.objects.count()
            made = [Samenwerkingsverband(code=f"{sector.upper()} B{start + i:04d}", sector=sector,
                                         name=f"Samenwerkingsverband {self.rng.choice(texts.CITIES)} {start + i}",
                                         funding_model="schoolmodel", steunpunt_contact="030 123 45 67")
                    for sector in Sector.values for i in range(wanted[sector])]
            for swv in Samenwerkingsverband.objects.bulk_create(made):
                existing[swv.sector].append(swv)
        return existing

    def schools(self, board: Board, n: int, swvs: dict[str, list], offset: int, only: str | None = None
                ) -> list[School]:
        made = []
        for i in range(n):
            kind = only or TYPE_CYCLE[(offset + i) % len(TYPE_CYCLE)]
            pool = swvs["po" if kind in PO_TYPES else "vo"]
            city = self.rng.choice(texts.CITIES)
            made.append(School(brin=self._brin(), vestiging="00", school_type=kind, board=board,
                               swv=pool[(board.pk + i // 40) % len(pool)], city=city,
                               name=f"{self.rng.choice(texts.SCHOOL_NAMES[kind])} {city}"))
        schools = School.objects.bulk_create(made)
        staff = []
        for school in schools:
            staff.append((f"ib-{school.brin}@bench.example.org", Role.IB, {"school": school}))
            staff.append((f"directie-{school.brin}@bench.example.org", Role.SCHOOL_LEADER, {"school": school}))
        self._staff(staff)
        return schools

    def _staff(self, specs: list[tuple[str, str, dict]]) -> None:
        users = User.objects.bulk_create([
            User(email=email, full_name=f"{self.rng.choice(texts.ADULT_FIRST_NAMES)} "
                                        f"{self.rng.choice(texts.LAST_NAMES)}", password=UNUSABLE_PASSWORD)
            for email, _role, _org in specs
        ])
        Membership.objects.bulk_create([Membership(user=u, role=role, **org)
                                        for u, (_e, role, org) in zip(users, specs)])

    def delivery_batch(self, board: Board) -> int:
        """A delivered full export: the periods it carried are what DUO has, as after a year of use."""
        moment = self.now - datetime.timedelta(days=14)
        batch = ExportBatch.objects.create(board=board, kind=BatchKind.FULL, state=BatchState.DELIVERED,
                                           built_at=moment, delivered_at=moment)
        return batch.pk

    def school_info(self, school: School, delivery_batch_id: int | None) -> SchoolInfo:
        ib_ids = tuple(Membership.objects.filter(school=school, role=Role.IB).order_by("pk")
                       .values_list("user_id", flat=True))
        if not ib_ids:
            raise DatasetError(f"school {school.code} has no ib to write its plans")
        options = self._options.get(school.school_type)
        option = self.rng.choice(options) if options else None  # the destination this school's plans name
        return SchoolInfo(id=school.pk, code=school.code, brin=school.brin, vestiging=school.vestiging,
                          school_type=school.school_type, board_id=school.board_id, ib_ids=ib_ids,
                          uitstroom=(option.pk, option.code, option.label) if option else None,
                          delivery_batch_id=delivery_batch_id)

    # --- people and plans -----------------------------------------------------------------------------------

    def people_and_plans(self, school: SchoolInfo, pupils: int, plans: int, *, mix=STATUS_MIX,
                         internal_share: float = 0.1, goals: int | None = None) -> list[int]:
        """Add `pupils` pupils with their guardians to `school`, the first `plans` of them with a plan;
        returns the new plans' ids."""
        if plans > pupils:
            raise DatasetError(f"{school.code}: {plans} plans need at least as many new pupils, not {pupils}")
        rng, r = self.rng, self.rng.randint
        loader, batch = self.loader, self.batch
        primary = school.school_type in PO_TYPES
        plan_ids = []
        for j in range(pupils):
            has_plan = j < plans
            if primary:
                enrolled = r(OLDEST_PLAN_DAYS + 10, 2500) if has_plan else r(1, 2800)
                age = 4 * 365 + enrolled + r(0, 300)
                group = str(min(8, 1 + (age - 4 * 365) // 365))
            else:
                enrolled = r(OLDEST_PLAN_DAYS + 10, 1800) if has_plan else r(1, 1800)
                age = 12 * 365 + enrolled + r(0, 300)
                group = f"{min(6, 1 + enrolled // 365)}{rng.choice('ABCD')}"
            pupil_id = self.records.next_id(Pupil)
            enrolment_id = self.records.next_id(Enrolment)
            pupil_uuid, bsn = uuid.uuid4(), next(self.bsn)
            last_name, prefix = rng.choice(texts.LAST_NAMES), rng.choice(texts.PREFIXES)
            batch.add(Pupil, PUPIL, (pupil_id, pupil_uuid, rng.choice(texts.FIRST_NAMES), prefix, last_name,
                                     self.today - datetime.timedelta(days=age), bsn))
            batch.add(Enrolment, ENROLMENT, (enrolment_id, pupil_id, school.id, sequence_number(pupil_id),
                                             self.today - datetime.timedelta(days=enrolled), group))
            guardians = []
            for g in range(2 if has_plan else 1):
                guardian_id = self.records.next_id(Guardian)
                first = rng.choice(texts.ADULT_FIRST_NAMES)
                email = f"ouder{guardian_id}@example.org"
                batch.add(Guardian, GUARDIAN, (guardian_id, first, prefix, last_name, email,
                                               f"06 {r(10000000, 99999999)}"))
                batch.add(Guardianship, GUARDIANSHIP, (pupil_id, guardian_id, ("moeder", "vader")[g], True))
                guardians.append((guardian_id, " ".join(p for p in (first, prefix, last_name) if p), email))
            if has_plan:
                internal = school.school_type in ("bao", "vo") and rng.random() < internal_share
                info = PupilInfo(id=pupil_id, uuid=pupil_uuid, bsn=bsn, enrolment_id=enrolment_id,
                                 sequence_number=sequence_number(pupil_id), enrolled_days_ago=enrolled,
                                 guardians=tuple(guardians))
                plan_ids.append(self.records.add(
                    batch, school, info, status=self.records.pick_status(mix), goals=goals,
                    kind=OppKind.BASISONDERSTEUNING if internal else OppKind.EXTRA_SUPPORT))
            if batch.size >= BATCH_ROWS:
                batch.flush(loader)
        return plan_ids

    def finish(self) -> dict[str, int]:
        self.batch.flush(self.loader)
        self.loader.finish()
        return dict(self.loader.counts)


PUPIL = ("id", "uuid", "first_name", "name_prefix", "last_name", "date_of_birth", "bsn")
def sequence_number(pupil_id: int) -> str:
    """A grown pupil's inschrijvingvolgnummer: unique per pupil, and never one the demo gives (1001, 1002, ...
    per school), whatever ids the database hands out."""
    return f"9{pupil_id:09d}"


ENROLMENT = ("id", "pupil_id", "school_id", "sequence_number", "enrolment_date", "group")
GUARDIAN = ("id", "first_name", "name_prefix", "last_name", "email", "phone")
GUARDIANSHIP = ("pupil_id", "guardian_id", "relationship", "has_gezag")


def grow(size: Size, school: School, *, seed: int = 12) -> dict:
    """Bring the database up to `size` around `school` (the one the users look at) and its board; returns what
    the database then holds and how long growing took."""
    started = time.perf_counter()
    board = school.board
    g = Grower(seed=seed)
    school_count, pupil_count, plan_count = School.objects.count(), Pupil.objects.count(), Opp.objects.count()
    board_count = School.objects.filter(board=board).count()
    school_pupils = Enrolment.objects.filter(school=school).values("pupil_id").distinct().count()
    school_plans = Opp.objects.filter(school=school).count()

    in_board = max(0, min(size.focus_board_schools - board_count, size.schools - school_count))
    elsewhere = max(0, size.schools - school_count - in_board)
    swvs = g.swvs(size.swvs_per_sector if elsewhere else 0)
    new_schools = g.schools(board, in_board, swvs, offset=school_count)
    batches = {board.pk: g.delivery_batch(board)} if in_board or elsewhere else {}
    boards = g.boards(math.ceil(elsewhere / size.schools_per_board)) if elsewhere else []
    for i, other in enumerate(boards):
        n = min(size.schools_per_board, elsewhere - i * size.schools_per_board)
        new_schools += g.schools(other, n, swvs, offset=school_count + in_board + i * size.schools_per_board)
        batches[other.pk] = g.delivery_batch(other)

    add_pupils = max(0, size.focus_school_pupils - school_pupils)
    add_plans = max(0, size.focus_school_plans - school_plans)
    g.people_and_plans(g.school_info(school, batches.get(board.pk)), add_pupils, add_plans)
    pupils = _spread(size.pupils - pupil_count - add_pupils, len(new_schools))
    plans = _spread(size.plans - plan_count - add_plans, len(new_schools))
    for other, n_pupils, n_plans in zip(new_schools, pupils, plans):
        g.people_and_plans(g.school_info(other, batches.get(other.board_id)), n_pupils, n_plans)
    rows = g.finish()
    analyse()
    return {
        "size": size.name,
        "schools": School.objects.count(),
        "pupils": Pupil.objects.count(),
        "plans": Opp.objects.count(),
        "focus_school_pupils": Enrolment.objects.filter(school=school).count(),
        "focus_school_plans": Opp.objects.filter(school=school).count(),
        "focus_board_schools": School.objects.filter(board=board).count(),
        "rows_written": sum(rows.values()),
        "seconds": round(time.perf_counter() - started, 1),
    }


def add_rod_board(periods: int, *, seed: int = 98) -> Board:
    """A board whose bao schools hold `periods` adopted (partly ended) OPP periods, none delivered yet: the ROD
    export is measured on it. Its plans have their whole history, like every other plan."""
    g = Grower(seed=seed)
    board = Board.objects.create(number=ROD_BOARD_NUMBER, name="Stichting ROD-meting")
    g._staff([(f"bestuur-{board.number}@bench.example.org", Role.BOARD_ADMIN, {"board": board})])
    swvs = g.swvs(0)
    n_schools = math.ceil(periods / ROD_SCHOOL_PERIODS)
    schools = g.schools(board, n_schools, swvs, offset=0, only="bao")
    for school, n in zip(schools, _spread(periods, n_schools)):
        g.people_and_plans(g.school_info(school, None), n, n, mix=ROD_MIX, internal_share=0.0)
    g.finish()
    analyse()
    return board


def plan_with_goals(school: School, goals: int) -> OppVersion:
    """A new pupil at `school` with a plan of `goals` goals, sent to the parents: version 1 for the PDF."""
    g = Grower(seed=goals)
    [opp_id] = g.people_and_plans(g.school_info(school, None), 1, 1, mix=((OppStatus.TER_INSTEMMING, 1),),
                                  internal_share=0.0, goals=goals)
    g.finish()
    return OppVersion.objects.get(opp_id=opp_id, number=1)


def analyse() -> None:
    """Vacuumed, with fresh planner statistics, as autovacuum leaves a database that grew over years (and so
    autovacuum has nothing left to do while the pages are measured), and checkpointed, so the writes the build
    and the vacuum left behind are not flushed while the pages are measured. Inside a transaction (tests): only
    ANALYZE."""
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute("ANALYZE")
            return
        cursor.execute("VACUUM (ANALYZE)")
        if connection.vendor == "postgresql":
            try:
                cursor.execute("CHECKPOINT")
            except DatabaseError:  # not a superuser: the checkpointer gets to it in its own time
                pass
