"""What the family pages share: which version the family sees, their own recipient row and decisions, and
the version's content for reading."""

from opp_portal.audit.service import record_plan_read
from plans.models import Opp, OppStatus, OppVersion

from ..models import LATEST_FIRST, Decision, InstemmingDecision, InstemmingRecipient
from ._changes import compare


def shown_version(opp: Opp) -> tuple[OppVersion | None, bool]:
    """The version the family reads, and whether it waits for their decision: the version sent for
    instemming; otherwise the version in force; otherwise the last one sent."""
    latest = opp.latest_version
    if opp.status == OppStatus.TER_INSTEMMING:
        return latest, True
    if opp.adopted_version_id:
        return opp.adopted_version, False
    return latest, False


def my_recipient(user, version: OppVersion | None) -> InstemmingRecipient | None:
    if version is None:
        return None
    # Asked by the view and again by the decision block of one page (issue 12): remember it on the version, once
    # it was opened (before that the page marks it opened, and the fresh row is read again).
    key = f"_my_recipient_{user.pk}"
    if key in version.__dict__:
        return version.__dict__[key]
    recipient = (InstemmingRecipient.objects.for_user(user).filter(request__version=version)
                 .select_related("request", "request__version").order_by("-pk").first())
    if recipient is None or recipient.opened_at is not None:
        version.__dict__[key] = recipient
    return recipient


def my_decisions(user, opp: Opp):
    """Only the user's own decisions: separated parents each see their own, never the other's."""
    return (InstemmingDecision.objects.filter(recipient__in=InstemmingRecipient.objects.for_user(user),
                                              version__opp=opp)
            .select_related("version", "recorded_by").order_by(*LATEST_FIRST))


def current_decision(decisions, version: OppVersion | None) -> InstemmingDecision | None:
    """The user's latest decision on exactly this version (the latest by `decided_at` counts)."""
    for item in decisions:  # newest first (LATEST_FIRST)
        if item.counts_for(version):
            return item
    return None


def changes_since(opp: Opp, version: OppVersion | None, decisions) -> dict | None:
    """For a new version: what changed since the version the user agreed to before, or else since the version
    in force. None for a first version."""
    if version is None or version.number == 1:
        return None
    agreed = next((d.version for d in decisions
                   if d.decision == Decision.AKKOORD and d.version.number < version.number), None)
    if agreed is not None:
        return {"since": agreed, "agreed": True, "items": compare(agreed, version)}
    base = opp.adopted_version if opp.adopted_version_id and opp.adopted_version_id != version.pk else None
    if base is None:
        # The plan's versions, newest first, as the page read them (`Opp.read_history`).
        base = next((v for v in opp.read_history() if v.number < version.number), None)
    if base is None:
        return None
    return {"since": base, "agreed": False, "items": compare(base, version)}


def readable(version: OppVersion | None) -> dict | None:
    """The frozen content the family pages read; the templates lay it out as the plan's format declares it
    (`plans.format.reading`), whichever schema it was frozen with."""
    if version is None:
        return None
    return version.content


def audit_family_read(request, opp: Opp, version: OppVersion | None) -> None:
    """Every read of a plan is logged, also by the family (they see it in their own log); once per request."""
    record_plan_read(request=request, opp=opp, what="family_plan", version=version.number if version else None,
                     by="family")

