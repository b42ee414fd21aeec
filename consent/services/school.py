"""The school side: OOGO meetings, hearings, asking for instemming, reminders and decisions given on paper."""

import datetime
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from opp_portal.audit.actions import Action
from opp_portal.mail import latest_status_by_topic, queue_email
from opp_portal.outbox.models import UNSENT, MailStatus
from opp_portal.resubmit import same_as_last
from plans.models import Evaluation, Opp, OppStatus, OppVersion
from plans.services import lock

from ..emails import instemming_message, mail_topic, paper_decision_notice
from ..models import (
    LATEST_FIRST,
    Decision,
    Hearing,
    HearingMethod,
    HearingSource,
    HowGiven,
    InstemmingDecision,
    InstemmingRecipient,
    InstemmingRequest,
    OogoMeeting,
)
from ..parties import deciding_parties
from ._common import ConsentError, audit, check_decision, clean, not_in_future, open_for_instemming, require_for
from .outreach import ensure_adult_invitation

ANSWER_WITHIN = datetime.timedelta(days=14)
LATEST_ANSWER_BY = datetime.timedelta(days=120)


def _open_plan(opp: Opp) -> Opp:
    fresh = lock(opp)
    if fresh.status == OppStatus.BEEINDIGD:
        raise ConsentError(_("Dit plan is beëindigd."))
    return fresh


@transaction.atomic
def record_oogo(
    *,
    user,
    opp: Opp,
    held_on: datetime.date,
    participants: str,
    discussed_handelingsdeel: bool,
    discussed_uitstroomperspectief: bool,
    parents_view: str,
    agreements: str,
) -> OogoMeeting:
    """Rule 1: an ib records the op overeenstemming gericht overleg with the parents about one or both parts."""
    require_for(user, opp, "can_draft")
    fresh = _open_plan(opp)
    not_in_future(held_on, _("de datum van het overleg"))
    if not (discussed_handelingsdeel or discussed_uitstroomperspectief):
        raise ConsentError(_("Kies welk deel van het plan is besproken: het handelingsdeel, het "
                             "uitstroomperspectief of beide."))
    if not clean(participants):
        raise ConsentError(_("Schrijf op wie er bij het overleg waren."))
    if not clean(parents_view):
        raise ConsentError(_("Schrijf op wat de ouders vinden, in hun eigen woorden."))
    if not clean(agreements):
        raise ConsentError(_("Schrijf op wat er is afgesproken."))
    fields = dict(held_on=held_on, participants=clean(participants),
                  discussed_handelingsdeel=bool(discussed_handelingsdeel),
                  discussed_uitstroomperspectief=bool(discussed_uitstroomperspectief),
                  parents_view=clean(parents_view), agreements=clean(agreements))
    if (same := same_as_last(OogoMeeting.objects.filter(opp=fresh, recorded_by=user), **fields)) is not None:
        return same
    meeting = OogoMeeting.objects.create(opp=fresh, recorded_by=user, **fields)
    audit(user, Action.OOGO_RECORDED, fresh, meeting, held_on=held_on.isoformat(),
          handelingsdeel=meeting.discussed_handelingsdeel, uitstroomperspectief=meeting.discussed_uitstroomperspectief)
    return meeting


