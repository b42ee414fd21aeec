import pytest
from django.urls import reverse

from schools.models import User
from tests.factories import SchoolFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return User.objects.create_superuser("beheer@example.test", "een-lang-wachtwoord-2026")


@pytest.mark.parametrize("name", [
    "admin:schools_school_changelist", "admin:schools_board_changelist", "admin:schools_samenwerkingsverband_changelist",
    "admin:schools_user_changelist", "admin:schools_user_add", "admin:plans_uitstroomoption_changelist",
])
def test_a_functional_administrator_opens_the_configuration_pages(client, superuser, name):
    SchoolFactory()
    client.force_login(superuser)
    assert client.get(reverse(name)).status_code == 200


def test_a_superuser_adds_an_account_by_email(client, superuser):
    client.force_login(superuser)
    response = client.post(reverse("admin:schools_user_add"), {
        "email": "nieuw@example.test", "full_name": "Nieuwe Ib'er",
        "usable_password": "true", "password1": "een-lang-wachtwoord-2026", "password2": "een-lang-wachtwoord-2026",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    assert User.objects.filter(email="nieuw@example.test").exists()


def test_pupils_and_plans_are_not_in_the_admin(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse("admin:index")).content.decode()
    assert "/beheer/schools/pupil/" not in page and "/beheer/plans/opp/" not in page


def test_staff_of_a_school_do_not_reach_the_admin(client):
    client.force_login(staff("ib", school=SchoolFactory()))
    assert client.get(reverse("admin:index")).status_code == 302

