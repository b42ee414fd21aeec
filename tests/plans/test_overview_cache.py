"""The overview's body kept under the school's number (plans.overview_cache, plans.stamps): every write to what
it shows changes the number, on every path (a service, the ORM, raw SQL), so a visit never sees an old body; the
clock and odd queries are handled. PostgreSQL only: SQLite has no triggers and no cached overview."""

import datetime
import re
from unittest import mock

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consent import services
from consent.models import Decision, UnreachableReason
from plans import overview_cache
from plans.models import Opp, OppStatus
from plans.overview_cache import overview_body
from plans.selectors import INSTEMMING_WAITING_DAYS
from plans.stamps import school_stamp, stamped_tables
from tests.consent.factories import ConsentWorld
from tests.factories import enrolled_pupil

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the school's number is kept by PostgreSQL"),
]

URL = reverse("plans:overview")


@pytest.fixture
def world():
    return ConsentWorld("bao")


def asked(world):
    """A plan sent, discussed with the parents, the pupil heard, and instemming asked: (plan, request)."""
    opp, version = world.sent()
    world.oogo(opp)
    world.hear(opp)
    return opp, world.ask(version)


def refused(world) -> Opp:
    """A plan a parent refused: it shows in "bezwaar" with the parent's name."""
    opp, request = asked(world)
    world.decide(request, world.mother, Decision.NIET_AKKOORD, reason="Wij willen eerst praten.")
    return opp


def test_the_cached_queries_read_only_tables_whose_writes_change_the_number(world):
    refused(world)
    world.start(pupil=enrolled_pupil(world.school, group="4"))  # a draft without a hearing: "hoorrecht"
    plans = Opp.objects.filter(school=world.school)
    with CaptureQueriesContext(connection) as queries:
        overview_body(plans, world.school, QueryDict(), whole_school=True)
    read = {table for query in queries.captured_queries
            for table in re.findall(r'(?:FROM|JOIN)\s+"?([a-z_]+)"?', query["sql"])}
    read.discard("plans_schoolstamp")
    assert {"plans_opp", "consent_instemmingdecision", "schools_pupil"} <= read
    assert read <= stamped_tables(), f"tables read but not stamped: {sorted(read - stamped_tables())}"


def test_a_service_write_a_raw_update_and_a_delete_each_change_the_number(world):
    start = school_stamp(world.school.pk)
    opp = world.start()
    after_service = school_stamp(world.school.pk)
    assert after_service > start
    with connection.cursor() as cursor:
        cursor.execute("UPDATE plans_opp SET status = status WHERE id = %s", [opp.pk])
    after_raw = school_stamp(world.school.pk)
    assert after_raw > after_service
    world.hear(opp)
    before_delete = school_stamp(world.school.pk)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM consent_hearing WHERE opp_id = %s", [opp.pk])
    assert school_stamp(world.school.pk) > before_delete


# Rows that are never changed (a version, a decision): their inserts are checked by the services' writes below.
APPEND_ONLY = {"plans_oppversion", "consent_instemmingdecision"}
# No row of these in this world: they reach the plan's school through `opp_id` as hearings and OOGO do (checked
# with rows); an update of none of their rows still runs their trigger, so its SQL is checked.
WITHOUT_ROWS = {"plans_evaluation", "plans_commissieadvice"}


@pytest.mark.parametrize("table", sorted(stamped_tables() - {"schools_user"} - APPEND_ONLY))
def test_every_stamped_table_changes_the_number_of_the_school_its_rows_belong_to(world, table):
    opp = refused(world)
    request = opp.versions.get().instemming_requests.get()
    father = world.recipient(request, world.father)
    services.send_reminder(user=world.ib, recipient=father)
    services.record_unreachable(user=world.ib, recipient=father, reason=UnreachableReason.NO_ANSWER,
                                attempts="3 maart: mail. 10 maart: herinnering. 12 maart: gebeld.")
    before = school_stamp(world.school.pk)
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{table}" SET id = id')  # every row: this school's rows are among them
    if table in WITHOUT_ROWS:
        assert school_stamp(world.school.pk) == before
    else:
        assert school_stamp(world.school.pk) > before


def test_a_sent_version_and_a_decision_change_the_number(world):
    opp = world.fill(world.start())
    before_send = school_stamp(world.school.pk)
    version = world.send(opp)
    assert school_stamp(world.school.pk) > before_send
    request = world.ask(version)
    before_decision = school_stamp(world.school.pk)
    world.decide(request, world.mother)
    assert school_stamp(world.school.pk) > before_decision


