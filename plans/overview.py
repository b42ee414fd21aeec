"""The school leader's overview (and the ib's own list): what is ready to adopt, who objected, deadlines of
rules 7 and 8, waiting instemming and missing hearings, as rows and sections for the pages.

The queries behind the lists are `plans.selectors` (a fixed number of queries for any number of plans);
this module turns them into rows grouped per ib.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from opp_portal.rows import url_for_each
from schools.models import Pupil, User

from .deadlines import (
    ADOPTION_WARNING_DAYS,
    EVALUATION_WARNING_DAYS,
    days_text,  # noqa: F401  (re-exported: the overview's wording of a deadline)
    due_from_start,
    mark,
)
from .models import EDITABLE_STATUSES, Opp, OppKind, OppQuerySet
from .selectors import (  # noqa: F401  (overview_plans and ready_to_adopt re-exported for the pages and tests)
    INSTEMMING_WAITING_DAYS,
    adoption_deadlines,
    adoptions_due,
    evaluations_due,
    hearing_is_recorded_in_portal,
    objection_rows,
    overview_plans,
    ready_to_adopt,
    waiting_for_instemming,
    with_row_data,
    with_sent_at,
    without_hearing,
)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


class ShownPlan:
    """A plan as a row of the paged overview shows it (`plans.overview_paged`), read from one tuple: building the
    plan, pupil and ib models of 150 rows cost more than their query (issue 12). What it tells is defined once,
    on the models (the status's label, `is_legal_opp`, `Pupil.full_name`); it equals the `Opp` of the same pk."""

    __slots__ = ("pk", "uuid", "status", "kind", "created_at", "created_by_id", "created_by", "pupil",
                 "current_group", "sent_version_at")

    get_status_display = Opp.get_status_display
    is_legal_opp = Opp.is_legal_opp

    def __init__(self, pk, uuid, status, kind, created_at, created_by_id, created_by, pupil, current_group) -> None:
        self.pk, self.uuid, self.status, self.kind, self.created_at = pk, uuid, status, kind, created_at
        self.created_by_id, self.created_by, self.pupil, self.current_group = (created_by_id, created_by, pupil,
                                                                                current_group)
        self.sent_version_at: datetime.datetime | None = None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ShownPlan | Opp):
            return bool(self.pk == other.pk)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pk)  # as a model's


class ShownPupil:
    """The pupil of a `ShownPlan`: the name parts `Pupil.full_name` joins."""

    __slots__ = ("first_name", "name_prefix", "last_name")

    full_name = Pupil.full_name

    def __init__(self, first_name: str, name_prefix: str, last_name: str) -> None:
        self.first_name, self.name_prefix, self.last_name = first_name, name_prefix, last_name


class ShownIb:
    """The ib (author) of shown plans and counted ones, read from one tuple: `User.get_full_name` over its fields."""

    __slots__ = ("pk", "full_name", "email")

    def __init__(self, pk: int, full_name: str, email: str) -> None:
        self.pk, self.full_name, self.email = pk, full_name, email

    def get_full_name(self) -> str:
        return User.get_full_name(self)  # type: ignore[arg-type]  # the user's own rule; it reads these two fields


@dataclass
class Row:
    opp: Opp | ShownPlan
    day: datetime.date | None
    days: int | None  # days until `day`; negative when past
    text: str
    urgency: str  # "late", "soon" or ""
    who: str = ""  # objections: the guardian (or adult pupil) who decided
    url: str = ""  # the plan's page, set by `with_urls` for the rows shown

    @property
    def pupil(self):
        return self.opp.pupil

    @property
    def group(self) -> str:
        return getattr(self.opp, "current_group", None) or ""


@dataclass
class IbGroup:
    ib: Any  # a User, or None when the plan's author is unknown
    rows: list[Row] = field(default_factory=list)
    unknown_label: str = ""

    @property
    def name(self) -> str:
        return self.ib.get_full_name() if self.ib is not None else (self.unknown_label or str(_("onbekende ib'er")))

    @property
    def heading(self) -> str:
        """"Anna Aalders · 3 plannen": built here once per group rather than by a template tag. Plans, not rows:
        the objections list a plan once per parent who refused."""
        n = len({row.opp.pk for row in self.rows})
        return ngettext("%(name)s · %(n)d plan", "%(name)s · %(n)d plannen", n) % {"name": self.name, "n": n}


