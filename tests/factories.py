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
    pupil.save(update_fields=["user"])
    return user
