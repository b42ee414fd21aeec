"""Overstappen: a number known outside the user's reach reveals nothing and takes over nothing; the current
school or a parent confirms the transfer, and only then do the records join."""

import datetime
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse

from opp_portal.audit.models import AuditEvent
from schools import services, transfers
from schools.models import Enrolment, Guardian, Guardianship, Membership, Pupil, PupilTransfer, TransferState
from tests.factories import (
    BoardFactory,
    EnrolmentFactory,
    GuardianFactory,
    GuardianshipFactory,
    SchoolFactory,
    UserFactory,
    csv_pupil_row,
    make_bsn,
    parent_of,
    pupil_account,
    pupil_csv,
    staff,
    with_guardian,
)

pytestmark = pytest.mark.django_db

BORN = datetime.date(2016, 5, 17)


@pytest.fixture
def world():
    """Board A's school has Sem, his mother (gezag) and an ib; board B's school has an ib who knows Sem's BSN."""
    current = SchoolFactory(name="De Regenboog", board=BoardFactory())
    hostile = SchoolFactory(name="De Vreemde School", board=BoardFactory())
    sem = EnrolmentFactory(school=current, pupil__first_name="Sem", pupil__last_name="Visser",
                           pupil__date_of_birth=BORN, sequence_number="4711").pupil
    mother_user = UserFactory(email="moeder.visser@example.test")
    mother = GuardianFactory(first_name="Anna", last_name="Visser", email="moeder.visser@example.test",
                             phone="06 11112222", user=mother_user)
    GuardianshipFactory(pupil=sem, guardian=mother, relationship="moeder", has_gezag=True)
    outsider = staff("ib", school=hostile)
    outsider.full_name = "Olaf Buitenweg"  # the page names its user: a random "Anna ..." would look like a leak
    outsider.save(update_fields=["full_name"])
    return SimpleNamespace(
        current=current, hostile=hostile, sem=sem, mother=mother, mother_user=mother_user,
        ib=staff("ib", school=current), leader=staff("school_leader", school=current),
        teacher=staff("teacher", school=current, groups="5"), outsider=outsider,
    )


def add_form(school, *, bsn, born=BORN, first_name="Sem", last_name="Visser", number="900") -> dict:
    return {
        "pupil-first_name": first_name, "pupil-name_prefix": "", "pupil-last_name": last_name,
        "pupil-date_of_birth": born.isoformat(), "pupil-bsn": bsn, "pupil-onderwijsnummer": "",
        "enrolment-school": str(school.uuid), "enrolment-group": "6", "enrolment-enrolment_date": "2025-08-25",
        "enrolment-leaving_date": "", "enrolment-sequence_number": number,
    }


def add(client, w, **kwargs):
    client.force_login(w.outsider)
    return client.post(reverse("schools:pupil_create"), add_form(w.hostile, **kwargs), follow=True)


def visible_text(response) -> str:
    """The page without its per-request parts (CSRF token, the new record's UUID), to compare two answers."""
    import re

    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "", body)
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID", body)


# --- adding a pupil never reveals a number known elsewhere ----------------------------------------------------

def test_adding_a_bsn_known_at_another_board_with_a_wrong_birth_date_answers_as_for_a_new_pupil(client, world):
    w = world
    fresh = make_bsn()
    known = add(client, w, bsn=w.sem.bsn, born=datetime.date(2016, 5, 18))
    unknown = add(client, w, bsn=fresh, born=datetime.date(2016, 5, 18), number="901")
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain[0][1] == unknown.redirect_chain[0][1] == 302
    assert (visible_text(known).replace(w.sem.bsn, "BSN")
            == visible_text(unknown).replace(fresh, "BSN").replace("901", "900"))
    assert "andere geboortedatum" not in known.content.decode()
    assert not PupilTransfer.objects.exists()
    w.sem.refresh_from_db()
    assert w.sem.enrolments.count() == 1 and w.sem.first_name == "Sem"


