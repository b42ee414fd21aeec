"""The vocabulary in which the plan's shape is declared: fields, the parts (sections) they belong to, and the
format that holds them. `core.py` declares the law's core in it; a board's format extends that core.

The declaration is data, read by every place that shows or checks a plan: the draft form, the snapshot a
version freezes, the checklist's content requirements, the sentences that describe a change, the staff's,
the parent's and the pupil's pages and the PDF. A field is therefore declared with every word those places
say about it; a page that does not name a field in its `pages` leaves it out.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as declared
from typing import Any


class Kind:
    """What a field holds, which decides how it is typed in, frozen, compared and shown."""

    TEXT = "text"  # free text, stored stripped
    YES_NO = "yes_no"  # a yes/no answer, with a text (its `detail`) that explains a yes
    CHOICE = "choice"  # one of fixed `choices` (the kind of plan)
    OPTION = "option"  # one of the configurable uitstroom options: frozen as its code and its label
    DATE = "date"  # a date, frozen as ISO text
    GOALS = "goals"  # the list of goals, each with the sub-fields of `GOAL`


class Part:
    """The parts of a plan. The law names two (handelingsdeel, uitstroomperspectief); the situatie describes
    the pupil the plan is for; `PLAN` holds what is about the plan itself."""

    PLAN = "plan"
    SITUATIE = "situatie"
    HANDELINGSDEEL = "handelingsdeel"
    UITSTROOMPERSPECTIEF = "uitstroomperspectief"


# The pages that show a plan's content; `Field.pages` says how each one names the field. `FORM` (the draft
# form) and `COMPARE` (the staff's side-by-side of two versions) only title the sections.
STAFF, PARENT, PUPIL, PDF = "staff", "parent", "pupil", "pdf"
PAGES = (STAFF, PARENT, PUPIL, PDF)
FORM, COMPARE = "form", "compare"


@dataclass(frozen=True)
class Wording:
    """How one page names a field: its heading (`label`), the legal term printed beside it, what shows when it
    is empty (None: the field is left out when empty), and for a yes/no field the sentence for each answer."""

    label: Any = ""
    term: Any = ""
    empty: Any = None
    yes: Any = ""
    no: Any = ""
    side_by_side: bool = False  # shown in a row with the neighbouring fields that are side by side as well


@dataclass(frozen=True)
class Field:
    """One field of the plan (or of a goal).

    `key` is the draft's name (the model attribute and the name `save_draft` accepts); `name` is its name in
    the frozen content, in its part (defaults to `key`). `needed` says whether adoption needs it filled in
    (`needed_when`: only when that yes/no field says yes). `change` is the sentence that describes a change
    to it (with `%(goal)s` for a goal's field); `change_set`/`change_cleared` and `change_to` word the changes
    of an option and a choice. `parent_change` titles the old and new text on the parent's page.
    """

    key: str
    part: str
    kind: str = Kind.TEXT
    label: Any = ""  # the form's label
    help_text: Any = ""
    name: str = ""
    needed: bool = False
    needed_when: str = ""
    missing: Any = ""  # what the checklist says or names when a needed field is empty
    change: Any = ""
    change_set: Any = ""
    change_cleared: Any = ""
    change_to: Mapping[str, Any] = declared(default_factory=dict)
    parent_change: Any = ""
    compare_label: Any = ""  # the staff's side-by-side of two versions; defaults to the staff page's label
    detail: str = ""  # a yes/no field: the text field that explains a yes
    choices: Mapping[str, Any] = declared(default_factory=dict)
    max_length: int | None = None
    too_long: Any = ""  # the form's message for a text over `max_length` (default: the long-text message)
    rows: int = 4  # 1: a one-line input
    standard_text: str = ""  # the kind of standard text (`StandardTextKind`) the form offers to insert here
    side_by_side_in_form: bool = False
    pages: Mapping[str, Wording] = declared(default_factory=dict)

    def __post_init__(self):
        if not self.name:
            object.__setattr__(self, "name", self.key)

    @property
    def is_goals(self) -> bool:
        return self.kind == Kind.GOALS

    def wording(self, page: str) -> Wording | None:
        return self.pages.get(page)

    @property
    def label_in_comparison(self) -> Any:
        staff = self.pages.get(STAFF)
        return self.compare_label or (staff.label if staff else self.label)

    def empty_value(self) -> Any:
        if self.kind == Kind.YES_NO:
            return False
        if self.kind in (Kind.OPTION, Kind.DATE):
            return None
        if self.kind == Kind.GOALS:
            return []
        return ""


@dataclass(frozen=True)
class Section:
    """A part of the plan with its fields, in the order they are typed in and their changes are described.

    `content_key` is where the part sits in the frozen content (None: at its top level). `titles` name the
    part on each page (a page without a title shows its fields without a heading of their own); `order`
    places it on the pages, which show the law's parts first."""

    key: str
    fields: tuple[Field, ...]
    content_key: str | None = None
    titles: Mapping[str, Any] = declared(default_factory=dict)
    intros: Mapping[str, Any] = declared(default_factory=dict)
    order: int = 100
    anchor: str = ""  # the id of its heading on the pages (`kop-<anchor>`); defaults to the key
    folded_on: tuple[str, ...] = ()  # pages that show the part folded away, to be opened by the reader

    def __post_init__(self):
        if not self.anchor:
            object.__setattr__(self, "anchor", self.key)

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def part_of(self, content: Mapping[str, Any]) -> Mapping[str, Any]:
        """This part of a frozen content; empty for a section the content was frozen without."""
        if self.content_key is None:
            return content
        return content.get(self.content_key) or {}


class ExtensionError(ValueError):
    """An extension that would change the core: the law fixes it, a board's format may only add to it."""


@dataclass(frozen=True)
class Format:
    """The plan's shape: the core the law fixes, and the optional sections and fields a board may add.

    `schema` is the version of the core's shape; a frozen version records it (older versions without it are
    schema 1). An extension adds sections (`extra_sections`) or fields to a core section (`extra_fields`,
    by section key); it never changes or removes a core field, and none of its fields is needed for adoption.
    """

    key: str
    schema: int
    core_sections: tuple[Section, ...]
    goal_fields: tuple[Field, ...]
    extra_sections: tuple[Section, ...] = ()
    extra_fields: Mapping[str, tuple[Field, ...]] = declared(default_factory=dict)

    def __post_init__(self):
        core_keys = {f.key for s in self.core_sections for f in s} | {s.key for s in self.core_sections}
        for section in self.extra_sections:
            if section.key in core_keys or section.content_key in {s.content_key for s in self.core_sections}:
                raise ExtensionError(f"Extra section {section.key!r} would replace a part of the core.")
        for key, extras in self.extra_fields.items():
            if key not in {s.key for s in self.core_sections}:
                raise ExtensionError(f"No core section {key!r} to add fields to.")
            for extra in extras:
                if extra.key in core_keys:
                    raise ExtensionError(f"Extra field {extra.key!r} would replace a core field.")
        for extra in self.extra_section_fields():
            if extra.needed or extra.kind in (Kind.GOALS, Kind.OPTION):
                raise ExtensionError(f"Extra field {extra.key!r}: a board's fields are optional text, "
                                     "yes/no, dates or choices.")

    def extend(self, key: str, *, sections: tuple[Section, ...] = (),
               fields: Mapping[str, tuple[Field, ...]] | None = None) -> "Format":
        """A format with this core and the extra `sections` and `fields` (by core section key)."""
        merged = {k: tuple(v) for k, v in self.extra_fields.items()}
        for name, extra in (fields or {}).items():
            merged[name] = merged.get(name, ()) + tuple(extra)
        return Format(key=key, schema=self.schema, core_sections=self.core_sections, goal_fields=self.goal_fields,
                      extra_sections=self.extra_sections + tuple(sections), extra_fields=merged)

    def extra_section_fields(self) -> Iterator[Field]:
        for section in self.extra_sections:
            yield from section.fields
        for extras in self.extra_fields.values():
            yield from extras

    @property
    def sections(self) -> tuple[Section, ...]:
        """Every section in declaration order, a core section with the fields the format adds to it."""
        core = tuple(
            Section(key=s.key, fields=s.fields + self.extra_fields.get(s.key, ()), content_key=s.content_key,
                    titles=s.titles, intros=s.intros, order=s.order, anchor=s.anchor, folded_on=s.folded_on)
            if s.key in self.extra_fields else s
            for s in self.core_sections
        )
        return core + self.extra_sections

    def on_pages(self) -> tuple[Section, ...]:
        """The sections in the order the pages show them."""
        return tuple(sorted(self.sections, key=lambda s: s.order))

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for s in self.sections for f in s)

    def field(self, key: str) -> Field:
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(key)

    def section(self, key: str) -> Section:
        """A section by its key (a `Part` for the core's)."""
        return next(s for s in self.sections if s.key == key)

    def section_of(self, key: str) -> Section:
        for section in self.sections:
            if any(f.key == key for f in section):
                return section
        raise KeyError(key)

    def value(self, content: Mapping[str, Any], key: str) -> Any:
        """A field's value in a frozen content; its empty value when the content was frozen without it."""
        item = self.field(key)
        return self.section_of(key).part_of(content).get(item.name, item.empty_value())

    @property
    def goal_keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.goal_fields)

    def goal_field(self, key: str) -> Field:
        return next(f for f in self.goal_fields if f.key == key)

    def needed_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.needed)
