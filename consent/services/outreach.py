"""Reaching the family: a guardian who cannot be reached (recorded by the ib, confirmed by the leader; rule 3),
the pupil invited to their own page, and the notices staff get in the portal."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opp_portal.audit.actions import Action
from opp_portal.audit.service import record
from opp_portal.mail import latest_status_by_topic, queue_email
from opp_portal.outbox.models import UNSENT
from plans.models import Opp
from plans.services import lock
from schools.models import Membership, Pupil, Role, School, User

from ..access import opp_access
from ..emails import attention_notice, pupil_invitation_message
from ..models import InstemmingRecipient
from ..outreach import (
    NoticeKind,
    PupilInvitation,
    PupilInvitationKind,
    StaffNotice,
    Unreachability,
    UnreachableReason,
)
from ..parties import deciding_parties
from ._common import (
    ConsentError,
    audit,
    caps_at_school,
    clean,
    open_for_instemming,
    require,
    require_for,
)

PUPIL_INVITATION_AGE = 12


# --- a guardian who cannot be reached --------------------------------------------------------------------------

@transaction.atomic
def record_unreachable(*, user, recipient: InstemmingRecipient, reason: str, attempts: str,
                       explanation: str = "") -> Unreachability:
    """The ib records that a guardian with gezag cannot be reached: the attempts made and why. It counts once a
    school leader confirms it; then the other guardian's akkoord suffices, never over a refusal (rule 3)."""
    version = recipient.request.version
    opp = version.opp
    require_for(user, opp, "can_record_unreachable")
    # Read again under the lock: the status (and the pupil) as they are now, not as loaded before it.
    opp = version.opp = lock(opp)
    open_for_instemming(version)
    fresh = InstemmingRecipient.objects.select_for_update().get(pk=recipient.pk)
    if fresh.guardian_id is None:
        raise ConsentError(_("Een meerderjarige leerling beslist zelf; dat besluit kan niet worden overgeslagen."))
    if fresh.latest_decision is not None:
        raise ConsentError(_("%(name)s heeft al een besluit gegeven en is dus bereikbaar.") % {"name": fresh.name})
    others = [p for p in deciding_parties(opp.pupil, timezone.localdate()) if p.key != fresh.party]
    if not others:
        raise ConsentError(_("Er is geen andere ouder met gezag. Zonder het akkoord van een ouder kan het plan niet "
                             "worden vastgesteld; vraag de instemming op papier of ga langs."))
    if reason not in UnreachableReason.values:
        raise ConsentError(_("Kies waarom de ouder niet bereikbaar is."), field="reason")
    if reason == UnreachableReason.NO_ANSWER and fresh.current_email and not fresh.reminders_sent:
        # "No answer, not even after reminders" while the portal sent none: the parent would be passed over
        # before the school asked twice.
        raise ConsentError(_("%(name)s heeft nog geen herinnering gekregen. Stuur eerst een herinnering; komt er dan "
                             "nog steeds geen reactie, leg het daarna vast.") % {"name": fresh.name}, field="reason")
    attempts = clean(attempts)
    if not attempts:
        raise ConsentError(_("Schrijf op welke pogingen de school heeft gedaan: wanneer en hoe."), field="attempts")
    explanation = clean(explanation)
    if reason == UnreachableReason.OTHER and not explanation:
        # "anders" alone says nothing the school leader can confirm.
        raise ConsentError(_("Schrijf op waarom de ouder niet bereikbaar is."), field="explanation")
    if Unreachability.objects.filter(recipient=fresh, withdrawn_at__isnull=True).exists():
        raise ConsentError(_("Dit is al vastgelegd."))
    item = Unreachability.objects.create(recipient=fresh, reason=reason, attempts=attempts,
                                         explanation=explanation, recorded_by=user)
    audit(user, Action.INSTEMMING_UNREACHABLE_RECORDED, opp, item, recipient=fresh.uuid.hex, reason=reason,
          version=version.number)
    leaders = _staff(opp.school, Role.SCHOOL_LEADER).exclude(pk=user.pk)
    StaffNotice.objects.bulk_create([
        StaffNotice(user=leader, opp=opp, kind=NoticeKind.CONFIRM_UNREACHABLE, version_number=version.number)
        for leader in leaders
    ])
    return item


@transaction.atomic
def confirm_unreachable(*, user, unreachability: Unreachability) -> Unreachability:
    """A school leader, not the person who recorded it, confirms that the guardian cannot be reached."""
    recipient = unreachability.recipient
    version = recipient.request.version
    opp = version.opp
    require_for(user, opp, "can_confirm_unreachable")
    # Read again under the lock: the status (and the pupil) as they are now, not as loaded before it.
    opp = version.opp = lock(opp)
    open_for_instemming(version)
    fresh = Unreachability.objects.select_for_update().get(pk=unreachability.pk)
    if fresh.withdrawn_at is not None:
        raise ConsentError(_("Dit is ingetrokken."))
    if fresh.confirmed_at is not None:
        raise ConsentError(_("Dit is al bevestigd."))
    if fresh.recorded_by_id == user.pk:
        raise ConsentError(_("Een andere schoolleider bevestigt dit: u heeft het zelf vastgelegd."))
    fresh.confirmed_by = user
    fresh.confirmed_at = timezone.now()
    fresh.save(update_fields=["confirmed_by", "confirmed_at"])
    audit(user, Action.INSTEMMING_UNREACHABLE_CONFIRMED, opp, fresh, recipient=recipient.uuid.hex,
          version=version.number)
    StaffNotice.objects.filter(opp=opp, kind=NoticeKind.CONFIRM_UNREACHABLE, read_at__isnull=True).update(
        read_at=timezone.now())
    return fresh


