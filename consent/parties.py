"""Who decides on instemming (rule 3), and where parents find help after a refusal (rule 4)."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from plans.models import Opp
from schools.models import Guardian, Pupil

ADULT_AGE = 18


@dataclass(frozen=True)
class Party:
    """One deciding party: a guardian with gezag, or the adult pupil themself."""

    guardian: Guardian | None = None
    pupil: Pupil | None = None

    @property
    def key(self) -> tuple[str, int]:
        if self.guardian:
            return ("guardian", self.guardian.pk)
        assert self.pupil is not None  # a party is a guardian or the adult pupil
        return ("pupil", self.pupil.pk)

    @property
    def person(self):
        return self.guardian or self.pupil

    @property
    def name(self) -> str:
        return self.person.full_name

    @property
    def email(self) -> str:
        """The address the school records for the party: the only one they are invited and signed in with."""
        return (self.person.email or "").strip().lower()

    @property
    def is_pupil(self) -> bool:
        return self.pupil is not None


def gezag_guardians(pupil: Pupil):
    """The pupil's guardians with gezag, in the order they are named."""
    return Guardian.objects.filter(guardianships__pupil=pupil, guardianships__has_gezag=True).order_by("pk")


def decides_themself(pupil: Pupil, on: datetime.date) -> bool:
    """Rule 3: a pupil of 18 or older on `on` gives instemming themself, instead of the parents."""
    return pupil.age_on(on) >= ADULT_AGE


def deciding_parties(pupil: Pupil, on: datetime.date, guardians: list[Guardian] | None = None) -> list[Party]:
    """Rule 3: an adult pupil (18 or older on `on`) decides instead of the parents; otherwise every
    guardian with gezag decides for themself. A guardian without gezag is never asked. `guardians`: the
    `gezag_guardians` of the pupil, when a page read them already (`consent.records`)."""
    if decides_themself(pupil, on):
        return [Party(pupil=pupil)]
    if guardians is None:
        guardians = list(gezag_guardians(pupil).select_related("user"))
    return [Party(guardian=g) for g in guardians]


@dataclass(frozen=True)
class PartyChannel:
    """How one deciding party is asked: online (a personal link by email) or on paper."""

    party: Party
    online: bool

    @property
    def name(self) -> str:
        return self.party.name

    @property
    def note(self) -> str:
        if self.online:
            return str(_("krijgt een persoonlijke link per e-mail en beslist online"))
        return str(_("geen e-mailadres bekend: vraag op papier of voeg een e-mailadres toe"))


def asking_channels(pupil: Pupil, *, on: datetime.date | None = None,
                    parties: list[Party] | None = None) -> list[PartyChannel]:
    """Per deciding party (rule 3), whether asking for instemming reaches them online or must go on paper.
    The plan page shows this before the ib asks; `request_instemming` follows it. `parties`: the deciding parties
    today, when the caller has them already."""
    from django.utils import timezone

    if parties is None:
        parties = deciding_parties(pupil, on or timezone.localdate())
    return [PartyChannel(party=p, online=bool(p.email)) for p in parties]


# --- help after a refusal (rule 4) ----------------------------------------------------------------------------

ONDERWIJSCONSULENTEN = _(
    "De onderwijsconsulenten helpen ouders en scholen gratis als zij het niet eens worden over de "
    "ondersteuning van een leerling. Zij zijn onafhankelijk. Meer informatie en aanmelden: "
    "www.onderwijsconsulenten.nl."
)
GESCHILLENCOMMISSIE = _(
    "Komt u er met de school niet uit, dan kunt u een klacht of geschil over het ontwikkelingsperspectief "
    "voorleggen aan de Geschillencommissie passend onderwijs (www.onderwijsgeschillen.nl). De commissie "
    "geeft binnen tien weken haar oordeel aan het schoolbestuur."
)
GESCHILLENCOMMISSIE_FOR_PUPIL = _(
    "Kom je er met de school niet uit, dan kun je een klacht of geschil over het ontwikkelingsperspectief "
    "voorleggen aan de Geschillencommissie passend onderwijs (www.onderwijsgeschillen.nl). De commissie "
    "geeft binnen tien weken haar oordeel aan het schoolbestuur."
)
STEUNPUNT_UNKNOWN = _("Vraag de school naar het ouder- en jeugdsteunpunt van het samenwerkingsverband.")


@dataclass(frozen=True)
class HelpInfo:
    swv_name: str
    steunpunt_contact: str
    onderwijsconsulenten: str
    geschillencommissie: str
    own: bool = False  # said to the adult pupil, as "je"

    @property
    def steunpunt_text(self) -> str:
        if not self.steunpunt_contact:
            return str(STEUNPUNT_UNKNOWN)
        said = (_("Het ouder- en jeugdsteunpunt van %(swv)s denkt met je mee: %(contact)s") if self.own
                else _("Het ouder- en jeugdsteunpunt van %(swv)s denkt met u mee: %(contact)s"))
        return str(said % {"swv": self.swv_name, "contact": self.steunpunt_contact})


def help_after_refusal(opp: Opp, *, own: bool = False) -> HelpInfo:
    """Where parents (or the adult pupil, `own`, spoken to as "je") get help when they do not agree: the SWV of
    the pupil's school, the onderwijsconsulenten and the Geschillencommissie passend onderwijs."""
    swv = opp.school.swv
    return HelpInfo(
        swv_name=swv.name, steunpunt_contact=swv.steunpunt_contact.strip(),
        onderwijsconsulenten=str(ONDERWIJSCONSULENTEN),
        geschillencommissie=str(GESCHILLENCOMMISSIE_FOR_PUPIL if own else GESCHILLENCOMMISSIE), own=own,
    )