@transaction.atomic
def record_hearing(
    *,
    user,
    opp: Opp,
    heard: bool = True,
    heard_on: datetime.date | None = None,
    method: str = "",
    heard_by: str = "",
    pupil_view: str = "",
    school_response: str = "",
    not_heard_reason: str = "",
    version: OppVersion | None = None,
    evaluation: Evaluation | None = None,
) -> Hearing:
    """Rule 5: an ib records how the pupil was heard (when, how, by whom, the pupil's view in their own words,
    what the school does with it) about the plan being drawn up, a version or an evaluation; or why the pupil
    was not heard (`heard=False` with `not_heard_reason`). Without `version` or `evaluation`, a hearing while the
    plan waits for instemming is about the version sent; otherwise about the plan being drawn up or adjusted."""
    require_for(user, opp, "can_draft")
    fresh = _open_plan(opp)
    if version is not None and version.opp_id != fresh.pk:
        raise ConsentError(_("Deze versie hoort niet bij dit plan."))
    if evaluation is not None and evaluation.opp_id != fresh.pk:
        raise ConsentError(_("Deze evaluatie hoort niet bij dit plan."))
    if version is None and evaluation is None and fresh.status == OppStatus.TER_INSTEMMING:
        # Heard while the parents decide: the hearing is about the version they were sent.
        version = fresh.latest_version
    if heard:
        not_in_future(heard_on, _("wanneer de leerling is gehoord"))
        if method not in HearingMethod.values or method == HearingMethod.PORTAAL:
            raise ConsentError(_("Kies hoe de leerling is gehoord."))
        if not clean(heard_by):
            raise ConsentError(_("Schrijf op wie de leerling heeft gehoord."))
        if not clean(pupil_view):
            raise ConsentError(_("Schrijf op wat de leerling vindt, in de woorden van de leerling."))
        fields: dict[str, Any] = dict(heard_on=heard_on, method=method, heard_by=clean(heard_by),
                                      pupil_view=clean(pupil_view), school_response=clean(school_response))
    else:
        if not clean(not_heard_reason):
            raise ConsentError(_("Schrijf op waarom de leerling niet is gehoord."))
        fields = dict(heard_on=heard_on, not_heard_reason=clean(not_heard_reason))
    fields.update(version=version, evaluation=evaluation, heard=bool(heard))
    mine = Hearing.objects.filter(opp=fresh, source=HearingSource.SCHOOL, recorded_by=user)
    if (same := same_as_last(mine, **fields)) is not None:
        return same
    hearing = Hearing.objects.create(opp=fresh, source=HearingSource.SCHOOL, recorded_by=user, **fields)
    audit(user, Action.HEARING_RECORDED, fresh, hearing, heard=hearing.heard, method=hearing.method,
          version=version.number if version else None, evaluation=evaluation.pk if evaluation else None)
    return hearing


@transaction.atomic
def request_instemming(
    *, user, version: OppVersion, reason: str, answer_by: datetime.date | None = None
) -> InstemmingRequest:
    """An ib asks every deciding party (each guardian with gezag, or the adult pupil instead) for instemming on
    the frozen `version`. Each party with an address the school recorded gets a mail with a personal link
    (the child's first name, the school, `answer_by` (default in two weeks), the ib to contact; never plan
    content); the others are asked on paper (see `consent.parties.asking_channels`). The reason is shown with the
    plan in the portal: it should say why, not what (for example: "nieuw plan" or "aangepast na de evaluatie").

    Asking again for the same version only adds parties who were not asked yet (a guardian who got gezag
    since, or the pupil who turned 18), and mails again those whose mail failed for good; to nudge someone
    who was asked, send a reminder.
    """
    opp = version.opp
    require_for(user, opp, "can_send")
    # Read again under the lock: the status (and the pupil) as they are now, not as loaded before it.
    opp = version.opp = lock(opp)
    open_for_instemming(version)
    reason = clean(reason)
    if not reason:
        raise ConsentError(_("Geef de reden van het verzoek, bijvoorbeeld: nieuw plan, of aangepast na de evaluatie."),
                           field="reason")
    day = timezone.localdate()
    answer_by = answer_by or day + ANSWER_WITHIN
    if answer_by < day:
        raise ConsentError(_("De datum waarvoor u graag antwoord hebt, ligt in het verleden."), field="answer_by")
    if answer_by > day + LATEST_ANSWER_BY:
        raise ConsentError(_("Kies een datum binnen vier maanden voor het antwoord."), field="answer_by")
    parties = deciding_parties(opp.pupil, day)
    if not parties:
        raise ConsentError(_("Er is geen ouder met gezag bekend. Leg eerst vast wie het gezag heeft."))
    earlier = list(InstemmingRecipient.objects.filter(request__version=version).select_related("request"))
    asked = {r.party for r in earlier}
    new = [p for p in parties if p.key not in asked]
    unreached = _mail_failed(earlier, {p.key for p in parties})
    if not new and not unreached:
        raise ConsentError(_("Iedereen is al om instemming gevraagd voor deze versie. Stuur zo nodig een herinnering."))
    for recipient in unreached:  # asked, but the mail never arrived: the same request, mailed again
        queue_email(instemming_message(recipient), topic=mail_topic(recipient), school_id=opp.school_id)
        audit(user, Action.INSTEMMING_MAILED_AGAIN, opp, recipient, version=version.number)
    if not new:
        return unreached[0].request
    request = InstemmingRequest.objects.create(version=version, requested_by=user, reason=reason, requested_on=day,
                                               answer_by=answer_by)
    recipients = [
        InstemmingRecipient.objects.create(request=request, guardian=p.guardian, pupil=p.pupil, name=p.name,
                                           email=p.email)
        for p in new
    ]
    audit(user, Action.INSTEMMING_REQUESTED, opp, request, version=version.number, content_hash=version.content_hash,
          recipients=[r.uuid.hex for r in recipients], adult_pupil=any(r.pupil_id for r in recipients))
    for recipient in recipients:
        if recipient.current_email:
            ensure_adult_invitation(recipient, user)
            queue_email(instemming_message(recipient), topic=mail_topic(recipient), school_id=opp.school_id)
    return request


