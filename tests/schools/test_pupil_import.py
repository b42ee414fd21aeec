"""Importing pupils: the checks against the database, the one-transaction save and the import page."""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opp_portal.audit.models import AuditEvent
from schools import pupil_import
from schools.models import Enrolment, Guardian, Guardianship, Pupil
from schools.pupil_csv import parse_csv
from schools.pupil_import import ImportRejected, import_pupils
from schools.services import NotAllowed
from tests.factories import (
    BoardFactory,
    EnrolmentFactory,
    GuardianFactory,
    GuardianshipFactory,
    PupilFactory,
    SchoolFactory,
    csv_pupil_row,
    enrolled_pupil,
    parent_of,
    pupil_csv,
    staff,
    with_guardian,
)

pytestmark = pytest.mark.django_db

URL = reverse("schools:pupil_import")
EXAMPLE = Path(__file__).resolve().parents[2] / "static" / "examples" / "leerlingen-voorbeeld.csv"


@pytest.fixture
def school():
    return SchoolFactory()


@pytest.fixture
def ib(school):
    return staff("ib", school=school)


def run(user, school, data: bytes):
    return import_pupils(user=user, school=school, rows=parse_csv(data))


def rejected(user, school, data: bytes) -> dict[int, tuple[str, ...]]:
    with pytest.raises(ImportRejected) as exc:
        run(user, school, data)
    return {error.line: error.reasons for error in exc.value.errors}


