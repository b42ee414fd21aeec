"""A plan's second round, as the demo users live it: the ib evaluates Noah's adopted plan and decides to adjust
it, changes it and sends version 2 for instemming in one step; the demo parent agrees; the school leader finds
it under "klaar om vast te stellen", adopts it; the plan page then shows every point green with its dates."""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from plans.models import Opp, OppStatus
from schools.models import Pupil
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def noah(transactional_db):
    call_command("seed_demo", verbosity=0)
    pupil = Pupil.objects.get(first_name="Noah", last_name="Vries")
    opp = Opp.objects.get(pupil=pupil, school__brin="99AA", status=OppStatus.VASTGESTELD)
    return opp


def test_the_ib_adjusts_after_an_evaluation_the_parent_agrees_and_the_leader_adopts(noah, live_server, browser):
    today = date_format(timezone.localdate(), "j F Y")
    plan_url = f"{live_server.url}/opp/{noah.uuid}/"
    desktop = {"viewport": {"width": 1280, "height": 900}, "locale": "nl-NL"}

    # The ib evaluates the adopted plan with the parents and decides to adjust it.
    ib_context = browser.new_context(**desktop)
    ib = ib_context.new_page()
    sign_in(ib, live_server.url, "ib@bao.demo.opp")
    expect(ib).to_have_url(re.compile("/mijn-plannen/$"))
    ib.goto(plan_url)
    expect(ib.get_by_label("Ondersteuning en begeleiding", exact=True)).to_have_count(0)  # adopted: read-only
    ib.get_by_role("link", name="Evaluatie vastleggen").click()
    for group in ib.locator("fieldset").filter(has_text="Resultaat voor doel").all():
        group.get_by_label("deels bereikt").check()
    ib.get_by_label("Wat de ouders ervan vinden").fill("Lezen gaat beter; rekenen blijft lastig.")
    ib.get_by_label("Wat de leerling ervan vindt").fill("Ik wil meer hulp bij rekenen.")
    ib.get_by_label("het uitstroomperspectief: de verwachte bestemming en waarom").check()
    ib.get_by_label("bijstellen").check()
    ib.get_by_role("button", name="Evaluatie vastleggen").click()
    expect(ib.get_by_text("De evaluatie is vastgelegd en de bijstelling is gestart.")).to_be_visible()
    expect(ib.locator("#bijstelling")).to_contain_text("Versie 1 blijft gelden")

    # The checklist counts the evaluation as the overleg and the pupil's hearing for the adjustment.
    checklist = ib.locator("#checklist")
    expect(checklist).to_contain_text("Beoordeelt: de bijstelling (concept)")
    expect(checklist.locator("li", has_text="De leerling is gehoord")).to_contain_text(
        f"gehoord bij de evaluatie van {today}")

    # Change the plan, then freeze and ask for instemming in one step, after the preview.
    support = ib.get_by_label("Ondersteuning en begeleiding", exact=True)
    support.fill(support.input_value() + " Vanaf nu ook twee keer per week extra rekeninstructie.")
    ib.get_by_role("button", name="Versie vastleggen en ter instemming voorleggen…").click()
    expect(ib.get_by_role("heading", name="Versie vastleggen en ter instemming voorleggen")).to_be_visible()
    expect(ib.get_by_text("wordt vastgelegd als versie 2")).to_be_visible()
    expect(ib.get_by_text("Sanne de Vries: online: een e-mail met een link")).to_be_visible()
    ib.get_by_role("button", name="Versie 2 vastleggen en ter instemming voorleggen").click()
    expect(ib.get_by_text("Versie 2 is vastgelegd en ter instemming voorgelegd.")).to_be_visible()
    expect(ib.get_by_text(re.compile(r"Een e-mail met een link naar het portaal wordt verstuurd aan Sanne de Vries"))
           ).to_be_visible()
    ib_context.close()

    # The demo parent agrees on her phone.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL", is_mobile=True, has_touch=True)
    parent = phone.new_page()
    sign_in(parent, live_server.url, "ouder@demo.opp")
    parent.goto(f"{live_server.url}/mijn-kinderen/")
    parent.get_by_role("link", name="Het plan van Noah").click()
    parent.get_by_role("link", name="Naar mijn besluit").click()
    parent.get_by_label("Akkoord: ik stem in met dit handelingsdeel").check()
    parent.get_by_role("button", name="Besluit versturen").click()
    expect(parent.get_by_text("Uw besluit is bewaard: akkoord")).to_be_visible()
    phone.close()

    # The leader lands on the overview, finds the plan ready, and adopts it on the date shown.
    leader_context = browser.new_context(**desktop)
    leader = leader_context.new_page()
    sign_in(leader, live_server.url, "directeur@bao.demo.opp")
    expect(leader).to_have_url(re.compile("/overzicht/$"))
    ready = leader.locator("section#klaar")
    expect(ready).to_contain_text("Noah de Vries")
    ready.get_by_role("link", name="Noah de Vries").click()
    adopt = leader.locator("#vaststellen")
    expect(adopt).to_contain_text(f"U stelt versie 2 vast; die geldt vanaf {today}.")
    adopt.get_by_role("button", name="Versie 2 vaststellen").click()
    expect(leader.get_by_text(f"Versie 2 is vastgesteld en geldt vanaf {today}.")).to_be_visible()

    # Every point green, with its dates.
    checklist = leader.locator("#checklist")
    expect(checklist).to_contain_text(f"Beoordeelt: de geldende versie 2, vastgesteld op {today}.")
    expect(checklist).to_contain_text("6 van 6 punten in orde")
    expect(checklist.locator("li", has_text="Ontbreekt:")).to_have_count(0)
    expect(checklist.locator("li", has_text="In orde:")).to_have_count(6)
    expect(checklist.locator("li", has_text="Overleg met de ouders")).to_contain_text(
        f"evaluatie met de ouders op {today}")
    expect(checklist.locator("li", has_text="De leerling is gehoord")).to_contain_text(
        f"gehoord bij de evaluatie van {today}")
    expect(checklist.locator("li", has_text="Instemming van de ouders")).to_contain_text(
        f"akkoord van Sanne de Vries op {today}, over versie 2")
    leader_context.close()
    noah.refresh_from_db()
    assert noah.status == OppStatus.VASTGESTELD and noah.adopted_version.number == 2
