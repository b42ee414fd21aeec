"""Contact details a parent can tap on a phone, and the ib named as contact (consent/contact.py)."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

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


@pytest.mark.parametrize(("school_type", "title"), [("bao", "intern begeleider"), ("vo", "zorgcoördinator")])
def test_parents_are_told_to_ask_the_ib_by_the_title_their_school_type_uses(
    client, world_for, school_type, title, django_capture_on_commit_callbacks
):
    w = world_for(school_type)
    opp = w.fill(w.start())
    with django_capture_on_commit_callbacks(execute=True):
        w.send_and_ask(opp)
    name = w.ib.get_full_name()
    assert mail.outbox and all(f"{name}, {title} van" in " ".join(m.body.split()) for m in mail.outbox)
    client.force_login(w.mother)
    body = client.get(reverse("consent:plan", kwargs={"opp_uuid": opp.uuid})).content.decode()
    assert f"{escape(name)}, {title}" in body  # a name like "van 't Riet" is escaped in the page
    other = "zorgcoördinator" if title == "intern begeleider" else "intern begeleider"
    assert other not in body



def test_the_family_page_names_the_same_contact_from_the_plans_own_row_as_from_the_queries(world):
    from consent.contact import with_requester
    from plans.models import Opp

    opp, version = world.sent()
    world.ask(version)

    def annotated():
        return ib_contact(with_requester(Opp.objects.select_related("school")).get(pk=opp.pk))

    assert annotated() == ib_contact(Opp.objects.get(pk=opp.pk)) and annotated().email == world.ib.email
    Membership.objects.filter(user=world.ib).delete()  # no longer ib there: the other candidates, as before
    assert annotated() == ib_contact(Opp.objects.get(pk=opp.pk))