def test_adding_a_bsn_known_at_another_board_with_the_right_birth_date_takes_over_nothing(
        client, world, django_capture_on_commit_callbacks):
    w = world
    with django_capture_on_commit_callbacks(execute=True):
        response = add(client, w, bsn=w.sem.bsn, first_name="Semmie", last_name="Anders")
    page = response.content.decode()
    assert "Semmie Anders is toegevoegd" in page
    for secret in ("De Regenboog", "4711", "moeder.visser@example.test", "06 11112222", "Anna"):
        assert secret not in page
    own = Pupil.objects.get(first_name="Semmie")
    assert own.pk != w.sem.pk and own.duplicate_of == w.sem and own.bsn == w.sem.bsn
    w.sem.refresh_from_db()
    assert (w.sem.first_name, w.sem.last_name, w.sem.enrolments.count()) == ("Sem", "Visser", 1)
    # The existing record, its guardian and the mother's gezag stay out of reach.
    assert client.get(reverse("schools:pupil_detail", args=[w.sem.uuid])).status_code == 404
    edit = reverse("schools:guardian_edit", args=[w.sem.uuid, w.mother.uuid])
    assert client.post(edit, {"last_name": "X", "email": "aanvaller@example.test", "relationship": "moeder"}
                       ).status_code == 404
    assert client.get(reverse("schools:guardian_edit", args=[own.uuid, w.mother.uuid])).status_code == 404
    assert Guardianship.objects.get(guardian=w.mother).has_gezag
    assert Guardian.objects.get(pk=w.mother.pk).email == "moeder.visser@example.test"
    # In the background the current school and the mother are asked.
    transfer = PupilTransfer.objects.get()
    assert (transfer.pupil, transfer.incoming, transfer.state) == (w.sem, own, TransferState.PENDING)
    assert [m.to for m in mail.outbox] == [["moeder.visser@example.test"]]
    assert "De Vreemde School" in mail.outbox[0].body and "Sem" not in mail.outbox[0].body


def main_of(page: str) -> str:
    return page[page.index('<main id="inhoud"'):page.index("</main>")]


def test_the_receiving_school_sees_no_pending_or_refused_transfer(client, world):
    w = world
    add(client, w, bsn=w.sem.bsn)
    client.force_login(w.outsider)
    # The page's own content: the menu names the signed-in user, whose random name may hold "Sem" (Semih).
    page = main_of(client.get(reverse("schools:transfer_list")).content.decode())
    assert "Nog geen bevestigde overstappen" in page and "Sem" not in page
    transfers.decide(user=w.ib, transfer=PupilTransfer.objects.get(), confirm=False)
    page = main_of(client.get(reverse("schools:transfer_list")).content.decode())
    assert "Nog geen bevestigde overstappen" in page and "Sem" not in page


# --- the current school decides ----------------------------------------------------------------------------

def test_the_current_school_sees_the_pending_transfer_with_what_the_other_school_entered(client, world):
    w = world
    add(client, w, bsn=w.sem.bsn, first_name="Semmie")
    client.force_login(w.ib)
    page = client.get(reverse("schools:transfer_list")).content.decode()
    assert "De Vreemde School" in page and "Semmie Visser" in page and "andere naam" in page
    assert "25 augustus 2025" in page
    client.force_login(w.leader)
    assert "De Vreemde School" in client.get(reverse("schools:transfer_list")).content.decode()


