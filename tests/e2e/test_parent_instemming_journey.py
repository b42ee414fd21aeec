"""The demo parent signs in with an emailed code on a phone, reads version 2 of her son's plan, sees what
changed since the version she agreed to, agrees; the ib then sees "akkoord"."""

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from consent import services as consent_services
from consent.models import Decision, InstemmingDecision, InstemmingRecipient
from plans import services as plan_services
from plans.models import Opp, OppStatus
from schools.models import Pupil, School, User
from tests.e2e.conftest import sign_in
from tests.plans.factories import full_content, goal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def noah_version_2(transactional_db):
    """Noah (demo child of ouder@demo.opp): version 1 agreed and adopted, version 2 sent for instemming."""
    # An earlier transactional test flushes the options the migration seeded; put them back.
    importlib.import_module("plans.migrations.0002_seed_uitstroom_options").seed(django_apps, None)
    call_command("seed_demo", verbosity=0)
    school = School.objects.get(brin="99AA", vestiging="00")
    ib = User.objects.get(email="ib@bao.demo.opp")
    leader = User.objects.get(email="directeur@bao.demo.opp")
    sanne = User.objects.get(email="ouder@demo.opp")
    noah = Pupil.objects.get(first_name="Noah", last_name="Vries")
    opp = Opp.objects.filter(pupil=noah, school=school).not_ended().first()
    if opp is None:
        opp = plan_services.start_draft(user=ib, school=school, pupil=noah)
    if opp.adopted_version_id is None:  # the demo may already hold Noah's plan in some state
        if opp.status != OppStatus.TER_INSTEMMING:
            opp = plan_services.save_draft(user=ib, opp=opp, expected_revision=opp.revision,
                                           changes=full_content(opp))
            plan_services.freeze_version(user=ib, opp=opp, expected_revision=opp.revision)
            opp.refresh_from_db()
        version1 = opp.latest_version
        today = timezone.localdate()
        consent_services.record_oogo(
            user=ib, opp=opp, held_on=today, participants="Sanne de Vries, ib'er",
            discussed_handelingsdeel=True, discussed_uitstroomperspectief=True,
            parents_view="Lezen gaat thuis moeizaam.", agreements="Elke avond samen lezen.")
        consent_services.record_hearing(user=ib, opp=opp, heard_on=today, method="gesprek",
                                        heard_by="De ib'er", pupil_view="Ik wil beter leren lezen.")
        if not InstemmingRecipient.objects.for_user(sanne).filter(request__version=version1).exists():
            consent_services.request_instemming(user=ib, version=version1, reason="Nieuw plan")
        recipient = InstemmingRecipient.objects.for_user(sanne).get(request__version=version1)
        consent_services.decide(user=sanne, recipient=recipient, decision=Decision.AKKOORD)
        plan_services.adopt(user=leader, opp=opp)
    opp.refresh_from_db()
    first = opp.goals.order_by("order", "pk").first()
    agreed = opp.adopted_version.number
    changes = full_content(opp, goals=[
        goal(first.area, uuid=str(first.uuid), description=first.description, approach="Drie keer per week oefenen."),
        goal("Plannen en organiseren")])
    opp = plan_services.start_adjustment(user=ib, opp=opp, reason="Na de evaluatie")  # "Plan bijstellen"
    opp = plan_services.save_draft(user=ib, opp=opp, expected_revision=opp.revision, changes=changes)
    version2 = plan_services.freeze_version(user=ib, opp=opp, expected_revision=opp.revision)
    consent_services.request_instemming(user=ib, version=version2, reason="Aangepast na de evaluatie")
    mail.outbox.clear()
    return opp, version2, sanne, agreed, first.title


def test_demo_parent_signs_in_with_a_code_reads_the_changes_and_agrees(noah_version_2, live_server, phone_page,
                                                                        browser):
    opp, version2, sanne, agreed, first_goal = noah_version_2
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Stuur mij een inlogcode").click()
    page.get_by_label(re.compile("E-mail", re.I)).fill("ouder@demo.opp")
    page.get_by_role("button", name=re.compile("code", re.I)).click()
    page.wait_for_load_state()
    code_mail = next(m for m in mail.outbox if m.to == ["ouder@demo.opp"])
    code = re.search(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]{3,})*)\s*$", code_mail.body, re.M).group(1)
    page.get_by_label(re.compile("code", re.I)).fill(code)
    page.get_by_role("button", name=re.compile("inloggen|bevestig", re.I)).click()
    page.wait_for_load_state()

    # Mijn kinderen → Noah's plan.
    if "/mijn-kinderen/" not in page.url:
        page.goto(f"{live_server.url}/mijn-kinderen/")
    page.get_by_role("link", name="Het plan van Noah").click()
    page.get_by_role("heading", name="Het plan van Noah").wait_for()
    assert page.get_by_text("De school vraagt of u akkoord gaat met het plan").is_visible()
    changes = page.get_by_role("heading", name=f"Wat is er veranderd sinds de versie waarmee u instemde (versie {agreed})?")
    assert changes.is_visible()
    assert page.get_by_text("Doel 'Plannen en organiseren' is toegevoegd.").is_visible()
    # The old and the new approach, with the new words marked.
    assert page.get_by_role("heading", name=f"Zo werken we aan doel '{first_goal}'").is_visible()
    assert page.locator("ins", has_text="Drie keer per week oefenen.").is_visible()
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="Naar mijn besluit").click()
    page.get_by_label("Akkoord: ik stem in met dit handelingsdeel").check()
    page.get_by_role("button", name="Besluit versturen").click()
    page.get_by_text("Uw besluit is bewaard: akkoord").wait_for()
    decision = InstemmingDecision.objects.get(version=version2)
    assert decision.decision == Decision.AKKOORD and decision.decided_by == sanne
    assert decision.content_hash == version2.content_hash

    # The school sees "akkoord" for Sanne.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    school_page = context.new_page()
    try:
        sign_in(school_page, live_server.url, "ib@bao.demo.opp")
        school_page.goto(f"{live_server.url}/opp/{opp.uuid}/")
        panel = school_page.locator("#overleg-instemming")
        row = panel.locator("li", has_text="Sanne de Vries")
        assert row.locator(".badge").inner_text() == "akkoord"
        school_page.get_by_role("link", name="Overleg, hoorrecht en instemming vastleggen").click()
        row = school_page.locator("tr", has_text="Sanne de Vries")
        assert row.locator(".badge").inner_text() == "akkoord"
    finally:
        context.close()
