"""One pupil line of a LAS export: the columns, the checked row, and the check of every value in it.

Pure: no database. A value that fails its check is left empty (or None) and the row gets a Dutch reason, so
every bad row can be shown at once. Reading the file and the checks across rows are `schools.pupil_csv`.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opp_portal.datefields import date_problem

from .identifiers import is_valid_bsn, is_valid_onderwijsnummer
from .models import Relationship

MAX_ROWS = 20_000
EARLIEST_BIRTH_YEAR = 1990  # as the pupil form: older is a typing error, not a pupil

PUPIL_COLUMNS = (
    "voornaam", "tussenvoegsel", "achternaam", "geboortedatum", "bsn", "onderwijsnummer",
    "groep", "inschrijfdatum", "uitschrijfdatum", "inschrijvingvolgnummer",
)
REQUIRED_COLUMNS = ("voornaam", "achternaam", "geboortedatum", "inschrijfdatum", "inschrijvingvolgnummer")
GUARDIAN_SLOTS = (1, 2)
GUARDIAN_FIELDS = ("voornaam", "tussenvoegsel", "achternaam", "email", "telefoon", "gezag", "relatie")
GUARDIAN_REQUIRED_FIELDS = ("achternaam", "gezag")
GUARDIAN_COLUMNS = tuple(f"ouder{n}_{f}" for n in GUARDIAN_SLOTS for f in GUARDIAN_FIELDS)
ALL_COLUMNS = PUPIL_COLUMNS + GUARDIAN_COLUMNS

# Lengths of the model fields the values end up in.
MAX_LENGTHS = {
    "voornaam": 100, "tussenvoegsel": 20, "achternaam": 100, "groep": 20, "inschrijvingvolgnummer": 20,
    "email": 254, "telefoon": 30,
}

_YES = {"ja", "j", "yes", "y", "1", "true", "waar"}
_NO = {"nee", "n", "no", "0", "false", "onwaar"}
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DUTCH_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_PHONE_CHARS = set("0123456789+-() ")
_RELATIONSHIPS = frozenset(Relationship.values)
# Built once; translated only when a row needs one.
_MISSING = {
    "voornaam": gettext_lazy("De voornaam ontbreekt."),
    "achternaam": gettext_lazy("De achternaam ontbreekt."),
    "geboortedatum": gettext_lazy("De geboortedatum ontbreekt."),
    "inschrijfdatum": gettext_lazy("De inschrijfdatum ontbreekt."),
    "inschrijvingvolgnummer": gettext_lazy("Het inschrijvingvolgnummer ontbreekt."),
    "ouder_achternaam": gettext_lazy("de achternaam ontbreekt."),
}


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    required: str | Promise  # lazy: shown in the user's language
    format: str | Promise
    example: str


COLUMN_SPEC = (
    ColumnInfo("voornaam", gettext_lazy("ja"), gettext_lazy("tekst, hoogstens 100 tekens"), "Zoë"),
    ColumnInfo("tussenvoegsel", gettext_lazy("nee"), gettext_lazy("tekst, hoogstens 20 tekens"), "van der"),
    ColumnInfo("achternaam", gettext_lazy("ja"), gettext_lazy("tekst, hoogstens 100 tekens"), "Berg"),
    ColumnInfo("geboortedatum", gettext_lazy("ja"), gettext_lazy("datum: JJJJ-MM-DD of DD-MM-JJJJ"), "14-03-2016"),
    ColumnInfo("bsn", gettext_lazy("één van beide"), gettext_lazy("9 cijfers, elfproef"), "111222333"),
    ColumnInfo(
        "onderwijsnummer", gettext_lazy("één van beide"),
        gettext_lazy("9 cijfers, begint met 10; alleen als de leerling geen BSN heeft"), "101222331",
    ),
    ColumnInfo("groep", gettext_lazy("nee"), gettext_lazy("groep of klas, hoogstens 20 tekens"), "5B"),
    ColumnInfo("inschrijfdatum", gettext_lazy("ja"), gettext_lazy("datum"), "2020-08-24"),
    ColumnInfo("uitschrijfdatum", gettext_lazy("nee"), gettext_lazy("datum, niet vóór de inschrijfdatum"), ""),
    ColumnInfo(
        "inschrijvingvolgnummer", gettext_lazy("ja"),
        gettext_lazy("het volgnummer van de inschrijving in het LAS, uniek per school"), "20240117",
    ),
    ColumnInfo("ouder1_voornaam", gettext_lazy("nee"), gettext_lazy("tekst"), "Ahmed"),
    ColumnInfo("ouder1_tussenvoegsel", gettext_lazy("nee"), gettext_lazy("tekst"), ""),
    ColumnInfo("ouder1_achternaam", gettext_lazy("als er een ouder is"), gettext_lazy("tekst"), "El Amrani"),
    ColumnInfo(
        "ouder1_email", gettext_lazy("nee"), gettext_lazy("e-mailadres, één per ouder"), "a.elamrani@example.org"
    ),
    ColumnInfo(
        "ouder1_telefoon", gettext_lazy("nee"), gettext_lazy("telefoonnummer, minstens 10 cijfers"), "06 12345678"
    ),
    ColumnInfo("ouder1_gezag", gettext_lazy("als er een ouder is"), gettext_lazy("ja of nee"), "ja"),
    ColumnInfo(
        "ouder1_relatie", gettext_lazy("nee"),
        gettext_lazy("moeder, vader, ouder, voogd, verzorger of anders (standaard: ouder)"), "vader",
    ),
    ColumnInfo("ouder2_…", gettext_lazy("nee"), gettext_lazy("dezelfde kolommen voor een tweede ouder"), ""),
)


@dataclass(frozen=True)
class GuardianRow:
    slot: int
    first_name: str
    name_prefix: str
    last_name: str
    email: str
    phone: str
    relationship: str | None  # None: not given, a new link becomes "ouder", an existing one keeps its value
    has_gezag: bool


@dataclass(frozen=True)
class ImportRow:
    """One pupil line of the file, cleaned. A value that failed its check is empty or None, with a reason."""

    line: int
    first_name: str
    name_prefix: str
    last_name: str
    date_of_birth: datetime.date | None
    bsn: str | None
    onderwijsnummer: str | None
    group: str
    enrolment_date: datetime.date | None
    leaving_date: datetime.date | None
    sequence_number: str
    guardians: tuple[GuardianRow, ...] = ()
    # The columns the file has: an update leaves a field alone when its column is missing.
    columns: frozenset[str] = frozenset(ALL_COLUMNS)
    errors: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.name_prefix, self.last_name) if p)

    @property
    def identifier_key(self) -> tuple[str, str] | None:
        """('bsn', value) or ('onderwijsnummer', value) when the row has exactly one valid identifier."""
        if self.bsn and not self.onderwijsnummer:
            return ("bsn", self.bsn)
        if self.onderwijsnummer and not self.bsn:
            return ("onderwijsnummer", self.onderwijsnummer)
        return None


def clean_row(
    line: int, cells: list[str], positions: list[str | None], present: frozenset[str], today: datetime.date
) -> ImportRow:
    values = {column: cell.strip() for column, cell in zip(positions, cells) if column}
    errors: list[str] = []
    if len(cells) > len(positions) and any(c.strip() for c in cells[len(positions):]):
        errors.append(
            _("Deze regel heeft %(found)d velden en de kopregel %(expected)d. Staat er een scheidingsteken in een "
              "waarde? Zet die waarde dan tussen aanhalingstekens.") % {"found": len(cells), "expected": len(positions)}
        )
    get = lambda column: values.get(column, "")  # noqa: E731

    first_name = _name(get("voornaam"), "voornaam", _MISSING["voornaam"], errors)
    name_prefix = _name(get("tussenvoegsel"), "tussenvoegsel", None, errors)
    last_name = _name(get("achternaam"), "achternaam", _MISSING["achternaam"], errors)
    date_of_birth = _date(get("geboortedatum"), "geboortedatum", _MISSING["geboortedatum"], errors, today)
    bsn, onderwijsnummer = _identifiers(get("bsn"), get("onderwijsnummer"), errors)
    group = _text(get("groep"), "groep", errors)
    enrolment_date = _date(get("inschrijfdatum"), "inschrijfdatum", _MISSING["inschrijfdatum"], errors, today)
    leaving_date = _date(get("uitschrijfdatum"), "uitschrijfdatum", None, errors, today)
    sequence_number = _text(get("inschrijvingvolgnummer"), "inschrijvingvolgnummer", errors)
    if not get("inschrijvingvolgnummer"):
        errors.append(str(_MISSING["inschrijvingvolgnummer"]))

    if date_of_birth:
        if date_of_birth > today:
            errors.append(_("De geboortedatum ligt in de toekomst."))
        elif date_of_birth.year < EARLIEST_BIRTH_YEAR:
            errors.append(_("De geboortedatum ligt te ver in het verleden voor een leerling."))
        if enrolment_date and date_of_birth > enrolment_date:
            errors.append(_("De geboortedatum ligt na de inschrijfdatum."))
    if enrolment_date and leaving_date and leaving_date < enrolment_date:
        errors.append(_("De uitschrijfdatum ligt vóór de inschrijfdatum."))

    guardians = tuple(g for n in GUARDIAN_SLOTS if (g := _guardian(n, values, errors)) is not None)
    emails = [g.email for g in guardians if g.email]
    if len(emails) != len(set(emails)):
        errors.append(
            _("Ouder 1 en ouder 2 hebben hetzelfde e-mailadres; elke ouder heeft een eigen e-mailadres nodig.")
        )

    return ImportRow(
        line=line, first_name=first_name, name_prefix=name_prefix, last_name=last_name,
        date_of_birth=date_of_birth, bsn=bsn, onderwijsnummer=onderwijsnummer, group=group,
        enrolment_date=enrolment_date, leaving_date=leaving_date, sequence_number=sequence_number,
        guardians=guardians, columns=present, errors=tuple(errors),
    )


def _too_long(value: str, column: str, errors: list[str]) -> bool:
    limit = MAX_LENGTHS[column.split("_")[-1]]
    if len(value) > limit:
        errors.append(
            _("De waarde in kolom %(column)s is te lang: hoogstens %(max)d tekens.") % {"column": column, "max": limit}
        )
        return True
    return False


def _name(value: str, column: str, missing: Promise | None, errors: list[str]) -> str:
    value = " ".join(value.split())
    if not value and missing:
        errors.append(str(missing))
    return "" if _too_long(value, column, errors) else value


def _text(value: str, column: str, errors: list[str]) -> str:
    return "" if _too_long(value, column, errors) else value


def parse_date(value: str) -> datetime.date:
    """JJJJ-MM-DD, DD-MM-JJJJ or D-M-JJJJ (also with / or . between day, month and year); ValueError otherwise."""
    if match := _ISO_DATE.fullmatch(value):
        year, month, day = match.groups()
    elif match := _DUTCH_DATE.fullmatch(value):
        day, month, year = match.groups()
    else:
        raise ValueError(value)
    return datetime.date(int(year), int(month), int(day))


def _date(
    value: str, column: str, missing: Promise | None, errors: list[str], today: datetime.date
) -> datetime.date | None:
    if not value:
        if missing:
            errors.append(str(missing))
        return None
    try:
        day = parse_date(value)
    except ValueError:
        errors.append(
            _("De %(column)s ‘%(value)s’ is geen geldige datum; gebruik DD-MM-JJJJ of JJJJ-MM-DD.")
            % {"column": column, "value": value[:30]}
        )
        return None
    if problem := date_problem(day, today):  # the file's `today`: asking the clock per date was a quarter of parsing
        errors.append(_("%(column)s ‘%(value)s’: %(problem)s") % {"column": column.capitalize(), "value": value[:30],
                                                                  "problem": problem})
        return None
    return day


def _identifier(value: str) -> str:
    """As people write them: "1234.56.782", "1234 56 782"; a leading ' is Excel's keep-as-text mark."""
    return re.sub(r"[\s.\-]", "", value).lstrip("'")


def _identifiers(bsn: str, onderwijsnummer: str, errors: list[str]) -> tuple[str | None, str | None]:
    bsn, onderwijsnummer = _identifier(bsn), _identifier(onderwijsnummer)
    if len(bsn) == 8 and bsn.isdigit():
        bsn = "0" + bsn  # a spreadsheet drops the leading zero of a BSN
    if bsn and onderwijsnummer:
        errors.append(_("Vul een BSN of een onderwijsnummer in, niet allebei."))
    elif not bsn and not onderwijsnummer:
        errors.append(_("Het BSN en het onderwijsnummer ontbreken; vul er één van in."))
    if bsn and not is_valid_bsn(bsn):
        errors.append(_("Het BSN is ongeldig: het moet uit 9 cijfers bestaan en de elfproef doorstaan."))
        bsn = ""
    if onderwijsnummer and not is_valid_onderwijsnummer(onderwijsnummer):
        errors.append(
            _("Het onderwijsnummer is ongeldig: het moet uit 9 cijfers bestaan, met 10 beginnen en voldoen aan "
              "de controleregel van DUO.")
        )
        onderwijsnummer = ""
    return bsn or None, onderwijsnummer or None


def _guardian(n: int, values: dict[str, str], errors: list[str]) -> GuardianRow | None:
    get = lambda f: values.get(f"ouder{n}_{f}", "")  # noqa: E731
    if not any(get(f) for f in GUARDIAN_FIELDS):
        return None
    count = len(errors)
    first_name = _name(get("voornaam"), f"ouder{n}_voornaam", None, errors)
    name_prefix = _name(get("tussenvoegsel"), f"ouder{n}_tussenvoegsel", None, errors)
    last_name = _name(get("achternaam"), f"ouder{n}_achternaam", _MISSING["ouder_achternaam"], errors)
    email = get("email").lower()
    if email and not _too_long(email, f"ouder{n}_email", errors):
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("‘%(value)s’ is geen geldig e-mailadres.") % {"value": email[:60]})
    phone = get("telefoon")
    if phone and not _too_long(phone, f"ouder{n}_telefoon", errors):
        if not set(phone) <= _PHONE_CHARS or sum(c.isdigit() for c in phone) < 10:
            errors.append(_("vul een geldig telefoonnummer in, bijvoorbeeld 06 12345678."))
    gezag = get("gezag").lower()
    has_gezag = gezag in _YES
    if gezag not in _YES | _NO:
        errors.append(_("vul bij gezag ja of nee in."))
    relationship = get("relatie").lower() or None
    if relationship and relationship not in _RELATIONSHIPS:
        errors.append(
            _("de relatie ‘%(value)s’ is onbekend; kies uit %(choices)s.")
            % {"value": relationship[:30], "choices": ", ".join(Relationship.values)}
        )
    if len(errors) > count:
        prefix = _("Ouder %(n)d: ") % {"n": n}
        errors[count:] = [prefix + reason for reason in errors[count:]]
    return GuardianRow(
        slot=n, first_name=first_name, name_prefix=name_prefix, last_name=last_name,
        email=email, phone=phone, relationship=relationship, has_gezag=has_gezag,
    )
