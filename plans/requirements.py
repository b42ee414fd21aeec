"""The adoption requirements: one set of answers that is both the checklist beside the plan and the guard in
`adopt`.

Plans answers the requirements it can judge itself (both parts filled, a complete goal, the commissie's
advice in so and vso) and expects three from consent (`oogo`, `hearing`, `instemming`: rules 1-5); until
consent answers them they stay missing, so adoption fails closed. They are `REQUIREMENTS`, a question of
`opp_portal.questions` that consent answers when it loads, for example:

    from plans.requirements import REQUIREMENTS, Requirement
    REQUIREMENTS.answer("instemming", Requirement(key="instemming", label=_("Instemming van de ouders"),
                                                  status=instemming_status, met_filter=plans_with_instemming))

`status(opp, version)` receives the plan and the frozen version judged (None: the draft) and returns `met(...)`
(with the evidence in words, e.g. "op 3 oktober 2025") or `missing(message)`. Which records count as evidence
for that version is `window(opp, version)`: those since the version in force before it was adopted, and for a
version that was adopted itself, up to its adoption. `met_filter(plans)` answers the same question for a
queryset of plans waiting for instemming (each judged on its latest version, see `with_judged_version`), so
the school leader's overview lists the plans that are ready without judging them one by one.

Which version the checklist judges depends on the stage of the plan (`judge`): while drafting the draft,
while waiting the version sent, once adopted the version in force (the checklist recorded at its adoption),
while an adjustment is prepared its draft, counting what was recorded since the version in force.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from opp_portal.questions import Answers, Question

from .content import snapshot
from .format import CORE, Kind, Part, Section, filled, goal_is_complete
from .format.fields import Field
from .models import Adoption, CommissieAdvice, Opp, OppKind, OppStatus, OppVersion


@dataclass(frozen=True)
class Status:
    met: bool
    message: str = ""  # why it is missing, and what to do
    detail: str = ""  # for a met requirement: the evidence, with its dates


MET = Status(met=True)


def met(detail="") -> Status:
    return Status(met=True, detail=str(detail))


def missing(message) -> Status:
    return Status(met=False, message=str(message))


def day_text(day) -> str:
    """A date as the checklist writes it: "3 oktober 2025"."""
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date()
    return date_format(day, "j F Y")


MetFilter = Callable[[QuerySet], QuerySet]


@dataclass(frozen=True)
class Requirement:
    key: str
    label: object  # a (lazy) Dutch label
    status: Callable[[Opp, OppVersion | None], Status]
    blocks_adoption: bool = True
    applies_to: Callable[[Opp], bool] | None = None
    order: int = 100
    # Of a queryset of plans waiting for instemming (annotated by `with_judged_version`), those where this
    # requirement is met or does not apply. None: the overview judges those plans one by one.
    met_filter: MetFilter | None = None

    def applies(self, opp: Opp) -> bool:
        return self.applies_to is None or self.applies_to(opp)


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: str
    status: Status
    blocks_adoption: bool = True

    @property
    def met(self) -> bool:
        return self.status.met

    def as_record(self) -> dict:
        return {"key": self.key, "label": self.label, "met": self.status.met, "message": self.status.message,
                "detail": self.status.detail, "blocks": self.blocks_adoption}

    @classmethod
    def from_record(cls, row: dict) -> "CheckItem":
        return cls(key=row["key"], label=row["label"], blocks_adoption=row.get("blocks", True),
                   status=Status(met=row["met"], message=row.get("message", ""), detail=row.get("detail", "")))


REQUIREMENTS: Answers[Requirement] = Answers(
    "plans.adoption_requirements",
    doc="Every requirement for adoption, by key: plans' own, and those it expects consent to answer.")


def not_answered(key: str, label, order: int) -> Requirement:
    """What holds for a requirement another app has not answered (yet): missing, never met, for any plan."""

    def status(opp, version) -> Status:
        return missing(_("Dit kan nog niet worden vastgelegd in het portaal."))

    return Requirement(key=key, label=label, status=status, order=order, met_filter=lambda plans: plans.none())


def registered() -> list[Requirement]:
    return sorted(REQUIREMENTS.values(), key=lambda r: (r.order, r.key))


def checklist(opp: Opp, version: OppVersion | None = None) -> list[CheckItem]:
    """Every requirement that applies to `opp`, judged on `version` (default: the version that would be
    adopted, i.e. the latest one while the plan waits for instemming; otherwise the draft)."""
    if version is None:
        version = adoptable_version(opp)
    return [CheckItem(key=r.key, label=str(r.label), status=r.status(opp, version), blocks_adoption=r.blocks_adoption)
            for r in registered() if r.applies(opp)]


_checklist = checklist


def blocking_gaps(opp: Opp, version: OppVersion | None = None) -> list[CheckItem]:
    return [item for item in checklist(opp, version) if item.blocks_adoption and not item.met]


def adoptable_version(opp: Opp) -> OppVersion | None:
    if opp.status != OppStatus.TER_INSTEMMING:
        return None
    return opp.latest_version


# --- which records count: the evidence window of a version --------------------------------------------------

@dataclass(frozen=True)
class Bounds:
    """A window's bounds in the form a filter on any record of a plan (a model with an `opp` field) uses them:
    plain values for one plan (`Window.bounds`), or expressions on the record's plan for a queryset of plans
    being drawn up, adjusted or waiting, judged on their draft or latest version (`IN_FORCE_BOUNDS`). A rule's
    filter written once against `Bounds` is both its per-plan check and its queryset form."""

    # No version was in force before the judged one: everything recorded on the plan counts. True or False for
    # one plan; a condition for a queryset.
    nothing_in_force: bool | Q
    in_force_version_id: Any = None
    in_force_created_at: Any = None  # when the version in force was frozen
    in_force_number: Any = None
    in_force_adopted_on: Any = None
    up_to_number: Any = None  # the judged version's number (None: the draft, or any version)
    until_created_at: Any = None  # the judged version's own adoption, when it was adopted (None: not adopted)
    until_day: Any = None

    def since_in_force(self, condition: Q) -> Q:
        """`condition` (recorded since the version in force) where a version was in force; else everything."""
        if self.nothing_in_force is True:
            return Q()
        if self.nothing_in_force is False:
            return condition
        return self.nothing_in_force | condition


# The bounds of plans being drawn up, adjusted or waiting for instemming, as the school leader's overview judges
# them: everything since the version in force now (if any), up to the draft or the latest version.
IN_FORCE_BOUNDS = Bounds(
    nothing_in_force=Q(opp__adopted_version__isnull=True),
    in_force_version_id=F("opp__adopted_version_id"),
    in_force_created_at=F("opp__adopted_version__created_at"),
    in_force_number=F("opp__adopted_version__number"),
    in_force_adopted_on=F("opp__version_adopted_on"),
)


@dataclass(frozen=True)
class Window:
    """The records that count as evidence for a version (or the draft): recorded since `previous` (the adoption
    of the version in force before it; None for a plan never adopted before) and, for a version that was
    adopted itself, not after `until` (its adoption)."""

    previous: Adoption | None = None
    until: Adoption | None = None
    judged: OppVersion | None = None

    @property
    def bounds(self) -> Bounds:
        previous, until = self.previous, self.until
        return Bounds(
            nothing_in_force=previous is None,
            in_force_version_id=previous.version_id if previous else None,
            in_force_created_at=previous.version.created_at if previous else None,
            in_force_number=previous.version.number if previous else None,
            in_force_adopted_on=previous.adopted_on if previous else None,
            up_to_number=self.judged.number if self.judged is not None else None,
            until_created_at=until.created_at if until else None,
            until_day=until.adopted_on if until else None,
        )

    @property
    def since_day(self) -> datetime.date | None:
        return self.previous.adopted_on if self.previous else None

    @property
    def previous_version(self) -> OppVersion | None:
        return self.previous.version if self.previous else None

    @property
    def until_day(self) -> datetime.date | None:
        return self.until.adopted_on if self.until else None


def window(opp: Opp, version: OppVersion | None) -> Window:
    number = version.number if version is not None else None
    adoptions = opp.adoption_history
    until = next((a for a in reversed(adoptions) if version is not None and a.version_id == version.pk), None)
    before = [a for a in adoptions if number is None or a.version.number < number]
    if until is not None:
        before = [a for a in before if a.pk < until.pk]
    return Window(previous=before[-1] if before else None, until=until, judged=version)


# --- the stage of a plan and what its checklist judges ---------------------------------------------------------

class Stage:
    DRAFT = "draft"
    SENT = "sent"
    IN_FORCE = "in_force"
    ADJUSTMENT = "adjustment"
    ADJUSTMENT_SENT = "adjustment_sent"
    ENDED = "ended"


@dataclass
class Judgement:
    """What the checklist judges at this stage, in words, and its items."""

    stage: str
    version: OppVersion | None
    adoption: Adoption | None
    subject: str
    items: list[CheckItem] = field(default_factory=list)

    @property
    def met_count(self) -> int:
        return sum(1 for item in self.items if item.met)

    @property
    def gaps(self) -> list[CheckItem]:
        return [item for item in self.items if item.blocks_adoption and not item.met]

    @property
    def all_met(self) -> bool:
        return not self.gaps


def _sent_text(version: OppVersion) -> str:
    return str(_("versie %(n)s, vastgelegd en voorgelegd op %(day)s")
               % {"n": version.number, "day": day_text(version.created_at)})


# A page that shows the checklist beside other records of the plan reads those records once, in a fixed number of
# queries, before the requirements are judged (issue 12): consent answers with its `consent.records.read_records`,
# which the answers to its requirements then use instead of reading each table again. Unanswered: nothing is read
# ahead, and each requirement reads what it needs.
READ_RECORDS: Question[Callable[[Opp, OppVersion | None, Any], object]] = Question(
    "plans.read_records", default=lambda opp, version, user: None,
    doc="Read at once the records the requirements judge `version` (None: the draft) of a plan by, and those "
        "the page shows `user`.")


def judge(opp: Opp, *, reader=None) -> Judgement:
    """The plan's checklist for its stage (see the module docstring). `reader`: the user of a page that shows
    it, which reads the plan's history and records in a fixed number of queries first (`READ_RECORDS`)."""
    if reader is not None:
        opp.read_history()

    def checklist(opp: Opp, version: OppVersion | None) -> list[CheckItem]:
        if reader is not None:
            READ_RECORDS(opp, version if version is not None else adoptable_version(opp), reader)
        return _checklist(opp, version)

    latest = opp.latest_version
    adoption = opp.latest_adoption if opp.adopted_version_id else None
    if opp.status == OppStatus.VASTGESTELD or (opp.status == OppStatus.BEEINDIGD and adoption is not None):
        stage = Stage.IN_FORCE if opp.status == OppStatus.VASTGESTELD else Stage.ENDED
        version = adoption.version if adoption else opp.adopted_version
        assert version is not None  # an adopted plan has its version in force
        facts = {"n": version.number, "day": day_text(adoption.adopted_on if adoption else opp.version_adopted_on)}
        if stage == Stage.ENDED:  # nothing is in force any more: say which version was, and until when
            subject = _("versie %(n)s, vastgesteld op %(day)s, die gold tot het plan eindigde op %(end)s") % {
                **facts, "end": day_text(opp.ended_on)}
        else:
            subject = _("de geldende versie %(n)s, vastgesteld op %(day)s") % facts
        if adoption is not None and adoption.checklist:
            items = [CheckItem.from_record(row) for row in adoption.checklist]
        else:
            items = checklist(opp, version)
        return Judgement(stage, version, adoption, str(subject), items)
    if opp.status == OppStatus.TER_INSTEMMING:
        stage = Stage.ADJUSTMENT_SENT if adoption else Stage.SENT
        assert latest is not None  # a plan waiting for instemming has the version it was sent with
        subject = _sent_text(latest)
        if adoption:
            subject = _("de bijstelling: %(sent)s (versie %(n)s blijft gelden tot de nieuwe is vastgesteld)") % {
                "sent": subject, "n": adoption.version.number}
        return Judgement(stage, latest, adoption, str(subject), checklist(opp, latest))
    if opp.status == OppStatus.BIJGESTELD:
        assert opp.adopted_version is not None  # only an adopted plan is adjusted
        subject = _("de bijstelling (concept); versie %(n)s blijft gelden tot de nieuwe is vastgesteld") % {
            "n": opp.adopted_version.number}
        return Judgement(Stage.ADJUSTMENT, None, adoption, str(subject), checklist(opp, None))
    if opp.status == OppStatus.BEEINDIGD:
        return Judgement(Stage.ENDED, latest, None, str(_("het plan, dat is beëindigd zonder vaststelling")),
                         checklist(opp, latest))
    subject = str(_("het concept"))
    if latest is not None:
        subject = _("het concept; versie %(n)s werd voorgelegd en wordt nu aangepast") % {"n": latest.number}
    return Judgement(Stage.DRAFT, None, None, str(subject), checklist(opp, None))