def test_confirming_joins_the_records_and_the_receiving_school_then_sees_the_pupil(client, world):
    w = world
    add(client, w, bsn=w.sem.bsn)
    own = Pupil.objects.get(duplicate_of=w.sem)
    services.add_guardian(user=w.outsider, pupil=own, data=services.GuardianData(
        first_name="Anna", name_prefix="", last_name="Visser", email="Moeder.Visser@example.test", phone="",
        relationship="moeder", has_gezag=True))
    services.add_guardian(user=w.outsider, pupil=own, data=services.GuardianData(
        first_name="Piet", name_prefix="", last_name="Visser", email="piet@example.test", phone="",
        relationship="vader", has_gezag=True))
    client.force_login(w.ib)
    transfer = PupilTransfer.objects.get()
    response = client.post(reverse("schools:transfer_decide", args=[transfer.uuid]), {"besluit": "bevestigen"})
    assert response.status_code == 302 and response.url == reverse("schools:transfer_list")
    transfer.refresh_from_db()
    assert (transfer.state, transfer.decided_by, transfer.deciding_school) == ("confirmed", w.ib, w.current)
    assert set(w.sem.enrolments.values_list("school", flat=True)) == {w.current.pk, w.hostile.pk}
    assert not own.enrolments.exists() and not own.guardianships.exists()
    # The mother is not added twice; the father the new school entered joins her.
    assert sorted(w.sem.guardianships.values_list("guardian__first_name", flat=True)) == ["Anna", "Piet"]
    client.force_login(w.outsider)
    assert client.get(reverse("schools:pupil_detail", args=[w.sem.uuid])).status_code == 200
    assert "Sem Visser" in client.get(reverse("schools:transfer_list")).content.decode()
    events = AuditEvent.objects.filter(action="pupil_transfer.confirmed")
    assert {e.pupil_id for e in events} == {w.sem.pk, own.pk}
    assert all(e.actor == w.ib and e.on_behalf_of == f"school:{w.current.code}" for e in events)


def test_confirming_moves_the_receiving_schools_plans_onto_the_existing_record(world):
    from plans.models import Opp

    w = world
    own = services.create_pupil(user=w.outsider, pupil=services.PupilData(
        first_name="Sem", name_prefix="", last_name="Visser", date_of_birth=BORN, bsn=w.sem.bsn, onderwijsnummer=None,
    ), enrolment=services.EnrolmentData(school=w.hostile, sequence_number="1", enrolment_date=datetime.date(2025, 8, 25),
                                        leaving_date=None, group="6"))
    opp = Opp.objects.create(pupil=own, school=w.hostile, school_type=w.hostile.school_type)
    transfers.decide(user=w.leader, transfer=PupilTransfer.objects.get(), confirm=True)
    opp.refresh_from_db()
    assert opp.pupil == w.sem


def test_refusing_leaves_both_records_apart(client, world):
    w = world
    add(client, w, bsn=w.sem.bsn)
    own = Pupil.objects.get(duplicate_of=w.sem)
    client.force_login(w.leader)
    transfer = PupilTransfer.objects.get()
    client.post(reverse("schools:transfer_decide", args=[transfer.uuid]), {"besluit": "weigeren",
                                                                        "toelichting": "Onbekende school"})
    transfer.refresh_from_db()
    assert (transfer.state, transfer.reason) == ("declined", "Onbekende school")
    assert own.enrolments.get().school == w.hostile and w.sem.enrolments.get().school == w.current
    assert AuditEvent.objects.filter(action="pupil_transfer.declined").count() == 2


@pytest.mark.parametrize("who", ["outsider", "teacher", "ib_of_a_third_school", "parent_without_gezag", "stranger"])
def test_nobody_else_sees_or_decides_a_transfer(client, world, who):
    w = world
    add(client, w, bsn=w.sem.bsn)
    transfer = PupilTransfer.objects.get()
    user = {
        "outsider": lambda: w.outsider,
        "teacher": lambda: w.teacher,
        "ib_of_a_third_school": lambda: staff("ib", school=SchoolFactory()),
        "parent_without_gezag": lambda: parent_of(w.sem, has_gezag=False),
        "stranger": lambda: UserFactory(),
    }[who]()
    client.force_login(user)
    for decision in ("bevestigen", "weigeren"):
        response = client.post(reverse("schools:transfer_decide", args=[transfer.uuid]), {"besluit": decision})
        assert response.status_code == 404
    assert "De Vreemde School" not in client.get(reverse("schools:my_children")).content.decode()
    transfer.refresh_from_db()
    assert transfer.state == TransferState.PENDING
    with pytest.raises(transfers.NotDecidable):
        transfers.decide(user=user, transfer=transfer, confirm=True)