def upload(data: bytes, name: str = "leerlingen.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


# --- checks against the database ---

def test_a_volgnummer_used_at_the_school_by_another_pupil_is_rejected(ib, school):
    EnrolmentFactory(school=school, sequence_number="5001")
    errors = rejected(ib, school, pupil_csv([csv_pupil_row(inschrijvingvolgnummer="5001")]))
    assert errors == {2: ("Inschrijvingvolgnummer 5001 is op deze school al in gebruik voor een andere leerling.",)}


def test_the_same_volgnummer_at_another_school_is_no_problem(ib, school):
    EnrolmentFactory(sequence_number="5001")
    assert run(ib, school, pupil_csv([csv_pupil_row(inschrijvingvolgnummer="5001")])).created == 1


def test_database_reasons_are_added_to_the_rows_own_reasons(ib, school):
    EnrolmentFactory(school=school, sequence_number="5001")
    errors = rejected(ib, school, pupil_csv([csv_pupil_row(inschrijvingvolgnummer="5001", voornaam="")]))
    assert len(errors[2]) == 2


@pytest.mark.parametrize(
    "bad",
    [
        {"bsn": "123456789"},
        {"bsn": "", "onderwijsnummer": "101222332"},
        {"onderwijsnummer": "101222331"},
        {"bsn": ""},
        {"geboortedatum": "30-02-2016"},
        {"inschrijfdatum": "2022-08-29", "uitschrijfdatum": "2022-08-01"},
        {"achternaam": ""},
    ],
)
def test_a_file_with_one_bad_row_among_good_ones_saves_nothing(ib, school, bad):
    rows = [csv_pupil_row(), with_guardian(csv_pupil_row()), csv_pupil_row(**bad), csv_pupil_row()]
    errors = rejected(ib, school, pupil_csv(rows))
    assert list(errors) == [4]
    assert not Pupil.objects.exists()
    assert not Enrolment.objects.exists()
    assert not Guardian.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_file_with_duplicates_in_it_saves_nothing_and_marks_each_duplicate(ib, school):
    a, b = csv_pupil_row(), csv_pupil_row()
    rows = [a, csv_pupil_row(bsn=a["bsn"]), b, csv_pupil_row(inschrijvingvolgnummer=b["inschrijvingvolgnummer"])]
    assert set(rejected(ib, school, pupil_csv(rows))) == {2, 3, 4, 5}
    assert not Pupil.objects.exists()


def test_a_good_file_saves_every_row_and_reports_the_counts(ib, school):
    rows = [csv_pupil_row(groep="3", tussenvoegsel="van"), csv_pupil_row(bsn="", onderwijsnummer="101222331"),
            csv_pupil_row(uitschrijfdatum="31-07-2025")]
    result = run(ib, school, pupil_csv(rows))
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    pupil = Pupil.objects.get(bsn=rows[0]["bsn"])
    assert pupil.name_prefix == "van"
    assert pupil.date_of_birth == datetime.date(2016, 3, 14)
    enrolment = pupil.enrolments.get()
    number = rows[0]["inschrijvingvolgnummer"]
    assert (enrolment.school, enrolment.group, enrolment.sequence_number) == (school, "3", number)
    assert Pupil.objects.get(onderwijsnummer="101222331").bsn is None
    left = Enrolment.objects.get(sequence_number=rows[2]["inschrijvingvolgnummer"])
    assert left.leaving_date == datetime.date(2025, 7, 31)


def test_reimporting_updates_pupils_instead_of_duplicating_them(ib, school):
    rows = [csv_pupil_row(), csv_pupil_row(), csv_pupil_row()]
    run(ib, school, pupil_csv(rows))
    rows[0] |= {"achternaam": "Bakker", "groep": "6"}
    rows[1] |= {"uitschrijfdatum": "2025-07-11"}
    result = run(ib, school, pupil_csv(rows))
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    assert Pupil.objects.count() == 3
    assert Enrolment.objects.count() == 3
    pupil = Pupil.objects.get(bsn=rows[0]["bsn"])
    assert (pupil.last_name, pupil.enrolments.get().group) == ("Bakker", "6")
    assert Enrolment.objects.get(pupil__bsn=rows[1]["bsn"]).leaving_date == datetime.date(2025, 7, 11)


def test_a_pupil_added_by_hand_is_updated_by_the_import(ib, school):
    pupil = enrolled_pupil(school, group="4")
    enrolment = pupil.enrolments.get()
    row = csv_pupil_row(bsn=pupil.bsn, inschrijvingvolgnummer=enrolment.sequence_number, groep="5",
                        geboortedatum="2015-05-05", inschrijfdatum="2024-08-26")
    result = run(ib, school, pupil_csv([row]))
    assert (result.created, result.updated) == (0, 1)
    pupil.refresh_from_db()
    enrolment.refresh_from_db()
    assert (pupil.first_name, pupil.date_of_birth, enrolment.group) == ("Sanne", datetime.date(2015, 5, 5), "5")


def test_many_different_changes_are_all_saved(ib, school):
    rows = [csv_pupil_row(groep="3") for _ in range(70)]
    run(ib, school, pupil_csv(rows))
    before = Pupil.objects.get(bsn=rows[0]["bsn"]).updated_at
    for i, row in enumerate(rows):
        row |= {
            "achternaam": f"Nieuw {i}", "groep": "4" if i % 2 else f"4{i}",
            "uitschrijfdatum": f"2025-07-{i % 28 + 1:02d}",
        }
    result = run(ib, school, pupil_csv(rows))
    assert result.updated == 70
    for i, row in enumerate(rows):
        pupil = Pupil.objects.get(bsn=row["bsn"])
        enrolment = pupil.enrolments.get()
        assert pupil.last_name == f"Nieuw {i}" and pupil.updated_at > before
        assert enrolment.group == row["groep"]
        assert enrolment.leaving_date == datetime.date(2025, 7, i % 28 + 1)


def test_moving_both_dates_past_the_old_leaving_date_is_saved(ib, school):
    row = csv_pupil_row(inschrijfdatum="2020-08-24", uitschrijfdatum="2021-07-09")
    run(ib, school, pupil_csv([row]))
    row |= {"inschrijfdatum": "2022-08-29", "uitschrijfdatum": "2023-07-07"}
    assert run(ib, school, pupil_csv([row])).updated == 1
    enrolment = Enrolment.objects.get()
    assert (enrolment.enrolment_date, enrolment.leaving_date) == (datetime.date(2022, 8, 29), datetime.date(2023, 7, 7))


def test_an_enrolment_date_after_the_stored_leaving_date_needs_the_leaving_date_column(ib, school):
    row = csv_pupil_row(inschrijfdatum="2020-08-24", uitschrijfdatum="2021-07-09")
    run(ib, school, pupil_csv([row]))
    columns = ["voornaam", "achternaam", "geboortedatum", "bsn", "inschrijfdatum", "inschrijvingvolgnummer"]
    errors = rejected(ib, school, pupil_csv([row | {"inschrijfdatum": "2022-08-29"}], columns=columns))
    assert "uitschrijfdatum die in het portaal staat (09-07-2021)" in errors[2][0]


def test_a_column_missing_from_the_file_leaves_the_stored_value_alone(ib, school):
    row = csv_pupil_row(groep="7", tussenvoegsel="de")
    run(ib, school, pupil_csv([row]))
    columns = ["voornaam", "achternaam", "geboortedatum", "bsn", "inschrijfdatum", "inschrijvingvolgnummer"]
    result = run(ib, school, pupil_csv([row], columns=columns))
    assert result.unchanged == 1
    pupil = Pupil.objects.get()
    assert (pupil.name_prefix, pupil.enrolments.get().group) == ("de", "7")


def test_a_pupil_of_another_of_the_users_schools_is_enrolled_here_without_a_word_about_that_school(ib, school):
    other = SchoolFactory(name="Het Geheime Lyceum")
    staff_at_both = ib
    type(ib.memberships.get()).objects.create(user=staff_at_both, role="ib", school=other)
    pupil = enrolled_pupil(other)
    row = csv_pupil_row(
        bsn=pupil.bsn, inschrijvingvolgnummer=pupil.enrolments.get().sequence_number,
        geboortedatum=pupil.date_of_birth.isoformat(),
    )
    result = run(staff_at_both, school, pupil_csv([row]))
    assert (result.created, result.updated) == (1, 0)
    assert Pupil.objects.count() == 1
    assert set(pupil.enrolments.values_list("school__name", flat=True)) == {"Het Geheime Lyceum", school.name}
    event = AuditEvent.objects.get(action="pupil.enrolled")
    assert event.pupil_id == pupil.pk and "Lyceum" not in str(event.details)


def test_a_number_of_another_of_the_users_pupils_with_another_date_of_birth_is_rejected(ib, school):
    other = SchoolFactory()
    type(ib.memberships.get()).objects.create(user=ib, role="school_leader", school=other)
    pupil = enrolled_pupil(other, date_of_birth=datetime.date(2015, 3, 1))
    row = csv_pupil_row(bsn=pupil.bsn, geboortedatum="2016-04-02")
    errors = rejected(ib, school, pupil_csv([row]))
    assert "andere geboortedatum" in errors[2][0]
    pupil.refresh_from_db()
    assert pupil.date_of_birth == datetime.date(2015, 3, 1) and pupil.enrolments.count() == 1


def test_a_pupil_still_enrolled_here_under_another_volgnummer_is_rejected(ib, school):
    pupil = enrolled_pupil(school)
    number = pupil.enrolments.get().sequence_number
    errors = rejected(ib, school, pupil_csv([csv_pupil_row(bsn=pupil.bsn, inschrijvingvolgnummer="999")]))
    assert errors[2] == (
        f"Deze leerling staat op deze school al ingeschreven met inschrijvingvolgnummer {number}. "
        "Gebruik dat volgnummer, of pas het eerst in het portaal aan.",
    )


def test_a_pupil_who_left_and_comes_back_gets_a_second_enrolment(ib, school):
    pupil = PupilFactory()
    EnrolmentFactory(pupil=pupil, school=school, enrolment_date=datetime.date(2020, 8, 24),
                     leaving_date=datetime.date(2021, 7, 9), sequence_number="1")
    row = csv_pupil_row(bsn=pupil.bsn, inschrijvingvolgnummer="2", inschrijfdatum="2023-08-28")
    assert run(ib, school, pupil_csv([row])).created == 1
    assert list(pupil.enrolments.order_by("enrolment_date").values_list("sequence_number", flat=True)) == ["1", "2"]


def test_guardians_are_created_once_and_not_duplicated_on_reimport(ib, school):
    row = with_guardian(with_guardian(csv_pupil_row()), slot=2, voornaam="Tom", email="", gezag="nee", relatie="vader")
    first = run(ib, school, pupil_csv([row]))
    assert first.guardians_linked == 2
    again = run(ib, school, pupil_csv([row]))
    assert (again.guardians_linked, again.unchanged) == (0, 1)
    pupil = Pupil.objects.get()
    links = {link.guardian.first_name: link for link in pupil.guardianships.select_related("guardian")}
    assert set(links) == {"Eva", "Tom"}
    assert (links["Eva"].has_gezag, links["Eva"].relationship) == (True, "moeder")
    assert (links["Tom"].has_gezag, links["Tom"].relationship) == (False, "vader")
    assert Guardian.objects.count() == 2


def test_an_existing_guardian_of_the_pupil_with_the_same_email_is_reused_and_updated(ib, school):
    pupil = enrolled_pupil(school)
    guardian = GuardianFactory(email="Eva@Example.test", phone="")
    link = GuardianshipFactory(pupil=pupil, guardian=guardian, has_gezag=True)
    row = with_guardian(
        csv_pupil_row(bsn=pupil.bsn, inschrijvingvolgnummer=pupil.enrolments.get().sequence_number,
                      voornaam=pupil.first_name, achternaam=pupil.last_name, geboortedatum=f"{pupil.date_of_birth}",
                      inschrijfdatum="2024-08-26"),
        email="eva@example.test", gezag="nee", telefoon="0612345678",
    )
    result = run(ib, school, pupil_csv([row]))
    assert (result.updated, result.guardians_linked) == (1, 0)
    assert Guardian.objects.count() == 1
    link.refresh_from_db()
    link.guardian.refresh_from_db()
    assert (link.has_gezag, link.guardian.phone) == (False, "0612345678")


def test_siblings_in_one_file_share_one_guardian_record(ib, school):
    rows = [with_guardian(csv_pupil_row(), email="ouders.dekker@example.test"),
            with_guardian(csv_pupil_row(), email="ouders.dekker@example.test")]
    run(ib, school, pupil_csv(rows))
    assert Guardian.objects.count() == 1
    assert Guardianship.objects.count() == 2


def test_a_guardian_of_a_sibling_at_this_school_is_linked_not_copied(ib, school):
    sibling = enrolled_pupil(school)
    GuardianshipFactory(pupil=sibling, guardian=GuardianFactory(email="Mama@Example.test"))
    run(ib, school, pupil_csv([with_guardian(csv_pupil_row(), email="mama@example.test")]))
    assert Guardian.objects.count() == 1
    assert Guardianship.objects.count() == 2


def test_a_guardian_with_that_email_at_another_school_is_not_reused(ib, school):
    GuardianshipFactory(pupil=enrolled_pupil(SchoolFactory()), guardian=GuardianFactory(email="mama@example.test"))
    run(ib, school, pupil_csv([with_guardian(csv_pupil_row(), email="mama@example.test")]))
    assert Guardian.objects.count() == 2


def test_audit_events_are_written_per_pupil_and_for_the_import(ib, school):
    existing = enrolled_pupil(school)
    unchanged = enrolled_pupil(school)
    rows = [
        csv_pupil_row(),
        csv_pupil_row(bsn=existing.bsn, inschrijvingvolgnummer=existing.enrolments.get().sequence_number,
                      inschrijfdatum="2024-08-26"),
        csv_pupil_row(bsn=unchanged.bsn, inschrijvingvolgnummer=unchanged.enrolments.get().sequence_number,
                      voornaam=unchanged.first_name, achternaam=unchanged.last_name,
                      geboortedatum=f"{unchanged.date_of_birth}", inschrijfdatum="2024-08-26", groep="5"),
    ]
    result = run(ib, school, pupil_csv(rows))
    summary = AuditEvent.objects.get(action="pupil_import.completed")
    assert (summary.actor, summary.object_id, summary.on_behalf_of) == (ib, str(school.pk), f"school:{school.code}")
    counts = {k: summary.details[k] for k in ("rows", "created", "updated", "unchanged")}
    assert counts == {"rows": 3, "created": 1, "updated": 1, "unchanged": 1}
    events = AuditEvent.objects.exclude(pk=summary.pk)
    new = Pupil.objects.get(bsn=rows[0]["bsn"])
    assert {(e.action, e.pupil_id) for e in events} == {("pupil.created", new.pk), ("pupil.updated", existing.pk)}
    updated = events.get(action="pupil.updated")
    assert updated.actor == ib and updated.details["import"] == str(summary.uuid) == result.import_uuid
    assert "first_name" in updated.details["fields"]
    assert existing.bsn not in str(updated.details)


def test_the_service_refuses_a_school_outside_the_users_reach(ib):
    with pytest.raises(NotAllowed):
        run(ib, SchoolFactory(), pupil_csv([csv_pupil_row()]))
    assert not Pupil.objects.exists()


def test_the_example_file_imports_cleanly(ib, school):
    result = run(ib, school, EXAMPLE.read_bytes())
    assert (result.created, result.guardians_linked) == (5, 7)
    assert Pupil.objects.get(onderwijsnummer="101222331").first_name == "Noor"


def test_an_import_of_5000_rows_takes_a_fixed_number_of_queries(ib, school, django_assert_max_num_queries):
    rows = [with_guardian(csv_pupil_row()) for _ in range(5000)]
    data = pupil_csv(rows)
    enrolled_pupil(school)
    with django_assert_max_num_queries(30):
        result = run(ib, school, data)
    assert result.created == 5000
    assert Pupil.objects.count() == 5001
    assert Guardianship.objects.count() == 5000
    assert AuditEvent.objects.filter(action="pupil.created").count() == 5000


def test_the_number_of_queries_does_not_grow_with_the_number_of_rows(school):
    def queries(n: int, *, again: bool = False) -> int:
        user = staff("ib", school=school)
        rows = [with_guardian(csv_pupil_row()) for _ in range(n)]
        run(user, school, pupil_csv(rows))
        for row in rows:
            row["groep"] = "8"
        with CaptureQueriesContext(connection) as captured:
            run(user, school, pupil_csv(rows))
        return len(captured)

    assert queries(5) == queries(400)


# --- the import page ---

def test_the_import_page_explains_the_columns_and_offers_the_example_file(client, ib):
    client.force_login(ib)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "leerlingen-voorbeeld.csv" in html
    assert "inschrijvingvolgnummer" in html and "ouder1_gezag" in html
    assert 'enctype="multipart/form-data"' in html
    assert response.context["form"].fields["school"].empty_label is None  # one school: nothing to choose


@pytest.mark.parametrize("who", ["teacher", "board_admin", "parent", "swv", "ib_elsewhere"])
def test_outsiders_get_a_404_and_nothing_is_imported(client, school, who):
    if who == "teacher":
        user = staff("teacher", school=school, groups="5")
    elif who == "board_admin":
        user = staff("board_admin", board=school.board)
    elif who == "parent":
        user = parent_of(enrolled_pupil(school))
    elif who == "swv":
        user = staff("swv", swv=school.swv)
    else:
        user = staff("ib", school=SchoolFactory(board=BoardFactory()))
    client.force_login(user)
    before = Pupil.objects.count()
    # An ib elsewhere has an import page for their own school (see the next test), not one for this school.
    urls = [f"{URL}?school={school.uuid}"] if who == "ib_elsewhere" else [URL, f"{URL}?school={school.uuid}"]
    for url in urls:
        assert client.get(url).status_code == 404
        response = client.post(url, {"school": school.uuid, "file": upload(pupil_csv([csv_pupil_row()]))})
        assert response.status_code == 404
    assert Pupil.objects.count() == before


def test_an_ib_of_another_school_cannot_choose_this_school_in_the_form(client, school):
    user = staff("ib", school=SchoolFactory())
    client.force_login(user)
    response = client.post(URL, {"school": school.uuid, "file": upload(pupil_csv([csv_pupil_row()]))})
    assert response.context["form"].errors["school"] == ["Kies een school uit de lijst."]
    assert not Pupil.objects.exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["ib", "school_leader"])