# --- plans waiting for instemming, as a queryset ----------------------------------------------------------------

def with_judged_version(plans: QuerySet) -> QuerySet:
    """Annotate the latest version (the one a plan waiting for instemming is judged on): `judged_version_id`,
    `judged_number`, `judged_hash`."""
    latest = OppVersion.objects.filter(opp_id=OuterRef("pk")).order_by("-number")
    return plans.annotate(
        judged_version_id=Subquery(latest.values("pk")[:1]),
        judged_number=Subquery(latest.values("number")[:1]),
        judged_hash=Subquery(latest.values("content_hash")[:1]),
    )


def ready_to_adopt(plans: QuerySet) -> QuerySet:
    """The plans waiting for instemming whose every blocking requirement is met: what the school leader can
    adopt now. A fixed number of queries, except for a requirement without a `met_filter`."""
    candidates = with_judged_version(plans.filter(status=OppStatus.TER_INSTEMMING))
    slow = []
    applied: list = []
    for requirement in registered():
        if not requirement.blocks_adoption:
            continue
        if requirement.met_filter is None:
            slow.append(requirement)
        elif requirement.met_filter not in applied:
            # Requirements may share a filter (both content parts are one check of the frozen content): built,
            # compiled and planned once, not once per requirement (the leader's overview, issue 12).
            applied.append(requirement.met_filter)
            candidates = requirement.met_filter(candidates)
    if slow:
        keep = [opp.pk for opp in candidates
                if all(not r.applies(opp) or r.status(opp, opp.latest_version).met for r in slow)]
        candidates = candidates.filter(pk__in=keep)
    return candidates


