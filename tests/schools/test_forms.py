"""Pupil, enrolment, guardian and search forms: every refusal is a Dutch message on the field concerned."""

import datetime

import pytest
from django.utils import timezone

from schools.forms import EnrolmentForm, GuardianForm, PupilForm, PupilSearchForm
from schools.models import School
from tests.factories import EnrolmentFactory, PupilFactory, SchoolFactory, make_bsn, make_onderwijsnummer

pytestmark = pytest.mark.django_db


def pupil_data(**overrides) -> dict:
    data = {"first_name": "Noor", "name_prefix": "van", "last_name": "Dijk", "date_of_birth": "2017-03-14",
            "bsn": make_bsn(), "onderwijsnummer": ""}
    data.update(overrides)
    return data


def enrolment_data(at, **overrides) -> dict:
    data = {"school": str(at.uuid), "group": "3", "enrolment_date": "2023-08-28", "leaving_date": "",
            "sequence_number": "77001"}
    data.update(overrides)
    return data


def guardian_data(**overrides) -> dict:
    data = {"first_name": "Fatima", "name_prefix": "", "last_name": "El Amrani", "email": "fatima@example.test",
            "phone": "06 12345678", "relationship": "moeder", "has_gezag": "on"}
    data.update(overrides)
    return data


def only_error(form, field) -> str:
    assert not form.is_valid()
    assert field in form.errors, form.errors
    return " ".join(form.errors[field])


# --- pupil ----------------------------------------------------------------------------------------


def test_a_complete_pupil_form_is_valid():
    form = PupilForm(pupil_data())
    assert form.is_valid(), form.errors


