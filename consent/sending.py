"""Who is asked for instemming, and how, before a version is sent: the preview on the page that freezes a
version and asks for instemming in one step (`consent.views.send`), and the route plans links to.

`invitation_routes` answers per deciding party whether they are asked online (an email with a link) or on
paper (no email address known). It is deliberately small: the invitation rules (personal links, guardians who
cannot be reached) live with the instemming request and may answer this question themselves.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.models import Opp, OppVersion

from .models import InstemmingRecipient
from .parties import Party, deciding_parties

ONLINE = "online"
PAPER = "paper"


@dataclass(frozen=True)
class Invitation:
    party: Party
    route: str  # ONLINE or PAPER
    already_asked: bool = False

    @property
    def name(self) -> str:
        return self.party.name

    @property
    def email(self) -> str:
        return self.party.email

    @property
    def how(self) -> str:
        if self.route == ONLINE:
            return str(_("online: een e-mail met een link naar %(email)s") % {"email": self.email})
        return str(_("op papier: geen e-mailadres bekend; geef het plan mee of stuur het op en leg het besluit vast"))


def invitation_routes(opp: Opp, version: OppVersion | None = None) -> list[Invitation]:
    """Every deciding party (rule 3) with how they will be asked; `already_asked` for a version sent again."""
    asked = set()
    if version is not None:
        asked = {r.party for r in InstemmingRecipient.objects.filter(request__version=version)}
    return [Invitation(party=p, route=ONLINE if p.email else PAPER, already_asked=p.key in asked)
            for p in deciding_parties(opp.pupil, timezone.localdate())]


def send_route(opp: Opp) -> str:
    return reverse("consent:send", kwargs={"opp_uuid": opp.uuid})
