"""Writes on pupils, enrolments and guardians: reach, one transaction, an audit event in it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from opp_portal.audit.models import AuditEvent
from schools import services
from schools.models import Enrolment, Guardian, Guardianship, Pupil
from tests.factories import GuardianshipFactory, SchoolFactory, enrolled_pupil, make_bsn, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SchoolFactory(brin="12AB", vestiging="01")


@pytest.fixture
def ib(school):
    return staff("ib", school=school)


def pupil_data(**overrides) -> services.PupilData:
    values = {"first_name": "Noor", "name_prefix": "van", "last_name": "Dijk",
              "date_of_birth": datetime.date(2017, 3, 14), "bsn": make_bsn(), "onderwijsnummer": None}
    values.update(overrides)
    return services.PupilData(**values)


def enrolment_data(school, **overrides) -> services.EnrolmentData:
    values = {"school": school, "sequence_number": "77001", "enrolment_date": datetime.date(2023, 8, 28),
              "leaving_date": None, "group": "3"}
    values.update(overrides)
    return services.EnrolmentData(**values)


def guardian_data(**overrides) -> services.GuardianData:
    values = {"first_name": "Fatima", "name_prefix": "", "last_name": "El Amrani", "email": "F@Example.test",
              "phone": "06 12345678", "relationship": "moeder", "has_gezag": True}
    values.update(overrides)
    return services.GuardianData(**values)


class AuditDown(Exception):
    pass


@pytest.fixture
def audit_fails(monkeypatch):
    def broken(**kwargs):
        raise AuditDown

    monkeypatch.setattr(services, "record", broken)


# --- creating a pupil -----------------------------------------------------------------------------


def test_create_pupil_saves_pupil_and_enrolment_with_two_audit_events(ib, school):
    pupil = services.create_pupil(user=ib, pupil=pupil_data(), enrolment=enrolment_data(school))
    enrolment = pupil.enrolments.get()
    assert enrolment.school == school and enrolment.sequence_number == "77001"
    events = {e.action: e for e in AuditEvent.objects.all()}
    assert set(events) == {"pupil.created", "enrolment.created"}
    for event in events.values():
        assert event.actor == ib
        assert event.on_behalf_of == "school:12AB01"
        assert event.pupil_id == pupil.pk
    assert events["pupil.created"].object_type == "schools.pupil"
    assert events["pupil.created"].object_id == str(pupil.pk)
    assert events["enrolment.created"].object_id == str(enrolment.pk)


def test_create_pupil_is_undone_when_the_audit_event_cannot_be_written(ib, school, audit_fails):
    with pytest.raises(AuditDown):
        services.create_pupil(user=ib, pupil=pupil_data(), enrolment=enrolment_data(school))
    assert not Pupil.objects.exists() and not Enrolment.objects.exists()


@pytest.mark.parametrize("role", ["teacher", "board_admin", "swv", "outsider"])
def test_create_pupil_at_a_school_out_of_reach_is_not_allowed_and_saves_nothing(school, role):
    user = {
        "teacher": lambda: staff("teacher", school=school, groups="3"),
        "board_admin": lambda: staff("board_admin", board=school.board),
        "swv": lambda: staff("swv", swv=school.swv),
        "outsider": lambda: staff("ib", school=SchoolFactory()),
    }[role]()
    with pytest.raises(services.NotAllowed):
        services.create_pupil(user=user, pupil=pupil_data(), enrolment=enrolment_data(school))
    assert not Pupil.objects.exists() and not AuditEvent.objects.exists()


def test_not_allowed_is_answered_as_a_404():
    assert issubclass(services.NotAllowed, Http404)


def test_create_pupil_checks_the_data_itself_not_only_the_form(ib, school):
    with pytest.raises(ValidationError) as info:
        services.create_pupil(user=ib, pupil=pupil_data(bsn="111222334"), enrolment=enrolment_data(school))
    assert "bsn" in info.value.message_dict
    with pytest.raises(ValidationError):
        services.create_pupil(
            user=ib, pupil=pupil_data(),
            enrolment=enrolment_data(school, leaving_date=datetime.date(2020, 1, 1)),
        )
    assert not Pupil.objects.exists() and not AuditEvent.objects.exists()


# --- changing a pupil -----------------------------------------------------------------------------


def test_update_pupil_records_which_fields_changed_but_not_their_values(ib, school):
    pupil = enrolled_pupil(school, first_name="Anouk")
    enrolment = pupil.enrolments.get()
    new_bsn = make_bsn()
    services.update_pupil(
        user=ib, pupil=pupil, data=pupil_data(first_name="Anna", bsn=new_bsn, last_name=pupil.last_name,
                                              name_prefix=pupil.name_prefix, date_of_birth=pupil.date_of_birth),
        enrolment=enrolment, enrolment_data=enrolment_data(school, group="4"),
    )
    pupil.refresh_from_db()
    assert pupil.first_name == "Anna" and pupil.bsn == new_bsn
    event = AuditEvent.objects.get(action="pupil.updated")
    assert event.details == {"fields": ["bsn", "first_name"]}
    assert new_bsn not in str(event.details)
    assert AuditEvent.objects.filter(action="enrolment.updated", pupil_id=pupil.pk).exists()


def test_update_pupil_is_undone_when_the_audit_event_cannot_be_written(ib, school, audit_fails):
    pupil = enrolled_pupil(school, first_name="Anouk")
    with pytest.raises(AuditDown):
        services.update_pupil(user=ib, pupil=pupil, data=pupil_data(), enrolment=pupil.enrolments.get(),
                              enrolment_data=enrolment_data(school, group="8"))
    assert Pupil.objects.get(pk=pupil.pk).first_name == "Anouk"
    assert Enrolment.objects.get(pupil=pupil).group == "5"


def test_update_pupil_cannot_move_the_enrolment_to_a_school_out_of_reach(ib, school):
    pupil = enrolled_pupil(school)
    elsewhere = SchoolFactory()
    with pytest.raises(services.NotAllowed):
        services.update_pupil(user=ib, pupil=pupil, data=pupil_data(bsn=pupil.bsn), enrolment=pupil.enrolments.get(),
                              enrolment_data=enrolment_data(elsewhere))
    assert Enrolment.objects.get(pupil=pupil).school == school


def test_update_pupil_refuses_an_enrolment_at_a_school_out_of_reach(ib):
    pupil = enrolled_pupil(SchoolFactory())
    with pytest.raises(services.NotAllowed):
        services.update_pupil(user=ib, pupil=pupil, data=pupil_data(bsn=pupil.bsn), enrolment=pupil.enrolments.get(),
                              enrolment_data=enrolment_data(pupil.enrolments.get().school))


def test_update_pupil_from_a_stale_version_is_a_conflict_and_changes_nothing(ib, school):
    pupil = enrolled_pupil(school, first_name="Anouk")
    enrolment = pupil.enrolments.get()
    version = services.version_of(pupil, enrolment)
    Enrolment.objects.filter(pk=enrolment.pk).update(group="7")  # someone else saved meanwhile
    with pytest.raises(services.Conflict):
        services.update_pupil(user=ib, pupil=pupil, data=pupil_data(bsn=pupil.bsn), enrolment=enrolment,
                              enrolment_data=enrolment_data(school), expected_version=version)
    assert Pupil.objects.get(pk=pupil.pk).first_name == "Anouk"
    assert Enrolment.objects.get(pk=enrolment.pk).group == "7"
    assert not AuditEvent.objects.exists()


def test_update_pupil_from_the_current_version_goes_through(ib, school):
    pupil = enrolled_pupil(school)
    enrolment = pupil.enrolments.get()
    services.update_pupil(user=ib, pupil=pupil, data=pupil_data(bsn=pupil.bsn), enrolment=enrolment,
                          enrolment_data=enrolment_data(school), expected_version=services.version_of(pupil, enrolment))
    assert Pupil.objects.get(pk=pupil.pk).first_name == "Noor"


def test_version_changes_with_any_stored_value(school):
    pupil = enrolled_pupil(school)
    enrolment = pupil.enrolments.get()
    before = services.version_of(pupil, enrolment)
    assert services.version_of(Pupil.objects.get(pk=pupil.pk), Enrolment.objects.get(pk=enrolment.pk)) == before
    enrolment.leaving_date = datetime.date(2026, 7, 1)
    assert services.version_of(pupil, enrolment) != before


# --- guardians ------------------------------------------------------------------------------------


def test_add_guardian_links_a_new_guardian_and_writes_an_audit_event(ib, school):
    pupil = enrolled_pupil(school)
    link = services.add_guardian(user=ib, pupil=pupil, data=guardian_data())
    assert link.pupil == pupil and link.has_gezag and link.relationship == "moeder"
    assert link.guardian.email == "f@example.test"
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.pupil_id, event.on_behalf_of) == (
        "guardian.added", ib, pupil.pk, "school:12AB01")


def test_add_guardian_sent_twice_adds_one_guardian_not_a_second_party_with_gezag(ib, school):
    pupil = enrolled_pupil(school)
    for email in ("", "F@Example.test"):
        first = services.add_guardian(user=ib, pupil=pupil, data=guardian_data(email=email))
        assert services.add_guardian(user=ib, pupil=pupil, data=guardian_data(email=email)) == first
    assert pupil.guardianships.count() == 2
    assert AuditEvent.objects.filter(action="guardian.added").count() == 2
    # Another person with the same name is still added.
    services.add_guardian(user=ib, pupil=pupil, data=guardian_data(email="", first_name="Karim", relationship="vader"))
    assert pupil.guardianships.count() == 3


def test_add_guardian_is_undone_when_the_audit_event_cannot_be_written(ib, school, audit_fails):
    pupil = enrolled_pupil(school)
    with pytest.raises(AuditDown):
        services.add_guardian(user=ib, pupil=pupil, data=guardian_data())
    assert not Guardian.objects.exists() and not Guardianship.objects.exists()


def test_add_guardian_to_a_pupil_out_of_reach_is_not_allowed(ib):
    pupil = enrolled_pupil(SchoolFactory())
    with pytest.raises(services.NotAllowed):
        services.add_guardian(user=ib, pupil=pupil, data=guardian_data())
    assert not Guardian.objects.exists()


def test_update_guardian_records_which_fields_changed(ib, school):
    pupil = enrolled_pupil(school)
    link = GuardianshipFactory(pupil=pupil)
    data = guardian_data(first_name=link.guardian.first_name, name_prefix=link.guardian.name_prefix,
                         last_name=link.guardian.last_name, email=link.guardian.email, phone="010 1234567",
                         relationship="ouder", has_gezag=False)
    services.update_guardian(user=ib, link=link, data=data)
    link.refresh_from_db()
    assert not link.has_gezag and link.guardian.phone == "010 1234567"
    assert AuditEvent.objects.get(action="guardian.updated").details == {"fields": ["has_gezag", "phone"],
                                                                          "has_gezag": False}


def test_two_guardians_of_a_child_never_share_an_address_so_neither_decides_for_the_other(ib, school):
    pupil = enrolled_pupil(school)
    mother = GuardianshipFactory(pupil=pupil, guardian__email="moeder@example.test")
    father = GuardianshipFactory(pupil=pupil, guardian__email="vader@example.test")
    with pytest.raises(ValidationError) as added:
        services.add_guardian(user=ib, pupil=pupil, data=guardian_data(email="Moeder@example.test"))
    assert "eigen e-mailadres" in added.value.message_dict["email"][0]
    with pytest.raises(ValidationError):
        services.update_guardian(user=ib, link=father, data=guardian_data(
            first_name=father.guardian.first_name, last_name=father.guardian.last_name, email="moeder@example.test"))
    assert Guardian.objects.get(pk=father.guardian_id).email == "vader@example.test"
    assert not AuditEvent.objects.exists()
    # Nor a child and their guardian (the pupil's own page would be the parent's, an adult's decision too).
    with pytest.raises(ValidationError) as own:
        services.update_pupil(user=ib, pupil=pupil, data=pupil_data(
            first_name=pupil.first_name, last_name=pupil.last_name, date_of_birth=pupil.date_of_birth,
            bsn=pupil.bsn, onderwijsnummer=pupil.onderwijsnummer, email="MOEDER@example.test"),
            enrolment=pupil.enrolments.get(), enrolment_data=enrolment_data(school))
    assert "email" in own.value.message_dict
    Pupil.objects.filter(pk=pupil.pk).update(email="kind@example.test")
    with pytest.raises(ValidationError):
        services.update_guardian(user=ib, link=mother, data=guardian_data(
            first_name=mother.guardian.first_name, last_name=mother.guardian.last_name, email="kind@example.test"))
    # A parent of two children keeps one address for both; an address of their own stays theirs to change.
    sibling = enrolled_pupil(school)
    services.add_guardian(user=ib, pupil=sibling, data=guardian_data(email="moeder@example.test"))
    services.update_guardian(user=ib, link=mother, data=guardian_data(
        first_name=mother.guardian.first_name, last_name=mother.guardian.last_name, email="Moeder@Example.test"))


def test_update_guardian_is_undone_when_the_audit_event_cannot_be_written(ib, school, audit_fails):
    link = GuardianshipFactory(pupil=enrolled_pupil(school))
    name = link.guardian.last_name
    with pytest.raises(AuditDown):
        services.update_guardian(user=ib, link=link, data=guardian_data(has_gezag=False))
    assert Guardian.objects.get(pk=link.guardian_id).last_name == name
    assert Guardianship.objects.get(pk=link.pk).has_gezag


def test_update_guardian_from_a_stale_version_is_a_conflict(ib, school):
    link = GuardianshipFactory(pupil=enrolled_pupil(school))
    version = services.version_of(link.guardian, link)
    Guardian.objects.filter(pk=link.guardian_id).update(phone="020 7654321")
    with pytest.raises(services.Conflict):
        services.update_guardian(user=ib, link=link, data=guardian_data(), expected_version=version)
    assert Guardian.objects.get(pk=link.guardian_id).phone == "020 7654321"


def test_remove_guardian_unlinks_but_keeps_the_guardian_and_writes_an_audit_event(ib, school):
    pupil = enrolled_pupil(school)
    link = GuardianshipFactory(pupil=pupil)
    services.remove_guardian(user=ib, link=link)
    assert not Guardianship.objects.exists()
    assert Guardian.objects.filter(pk=link.guardian_id).exists()
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.pupil_id) == ("guardian.unlinked", str(link.guardian_id), pupil.pk)


def test_remove_guardian_is_undone_when_the_audit_event_cannot_be_written(ib, school, audit_fails):
    link = GuardianshipFactory(pupil=enrolled_pupil(school))
    with pytest.raises(AuditDown):
        services.remove_guardian(user=ib, link=link)
    assert Guardianship.objects.filter(pk=link.pk).exists()


@pytest.mark.parametrize("role", ["teacher", "board_admin", "parent"])
def test_guardian_changes_by_who_may_not_edit_are_not_allowed(school, role):
    pupil = enrolled_pupil(school, group="5")
    link = GuardianshipFactory(pupil=pupil)
    user = {
        "teacher": lambda: staff("teacher", school=school, groups="5"),
        "board_admin": lambda: staff("board_admin", board=school.board),
        "parent": lambda: link.guardian.user or _parent_user(link),
    }[role]()
    for call in (
        lambda: services.add_guardian(user=user, pupil=pupil, data=guardian_data()),
        lambda: services.update_guardian(user=user, link=link, data=guardian_data()),
        lambda: services.remove_guardian(user=user, link=link),
    ):
        with pytest.raises(services.NotAllowed):
            call()
    assert Guardianship.objects.filter(pk=link.pk, has_gezag=True).exists()
    assert not AuditEvent.objects.exists()


def _parent_user(link):
    from tests.factories import UserFactory

    user = UserFactory()
    Guardian.objects.filter(pk=link.guardian_id).update(user=user, email=user.email)
    return user


def test_superuser_may_change_any_pupil(school):
    from tests.factories import UserFactory

    admin = UserFactory(is_superuser=True)
    pupil = enrolled_pupil(school)
    services.add_guardian(user=admin, pupil=pupil, data=guardian_data())
    assert AuditEvent.objects.get().on_behalf_of == "school:12AB01"


def test_adding_a_pupil_of_another_of_the_users_schools_enrols_the_same_record():
    from schools import services
    from tests.factories import EnrolmentFactory, SchoolFactory, staff

    moving = EnrolmentFactory().pupil
    school = SchoolFactory()
    ib = staff("ib", school=school)
    Membership = type(ib.memberships.get())
    Membership.objects.create(user=ib, role="ib", school=moving.enrolments.get().school)
    result = services.create_pupil(
        user=ib,
        pupil=services.PupilData(
            first_name=moving.first_name, name_prefix="", last_name=moving.last_name,
            date_of_birth=moving.date_of_birth, bsn=moving.bsn, onderwijsnummer=None,
        ),
        enrolment=services.EnrolmentData(
            school=school, sequence_number="77", enrolment_date=datetime.date(2025, 8, 25), leaving_date=None, group="4",
        ),
    )
    assert result.pk == moving.pk
    assert moving.enrolments.count() == 2


def test_adding_a_pupil_of_the_users_school_with_another_date_of_birth_is_refused():
    from django.core.exceptions import ValidationError

    from schools import services
    from tests.factories import EnrolmentFactory, SchoolFactory, staff

    school = SchoolFactory()
    other = EnrolmentFactory(pupil__date_of_birth=datetime.date(2015, 1, 1), school=school).pupil
    with pytest.raises(ValidationError) as refused:
        services.create_pupil(
            user=staff("ib", school=school),
            pupil=services.PupilData(
                first_name="A", name_prefix="", last_name="B", date_of_birth=datetime.date(2016, 2, 2),
                bsn=other.bsn, onderwijsnummer=None,
            ),
            enrolment=services.EnrolmentData(
                school=school, sequence_number="78", enrolment_date=datetime.date(2025, 8, 25), leaving_date=None, group="",
            ),
        )
    assert "andere geboortedatum" in str(refused.value)
    assert other.enrolments.count() == 1


# --- guardians: only the school where the pupil is enrolled now, and the guardian hears of it --------------------

def test_a_school_the_pupil_left_no_longer_changes_guardians_or_gezag(client, ib, school):
    from django.urls import reverse

    pupil = enrolled_pupil(school)
    Enrolment.objects.filter(pupil=pupil).update(leaving_date=datetime.date(2025, 7, 11))
    link = GuardianshipFactory(pupil=pupil, has_gezag=True)
    for call in (
        lambda: services.add_guardian(user=ib, pupil=pupil, data=guardian_data()),
        lambda: services.update_guardian(user=ib, link=link, data=guardian_data(has_gezag=False)),
        lambda: services.remove_guardian(user=ib, link=link),
    ):
        with pytest.raises(services.NotAllowed):
            call()
    client.force_login(ib)
    edit = reverse("schools:guardian_edit", args=[pupil.uuid, link.guardian.uuid])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"last_name": "X", "email": "nieuw@example.test", "relationship": "ouder"}).status_code == 404
    assert client.get(reverse("schools:guardian_add", args=[pupil.uuid])).status_code == 404
    page = client.get(reverse("schools:pupil_detail", args=[pupil.uuid])).content.decode()
    assert link.guardian.last_name in page and edit not in page
    link.refresh_from_db()
    assert link.has_gezag


def test_a_guardian_shared_with_a_sibling_at_another_school_keeps_name_and_address_but_gezag_may_change(ib, school):
    # A transfer brought the record along: the sibling's school, out of this ib's reach, keeps it too.
    sibling = enrolled_pupil(SchoolFactory())
    pupil = enrolled_pupil(school)
    theirs = GuardianshipFactory(pupil=sibling, has_gezag=True)
    link = GuardianshipFactory(pupil=pupil, guardian=theirs.guardian, has_gezag=True)
    g = theirs.guardian
    same_person = {"first_name": g.first_name, "name_prefix": g.name_prefix, "last_name": g.last_name,
                   "email": g.email.upper(), "phone": g.phone}
    with pytest.raises(services.SchoolRuleError) as refused:
        services.update_guardian(user=ib, link=link, data=guardian_data(**{**same_person,
                                                                           "email": "ander@example.test"}))
    assert refused.value.field == "email" and "andere school" in str(refused.value)
    g.refresh_from_db()
    assert g.email != "ander@example.test"
    services.update_guardian(user=ib, link=link, data=guardian_data(**same_person, has_gezag=False))
    link.refresh_from_db()
    theirs.refresh_from_db()
    assert not link.has_gezag and theirs.has_gezag


def test_the_edit_form_of_a_shared_guardian_offers_only_relationship_and_gezag(client, ib, school):
    from django.urls import reverse

    sibling, pupil = enrolled_pupil(SchoolFactory()), enrolled_pupil(school)
    theirs = GuardianshipFactory(pupil=sibling, has_gezag=True)
    link = GuardianshipFactory(pupil=pupil, guardian=theirs.guardian, has_gezag=True)
    client.force_login(ib)
    edit = reverse("schools:guardian_edit", args=[pupil.uuid, link.guardian.uuid])
    form = client.get(edit).context["form"]
    assert form.fields["email"].disabled and not form.fields["has_gezag"].disabled
    # A crafted post with another address keeps the address and changes the link only.
    data = {"last_name": "Overgenomen", "email": "ander@example.test", "relationship": "ouder",
            "version": form.initial["version"]}
    assert client.post(edit, data).status_code == 302
    link.refresh_from_db()
    assert link.guardian.email == theirs.guardian.email and link.guardian.last_name == theirs.guardian.last_name
    assert not link.has_gezag and link.relationship == "ouder"


def test_changing_a_guardians_email_or_gezag_mails_the_previous_address(ib, school, django_capture_on_commit_callbacks):
    from django.core import mail

    link = GuardianshipFactory(pupil=enrolled_pupil(school), guardian__email="oud@example.test",
                               guardian__first_name="Fatima", guardian__last_name="El Amrani", has_gezag=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_guardian(user=ib, link=link, data=guardian_data(email="nieuw@example.test", has_gezag=False))
    assert [m.to for m in mail.outbox] == [["oud@example.test"]]
    body = mail.outbox[0].body
    assert "Beste Fatima El Amrani" in body and "uw e-mailadres" in body and "gezag" in body
    assert school.name in body and "nieuw@example.test" not in body and "neem" in body.lower()
    event = AuditEvent.objects.get(action="guardian.updated")
    assert {"email", "has_gezag"} <= set(event.details["fields"]) and event.details["has_gezag"] is False


def test_changing_only_a_guardians_phone_sends_no_mail(ib, school, django_capture_on_commit_callbacks):
    from django.core import mail

    link = GuardianshipFactory(pupil=enrolled_pupil(school), guardian__email="f@example.test", has_gezag=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_guardian(user=ib, link=link, data=guardian_data(
            first_name=link.guardian.first_name, last_name=link.guardian.last_name, email="F@example.test",
            phone="010 7654321", relationship="ouder"))
    assert mail.outbox == []


def test_unlinking_a_guardian_mails_their_address(ib, school, django_capture_on_commit_callbacks):
    from django.core import mail

    link = GuardianshipFactory(pupil=enrolled_pupil(school), guardian__email="ouder@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_guardian(user=ib, link=link)
    assert [m.to for m in mail.outbox] == [["ouder@example.test"]]
    assert "losgekoppeld" in mail.outbox[0].body