@transaction.atomic
def withdraw_unreachable(*, user, unreachability: Unreachability) -> Unreachability:
    """The guardian turned out to be reachable after all (or it was recorded by mistake)."""
    opp = unreachability.recipient.request.version.opp
    require_for(user, opp, "can_withdraw_unreachable")
    lock(opp)
    fresh = Unreachability.objects.select_for_update().get(pk=unreachability.pk)
    if fresh.withdrawn_at is not None:
        raise ConsentError(_("Dit is al ingetrokken."))
    fresh.withdrawn_by = user
    fresh.withdrawn_at = timezone.now()
    fresh.save(update_fields=["withdrawn_by", "withdrawn_at"])
    audit(user, Action.INSTEMMING_UNREACHABLE_WITHDRAWN, opp, fresh, recipient=fresh.recipient.uuid.hex)
    return fresh


# --- the pupil invited to their own page -------------------------------------------------------------------------

@transaction.atomic
def invite_pupil(*, user, pupil: Pupil, school: School, younger_by_choice: bool = False) -> PupilInvitation:
    """The ib invites the pupil to their own page ("Hoe denk jij erover?"): from 12 years, or younger when the
    school chooses so. The mail goes to the pupil's own address with a personal link."""
    require(caps_at_school(user, school), "can_invite_pupil")
    if not pupil.enrolments.current().filter(school=school).exists():
        raise ConsentError(_("Deze leerling staat niet ingeschreven op deze school."))
    if not pupil.email:
        raise ConsentError(_("Vul eerst het e-mailadres van de leerling in (bij de gegevens van de leerling)."))
    young = pupil.age_years < PUPIL_INVITATION_AGE
    if young and not younger_by_choice:
        raise ConsentError(_("%(name)s is jonger dan 12 jaar. Kies er bewust voor om deze leerling toch uit te "
                             "nodigen.") % {"name": pupil.first_name}, field="younger_by_choice")
    topic = f"pupil-invitation:{pupil.uuid}"
    last = PupilInvitation.objects.for_address(pupil).filter(kind=PupilInvitationKind.OWN_PAGE).first()
    mail = latest_status_by_topic([topic]).get(topic)
    if last is not None and mail is not None and mail.status in UNSENT and mail.created_at >= last.created_at:
        return last  # the form sent twice while the invitation is on its way: one mail is enough
    invitation = PupilInvitation.objects.create(pupil=pupil, email=pupil.email.lower(),
                                                kind=PupilInvitationKind.OWN_PAGE, younger_by_choice=young,
                                                invited_by=user)
    record(actor=user, action=Action.PUPIL_INVITED, obj=invitation, on_behalf_of=f"school:{school.code}",
           pupil_id=pupil.pk, details={"younger_by_choice": young})
    queue_email(pupil_invitation_message(invitation), topic=topic, school_id=school.pk)
    return invitation


def ensure_adult_invitation(recipient: InstemmingRecipient, user) -> None:
    """An adult pupil asked for instemming is invited like a guardian: their address may claim an account."""
    pupil = recipient.pupil
    if pupil is None or not pupil.email:
        return
    if not PupilInvitation.objects.for_address(pupil).exists():
        PupilInvitation.objects.create(pupil=pupil, email=pupil.email.lower(), kind=PupilInvitationKind.INSTEMMING,
                                       invited_by=user)


# --- notices for staff ---------------------------------------------------------------------------------------------

def _staff(school: School, role: str):
    members = Membership.objects.filter(school=school, role=role).values("user_id")
    return User.objects.filter(pk__in=members, is_active=True)


def notify_attention(*, opp: Opp, version_number: int, kind: str, by_pupil: bool = False) -> None:
    """A parent (or the adult pupil, `by_pupil`) refused or asked for a conversation: every ib of the school gets a
    notice in the portal and a mail (rule 4). Called inside the decision's transaction; the mail leaves after
    commit."""
    ibs = list(_staff(opp.school, Role.IB))
    if not ibs:
        return
    StaffNotice.objects.bulk_create([StaffNotice(user=ib, opp=opp, kind=kind, version_number=version_number)
                                     for ib in ibs])
    queue_email(attention_notice(opp, kind, [ib.email for ib in ibs], by_pupil=by_pupil), school_id=opp.school_id)


def mark_notices_read(*, user, opp: Opp | None = None) -> int:
    """The user has seen their notices (about one plan, or all)."""
    if opp is None:
        notices = StaffNotice.objects.visible_to(user).unread()
    elif opp_access(user, opp).can_keep_consent:
        # Their notices about a plan they reach as staff of its school: what `visible_to` keeps of them, without
        # building its filter over every school of their reach (every opening of the consent page asks this).
        notices = StaffNotice.objects.filter(user=user, opp=opp).unread()
    else:
        return 0
    # One UPDATE, atomic by itself (Django turns the joins into a subquery): the instemming page opens with it,
    # so a transaction and a read first would be queries of every request (issue 12).
    return notices.update(read_at=timezone.now())


def notified_ib_ids(opp: Opp) -> set[int]:
    return set(_staff(opp.school, Role.IB).values_list("pk", flat=True))
