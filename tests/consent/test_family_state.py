"""Each child's state in words on Mijn kinderen (consent/family_state.py), in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consent.family_state import child_states
from consent.models import Decision
from opp_portal.access import forget_reach
from tests.factories import GuardianshipFactory, enrolled_pupil, pupil_account

pytestmark = pytest.mark.django_db


def test_every_state_in_words_from_the_parents_own_decision(world):
    opp, version = world.sent()
    request = world.ask(version)
    states = child_states(world.mother, [world.pupil])
    assert states[world.pupil.pk].text.startswith("Wacht op uw besluit (graag vóór")
    world.decide(request, world.father, Decision.GESPREK_GEWENST)
    assert child_states(world.mother, [world.pupil])[world.pupil.pk].waiting  # the father's wish is his own
    father = child_states(world.father, [world.pupil])[world.pupil.pk]
    assert father.attention and father.text.startswith("U wilt eerst een gesprek") and father.help is not None


def test_a_graag_voor_date_is_never_shown_once_it_has_passed(world):
    _opp, version = world.sent()
    request = world.ask(version)
    day = timezone.localdate()
    request.answer_by = day
    request.save(update_fields=["answer_by"])
    assert "(graag vóór" in child_states(world.mother, [world.pupil])[world.pupil.pk].text  # today still counts
    request.answer_by = day - datetime.timedelta(days=1)
    request.save(update_fields=["answer_by"])
    text = child_states(world.mother, [world.pupil])[world.pupil.pk].text
    assert "graag vóór" not in text and text.startswith("Wacht op uw besluit (gevraagd vóór")


def test_the_adult_pupil_reads_their_own_state_as_je_and_never_a_past_graag_voor_date(world):
    world.make_adult()
    user = pupil_account(world.pupil)
    _opp, version = world.sent()
    request = world.ask(version)
    request.answer_by = timezone.localdate() - datetime.timedelta(days=1)
    request.save(update_fields=["answer_by"])
    state = child_states(user, [world.pupil])[world.pupil.pk]
    assert state.waiting and state.text.startswith("Wacht op je besluit (gevraagd vóór")
    world.decide(request, user, Decision.NIET_AKKOORD, reason="Ik wil een andere stage.")
    state = child_states(user, [world.pupil])[world.pupil.pk]
    assert state.attention and state.help.own and state.text.startswith("Je ging niet akkoord op")


def test_the_page_takes_the_same_number_of_queries_for_one_child_or_four(client, world):
    guardian = world.guardian(world.mother)

    def ask_for(pupil):
        opp = world.fill(world.start(pupil=pupil))
        world.ask(world.send(opp))

    ask_for(world.pupil)
    client.force_login(world.mother)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("schools:my_children")).status_code == 200
        return len(captured.captured_queries)

    one = count()
    for _ in range(3):
        pupil = enrolled_pupil(world.school)
        GuardianshipFactory(pupil=pupil, guardian=guardian)
        ask_for(pupil)
    forget_reach(world.mother)
    html = client.get(reverse("schools:my_children")).content.decode()
    assert html.count("Wacht op uw besluit") == 4
    assert count() == one
