"""A guardian who never had an account, on a phone: opens the link in the invitation mail, signs in with the code
from the next mail, reads the plan, first forgets the reason for "niet akkoord" (the cursor lands on the field,
the message in view), then refuses with a reason; the ib sees the refusal and a notice."""

import re

import pytest
from django.core import mail

from consent import services
from consent.models import Decision, InstemmingDecision
from schools.models import User
from tests.consent.factories import CODE, ConsentWorld, family_without_accounts
from tests.e2e.conftest import DESKTOP, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def invited(transactional_db, live_server, settings):
    settings.OPP_PORTAL_URL = live_server.url  # the mails link to this portal
    world = ConsentWorld("bao")
    pupil, (mother, _father), opp, version = family_without_accounts(world)
    services.record_oogo(user=world.ib, opp=opp, held_on=version.created_at.date(), participants="Moeder, ib'er",
                         discussed_handelingsdeel=True, discussed_uitstroomperspectief=True,
                         parents_view="Lezen gaat moeizaam.", agreements="Samen lezen.")
    mail.outbox.clear()
    services.request_instemming(user=world.ib, version=version, reason="Nieuw plan")
    return world, pupil, mother, opp


def test_an_invited_guardian_signs_in_with_a_code_on_a_phone_and_refuses_with_a_reason(invited, live_server,
                                                                                      phone_page, browser):
    world, pupil, mother, opp = invited
    page = phone_page
    invitation = next(m for m in mail.outbox if m.to == [mother.email])
    link = re.search(rf"{re.escape(live_server.url)}/uitnodiging/[\w-]+/", invitation.body).group(0)
    assert not User.objects.filter(email=mother.email).exists()

    page.goto(link)
    page.get_by_role("button", name="Stuur mij een inlogcode").click()
    page.get_by_role("heading", name="Vul uw inlogcode in").wait_for()
    code_mail = [m for m in mail.outbox if m.to == [mother.email]][-1]
    page.get_by_label(re.compile("code", re.I)).fill(CODE.search(code_mail.body).group(1))
    page.get_by_role("button", name="Inloggen").click()

    page.get_by_role("heading", name=f"Het plan van {pupil.first_name}").wait_for()
    assert page.get_by_role("heading", name="1. Wat de school doet").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="Naar mijn besluit").click()
    page.get_by_label("Niet akkoord: ik stem niet in").check()
    page.get_by_role("button", name="Besluit versturen").click()
    message = page.get_by_text("Schrijf op waarom u niet akkoord gaat; dan kan de school daarop ingaan.").first
    message.wait_for()
    page.wait_for_load_state("load")
    assert page.evaluate("document.activeElement.name") == "reason"
    box = message.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844  # in view without scrolling
    assert contrast_on_screen(message) >= 4.5  # readable on the form's grey card (WCAG AA)
    assert not InstemmingDecision.objects.exists()

    page.keyboard.type("Wij willen ook hulp bij rekenen.")
    page.get_by_role("button", name="Besluit versturen").click()
    page.get_by_text("Uw besluit is bewaard: niet akkoord").wait_for()
    page.wait_for_load_state("load")
    # She lands where the message points: the page opens at its top (no jump to the form below), where the
    # state of her decision and where to get help fit on the first screen.
    assert "#" not in page.url
    for shown in (page.get_by_role("heading", name=re.compile("niet akkoord met versie 1")),
                  page.get_by_text("Hier krijgt u gratis hulp")):
        assert shown.evaluate("el => el.getBoundingClientRect().bottom + window.scrollY") <= 844
    decision = InstemmingDecision.objects.get()
    assert decision.decision == Decision.NIET_AKKOORD and decision.decided_by.email == mother.email

    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    school = context.new_page()
    try:
        sign_in(school, live_server.url, world.ib.email, "opp-test-2026")
        school.get_by_role("link", name=re.compile("Meldingen")).click()
        school.get_by_role("link", name=pupil.full_name).click()
        row = school.locator("tr", has_text=mother.full_name)
        assert row.locator(".badge").inner_text() == "niet akkoord"
        assert "Wij willen ook hulp bij rekenen." in row.inner_text()
    finally:
        context.close()


def contrast_on_screen(locator) -> float:
    """WCAG contrast of an element's text colour against the first opaque background behind it."""
    return locator.evaluate("""(el) => {
        const rgb = (value) => value.match(/[\\d.]+/g).map(Number);
        const lum = ([r, g, b]) => {
            const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
            return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
        };
        let node = el, background = [255, 255, 255];
        while (node && node.nodeType === 1) {
            const value = rgb(getComputedStyle(node).backgroundColor);
            if (value.length < 4 || value[3] > 0) { background = value.slice(0, 3); break; }
            node = node.parentElement;
        }
        const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(background)].sort((x, y) => y - x);
        return (a + 0.05) / (b + 0.05);
    }""")