def test_the_ibs_rename_changes_the_number_and_a_sign_in_does_not(world):
    world.start()
    before = school_stamp(world.school.pk)
    world.ib.last_login = timezone.now()
    world.ib.save(update_fields=["last_login"])
    assert school_stamp(world.school.pk) == before
    world.ib.full_name = "Ineke Nieuwenhuis"
    world.ib.save(update_fields=["full_name"])
    assert school_stamp(world.school.pk) > before


def test_a_school_elsewhere_does_not_change_this_schools_number(world):
    before = school_stamp(world.school.pk)
    other = ConsentWorld("bao")
    refused(other)
    assert school_stamp(world.school.pk) == before


def test_the_leader_sees_a_refusal_on_the_next_visit_and_the_visit_before_it_came_from_the_cache(client, world):
    opp, request = asked(world)
    client.force_login(world.leader)
    with CaptureQueriesContext(connection) as computed:
        client.get(URL)
    assert any('"section_key"' in q["sql"] for q in computed.captured_queries)
    with CaptureQueriesContext(connection) as kept:
        first = client.get(URL).content.decode()
    # The sections came from the cache: not their union of every plan.
    assert not any('"section_key"' in q["sql"] for q in kept.captured_queries)
    assert 'text-bg-danger">niet akkoord' not in first
    world.decide(request, world.mother, Decision.NIET_AKKOORD, reason="Wij willen eerst praten.")
    html = client.get(URL).content.decode()
    assert 'text-bg-danger">niet akkoord' in html


def test_an_adopted_plan_leaves_klaar_on_the_next_visit(client, world):
    opp, request = asked(world)
    world.decide(request, world.mother)
    world.decide(request, world.father)
    client.force_login(world.leader)
    assert opp.uuid.hex[:8] in client.get(URL).content.decode().replace("-", "")
    Opp.objects.filter(pk=opp.pk).update(status=OppStatus.VASTGESTELD, adopted_version=request.version,
                                         adopted_on=timezone.localdate())
    assert opp.uuid.hex[:8] not in client.get(URL).content.decode().replace("-", "")


def test_a_waiting_plan_is_kept_only_until_it_has_waited_long_enough_to_be_listed(world):
    opp, version = world.sent()
    world.ask(version)
    # Five minutes before the version has waited long enough.
    now = version.created_at + datetime.timedelta(days=INSTEMMING_WAITING_DAYS) - datetime.timedelta(minutes=5)
    midnight = datetime.datetime.combine(timezone.localdate(now) + datetime.timedelta(days=1), datetime.time(),
                                         tzinfo=timezone.get_current_timezone())
    expected = min(300, int((midnight - now).total_seconds()))
    assert expected - 1 <= overview_cache._seconds_valid(world.school, now) <= expected


def test_the_body_is_kept_no_longer_than_the_day(world):
    just_before_midnight = datetime.datetime.combine(
        timezone.localdate(), datetime.time(23, 59, 30), tzinfo=timezone.get_current_timezone())
    assert overview_cache._seconds_valid(world.school, just_before_midnight) <= 30


@pytest.mark.parametrize("query", [
    "foo=bar", "pagina-klaar=2&pagina-klaar=3", "pagina-klaar=abc", "pagina-" + "x" * 40 + "=1", "pagina-klaar=01",
    "pagina-klaar=1&pagina-evalueren=1", "school=a&school=b", "pagina-klaar=",
])
def test_a_query_other_than_one_sections_page_is_answered_without_the_cache(world, query):
    with mock.patch.object(overview_cache.cache, "set") as kept:
        overview_body(Opp.objects.filter(school=world.school), world.school, QueryDict(query), whole_school=True)
    kept.assert_not_called()


@pytest.mark.parametrize("query", ["pagina-klaar=2", "pagina-aaaa=1"])
def test_a_page_that_does_not_exist_is_answered_but_not_kept(world, query):
    with mock.patch.object(overview_cache.cache, "set") as kept:
        html, _rows = overview_body(Opp.objects.filter(school=world.school), world.school, QueryDict(query),
                                    whole_school=True)
    assert 'id="klaar"' in html
    kept.assert_not_called()


def test_a_page_of_a_section_is_kept_under_its_own_query(world):
    with mock.patch.object(overview_cache.cache, "set") as kept:
        overview_body(Opp.objects.filter(school=world.school), world.school, QueryDict("pagina-klaar=1"),
                      whole_school=True)
    assert "pagina-klaar=1" in kept.call_args.args[0]
