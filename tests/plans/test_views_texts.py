"""The standard texts library: scoped per school and board, who manages which texts, bad input, audit."""

import pytest
from django.urls import reverse

from opp_portal.audit.models import AuditEvent
from plans.models import StandardText
from tests.factories import SchoolFactory, UserFactory, enrolled_pupil, parent_of, staff

from .factories import StandardTextFactory

pytestmark = pytest.mark.django_db

LIST = reverse("plans:standard_texts")
ADD = reverse("plans:standard_text_add")


def edit_url(text):
    return reverse("plans:standard_text_edit", kwargs={"text_uuid": text.uuid})


def archive_url(text):
    return reverse("plans:standard_text_archive", kwargs={"text_uuid": text.uuid})


@pytest.fixture
def library(world):
    own = StandardTextFactory(school=world.school, kind="support", title="Leesgroep", text="Twee keer per week.")
    board = StandardText.objects.create(board=world.school.board, kind="approach", title="Bestuursaanpak",
                                        text="Aanpak van het bestuur.")
    other = StandardTextFactory(school=SchoolFactory(), kind="goal", title="Geheim", text="Van een andere school.")
    other_board = StandardText.objects.create(board=SchoolFactory().board, kind="goal", title="Ander bestuur",
                                              text="Niet van ons.")
    return {"own": own, "board": board, "other": other, "other_board": other_board}


def test_ib_sees_the_texts_of_their_school_and_board_only(client, world, library):
    client.force_login(world.ib)
    body = client.get(LIST).content.decode()
    assert "Leesgroep" in body and "Bestuursaanpak" in body
    assert "Geheim" not in body and "Ander bestuur" not in body
    assert edit_url(library["own"]) in body
    assert edit_url(library["board"]) not in body  # an ib uses board texts but does not manage them


def test_nav_shows_the_library_to_ib_but_not_to_a_parent(client, world):
    client.force_login(world.ib)
    assert LIST in client.get(reverse("home"), follow=True).content.decode()
    client.force_login(world.mother)
    assert LIST not in client.get(reverse("home"), follow=True).content.decode()


@pytest.mark.parametrize("who", ["teacher", "parent", "pupil-less user", "swv"])
def test_users_without_a_library_get_404(client, world, library, who):
    user = {
        "teacher": lambda: staff("teacher", school=world.school, groups="5"),
        "parent": lambda: world.mother,
        "pupil-less user": UserFactory,
        "swv": lambda: staff("swv", swv=world.school.swv),
    }[who]()
    client.force_login(user)
    assert client.get(LIST).status_code == 404
    assert client.get(ADD).status_code == 404
    assert client.post(ADD, {"kind": "goal", "title": "x", "text": "y"}).status_code == 404
    assert client.get(edit_url(library["own"])).status_code == 404
    assert client.post(archive_url(library["own"])).status_code == 404
    library["own"].refresh_from_db()
    assert library["own"].active


@pytest.mark.parametrize("text", ["other", "other_board"])
def test_texts_of_another_school_or_board_are_404(client, world, library, text):
    client.force_login(world.leader)
    item = library[text]
    assert client.get(edit_url(item)).status_code == 404
    assert client.post(edit_url(item), {"kind": "goal", "title": "Kwaad", "text": "Kwaad"}).status_code == 404
    assert client.post(archive_url(item)).status_code == 404
    item.refresh_from_db()
    assert item.active and item.title != "Kwaad"


def test_ib_adds_a_school_text(client, world):
    client.force_login(world.ib)
    page = client.get(ADD).content.decode()
    assert f"school:{world.school.uuid}" in page
    assert f"board:{world.school.board.uuid}" not in page  # only a leader or the board keeps board texts
    response = client.post(ADD, {"owner": f"school:{world.school.uuid}", "kind": "goal", "title": "Tafels",
                                 "text": "Tafels tot 10 foutloos."})
    assert response.status_code == 302
    text = StandardText.objects.get(title="Tafels")
    assert text.school == world.school and text.board is None
    assert AuditEvent.objects.filter(action="standard_text.created", object_id=str(text.pk)).exists()


def test_a_text_sent_twice_is_added_once_and_a_different_one_still_added(client, world):
    client.force_login(world.ib)
    data = {"owner": f"school:{world.school.uuid}", "kind": "goal", "title": "Tafels", "text": "Tafels tot 10."}
    assert client.post(ADD, data).status_code == 302
    assert client.post(ADD, data).status_code == 302
    assert StandardText.objects.filter(title="Tafels").count() == 1
    assert AuditEvent.objects.filter(action="standard_text.created").count() == 1
    client.post(ADD, {**data, "text": "Tafels tot 20."})
    assert StandardText.objects.filter(title="Tafels").count() == 2


def test_ib_cannot_add_a_board_text_by_posting_it(client, world):
    client.force_login(world.ib)
    response = client.post(ADD, {"owner": f"board:{world.school.board.uuid}", "kind": "goal", "title": "Bestuur",
                                 "text": "Bestuurstekst."})
    assert response.status_code == 200
    assert "Kies voor welke school of welk bestuur" in response.content.decode()
    assert not StandardText.objects.exists()


