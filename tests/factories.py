"""factory_boy factories for the domain; identifiers are generated valid."""

import datetime
import random

import factory
from factory.django import DjangoModelFactory

from schools.models import (
    Board,
    Enrolment,
    Guardian,
    Guardianship,
    Membership,
    Pupil,
    Samenwerkingsverband,
    School,
    User,
)

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


def _complete(prefix8: str, remainder: int) -> str | None:
    """Find the ninth digit that gives the weighted sum the wanted remainder mod 11."""
    base = sum(int(d) * w for d, w in zip(prefix8, _WEIGHTS))
    for last in range(10):
        if (base - last) % 11 == remainder:
            return prefix8 + str(last)
    return None


def make_bsn(rng: random.Random | None = None) -> str:
    rng = rng or random
    while True:
        value = _complete(f"{rng.randint(1, 9)}{rng.randint(0, 9999999):07d}", 0)
        if value:
            return value


def make_onderwijsnummer(rng: random.Random | None = None) -> str:
    rng = rng or random
    while True:
        value = _complete(f"10{rng.randint(0, 999999):06d}", 5)
        if value:
            return value


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"gebruiker{n}@example.test")
    full_name = factory.Faker("name", locale="nl_NL")
    password = factory.django.Password("opp-test-2026")


class SwvFactory(DjangoModelFactory):
    class Meta:
        model = Samenwerkingsverband

    code = factory.Sequence(lambda n: f"PO {20 + n % 70:02d}-{n % 99:02d}")
    name = factory.Sequence(lambda n: f"Samenwerkingsverband {n}")
    sector = "po"
    funding_model = "schoolmodel"


class BoardFactory(DjangoModelFactory):
    class Meta:
        model = Board

    number = factory.Sequence(lambda n: f"{50000 + n:05d}")
    name = factory.Sequence(lambda n: f"Stichting {n}")


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    brin = factory.Sequence(lambda n: f"{10 + n % 90:02d}{chr(65 + (n // 90) % 26)}{chr(65 + n % 26)}")
    vestiging = "00"
    name = factory.Sequence(lambda n: f"Basisschool De Linde {n}")
    school_type = "bao"
    board = factory.SubFactory(BoardFactory)
    swv = factory.SubFactory(SwvFactory)


class PupilFactory(DjangoModelFactory):
    class Meta:
        model = Pupil

    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    date_of_birth = factory.LazyFunction(lambda: datetime.date(2016, 1, 1) + datetime.timedelta(days=random.randint(0, 1500)))
    bsn = factory.LazyFunction(make_bsn)
    onderwijsnummer = None


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    pupil = factory.SubFactory(PupilFactory)
    school = factory.SubFactory(SchoolFactory)
    sequence_number = factory.Sequence(lambda n: f"{1000 + n}")
    enrolment_date = datetime.date(2024, 8, 26)
    leaving_date = None
    group = "5"


class GuardianFactory(DjangoModelFactory):
    class Meta:
        model = Guardian

    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.Sequence(lambda n: f"ouder{n}@example.test")


class GuardianshipFactory(DjangoModelFactory):
    class Meta:
        model = Guardianship

    pupil = factory.SubFactory(PupilFactory)
    guardian = factory.SubFactory(GuardianFactory)
    relationship = "ouder"
    has_gezag = True


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = "ib"
    school = factory.SubFactory(SchoolFactory)


def enrolled_pupil(school: School, **kwargs) -> Pupil:
    """A pupil with a current enrolment at `school`."""
    group = kwargs.pop("group", "5")
    pupil = PupilFactory(**kwargs)
    EnrolmentFactory(pupil=pupil, school=school, group=group)
    return pupil


def staff(role: str, *, school: School | None = None, board: Board | None = None,
          swv: Samenwerkingsverband | None = None, groups: str = "") -> User:
    user = UserFactory()
    Membership.objects.create(user=user, role=role, school=school, board=board, swv=swv, groups=groups)
    return user


def parent_of(*pupils: Pupil, has_gezag: bool = True) -> User:
    user = UserFactory()
    guardian = GuardianFactory(user=user, email=user.email)
    for pupil in pupils:
        GuardianshipFactory(pupil=pupil, guardian=guardian, has_gezag=has_gezag)
    return user


def pupil_account(pupil: Pupil) -> User:
    """A login for the pupil themself (hoorrecht, an adult pupil's instemming)."""
    user = UserFactory()
    pupil.user = user
    pupil.email = user.email
    pupil.save(update_fields=["user", "email"])
    return user


# --- Pupil CSV import (tests/schools/test_pupil_import.py) ---

import codecs  # noqa: E402
import csv  # noqa: E402
import io  # noqa: E402
import itertools  # noqa: E402

_import_counter = itertools.count()

PUPIL_CSV_COLUMNS = [
    "voornaam", "tussenvoegsel", "achternaam", "geboortedatum", "bsn", "onderwijsnummer",
    "groep", "inschrijfdatum", "uitschrijfdatum", "inschrijvingvolgnummer",
]
GUARDIAN_CSV_COLUMNS = [
    f"ouder{n}_{f}" for n in (1, 2) for f in ("voornaam", "tussenvoegsel", "achternaam", "email", "telefoon", "gezag", "relatie")
]


def unique_bsn() -> str:
    """A valid BSN that no other call in this test run returns (random ones collide in a 5,000-row file)."""
    while True:
        value = _complete(f"{30000000 + next(_import_counter):08d}", 0)
        if value:
            return value


def unique_onderwijsnummer() -> str:
    while True:
        value = _complete(f"10{500000 + next(_import_counter) % 500000:06d}", 5)
        if value:
            return value


def csv_pupil_row(**overrides: str) -> dict[str, str]:
    """One valid import row for a new pupil; keyword arguments replace columns."""
    n = next(_import_counter)
    row = {
        "voornaam": "Sanne", "tussenvoegsel": "", "achternaam": f"Jansen {n}", "geboortedatum": "14-03-2016",
        "bsn": unique_bsn(), "onderwijsnummer": "", "groep": "5", "inschrijfdatum": "2020-08-24",
        "uitschrijfdatum": "", "inschrijvingvolgnummer": f"{700000 + n}",
    }
    row.update(overrides)
    return row


def with_guardian(row: dict[str, str], slot: int = 1, **overrides: str) -> dict[str, str]:
    """The row with a guardian in ouder<slot>_… columns."""
    n = next(_import_counter)
    guardian = {"voornaam": "Eva", "tussenvoegsel": "", "achternaam": row["achternaam"],
                "email": f"ouder.{n}@example.test", "telefoon": "06 12345678", "gezag": "ja", "relatie": "moeder"}
    guardian.update(overrides)
    return row | {f"ouder{slot}_{k}": v for k, v in guardian.items()}


def pupil_csv(rows: list[dict[str, str]], *, columns: list[str] | None = None, delimiter: str = ";",
              encoding: str = "utf-8", bom: bool = False) -> bytes:
    """A CSV file as a LAS would export it: a header row, then the rows."""
    if columns is None:
        columns = list(PUPIL_CSV_COLUMNS)
        columns += [c for c in GUARDIAN_CSV_COLUMNS if any(c in r for r in rows)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    data = buffer.getvalue().encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data
