"""The adoption requirements: one registry that is both the checklist beside the form and the guard in `adopt`.

Plans registers the requirements it can judge itself (both parts filled, a complete goal, the commissie's
advice in so and vso) and expects three from consent (`oogo`, `hearing`, `instemming`: rules 1-5); until
consent answers them they stay missing, so adoption fails closed. Consent registers its answers when it
loads, for example:

    from plans.requirements import Requirement, register
    register(Requirement(key="instemming", label=_("Instemming van de ouders"), status=instemming_status))

`status(opp, version)` receives the plan and the frozen version that would be adopted (None while the
plan is a draft) and returns `MET` or `missing(message)`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .content import goal_is_complete, snapshot
from .models import Opp, OppVersion


@dataclass(frozen=True)
class Status:
    met: bool
    message: str = ""


MET = Status(met=True)


def missing(message) -> Status:
    return Status(met=False, message=str(message))


@dataclass(frozen=True)
class Requirement:
    key: str
    label: object  # a (lazy) Dutch label
    status: Callable[[Opp, OppVersion | None], Status]
    blocks_adoption: bool = True
    applies_to: Callable[[Opp], bool] | None = None
    order: int = 100

    def applies(self, opp: Opp) -> bool:
        return self.applies_to is None or self.applies_to(opp)


@dataclass(frozen=True)
class CheckItem:
    requirement: Requirement
    status: Status

    @property
    def key(self) -> str:
        return self.requirement.key

    @property
    def label(self) -> str:
        return str(self.requirement.label)

    @property
    def met(self) -> bool:
        return self.status.met

    @property
    def blocks_adoption(self) -> bool:
        return self.requirement.blocks_adoption


_registry: dict[str, Requirement] = {}
# Keys whose answer comes from an app to the right; until it registers, a placeholder keeps them missing.
_placeholders: set[str] = set()


def register(requirement: Requirement, *, replace: bool = False) -> Requirement:
    """Add a requirement, or answer a placeholder; registering a real key twice needs `replace`."""
    key = requirement.key
    if key in _registry and key not in _placeholders and not replace and _registry[key] is not requirement:
        raise ValueError(f"Adoption requirement {key!r} is already registered.")
    _registry[key] = requirement
    _placeholders.discard(key)
    return requirement


def expect(key: str, label, *, order: int) -> None:
    """Declare a requirement another app answers; until then it is missing, so adoption fails closed."""
    if key in _registry and key not in _placeholders:
        return

    def not_answered(opp, version) -> Status:
        return missing(_("Dit kan nog niet worden vastgelegd in het portaal."))

    _registry[key] = Requirement(key=key, label=label, status=not_answered, order=order)
    _placeholders.add(key)


def is_placeholder(key: str) -> bool:
    return key in _placeholders


def unregister(key: str) -> None:
    _registry.pop(key, None)
    _placeholders.discard(key)


def registered() -> list[Requirement]:
    return sorted(_registry.values(), key=lambda r: (r.order, r.key))


def checklist(opp: Opp, version: OppVersion | None = None) -> list[CheckItem]:
    """Every requirement that applies to `opp`, with its status for `version` (default: the version that
    would be adopted, i.e. the latest frozen one while the plan waits for instemming)."""
    if version is None:
        version = adoptable_version(opp)
    return [CheckItem(r, r.status(opp, version)) for r in registered() if r.applies(opp)]


def blocking_gaps(opp: Opp, version: OppVersion | None = None) -> list[CheckItem]:
    return [item for item in checklist(opp, version) if item.blocks_adoption and not item.met]


def adoptable_version(opp: Opp) -> OppVersion | None:
    from .models import OppStatus

    if opp.status != OppStatus.TER_INSTEMMING:
        return None
    return opp.latest_version


# --- the requirements plans judges itself -------------------------------------------------------------------

def _content(opp: Opp, version: OppVersion | None) -> dict:
    return version.content if version is not None else snapshot(opp)


def handelingsdeel_status(opp: Opp, version: OppVersion | None) -> Status:
    part = _content(opp, version)["handelingsdeel"]
    if not part["support_and_guidance"].strip():
        return missing(_("Beschrijf de ondersteuning en begeleiding die de school geeft."))
    if part["deviates_from_regular_programme"] and not part["deviation_description"].strip():
        return missing(_("Beschrijf hoe het programma afwijkt van het reguliere programma."))
    return MET


def goal_status(opp: Opp, version: OppVersion | None) -> Status:
    goals = _content(opp, version)["handelingsdeel"]["goals"]
    if not goals:
        return missing(_("Voeg minstens één doel toe."))
    if not any(goal_is_complete(g) for g in goals):
        return missing(_("Vul bij minstens één doel alles in: gebied, doel, aanpak, wie wat doet, wanneer en "
                         "hoe het gemeten wordt."))
    return MET


def uitstroom_status(opp: Opp, version: OppVersion | None) -> Status:
    part = _content(opp, version)["uitstroomperspectief"]
    gaps = []
    if not part["destination"]:
        gaps.append(_("de verwachte bestemming"))
    if not part["justification"].strip():
        gaps.append(_("de onderbouwing"))
    if not part["bevorderende_factoren"].strip():
        gaps.append(_("de bevorderende factoren"))
    if not part["belemmerende_factoren"].strip():
        gaps.append(_("de belemmerende factoren"))
    if gaps:
        return missing(_("Nog invullen: %(gaps)s.") % {"gaps": ", ".join(str(g) for g in gaps)})
    return MET


def commissie_status(opp: Opp, version: OppVersion | None) -> Status:
    if opp.commissie_advices.exists():
        return MET
    return missing(_("Leg het advies van de commissie vast voordat het plan wordt vastgesteld."))


def needs_commissie_advice(opp: Opp) -> bool:
    return opp.needs_commissie_advice


PLANS_REQUIREMENTS = (
    Requirement(key="handelingsdeel", label=_("Handelingsdeel: ondersteuning en begeleiding"),
                status=handelingsdeel_status, order=10),
    Requirement(key="goals", label=_("Minstens één volledig doel"), status=goal_status, order=20),
    Requirement(key="uitstroomperspectief", label=_("Uitstroomperspectief met onderbouwing en factoren"),
                status=uitstroom_status, order=30),
    Requirement(key="commissie_advice", label=_("Advies van de commissie (so/vso)"), status=commissie_status,
                applies_to=needs_commissie_advice, order=40),
)


# What adoption needs from the consent app (rules 1-5); it registers requirements with these keys.
CONSENT_KEYS = (
    ("oogo", _("Overleg met de ouders (OOGO) over beide delen"), 50),
    ("hearing", _("De leerling is gehoord"), 60),
    ("instemming", _("Instemming van de ouders met het handelingsdeel"), 70),
)


def register_plans_requirements() -> None:
    for requirement in PLANS_REQUIREMENTS:
        register(requirement, replace=True)
    for key, label, order in CONSENT_KEYS:
        expect(key, label, order=order)
