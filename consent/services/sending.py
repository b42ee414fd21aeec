"""Freezing a version and asking for instemming on it: one action, one transaction."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from plans import services as plan_services
from plans.models import Opp, OppVersion

from ..models import InstemmingRecipient, InstemmingRequest
from ..parties import deciding_parties
from ._common import ConsentError, today
from .school import request_instemming


@dataclass(frozen=True)
class Sent:
    version: OppVersion
    new_version: bool
    request: InstemmingRequest | None  # None when every party had already been asked about this version
    recipients: list[InstemmingRecipient]


@transaction.atomic
def send_for_instemming(
    *, user, opp: Opp, expected_revision: int, reason: str, substantial_change: bool | None = None
) -> Sent:
    """"Versie vastleggen en ter instemming voorleggen": freeze the draft (`plans.services.freeze_version`) and
    ask every deciding party for instemming on that version (`request_instemming`), or neither.

    Content identical to the latest version that was not adopted is that version again: parties already asked
    about it are not asked twice (their earlier decisions on it still count); only new parties are asked.
    """
    if not (reason or "").strip():
        raise ConsentError(_("Geef de reden van het verzoek, bijvoorbeeld: nieuw plan, of aangepast na de evaluatie."),
                           field="reason")
    if not deciding_parties(opp.pupil, today()):
        raise ConsentError(_("Er is geen ouder met gezag bekend. Leg eerst vast wie het gezag heeft."))
    before = opp.latest_version
    version = plan_services.freeze_version(user=user, opp=opp, expected_revision=expected_revision,
                                           substantial_change=substantial_change)
    new_version = before is None or version.pk != before.pk
    asked = {r.party for r in InstemmingRecipient.objects.filter(request__version=version)}
    if not new_version and all(p.key in asked for p in deciding_parties(opp.pupil, today())):
        return Sent(version=version, new_version=False, request=None, recipients=[])
    request = request_instemming(user=user, version=version, reason=reason)
    return Sent(version=version, new_version=new_version, request=request, recipients=list(request.recipients.all()))