@dataclass
class Section:
    key: str
    title: str
    short: str  # a column heading for the per-ib counts
    caption: str
    date_label: str
    rows: list[Row]
    empty: str
    note: str = ""
    text_label: str = ""
    # Set by `page_sections`: the page of rows shown, and the links to the pages before and after it.
    page: Page | None = None
    previous_url: str = ""
    next_url: str = ""
    # Set when the rows are only the page shown (`plans.overview_paged`): the counts of every plan of the section.
    total: int | None = None
    late_total: int | None = None

    @property
    def count(self) -> int:
        return len(self.rows) if self.total is None else self.total

    @property
    def late_count(self) -> int:
        if self.late_total is not None:
            return self.late_total
        return sum(1 for row in self.rows if row.urgency == "late")

    @property
    def who_label(self) -> str:
        """The third column's heading (and each cell's label on a phone)."""
        return str(_("Wie")) if self.key == "bezwaar" else str(_("Status"))

    @property
    def text_heading(self) -> str:
        """The last column's heading (and each cell's label on a phone)."""
        if self.text_label:
            return self.text_label
        return str(_("Hoorrecht")) if self.key == "hoorrecht" else str(_("Termijn"))

    @property
    def shown_rows(self) -> list[Row]:
        return list(self.page.object_list) if self.page is not None else self.rows

    @property
    def groups(self) -> list[IbGroup]:
        """The shown rows per ib (the plan's author), ibs in name order, rows in their section order."""
        return _grouped(self.shown_rows)

    @property
    def all_groups(self) -> list[IbGroup]:
        """Every row per ib, for the counts per ib."""
        return _grouped(self.rows)


def _grouped(rows: list[Row]) -> list[IbGroup]:
    grouped: dict[object, IbGroup] = {}
    for row in rows:
        key = row.opp.created_by_id
        if key not in grouped:
            grouped[key] = IbGroup(ib=row.opp.created_by)
        grouped[key].rows.append(row)
    return sorted(grouped.values(), key=lambda g: (g.ib is None, g.name.lower()))


PAGE_SIZE = 25


def page_sections(sections: list[Section], query: QueryDict) -> None:
    """Show at most PAGE_SIZE rows of each section, the most urgent first as the section orders them; each
    section pages on its own (`?pagina-<key>=2`), keeping the school and the other sections' pages."""
    for section in sections:
        section.page = Paginator(section.rows, PAGE_SIZE).get_page(query.get(f"pagina-{section.key}"))
        with_urls(list(section.page.object_list))
    shown = pages_shown(sections, query)
    for section in sections:
        set_page_links(section, shown)


def pages_shown(sections: list[Section], query: QueryDict) -> QueryDict:
    """The query with each section's page as shown: a page asked that does not exist (`?pagina-hoorrecht=3` of
    two) is shown as the last, and the other sections' links keep that one, not the one asked."""
    shown = query.copy()
    for section in sections:
        param = f"pagina-{section.key}"
        if param in shown and section.page is not None:
            shown[param] = str(section.page.number)
    return shown


def set_page_links(section: Section, query: QueryDict) -> None:
    """The links to the page before and after the section's page, keeping the rest of the query."""
    assert section.page is not None
    param = f"pagina-{section.key}"

    def link(number: int) -> str:
        moved = query.copy()
        moved[param] = str(number)
        return f"?{moved.urlencode()}#{section.key}"

    if section.page.has_previous():
        section.previous_url = link(section.page.previous_page_number())
    if section.page.has_next():
        section.next_url = link(section.page.next_page_number())


def with_urls(rows: Sequence[Row]) -> list[Row]:
    """Give each row its plan's URL: one `reverse` for all rows (a `{% url %}` per row costs more than the row)."""
    url = url_for_each("plans:draft")
    for row in rows:
        row.url = url(row.opp.uuid)
    return list(rows)


def _deadline_row(opp: Opp | ShownPlan, day: datetime.date, today: datetime.date, soon_days: int) -> Row:
    m = mark("", day, soon_days=soon_days, today=today)
    return Row(opp=opp, day=day, days=m.days, text=m.text, urgency=m.urgency)


def _no_term(opp: Opp) -> str:
    if opp.adopted_version_id:
        return str(_("geen termijn: de geldende versie blijft van kracht"))
    if opp.kind == OppKind.BASISONDERSTEUNING:
        return str(_("geen termijn (intern plan)"))
    return str(_("geen termijn"))


