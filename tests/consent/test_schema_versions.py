"""Versions frozen before the content recorded its schema (schema 1) and versions frozen now (schema 2) both read
on every page that shows a plan, in the PDF and in what changed between them."""

import pytest
from django.urls import reverse

from consent.views._changes import compare
from plans import pdf
from plans.content import schema_of
from plans.diff import describe_changes
from plans.format import SCHEMA
from plans.models import OppVersion
from plans.views.lifecycle import side_by_side
from tests.factories import pupil_account

pytestmark = pytest.mark.django_db


def freeze_without_schema(world, opp, monkeypatch) -> OppVersion:
    """Freeze the draft as the portal did before the schema was recorded."""
    from plans.services import drafting

    def old_snapshot(opp, fmt=None):
        content = drafting_snapshot(opp)
        del content["schema"]
        return content

    drafting_snapshot = drafting.snapshot
    monkeypatch.setattr(drafting, "snapshot", old_snapshot)
    version = world.send(opp)
    monkeypatch.setattr(drafting, "snapshot", drafting_snapshot)
    return version


def test_a_version_frozen_now_records_the_schema_of_its_format(world):
    _opp, version = world.sent()
    assert version.content["schema"] == SCHEMA == schema_of(version.content)
    assert version.hash_is_valid()


def test_a_version_without_a_schema_counts_as_schema_1(world, monkeypatch):
    version = freeze_without_schema(world, world.fill(world.start()), monkeypatch)
    assert "schema" not in version.content
    assert schema_of(version.content) == 1


def test_an_old_and_a_new_version_read_on_the_staff_parent_and_pupil_pages_and_in_the_pdf(
        client, world, monkeypatch):
    opp = world.fill(world.start())
    opp = world.change(opp, {"support_and_guidance": "Twee keer per week leesbegeleiding."})
    old = freeze_without_schema(world, opp, monkeypatch)
    world.ask(old)
    html = pdf.version_html(old)
    assert "Twee keer per week leesbegeleiding." in html
    assert "Lezen" in html and "Verwachte bestemming:" in html

    client.force_login(world.mother)
    html = client.get(reverse("consent:plan", kwargs={"opp_uuid": opp.uuid})).content.decode()
    assert "Twee keer per week leesbegeleiding." in html
    assert html.index("1. Wat de school doet") < html.index("2. Waar uw kind naartoe gaat")

    client.force_login(world.ib)
    html = client.get(reverse("plans:draft", kwargs={"opp_uuid": opp.uuid})).content.decode()
    assert "Twee keer per week leesbegeleiding." in html

    opp = world.change(opp, {"support_and_guidance": "Elke dag leesbegeleiding."})
    new = world.send(opp)
    assert schema_of(new.content) == SCHEMA
    world.ask(new)
    html = pdf.version_html(new)
    assert "Elke dag leesbegeleiding." in html

    client.force_login(world.mother)
    html = client.get(reverse("consent:plan", kwargs={"opp_uuid": opp.uuid})).content.decode()
    assert "Elke dag leesbegeleiding." in html
    assert "Wat is er veranderd sinds" in html

    client.force_login(pupil_account(world.pupil))
    html = client.get(reverse("consent:pupil_plan", kwargs={"opp_uuid": opp.uuid})).content.decode()
    assert "Elke dag leesbegeleiding." in html and "Dit gaat de school doen om je te helpen" in html

    # What changed reads across the schemas: only the text that changed, never the schema itself.
    assert describe_changes(old, new) == ["De ondersteuning en begeleiding die de school geeft is veranderd."]
    assert [row["label"] for row in side_by_side(old.content, new.content)] == ["Ondersteuning en begeleiding"]
    assert [change.title for change in compare(old, new)] == ["De hulp en begeleiding die de school geeft"]


def test_unchanged_content_after_an_old_version_is_sent_again_as_that_version(world, monkeypatch):
    opp = world.fill(world.start())
    old = freeze_without_schema(world, opp, monkeypatch)
    opp = world.reopen(opp)
    assert world.send(opp) == old  # the same content, whichever schema it was frozen with
