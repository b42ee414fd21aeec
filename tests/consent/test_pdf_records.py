"""The instemming block of the plan's PDF (consent/pdf_records.py; issue 8, item 7): the school's PDF shows every
decision; a guardian's PDF shows only their own; an unreachable guardian is said plainly."""

import pytest
from django.urls import reverse

from consent import services
from consent.models import Decision, UnreachableReason
from plans import pdf
from plans import services as plan_services
from plans.models import PdfRendering

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def split(world):
    """The father refused with a reason; the mother agreed."""
    opp, version = world.sent()
    request = world.ask(version)
    world.decide(request, world.mother)
    world.decide(request, world.father, Decision.NIET_AKKOORD, "Vader wil eerst praten.")
    return opp, version, request


def names(records):
    return {r.who.split(" (")[0] for r in records}


def test_the_schools_pdf_shows_every_decision_and_a_guardians_only_their_own(world, split):
    _opp, version, _request = split
    mother = world.guardian(world.mother).full_name
    father = world.guardian(world.father).full_name
    assert names(pdf.instemming_records(version)) == {mother, father}
    assert names(pdf.instemming_records(version, world.ib)) == {mother, father}
    assert names(pdf.instemming_records(version, world.mother)) == {mother}
    assert names(pdf.instemming_records(version, world.father)) == {father}
    html = pdf.version_html(version, viewer=world.mother)
    assert father not in html and "niet ingestemd" not in html


def test_a_guardian_downloading_the_pdf_never_gets_the_schools_file(client, world, split,
                                                                    django_capture_on_commit_callbacks):
    _opp, version, _request = split
    with django_capture_on_commit_callbacks(execute=True):
        pdf.request_version_pdf(user=world.ib, version=version)
    school_file = PdfRendering.objects.get(version=version).file.name
    client.force_login(world.mother)
    for name in ("plans:version_pdf", "plans:version_pdf_file"):
        response = client.get(reverse(name, kwargs={"version_uuid": version.uuid}))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    own = pdf.stored_name(pdf.version_html(version, viewer=world.mother))
    assert own != school_file
    assert pdf.stored_name(pdf.version_html(version, viewer=world.father)) not in (own, school_file)


def test_an_unreachable_guardian_is_said_plainly_without_naming_them_to_the_other(world):
    opp, version = world.sent()
    request = world.ask(version)
    world.decide(request, world.mother)
    item = services.record_unreachable(user=world.ib, recipient=world.recipient(request, world.father),
                                       reason=UnreachableReason.ABROAD, attempts="Mail, brief en telefoon.")
    services.confirm_unreachable(user=world.leader, unreachability=item)
    father = world.guardian(world.father).full_name
    for_mother = pdf.instemming_records(version, world.mother)
    assert any(r.who == "De andere ouder met gezag" and "niet bereikbaar" in r.decision for r in for_mother)
    assert father not in names(for_mother)
    for_school = pdf.instemming_records(version)
    assert any(r.who.startswith(father) and "akkoord van de andere ouder volstaat" in r.decision for r in for_school)
    # Once he decides after all, his decision is what counts, not the note.
    world.decide(request, world.father, Decision.NIET_AKKOORD, "Ik was op reis.")
    assert not any("niet bereikbaar" in r.decision for r in pdf.instemming_records(version))


def test_the_unreachable_guardians_own_pdf_says_the_plan_went_ahead_on_the_other_guardians_akkoord(world):
    opp, version = world.sent()
    world.oogo(opp)
    world.hear(opp)
    request = world.ask(version)
    world.decide(request, world.mother)
    item = services.record_unreachable(user=world.ib, recipient=world.recipient(request, world.father),
                                       reason=UnreachableReason.ABROAD, attempts="Mail, brief en telefoon.")
    services.confirm_unreachable(user=world.leader, unreachability=item)
    plan_services.adopt(user=world.leader, opp=opp)
    father = world.guardian(world.father).full_name
    for_father = pdf.instemming_records(version, world.father)
    assert [r.who for r in for_father] == [f"{father} (ouder)"]
    assert "akkoord van de andere ouder volstaat" in for_father[0].decision
    assert world.guardian(world.mother).full_name not in pdf.version_html(version, viewer=world.father)