def test_ib_cannot_add_a_text_for_another_school(client, world):
    other = SchoolFactory()
    client.force_login(world.ib)
    client.post(ADD, {"owner": f"school:{other.uuid}", "kind": "goal", "title": "X", "text": "Y"})
    assert not StandardText.objects.exists()


@pytest.mark.parametrize("who", ["leader", "board_admin"])
def test_school_leader_or_board_admin_adds_a_board_text(client, world, who):
    user = world.leader if who == "leader" else staff("board_admin", board=world.school.board)
    client.force_login(user)
    response = client.post(ADD, {"owner": f"board:{world.school.board.uuid}", "kind": "approach",
                                 "title": "Bestuursbreed", "text": "Voor alle scholen."})
    assert response.status_code == 302
    text = StandardText.objects.get()
    assert text.board == world.school.board and text.school is None
    assert "Bestuursbreed" in client.get(LIST).content.decode()
    # Every ib of the board's schools now sees it on their list.
    colleague_school = SchoolFactory(board=world.school.board)
    client.force_login(staff("ib", school=colleague_school))
    assert "Bestuursbreed" in client.get(LIST).content.decode()


def test_board_admin_sees_only_board_texts_and_no_school_content(client, world, library):
    client.force_login(staff("board_admin", board=world.school.board))
    body = client.get(LIST).content.decode()
    assert "Bestuursaanpak" in body and "Leesgroep" not in body and "Ander bestuur" not in body
    assert client.get(edit_url(library["own"])).status_code == 404


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "Geef de tekst een titel"),
        ({"title": "t" * 121}, "title", "te lang"),
        ({"text": "   "}, "text", "Schrijf de tekst op"),
        ({"kind": "recept"}, "kind", "Kies de soort tekst"),
        ({"owner": "school:not-a-uuid"}, "owner", "Kies voor welke school"),
    ],
)
def test_bad_text_input_gives_a_field_error_and_saves_nothing(client, world, change, field, message):
    client.force_login(world.ib)
    data = {"owner": f"school:{world.school.uuid}", "kind": "goal", "title": "Titel", "text": "Tekst.", **change}
    response = client.post(ADD, data)
    assert response.status_code == 200
    errors = response.content.decode().split(f'id="id_{field}_errors"')[1].split("</div>")[0]
    assert message in errors
    assert not StandardText.objects.exists()


def test_ib_edits_a_school_text_and_the_change_is_audited(client, world, library):
    client.force_login(world.ib)
    item = library["own"]
    assert "Twee keer per week." in client.get(edit_url(item)).content.decode()
    response = client.post(edit_url(item), {"kind": "approach", "title": "Leesgroep klein", "text": "Drie keer."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.kind, item.title, item.text) == ("approach", "Leesgroep klein", "Drie keer.")
    event = AuditEvent.objects.get(action="standard_text.updated")
    assert sorted(event.details["fields"]) == ["kind", "text", "title"]


def test_bad_edit_is_a_field_error_and_keeps_the_text(client, world, library):
    client.force_login(world.ib)
    item = library["own"]
    response = client.post(edit_url(item), {"kind": "goal", "title": "", "text": "Nieuw."})
    assert response.status_code == 200
    assert "Geef de tekst een titel" in response.content.decode()
    item.refresh_from_db()
    assert item.title == "Leesgroep" and item.text == "Twee keer per week."


def test_ib_cannot_change_a_board_text(client, world, library):
    client.force_login(world.ib)
    item = library["board"]
    page = client.get(edit_url(item))
    assert page.status_code == 200 and "niet wijzigen" in page.content.decode()
    response = client.post(edit_url(item), {"kind": "goal", "title": "Kwaad", "text": "Kwaad"})
    assert response.status_code == 403
    client.post(archive_url(item))
    item.refresh_from_db()
    assert item.title == "Bestuursaanpak" and item.active


def test_leader_changes_a_board_text(client, world, library):
    client.force_login(world.leader)
    response = client.post(edit_url(library["board"]), {"kind": "approach", "title": "Nieuw", "text": "Nieuw."})
    assert response.status_code == 302
    library["board"].refresh_from_db()
    assert library["board"].title == "Nieuw"


def test_archived_text_leaves_the_library_and_the_draft(client, world, library):
    client.force_login(world.ib)
    response = client.post(archive_url(library["own"]), follow=True)
    assert "is verwijderd" in response.content.decode()
    library["own"].refresh_from_db()
    assert not library["own"].active
    assert AuditEvent.objects.filter(action="standard_text.archived").exists()
    assert "Twee keer per week." not in client.get(LIST).content.decode()
    draft = world.start()
    assert "Twee keer per week." not in client.get(reverse("plans:draft", kwargs={"opp_uuid": draft.uuid})).content.decode()
    assert client.get(edit_url(library["own"])).status_code == 404


def test_parent_of_a_pupil_at_the_school_has_no_library(client, world):
    client.force_login(parent_of(enrolled_pupil(world.school)))
    assert client.get(LIST).status_code == 404