def test_a_good_upload_redirects_to_the_pupil_list_with_the_counts(client, school, role):
    user = staff(role, school=school)
    client.force_login(user)
    rows = [csv_pupil_row(), with_guardian(csv_pupil_row())]
    response = client.post(URL, {"school": school.uuid, "file": upload(pupil_csv(rows, bom=True))}, follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('schools:pupil_list')}?school={school.uuid}"
    html = response.content.decode()
    assert rows[0]["achternaam"] in html and rows[1]["achternaam"] in html  # the list shows the new pupils
    assert (
        f"Het bestand is geïmporteerd voor {school.name}: 2 nieuw, 0 bijgewerkt, 0 ongewijzigd; "
        "1 ouders/verzorgers gekoppeld."
    ) in html
    assert Enrolment.objects.filter(school=school).count() == 2


def test_a_bad_upload_shows_each_bad_line_with_its_reasons_and_saves_nothing(client, ib, school):
    client.force_login(ib)
    rows = [csv_pupil_row(), csv_pupil_row(bsn="123456789", geboortedatum="32-01-2016"), csv_pupil_row(bsn="")]
    response = client.post(URL, {"school": school.uuid, "file": upload(pupil_csv(rows))})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and "2 regels bevatten fouten." in html
    assert "<caption>" in html and '<th scope="col">Regel</th>' in html and '<th scope="row"' in html
    assert [e.line for e in response.context["row_errors"]] == [3, 4]
    assert len(response.context["row_errors"][0].reasons) == 2
    assert "elfproef" in html and "32-01-2016" in html
    assert not Pupil.objects.exists()


