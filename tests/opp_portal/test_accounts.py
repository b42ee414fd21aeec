"""allauth as the portal uses it (opp_portal/accounts.py): public links, short mail lines, school names, and the
address that only the school changes."""

import re

import pytest
from django.urls import reverse

from opp_portal.accounts import portal_url, school_names_for, schools_in_words, wrap_body
from tests.factories import GuardianFactory, GuardianshipFactory, SchoolFactory, enrolled_pupil, parent_of, staff

pytestmark = pytest.mark.django_db


def test_links_are_on_the_public_address(settings):
    settings.OPP_PORTAL_URL = "https://opp.school.nl/"
    assert portal_url("/mijn-kinderen/") == "https://opp.school.nl/mijn-kinderen/"


def test_mail_lines_are_short_and_links_stay_whole():
    link = "https://opp.school.nl/uitnodiging/" + "x" * 80 + "/"
    text = wrap_body("Een zin " * 30 + "\n" + link)
    assert all(len(line) <= 72 for line in text.splitlines() if "://" not in line)
    assert link in text.splitlines()


def test_a_mail_names_the_schools_behind_an_address():
    a, b = SchoolFactory(name="OBS De Linde"), SchoolFactory(name="Het College")
    guardian = GuardianFactory(email="ouder@example.test")
    GuardianshipFactory(pupil=enrolled_pupil(a), guardian=guardian)
    GuardianshipFactory(pupil=enrolled_pupil(b), guardian=guardian)
    assert schools_in_words(school_names_for("OUDER@example.test")) == "Het College en OBS De Linde"
    assert school_names_for("niemand@example.test") == []
    ib = staff("ib", school=a)
    assert school_names_for(ib.email) == ["OBS De Linde"]


def test_nobody_changes_or_adds_an_address_themselves(client):
    user = parent_of(enrolled_pupil(SchoolFactory()))
    client.force_login(user)
    response = client.get(reverse("account_email"))
    assert response.status_code == 200 and "Geef het nieuwe adres door aan de school" in response.content.decode()
    response = client.post(reverse("account_email"), {"action_add": "", "email": "ander@example.test"})
    assert response.status_code == 405
    user.refresh_from_db()
    assert user.email != "ander@example.test"


INFORMAL = re.compile(r"\b(je|jij|jouw|jou|aanmeld\w*)\b", re.IGNORECASE)


def visible_text(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"<[^>]+>", " ", main)


def test_every_sign_in_page_a_parent_meets_speaks_to_them_with_u(client):
    """allauth's own Dutch says "je" and speaks of an "aanmeldcode"; the portal speaks to parents with "u"."""
    parent = parent_of(enrolled_pupil(SchoolFactory()))
    parent.set_unusable_password()
    parent.save()
    pages = {
        reverse("account_request_login_code"): "Inloggen met een code",
        reverse("account_reset_password"): "Wachtwoord vergeten",
        reverse("account_reset_password_done"): "Kijk in uw e-mail",
        reverse("account_reset_password_from_key", kwargs={"uidb36": "x", "key": "set-password"}):
            "Deze link werkt niet meer",
    }
    for url, heading in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response)
        assert heading in text and not INFORMAL.search(text), (url, INFORMAL.search(text))
    client.force_login(parent)
    for url, heading in {reverse("account_logout"): "Wilt u uitloggen?",
                         reverse("account_set_password"): "Wachtwoord instellen"}.items():
        response = client.get(url)
        text = visible_text(response)
        assert heading in text and not INFORMAL.search(text), (url, INFORMAL.search(text))
