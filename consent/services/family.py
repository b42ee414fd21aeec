"""The family side: a parent or adult pupil opens a request and decides; a parent adds their view; a pupil
gives their own view ("Hoe denk jij erover?"). Someone outside the family gets NotAllowed (a 404)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opp_portal.access import forget_reach, reach_of
from opp_portal.audit.actions import Action
from opp_portal.mail import queue_email
from opp_portal.resubmit import same_as_last
from plans.models import Opp, OppStatus
from plans.services import lock
from schools.models import Guardian

from ..emails import decision_notice
from ..models import (
    Decision,
    Hearing,
    HearingMethod,
    HearingSource,
    HowGiven,
    InstemmingDecision,
    InstemmingRecipient,
    InstemmingRequest,
    ParentView,
)
from ..outreach import NoticeKind
from ..parties import deciding_parties
from ._common import ConsentError, NotAllowed, audit, check_decision, clean, open_for_instemming
from .outreach import notified_ib_ids, notify_attention

ATTENTION = {Decision.NIET_AKKOORD: NoticeKind.REFUSED, Decision.GESPREK_GEWENST: NoticeKind.CONVERSATION}

MAX_VIEW_LENGTH = 5000


def _self(user) -> str:
    return f"user:{user.pk}"


@transaction.atomic
def mark_opened(*, recipient_user, request: InstemmingRequest) -> InstemmingRecipient:
    """The parent (or adult pupil) opened the request; the school sees "geopend". Only the first time counts."""
    recipient = InstemmingRecipient.objects.for_user(recipient_user).filter(request=request).first()
    if recipient is None:
        raise NotAllowed
    fresh = InstemmingRecipient.objects.select_for_update().get(pk=recipient.pk)
    if fresh.opened_at is None:
        fresh.opened_at = timezone.now()
        fresh.save(update_fields=["opened_at"])
        audit(recipient_user, Action.INSTEMMING_OPENED, request.version.opp, fresh, on_behalf_of=_self(recipient_user),
              version=request.version.number)
    return fresh


@transaction.atomic
def decide(*, user, recipient: InstemmingRecipient, decision: str, reason: str = "") -> InstemmingDecision:
    """The parent or adult pupil decides for themself: akkoord, niet akkoord (with a reason) or first a
    conversation. A new record every time; the latest counts (rule 2). One parent never decides for the other."""
    if not recipient.is_user(user):
        raise NotAllowed
    version = recipient.request.version
    # The plan and its pupil as they are now, under the lock (the pupil's age decides who decides).
    opp = version.opp = lock(version.opp)
    open_for_instemming(version)
    # Gezag or age may have changed since the request: only a party that decides today can decide (rule 3).
    if recipient.party not in {p.key for p in deciding_parties(opp.pupil, timezone.localdate())}:
        if recipient.pupil_id:  # the pupil is spoken to as "je" on their pages
            raise ConsentError(_("Je beslist niet (meer) over dit plan. Neem contact op met de school."))
        raise ConsentError(_("U beslist niet (meer) over dit plan. Neem contact op met de school."))
    reason = check_decision(decision, reason)
    fresh = InstemmingRecipient.objects.select_for_update().get(pk=recipient.pk)
    same = _same_as_latest(fresh, user, decision, reason)
    if same is not None:
        return same
    if fresh.opened_at is None:
        fresh.opened_at = timezone.now()
        fresh.save(update_fields=["opened_at"])
    item = InstemmingDecision.objects.create(
        recipient=fresh, version=version, content_hash=version.content_hash, decision=decision, reason=reason,
        how=HowGiven.ONLINE, decided_by=user,
    )
    audit(user, Action.INSTEMMING_DECIDED, opp, item, on_behalf_of=_self(user), decision=decision,
          version=version.number, content_hash=version.content_hash, recipient=fresh.uuid.hex)
    notified: set[int] = set()
    if decision in ATTENTION:
        # Rule 4: the school must act on a refusal or a wish to talk first; every ib hears of it.
        notify_attention(opp=opp, version_number=version.number, kind=ATTENTION[Decision(decision)],
                         by_pupil=fresh.pupil_id is not None)
        notified = notified_ib_ids(opp)
    if fresh.request.requested_by_id not in notified:
        notice = decision_notice(fresh)
        if notice is not None:
            queue_email(notice, school_id=opp.school_id)
    return item


def _same_as_latest(recipient: InstemmingRecipient, user, decision: str, reason: str) -> InstemmingDecision | None:
    """The form sent again (a double tap, a retry after an error page): when the party's latest decision on
    this version is this very decision, it is the answer, and nothing new is recorded or mailed."""
    latest = recipient.latest_decision
    if (latest is not None and latest.how == HowGiven.ONLINE and latest.decided_by_id == user.pk
            and latest.decision == decision and latest.reason == reason):
        return latest
    return None


def _family_plan(user, opp: Opp, pupil_ids) -> Opp:
    """The plan, when it is of one of `pupil_ids` and was sent to the family; otherwise a 404."""
    if opp.pupil_id not in pupil_ids or opp.sent_at is None:
        raise NotAllowed
    fresh = lock(opp)
    if fresh.status == OppStatus.BEEINDIGD:
        raise ConsentError(_("Dit plan is beëindigd."))
    return fresh


def _text(text: str, empty_message) -> str:
    text = clean(text)
    if not text:
        raise ConsentError(empty_message)
    if len(text) > MAX_VIEW_LENGTH:
        raise ConsentError(_("Houd het korter dan %(n)s tekens.") % {"n": MAX_VIEW_LENGTH})
    return text


@transaction.atomic
def add_parent_view(*, user, opp: Opp, text: str) -> ParentView:
    """A parent with gezag adds their own view on the plan, at any time; the school sees it in the plan."""
    forget_reach(user)
    fresh = _family_plan(user, opp, reach_of(user).child_ids)
    text = _text(text, _("Schrijf uw kijk op het plan op."))
    guardian = Guardian.objects.filter(user=user, email__iexact=user.email,
                                       guardianships__pupil_id=fresh.pupil_id).first()
    if guardian is None:
        raise NotAllowed
    version = fresh.latest_version
    if (same := same_as_last(ParentView.objects.filter(opp=fresh, author=user), text=text,
                             guardian_id=guardian.pk, version_id=version.pk if version else None)) is not None:
        return same
    item = ParentView.objects.create(opp=fresh, version=version, guardian=guardian, author=user, text=text)
    audit(user, Action.PARENT_VIEW_ADDED, fresh, item, on_behalf_of=_self(user))
    return item


@transaction.atomic
def record_pupil_view(*, pupil_user, opp: Opp, text: str) -> Hearing:
    """The pupil answers "Hoe denk jij erover?" in their own account; it lands in the hearing record (rule 5)."""
    if opp.pupil.user_id is None or opp.pupil.user_id != getattr(pupil_user, "pk", None):
        raise NotAllowed
    fresh = _family_plan(pupil_user, opp, {opp.pupil_id})
    text = _text(text, _("Schrijf op wat jij ervan vindt."))
    version = fresh.latest_version if fresh.status == OppStatus.TER_INSTEMMING else None
    mine = Hearing.objects.filter(opp=fresh, source=HearingSource.PUPIL, recorded_by=pupil_user)
    if (same := same_as_last(mine, pupil_view=text, version_id=version.pk if version else None)) is not None:
        return same
    hearing = Hearing.objects.create(
        opp=fresh, version=version, heard=True, heard_on=timezone.localdate(), method=HearingMethod.PORTAAL,
        heard_by=str(_("de leerling zelf, in het portaal")), pupil_view=text, source=HearingSource.PUPIL,
        recorded_by=pupil_user,
    )
    audit(pupil_user, Action.HEARING_PUPIL_VIEW_ADDED, fresh, hearing, on_behalf_of=_self(pupil_user),
          version=version.number if version else None)
    return hearing
