"""The personal calendar feed: creating and revoking through services, no login for the .ics, no pupil
names or content in it, reach taken from the owner at every fetch, and valid iCalendar (RFC 5545)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from opp_portal.audit.models import AuditEvent
from plans import calendar
from plans.models import CalendarFeed, OppStatus
from schools.models import Membership
from schools.services import NotAllowed
from tests.factories import SchoolFactory, enrolled_pupil, parent_of, staff

from .factories import OppFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("plans:calendar")
SUPPORT_TEXT = "Twee keer per week extra leesbegeleiding in een klein groepje."


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def school():
    return SchoolFactory(school_type="bao", name="OBS De Vlinderboom, locatie Zuid; bovenbouw")


@pytest.fixture
def ib(school):
    return staff("ib", school=school)


@pytest.fixture
def plans(school, ib):
    """A draft with an adoption deadline and a running plan with an evaluation date."""
    draft = OppFactory(school=school, created_by=ib, support_start_date=days(-10), support_and_guidance=SUPPORT_TEXT)
    running = OppFactory(school=school, created_by=ib, status=OppStatus.VASTGESTELD, adopted_on=days(-200),
                         next_evaluation_due=days(40), support_and_guidance=SUPPORT_TEXT)
    return draft, running


def feed_url(feed) -> str:
    return reverse("plans:calendar_feed", kwargs={"token": feed.token})


def unfold(body: str) -> list[str]:
    return body.replace("\r\n ", "").split("\r\n")


# --- the page and the services ---------------------------------------------------------------------------------

def test_the_ib_creates_a_feed_and_sees_its_url(client, ib):
    client.force_login(ib)
    response = client.post(reverse("plans:calendar_create"))
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(user=ib)
    assert len(feed.token) >= 40
    page = client.get(PAGE).content.decode()
    assert feed.token in page and ".ics" in page
    event = AuditEvent.objects.get(action="calendar_feed.created")
    assert event.actor == ib and event.object_id == str(feed.pk)
    assert feed.token not in str(event.details)


def test_the_feed_link_uses_the_portals_public_address_not_the_host_of_the_request(client, ib):
    client.force_login(ib)
    client.post(reverse("plans:calendar_create"))
    feed = CalendarFeed.objects.get(user=ib)
    page = client.get(PAGE, HTTP_HOST="127.0.0.1").content.decode()
    assert f"https://opp-portaal.example.nl{feed_url(feed)}" in page and "127.0.0.1" not in page


def test_a_new_feed_replaces_the_old_one(ib):
    first = calendar.create_feed(user=ib)
    second = calendar.create_feed(user=ib)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None
    assert first.token != second.token


def test_revoking_a_feed_makes_its_url_a_404(client, ib, plans):
    feed = calendar.create_feed(user=ib)
    assert client.get(feed_url(feed)).status_code == 200
    client.force_login(ib)
    response = client.post(reverse("plans:calendar_revoke", kwargs={"feed_uuid": feed.uuid}))
    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert AuditEvent.objects.filter(action="calendar_feed.revoked", object_id=str(feed.pk)).exists()
    client.logout()
    assert client.get(feed_url(feed)).status_code == 404


def test_nobody_else_can_revoke_a_feed(client, school, ib):
    feed = calendar.create_feed(user=ib)
    other = staff("ib", school=school)
    client.force_login(other)
    assert client.post(reverse("plans:calendar_revoke", kwargs={"feed_uuid": feed.uuid})).status_code == 404
    with pytest.raises(NotAllowed):
        calendar.revoke_feed(user=other, feed=feed)
    feed.refresh_from_db()
    assert feed.revoked_at is None


def test_an_unknown_token_is_a_404(client):
    assert client.get(reverse("plans:calendar_feed", kwargs={"token": "onbekend-token"})).status_code == 404
    assert client.get(reverse("plans:calendar_feed", kwargs={"token": "x" * 200})).status_code == 404


@pytest.mark.parametrize("role", ["board_admin", "swv", "parent"])
def test_people_without_plans_at_a_school_get_no_feed(client, school, role):
    if role == "board_admin":
        user = staff("board_admin", board=school.board)
    elif role == "swv":
        user = staff("swv", swv=school.swv)
    else:
        user = parent_of(enrolled_pupil(school))
    client.force_login(user)
    assert client.get(PAGE).status_code == 404
    assert client.post(reverse("plans:calendar_create")).status_code == 404
    assert not CalendarFeed.objects.exists()
    with pytest.raises(NotAllowed):
        calendar.create_feed(user=user)


def test_the_school_leader_and_a_teacher_can_have_a_feed(client, school):
    for user in (staff("school_leader", school=school), staff("teacher", school=school, groups="5")):
        client.force_login(user)
        assert client.get(PAGE).status_code == 200
        assert client.post(reverse("plans:calendar_create")).status_code == 302
        assert CalendarFeed.objects.filter(user=user).exists()


# --- the feed ----------------------------------------------------------------------------------------------------

def test_the_feed_lists_the_deadlines_without_pupil_names_or_content(client, ib, plans):
    draft, running = plans
    feed = calendar.create_feed(user=ib)
    response = client.get(feed_url(feed))  # no login
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode("utf-8")
    lines = unfold(body)
    assert lines.count("BEGIN:VEVENT") == 2
    adoption_day = (draft.support_start_date + datetime.timedelta(weeks=6)).strftime("%Y%m%d")
    assert f"DTSTART;VALUE=DATE:{adoption_day}" in lines
    assert f"DTSTART;VALUE=DATE:{running.next_evaluation_due:%Y%m%d}" in lines
    assert any(line.startswith("SUMMARY:OPP-evaluatie gepland") and str(running.uuid)[:8] in line for line in lines)
    assert any(line.startswith("SUMMARY:Uiterste datum vaststellen OPP") for line in lines)
    assert f"https://opp-portaal.example.nl/opp/{running.uuid}/" in body.replace("\r\n ", "")
    for opp in (draft, running):
        for name in (opp.pupil.first_name, opp.pupil.last_name):
            assert name not in body.replace("\r\n ", "")
    assert SUPPORT_TEXT not in body.replace("\r\n ", "")
    assert "leesbegeleiding" not in body


def test_the_feed_of_a_user_who_left_the_school_shows_nothing(client, ib, plans):
    feed = calendar.create_feed(user=ib)
    Membership.objects.filter(user=ib).delete()
    response = client.get(feed_url(feed))
    assert response.status_code == 200
    body = response.content.decode()
    assert "BEGIN:VCALENDAR" in body and "BEGIN:VEVENT" not in body


def test_the_feed_of_an_inactive_user_shows_nothing(client, ib, plans):
    feed = calendar.create_feed(user=ib)
    ib.is_active = False
    ib.save()
    assert "BEGIN:VEVENT" not in client.get(feed_url(feed)).content.decode()


def test_the_feed_shows_only_plans_the_owner_reaches(client, school, ib, plans):
    other_school = SchoolFactory()
    elsewhere = OppFactory(school=other_school, support_start_date=days(-5))
    teacher = staff("teacher", school=school, groups="9")  # no plan pupils in group 9
    feed = calendar.create_feed(user=teacher)
    body = client.get(feed_url(feed)).content.decode()
    assert "BEGIN:VEVENT" not in body
    assert str(elsewhere.uuid) not in client.get(feed_url(calendar.create_feed(user=ib))).content.decode()


def test_ended_and_adopted_plans_have_no_adoption_event(client, school, ib):
    OppFactory(school=school, status=OppStatus.BEEINDIGD, ended_on=days(-1), support_start_date=days(-30))
    feed = calendar.create_feed(user=ib)
    assert "BEGIN:VEVENT" not in client.get(feed_url(feed)).content.decode()


# --- iCalendar ---------------------------------------------------------------------------------------------------

def test_the_feed_is_valid_icalendar_with_crlf_folding_and_escaping(client, ib, plans):
    feed = calendar.create_feed(user=ib)
    raw = client.get(feed_url(feed)).content
    body = raw.decode("utf-8")
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")  # no bare line feeds
    physical = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in physical)
    assert any(line.startswith(b" ") for line in physical)  # the long summaries were folded
    lines = unfold(body)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2
    for prefix in ("UID:", "DTSTAMP:", "DTSTART;VALUE=DATE:", "DTEND;VALUE=DATE:", "SUMMARY:"):
        assert sum(line.startswith(prefix) for line in lines) == 2
    assert all(line.split(":", 1)[1].endswith("@opp-portaal.example.nl") for line in lines if line.startswith("UID:"))
    summary = next(line for line in lines if line.startswith("SUMMARY:OPP-evaluatie"))
    assert "OBS De Vlinderboom\\, locatie Zuid\\; bovenbouw" in summary
    stamp = next(line for line in lines if line.startswith("DTSTAMP:"))
    assert len(stamp) == len("DTSTAMP:20260101T120000Z") and stamp.endswith("Z")


def test_escape_text_follows_rfc_5545():
    assert calendar.escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"


def test_fold_never_splits_a_utf8_character_and_keeps_lines_at_75_octets():
    line = "SUMMARY:" + "ë" * 100 + "x" * 30
    folded = calendar.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
    assert calendar.fold("SHORT:x") == "SHORT:x"


def test_a_teacher_finds_the_calendar_page_in_the_menu(client):
    from django.urls import reverse

    from tests.factories import SchoolFactory, staff

    client.force_login(staff("teacher", school=SchoolFactory(), groups="5"))
    page = client.get(reverse("schools:pupil_list")).content.decode()
    assert f'href="{reverse("plans:calendar")}"' in page
    assert client.get(reverse("plans:calendar")).status_code == 200


# --- item 9: a broken URL or a date at the end of the calendar is not a 500 -------------------------------------

@pytest.mark.parametrize("token", ["%00", "abc%00def", "..%2F..", "a b", "é"])
def test_a_feed_url_with_a_nul_byte_or_odd_characters_is_a_404(client, token):
    assert client.get(f"/agenda/{token}.ics").status_code == 404


def test_a_start_date_of_9999_12_31_stored_earlier_does_not_break_the_schools_feed(client, school, ib, plans):
    from plans.models import Opp

    OppFactory(school=school, created_by=ib, support_start_date=days(-5))
    Opp.objects.filter(pk=plans[0].pk).update(support_start_date=datetime.date(9999, 12, 31))
    feed = calendar.create_feed(user=ib)
    response = client.get(feed_url(feed))
    assert response.status_code == 200
    body = unfold(response.content.decode())
    assert "DTSTART;VALUE=DATE:99991231" not in body and body.count("BEGIN:VEVENT") == 2
