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


def test_the_add_pupil_form_sent_back_with_an_error_puts_the_cursor_on_the_wrong_field(demo, live_server, phone_page):
    page = phone_page
    sign_in(page, live_server.url, "ib@bao.demo.opp")
    page.goto(f"{live_server.url}/leerlingen/nieuw/")
    page.get_by_label("Voornaam").fill("Noor")
    page.get_by_label("Achternaam").fill("Dijk")
    page.get_by_label("Geboortedatum").fill("2017-03-14")
    page.get_by_label("BSN").fill("123456789")  # fails the elfproef
    page.get_by_label("Inschrijfdatum").fill("2023-08-28")
    page.get_by_label("Inschrijvingvolgnummer").fill("88001")
    page.get_by_role("button", name=re.compile("Opslaan|Toevoegen")).click()
    page.wait_for_load_state("load")
    focused = page.evaluate("document.activeElement && document.activeElement.name")
    assert focused == "pupil-bsn"
    assert page.get_by_text("geen geldig BSN").is_visible()
