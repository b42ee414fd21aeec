import re

import pytest
from django.core.management import call_command

from schools.models import Enrolment, Pupil
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def test_demo_ib_signs_in_finds_a_pupil_and_opens_it(demo, live_server, page):
    sign_in(page, live_server.url, "ib@bao.demo.opp")
    page.goto(f"{live_server.url}/leerlingen/")
    assert page.get_by_role("heading", name="Leerlingen").is_visible()

    pupil = Pupil.objects.filter(enrolments__school__brin="99AA").order_by("last_name").first()
    other_school_pupil = Pupil.objects.filter(enrolments__school__brin="99AD").first()
    page.get_by_label("Zoeken", exact=True).fill(pupil.last_name)
    page.get_by_role("link", name=re.compile(re.escape(pupil.first_name))).first.wait_for()
    # The ib of the bao school never sees pupils of the vo school, even by exact identifier.
    page.get_by_label("Zoeken", exact=True).fill(other_school_pupil.identifier)
    page.get_by_text("Geen leerlingen gevonden").wait_for()

    page.get_by_label("Zoeken", exact=True).fill(pupil.last_name)
    page.get_by_role("link", name=re.compile(re.escape(pupil.first_name))).first.click()
    page.get_by_role("heading", name="Inschrijvingen").wait_for()
    enrolment = Enrolment.objects.filter(pupil=pupil).select_related("school").first()
    assert page.get_by_text(enrolment.school.name).first.is_visible()
    assert page.get_by_role("heading", name="Ouders en verzorgers").is_visible()
