"""The school leader's overview: the four sections, per ib, a constant number of queries, outsiders get a 404."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from plans import deadlines, overview, selectors
from plans.models import Opp, OppStatus, OppVersion
from tests.factories import (
    EnrolmentFactory,
    PupilFactory,
    SchoolFactory,
    UserFactory,
    enrolled_pupil,
    parent_of,
    staff,
)

from .factories import OppFactory

pytestmark = pytest.mark.django_db

URL = reverse("plans:overview")


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


@pytest.fixture
def school():
    return SchoolFactory(school_type="bao", name="OBS De Vlinderboom")


@pytest.fixture
def ib(school):
    return staff("ib", school=school)


@pytest.fixture
def leader(school):
    return staff("school_leader", school=school)


def plan(school, ib, **fields) -> Opp:
    fields.setdefault("status", OppStatus.CONCEPT)
    return OppFactory(school=school, created_by=ib, **fields)


def adoption_plan(school, ib, *, due_in: int, **fields) -> Opp:
    """A plan not yet adopted whose rule-7 deadline is `due_in` days from today."""
    return plan(school, ib, support_start_date=days(due_in) - deadlines.ADOPTION_WINDOW, **fields)


def running_plan(school, ib, *, evaluation_in: int) -> Opp:
    return plan(school, ib, status=OppStatus.VASTGESTELD, adopted_on=days(-300),
                next_evaluation_due=days(evaluation_in))


def waiting_plan(school, ib, *, sent_days_ago: int) -> Opp:
    opp = plan(school, ib, status=OppStatus.TER_INSTEMMING, support_start_date=days(-10))
    # Versions are append-only (a database trigger too), so the version is made "back then".
    sent = timezone.now() - datetime.timedelta(days=sent_days_ago)
    with mock.patch("django.utils.timezone.now", return_value=sent):
        OppVersion.objects.create(opp=opp, number=1, content={}, content_hash="0" * 64, created_by=ib)
    return opp


def section(response, key):
    return next(s for s in response.context["sections"] if s.key == key)


def rows(response, key) -> list[Opp]:
    return [row.opp for row in section(response, key).rows]


# --- the sections ---------------------------------------------------------------------------------------------

def test_rule_7_adoptions_due_within_the_window_and_overdue_are_listed_in_plain_dutch(
    client, school, ib, leader
):
    soon = adoption_plan(school, ib, due_in=5)
    late = adoption_plan(school, ib, due_in=-12)
    later = adoption_plan(school, ib, due_in=30)  # the window started 12 days ago: listed, not urgent
    adoption_plan(school, ib, due_in=60)  # support starts in the future: the window has not started
    adoption_plan(school, ib, due_in=-3, kind="basisondersteuning")  # no legal deadline
    adopted = adoption_plan(school, ib, due_in=-20, status=OppStatus.VASTGESTELD, adopted_on=days(-25),
                            next_evaluation_due=days(200))
    client.force_login(leader)
    response = client.get(URL)
    assert response.status_code == 200
    assert rows(response, "vaststellen") == [late, soon, later]
    assert adopted not in rows(response, "vaststellen")
    texts = {row.opp: (row.text, row.urgency) for row in section(response, "vaststellen").rows}
    assert texts[soon] == ("over 5 dagen", "soon")
    assert texts[late] == ("12 dagen te laat", "late")
    assert texts[later] == ("over 30 dagen", "")
    body = response.content.decode()
    assert "over 5 dagen" in body and "12 dagen te laat" in body
    assert escape(soon.pupil.full_name) in body
    assert reverse("plans:draft", kwargs={"opp_uuid": soon.uuid}) in body


@pytest.mark.parametrize("school_type", ["bao", "vo", "sbo", "so", "vso", "pro"])
def test_rule_7_the_queryset_due_date_matches_the_per_plan_rule(school_type):
    school = SchoolFactory(school_type=school_type)
    pupil = PupilFactory()
    EnrolmentFactory(pupil=pupil, school=school, enrolment_date=days(-40))
    with_start = OppFactory(school=school, pupil=pupil, support_start_date=days(-20))
    without_start = OppFactory(school=school)
    for opp in (with_start, without_start):
        annotated = selectors.adoption_deadlines(Opp.objects.filter(pk=opp.pk)).get()
        assert deadlines.due_from_start(annotated.adoption_start) == deadlines.adoption_due_date(opp)


def test_rule_7_at_special_schools_the_window_counts_from_the_enrolment_before_the_plan_started():
    school = SchoolFactory(school_type="sbo")
    pupil = PupilFactory()
    EnrolmentFactory(pupil=pupil, school=school, enrolment_date=days(-50))
    EnrolmentFactory(pupil=pupil, school=school, enrolment_date=days(30), group="6")  # a later re-enrolment
    opp = OppFactory(school=school, pupil=pupil)
    annotated = selectors.adoption_deadlines(Opp.objects.filter(pk=opp.pk)).get()
    assert annotated.adoption_start == days(-50) == deadlines.adoption_start(opp)


def test_rule_8_evaluations_due_within_30_days_and_overdue_are_listed(client, school, ib, leader):
    soon = running_plan(school, ib, evaluation_in=10)
    late = running_plan(school, ib, evaluation_in=-12)
    today_due = running_plan(school, ib, evaluation_in=0)
    running_plan(school, ib, evaluation_in=45)
    ended = plan(school, ib, status=OppStatus.BEEINDIGD, adopted_on=days(-400), ended_on=days(-30),
                 next_evaluation_due=days(-5))
    client.force_login(leader)
    response = client.get(URL)
    assert rows(response, "evalueren") == [late, today_due, soon]
    assert ended not in rows(response, "evalueren")
    texts = {row.opp: row.text for row in section(response, "evalueren").rows}
    assert texts == {late: "12 dagen te laat", today_due: "vandaag", soon: "over 10 dagen"}
    assert section(response, "evalueren").late_count == 1


def test_plans_waiting_for_instemming_longer_than_14_days_are_listed(client, school, ib, leader):
    long = waiting_plan(school, ib, sent_days_ago=20)
    waiting_plan(school, ib, sent_days_ago=3)
    client.force_login(leader)
    response = client.get(URL)
    assert rows(response, "instemming") == [long]
    assert section(response, "instemming").rows[0].text == "wacht al 20 dagen"
    assert "wacht al 20 dagen" in response.content.decode()


@pytest.fixture
def without_consent_filter():
    """Plans on its own, as before the consent app answers; restored afterwards."""
    with selectors.MISSING_HEARING.unanswered():
        yield


def test_plans_without_a_recorded_hearing_are_listed_until_consent_can_record_it(
    client, school, ib, leader, without_consent_filter
):
    concept = plan(school, ib, status=OppStatus.CONCEPT)
    overleg = plan(school, ib, status=OppStatus.IN_OVERLEG)
    waiting = waiting_plan(school, ib, sent_days_ago=1)
    running = running_plan(school, ib, evaluation_in=100)
    client.force_login(leader)
    response = client.get(URL)
    listed = rows(response, "hoorrecht")
    assert set(listed) == {concept, overleg, waiting}
    assert running not in listed
    assert "hoorrecht nog niet vastgelegd" in response.content.decode()
    assert section(response, "hoorrecht").note  # the page says why every draft is listed


def test_the_consent_app_can_supply_the_missing_hearing_filter(client, school, ib, leader, without_consent_filter):
    heard = plan(school, ib, status=OppStatus.CONCEPT)
    not_heard = plan(school, ib, status=OppStatus.IN_OVERLEG)
    client.force_login(leader)
    with selectors.MISSING_HEARING.answered_by(lambda plans: plans.exclude(pk=heard.pk)):
        response = client.get(URL)
    assert rows(response, "hoorrecht") == [not_heard]
    assert not section(response, "hoorrecht").note


def test_the_rows_are_grouped_per_ib_and_counted_at_the_top(client, school, leader):
    anna = staff("ib", school=school)
    anna.full_name = "Anna Aalders"
    anna.save()
    bert = staff("ib", school=school)
    bert.full_name = "Bert Bakker"
    bert.save()
    running_plan(school, bert, evaluation_in=3)
    running_plan(school, anna, evaluation_in=5)
    running_plan(school, bert, evaluation_in=-1)
    client.force_login(leader)
    response = client.get(URL)
    groups = section(response, "evalueren").groups
    assert [g.name for g in groups] == ["Anna Aalders", "Bert Bakker"]
    assert [len(g.rows) for g in groups] == [1, 2]
    counts = {e["name"]: e["counts"] for e in response.context["ib_counts"]}
    keys = [s.key for s in response.context["sections"]]
    assert counts["Bert Bakker"][keys.index("evalueren")] == 2
    body = response.content.decode()
    assert body.index("Anna Aalders") < body.index("Bert Bakker")
    assert "<caption" in body and 'scope="rowgroup"' in body
    # On a phone the per-ib table scrolls sideways: a keyboard reaches it, a screen reader names it.
    assert '<div class="table-responsive" tabindex="0" role="region" aria-labelledby="kop-per-ib">' in body
    assert 'id="kop-per-ib"' in body


def test_the_group_column_shows_the_pupils_current_group(client, school, ib, leader):
    pupil = enrolled_pupil(school, group="7B")
    opp = OppFactory(school=school, pupil=pupil, created_by=ib, status=OppStatus.VASTGESTELD,
                     adopted_on=days(-300), next_evaluation_due=days(2))
    client.force_login(leader)
    response = client.get(URL)
    assert [row.group for row in section(response, "evalueren").rows if row.opp == opp] == ["7B"]


# --- speed ----------------------------------------------------------------------------------------------------

def _build(school, ib, count: int) -> None:
    for i in range(count):
        kind = i % 4
        if kind == 0:
            adoption_plan(school, ib, due_in=i % 20 - 10)
        elif kind == 1:
            running_plan(school, ib, evaluation_in=i % 40 - 10)
        elif kind == 2:
            waiting_plan(school, ib, sent_days_ago=15 + i % 10)
        else:
            plan(school, staff("ib", school=school), status=OppStatus.IN_OVERLEG)


def _queries(client, user) -> tuple[int, int]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL)
    assert response.status_code == 200
    return len(context.captured_queries), sum(s.count for s in response.context["sections"])


def test_the_number_of_queries_does_not_grow_with_the_number_of_plans(client):
    small_school, large_school = SchoolFactory(), SchoolFactory()
    small_leader = staff("school_leader", school=small_school)
    large_leader = staff("school_leader", school=large_school)
    _build(small_school, staff("ib", school=small_school), 5)
    _build(large_school, staff("ib", school=large_school), 40)
    small, small_rows = _queries(client, small_leader)
    large, large_rows = _queries(client, large_leader)
    assert small_rows < large_rows
    assert small == large


# --- who sees it ------------------------------------------------------------------------------------------------

def test_the_ib_sees_the_overview_of_their_school(client, school, ib):
    opp = running_plan(school, ib, evaluation_in=3)
    client.force_login(ib)
    response = client.get(URL)
    assert response.status_code == 200
    assert rows(response, "evalueren") == [opp]
    assert 'href="/overzicht/"' in response.content.decode()  # the nav link


def test_the_per_ib_table_that_scrolls_sideways_on_a_phone_can_be_reached_by_keyboard(client, school, ib, leader):
    running_plan(school, ib, evaluation_in=3)
    client.force_login(leader)
    html = client.get(URL).content.decode()
    assert '<div class="table-responsive" tabindex="0" role="region" aria-labelledby="kop-per-ib">' in html
    assert 'id="kop-per-ib"' in html


@pytest.mark.parametrize("role", ["teacher", "board_admin", "swv", "parent", "nobody"])
def test_outsiders_get_a_404(client, school, ib, role):
    running_plan(school, ib, evaluation_in=3)
    if role == "teacher":
        user = staff("teacher", school=school, groups="5")
    elif role == "board_admin":
        user = staff("board_admin", board=school.board)
    elif role == "swv":
        user = staff("swv", swv=school.swv)
    elif role == "parent":
        user = parent_of(enrolled_pupil(school))
    else:
        user = UserFactory()
    client.force_login(user)
    assert client.get(URL).status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_leader_of_another_school_neither_sees_its_plans_nor_can_pick_it(client, school, ib):
    mine = running_plan(school, ib, evaluation_in=3)
    other = SchoolFactory()
    other_leader = staff("school_leader", school=other)
    client.force_login(other_leader)
    response = client.get(URL)
    assert mine not in rows(response, "evalueren")
    assert mine.pupil.last_name not in response.content.decode()
    assert client.get(URL, {"school": str(school.uuid)}).status_code == 404


def test_staff_of_several_schools_pick_a_school(client, school, ib):
    second = SchoolFactory(name="Zonnewijzer")
    user = staff("school_leader", school=school)
    from schools.models import Membership

    Membership.objects.create(user=user, role="ib", school=second)
    there = running_plan(second, ib, evaluation_in=4)
    client.force_login(user)
    response = client.get(URL)
    assert response.context["school"] == school
    assert 'name="school"' in response.content.decode()
    response = client.get(URL, {"school": str(second.uuid)})
    assert response.context["school"] == second
    assert rows(response, "evalueren") == [there]


def test_days_text_is_plain_dutch():
    assert overview.days_text(5) == "over 5 dagen"
    assert overview.days_text(1) == "morgen"
    assert overview.days_text(0) == "vandaag"
    assert overview.days_text(-1) == "1 dag te laat"
    assert overview.days_text(-12) == "12 dagen te laat"


def test_viewing_the_overview_is_logged_once_per_page(client, school, ib, leader):
    from opp_portal.audit.models import AuditEvent

    running_plan(school, ib, evaluation_in=3)
    client.force_login(leader)
    client.get(URL)
    event = AuditEvent.objects.get(action="overview.viewed")
    assert event.actor == leader and event.on_behalf_of == f"school:{school.code}"


# --- the new lists and the ib's own list ---------------------------------------------------------------------------

def test_the_overview_shows_ready_and_objections_apart_from_waiting(client, leader, school):
    body_sections = None
    client.force_login(leader)
    response = client.get(URL)
    body_sections = [s.key for s in response.context["sections"]]
    assert body_sections == ["klaar", "bezwaar", "vaststellen", "evalueren", "instemming", "hoorrecht"]
    body = response.content.decode()
    assert "Klaar om vast te stellen" in body and "Niet akkoord of eerst een gesprek" in body


MY_PLANS = reverse("plans:my_plans")


def test_an_ib_sees_their_own_plans_that_need_action_and_not_a_colleagues(client, school, ib):
    mine = plan(school, ib, status=OppStatus.CONCEPT)
    due = running_plan(school, ib, evaluation_in=5)
    colleague = plan(school, staff("ib", school=school), status=OppStatus.CONCEPT)
    client.force_login(ib)
    response = client.get(MY_PLANS)
    assert response.status_code == 200
    listed = {row.opp for s in response.context["sections"] for row in s.rows}
    assert mine in listed and due in listed and colleague not in listed
    keys = {s.key: [row.opp for row in s.rows] for s in response.context["sections"]}
    assert keys["opstellen"] == [mine] and keys["evalueren"] == [due]


def test_my_plans_says_why_a_plan_in_preparation_has_no_term_instead_of_repeating_its_status(client, school, ib):
    adjusting = running_plan(school, ib, evaluation_in=200)
    version = OppVersion.objects.create(opp=adjusting, number=1, content={}, content_hash="0" * 64, created_by=ib)
    Opp.objects.filter(pk=adjusting.pk).update(status=OppStatus.BIJGESTELD, adopted_version=version)
    internal = plan(school, ib, kind="basisondersteuning")
    sent_today = waiting_plan(school, ib, sent_days_ago=0)
    client.force_login(ib)
    response = client.get(MY_PLANS)
    texts = {row.opp.pk: row.text for s in response.context["sections"] for row in s.rows if s.key == "opstellen"}
    assert texts[adjusting.pk] == "geen termijn: de geldende versie blijft van kracht"
    assert texts[internal.pk] == "geen termijn (intern plan)"
    waiting = {row.opp.pk: row.text for row in section(response, "instemming").rows}
    assert waiting[sent_today.pk] == "vandaag voorgelegd"


def test_my_plans_lists_plans_in_preparation_by_their_deadline_the_late_first_the_termless_last(client, school, ib):
    older_later = adoption_plan(school, ib, due_in=30)
    termless = plan(school, ib, kind="basisondersteuning")
    late = adoption_plan(school, ib, due_in=-17)
    soon = adoption_plan(school, ib, due_in=2)
    client.force_login(ib)
    rows = section(client.get(MY_PLANS), "opstellen").rows
    assert [row.opp for row in rows] == [late, soon, older_later, termless]


@pytest.mark.parametrize("role", ["school_leader", "teacher", "board_admin"])
def test_my_plans_is_for_ibs_only(client, school, role):
    user = staff(role, school=school if role != "board_admin" else None, board=school.board if role == "board_admin"
                 else None, groups="5")
    client.force_login(user)
    assert client.get(MY_PLANS).status_code == 404


def test_the_overview_uses_the_words_of_a_vo_school(client):
    vo = SchoolFactory(school_type="vo")
    ib = staff("ib", school=vo)
    running_plan(vo, ib, evaluation_in=3)
    client.force_login(staff("school_leader", school=vo))
    body = client.get(URL).content.decode()
    assert ">Klas<" in body and "Aantal per zorgcoördinator" in body and ">Groep<" not in body


def test_a_long_section_shows_a_page_of_rows_and_keeps_the_counts_of_all(client, school, ib, leader):
    plans = [adoption_plan(school, ib, due_in=n) for n in range(1, overview.PAGE_SIZE + 6)]
    client.force_login(leader)
    first = client.get(URL)
    listed = section(first, "vaststellen")
    assert listed.count == overview.PAGE_SIZE + 5 and len(listed.shown_rows) == overview.PAGE_SIZE
    assert [row.opp for row in listed.shown_rows] == plans[:overview.PAGE_SIZE]  # the most urgent first
    body = first.content.decode()
    assert f"Pagina 1 van 2 (plannen 1–{overview.PAGE_SIZE} van {overview.PAGE_SIZE + 5})" in body
    assert escape(plans[-1].pupil.full_name) not in body
    ib_row = next(entry for entry in first.context["ib_counts"])
    assert overview.PAGE_SIZE + 5 in ib_row["counts"]  # the counts per ib count every plan, not the page
    second = client.get(URL + listed.next_url.split("#")[0])
    assert [row.opp for row in section(second, "vaststellen").shown_rows] == plans[overview.PAGE_SIZE:]
    assert escape(plans[-1].pupil.full_name) in second.content.decode()
    assert "Vorige" in second.content.decode()


def test_a_page_number_out_of_range_or_not_a_number_shows_a_page_not_an_error(client, school, ib, leader):
    adoption_plan(school, ib, due_in=3)
    client.force_login(leader)
    for value in ("999", "x", "-1", "\x00"):
        response = client.get(URL, {"pagina-vaststellen": value})
        assert response.status_code == 200
        assert len(section(response, "vaststellen").shown_rows) == 1


def test_the_overview_paged_in_the_database_shows_the_rows_and_counts_the_lists_built_in_python_show(
    school, ib, leader
):
    from django.http import QueryDict

    from plans import overview_paged

    other = staff("ib", school=school)
    other.full_name = "Anna Aalders"
    other.save()
    ib.full_name = "Zeger Zwart"  # not a faker name that sorts first ("Aimée Blonk" did)
    ib.save()
    for n in range(overview.PAGE_SIZE + 3):
        adoption_plan(school, ib if n % 3 else other, due_in=n % 30 - 12)
    for n in range(8):
        running_plan(school, other if n % 2 else ib, evaluation_in=n * 5 - 10)
        waiting_plan(school, ib, sent_days_ago=15 + n)
    plans = selectors.overview_plans(leader, school)
    built = overview.build_sections(plans)
    for number, whole_school in (("1", False), ("2", False), ("1", True), ("2", True), ("1", True)):
        query = QueryDict(f"pagina-vaststellen={number}&pagina-hoorrecht={number}")
        paged, ib_counts = overview_paged.overview_sections(plans, query,
                                                            whole_school_id=school.pk if whole_school else None)
        expected = overview.build_sections(plans)
        overview.page_sections(expected, query)
        assert [s.key for s in paged] == [s.key for s in expected]
        for mine, theirs in zip(paged, expected, strict=True):
            assert (mine.count, mine.late_count) == (theirs.count, theirs.late_count), mine.key
            assert mine.page.number == theirs.page.number and mine.page.paginator.num_pages == theirs.page.paginator.num_pages
            assert [(r.opp, r.day, r.text, r.urgency, r.who, r.group) for r in mine.shown_rows] == [
                (r.opp, r.day, r.text, r.urgency, r.who, r.group) for r in theirs.shown_rows], mine.key
            assert (mine.previous_url, mine.next_url) == (theirs.previous_url, theirs.next_url)
            assert [g.name for g in mine.groups] == [g.name for g in theirs.groups]
        per_ib = {}
        for index, section in enumerate(built):
            for group in section.all_groups:
                per_ib.setdefault(group.name, [0] * len(built))[index] = len(group.rows)
        assert {e["name"]: e["counts"] for e in ib_counts} == per_ib
        assert [e["name"] for e in ib_counts][0] == "Anna Aalders"


def test_a_pupils_name_with_markup_is_shown_as_text_in_the_overviews_rows(client, school, ib, leader):
    opp = adoption_plan(school, ib, due_in=3)
    opp.pupil.first_name = '<b onclick="x()">Bram</b>'
    opp.pupil.save()
    client.force_login(leader)
    body = client.get(URL).content.decode()
    assert "&lt;b onclick=&quot;x()&quot;&gt;Bram&lt;/b&gt;" in body and "<b onclick" not in body


def test_an_ibs_group_counts_plans_not_rows_when_both_parents_of_one_plan_objected():
    from types import SimpleNamespace

    from django.utils import translation

    from plans.overview import IbGroup, Row

    emma, olivier = SimpleNamespace(pk=1), SimpleNamespace(pk=2)
    rows = [Row(opp=plan, day=None, days=None, text="", urgency="", who=who)
            for plan, who in ((emma, "moeder"), (emma, "vader"), (olivier, "moeder"))]
    ib = SimpleNamespace(get_full_name=lambda: "Marloes Hendriks")
    with translation.override("nl"):
        assert IbGroup(ib=ib, rows=rows).heading == "Marloes Hendriks · 2 plannen"


def test_a_page_asked_that_does_not_exist_is_kept_in_the_other_links_as_the_page_shown():
    from types import SimpleNamespace

    from django.http import QueryDict

    sections = [SimpleNamespace(key="hoorrecht", page=SimpleNamespace(number=2)),
                SimpleNamespace(key="klaar", page=SimpleNamespace(number=1))]
    shown = overview.pages_shown(sections, QueryDict("pagina-hoorrecht=3&school=x"))
    assert shown.urlencode() == "pagina-hoorrecht=2&school=x"  # klaar was not asked: not added
