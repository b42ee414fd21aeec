"""The checks every OPP period passes before it goes to ROD; a failing period is held back with a Dutch reason.

DUO's own date checks are not public (REFERENCE.md); these are the sensible ones the portal enforces.
DUO takes the full list of periods per enrolment, so when one period of an enrolment fails, the whole
enrolment is held back: sending a partial list would remove the missing period at DUO.
"""

import datetime
from dataclasses import dataclass, field

from schools.identifiers import is_valid_brin, is_valid_bsn, is_valid_onderwijsnummer, is_valid_vestiging

MAX_PERIODS_PER_ENROLMENT = 100


@dataclass
class Period:
    """One OPP period as the export sees it (current, or removed since the last delivery)."""

    opp_key: int
    opp_uuid: object
    pupil_uuid: object
    school_id: int
    enrolment_key: int
    brin: str
    vestiging: str
    sequence_number: str
    bsn: str
    onderwijsnummer: str
    begin: datetime.date
    end: datetime.date | None
    enrolment_date: datetime.date | None = None
    removed: bool = False
    # The delivered state (begin, end, identifiers) or None when DUO does not have the period yet.
    delivered: tuple | None = None
    mutatie: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def sort_key(self) -> tuple:
        return (self.school_id, self.enrolment_key, self.begin, self.opp_key)

    @property
    def enrolment_group(self) -> tuple:
        return (self.school_id, self.enrolment_key)

    @property
    def identity(self) -> tuple:
        return (self.enrolment_key, self.brin, self.vestiging, self.sequence_number, self.bsn, self.onderwijsnummer)


def _d(day: datetime.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


def check_period(p: Period) -> list[tuple[str, str]]:
    """Checks that need only the period itself."""
    problems = []
    if p.bsn and p.onderwijsnummer:
        problems.append(("identifier", "De leerling heeft zowel een BSN als een onderwijsnummer."))
    elif p.bsn:
        if not is_valid_bsn(p.bsn):
            problems.append(("bsn", "Het BSN van de leerling is ongeldig (elfproef)."))
    elif p.onderwijsnummer:
        if not is_valid_onderwijsnummer(p.onderwijsnummer):
            problems.append(("onderwijsnummer", "Het onderwijsnummer van de leerling is ongeldig."))
    else:
        problems.append(("identifier", "De leerling heeft geen BSN en geen onderwijsnummer."))
    if not is_valid_brin(p.brin):
        problems.append(("brin", f"De BRIN van de school ({p.brin}) is ongeldig: twee cijfers en twee letters."))
    if not is_valid_vestiging(p.vestiging):
        problems.append(("vestiging", f"Het vestigingsnummer ({p.vestiging}) is ongeldig: twee cijfers."))
    if not p.sequence_number:
        problems.append(("volgnummer", "De inschrijving heeft geen inschrijvingvolgnummer."))
    if p.enrolment_date is not None and p.begin < p.enrolment_date:
        problems.append(("begin_before_enrolment",
                         f"De begindatum ({_d(p.begin)}) ligt vóór de inschrijfdatum ({_d(p.enrolment_date)})."))
    if p.end is not None and p.end < p.begin:
        problems.append(("end_before_begin",
                         f"De einddatum ({_d(p.end)}) ligt vóór de begindatum ({_d(p.begin)})."))
    return problems


def _overlaps(a: Period, b: Period) -> bool:
    """Periods overlap when they share a day; an open period runs on indefinitely."""
    a_end = a.end or datetime.date.max
    b_end = b.end or datetime.date.max
    return a.begin <= b_end and b.begin <= a_end


def check_enrolment(periods: list[Period]) -> None:
    """Fill in `problems` for the current periods of one enrolment; one failure holds back them all."""
    current = [p for p in periods if not p.removed]
    for p in current:
        p.problems = check_period(p)
    for i, a in enumerate(current):
        for b in current[i + 1:]:
            if _overlaps(a, b):
                a.problems.append(("overlap", f"De periode overlapt met de periode die begint op {_d(b.begin)}."))
                b.problems.append(("overlap", f"De periode overlapt met de periode die begint op {_d(a.begin)}."))
    if len(current) > MAX_PERIODS_PER_ENROLMENT:
        for p in current:
            p.problems.append(("too_many", f"De inschrijving heeft {len(current)} OPP-perioden; "
                                           f"DUO neemt er hoogstens {MAX_PERIODS_PER_ENROLMENT}."))
    if any(p.problems for p in current):
        for p in periods:
            if not p.problems:
                p.problems.append(("enrolment_held_back", "Een andere OPP-periode van deze inschrijving klopt niet; "
                                                          "de hele inschrijving wordt tegengehouden."))


def reason_text(p: Period) -> str:
    return " ".join(reason for _, reason in p.problems)


def first_code(p: Period) -> str:
    return p.problems[0][0] if p.problems else ""
