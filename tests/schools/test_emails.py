"""Mails about a pupil's record (schools/emails.py) read like every other mail to a family: the portal in the
subject, signed by the school, no reply possible, short lines, links on the portal's public address only."""

import pytest

from schools import emails
from tests.factories import GuardianFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def test_the_mails_to_a_guardian_name_the_portal_and_the_school_and_link_only_to_the_public_address(settings):
    settings.OPP_PORTAL_URL = "https://opp.voorbeeld.nl"
    school = SchoolFactory(name="OBS De Linde")
    guardian = GuardianFactory(email="ouder@example.test")
    for message in (emails.transfer_requested(guardian=guardian, school=school),
                    emails.guardian_changed(guardian=guardian, address="oud@example.test", school=school,
                                            changes=["email"])):
        assert message.subject.startswith("[OPP-portaal] ")
        body = message.body
        assert "Met vriendelijke groet,\nOBS De Linde" in body
        assert "niet op deze e-mail antwoorden." in " ".join(body.split())
        assert "127.0.0.1" not in body and "localhost" not in body
        assert all(len(line) <= 72 for line in body.splitlines() if "://" not in line)
    assert "https://opp.voorbeeld.nl/mijn-kinderen/" in emails.transfer_requested(guardian=guardian,
                                                                                 school=school).body
