"""What the plan's PDF prints in place of signatures: the decisions on that exact version.

The school's PDF (viewer None, or staff of the school) shows every decision; a parent's or pupil's PDF shows
only their own (separated parents never see each other's decision). A guardian the school could not reach,
confirmed by the leader, is said plainly in every PDF, the guardian's own included: the other guardian's akkoord
suffices (rule 3)."""

from django.utils.translation import gettext as _

from plans.access import opp_access
from plans.models import OppVersion
from plans.pdf import InstemmingRecord

from .models import Decision, HowGiven, InstemmingDecision, InstemmingRecipient
from .requirements import unreachable_parties


def _is_school(viewer, version: OppVersion) -> bool:
    if viewer is None:
        return True
    return opp_access(viewer, version.opp).as_school


def instemming_records(version: OppVersion, viewer=None) -> list[InstemmingRecord]:
    school = _is_school(viewer, version)
    decisions = InstemmingDecision.objects.on(version).select_related("recipient")
    if not school:
        decisions = decisions.filter(recipient__in=InstemmingRecipient.objects.for_user(viewer))
    records = []
    for d in decisions:
        role = _("leerling") if d.recipient.pupil_id else _("ouder")
        label = "" if d.decision != Decision.GESPREK_GEWENST else d.get_decision_display()
        if d.how != HowGiven.ONLINE:
            label = f"{label or d.get_decision_display()} ({d.get_how_display()})"
        records.append(InstemmingRecord(
            who=f"{d.recipient.name} ({role})", agreed=d.decision == Decision.AKKOORD, decided_at=d.decided_at,
            version_number=version.number, content_hash=version.content_hash, label=label,
        ))
    confirmed, _pending = unreachable_parties(version)
    all_decided = {d.recipient.party for d in InstemmingDecision.objects.on(version).select_related("recipient")}
    mine = set() if school else {r.party for r in InstemmingRecipient.objects.for_user(viewer)
                                 .filter(request__version=version)}
    for party, item in confirmed.items():
        # Someone unreachable who decided after all: their decision counts, not the note. The guardian it is about
        # reads it in their own PDF too, by their own name: the plan may have been adopted without them.
        if party in all_decided:
            continue
        if school or party in mine:
            who = f"{item.recipient.name} ({_('ouder')})"
        else:
            who = _("De andere ouder met gezag")
        records.append(InstemmingRecord(
            who=who, agreed=False, decided_at=item.confirmed_at, version_number=version.number,
            content_hash=version.content_hash,
            label=_("niet bereikbaar: de school heeft de pogingen vastgelegd en de schoolleider heeft dat bevestigd; "
                    "het akkoord van de andere ouder volstaat"),
        ))
    return records
