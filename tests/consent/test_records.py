"""A page reads the plan's consent records once (consent.records, issue 12): the checklist judged from them is
the checklist judged one table at a time, at every stage, and what a page shows stays what the user may see."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consent import services
from consent.models import Decision, Hearing, InstemmingDecision, OogoMeeting
from consent.records import attached, read_records, shown
from opp_portal.together import read_together
from plans import services as plan_services
from plans.models import Opp
from plans.requirements import judge

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def judged_both_ways(opp: Opp, user):
    one_by_one = judge(Opp.objects.get(pk=opp.pk))
    at_once = judge(Opp.objects.select_related("pupil", "school").get(pk=opp.pk), reader=user)
    return one_by_one, at_once


def same_checklist(opp: Opp, user) -> bool:
    one_by_one, at_once = judged_both_ways(opp, user)
    rows = [(j.stage, j.subject, [item.as_record() for item in j.items]) for j in (one_by_one, at_once)]
    return rows[0] == rows[1]


def test_the_checklist_read_at_once_is_the_checklist_read_table_by_table_at_every_stage(world):
    opp, version = world.sent()
    assert same_checklist(opp, world.ib)
    world.oogo(opp, uitstroomperspectief=False)
    world.hear(opp)
    assert same_checklist(opp, world.ib)
    request = world.ask(version)
    world.decide(request, world.mother)
    assert same_checklist(opp, world.ib)
    world.decide(request, world.father, Decision.NIET_AKKOORD, "Nee.")
    assert same_checklist(opp, world.leader)
    world.decide(request, world.father)  # changed their mind: the latest decision counts
    world.oogo(opp)
    assert same_checklist(opp, world.ib)
    plan_services.adopt(user=world.leader, opp=opp)
    assert same_checklist(opp, world.ib)
    opp.refresh_from_db()
    adjusted = world.change(opp, {"support_and_guidance": "Drie keer per week leesbegeleiding."})
    assert same_checklist(adjusted, world.ib)
    version2 = world.send(adjusted)
    assert same_checklist(adjusted, world.ib)
    request2 = world.ask(version2)
    world.decide(request2, world.mother)
    recipient = world.recipient(request2, world.father)
    unreachable = services.record_unreachable(user=world.ib, recipient=recipient, reason="buitenland",
                                              attempts="Drie keer gebeld, twee mails.")
    assert same_checklist(adjusted, world.ib)
    services.confirm_unreachable(user=world.leader, unreachability=unreachable)
    assert same_checklist(adjusted, world.ib)


def test_an_adult_pupil_decides_in_the_checklist_read_at_once_too(world):
    world.make_adult()
    opp, version = world.sent()
    world.ask(version)
    assert same_checklist(opp, world.ib)


def test_the_records_are_used_only_for_the_version_they_were_read_for_and_forgotten_with_the_history(world):
    opp, version = world.sent()
    opp.refresh_from_db()
    read_records(opp, version, world.ib)
    assert attached(opp, version) is not None and attached(opp, None) is None
    assert shown(opp).read_for(world.ib) and not shown(opp).read_for(world.leader)
    opp.refresh_from_db()
    assert shown(opp) is None


def test_the_records_of_a_page_are_two_queries_whatever_their_number(world):
    opp, version = world.sent()
    for days in range(3):  # three different records (the same form sent twice is one)
        world.oogo(opp, held_on=TODAY - datetime.timedelta(days=days))
        world.hear(opp, heard_on=TODAY - datetime.timedelta(days=days))
    request = world.ask(version)
    world.decide(request, world.mother)
    opp = Opp.objects.select_related("pupil").get(pk=opp.pk)  # as the pages read it
    opp.read_history()
    with CaptureQueriesContext(connection) as queries:
        records = read_records(opp, version, world.ib, full=True)
        [(h.version, h.evaluation, h.recorded_by) for h in records.hearings]
        [(d.recipient.name, d.version.number, d.recorded_by) for d in records.decisions]
        [(r.request.version.number, r.guardian and r.guardian.full_name) for r in records.recipients]
    assert len(queries) == 2  # the records, and the staff who recorded them
    assert len(records.meetings) == 3 and len(records.counted_hearings) == 3


def test_read_together_gives_what_each_queryset_gives_in_its_order(world):
    opp, version = world.sent()
    world.oogo(opp, held_on=TODAY - datetime.timedelta(days=3))
    world.oogo(opp, uitstroomperspectief=False)
    world.hear(opp)
    request = world.ask(version)
    world.decide(request, world.mother)
    world.decide(request, world.mother, Decision.GESPREK_GEWENST)
    querysets = {
        "meetings": OogoMeeting.objects.filter(opp=opp),
        "hearings": Hearing.objects.filter(opp=opp).order_by("created_at", "pk"),
        "decisions": InstemmingDecision.objects.on(version),
        "versions": version.opp.versions.all().order_by("-number"),
        "nothing": OogoMeeting.objects.none(),
    }
    found = read_together(querysets)
    for name, qs in querysets.items():
        expected = list(qs)
        assert [o.pk for o in found[name]] == [o.pk for o in expected], name
        for got, want in zip(found[name], expected, strict=True):
            for field in qs.model._meta.concrete_fields:
                assert getattr(got, field.attname) == getattr(want, field.attname), (name, field.name)
                assert type(getattr(got, field.attname)) is type(getattr(want, field.attname)), (name, field.name)
    assert timezone.is_aware(found["hearings"][0].created_at)


def test_the_sets_a_page_shows_are_what_visible_to_shows_each_kind_of_reader(world):
    """The staff of the plan's school see every record; a teacher of the pupil's group too; a teacher of another
    group, staff of another school and a parent (on a staff page) see none (`consent.records._staff`)."""
    from consent.models import InstemmingRecipient, ParentView
    from tests.factories import SchoolFactory, staff

    opp, version = world.sent()
    world.oogo(opp)
    world.hear(opp)
    request = world.ask(version)
    world.decide(request, world.mother)
    readers = {
        "ib": (world.ib, True), "leader": (world.leader, True),
        "teacher of the group": (staff("teacher", school=world.school, groups="5"), True),
        "teacher of another group": (staff("teacher", school=world.school, groups="7"), False),
        "ib elsewhere": (staff("ib", school=SchoolFactory()), False),
        "parent": (world.mother, False),
    }
    for name, (user, sees) in readers.items():
        fresh = Opp.objects.select_related("pupil").get(pk=opp.pk)
        records = read_records(fresh, version, user, full=True)
        expected = {
            "meetings": OogoMeeting.objects.visible_to(user).filter(opp=opp),
            "hearings": Hearing.objects.visible_to(user).filter(opp=opp),
            "parent_views": ParentView.objects.visible_to(user).filter(opp=opp),
            "decisions": InstemmingDecision.objects.visible_to(user).filter(version__opp=opp),
            "recipients": InstemmingRecipient.objects.visible_to(user).filter(request__version=version),
        }
        for attr, queryset in expected.items():
            got = {r.pk for r in getattr(records, attr)}
            if sees:
                assert got == set(queryset.values_list("pk", flat=True)), (name, attr)
                assert attr == "parent_views" or got, (name, attr)
            else:
                assert got == set(), (name, attr)


@pytest.mark.usefixtures("postgresql")  # replayed on PostgreSQL only
def test_a_plans_records_are_replayed_for_the_ib_and_the_same_as_built(world):
    """The plan page's path: the records of the ib's plan are read by the replayed query (not built per request),
    and they are the records the same sets give when built for this plan."""
    from consent import records

    opp, version = world.sent()
    world.oogo(opp)
    world.hear(opp)
    world.decide(world.ask(version), world.mother)
    for _ in range(2):
        fresh = Opp.objects.select_related("pupil").get(pk=opp.pk)
        found = read_records(fresh, version, world.ib, full=True)
    replayed = [r for shape, r in records._REPLAYED.items() if shape.full and shape.judged == "version"]
    assert replayed and all(r._compiled is not None and r._compiled.sql is not None for r in replayed)
    shape = next(shape for shape in records._REPLAYED if shape.full and shape.judged == "version")
    values = {"opp_id": opp.pk, "pupil_id": opp.pupil_id, "judged_id": version.pk,
              "judged_hash": version.content_hash, "latest_id": version.pk, "latest_hash": version.content_hash,
              **{name: getattr(records.window(fresh, version).bounds, name) for name in shape.bounds}}
    built = read_together(records._parts(shape, None, **values))
    for name in ("counted_meetings", "counted_hearings", "decisions_on", "asked", "meetings", "hearings",
                 "recipients", "latest_decisions", "decisions", "requests"):
        assert [r.pk for r in getattr(found, name)] == [r.pk for r in built[name]], name
    assert found.counted_meetings and found.counted_hearings and found.decisions_on
