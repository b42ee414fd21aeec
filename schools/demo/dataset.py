"""The demo data as plain values, built the same way every run.

Who the pupils are (names, identifiers, school, group, families) comes from a
seeded `random.Random` and never depends on the date. Only the dates do: ages
and enrolment dates are laid out against the school year of `today`, so every
pupil has a realistic age for their school for the whole of that school year.
"""

import datetime
import random
import unicodedata
from dataclasses import dataclass

from ..identifiers import is_valid_bsn, is_valid_onderwijsnummer
from . import names

SEED = "opp-demo-2026"
EMAIL_DOMAIN = "example.nl"

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


# --- organisations -------------------------------------------------------------------------------

@dataclass(frozen=True)
class SwvSpec:
    code: str
    name: str
    sector: str
    funding_model: str
    steunpunt_contact: str


@dataclass(frozen=True)
class BoardSpec:
    number: str
    name: str


@dataclass(frozen=True)
class GroupSpec:
    name: str
    ages: tuple[int, ...]  # age on 1 August of the current school year
    size: int


@dataclass(frozen=True)
class SchoolSpec:
    brin: str
    vestiging: str
    name: str
    school_type: str
    board: str
    swv: str
    city: str
    groups: tuple[GroupSpec, ...]  # oldest first, so sequence numbers grow with enrolment
    min_entry_age: int
    recent_arrivals: int = 0  # enrolled a few weeks ago: their OPP is due within six weeks

    @property
    def code(self) -> str:
        return f"{self.brin}{self.vestiging}"


SWV_PO = "PO 99-01"
SWV_VO = "VO 99-02"

SWVS = (
    SwvSpec(
        SWV_PO, "Samenwerkingsverband Passend Primair Onderwijs Rijnvallei", "po", "expertisemodel",
        "Ouder- en jeugdsteunpunt Rijnvallei: 0318 000 100 (ma–vr 9–16 uur), "
        "steunpunt@swv-po-rijnvallei.example.nl",
    ),
    SwvSpec(
        SWV_VO, "Samenwerkingsverband Voortgezet Onderwijs Rijnvallei", "vo", "hybride",
        "Ouder- en jeugdsteunpunt VO Rijnvallei: 0318 000 200 (ma–do 9–17 uur), "
        "info@steunpunt-vo-rijnvallei.example.nl, www.steunpunt-vo-rijnvallei.example.nl",
    ),
)

BOARDS = (
    BoardSpec("99001", "Stichting Openbaar Onderwijs Rijnvallei"),
    BoardSpec("99002", "Stichting Christelijk Primair Onderwijs De Heuvelrug"),
)


def _bao_groups(size: int) -> tuple[GroupSpec, ...]:
    return tuple(GroupSpec(str(g), (g + 3,), size) for g in range(8, 0, -1))


def _vo_classes(size: int) -> tuple[GroupSpec, ...]:
    classes = ("6A", "5A", "4A", "4B", "3A", "3B", "2A", "2B", "1A", "1B")
    return tuple(GroupSpec(c, (11 + int(c[0]),), size) for c in classes)


SCHOOLS = (
    SchoolSpec("99AA", "00", "OBS De Vlinderboom", "bao", "99001", SWV_PO, "Veenendaal", _bao_groups(8), 4),
    SchoolSpec(
        "99AB", "00", "SBO De Wegwijzer", "sbo", "99001", SWV_PO, "Ede",
        (GroupSpec("7/8", (10, 11), 8), GroupSpec("5/6", (8, 9), 8), GroupSpec("3/4", (6, 7), 8)), 6, 2,
    ),
    SchoolSpec(
        "99AC", "00", "De Kompasroos, school voor speciaal onderwijs (cluster 4)", "so", "99001", SWV_PO, "Ede",
        (
            GroupSpec("Bovenbouw", (9, 10, 11), 6), GroupSpec("Middenbouw", (7, 8), 6),
            GroupSpec("Onderbouw", (4, 5, 6), 6),
        ),
        4, 2,
    ),
    SchoolSpec("99AD", "00", "Grebbeland College", "vo", "99001", SWV_VO, "Veenendaal", _vo_classes(5), 12),
    SchoolSpec(
        "99AE", "00", "Praktijkschool De Sprong", "pro", "99001", SWV_VO, "Wageningen",
        tuple(GroupSpec(f"{n}P", (11 + n,), 5) for n in range(4, 0, -1)), 12, 1,
    ),
    SchoolSpec(
        "99AF", "00", "VSO De Vuurtoren", "vso", "99001", SWV_VO, "Ede",
        (
            GroupSpec("Dagbesteding", (17, 18, 19), 4), GroupSpec("Arbeid 2", (17, 18), 4),
            GroupSpec("Arbeid 1", (15, 16), 4), GroupSpec("Vervolg 2", (14, 15), 4),
            GroupSpec("Vervolg 1", (12, 13), 4),
        ),
        12, 2,
    ),
    SchoolSpec("99AG", "00", "CBS Het Klaverblad", "bao", "99002", SWV_PO, "Rhenen", _bao_groups(4), 4),
)