def test_bsn_typed_with_spaces_or_dots_is_accepted_as_nine_digits():
    form = PupilForm(pupil_data(bsn="1112.22.333"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["bsn"] == "111222333"
    assert PupilForm(pupil_data(bsn=" 111 222 333 ")).is_valid()


@pytest.mark.parametrize("bsn", ["111222334", "12345678", "1234567890", "11122233a", "000000000", "abcdefghi"])
def test_invalid_bsn_is_refused_with_the_elfproef_message(bsn):
    assert "geen geldig BSN" in only_error(PupilForm(pupil_data(bsn=bsn)), "bsn")


@pytest.mark.parametrize("value", ["101222332", "111222333", "20122233"])
def test_invalid_onderwijsnummer_is_refused(value):
    form = PupilForm(pupil_data(bsn="", onderwijsnummer=value))
    assert "geen geldig onderwijsnummer" in only_error(form, "onderwijsnummer")


def test_pupil_with_an_onderwijsnummer_and_no_bsn_is_valid():
    form = PupilForm(pupil_data(bsn="", onderwijsnummer=make_onderwijsnummer()))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["bsn"] is None


def test_both_identifiers_are_refused():
    form = PupilForm(pupil_data(onderwijsnummer=make_onderwijsnummer()))
    assert "niet allebei" in only_error(form, "onderwijsnummer")


def test_neither_identifier_is_refused():
    assert "Vul het BSN van de leerling in" in only_error(PupilForm(pupil_data(bsn="")), "bsn")


def test_a_new_pupil_form_leaves_a_known_bsn_to_the_service_which_enrols_a_pupil_moving_school():
    existing = PupilFactory()
    assert PupilForm(pupil_data(bsn=existing.bsn)).is_valid()


def test_a_pupil_keeps_their_own_bsn_when_edited():
    pupil = PupilFactory()
    assert PupilForm(pupil_data(bsn=pupil.bsn), instance=pupil).is_valid()


@pytest.mark.parametrize("value", ["2017-02-30", "14-03-20177", "morgen", "0000-01-01"])
def test_date_of_birth_that_is_not_a_date_is_refused(value):
    assert "geldige datum" in only_error(PupilForm(pupil_data(date_of_birth=value)), "date_of_birth")


def test_date_of_birth_may_be_typed_the_dutch_way():
    form = PupilForm(pupil_data(date_of_birth="14-03-2017"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == datetime.date(2017, 3, 14)


def test_date_of_birth_in_the_future_is_refused():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert "in de toekomst" in only_error(PupilForm(pupil_data(date_of_birth=tomorrow.isoformat())), "date_of_birth")


def test_date_of_birth_too_long_ago_is_refused():
    assert "te ver in het verleden" in only_error(PupilForm(pupil_data(date_of_birth="1985-01-01")), "date_of_birth")


@pytest.mark.parametrize(("field", "length"), [("first_name", 101), ("last_name", 101), ("name_prefix", 21)])
def test_overly_long_names_are_refused(field, length):
    assert "niet meer dan" in only_error(PupilForm(pupil_data(**{field: "x" * length})), field)


def test_missing_last_name_is_refused():
    assert "verplicht" in only_error(PupilForm(pupil_data(last_name="  ")), "last_name")


def test_a_null_character_is_refused_not_stored():
    assert "Null" in only_error(PupilForm(pupil_data(last_name="Dijk\x00")), "last_name")


# --- enrolment ------------------------------------------------------------------------------------


def test_a_complete_enrolment_form_is_valid():
    school = SchoolFactory()
    form = EnrolmentForm(enrolment_data(school), schools=School.objects.filter(pk=school.pk))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["school"] == school


def test_school_outside_the_editable_schools_is_refused():
    mine, other = SchoolFactory(), SchoolFactory()
    form = EnrolmentForm(enrolment_data(other), schools=School.objects.filter(pk=mine.pk))
    assert "Kies een school waar u leerlingen mag toevoegen" in only_error(form, "school")


@pytest.mark.parametrize("value", ["1", "99999999999999999999999", "geen-uuid", "00000000-0000-0000-0000-000000000000"])
def test_school_posted_by_hand_as_anything_but_an_editable_uuid_is_refused(value):
    mine = SchoolFactory()
    form = EnrolmentForm(enrolment_data(mine, school=value), schools=School.objects.filter(pk=mine.pk))
    assert "Kies een school" in only_error(form, "school")


def test_school_choices_carry_uuids_not_database_ids():
    mine = SchoolFactory()
    html = str(EnrolmentForm(schools=School.objects.filter(pk=mine.pk))["school"])
    assert f'value="{mine.uuid}"' in html


def test_editing_an_enrolment_preselects_its_school():
    first, second = SchoolFactory(name="A"), SchoolFactory(name="B")
    enrolment = EnrolmentFactory(school=second)
    form = EnrolmentForm(instance=enrolment, schools=School.objects.filter(pk__in=[first.pk, second.pk]))
    assert f'value="{second.uuid}" selected' in str(form["school"])


def test_leaving_before_enrolment_is_refused():
    school = SchoolFactory()
    form = EnrolmentForm(enrolment_data(school, leaving_date="2023-08-01"), schools=School.objects.all())
    assert "vóór de inschrijfdatum" in only_error(form, "leaving_date")


@pytest.mark.parametrize("field", ["enrolment_date", "leaving_date"])
def test_enrolment_dates_that_are_not_dates_are_refused(field):
    school = SchoolFactory()
    form = EnrolmentForm(enrolment_data(school, **{field: "31-02-2024"}), schools=School.objects.all())
    assert "geldige datum" in only_error(form, field)


def test_changing_an_enrolment_to_a_sequence_number_in_use_at_the_school_is_refused():
    school = SchoolFactory()
    EnrolmentFactory(school=school, sequence_number="77001")
    mine = EnrolmentFactory(school=school, sequence_number="77002")
    form = EnrolmentForm(enrolment_data(school), instance=mine, schools=School.objects.all())
    assert "al in gebruik" in only_error(form, "sequence_number")


def test_a_new_enrolments_sequence_number_is_left_to_the_service_which_knows_a_form_sent_twice():
    school = SchoolFactory()
    EnrolmentFactory(school=school, sequence_number="77001")
    assert EnrolmentForm(enrolment_data(school), schools=School.objects.all()).is_valid()


def test_the_same_sequence_number_at_another_school_is_fine():
    EnrolmentFactory(sequence_number="77001")
    school = SchoolFactory()
    assert EnrolmentForm(enrolment_data(school), schools=School.objects.all()).is_valid()


def test_an_enrolment_keeps_its_own_sequence_number_when_edited():
    enrolment = EnrolmentFactory(sequence_number="77001")
    form = EnrolmentForm(enrolment_data(enrolment.school), instance=enrolment, schools=School.objects.all())
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("field", ["group", "sequence_number"])
def test_overly_long_enrolment_fields_are_refused(field):
    school = SchoolFactory()
    form = EnrolmentForm(enrolment_data(school, **{field: "9" * 21}), schools=School.objects.all())
    assert "niet meer dan" in only_error(form, field)


def test_missing_sequence_number_is_refused():
    school = SchoolFactory()
    form = EnrolmentForm(enrolment_data(school, sequence_number=""), schools=School.objects.all())
    assert "verplicht" in only_error(form, "sequence_number")


# --- guardian -------------------------------------------------------------------------------------


def test_a_complete_guardian_form_is_valid():
    form = GuardianForm(guardian_data())
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("phone", ["06 12345678", "+31 6 1234 5678", "(010) 123-4567", "0612345678"])
def test_usual_ways_of_writing_a_phone_number_are_accepted(phone):
    assert GuardianForm(guardian_data(phone=phone)).is_valid()


@pytest.mark.parametrize("phone", ["bel me", "06-1234", "06 12345678 of 010 1234567x", "0612345678;DROP"])
def test_bad_phone_number_is_refused(phone):
    assert "geldig telefoonnummer" in only_error(GuardianForm(guardian_data(phone=phone)), "phone")


def test_overly_long_phone_number_is_refused():
    assert "niet meer dan" in only_error(GuardianForm(guardian_data(phone="0" * 31)), "phone")


@pytest.mark.parametrize("email", ["geen-adres", "a@", "@example.test", "a b@example.test"])
def test_bad_email_is_refused(email):
    assert "geldig e-mailadres" in only_error(GuardianForm(guardian_data(email=email)), "email")


def test_email_longer_than_the_database_column_is_refused_by_the_form():
    email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".test"
    assert len(email) > 254
    assert "niet meer dan 254" in only_error(GuardianForm(guardian_data(email=email)), "email")


@pytest.mark.parametrize(("field", "length"), [("first_name", 101), ("last_name", 101), ("name_prefix", 21)])
def test_overly_long_guardian_names_are_refused(field, length):
    assert "niet meer dan" in only_error(GuardianForm(guardian_data(**{field: "x" * length})), field)


def test_unknown_relationship_is_refused():
    assert "geldige keuze" in only_error(GuardianForm(guardian_data(relationship="buurman")), "relationship")


def test_guardian_without_email_or_phone_is_fine():
    assert GuardianForm(guardian_data(email="", phone="")).is_valid()


# --- search ---------------------------------------------------------------------------------------


def test_search_offers_only_the_schools_given_and_by_uuid():
    mine, other = SchoolFactory(), SchoolFactory()
    form = PupilSearchForm({"school": str(other.uuid)}, schools=School.objects.filter(pk=mine.pk))
    assert "Kies een school uit de lijst" in only_error(form, "school")
    assert PupilSearchForm({"school": str(mine.uuid)}, schools=School.objects.filter(pk=mine.pk)).is_valid()


def test_search_text_is_limited_in_length():
    assert "niet meer dan" in only_error(PupilSearchForm({"q": "x" * 101}, schools=School.objects.none()), "q")


# --- bad input through the pages: a message next to the field, nothing saved, never a 500 ---------

from django.urls import reverse  # noqa: E402

from opp_portal.audit.models import AuditEvent  # noqa: E402
from schools.models import Enrolment, Guardian, Pupil  # noqa: E402
from tests.factories import GuardianshipFactory, enrolled_pupil, staff  # noqa: E402

ONDERWIJSNUMMER = "101222331"


@pytest.fixture
def site():
    mine, other = SchoolFactory(), SchoolFactory()
    pupil = enrolled_pupil(mine, first_name="Anouk", last_name="Zonneveld")
    # Another pupil of the same school: a clash the user may be told about (a number known only at a school out
    # of their reach is never mentioned, see tests/schools/test_transfers.py).
    elsewhere = enrolled_pupil(mine, bsn=None, onderwijsnummer=make_onderwijsnummer(),
                               date_of_birth=datetime.date(2015, 6, 1))
    guardian = GuardianshipFactory(pupil=pupil).guardian
    return {"mine": mine, "other": other, "pupil": pupil, "elsewhere": elsewhere, "guardian": guardian,
            "ib": staff("ib", school=mine)}


def message_next_to(response, field_id: str) -> str:
    """The text of the error block rendered right under the input with this id."""
    body = response.content.decode()
    assert f'id="{field_id}"' in body
    start = body.find(f'id="{field_id}_error"')
    assert start != -1, f"no error shown next to {field_id}"
    return body[start:body.find("</div>", start)]


def page_post(site, **overrides) -> dict:
    data = {f"pupil-{k}": v for k, v in pupil_data().items()}
    data.update({f"enrolment-{k}": v for k, v in enrolment_data(site["mine"]).items()})
    data.update({k.replace("__", "-"): v(site) if callable(v) else v for k, v in overrides.items()})
    return data


PUPIL_CASES = {
    "invalid BSN": ({"pupil__bsn": "111222334"}, "pupil-bsn", "geen geldig BSN"),
    "both identifiers": ({"pupil__onderwijsnummer": ONDERWIJSNUMMER}, "pupil-onderwijsnummer", "niet allebei"),
    "neither identifier": ({"pupil__bsn": ""}, "pupil-bsn", "Vul het BSN"),
    "date of birth not a date": ({"pupil__date_of_birth": "2017-02-30"}, "pupil-date_of_birth", "geldige datum"),
    "date of birth in the future": ({"pupil__date_of_birth": "2099-01-01"}, "pupil-date_of_birth", "toekomst"),
    "enrolment date not a date": ({"enrolment__enrolment_date": "gisteren"}, "enrolment-enrolment_date", "geldige datum"),
    "leaving before enrolment": ({"enrolment__leaving_date": "2023-01-01"}, "enrolment-leaving_date", "vóór de inschrijfdatum"),
    "enrolled before born": ({"enrolment__enrolment_date": "2016-08-01"}, "enrolment-enrolment_date", "vóór de geboortedatum"),
    "duplicate sequence number at the school": (
        {"enrolment__sequence_number": lambda s: s["pupil"].enrolments.get().sequence_number},
        "enrolment-sequence_number", "al in gebruik"),
    "identifier of another pupil of the school": (
        {"pupil__bsn": "", "pupil__onderwijsnummer": lambda s: s["elsewhere"].onderwijsnummer},
        "pupil-onderwijsnummer", "andere leerling van uw school"),
    "school the user may not edit": ({"enrolment__school": lambda s: str(s["other"].uuid)}, "enrolment-school", "Kies een school"),
    "school by database id": ({"enrolment__school": lambda s: str(s["mine"].pk)}, "enrolment-school", "Kies een school"),
    "overly long last name": ({"pupil__last_name": "x" * 101}, "pupil-last_name", "niet meer dan 100"),
    "overly long group": ({"enrolment__group": "x" * 21}, "enrolment-group", "niet meer dan 20"),
    "overly long sequence number": ({"enrolment__sequence_number": "9" * 21}, "enrolment-sequence_number", "niet meer dan 20"),
}


@pytest.mark.parametrize("case", PUPIL_CASES)
def test_bad_input_on_pupil_create_gets_a_dutch_message_next_to_the_field_and_saves_nothing(client, site, case):
    overrides, field_id, message = PUPIL_CASES[case]
    client.force_login(site["ib"])
    before = (Pupil.objects.count(), Enrolment.objects.count())
    response = client.post(reverse("schools:pupil_create"), page_post(site, **overrides))
    assert response.status_code == 200
    assert message in message_next_to(response, f"id_{field_id}")
    assert "Niet alles is goed ingevuld" in response.content.decode()
    assert (Pupil.objects.count(), Enrolment.objects.count()) == before
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("case", [c for c in PUPIL_CASES if c != "duplicate sequence number at the school"])
def test_bad_input_on_pupil_edit_gets_a_dutch_message_next_to_the_field_and_changes_nothing(client, site, case):
    overrides, field_id, message = PUPIL_CASES[case]
    pupil = site["pupil"]
    client.force_login(site["ib"])
    target = reverse("schools:pupil_edit", args=[pupil.uuid])
    data = page_post(site, **{"pupil__bsn": pupil.bsn, "pupil__first_name": "Gewijzigd", **overrides})
    response = client.post(target, data)
    assert response.status_code == 200
    assert message in message_next_to(response, f"id_{field_id}")
    pupil.refresh_from_db()
    assert pupil.first_name == "Anouk"
    assert pupil.enrolments.get().school == site["mine"]
    assert not AuditEvent.objects.exists()


GUARDIAN_CASES = {
    "bad phone": ({"phone": "bel me maar"}, "phone", "geldig telefoonnummer"),
    "short phone": ({"phone": "06-1234"}, "phone", "geldig telefoonnummer"),
    "bad email": ({"email": "fatima@"}, "email", "geldig e-mailadres"),
    "email too long for the database": ({"email": "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".test"}, "email",
                                        "niet meer dan 254"),
    "missing last name": ({"last_name": ""}, "last_name", "verplicht"),
    "overly long last name": ({"last_name": "x" * 101}, "last_name", "niet meer dan 100"),
    "overly long prefix": ({"name_prefix": "x" * 21}, "name_prefix", "niet meer dan 20"),
    "unknown relationship": ({"relationship": "buurman"}, "relationship", "geldige keuze"),
}


@pytest.mark.parametrize("case", GUARDIAN_CASES)
def test_bad_input_on_guardian_add_gets_a_dutch_message_next_to_the_field_and_saves_nothing(client, site, case):
    overrides, field, message = GUARDIAN_CASES[case]
    client.force_login(site["ib"])
    response = client.post(reverse("schools:guardian_add", args=[site["pupil"].uuid]), guardian_data(**overrides))
    assert response.status_code == 200
    assert message in message_next_to(response, f"id_{field}")
    assert Guardian.objects.count() == 1
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("case", GUARDIAN_CASES)
def test_bad_input_on_guardian_edit_gets_a_dutch_message_next_to_the_field_and_changes_nothing(client, site, case):
    overrides, field, message = GUARDIAN_CASES[case]
    guardian = site["guardian"]
    client.force_login(site["ib"])
    target = reverse("schools:guardian_edit", args=[site["pupil"].uuid, guardian.uuid])
    response = client.post(target, guardian_data(first_name="Gewijzigd", **overrides))
    assert response.status_code == 200
    assert message in message_next_to(response, f"id_{field}")
    guardian.refresh_from_db()
    assert guardian.first_name != "Gewijzigd"
    assert not AuditEvent.objects.exists()


def test_a_duplicate_the_form_missed_is_still_shown_next_to_the_field(client, site, monkeypatch):
    """If another user saves the same BSN between the form's check and the service, the service's check speaks."""
    monkeypatch.setattr(PupilForm, "validate_unique", lambda self: None)
    client.force_login(site["ib"])
    response = client.post(reverse("schools:pupil_create"), page_post(site, pupil__bsn=site["pupil"].bsn))
    assert response.status_code == 200
    assert "andere geboortedatum" in message_next_to(response, "id_pupil-bsn").lower()
    assert Pupil.objects.count() == 2


def test_a_database_refusal_after_validation_is_a_message_not_a_500(client, site, monkeypatch):
    from django.db import IntegrityError

    from schools import services

    def refuse(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(services, "create_pupil", refuse)
    client.force_login(site["ib"])
    response = client.post(reverse("schools:pupil_create"), page_post(site))
    assert response.status_code == 200
    assert "konden niet worden opgeslagen" in response.content.decode()
