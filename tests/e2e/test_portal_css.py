"""The portal's own CSS (static/css/portal.css): colours that keep text readable (WCAG AA, 4.5:1) where Bootstrap's
defaults do not, on the light grey boxes that hold the forms of 'Plan bijstellen' and the one-step send; typed text
that wraps on a phone instead of widening the page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from consent import services as consent_services
from plans import services
from tests.consent.factories import ConsentSteps, ConsentWorld
from tests.e2e.conftest import PHONE
from tests.factories import enrolled_pupil, parent_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The contrast of an element's text against the first opaque background behind it (WCAG's formula).
CONTRAST = """(selector) => {
  const el = document.querySelector(selector);
  const rgb = c => c.match(/[\\d.]+/g).map(Number);
  let bg = [255, 255, 255];
  for (let n = el; n; n = n.parentElement) {
    const v = rgb(getComputedStyle(n).backgroundColor);
    if (v.length < 4 || v[3] > 0) { bg = v; break; }
  }
  const lum = ([r, g, b]) => [r, g, b].map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, x, i) => sum + x * [0.2126, 0.7152, 0.0722][i], 0);
  const [hi, lo] = [lum(rgb(getComputedStyle(el).color)), lum(bg)].sort((a, b) => b - a);
  return (hi + 0.05) / (lo + 0.05);
}"""


def sign_in(page, base_url, user):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill("opp-test-2026")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def test_error_text_and_the_back_button_on_the_grey_form_boxes_have_enough_contrast(live_server, page):
    world = ConsentWorld("bao")
    adopted, version = world.sent()
    ConsentSteps().agree_all(adopted, version)
    services.adopt(user=world.leader, opp=adopted)
    other = enrolled_pupil(world.school, group="5")
    parent_of(other)
    draft = world.fill(world.start(pupil=other))
    sign_in(page, live_server.url, world.ib)

    # 'Plan bijstellen' without a reason: the message sits in the grey box.
    page.goto(live_server.url + reverse("plans:draft", kwargs={"opp_uuid": adopted.uuid}))
    page.locator("summary", has_text="Plan bijstellen").click()
    page.get_by_role("button", name="Bijstelling starten").click()
    assert page.locator("#id_reason_errors").inner_text().strip()
    assert page.evaluate(CONTRAST, "#id_reason_errors > *") >= 4.5

    # The one-step send: 'Terug naar het plan' sits in the grey box too.
    page.goto(live_server.url + reverse("consent:send", kwargs={"opp_uuid": draft.uuid}))
    assert page.evaluate(CONTRAST, "form .btn-outline-secondary") >= 4.5


def test_a_long_unbroken_text_on_the_consent_page_wraps_on_a_phone(live_server, browser):
    world = ConsentWorld("bao")
    opp, _version = world.sent()
    consent_services.record_oogo(
        user=world.ib, opp=opp, held_on=timezone.localdate(), participants="Moeder, ib'er",
        discussed_handelingsdeel=True, discussed_uitstroomperspectief=True, parents_view="Goed.",
        agreements="https://example.nl/" + "a" * 600)
    context = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, live_server.url, world.ib)
    page.goto(live_server.url + reverse("consent:school", kwargs={"opp_uuid": opp.uuid}))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