def test_the_school_that_asked_cannot_confirm_its_own_transfer_even_as_staff_of_both_schools(world):
    w = world
    own = services.create_pupil(user=w.outsider, pupil=services.PupilData(
        first_name="Sem", name_prefix="", last_name="Visser", date_of_birth=BORN, bsn=w.sem.bsn, onderwijsnummer=None,
    ), enrolment=services.EnrolmentData(school=w.hostile, sequence_number="1", enrolment_date=datetime.date(2025, 8, 25),
                                        leaving_date=None, group="6"))
    Membership.objects.create(user=w.outsider, role="ib", school=w.current)
    from opp_portal.access import forget_reach

    forget_reach(w.outsider)
    with pytest.raises(transfers.NotDecidable):
        transfers.decide(user=w.outsider, transfer=PupilTransfer.objects.get(incoming=own), confirm=True)


def test_a_transfer_is_decided_once(world):
    w = world
    services.create_pupil(user=w.outsider, pupil=services.PupilData(
        first_name="Sem", name_prefix="", last_name="Visser", date_of_birth=BORN, bsn=w.sem.bsn, onderwijsnummer=None,
    ), enrolment=services.EnrolmentData(school=w.hostile, sequence_number="1", enrolment_date=datetime.date(2025, 8, 25),
                                        leaving_date=None, group="6"))
    transfer = PupilTransfer.objects.get()
    transfers.decide(user=w.ib, transfer=transfer, confirm=False)
    with pytest.raises(transfers.AlreadyDecided):
        transfers.decide(user=w.leader, transfer=transfer, confirm=True)
    assert Pupil.objects.get(pk=w.sem.pk).enrolments.count() == 1


def test_a_school_the_pupil_left_does_not_decide_when_the_pupil_is_enrolled_elsewhere_now(world):
    w = world
    Enrolment.objects.filter(pupil=w.sem).update(leaving_date=datetime.date(2025, 7, 11))
    EnrolmentFactory(pupil=w.sem, school=SchoolFactory(), enrolment_date=datetime.date(2025, 8, 25))
    services.create_pupil(user=w.outsider, pupil=services.PupilData(
        first_name="Sem", name_prefix="", last_name="Visser", date_of_birth=BORN, bsn=w.sem.bsn, onderwijsnummer=None,
    ), enrolment=services.EnrolmentData(school=w.hostile, sequence_number="1", enrolment_date=datetime.date(2025, 8, 25),
                                        leaving_date=None, group="6"))
    assert transfers.decidable_by(w.ib) == []
    with pytest.raises(transfers.NotDecidable):
        transfers.decide(user=w.ib, transfer=PupilTransfer.objects.get(), confirm=True)


# --- the family decides ----------------------------------------------------------------------------------

def test_a_parent_with_gezag_confirms_the_transfer_in_the_portal(client, world):
    w = world
    add(client, w, bsn=w.sem.bsn)
    client.force_login(w.mother_user)
    page = client.get(reverse("schools:my_children")).content.decode()
    assert "Is Sem ingeschreven bij De Vreemde School?" in page
    transfer = PupilTransfer.objects.get()
    response = client.post(reverse("schools:transfer_decide", args=[transfer.uuid]), {"besluit": "bevestigen"})
    assert response.url == reverse("schools:my_children")
    transfer.refresh_from_db()
    assert (transfer.state, transfer.decided_as, transfer.deciding_school) == ("confirmed", "family", None)
    assert w.sem.enrolments.count() == 2
    assert AuditEvent.objects.filter(action="pupil_transfer.confirmed", on_behalf_of=f"user:{w.mother_user.pk}"
                                     ).count() == 2


