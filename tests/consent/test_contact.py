"""Contact details a parent can tap on a phone, and the ib named as contact (consent/contact.py)."""

import pytest

from consent.contact import ib_contact, tappable
from schools.models import Membership

pytestmark = pytest.mark.django_db


def test_phone_numbers_email_and_web_addresses_become_links_and_the_rest_is_escaped():
    html = tappable("Steunpunt <b>Rijnvallei</b>: 0318 000 100, 06-12345678, info@steunpunt.example.nl, "
                    "www.onderwijsconsulenten.nl.")
    assert '<a href="tel:0318000100">0318 000 100</a>' in html
    assert '<a href="tel:0612345678">06-12345678</a>' in html
    assert '<a href="mailto:info@steunpunt.example.nl">info@steunpunt.example.nl</a>' in html
    assert '<a href="https://www.onderwijsconsulenten.nl">www.onderwijsconsulenten.nl</a>.' in html
    assert "&lt;b&gt;Rijnvallei&lt;/b&gt;" in html and "<b>" not in html


def test_a_year_or_a_date_is_not_taken_for_a_phone_number():
    assert "href" not in tappable("Binnen tien weken, uiterlijk 01-12-2026 of in 2027.")


def test_the_contact_is_the_ib_who_asked_while_they_are_still_ib_there(world):
    opp, version = world.sent()
    request = world.ask(version)
    assert ib_contact(opp, request).email == world.ib.email
    Membership.objects.filter(user=world.ib).delete()
    assert ib_contact(opp, request) is None
