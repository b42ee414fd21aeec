import datetime
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from opp_portal.audit.models import AuditEvent
from schools.demo import DEMO_PASSWORD, DEMO_STEPS, dataset, seed
from schools.identifiers import is_valid_bsn, is_valid_onderwijsnummer
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

pytestmark = pytest.mark.django_db

SCHOOLS = {
    "99AA00": ("bao", "99001", "PO 99-01"),
    "99AB00": ("sbo", "99001", "PO 99-01"),
    "99AC00": ("so", "99001", "PO 99-01"),
    "99AD00": ("vo", "99001", "VO 99-02"),
    "99AE00": ("pro", "99001", "VO 99-02"),
    "99AF00": ("vso", "99001", "VO 99-02"),
    "99AG00": ("bao", "99002", "PO 99-01"),
}
AGES = {"bao": (4, 12), "sbo": (4, 12), "so": (4, 12), "vo": (12, 18), "pro": (12, 18), "vso": (12, 20)}
STAFF = {
    "ib@bao.demo.opp": ("ib", "99AA00"),
    "leerkracht@bao.demo.opp": ("teacher", "99AA00"),
    "directeur@bao.demo.opp": ("school_leader", "99AA00"),
    "ib@so.demo.opp": ("ib", "99AC00"),
    "zorg@vo.demo.opp": ("ib", "99AD00"),
    "bestuur@demo.opp": ("board_admin", "99001"),
    "swv@demo.opp": ("swv", "PO 99-01"),
}
ACCOUNTS = [*STAFF, "ouder@demo.opp", "ouder2@demo.opp"]
MODELS = (Samenwerkingsverband, Board, School, User, Membership, Pupil, Enrolment, Guardian, Guardianship)


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """One seeded database shared by the read-only checks of a class, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(db):
    return seed()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def _user(email: str) -> User:
    return User.objects.get(email=email)


@pytest.mark.parametrize(
    "today", [datetime.date(2026, 8, 1), datetime.date(2026, 11, 28), datetime.date(2027, 2, 28), datetime.date(2027, 7, 31)]
)
def test_pupils_have_ages_fitting_their_school_type_all_school_year(today):
    seed(today=today)
    for enrolment in Enrolment.objects.select_related("pupil", "school"):
        low, high = AGES[enrolment.school.school_type]
        assert low <= enrolment.pupil.age_on(today) <= high, enrolment
        assert enrolment.pupil.age_on(enrolment.enrolment_date) >= 4
        assert enrolment.enrolment_date <= today


class TestTheSeededDemo:
    """Read-only checks on one seeded database."""

    def test_seed_demo_creates_every_school_with_its_code_type_board_and_swv(self, demo):
        found = {s.code: (s.school_type, s.board.number, s.swv.code) for s in School.objects.select_related("board", "swv")}
        assert found == SCHOOLS
        school = School.objects.get(brin="99AA", vestiging="00")
        assert school.name and school.city

    def test_each_swv_has_its_sector_a_funding_model_and_a_steunpunt_contact(self, demo):
        swvs = {s.code: s for s in Samenwerkingsverband.objects.all()}
        assert set(swvs) == {"PO 99-01", "VO 99-02"}
        assert (swvs["PO 99-01"].sector, swvs["VO 99-02"].sector) == ("po", "vo")
        for swv in swvs.values():
            assert swv.name and swv.funding_model and "example.nl" in swv.steunpunt_contact

    def test_seed_demo_enrols_at_least_200_pupils_spread_over_all_seven_schools(self, demo):
        assert Pupil.objects.count() >= 200
        per_school = Counter(Enrolment.objects.values_list("school__brin", flat=True))
        assert set(per_school) == {code[:4] for code in SCHOOLS}
        assert min(per_school.values()) >= 15

    def test_every_demo_pupil_has_exactly_one_valid_identifier_and_a_few_have_an_onderwijsnummer(self, demo):
        pupils = list(Pupil.objects.all())
        for pupil in pupils:
            assert (pupil.bsn is None) != (pupil.onderwijsnummer is None)
            assert is_valid_bsn(pupil.bsn) if pupil.bsn else is_valid_onderwijsnummer(pupil.onderwijsnummer)
        share = sum(1 for p in pupils if p.onderwijsnummer) / len(pupils)
        assert 0.02 <= share <= 0.10

    def test_each_pupil_is_enrolled_once_with_a_sequence_number_unique_per_school(self, demo):
        enrolments = list(Enrolment.objects.values_list("pupil_id", "school_id", "sequence_number", "leaving_date"))
        assert len({pupil for pupil, *_ in enrolments}) == len(enrolments) == Pupil.objects.count()
        assert len({(school, number) for _, school, number, _ in enrolments}) == len(enrolments)
        assert all(leaving is None for *_, leaving in enrolments)

    def test_bao_pupils_are_in_groups_1_to_8_and_vo_pupils_in_classes_like_1a(self, demo):
        bao = set(Enrolment.objects.filter(school__school_type="bao").values_list("group", flat=True))
        assert bao == {str(g) for g in range(1, 9)}
        vo = set(Enrolment.objects.filter(school__school_type="vo").values_list("group", flat=True))
        assert {"1A", "1B", "2A", "2B"} <= vo
        assert all(g[0].isdigit() and g[1:].isalpha() for g in vo)

    def test_special_schools_have_pupils_who_arrived_in_the_last_six_weeks(self, demo):
        recent = Enrolment.objects.filter(enrolment_date__gt=demo.today - datetime.timedelta(weeks=6))
        assert {"sbo", "so", "vso"} <= set(recent.values_list("school__school_type", flat=True))

    def test_an_adult_pupil_is_enrolled_at_the_vo_and_the_vso_school(self, demo):
        today = demo.today
        for school_type in ("vo", "vso"):
            pupils = Pupil.objects.filter(enrolments__school__school_type=school_type)
            assert any(p.age_on(today) >= 18 for p in pupils), school_type

    def test_every_pupil_has_a_guardian_with_gezag(self, demo):
        with_gezag = set(Guardianship.objects.filter(has_gezag=True).values_list("pupil_id", flat=True))
        assert with_gezag == set(Pupil.objects.values_list("pk", flat=True))

    def test_some_pupils_have_two_guardians_with_gezag_one_and_some_a_parent_without_gezag(self, demo):
        gezag = Counter(Guardianship.objects.filter(has_gezag=True).values_list("pupil_id", flat=True))
        assert sum(1 for n in gezag.values() if n == 2) >= 50
        assert sum(1 for n in gezag.values() if n == 1) >= 30
        assert Guardianship.objects.filter(has_gezag=False).count() >= 5

    def test_guardian_emails_use_only_fictional_domains(self, demo):
        domains = {email.rsplit("@", 1)[1] for email in Guardian.objects.values_list("email", flat=True)}
        assert domains <= {"example.nl", "demo.opp"}
        assert Guardian.objects.filter(email="").count() == 0

    @pytest.mark.parametrize("email", ACCOUNTS)
    def test_every_demo_account_signs_in_with_the_demo_password(self, demo, email):
        user = authenticate(email=email, password=DEMO_PASSWORD)
        assert user is not None and user.email == email and user.full_name

    def test_the_demo_ib_can_log_in_through_the_test_client(self, demo, client):
        assert client.login(email="ib@bao.demo.opp", password=DEMO_PASSWORD)

    @pytest.mark.parametrize("email", list(STAFF))
    def test_each_staff_account_has_its_role_at_its_organisation(self, demo, email):
        role, org = STAFF[email]
        membership = Membership.objects.select_related("school", "board", "swv").get(user__email=email)
        assert membership.role == role
        assert org in (membership.school and membership.school.code, membership.board and membership.board.number,
                       membership.swv and membership.swv.code)

    def test_parent_sees_exactly_their_two_children_at_the_bao_school(self, demo):
        user = _user("ouder@demo.opp")
        children = Pupil.objects.visible_to(user)
        assert children.count() == 2
        assert set(Enrolment.objects.filter(pupil__in=children).values_list("school__brin", flat=True)) == {"99AA"}
        assert Guardian.objects.get(user=user).email == user.email
        assert not Membership.objects.filter(user=user).exists()

    def test_second_parent_sees_only_the_child_they_share_with_the_first(self, demo):
        first = set(Pupil.objects.visible_to(_user("ouder@demo.opp")))
        second = set(Pupil.objects.visible_to(_user("ouder2@demo.opp")))
        assert len(second) == 1 and second < first
        other = (first - second).pop()
        # The other child's father is known to the school but has no gezag.
        assert other.guardianships.filter(has_gezag=False).exists()

    def test_teacher_sees_only_the_pupils_of_the_group_they_teach(self, demo):
        user = _user("leerkracht@bao.demo.opp")
        assert Membership.objects.get(user=user).group_list == ["6"]
        visible = set(Pupil.objects.visible_to(user))
        group_6 = set(Pupil.objects.filter(enrolments__school__brin="99AA", enrolments__group="6"))
        assert len(group_6) >= 5 and visible == group_6
        assert set(Pupil.objects.visible_to(_user("ouder@demo.opp"))) & visible

    def test_ib_sees_every_pupil_of_their_school_and_none_of_another(self, demo):
        visible = Pupil.objects.visible_to(_user("ib@so.demo.opp"))
        assert set(visible) == set(Pupil.objects.filter(enrolments__school__brin="99AC"))

    def test_board_admin_reaches_the_pupils_of_the_boards_schools_only(self, demo):
        visible = Pupil.objects.visible_to(_user("bestuur@demo.opp"))
        assert set(visible) == set(Pupil.objects.filter(enrolments__school__board__number="99001"))
        assert not visible.filter(enrolments__school__brin="99AG").exists()

    def test_seeding_is_summarised_in_one_audit_event_without_an_actor(self, demo):
        event = AuditEvent.objects.get(action="demo.seeded")
        assert event.actor is None
        assert event.details["created"]["leerlingen"] == Pupil.objects.count()


def test_seed_demo_twice_duplicates_nothing():
    call_command("seed_demo", verbosity=0)
    first = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == first
    assert first["Pupil"] >= 200 and first["School"] == 7


def test_second_run_changes_nothing_writes_no_audit_event_and_stays_cheap(seeded, django_assert_max_num_queries):
    before = _counts()
    with django_assert_max_num_queries(60):
        again = seed()
    assert not again.changed and _counts() == before
    assert AuditEvent.objects.filter(action="demo.seeded").count() == 1


def test_a_rerun_puts_back_demo_passwords_names_and_memberships():
    seed()
    teacher = _user("leerkracht@bao.demo.opp")
    teacher.set_password("iets-anders-2026")
    teacher.full_name = "Iemand Anders"
    teacher.save()
    Membership.objects.filter(user=teacher).update(groups="7")
    Guardianship.objects.filter(guardian__user__email="ouder2@demo.opp").update(has_gezag=False)

    ctx = seed()

    assert ctx.changed
    assert authenticate(email=teacher.email, password=DEMO_PASSWORD) is not None
    assert _user(teacher.email).full_name == "Joost van Leeuwen"
    assert Membership.objects.get(user=teacher).groups == "6"
    assert Pupil.objects.visible_to(_user("ouder2@demo.opp")).count() == 1


def test_a_rerun_never_overwrites_a_pupil_someone_edited(seeded):
    pupil = Pupil.objects.order_by("pk").first()
    Pupil.objects.filter(pk=pupil.pk).update(first_name="Gewijzigd")
    seed()
    assert Pupil.objects.get(pk=pupil.pk).first_name == "Gewijzigd"


def test_demo_pupils_and_families_are_the_same_whatever_the_date():
    def identities(day):
        data = dataset.build(day)
        pupils = [(p.first_name, p.name_prefix, p.last_name, p.identifier, p.school, p.group, p.sequence_number)
                  for p in data.pupils]
        return pupils, data.guardians, data.links

    assert identities(datetime.date(2026, 11, 28)) == identities(datetime.date(2026, 11, 28))
    assert identities(datetime.date(2026, 11, 28)) == identities(datetime.date(2031, 3, 1))


def test_seed_demo_prints_a_dutch_summary_with_the_accounts_table():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "Demogegevens" in text and "leerlingen" in text and DEMO_PASSWORD in text
    for email in ACCOUNTS:
        assert email in text


def test_seed_demo_refuses_to_run_with_production_settings(settings):
    settings.SESSION_COOKIE_SECURE = True
    with pytest.raises(CommandError):
        call_command("seed_demo", verbosity=0)
    assert not School.objects.exists()


def test_a_registered_step_runs_after_the_schools_step_in_the_same_transaction():
    seen = {}

    def failing_step(ctx):
        seen["schools"] = len(ctx.schools)
        seen["pupils"] = ctx.pupils_at("99AA00", group="6").count()
        raise RuntimeError("step failed")

    with DEMO_STEPS.answered_by("test-failing", failing_step), pytest.raises(RuntimeError):
        seed()
    assert "test-failing" not in DEMO_STEPS
    assert seen == {"schools": 7, "pupils": 8}
    assert not School.objects.exists() and not User.objects.exists()
    assert connection.in_atomic_block  # the test's own transaction is intact