# --- accounts ------------------------------------------------------------------------------------

DEMO_PASSWORD = "opp-demo-2026"


@dataclass(frozen=True)
class AccountSpec:
    email: str
    full_name: str
    role: str  # a Membership role, or "parent" (reach through Guardian.user)
    school: str = ""  # school code, e.g. 99AA00
    board: str = ""
    swv: str = ""
    groups: str = ""


TEACHER_GROUP = "6"

ACCOUNTS = (
    AccountSpec("ib@bao.demo.opp", "Marloes Hendriks", "ib", school="99AA00"),
    AccountSpec("leerkracht@bao.demo.opp", "Joost van Leeuwen", "teacher", school="99AA00", groups=TEACHER_GROUP),
    AccountSpec("directeur@bao.demo.opp", "Anita Bosman", "school_leader", school="99AA00"),
    AccountSpec("ib@so.demo.opp", "Priya Ramdin", "ib", school="99AC00"),
    AccountSpec("zorg@vo.demo.opp", "Karin Veldman", "ib", school="99AD00"),
    AccountSpec("bestuur@demo.opp", "Hans de Wit", "board_admin", board="99001"),
    AccountSpec("swv@demo.opp", "Femke Schouten", "swv", swv=SWV_PO),
    AccountSpec("ouder@demo.opp", "Sanne de Vries", "parent"),
    AccountSpec("ouder2@demo.opp", "Mark Jansen", "parent"),
)

# --- people --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PupilSpec:
    first_name: str
    name_prefix: str
    last_name: str
    date_of_birth: datetime.date
    bsn: str | None
    onderwijsnummer: str | None
    school: str  # school code
    group: str
    sequence_number: str
    enrolment_date: datetime.date

    @property
    def identifier(self) -> str:
        return self.bsn or self.onderwijsnummer or ""


@dataclass(frozen=True)
class GuardianSpec:
    first_name: str
    name_prefix: str
    last_name: str
    email: str
    phone: str


@dataclass(frozen=True)
class LinkSpec:
    pupil: str  # the pupil's identifier
    guardian: str  # the guardian's e-mail address
    relationship: str
    has_gezag: bool


@dataclass(frozen=True)
class Dataset:
    school_year: int  # 2025 for 2025-2026
    pupils: tuple[PupilSpec, ...]
    guardians: tuple[GuardianSpec, ...]
    links: tuple[LinkSpec, ...]


def school_year_of(day: datetime.date) -> int:
    """The year in which the school year holding `day` began (it runs 1 August – 31 July)."""
    return day.year if day.month >= 8 else day.year - 1


def build(today: datetime.date) -> Dataset:
    rng = random.Random(SEED)
    drafts = _draft_pupils(rng)
    families = _draft_families(rng, drafts)
    year = school_year_of(today)
    pupils = tuple(d.resolve(year, today) for d in drafts)
    guardians: dict[str, GuardianSpec] = {}
    links: list[LinkSpec] = []
    for family in families:
        for adult in family.adults:
            guardians.setdefault(adult.spec.email, adult.spec)
            for child in family.children if adult.only is None else adult.only:
                links.append(LinkSpec(child.identifier, adult.spec.email, adult.relationship, adult.has_gezag))
    return Dataset(year, pupils, tuple(guardians.values()), tuple(links))


# --- drafting (no dates yet) ---------------------------------------------------------------------


