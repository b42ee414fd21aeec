"""The school leader's daily digest (plans/digest.py): one mail when something is new under "klaar om vast te
stellen" or "niet akkoord of eerst een gesprek", with counts and a link, never names."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from consent.models import Decision
from plans.digest import notify_leader, send_leader_digests
from plans.models import LeaderDigest
from tests.factories import SchoolFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(django_capture_on_commit_callbacks):
    """Run the digest task and return the mails it queued (sent by the mail task once committed)."""

    def run():
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            sent = send_leader_digests()
        return sent, list(mail.outbox)

    return run


def ready(world):
    opp, version, request = world.ready_for_adoption()
    return opp


def test_the_beat_schedule_runs_the_digest_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["leader-digest"]
    assert entry["task"] == "plans.digest.send_leader_digests"


def test_a_plan_ready_to_adopt_is_told_once_with_counts_and_a_link_and_no_names(world, outbox):
    opp = ready(world)
    sent, messages = outbox()
    assert sent == 1 and [m.to for m in messages] == [[world.leader.email]]
    body = messages[0].body
    assert "1 plan is klaar om vast te stellen (1 nieuw)" in body
    assert reverse("plans:overview") in body
    for name in (opp.pupil.first_name, opp.pupil.last_name, world.guardian(world.mother).last_name):
        assert name not in body and name not in messages[0].subject
    assert outbox() == (0, [])  # the same day again, or the next day without news: nothing


def test_an_objection_is_news_and_a_changed_mind_is_not_told_again(world, outbox):
    opp, version = world.sent()
    request = world.ask(version)
    world.decide(request, world.mother, Decision.NIET_AKKOORD, "Te weinig hulp.")
    sent, messages = outbox()
    assert sent == 1 and "1 ouder ging niet akkoord of wil eerst een gesprek (1 nieuw)" in messages[0].body
    world.decide(request, world.father, Decision.GESPREK_GEWENST)
    sent, messages = outbox()
    assert sent == 1 and "2 ouders gingen niet akkoord of willen eerst een gesprek (1 nieuw)" in messages[0].body
    world.decide(request, world.mother)
    world.decide(request, world.father)
    assert outbox()[0] == 0  # the list got shorter: no news
    state = LeaderDigest.objects.get(user=world.leader)
    assert not any(key.startswith("objection:") for key in state.notified_keys)


def test_nothing_to_tell_sends_nothing_and_other_schools_are_not_counted(world, outbox):
    other = SchoolFactory()
    staff("school_leader", school=other)
    opp, version = world.sent()
    assert outbox() == (0, [])
    world.oogo(opp)
    world.hear(opp)
    request = world.ask(version)
    for parent in (world.mother, world.father):
        world.decide(request, parent)
    sent, messages = outbox()
    assert sent == 1 and [m.to for m in messages] == [[world.leader.email]]


def test_an_inactive_leader_gets_nothing(world, outbox):
    ready(world)
    world.leader.is_active = False
    world.leader.save()
    assert outbox() == (0, [])


def test_notify_leader_records_what_was_told(world, django_capture_on_commit_callbacks):
    opp = ready(world)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_leader(world.leader) is True
    state = LeaderDigest.objects.get(user=world.leader)
    assert state.notified_keys == [f"ready:{opp.uuid}:1"] and state.last_sent_at is not None