# --- the requirements plans judges itself -------------------------------------------------------------------

def _content(opp: Opp, version: OppVersion | None) -> dict:
    return version.content if version is not None else snapshot(opp)


def section_gaps(section: Section, content: dict) -> list[Field]:
    """The fields of `section` that adoption needs and the content leaves empty, in their declared order (a
    field `needed_when` a yes/no field only when that says yes)."""
    part = section.part_of(content)
    by_key = {item.key: item for item in section}
    gaps = []
    for item in section:
        if not item.needed or item.kind == Kind.GOALS:
            continue
        if item.needed_when and not part.get(by_key[item.needed_when].name):
            continue
        if not filled(part.get(item.name)):
            gaps.append(item)
    return gaps


def handelingsdeel_status(opp: Opp, version: OppVersion | None) -> Status:
    section = CORE.section(Part.HANDELINGSDEEL)
    content = _content(opp, version)
    gaps = section_gaps(section, content)
    if gaps:
        return missing(gaps[0].missing)
    deviates = section.part_of(content)["deviates_from_regular_programme"]
    return met(_("met afwijking van het reguliere programma") if deviates else "")


def goal_status(opp: Opp, version: OppVersion | None) -> Status:
    goals = CORE.value(_content(opp, version), "goals")
    if not goals:
        return missing(_("Voeg minstens één doel toe."))
    complete = sum(1 for g in goals if goal_is_complete(g))
    if not complete:
        return missing(_("Vul bij minstens één doel alles in: gebied, doel, aanpak, wie wat doet, wanneer en "
                         "hoe het gemeten wordt."))
    return met(ngettext("%(n)d volledig doel", "%(n)d volledige doelen", complete) % {"n": complete})