@dataclass
class _Draft:
    school: SchoolSpec
    group: str
    age: int  # on 1 August of the current school year
    day: int | None  # day within the birth window; None: the youngest possible
    first_name: str
    identifier: str
    is_bsn: bool
    sequence_number: str
    entry: tuple  # ("birthday",) | ("year", k) | ("midyear", k, day) | ("recent", days)
    demo_child: bool = False  # a child of the demo parent accounts
    name_prefix: str = ""
    last_name: str = ""

    def resolve(self, year: int, today: datetime.date) -> PupilSpec:
        if self.day is None:
            dob = datetime.date(year - self.age, 8, 1)
        else:
            dob = datetime.date(year - self.age - 1, 8, 2) + datetime.timedelta(days=self.day)
        return PupilSpec(
            first_name=self.first_name, name_prefix=self.name_prefix, last_name=self.last_name,
            date_of_birth=dob, bsn=self.identifier if self.is_bsn else None,
            onderwijsnummer=None if self.is_bsn else self.identifier,
            school=self.school.code, group=self.group, sequence_number=self.sequence_number,
            enrolment_date=self._enrolment_date(dob, year, today),
        )

    def _enrolment_date(self, dob: datetime.date, year: int, today: datetime.date) -> datetime.date:
        kind = self.entry[0]
        if kind == "birthday":  # a bao pupil starts the day they turn four
            try:
                return dob.replace(year=dob.year + 4)
            except ValueError:  # born on 29 February
                return datetime.date(dob.year + 4, 3, 1)
        if kind == "year":
            return datetime.date(year - self.entry[1], 8, 1)
        if kind == "midyear":
            return _weekday(datetime.date(year - self.entry[1], 9, 15) + datetime.timedelta(days=self.entry[2]))
        return _weekday(today - datetime.timedelta(days=self.entry[1]))


def _weekday(day: datetime.date) -> datetime.date:
    """The Friday before, for a day in a weekend."""
    return day - datetime.timedelta(days=max(0, day.weekday() - 4))


# The demo parents' children: the slots they take, and their fixed first names.
_DEMO_CHILDREN = {("99AA00", TEACHER_GROUP): "Noah", ("99AA00", "3"): "Emma"}
_ONDERWIJSNUMMER_EVERY = 19  # about 5% of pupils have an onderwijsnummer instead of a BSN


def _draft_pupils(rng: random.Random) -> list[_Draft]:
    drafts: list[_Draft] = []
    used: set[str] = set()
    for school in SCHOOLS:
        sequence = 1001
        slots = [(group, i) for group in school.groups for i in range(group.size)]
        recent_from = len(slots) - school.recent_arrivals
        for n, (group, i) in enumerate(slots):
            age = rng.choice(group.ages)
            first = rng.choice(names.GIRLS if rng.random() < 0.5 else names.BOYS)
            demo_child = i == 0 and (school.code, group.name) in _DEMO_CHILDREN
            if demo_child:
                first = _DEMO_CHILDREN[(school.code, group.name)]
            is_bsn = (len(drafts) + 1) % _ONDERWIJSNUMMER_EVERY != 0
            identifier = _unique(rng, used, _bsn if is_bsn else _onderwijsnummer)
            drafts.append(
                _Draft(
                    school=school, group=group.name, age=age, day=rng.randint(0, 364),
                    first_name=first, identifier=identifier, is_bsn=is_bsn, sequence_number=str(sequence),
                    entry=_entry(rng, school, age, recent=n >= recent_from), demo_child=demo_child,
                )
            )
            sequence += 1
    _add_adult_vo_pupil(drafts)
    return drafts


def _add_adult_vo_pupil(drafts: list[_Draft]) -> None:
    """An 18-year-old in vwo 6 who repeated a year: they decide on instemming themselves."""
    pupil = next(d for d in drafts if d.school.school_type == "vo" and d.group == "6A")
    pupil.age, pupil.day, pupil.entry = 18, None, ("year", 6)


def _entry(rng: random.Random, school: SchoolSpec, age: int, *, recent: bool) -> tuple:
    if recent:
        return ("recent", rng.randint(6, 38))
    years_here = age - school.min_entry_age
    if school.school_type == "bao":
        if years_here >= 1 and rng.random() < 0.15:  # came from another school
            return ("year", rng.randint(1, years_here))
        return ("birthday",)
    if school.school_type in ("vo", "pro"):
        if years_here >= 1 and rng.random() < 0.12:
            return ("midyear", rng.randint(1, years_here), rng.randint(0, 270))
        return ("year", years_here)
    k = rng.randint(0, years_here)
    if k >= 1 and rng.random() < 0.3:
        return ("midyear", k, rng.randint(0, 270))
    return ("year", k)


def _unique(rng: random.Random, used: set[str], make) -> str:
    while True:
        value = make(rng)
        if value and value not in used:
            used.add(value)
            return value


def _complete(prefix8: str, remainder: int) -> str | None:
    base = sum(int(d) * w for d, w in zip(prefix8, _WEIGHTS))
    for last in range(10):
        if (base - last) % 11 == remainder:
            return prefix8 + str(last)
    return None


def _bsn(rng: random.Random) -> str | None:
    """A BSN passing the elfproef; all demo BSNs start with 999 so they stand out as fictional."""
    value = _complete(f"999{rng.randint(0, 99999):05d}", 0)
    assert value is None or is_valid_bsn(value)
    return value


