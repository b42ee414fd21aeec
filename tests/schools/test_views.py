"""The school, pupil and guardian pages: login, reach (404 for outsiders), search, htmx, bad input, query counts."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opp_portal.access import forget_reach
from opp_portal.audit.models import AuditEvent
from schools.models import Enrolment, Guardian, Guardianship, Membership, Pupil
from tests.factories import (
    BoardFactory,
    EnrolmentFactory,
    GuardianFactory,
    GuardianshipFactory,
    SchoolFactory,
    SwvFactory,
    UserFactory,
    enrolled_pupil,
    make_bsn,
    make_onderwijsnummer,
    parent_of,
    pupil_account,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    """School A (board 1, SWV 1) and school B (board 2, SWV 2), a pupil with a guardian at each."""
    a = SchoolFactory(board=BoardFactory(), swv=SwvFactory(), name="Basisschool Het Anker")
    b = SchoolFactory(board=BoardFactory(), swv=SwvFactory(), name="Basisschool De Boomgaard")
    pa = enrolled_pupil(a, group="5", first_name="Anoukje", last_name="Zonneveld")
    pa6 = enrolled_pupil(a, group="6", first_name="Semmie", last_name="Achterberg")
    pb = enrolled_pupil(b, group="5", first_name="Brammetje", last_name="Zonneveld", bsn=None,
                        onderwijsnummer=make_onderwijsnummer())
    # Names no faker-made user or school can contain, so "not in the page" means what it says.
    ga = GuardianshipFactory(pupil=pa, guardian=GuardianFactory(
        first_name="Gerda", last_name="Kwakkelstein", email="gerda.kwakkelstein@example.test")).guardian
    gb = GuardianshipFactory(pupil=pb).guardian
    return SimpleNamespace(a=a, b=b, pa=pa, pa6=pa6, pb=pb, ga=ga, gb=gb, ib_a=staff("ib", school=a),
                           ib_b=staff("ib", school=b))


def url(name, *args):
    return reverse(f"schools:{name}", args=args)


def object_urls(w):
    """Every page about pupil `pa` or school A, with the method it answers."""
    return {
        "school_detail": ("get", url("school_detail", w.a.uuid)),
        "pupil_detail": ("get", url("pupil_detail", w.pa.uuid)),
        "pupil_edit": ("get", url("pupil_edit", w.pa.uuid)),
        "pupil_edit_post": ("post", url("pupil_edit", w.pa.uuid)),
        "guardian_add": ("get", url("guardian_add", w.pa.uuid)),
        "guardian_add_post": ("post", url("guardian_add", w.pa.uuid)),
        "guardian_edit": ("get", url("guardian_edit", w.pa.uuid, w.ga.uuid)),
        "guardian_edit_post": ("post", url("guardian_edit", w.pa.uuid, w.ga.uuid)),
        "guardian_remove": ("post", url("guardian_remove", w.pa.uuid, w.ga.uuid)),
    }


OBJECT_VIEWS = [
    "school_detail", "pupil_detail", "pupil_edit", "pupil_edit_post", "guardian_add", "guardian_add_post",
    "guardian_edit", "guardian_edit_post", "guardian_remove",
]
ALL_VIEWS = ["school_list", "pupil_list", "pupil_create", "my_children", "home", *OBJECT_VIEWS]


def view_url(w, name):
    if name == "home":
        return "get", reverse("home")
    if name in ("school_list", "pupil_list", "pupil_create", "my_children"):
        return "get", url(name)
    return object_urls(w)[name]


# --- login ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_VIEWS)
def test_anonymous_user_is_sent_to_the_login_page_from_every_view(client, w, name):
    method, target = view_url(w, name)
    response = getattr(client, method)(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["school_list", "pupil_list", "pupil_create", "my_children", "pupil_detail"])
def test_anonymous_user_is_sent_to_the_login_page_whatever_the_method(client, w, name):
    _, target = view_url(w, name)
    response = client.post(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_deactivated_user_with_a_session_is_sent_to_the_login_page(client, w):
    client.force_login(w.ib_a)
    w.ib_a.is_active = False
    w.ib_a.save()
    response = client.get(url("pupil_detail", w.pa.uuid))
    assert response.status_code == 302


# --- outsiders get a 404, never a 403 ------------------------------------------------------------


OUTSIDERS = {
    "ib of another school": lambda w: w.ib_b,
    "school leader of another school": lambda w: staff("school_leader", school=w.b),
    "parent of another child": lambda w: parent_of(w.pb),
    "board admin of another board": lambda w: staff("board_admin", board=w.b.board),
    "swv of another region": lambda w: staff("swv", swv=w.b.swv),
    "pupil account of another pupil": lambda w: pupil_account(w.pb),
    "user without memberships": lambda w: UserFactory(),
}


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize("name", OBJECT_VIEWS)
def test_outsider_gets_404_for_a_school_or_pupil_out_of_reach(client, w, outsider, name):
    client.force_login(OUTSIDERS[outsider](w))
    method, target = object_urls(w)[name]
    response = getattr(client, method)(target, {"last_name": "Kwaad", "relationship": "ouder"})
    assert response.status_code == 404
    assert Guardianship.objects.filter(pupil=w.pa, guardian=w.ga).exists()
    assert Guardian.objects.get(pk=w.ga.pk).last_name == "Kwakkelstein"
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("role", ["teacher", "board_admin", "swv", "parent", "pupil"])
@pytest.mark.parametrize("name", ["pupil_edit_post", "guardian_add_post", "guardian_edit_post", "guardian_remove"])
def test_who_may_read_but_not_edit_gets_404_on_every_change(client, w, role, name):
    user = {
        "teacher": lambda: staff("teacher", school=w.a, groups="5"),
        "board_admin": lambda: staff("board_admin", board=w.a.board),
        "swv": lambda: staff("swv", swv=w.a.swv),
        "parent": lambda: parent_of(w.pa),
        "pupil": lambda: pupil_account(w.pa),
    }[role]()
    client.force_login(user)
    method, target = object_urls(w)[name]
    assert getattr(client, method)(target, {"last_name": "Kwaad", "relationship": "ouder"}).status_code == 404
    assert Guardianship.objects.filter(pupil=w.pa, guardian=w.ga).exists()
    assert Guardian.objects.get(pk=w.ga.pk).last_name == "Kwakkelstein"
    assert not AuditEvent.objects.exists()


def test_teacher_of_another_group_gets_404_for_the_pupil(client, w):
    client.force_login(staff("teacher", school=w.a, groups="6"))
    assert client.get(url("pupil_detail", w.pa.uuid)).status_code == 404
    assert client.get(url("pupil_detail", w.pa6.uuid)).status_code == 200


def test_swv_sees_its_school_but_gets_404_for_its_pupils(client, w):
    client.force_login(staff("swv", swv=w.a.swv))
    assert client.get(url("school_detail", w.a.uuid)).status_code == 200
    assert client.get(url("pupil_detail", w.pa.uuid)).status_code == 404


def test_guardian_of_another_pupil_gets_404_through_an_editable_pupil(client, w):
    client.force_login(w.ib_a)
    assert client.get(url("guardian_edit", w.pa.uuid, w.gb.uuid)).status_code == 404
    assert client.post(url("guardian_remove", w.pa.uuid, w.gb.uuid)).status_code == 404
    assert Guardianship.objects.filter(guardian=w.gb).exists()


@pytest.mark.parametrize("who", ["teacher", "board_admin", "swv", "parent", "pupil", "nobody"])
def test_who_may_not_add_pupils_gets_404_on_pupil_create(client, w, who):
    user = {
        "teacher": lambda: staff("teacher", school=w.a, groups="5"),
        "board_admin": lambda: staff("board_admin", board=w.a.board),
        "swv": lambda: staff("swv", swv=w.a.swv),
        "parent": lambda: parent_of(w.pa),
        "pupil": lambda: pupil_account(w.pa),
        "nobody": UserFactory,
    }[who]()
    client.force_login(user)
    assert client.get(url("pupil_create")).status_code == 404
    assert client.post(url("pupil_create"), valid_pupil_post(w.a)).status_code == 404
    assert Pupil.objects.count() == 3


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_lists_show_an_outsider_nothing_of_school_a(client, w, outsider):
    client.force_login(OUTSIDERS[outsider](w))
    for target in (url("school_list"), url("pupil_list") + "?left=on", url("my_children")):
        body = client.get(target).content.decode()
        assert "Anoukje" not in body and "Het Anker" not in body and w.pa.bsn not in body


def test_the_school_pages_are_staff_pages_and_count_the_pupils_the_user_may_see(client, w):
    for family in (parent_of(w.pa), pupil_account(w.pa)):
        client.force_login(family)
        assert client.get(url("school_list")).status_code == 404
        assert client.get(url("school_detail", w.a.uuid)).status_code == 404
    enrolled_pupil(w.a, group="6", last_name="Groepzes")
    for user in (w.ib_a, staff("teacher", school=w.a, groups="5"), staff("board_admin", board=w.a.board),
                 staff("swv", swv=w.a.swv)):
        client.force_login(user)
        listed = {s.pk: s.pupil_count for s in client.get(url("school_list")).context["schools"]}
        detail = client.get(url("school_detail", w.a.uuid))
        assert listed[w.a.pk] == detail.context["pupil_count"], user


@pytest.mark.parametrize(
    ("who", "goes_to"),
    [("ib", "plans:my_plans"), ("school_leader", "plans:overview"), ("teacher", "schools:pupil_list"),
     ("board_admin", "registration:index"), ("swv", "schools:school_list"), ("parent", "schools:my_children"),
     ("pupil", "schools:my_children")],
)
def test_home_sends_each_role_to_its_start_page(client, w, who, goes_to):
    user = {
        "ib": lambda: w.ib_a,
        "school_leader": lambda: staff("school_leader", school=w.a),
        "teacher": lambda: staff("teacher", school=w.a, groups="5"),
        "board_admin": lambda: staff("board_admin", board=w.a.board),
        "swv": lambda: staff("swv", swv=w.a.swv),
        "parent": lambda: parent_of(w.pa),
        "pupil": lambda: pupil_account(w.pa),
    }[who]()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse(goes_to)


@pytest.mark.parametrize("who", ["nobody", "parent without gezag"])
def test_home_tells_a_user_without_reach_that_they_have_no_access_yet(client, w, who):
    user = UserFactory() if who == "nobody" else parent_of(w.pa, has_gezag=False)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Nog geen toegang" in response.content.decode()


# --- what each role sees on the pages --------------------------------------------------------------


def test_parent_sees_their_child_and_its_guardians_on_my_children_and_detail(client, w):
    user = parent_of(w.pa)
    client.force_login(user)
    assert "Anoukje" in client.get(url("my_children")).content.decode()
    body = client.get(url("pupil_detail", w.pa.uuid)).content.decode()
    assert w.ga.last_name in body
    assert url("pupil_edit", w.pa.uuid) not in body
    assert url("guardian_add", w.pa.uuid) not in body


def test_pupil_sees_themself_but_not_their_parents_details(client, w):
    client.force_login(pupil_account(w.pa))
    body = client.get(url("pupil_detail", w.pa.uuid)).content.decode()
    assert "Anoukje" in body
    assert w.ga.email not in body


def test_board_admin_sees_identifiers_and_dates_but_no_guardians(client, w):
    client.force_login(staff("board_admin", board=w.a.board))
    body = client.get(url("pupil_detail", w.pa.uuid)).content.decode()
    # Only the roles that edit a pupil's record see the full BSN; the board has it in the ROD export.
    assert w.pa.bsn not in body and w.pa.bsn[-3:] in body
    assert w.ga.email not in body and w.ga.last_name not in body
    assert url("pupil_edit", w.pa.uuid) not in body


def test_teacher_sees_the_pupil_but_no_edit_buttons(client, w):
    client.force_login(staff("teacher", school=w.a, groups="5"))
    body = client.get(url("pupil_detail", w.pa.uuid)).content.decode()
    assert url("pupil_edit", w.pa.uuid) not in body
    assert url("guardian_add", w.pa.uuid) not in body
    assert url("pupil_create") not in client.get(url("pupil_list")).content.decode()


def test_superuser_can_open_every_edit_page_the_detail_page_offers(client, w):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    body = client.get(url("pupil_detail", w.pa.uuid)).content.decode()
    for target in (url("pupil_edit", w.pa.uuid), url("guardian_add", w.pa.uuid), url("guardian_edit", w.pa.uuid, w.ga.uuid)):
        assert target in body
        assert client.get(target).status_code == 200


def test_school_list_shows_the_board_admin_only_their_boards_schools(client, w):
    client.force_login(staff("board_admin", board=w.a.board))
    body = client.get(url("school_list")).content.decode()
    assert "Het Anker" in body and "De Boomgaard" not in body


def test_school_detail_links_to_the_group_search_by_uuid_not_by_database_id(client, w):
    client.force_login(w.ib_a)
    body = client.get(url("school_detail", w.a.uuid)).content.decode()
    assert f"school={w.a.uuid}" in body
    assert f"school={w.a.pk}&" not in body


# --- search ---------------------------------------------------------------------------------------


def search(client, **params):
    response = client.get(url("pupil_list"), params)
    assert response.status_code == 200
    return {p.pk for p in response.context["page"].object_list}


def listed(client, **params) -> set[int]:
    """Every pupil the list shows (all pages)."""
    found: set[int] = set()
    for number in range(1, 20):
        response = client.get(url("pupil_list"), {**params, "pagina": number})
        found |= {p.pk for p in response.context["page"].object_list}
        if not response.context["page"].has_next():
            assert response.context["page"].paginator.count == len(found)  # "n leerlingen gevonden" is true
            return found
    raise AssertionError("more pages than expected")


def test_the_pupil_list_shows_exactly_the_visible_pupils_for_every_kind_of_staff(client, w):
    left = enrolled_pupil(w.a, group="7", last_name="Vertrokken")
    Enrolment.objects.filter(pupil=left).update(enrolment_date=datetime.date(2019, 8, 20),
                                                leaving_date=datetime.date(2023, 7, 14))
    EnrolmentFactory(pupil=w.pb, school=w.a, group="8")  # pb is enrolled at both schools
    users = [w.ib_a, w.ib_b, staff("school_leader", school=w.a), staff("teacher", school=w.a, groups="5"),
             staff("board_admin", board=w.a.board), staff("swv", swv=w.a.swv), UserFactory(is_superuser=True)]
    for user in users:
        client.force_login(user)
        forget_reach(user)
        if user.memberships.filter(role="swv").exists():  # no pupil search for the SWV (the permission matrix)
            assert client.get(url("pupil_list")).status_code == 404
            continue
        current = Enrolment.objects.visible_to(user).current().values("pupil_id")
        assert listed(client) == set(Pupil.objects.visible_to(user).filter(pk__in=current).values_list(
            "pk", flat=True)), user
        ever = Enrolment.objects.visible_to(user).values("pupil_id")
        assert listed(client, left="on") == set(Pupil.objects.visible_to(user).filter(pk__in=ever).values_list(
            "pk", flat=True)), user
    client.force_login(w.ib_a)
    assert w.pb.pk in listed(client) and left.pk not in listed(client) and left.pk in listed(client, left="on")


def test_search_finds_a_name_with_a_prefix_of_several_words_as_it_is_written(client, w):
    lara = enrolled_pupil(w.a, group="4", first_name="Lara", name_prefix="van den", last_name="Broekhuis")
    client.force_login(w.ib_a)
    for q in ("Lara van den Broekhuis", "van den Broekhuis", "den broekhuis", "Broekhuis"):
        assert search(client, q=q) == {lara.pk}, q
    assert search(client, q="Lara van der Broekhuis") == set()


def test_search_by_name_finds_only_pupils_in_reach(client, w):
    client.force_login(w.ib_a)
    assert search(client, q="Zonneveld") == {w.pa.pk}
    assert search(client, q="zonnev anouk") == {w.pa.pk}
    assert search(client, q="Brammetje") == set()


def test_search_by_group_finds_only_that_group_in_reach(client, w):
    client.force_login(w.ib_a)
    assert search(client, q="5") == {w.pa.pk}
    assert search(client, q="6") == {w.pa6.pk}


def test_search_by_exact_identifier_of_a_pupil_at_another_school_finds_nothing(client, w):
    client.force_login(w.ib_a)
    assert search(client, q=w.pb.onderwijsnummer) == set()
    assert search(client, q=w.pb.onderwijsnummer, left="on") == set()
    client.force_login(w.ib_b)
    assert search(client, q=w.pa.bsn) == set()
    assert search(client, q=f"{w.pa.bsn[:3]} {w.pa.bsn[3:]}") == set()
    assert search(client, q=w.pb.onderwijsnummer) == {w.pb.pk}


def test_search_by_identifier_matches_only_in_full(client, w):
    client.force_login(w.ib_a)
    assert search(client, q=w.pa.bsn) == {w.pa.pk}
    assert search(client, q=w.pa.bsn[:6]) == set()


def test_search_with_a_school_out_of_reach_finds_nothing(client, w):
    client.force_login(w.ib_a)
    assert search(client, q="Zonneveld", school=str(w.b.uuid)) == set()
    assert search(client, school=str(w.b.pk)) == set()
    assert search(client, school="99999999999999999999999") == set()


def test_teacher_search_stays_within_their_groups(client, w):
    client.force_login(staff("teacher", school=w.a, groups="6"))
    assert search(client) == {w.pa6.pk}
    assert search(client, q="5") == set()
    assert search(client, q=w.pa.bsn) == set()


def test_board_admin_search_covers_the_boards_schools_only(client, w):
    client.force_login(staff("board_admin", board=w.a.board))
    assert search(client, q="Zonneveld") == {w.pa.pk}


def test_pupils_who_left_appear_only_when_asked_for(client, w):
    Enrolment.objects.filter(pupil=w.pa).update(leaving_date=datetime.date(2025, 7, 1))
    client.force_login(w.ib_a)
    assert search(client, q="Zonneveld") == set()
    assert search(client, q="Zonneveld", left="on") == {w.pa.pk}


def test_a_pupil_enrolled_at_two_schools_in_reach_is_listed_once_with_every_page_count_right(client, w):
    second = SchoolFactory(board=w.a.board, swv=w.a.swv)
    EnrolmentFactory(pupil=w.pa, school=second, group="7")
    client.force_login(staff("board_admin", board=w.a.board))
    response = client.get(url("pupil_list"))
    assert [p.pk for p in response.context["page"].object_list] == [w.pa6.pk, w.pa.pk]
    assert response.context["page"].paginator.count == 2


def test_list_masks_the_bsn(client, w):
    client.force_login(w.ib_a)
    body = client.get(url("pupil_list")).content.decode()
    assert w.pa.bsn not in body and f"••••••{w.pa.bsn[-3:]}" in body


def test_a_teacher_never_sees_a_pupils_full_onderwijsnummer_either(client, w):
    """A pupil without a BSN has an onderwijsnummer: in full beside masked BSNs it would single them out."""
    nobsn = enrolled_pupil(w.a, group="5", first_name="Ilja", last_name="Zonneveld", bsn=None,
                           onderwijsnummer=make_onderwijsnummer())
    client.force_login(staff("teacher", school=w.a, groups="5"))
    for page in (url("pupil_list"), url("pupil_detail", nobsn.uuid)):
        body = client.get(page).content.decode()
        assert nobsn.onderwijsnummer not in body and f"••••••{nobsn.onderwijsnummer[-3:]}" in body


@pytest.mark.parametrize("params", [{"q": "x" * 500}, {"q": "a\x00b"}, {"school": "geen-uuid"}, {"pagina": "abc"},
                                    {"pagina": "999"}, {"left": "misschien"}])
def test_odd_search_parameters_never_cause_an_error(client, w, params):
    client.force_login(w.ib_a)
    assert client.get(url("pupil_list"), params).status_code == 200
    assert client.get(url("pupil_list"), params, headers={"HX-Request": "true"}).status_code == 200


def test_a_search_that_cannot_be_understood_says_so_and_finds_nothing(client, w):
    client.force_login(w.ib_a)
    response = client.get(url("pupil_list"), {"q": "x" * 101}, headers={"HX-Request": "true"})
    assert "Controleer de zoekopdracht" in response.content.decode()
    assert list(response.context["page"].object_list) == []


def test_htmx_request_gets_only_the_results_fragment(client, w):
    client.force_login(w.ib_a)
    response = client.get(url("pupil_list"), {"q": "Zonneveld"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="zoekresultaten"')
    assert "<html" not in body and "<form" not in body and "<nav class=\"navbar" not in body
    assert "Anoukje" in body
    assert "HX-Request" in response["Vary"]


def test_full_page_request_gets_the_whole_page(client, w):
    client.force_login(w.ib_a)
    body = client.get(url("pupil_list"), {"q": "Zonneveld"}).content.decode()
    assert "<html" in body and 'id="zoekresultaten"' in body and 'role="search"' in body


def test_htmx_history_restore_gets_the_whole_page(client, w):
    client.force_login(w.ib_a)
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<html" in client.get(url("pupil_list"), headers=headers).content.decode()


# --- query counts ---------------------------------------------------------------------------------


def count_queries(client, target, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(target, **kwargs).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("htmx", [False, True])
def test_pupil_list_query_count_does_not_grow_with_the_number_of_pupils(client, w, htmx):
    client.force_login(w.ib_a)
    headers = {"HX-Request": "true"} if htmx else {}
    for _ in range(8):
        enrolled_pupil(w.a)
    with_ten = count_queries(client, url("pupil_list"), headers=headers)
    for _ in range(50):
        p = enrolled_pupil(w.a)
        GuardianshipFactory(pupil=p)
        EnrolmentFactory(pupil=p, school=w.b, enrolment_date=datetime.date(2020, 8, 1),
                         leaving_date=datetime.date(2024, 7, 1))
    with_sixty = count_queries(client, url("pupil_list"), headers=headers)
    assert with_sixty == with_ten
    assert count_queries(client, url("pupil_list") + "?q=5&left=on", headers=headers) == with_ten


def test_school_list_and_detail_query_counts_do_not_grow_with_schools_or_pupils(client, w):
    user = staff("board_admin", board=w.a.board)
    client.force_login(user)
    list_before = count_queries(client, url("school_list"))
    detail_before = count_queries(client, url("school_detail", w.a.uuid))
    for n in range(5):
        school = SchoolFactory(board=w.a.board)
        enrolled_pupil(school, group=str(n))
        enrolled_pupil(w.a, group=str(n))
    assert count_queries(client, url("school_list")) == list_before
    assert count_queries(client, url("school_detail", w.a.uuid)) == detail_before


def test_pupil_detail_query_count_does_not_grow_with_guardians_or_enrolments(client, w):
    client.force_login(w.ib_a)
    before = count_queries(client, url("pupil_detail", w.pa.uuid))
    for _ in range(4):
        GuardianshipFactory(pupil=w.pa)
    EnrolmentFactory(pupil=w.pa, school=w.a, enrolment_date=datetime.date(2020, 8, 1),
                     leaving_date=datetime.date(2024, 7, 1))
    assert count_queries(client, url("pupil_detail", w.pa.uuid)) == before


def test_my_children_query_count_does_not_grow_with_children(client, w):
    user = parent_of(w.pa)
    client.force_login(user)
    before = count_queries(client, url("my_children"))
    for _ in range(3):
        GuardianshipFactory(pupil=enrolled_pupil(w.b), guardian=user.guardian_records.get())
    forget_reach(user)
    assert count_queries(client, url("my_children")) == before


# --- creating and changing ------------------------------------------------------------------------


def valid_pupil_post(school, **overrides) -> dict:
    data = {
        "pupil-first_name": "Noor", "pupil-name_prefix": "van", "pupil-last_name": "Dijk",
        "pupil-date_of_birth": "2017-03-14", "pupil-bsn": make_bsn(), "pupil-onderwijsnummer": "",
        "enrolment-school": str(school.uuid), "enrolment-group": "3", "enrolment-enrolment_date": "2023-08-28",
        "enrolment-leaving_date": "", "enrolment-sequence_number": "77001",
    }
    data.update(overrides)
    return data


def test_ib_adds_a_pupil_with_an_enrolment_and_an_audit_event(client, w):
    client.force_login(w.ib_a)
    response = client.post(url("pupil_create"), valid_pupil_post(w.a))
    pupil = Pupil.objects.get(last_name="Dijk")
    assert response.status_code == 302 and response["Location"] == url("pupil_detail", pupil.uuid)
    assert pupil.enrolments.get().school == w.a
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {"pupil.created", "enrolment.created"}


def test_the_add_pupil_form_sent_twice_adds_the_pupil_once_and_shows_it(client, w):
    client.force_login(w.ib_a)
    data = valid_pupil_post(w.a)
    first = client.post(url("pupil_create"), data)
    second = client.post(url("pupil_create"), data)
    pupil = Pupil.objects.get(last_name="Dijk")
    assert first["Location"] == second["Location"] == url("pupil_detail", pupil.uuid)
    assert pupil.enrolments.count() == 1
    assert AuditEvent.objects.filter(action="pupil.created").count() == 1
    # Another pupil under the same volgnummer is still refused, next to the field.
    other = client.post(url("pupil_create"), valid_pupil_post(w.a, **{"pupil-last_name": "Anders"}))
    assert other.status_code == 200
    assert "al in gebruik" in " ".join(other.context["enrolment_form"].errors["sequence_number"])


def test_ib_changes_a_pupil_and_the_enrolment(client, w):
    client.force_login(w.ib_a)
    form = client.get(url("pupil_edit", w.pa.uuid)).context["pupil_form"]
    data = valid_pupil_post(w.a, **{"pupil-first_name": "Anna", "pupil-bsn": w.pa.bsn,
                                    "pupil-version": form.initial["version"]})
    response = client.post(url("pupil_edit", w.pa.uuid), data)
    assert response.status_code == 302
    w.pa.refresh_from_db()
    assert w.pa.first_name == "Anna" and w.pa.enrolments.get().sequence_number == "77001"


def test_edit_form_preselects_the_current_school_of_the_enrolment(client, w):
    second = SchoolFactory()
    staff_user = staff("ib", school=second)
    Membership.objects.create(user=staff_user, role="ib", school=w.a)
    client.force_login(staff_user)
    body = client.get(url("pupil_edit", w.pa.uuid)).content.decode()
    assert f'value="{w.a.uuid}" selected' in body


def test_a_concurrent_change_to_a_pupil_is_detected_not_overwritten(client, w):
    client.force_login(w.ib_a)
    version = client.get(url("pupil_edit", w.pa.uuid)).context["pupil_form"].initial["version"]
    Pupil.objects.filter(pk=w.pa.pk).update(last_name="Anders")  # a colleague saves meanwhile
    data = valid_pupil_post(w.a, **{"pupil-first_name": "Anna", "pupil-bsn": w.pa.bsn, "pupil-version": version})
    response = client.post(url("pupil_edit", w.pa.uuid), data)
    assert response.status_code == 200
    assert "Iemand anders heeft deze gegevens gewijzigd" in response.content.decode()
    w.pa.refresh_from_db()
    assert w.pa.first_name == "Anoukje" and w.pa.last_name == "Anders"
    # Saving again, now knowingly, goes through.
    data["pupil-version"] = response.context["pupil_form"]["version"].value()
    assert client.post(url("pupil_edit", w.pa.uuid), data).status_code == 302


def test_a_concurrent_change_to_a_guardian_is_detected_not_overwritten(client, w):
    client.force_login(w.ib_a)
    target = url("guardian_edit", w.pa.uuid, w.ga.uuid)
    version = client.get(target).context["form"].initial["version"]
    Guardianship.objects.filter(guardian=w.ga).update(has_gezag=False)
    data = {"last_name": "Nieuw", "relationship": "moeder", "has_gezag": "on", "version": version}
    response = client.post(target, data)
    assert response.status_code == 200
    assert "Iemand anders heeft deze gegevens gewijzigd" in response.content.decode()
    assert not Guardianship.objects.get(guardian=w.ga).has_gezag


def test_ib_adds_changes_and_unlinks_a_guardian(client, w):
    client.force_login(w.ib_a)
    add = {"first_name": "Fatima", "last_name": "El Amrani", "email": "F.El@Example.test", "phone": "06 12345678",
           "relationship": "moeder", "has_gezag": "on"}
    assert client.post(url("guardian_add", w.pa.uuid), add).status_code == 302
    guardian = Guardian.objects.get(last_name="El Amrani")
    assert guardian.email == "f.el@example.test"
    assert client.post(url("guardian_edit", w.pa.uuid, guardian.uuid), {**add, "has_gezag": ""}).status_code == 302
    assert not Guardianship.objects.get(guardian=guardian).has_gezag
    assert client.post(url("guardian_remove", w.pa.uuid, guardian.uuid)).status_code == 302
    assert not Guardianship.objects.filter(guardian=guardian).exists()
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "guardian.added", "guardian.updated", "guardian.unlinked"]


def test_the_second_parent_gets_a_message_next_to_the_address_field_when_it_is_the_first_parents(client, w):
    client.force_login(w.ib_a)
    add = {"first_name": "Joost", "last_name": "Kwakkelstein", "email": "Gerda.Kwakkelstein@example.test",
           "relationship": "vader", "has_gezag": "on"}
    response = client.post(url("guardian_add", w.pa.uuid), add)
    assert response.status_code == 200
    assert "eigen e-mailadres" in " ".join(response.context["form"].errors["email"])
    assert not Guardian.objects.filter(first_name="Joost").exists()


def test_guardian_remove_refuses_get(client, w):
    client.force_login(w.ib_a)
    assert client.get(url("guardian_remove", w.pa.uuid, w.ga.uuid)).status_code == 405
    assert Guardianship.objects.filter(guardian=w.ga).exists()


def test_parents_and_pupils_get_their_own_pages_not_the_staffs_pupil_search(client, w):
    from tests.factories import GuardianshipFactory, UserFactory

    parent = UserFactory(email="ouder-zoekt@example.test")
    GuardianshipFactory(pupil=w.pa, guardian__user=parent, guardian__email=parent.email, has_gezag=True)
    client.force_login(parent)
    assert client.get(url("pupil_detail", w.pa.uuid)).status_code == 200  # their child's own page stays theirs
    assert client.get(reverse("schools:pupil_list")).status_code == 404
    assert client.get(reverse("schools:pupil_list"), {"q": w.pa.last_name}).status_code == 404


def test_a_pupil_guardian_or_import_form_with_errors_puts_the_cursor_on_its_first_error_only(client):
    school = SchoolFactory()
    ib = staff("ib", school=school)
    pupil = enrolled_pupil(school)
    client.force_login(ib)
    for url, data in ((reverse("schools:pupil_create"), {}),
                      (reverse("schools:guardian_add", args=[pupil.uuid]), {}),
                      (reverse("schools:pupil_import"), {"school": str(school.uuid)})):
        html = client.post(url, data).content.decode()
        assert "is-invalid" in html, url
        assert html.count(" autofocus") == 1, url