def uitstroom_status(opp: Opp, version: OppVersion | None) -> Status:
    section = CORE.section(Part.UITSTROOMPERSPECTIEF)
    content = _content(opp, version)
    gaps = section_gaps(section, content)
    if gaps:
        return missing(_("Nog invullen: %(gaps)s.") % {"gaps": ", ".join(str(g.missing) for g in gaps)})
    return met(section.part_of(content).get("destination_label") or "")


def _frozen_content_filter(plans: QuerySet) -> QuerySet:
    """Every needed field of the judged version filled in, as `section_gaps` judges it (the draft stores texts
    stripped, so empty means empty). A complete goal needs no filter: `freeze_version` refuses a version without
    one."""
    complete = OppVersion.objects.filter(pk=OuterRef("judged_version_id"))
    for section in CORE.sections:
        prefix = "content__" + (f"{section.content_key}__" if section.content_key else "")
        by_key = {item.key: item for item in section}
        for item in section:
            if not item.needed or item.kind == Kind.GOALS:
                continue
            empty = Q(**{prefix + item.name: None if item.kind == Kind.OPTION else ""})
            if item.needed_when:
                empty &= Q(**{prefix + by_key[item.needed_when].name: True})
            complete = complete.exclude(empty)
    return plans.filter(Exists(complete))


def _advice_text(advice: CommissieAdvice) -> str:
    assert advice.version is not None  # advice without a version (recorded before versions) is never shown here
    return str(_("%(commissie)s, %(day)s, over versie %(n)s") % {
        "commissie": advice.get_commissie_display(), "day": day_text(advice.advised_on), "n": advice.version.number})


