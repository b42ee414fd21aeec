import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.factories import EnrolmentFactory, SchoolFactory, parent_of, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def mfa_required(settings):
    settings.OPP_REQUIRE_MFA = True


def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, mfa_required):
    client.force_login(staff("ib", school=SchoolFactory()))
    response = client.get(reverse("schools:pupil_list"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_staff_with_a_totp_authenticator_get_their_page(client, mfa_required):
    user = staff("ib", school=SchoolFactory())
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    assert client.get(reverse("schools:pupil_list")).status_code == 200


def test_parents_are_not_asked_for_a_second_factor(client, mfa_required):
    client.force_login(parent_of(EnrolmentFactory().pupil))
    assert client.get(reverse("schools:my_children")).status_code == 200


def test_the_demo_setting_lets_staff_in_without_a_second_factor(client, settings):
    settings.OPP_REQUIRE_MFA = False
    client.force_login(staff("ib", school=SchoolFactory()))
    assert client.get(reverse("schools:pupil_list")).status_code == 200