def test_a_missing_column_is_shown_next_to_the_file_field(client, ib, school):
    client.force_login(ib)
    columns = ["voornaam", "achternaam", "bsn", "inschrijfdatum", "inschrijvingvolgnummer"]
    data = pupil_csv([csv_pupil_row()], columns=columns)
    response = client.post(URL, {"school": school.uuid, "file": upload(data)})
    assert response.status_code == 200
    message = response.context["form"].errors["file"][0]
    assert message.startswith("In de kopregel ontbreekt de verplichte kolom geboortedatum.")


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "Het bestand is leeg."),
        (b"\x00\x01\x02binary", "Dit is geen CSV-bestand."),
        (b"PK\x03\x04zip", "Dit is een Excel-bestand"),
    ],
)
def test_an_empty_or_non_csv_upload_gets_a_dutch_form_error(client, ib, school, data, message):
    client.force_login(ib)
    response = client.post(URL, {"school": school.uuid, "file": upload(data)})
    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith(message)


def test_no_file_at_all_gets_a_dutch_form_error(client, ib, school):
    client.force_login(ib)
    response = client.post(URL, {"school": school.uuid})
    assert response.context["form"].errors["file"] == ["Kies het CSV-bestand dat u wilt importeren."]


def test_a_file_over_the_size_limit_gets_a_form_error(client, ib, school, settings):
    settings.PUPIL_IMPORT_MAX_BYTES = 200
    client.force_login(ib)
    response = client.post(URL, {"school": school.uuid, "file": upload(pupil_csv([csv_pupil_row() for _ in range(5)]))})
    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith("Het bestand is te groot")
    assert not Pupil.objects.exists()