def _onderwijsnummer(rng: random.Random) -> str | None:
    value = _complete(f"10{rng.randint(0, 999999):06d}", 5)
    assert value is None or is_valid_onderwijsnummer(value)
    return value


# --- families ------------------------------------------------------------------------------------


@dataclass
class _Adult:
    spec: GuardianSpec
    relationship: str
    has_gezag: bool = True
    only: tuple["_Draft", ...] | None = None  # linked to these children only; None: all in the family


@dataclass
class _Family:
    name_prefix: str
    last_name: str
    adults: list[_Adult]
    children: list[_Draft]


def _draft_families(rng: random.Random, drafts: list[_Draft]) -> list[_Family]:
    emails: set[str] = set()
    demo_children = {d.group: d for d in drafts if d.demo_child}
    families = [_demo_family(emails, noah=demo_children[TEACHER_GROUP], emma=demo_children["3"])]
    order = [d for d in drafts if not d.demo_child]
    rng.shuffle(order)
    for draft in order:
        family = _sibling_family(rng, families[1:], draft) if rng.random() < 0.2 else None
        if family is None:
            family = _new_family(rng, emails)
            families.append(family)
        family.children.append(draft)
        draft.name_prefix, draft.last_name = family.name_prefix, family.last_name
    return families


def _demo_family(emails: set[str], *, noah: _Draft, emma: _Draft) -> _Family:
    """Sanne (ouder@) has gezag over Noah and Emma; Mark (ouder2@) over Emma only; Noah's father none."""
    emails.update({"ouder@demo.opp", "ouder2@demo.opp"})
    noah.name_prefix, noah.last_name = "de", "Vries"
    emma.name_prefix, emma.last_name = "", "Jansen"
    adults = [
        _Adult(GuardianSpec("Sanne", "de", "Vries", "ouder@demo.opp", "06-00123456"), "moeder"),
        _Adult(GuardianSpec("Mark", "", "Jansen", "ouder2@demo.opp", "06-00654321"), "vader", only=(emma,)),
        _Adult(GuardianSpec("Dennis", "", "Bakker", _email(emails, "Dennis", "", "Bakker"), ""), "vader",
               has_gezag=False, only=(noah,)),
    ]
    return _Family("de", "Vries", adults, [noah, emma])


def _sibling_family(rng: random.Random, families: list[_Family], draft: _Draft) -> _Family | None:
    for family in rng.sample(families, min(4, len(families))):
        if len(family.children) < 3 and all(abs(c.age - draft.age) >= 2 for c in family.children):
            return family
    return None


def _new_family(rng: random.Random, emails: set[str]) -> _Family:
    prefix, last = rng.choice(names.SURNAMES)

    def adult(woman: bool, relationship: str, *, own_name: bool = False, gezag: bool = True) -> _Adult:
        first = rng.choice(names.WOMEN if woman else names.MEN)
        p, l_ = rng.choice(names.SURNAMES) if own_name else (prefix, last)
        phone = f"06-00{rng.randint(0, 999999):06d}" if rng.random() < 0.85 else ""
        return _Adult(GuardianSpec(first, p, l_, _email(emails, first, p, l_), phone), relationship, gezag)

    r = rng.random()
    if r < 0.58:  # two parents with gezag, together or living apart
        if rng.random() < 0.05:
            adults = [adult(True, "ouder"), adult(True, "ouder", own_name=True)]
        else:
            adults = [adult(True, "moeder", own_name=rng.random() < 0.5), adult(False, "vader")]
    elif r < 0.82:  # one parent with gezag
        adults = [adult(True, "moeder")] if rng.random() < 0.8 else [adult(False, "vader")]
    elif r < 0.95:  # the other parent is known to the school but has no gezag
        adults = [adult(True, "moeder"), adult(False, "vader", own_name=True, gezag=False)]
    else:  # a voogd decides; the foster parent who cares for the child does not
        adults = [adult(rng.random() < 0.5, "voogd", own_name=True),
                  adult(True, "verzorger", own_name=True, gezag=False)]
    return _Family(prefix, last, adults, [])


def _email(emails: set[str], first: str, prefix: str, last: str) -> str:
    local = ".".join(_slug(p) for p in (first, f"{prefix}{last}"))
    email, n = f"{local}@{EMAIL_DOMAIN}", 1
    while email in emails:
        n += 1
        email = f"{local}{n}@{EMAIL_DOMAIN}"
    emails.add(email)
    return email


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("ı", "i")).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalnum())