def _sent_row(opp: Opp | ShownPlan, today: datetime.date, *, text: str = "", urgency: str = "") -> Row:
    sent = timezone.localtime(opp.sent_version_at).date()  # type: ignore[union-attr]  # annotated by with_sent_at
    days = (today - sent).days
    if not text and days <= 0:
        text = str(_("vandaag voorgelegd"))
    text = text or ngettext("wacht al %(n)d dag", "wacht al %(n)d dagen", days) % {"n": days}
    return Row(opp=opp, day=sent, days=-days, text=text, urgency=urgency)


@dataclass
class Lists:
    """The lists of plans for one school (or one ib), each built with a fixed number of queries."""

    ready: list[Row]
    objections: list[Row]
    adoptions: list[Row]
    evaluations: list[Row]
    waiting: list[Row]
    hearing: list[Row]
    drafts: list[Row] = field(default_factory=list)


def build_lists(plans: OppQuerySet, *, today: datetime.date | None = None, now: datetime.datetime | None = None,
                waiting_days: int = INSTEMMING_WAITING_DAYS, with_drafts: bool = False) -> Lists:
    today = _today(today)
    now = now or timezone.now()
    rows = with_row_data(plans)

    ready = [_sent_row(opp, today, text=str(_("klaar om vast te stellen")))
             for opp in with_sent_at(ready_to_adopt(rows)).order_by("sent_version_at", "pk")]
    objected = objection_rows(plans)
    by_pk = {opp.pk: opp for opp in rows.filter(pk__in={o["opp_id"] for o in objected})}
    objections = [
        Row(opp=by_pk[o["opp_id"]], day=timezone.localtime(o["decided_at"]).date(), days=None, text=o["label"],
            urgency="late" if o["decision"] == "niet_akkoord" else "soon", who=o["name"])
        for o in objected if o["opp_id"] in by_pk
    ]
    settled = {row.opp.pk for row in ready} | set(by_pk)
    adoptions = [
        _deadline_row(opp, adopt_by, today, ADOPTION_WARNING_DAYS)
        for opp in adoptions_due(rows, today=today) if (adopt_by := due_from_start(opp.adoption_start)) is not None
    ]
    evaluations = [
        _deadline_row(opp, opp.next_evaluation_due, today, EVALUATION_WARNING_DAYS)
        for opp in evaluations_due(rows, today=today)
    ]
    waiting = [_sent_row(opp, today, urgency="late" if waiting_days else "")
               for opp in waiting_for_instemming(rows, now=now, days=waiting_days, exclude=settled)]
    hearing = [
        Row(opp=opp, day=timezone.localtime(opp.created_at).date(), days=None,
            text=str(_("hoorrecht nog niet vastgelegd")), urgency="")
        for opp in without_hearing(rows).order_by("created_at", "pk")
    ]
    drafts = []
    if with_drafts:
        due = {opp.pk: opp for opp in adoption_deadlines(rows.filter(status__in=EDITABLE_STATUSES))}
        for opp in rows.filter(status__in=EDITABLE_STATUSES).order_by("created_at", "pk"):
            day = due_from_start(getattr(due.get(opp.pk), "adoption_start", None))
            if day is not None:
                drafts.append(_deadline_row(opp, day, today, ADOPTION_WARNING_DAYS))
            else:  # say why there is no term, rather than repeat the status
                drafts.append(Row(opp=opp, day=None, days=None, text=str(_no_term(opp)), urgency=""))
        # The nearest deadline first (a late plan never waits on page 2 behind plans with weeks to go), then the
        # plans without a term, oldest first; the query gave them oldest first, and the sort keeps that order.
        drafts.sort(key=lambda row: (row.day is None, row.day or today))
    return Lists(ready=ready, objections=objections, adoptions=adoptions, evaluations=evaluations,
                 waiting=waiting, hearing=hearing, drafts=drafts)


def build_sections(plans: OppQuerySet, *, today: datetime.date | None = None,
                   now: datetime.datetime | None = None) -> list[Section]:
    """The school leader's sections for `plans` (already limited to what the user may see)."""
    lists = build_lists(plans, today=today, now=now)
    return leader_sections({"klaar": lists.ready, "bezwaar": lists.objections, "vaststellen": lists.adoptions,
                            "evalueren": lists.evaluations, "instemming": lists.waiting, "hoorrecht": lists.hearing})