def test_a_concurrent_change_saves_nothing_and_asks_to_import_again(client, ib, school, monkeypatch):
    def collide(**kwargs):
        Pupil.objects.bulk_create([Pupil(first_name="A", last_name="B", date_of_birth=datetime.date(2016, 1, 1),
                                         bsn="111222333")])
        raise IntegrityError("UNIQUE constraint failed: schools_pupil.bsn")

    monkeypatch.setattr(pupil_import, "_write", collide)
    client.force_login(ib)
    response = client.post(URL, {"school": school.uuid, "file": upload(pupil_csv([csv_pupil_row()]))})
    assert response.status_code == 200
    assert "iemand anders dezelfde leerlingen gewijzigd" in response.context["form"].errors["file"][0]
    assert not Pupil.objects.exists()


def test_a_user_with_two_schools_picks_one_and_only_their_own(client, school):
    second = SchoolFactory()
    user = staff("ib", school=school)
    user.memberships.create(role="school_leader", school=second)
    client.force_login(user)
    page = client.get(URL)
    choices = {s.pk for s in page.context["form"].fields["school"].queryset}
    assert choices == {school.pk, second.pk}

    data = pupil_csv([csv_pupil_row()])
    no_choice = client.post(URL, {"file": upload(data)})
    assert no_choice.context["form"].errors["school"] == ["Kies de school waarvoor u leerlingen importeert."]
    outside = client.post(URL, {"school": SchoolFactory().uuid, "file": upload(data)})
    assert outside.context["form"].errors["school"] == ["Kies een school uit de lijst."]
    assert not Pupil.objects.exists()

    response = client.post(URL, {"school": second.uuid, "file": upload(data)})
    assert response.status_code == 302
    assert Enrolment.objects.get().school == second


