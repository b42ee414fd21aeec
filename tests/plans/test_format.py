"""The plan's shape declared once (`plans.format`): the core the law fixes, and a board's format that adds
optional sections and fields to it without touching the core."""

import pytest

from plans.content import snapshot
from plans.diff import describe_changes
from plans.format import CORE, DRAFT_FIELDS, PARENT, PDF, STAFF, ExtensionError, Field, Kind, Part, Section, Wording
from plans.format.reading import reading
from plans.forms import DraftForm, GoalForm
from plans.requirements import content_gaps

pytestmark = pytest.mark.django_db

TRANSPORT = Field(
    key="transport", part="afspraken", label="Vervoer", help_text="Hoe komt de leerling naar school?",
    change="De afspraken over het vervoer zijn veranderd.",
    pages={STAFF: Wording("Vervoer"), PDF: Wording("Vervoer"), PARENT: Wording("Vervoer")},
)
AGREEMENTS = Section(key="afspraken", content_key="afspraken", fields=(TRANSPORT,), order=25,
                     titles={STAFF: "Afspraken van het bestuur", PDF: "Afspraken", PARENT: "Afspraken"})
NEXT_SCHOOL = Field(
    key="next_school", part=Part.UITSTROOMPERSPECTIEF, label="Beoogde vervolgschool",
    change="De beoogde vervolgschool is veranderd.", pages={STAFF: Wording("Beoogde vervolgschool")},
)
BOARD = CORE.extend("bestuur-test", sections=(AGREEMENTS,), fields={Part.UITSTROOMPERSPECTIEF: (NEXT_SCHOOL,)})


def test_every_field_the_draft_accepts_is_declared_with_its_label_and_part():
    declared = {f.key for f in CORE.fields if not f.is_goals}
    assert set(DRAFT_FIELDS) - declared == {"support_start_date", "evaluation_cycle_months"}
    for item in CORE.fields:
        assert item.label and item.part in {Part.PLAN, Part.SITUATIE, Part.HANDELINGSDEEL, Part.UITSTROOMPERSPECTIEF}
        assert item.change or item.change_to or item.change_set or item.is_goals
    assert [f.key for f in CORE.needed_fields()] == [
        "support_and_guidance", "deviation_description", "uitstroom_option", "uitstroom_justification",
        "bevorderende_factoren", "belemmerende_factoren"]


def test_the_draft_form_and_the_goal_form_are_built_from_the_declaration():
    form = DraftForm(school_type="bao")
    assert [name for name in form.fields if name != "revision"] == [
        f.key for s in CORE.on_pages() for f in s if f.kind in (Kind.TEXT, Kind.YES_NO, Kind.OPTION)]
    assert form.fields["support_and_guidance"].label == CORE.field("support_and_guidance").label
    assert [name for name in GoalForm().fields if name != "uuid"] == list(CORE.goal_keys)


def test_a_board_format_adds_a_section_and_a_field_without_touching_the_core(world):
    core_keys = [f.key for f in CORE.fields]
    assert [f.key for f in BOARD.fields] == [*core_keys[:-4], *core_keys[-4:], "next_school", "transport"]
    assert [f.key for f in CORE.fields] == core_keys  # the core itself is unchanged
    assert BOARD.schema == CORE.schema

    opp = world.fill(world.start())
    opp.transport, opp.next_school = "Taxi van de gemeente.", "Het Lyceum"  # a board's storage comes later
    content = snapshot(opp, BOARD)
    assert content["afspraken"] == {"transport": "Taxi van de gemeente."}
    assert content["uitstroomperspectief"]["next_school"] == "Het Lyceum"
    assert content["format"] == "bestuur-test"
    assert {k: v for k, v in snapshot(opp).items() if k != "format"} == {
        k: v for k, v in content.items() if k not in ("afspraken", "format")} | {
        "uitstroomperspectief": {k: v for k, v in content["uitstroomperspectief"].items() if k != "next_school"}}

    opp.transport = "Met de fiets."
    changed = snapshot(opp, BOARD)
    assert describe_changes(content, changed, BOARD) == ["De afspraken over het vervoer zijn veranderd."]
    assert describe_changes(content, changed) == []  # the core does not know the board's fields

    pages = reading(changed, STAFF, BOARD)
    assert [s["key"] for s in pages] == ["handelingsdeel", "uitstroomperspectief", "afspraken"]
    assert pages[2]["rows"][0]["value"] == "Met de fiets."
    # A content frozen with the core alone still reads with the board's format: its fields are simply empty.
    assert [s["key"] for s in reading(snapshot(opp), STAFF, BOARD)] == ["handelingsdeel", "uitstroomperspectief"]
    assert "transport" in DraftForm(school_type="bao", fmt=BOARD).fields
    assert content_gaps(opp) == []  # a board's fields are optional: adoption needs what the law needs


@pytest.mark.parametrize("extension", [
    {"fields": {Part.HANDELINGSDEEL: (Field(key="support_and_guidance", part=Part.HANDELINGSDEEL),)}},
    {"fields": {"nergens": (TRANSPORT,)}},
    {"sections": (Section(key="extra", content_key="handelingsdeel", fields=(TRANSPORT,)),)},
    {"sections": (Section(key="extra", content_key="extra", fields=(
        Field(key="must", part="extra", needed=True),)),)},
])
def test_a_format_may_not_change_the_core_or_add_what_adoption_needs(extension):
    with pytest.raises(ExtensionError):
        CORE.extend("kapot", **extension)