def leader_sections(rows: dict[str, list[Row]]) -> list[Section]:
    """The school leader's sections, in their order, holding `rows` (by section key)."""
    return [
        _ready_section(rows["klaar"], leader=True),
        _objection_section(rows["bezwaar"]),
        Section(
            key="vaststellen", title=str(_("Vaststellen binnen zes weken")),
            short=str(_("Vaststellen")),
            caption=str(_("Plannen die nog niet zijn vastgesteld, met de uiterste datum (regel 7)")),
            date_label=str(_("Uiterlijk vaststellen")), rows=rows["vaststellen"],
            empty=str(_("Geen plannen die binnen zes weken moeten worden vastgesteld.")),
        ),
        _evaluation_section(rows["evalueren"]),
        Section(
            key="instemming", title=str(_("Wacht op instemming")),
            short=str(_("Instemming")),
            caption=str(_("Plannen die langer dan 14 dagen op instemming van de ouders wachten, zonder bezwaar")),
            date_label=str(_("Voorgelegd op")), rows=rows["instemming"],
            empty=str(_("Geen plannen die langer dan 14 dagen op instemming wachten.")),
        ),
        _hearing_section(rows["hoorrecht"]),
    ]


def build_ib_sections(plans: OppQuerySet, *, today: datetime.date | None = None) -> list[Section]:
    """The ib's own list: plans in preparation, objections, ready, everything waiting, evaluations, hearings."""
    lists = build_lists(plans, today=today, waiting_days=0, with_drafts=True)
    return [
        _objection_section(lists.objections),
        Section(
            key="opstellen", title=str(_("In voorbereiding")), short=str(_("Opstellen")),
            caption=str(_("Concepten en bijstellingen: vul ze aan en leg ze ter instemming voor")),
            date_label=str(_("Uiterlijk vaststellen")), rows=lists.drafts,
            empty=str(_("Geen plannen in voorbereiding.")),
        ),
        _evaluation_section(lists.evaluations),
        _hearing_section(lists.hearing),
        Section(
            key="instemming", title=str(_("Wacht op instemming")), short=str(_("Instemming")),
            caption=str(_("Voorgelegde versies waarover nog niet iedereen heeft besloten")),
            date_label=str(_("Voorgelegd op")), rows=lists.waiting,
            empty=str(_("Geen plannen die op instemming wachten.")),
        ),
        _ready_section(lists.ready, leader=False),
    ]


def _ready_section(rows: list[Row], *, leader: bool) -> Section:
    return Section(
        key="klaar", title=str(_("Klaar om vast te stellen")), short=str(_("Klaar")),
        caption=str(_("Aan alles wat de wet vraagt is voldaan: de schoolleider kan deze plannen vaststellen")
                    if leader else _("Aan alles is voldaan; de schoolleider stelt deze plannen vast")),
        date_label=str(_("Voorgelegd op")), rows=rows,
        empty=str(_("Geen plannen die klaar zijn om vast te stellen.")),
    )


def _objection_section(rows: list[Row]) -> Section:
    return Section(
        key="bezwaar", title=str(_("Niet akkoord of eerst een gesprek")), short=str(_("Bezwaar")),
        caption=str(_("Per ouder (of meerderjarige leerling) die niet akkoord ging of eerst een gesprek wil")),
        date_label=str(_("Besloten op")), rows=rows, text_label=str(_("Besluit")),
        empty=str(_("Geen ouders die niet akkoord gingen of eerst een gesprek willen.")),
    )


def _evaluation_section(rows: list[Row]) -> Section:
    return Section(
        key="evalueren", title=str(_("Evaluaties")),
        short=str(_("Evalueren")),
        caption=str(_("Evaluaties binnen 30 dagen en evaluaties die te laat zijn (regel 8)")),
        date_label=str(_("Uiterlijk evalueren")), rows=rows,
        empty=str(_("Geen evaluaties in de komende 30 dagen.")),
    )


def _hearing_section(rows: list[Row]) -> Section:
    note = "" if hearing_is_recorded_in_portal() else str(_(
        "Het horen van de leerling kan nog niet in het portaal worden vastgelegd. Tot dat kan, staan hier alle "
        "plannen die worden opgesteld of bijgesteld: controleer of de leerling is gehoord."
    ))
    return Section(
        key="hoorrecht", title=str(_("Leerling nog niet gehoord")),
        short=str(_("Hoorrecht")),
        caption=str(_("Plannen zonder vastgelegd gesprek met de leerling (hoorrecht, regel 5)")),
        date_label=str(_("Gestart op")), rows=rows, note=note,
        empty=str(_("Bij alle plannen is vastgelegd hoe de leerling is gehoord.")),
    )