def test_a_link_for_one_school_offers_only_that_school(client, school):
    second = SchoolFactory()
    user = staff("ib", school=school)
    user.memberships.create(role="ib", school=second)
    client.force_login(user)
    form = client.get(f"{URL}?school={second.uuid}").context["form"]
    assert list(form.fields["school"].queryset) == [second]
    assert client.get(f"{URL}?school=not-a-uuid").status_code == 404


def test_an_import_does_not_change_guardians_of_a_pupil_no_longer_enrolled_here(ib, school):
    pupil = PupilFactory()
    EnrolmentFactory(pupil=pupil, school=school, sequence_number="5", enrolment_date=datetime.date(2020, 8, 24),
                     leaving_date=datetime.date(2024, 7, 12))
    guardian = GuardianFactory(first_name="Eva", last_name="Bos", email="eva@example.test")
    GuardianshipFactory(pupil=pupil, guardian=guardian, has_gezag=True)
    row = with_guardian(
        csv_pupil_row(bsn=pupil.bsn, geboortedatum=pupil.date_of_birth.isoformat(), inschrijvingvolgnummer="5",
                      inschrijfdatum="2020-08-24", uitschrijfdatum="2024-07-12"),
        voornaam="Eva", achternaam="Bos", email="eva@example.test", gezag="nee",
    )
    errors = rejected(ib, school, pupil_csv([row]))
    assert "nu niet op deze school ingeschreven" in errors[2][0]
    assert Guardianship.objects.get(guardian=guardian).has_gezag


def test_an_import_that_changes_a_guardians_email_or_gezag_mails_the_previous_address(
        ib, school, django_capture_on_commit_callbacks):
    from django.core import mail

    pupil = enrolled_pupil(school)
    guardian = GuardianFactory(first_name="Eva", last_name="Bos", email="eva@example.test")
    GuardianshipFactory(pupil=pupil, guardian=guardian, has_gezag=True)
    row = with_guardian(
        csv_pupil_row(bsn=pupil.bsn, geboortedatum=pupil.date_of_birth.isoformat(),
                      inschrijvingvolgnummer=pupil.enrolments.get().sequence_number, inschrijfdatum="2024-08-26"),
        voornaam="Eva", achternaam="Bos", email="eva@example.test", gezag="nee",
    )
    with django_capture_on_commit_callbacks(execute=True):
        run(ib, school, pupil_csv([row]))
    assert [m.to for m in mail.outbox] == [["eva@example.test"]]
    event = AuditEvent.objects.get(action="pupil.updated")
    assert "has_gezag" in event.details["guardian_fields"]
