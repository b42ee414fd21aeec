"""Signing in by emailed code (consent/signin.py): a recorded guardian or invited pupil claims an account bound to
the address the school recorded; nobody else can; an unknown address gets one neutral mail."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from consent.models import PupilInvitation, PupilInvitationKind
from consent.signin import account_for_first_sign_in, claim_records, is_claimable
from opp_portal.access import forget_reach, reach_of
from opp_portal.audit.models import AuditEvent
from schools.models import Guardian, User
from tests.factories import GuardianFactory, GuardianshipFactory, SchoolFactory, enrolled_pupil

from .factories import code_in, family_without_accounts, mails_to

pytestmark = pytest.mark.django_db


def ask_code(client, email, capture):
    mail.outbox.clear()
    with capture(execute=True):
        return client.post(reverse("account_request_login_code"), {"email": email})


def test_a_code_asked_for_a_recorded_guardian_makes_the_account_and_goes_to_that_address(
    client, world, django_capture_on_commit_callbacks
):
    pupil, (mother, _father), _opp, _version = family_without_accounts(world)
    response = ask_code(client, mother.email.upper(), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[mother.email]]
    assert "Uw inlogcode is" in mail.outbox[0].body and world.school.name in mail.outbox[0].body
    user = User.objects.get(email=mother.email)
    # The account reaches nothing until the code is entered.
    assert reach_of(user).child_ids == frozenset()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_confirm_login_code"), {"code": code_in(mail.outbox[0])})
    mother.refresh_from_db()
    assert mother.user == user
    forget_reach(user)
    assert reach_of(user).child_ids == {pupil.pk}
    assert AuditEvent.objects.filter(action="guardian.account_linked", pupil_id=pupil.pk, actor=user).exists()


def test_a_code_asked_for_an_unknown_address_sends_one_neutral_mail_without_a_sign_up_link(
    client, django_capture_on_commit_callbacks
):
    response = ask_code(client, "onbekend@example.test", django_capture_on_commit_callbacks)
    assert response.status_code == 302  # the same answer as for a known address
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "(nog) niet inloggen" in " ".join(body.split()) and "signup" not in body and "aanmelden" not in body.lower()
    assert "http" not in body and "127.0.0.1" not in body
    assert not User.objects.filter(email="onbekend@example.test").exists()


def test_an_address_the_school_records_for_a_pupil_not_invited_gets_the_same_neutral_mail_and_page_as_an_unknown_one(
    client, world, django_capture_on_commit_callbacks
):
    pupil = enrolled_pupil(world.school)
    pupil.email = "leerling@example.test"
    pupil.save()
    guardian = GuardianshipFactory(pupil=pupil, guardian=GuardianFactory(email="geen-gezag@example.test"),
                                   has_gezag=False).guardian
    answers = {}
    for email in (pupil.email, guardian.email, "onbekend@example.test"):
        response = ask_code(client, email, django_capture_on_commit_callbacks)
        [sent] = mail.outbox
        page = client.get(response["Location"])
        answers[email] = (response.status_code, response["Location"], sent.subject, sent.body,
                          page.status_code, re.sub(r"[A-Za-z0-9]{64}", "TOKEN", re.sub(
                              r"[a-z]•••@example\.test", "ADRES", page.content.decode())))
        client.logout()
    # Nothing tells the mailbox's reader (or whoever typed the address) that a school records it, nor which.
    assert answers[pupil.email] == answers[guardian.email] == answers["onbekend@example.test"]
    assert world.school.name not in answers[pupil.email][3] and "OPP-portaal" in answers[pupil.email][3]


def test_a_guardian_without_gezag_cannot_claim_an_account(world):
    pupil = enrolled_pupil(world.school)
    guardian = GuardianshipFactory(pupil=pupil, guardian=GuardianFactory(), has_gezag=False).guardian
    assert not is_claimable(guardian.email)
    assert account_for_first_sign_in(email=guardian.email) is None


def test_a_pupil_claims_an_account_only_when_invited_at_the_address_the_school_records(world):
    pupil = enrolled_pupil(world.school)
    pupil.email = "leerling@example.test"
    pupil.save()
    assert not is_claimable(pupil.email)
    PupilInvitation.objects.create(pupil=pupil, email="oud@example.test", kind=PupilInvitationKind.OWN_PAGE)
    assert not is_claimable(pupil.email)  # invited at an address the school no longer records
    PupilInvitation.objects.create(pupil=pupil, email=pupil.email, kind=PupilInvitationKind.OWN_PAGE)
    user = account_for_first_sign_in(email=pupil.email)
    assert claim_records(user=user) == [("pupil", pupil.pk)]
    pupil.refresh_from_db()
    assert pupil.user == user
    assert reach_of(user).is_pupil and not reach_of(user).is_parent


def test_when_the_school_changes_the_address_the_old_account_loses_the_child_at_once(world):
    child = world.pupil
    assert child.pk in reach_of(world.mother).child_ids
    guardian = Guardian.objects.get(user=world.mother)
    Guardian.objects.filter(pk=guardian.pk).update(email="ander.adres@example.test")
    forget_reach(world.mother)
    assert child.pk not in reach_of(world.mother).child_ids
    # Whoever signs in with the new address gets the record; the old account lets go of it.
    newcomer = User.objects.create_user("ander.adres@example.test")
    claim_records(user=newcomer)
    claim_records(user=world.mother)
    guardian.refresh_from_db()
    assert guardian.user == newcomer
    forget_reach(newcomer)
    assert child.pk in reach_of(newcomer).child_ids


def test_records_of_one_person_at_two_schools_link_to_one_account(world):
    other_school = SchoolFactory()
    here, there = enrolled_pupil(world.school), enrolled_pupil(other_school)
    one = GuardianshipFactory(pupil=here, guardian=GuardianFactory(email="zelfde@example.test")).guardian
    two = GuardianshipFactory(pupil=there, guardian=GuardianFactory(email="Zelfde@Example.test")).guardian
    user = account_for_first_sign_in(email="zelfde@example.test")
    assert sorted(claim_records(user=user)) == sorted([("guardian", one.pk), ("guardian", two.pk)])
    forget_reach(user)
    assert reach_of(user).child_ids == {here.pk, there.pk}


def test_an_address_two_parents_of_one_child_share_links_neither_so_nobody_decides_for_the_other(
    client, world, django_capture_on_commit_callbacks
):
    """Recorded before the school's forms refused it (or in an import): the mother's address on the father too."""
    pupil, (mother, father), opp, version = family_without_accounts(world)
    world.ask(version)
    ask_code(client, mother.email, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_confirm_login_code"), {"code": code_in(mail.outbox[0])})
    mother.refresh_from_db()
    assert mother.user is not None
    Guardian.objects.filter(pk=father.pk).update(email=mother.email.upper())
    client.logout()
    ask_code(client, mother.email, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_confirm_login_code"), {"code": code_in(mail.outbox[0])},
                               follow=True)
    assert "ook vastgelegd voor een ander gezinslid" in response.content.decode()
    mother.refresh_from_db()
    father.refresh_from_db()
    assert mother.user_id is None and father.user_id is None
    assert client.get(reverse("consent:plan", kwargs={"opp_uuid": opp.uuid})).status_code == 404
    # A record of the same person for a child nobody else decides on with that address still links.
    other_child = enrolled_pupil(world.school)
    alone = GuardianshipFactory(pupil=other_child, guardian=GuardianFactory(email=mother.email)).guardian
    user = User.objects.get(email=mother.email)
    assert claim_records(user=user) == [("guardian", alone.pk)]


def test_a_pupil_invited_at_a_parents_address_is_linked_to_nobody(world):
    parent = Guardian.objects.get(user=world.mother)
    world.pupil.email = parent.email
    world.pupil.save(update_fields=["email"])
    PupilInvitation.objects.create(pupil=world.pupil, email=parent.email, invited_by=world.ib,
                                   kind=PupilInvitationKind.OWN_PAGE)
    claim_records(user=world.mother)
    parent.refresh_from_db()
    world.pupil.refresh_from_db()
    assert parent.user_id is None and world.pupil.user_id is None
    forget_reach(world.mother)
    assert reach_of(world.mother).family_pupil_ids == frozenset()


def test_a_stranger_asking_a_code_for_a_recorded_address_gets_nothing_in(
    client, world, django_capture_on_commit_callbacks
):
    _pupil, (mother, _father), opp, _version = family_without_accounts(world)
    ask_code(client, mother.email, django_capture_on_commit_callbacks)
    assert mails_to(mother.email)  # the code went to the guardian's mailbox, not to the stranger
    for wrong in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC"):
        client.post(reverse("account_confirm_login_code"), {"code": wrong})
    assert client.get(reverse("schools:my_children")).status_code == 302  # still signed out
    mother.refresh_from_db()
    assert mother.user_id is None  # the account exists, but nothing is linked to it


def test_an_empty_or_malformed_address_puts_the_cursor_on_the_field_with_its_message(client):
    for address in ("", "geen-adres"):
        response = client.post(reverse("account_request_login_code"), {"email": address})
        assert response.status_code == 200
        field = response.context["form"].fields["email"].widget.attrs
        assert field.get("autofocus") and field.get("aria-invalid") == "true"