def commissie_status(opp: Opp, version: OppVersion | None) -> Status:
    """Rule 6 on a frozen version: advice on this version, or on an earlier one when every version since was
    marked by the school as no substantial change."""
    if version is None:
        return missing(_("De commissie adviseert over een vastgelegde versie. Leg het plan vast en voor; daarna "
                         "legt u het advies over die versie vast."))
    versions = {v.number: v for v in opp.versions.filter(number__lte=version.number)}
    advices = {}
    for advice in (CommissieAdvice.objects.filter(opp=opp, version__number__lte=version.number)
                   .select_related("version").order_by("advised_on", "pk")):
        assert advice.version is not None  # filtered on the version's number
        advices[advice.version.number] = advice
    number = version.number
    while True:
        if number in advices:
            if number == version.number:
                return met(_advice_text(advices[number]))
            # The label says "over deze versie": say why advice on an earlier one counts.
            return met(_("%(advice)s; de school noemde de wijzigingen sindsdien niet ingrijpend") % {
                "advice": _advice_text(advices[number])})
        current = versions.get(number)
        if current is None or current.substantial_change is not False or number - 1 not in versions:
            break
        number -= 1
    if number != version.number:
        return missing(_("Er is geen advies van de commissie over versie %(n)s of een eerdere versie zonder "
                         "ingrijpende wijziging sindsdien.") % {"n": version.number})
    return missing(_("Leg het advies van de commissie over versie %(n)s vast voordat het plan wordt vastgesteld.")
                   % {"n": version.number})


def plans_with_commissie_advice(plans: QuerySet) -> QuerySet:
    """so/vso plans whose judged version has advice, directly or through versions that were no substantial
    change; other plans pass."""
    substantial_since = OppVersion.objects.filter(
        opp_id=OuterRef(OuterRef("pk")), number__gt=OuterRef("version__number"),
        number__lte=OuterRef(OuterRef("judged_number")),
    ).exclude(substantial_change=False)
    covering = CommissieAdvice.objects.filter(
        opp_id=OuterRef("pk"), version__number__lte=OuterRef("judged_number")
    ).exclude(Exists(substantial_since))
    return plans.filter(~Q(school_type__in=("so", "vso")) | Exists(covering))


def needs_commissie_advice(opp: Opp) -> bool:
    return opp.needs_commissie_advice


PLANS_REQUIREMENTS = (
    Requirement(key="handelingsdeel", label=_("Handelingsdeel: ondersteuning en begeleiding"),
                status=handelingsdeel_status, order=10, met_filter=_frozen_content_filter),
    Requirement(key="goals", label=_("Minstens één volledig doel"), status=goal_status, order=20,
                met_filter=lambda plans: plans),
    Requirement(key="uitstroomperspectief", label=_("Uitstroomperspectief met onderbouwing en factoren"),
                status=uitstroom_status, order=30, met_filter=_frozen_content_filter),
    Requirement(key="commissie_advice", label=_("Advies van de commissie over deze versie (so/vso)"),
                status=commissie_status, applies_to=needs_commissie_advice, order=40,
                met_filter=plans_with_commissie_advice),
)
# Freezing a version needs what plans judges about the content itself (not the commissie, which advises on
# the frozen version).
CONTENT_KEYS = ("handelingsdeel", "goals", "uitstroomperspectief")


def content_gaps(opp: Opp) -> list[CheckItem]:
    return [CheckItem(key=r.key, label=str(r.label), status=s) for r in PLANS_REQUIREMENTS
            if r.key in CONTENT_KEYS and not (s := r.status(opp, None)).met]


# What adoption needs from the consent app (rules 1-5); it answers `REQUIREMENTS` under these keys.
CONSENT_KEYS = (
    ("oogo", _("Overleg met de ouders (OOGO) over beide delen"), 50),
    ("hearing", _("De leerling is gehoord"), 60),
    ("instemming", _("Instemming van de ouders met het handelingsdeel"), 70),
)


def is_internal(opp: Opp) -> bool:
    return opp.kind == OppKind.BASISONDERSTEUNING


# Plans answers its own requirements; consent's stay missing until consent answers them.
for _requirement in PLANS_REQUIREMENTS:
    REQUIREMENTS.answer(_requirement.key, _requirement)
for _key, _label, _order in CONSENT_KEYS:
    REQUIREMENTS.expect(_key, not_answered(_key, _label, _order))


__all__ = [
    "IN_FORCE_BOUNDS", "MET", "READ_RECORDS", "REQUIREMENTS", "Bounds", "CheckItem", "Judgement", "Requirement",
    "Stage", "Status", "Window", "blocking_gaps",
    "checklist", "content_gaps", "day_text", "judge", "met", "missing", "ready_to_adopt", "registered", "window",
    "with_judged_version",
]