def test_an_adult_pupil_decides_on_their_own_transfer(world):
    w = world
    Pupil.objects.filter(pk=w.sem.pk).update(date_of_birth=datetime.date(2005, 1, 1))
    w.sem.refresh_from_db()
    account = pupil_account(w.sem)
    services.create_pupil(user=w.outsider, pupil=services.PupilData(
        first_name="Sem", name_prefix="", last_name="Visser", date_of_birth=w.sem.date_of_birth, bsn=w.sem.bsn,
        onderwijsnummer=None,
    ), enrolment=services.EnrolmentData(school=w.hostile, sequence_number="1", enrolment_date=datetime.date(2025, 8, 25),
                                        leaving_date=None, group="6"))
    transfers.decide(user=account, transfer=PupilTransfer.objects.get(), confirm=False)
    assert PupilTransfer.objects.get().state == TransferState.DECLINED


# --- the CSV import -----------------------------------------------------------------------------------------

def import_rows(user, school, rows):
    from schools.pupil_csv import parse_csv
    from schools.pupil_import import import_pupils

    return import_pupils(user=user, school=school, rows=parse_csv(pupil_csv(rows)))


def test_an_import_row_with_a_bsn_known_at_another_board_renames_nobody_and_removes_no_gezag(
        world, django_capture_on_commit_callbacks):
    w = world
    attack = with_guardian(
        csv_pupil_row(bsn=w.sem.bsn, geboortedatum=BORN.isoformat(), voornaam="Hacked", achternaam="Naam"),
        voornaam="Anna", achternaam="Visser", email="moeder.visser@example.test", gezag="nee",
    )
    wrong_birth_date = csv_pupil_row(bsn=make_bsn(), geboortedatum="2016-05-18")
    guessed = csv_pupil_row(bsn=w.sem.bsn, geboortedatum="2016-05-18")
    with django_capture_on_commit_callbacks(execute=True):
        result = import_rows(w.outsider, w.hostile, [attack, wrong_birth_date])
    assert (result.created, result.updated) == (2, 0)
    w.sem.refresh_from_db()
    assert (w.sem.first_name, w.sem.last_name) == ("Sem", "Visser")
    assert Guardianship.objects.get(pupil=w.sem).has_gezag
    assert Guardian.objects.filter(pk=w.mother.pk, email="moeder.visser@example.test").exists()
    own = Pupil.objects.get(first_name="Hacked")
    assert own.duplicate_of == w.sem and own.enrolments.get().school == w.hostile
    assert PupilTransfer.objects.get().incoming == own
    assert [m.to for m in mail.outbox] == [["moeder.visser@example.test"]]
    # At another hostile school a guess with another birth date is accepted like any new pupil and asks nobody.
    other = SchoolFactory()
    assert import_rows(staff("ib", school=other), other, [guessed]).created == 1
    assert PupilTransfer.objects.count() == 1


def test_an_import_tells_nothing_a_new_pupil_would_not(world):
    w = world
    known = import_rows(w.outsider, w.hostile, [csv_pupil_row(bsn=w.sem.bsn, geboortedatum="2016-05-18")])
    unknown = import_rows(w.outsider, w.hostile, [csv_pupil_row(geboortedatum="2016-05-18")])
    assert (known.created, known.updated, known.unchanged) == (unknown.created, unknown.updated, unknown.unchanged)


# --- changing a number ----------------------------------------------------------------------------------

def test_changing_a_pupils_number_to_one_known_elsewhere_is_not_revealed_and_attaches_nothing(client, world):
    w = world
    mine = EnrolmentFactory(school=w.hostile, pupil__date_of_birth=BORN).pupil
    client.force_login(w.outsider)
    data = add_form(w.hostile, bsn=w.sem.bsn, number=mine.enrolments.get().sequence_number)
    response = client.post(reverse("schools:pupil_edit", args=[mine.uuid]), data)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.bsn == w.sem.bsn and mine.duplicate_of == w.sem
    assert PupilTransfer.objects.get().incoming == mine
    assert w.sem.enrolments.count() == 1


