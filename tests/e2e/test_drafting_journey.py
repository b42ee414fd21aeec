"""The demo ib drafts a plan with two goals from standard texts and sees the checklist turn complete except
for the parents' steps (OOGO, hearing, instemming)."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from plans.models import Opp, OppStatus
from schools.models import Pupil
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARENT_STEPS = (
    "Overleg met de ouders (OOGO) over beide delen",
    "De leerling is gehoord",
    "Instemming van de ouders met het handelingsdeel",
)
SCHOOL_STEPS = (
    "Handelingsdeel: ondersteuning en begeleiding",
    "Minstens één volledig doel",
    "Uitstroomperspectief met onderbouwing en factoren",
)


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def insert_standard_text(scope, field_label: str, title: str) -> None:
    """Open the standard texts under a field and click "Invoegen" on one of them."""
    page = getattr(scope, "page", scope)  # the inner locator of `has` is matched inside each block
    block = scope.locator("[data-insert-scope]").filter(has=page.get_by_label(field_label, exact=True))
    block.locator("summary").click()
    block.get_by_role("button", name=f"Invoegen: {title}").click()


def fill_goal(goal, *, area: str, goal_text: str, approach_text: str, due: str) -> None:
    goal.get_by_label("Gebied", exact=True).fill(area)
    insert_standard_text(goal, "Doel", goal_text)
    insert_standard_text(goal, "Aanpak", approach_text)
    goal.get_by_label("Wie doet wat", exact=True).fill("Leerkracht geeft instructie; ouders oefenen thuis mee.")
    goal.get_by_label("Streefdatum", exact=True).fill(due)
    goal.get_by_label("Hoe gemeten", exact=True).fill("Toets en observatie van de leerkracht.")


def test_demo_ib_drafts_a_plan_with_two_goals_from_standard_texts(demo, live_server, page):
    pupil = (Pupil.objects.filter(enrolments__school__brin="99AA", enrolments__group="1")
             .exclude(opps__isnull=False).order_by("enrolments__sequence_number").first())
    assert pupil is not None
    sign_in(page, live_server.url, "ib@bao.demo.opp")

    # The pupil has no plan yet; the ib starts a new OPP.
    page.goto(live_server.url + reverse("schools:pupil_detail", args=[pupil.uuid]))
    page.get_by_role("link", name="Ontwikkelingsperspectieven").click()
    expect(page.get_by_text("Deze leerling heeft nog geen plan.")).to_be_visible()
    page.get_by_role("button", name="Nieuw OPP starten").click()
    expect(page.get_by_role("heading", name="Handelingsdeel")).to_be_visible()
    opp = Opp.objects.get(pupil=pupil)
    assert opp.status == OppStatus.CONCEPT

    # Handelingsdeel: the support from the school's standard texts.
    insert_standard_text(page, "Ondersteuning en begeleiding", "Extra instructie in een klein groepje")
    support = page.get_by_label("Ondersteuning en begeleiding", exact=True)
    expect(support).to_have_value(re.compile("Twee keer per week een half uur extra instructie"))

    # Two goals, each from a standard goal and approach (one of the school, one of the board).
    goals = page.locator("fieldset[data-goal]")
    if goals.count() == 0:
        page.get_by_role("button", name="Doel toevoegen").click()
    fill_goal(goals.nth(0), area="Lezen", goal_text="Lezen: AVI E5", approach_text="Herhaald lezen", due="2027-06-30")
    page.get_by_role("button", name="Doel toevoegen").click()
    expect(goals).to_have_count(2)
    fill_goal(goals.nth(1), area="Werkhouding", goal_text="Taakgericht werken",
              approach_text="Voordoen, samen doen, zelf doen", due="2027-03-31")

    # Uitstroomperspectief: destination, justification and both factors.
    page.get_by_label("Verwachte uitstroombestemming").select_option(label="vmbo kaderberoepsgerichte leerweg")
    page.get_by_label("Onderbouwing", exact=True).fill("Resultaten en werkhouding wijzen op vmbo-kader.")
    page.get_by_label("Bevorderende factoren", exact=True).fill("Gemotiveerd en betrokken ouders.")
    page.get_by_label("Belemmerende factoren", exact=True).fill("Snel afgeleid in een drukke klas.")

    # Autosave: wait for the status, then for the checklist it brings along.
    expect(page.locator("#opslaan-status")).to_contain_text("Opgeslagen om", timeout=20_000)
    checklist = page.locator("#checklist")
    missing = checklist.locator("li").filter(has_text="Ontbreekt:")
    met = checklist.locator("li").filter(has_text="In orde:")
    expect(missing).to_have_count(len(PARENT_STEPS), timeout=20_000)
    expect(met).to_have_count(len(SCHOOL_STEPS))
    for label in PARENT_STEPS:
        expect(missing.filter(has_text=label)).to_have_count(1)
    for label in SCHOOL_STEPS:
        expect(met.filter(has_text=label)).to_have_count(1)
    expect(checklist).to_contain_text(f"{len(SCHOOL_STEPS)} van {len(SCHOOL_STEPS) + len(PARENT_STEPS)} punten in orde")

    # Everything was stored, and survives reopening the plan.
    opp.refresh_from_db()
    assert opp.support_and_guidance.startswith("Twee keer per week een half uur extra instructie")
    stored = list(opp.goals.order_by("order"))
    assert [g.area for g in stored] == ["Lezen", "Werkhouding"]
    assert all(g.is_complete for g in stored)
    assert stored[0].description == "De leerling leest een tekst op AVI-niveau E5 vlot en zonder fouten."
    assert opp.uitstroom_option.code == "vmbo-kb" and opp.belemmerende_factoren
    page.reload()
    expect(page.get_by_label("Gebied", exact=True).nth(1)).to_have_value("Werkhouding")