def _mail_failed(recipients, deciding: set) -> list[InstemmingRecipient]:
    """Recipients who still decide, have not opened or decided, and whose last mail failed for good."""
    latest = latest_status_by_topic(mail_topic(r) for r in recipients)
    return [r for r in recipients
            if r.party in deciding and r.current_email and r.opened_at is None and r.latest_decision is None
            and mail_topic(r) in latest and latest[mail_topic(r)].status == MailStatus.FAILED]


@transaction.atomic
def send_reminder(*, user, recipient: InstemmingRecipient) -> InstemmingRecipient:
    """An ib reminds one party who has not decided yet."""
    version = recipient.request.version
    opp = version.opp
    require_for(user, opp, "can_send")
    # Read again under the lock: the status (and the pupil) as they are now, not as loaded before it.
    opp = version.opp = lock(opp)
    open_for_instemming(version)
    fresh = InstemmingRecipient.objects.select_for_update().get(pk=recipient.pk)
    if fresh.latest_decision is not None:
        raise ConsentError(_("%(name)s heeft al een besluit genomen.") % {"name": fresh.name})
    if not fresh.current_email:
        raise ConsentError(_("Van %(name)s is geen e-mailadres bekend: vraag op papier of voeg een e-mailadres toe.")
                           % {"name": fresh.name})
    last = latest_status_by_topic([mail_topic(fresh)]).get(mail_topic(fresh))
    if (last is not None and last.status in UNSENT and fresh.last_reminder_at is not None
            and last.created_at >= fresh.last_reminder_at):
        # The last reminder has not gone out yet (the form sent twice, or the mail server is slow): one is enough.
        raise ConsentError(_("De vorige herinnering aan %(name)s wordt nog verstuurd; er is geen nieuwe "
                             "herinnering gestuurd.") % {"name": fresh.name})
    ensure_adult_invitation(fresh, user)
    # The counter and the outbox row are written together: it counts mails that are really on their way.
    fresh.reminders_sent += 1
    fresh.last_reminder_at = timezone.now()
    fresh.save(update_fields=["reminders_sent", "last_reminder_at"])
    audit(user, Action.INSTEMMING_REMINDED, opp, fresh, count=fresh.reminders_sent)
    queue_email(instemming_message(fresh, reminder=True), topic=mail_topic(fresh), school_id=opp.school_id)
    recipient.refresh_from_db()
    return recipient


def _same_paper_decision(recipient: InstemmingRecipient, user, *, decision: str, reason: str, how: str,
                          decided_at: datetime.datetime) -> InstemmingDecision | None:
    """The form sent again (a double click, the browser's resend after a slow answer): when the last decision
    recorded for this party is this very one, recorded by the same person for the same day, it is the answer,
    and nothing new is recorded or mailed to the parent."""
    last = InstemmingDecision.objects.filter(recipient=recipient).order_by("-created_at", "-pk").first()
    if (last is not None and last.how == how and last.recorded_by_id == user.pk and last.decision == decision
            and last.reason == reason
            and timezone.localdate(last.decided_at) == timezone.localdate(decided_at)):
        return last
    return None