def test_changing_the_number_of_a_record_with_a_refused_transfer_makes_that_record_the_pupils_own(world):
    w = world
    own = services.create_pupil(user=w.outsider, pupil=services.PupilData(
        first_name="Sem", name_prefix="", last_name="Visser", date_of_birth=BORN, bsn=w.sem.bsn, onderwijsnummer=None,
    ), enrolment=services.EnrolmentData(school=w.hostile, sequence_number="1", enrolment_date=datetime.date(2025, 8, 25),
                                        leaving_date=None, group="6"))
    transfers.decide(user=w.ib, transfer=PupilTransfer.objects.get(), confirm=False)
    enrolment = w.sem.enrolments.get()
    new_number = make_bsn()
    services.update_pupil(
        user=w.ib, pupil=w.sem, enrolment=enrolment,
        data=services.PupilData(first_name="Sem", name_prefix="", last_name="Visser", date_of_birth=BORN,
                                bsn=new_number, onderwijsnummer=None),
        enrolment_data=services.EnrolmentData(school=w.current, sequence_number="4711",
                                              enrolment_date=enrolment.enrolment_date, leaving_date=None, group="5"),
    )
    own.refresh_from_db()
    assert own.duplicate_of is None and Pupil.objects.get(pk=w.sem.pk).bsn == new_number


def test_the_current_school_decides_on_a_pending_transfer_before_changing_the_number(world):
    from django.core.exceptions import ValidationError

    w = world
    services.create_pupil(user=w.outsider, pupil=services.PupilData(
        first_name="Sem", name_prefix="", last_name="Visser", date_of_birth=BORN, bsn=w.sem.bsn, onderwijsnummer=None,
    ), enrolment=services.EnrolmentData(school=w.hostile, sequence_number="1", enrolment_date=datetime.date(2025, 8, 25),
                                        leaving_date=None, group="6"))
    enrolment = w.sem.enrolments.get()
    with pytest.raises(ValidationError, match="Overstappen"):
        services.update_pupil(
            user=w.ib, pupil=w.sem, enrolment=enrolment,
            data=services.PupilData(first_name="Sem", name_prefix="", last_name="Visser", date_of_birth=BORN,
                                    bsn=make_bsn(), onderwijsnummer=None),
            enrolment_data=services.EnrolmentData(school=w.current, sequence_number="4711",
                                                  enrolment_date=enrolment.enrolment_date, leaving_date=None,
                                                  group="5"),
        )


def test_the_transfers_waiting_for_a_school_take_the_same_queries_for_one_or_many(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = world

    def ask(n):
        for _ in range(n):
            sem = EnrolmentFactory(school=w.current, pupil__date_of_birth=BORN).pupil
            other = SchoolFactory()
            services.create_pupil(user=staff("ib", school=other), pupil=services.PupilData(
                first_name="X", name_prefix="", last_name="Y", date_of_birth=BORN, bsn=sem.bsn, onderwijsnummer=None,
            ), enrolment=services.EnrolmentData(school=other, sequence_number="1",
                                                enrolment_date=datetime.date(2025, 8, 25), leaving_date=None, group=""))

    def queries():
        from opp_portal.access import forget_reach

        forget_reach(w.ib)
        with CaptureQueriesContext(connection) as captured:
            found = transfers.decidable_by(w.ib)
        return len(found), len(captured)

    ask(1)
    one = queries()
    ask(4)
    five = queries()
    assert (one[0], five[0]) == (1, 5) and one[1] == five[1]


def test_the_pupil_lists_badge_counts_the_transfers_the_user_may_decide(client, world):
    w = world
    outsider_or_family = (w.outsider, w.teacher, w.mother_user)
    assert [transfers.waiting_for(u) for u in (w.ib, w.leader, *outsider_or_family)] == [0] * 5
    add(client, w, bsn=w.sem.bsn)  # the outsider's school enrols Sem again: a transfer for Sem's school to decide
    from opp_portal.access import forget_reach

    for user in (w.ib, w.leader, *outsider_or_family):
        forget_reach(user)
        assert transfers.waiting_for(user) == len(transfers.decidable_by(user)), user
    assert transfers.waiting_for(w.ib) == 1 and transfers.waiting_for(w.outsider) == 0
    client.force_login(w.ib)
    body = client.get(reverse("schools:pupil_list")).content.decode()
    assert '1<span class="visually-hidden"> wachten op uw besluit</span>' in body