@transaction.atomic
def record_paper_decision(
    *,
    user,
    recipient: InstemmingRecipient,
    decision: str,
    reason: str = "",
    how: str = HowGiven.OP_PAPIER,
    scan: File | None = None,
    decided_at: datetime.datetime | None = None,
) -> InstemmingDecision:
    """The school records a decision given on paper or in a meeting, with who recorded it. The decision stays the
    party's own: an akkoord needs the scan of the signed form (or signed meeting notes); a decision dated on or
    before the day of the party's own latest online decision is refused (the latest by `decided_at` counts, so it
    could otherwise undo what the party did themself); and the party is mailed what was recorded in their name."""
    version = recipient.request.version
    opp = version.opp
    require_for(user, opp, "can_record_paper_decision")
    # Read again under the lock: the status (and the pupil) as they are now, not as loaded before it.
    opp = version.opp = lock(opp)
    open_for_instemming(version)
    if how not in (HowGiven.OP_PAPIER, HowGiven.IN_GESPREK):
        raise ConsentError(_("Kies hoe het besluit is gegeven: op papier of in een gesprek."))
    # As online (rule 3): gezag or age may have changed since the request; only a party that decides today does.
    if recipient.party not in {p.key for p in deciding_parties(opp.pupil, timezone.localdate())}:
        raise ConsentError(_("%(name)s beslist niet (meer) over dit plan, bijvoorbeeld omdat het gezag is "
                             "veranderd. Leg alleen het besluit vast van wie nu beslist.") % {"name": recipient.name})
    reason = check_decision(decision, reason)
    if decision == Decision.AKKOORD and scan is None:
        raise ConsentError(_("Een akkoord legt u alleen vast met de scan van het door de ouder ondertekende formulier "
                             "(of het ondertekende verslag van het gesprek). Voeg de scan toe."), field="scan")
    decided_at = decided_at or timezone.now()
    if decided_at > timezone.now() or decided_at < version.created_at:
        raise ConsentError(_("De datum van het besluit ligt niet tussen het versturen van de versie en nu."),
                           field="decided_on")
    # The party's own columns, the empty one included (None filters as IS NULL).
    party = {"recipient__guardian_id": recipient.guardian_id, "recipient__pupil_id": recipient.pupil_id}
    own = (InstemmingDecision.objects.filter(version=version, how=HowGiven.ONLINE, **party)
           .order_by(*LATEST_FIRST).first())
    if own is not None and timezone.localdate(decided_at) <= timezone.localdate(own.decided_at):
        moment = timezone.localtime(own.decided_at)
        raise ConsentError(_(
            "%(name)s heeft op %(day)s om %(time)s zelf online beslist. Een besluit op papier of uit een gesprek "
            "van die datum of eerder kan dat besluit niet vervangen: de datum van het besluit moet later zijn. "
            "Heeft de ouder op dezelfde dag opnieuw besloten, vraag dan de ouder dit zelf online te doen."
        ) % {"name": recipient.name, "day": date_format(moment, "j F Y"), "time": date_format(moment, "H:i")},
            field="decided_on")
    same = _same_paper_decision(recipient, user, decision=decision, reason=reason, how=how, decided_at=decided_at)
    if same is not None:
        return same
    item = InstemmingDecision(
        recipient=recipient, version=version, content_hash=version.content_hash, decision=decision, reason=reason,
        how=how, recorded_by=user, decided_at=decided_at,
    )
    if scan is not None:
        item.scan.save(getattr(scan, "name", "scan") or "scan", scan, save=False)
    item.save()
    audit(user, Action.INSTEMMING_DECISION_RECORDED, opp, item, decision=decision, how=how, version=version.number,
          content_hash=version.content_hash, recipient=recipient.uuid.hex, scan=bool(scan),
          decided_at=decided_at.isoformat())
    notice = paper_decision_notice(item)
    if notice is not None:
        queue_email(notice, school_id=opp.school_id)
    return item
