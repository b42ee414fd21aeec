"""Overstappen: a pupil the portal knows arrives at a school that has no reach over them.

Adding or importing a pupil must never tell the user whether the BSN or onderwijsnummer is known elsewhere,
and must never attach, rename or edit a record enrolled at a school out of their reach. So a school that
enrols a number known only outside its reach gets a record of its own, exactly as for a new pupil
(`Pupil.duplicate_of` points at the existing record), and in the background, when the date of birth matches
too, a `PupilTransfer` asks the pupil's current school (ib or school leader) or a parent with gezag (or the
adult pupil) to confirm. Only a confirmation joins the records: the receiving school's enrolments, guardians
and plans move onto the existing record. Until then the receiving school sees nothing of it, and a refusal
leaves both records as they are: the receiving school cannot tell a refusal from a pupil nobody knew.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from opp_portal.access import reach_of
from opp_portal.audit.actions import Action
from opp_portal.audit.models import AuditEvent
from opp_portal.audit.service import record
from opp_portal.errors import RuleViolation
from opp_portal.mail import queue_email

from . import emails
from .access import editable_school_ids
from .models import Enrolment, Guardian, Guardianship, Pupil, PupilTransfer, School, TransferDecider, TransferState


class NotDecidable(Http404):
    """The user may not decide on this transfer; a 404, so it does not confirm the transfer exists."""


class AlreadyDecided(RuleViolation):
    """Someone decided on this transfer already (a form sent twice, or by the other party)."""


def number_of(pupil) -> tuple[str, str]:
    """('bsn', value) or ('onderwijsnummer', value) of a pupil record or PupilData."""
    return ("bsn", pupil.bsn) if pupil.bsn else ("onderwijsnummer", pupil.onderwijsnummer)


def in_reach(user, kind: str, number: str, *, exclude: Pupil | None = None) -> Pupil | None:
    """The record with this number the user may edit (their own school's), the pupil's own record first."""
    found = Pupil.objects.editable_by(user).filter(**{kind: number})
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.order_by(F("duplicate_of").asc(nulls_first=True), "pk").first()


def principal(kind: str, number: str, *, exclude: Pupil | None = None) -> Pupil | None:
    """The pupil's own record with this number, wherever it is enrolled (never shown to the caller's user)."""
    found = Pupil.objects.filter(**{kind: number}, duplicate_of__isnull=True)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.first()


def _on_behalf(school: School) -> str:
    return f"school:{school.code}"


# --- asking ---------------------------------------------------------------------------------------------------

def request(*, user, existing: Pupil, incoming: Pupil, school: School) -> PupilTransfer | None:
    """Ask the current school and the parents of `existing` to confirm; inside the caller's transaction.

    A number known with another date of birth is not this pupil (or a guess): nobody is asked, and the
    receiving school simply keeps its own record.
    """
    return next(iter(request_many(user=user, school=school, pairs=[(existing, incoming)])), None)


def request_many(*, user, school: School, pairs: Iterable[tuple[Pupil, Pupil]]) -> list[PupilTransfer]:
    """`request` for many records at once (the CSV import): a fixed number of queries."""
    now = timezone.now()
    transfers = [
        PupilTransfer(pupil=existing, incoming=incoming, receiving_school=school, requested_by=user, requested_at=now)
        for existing, incoming in pairs
        if existing.date_of_birth == incoming.date_of_birth
    ]
    if not transfers:
        return []
    PupilTransfer.objects.bulk_create(transfers)
    actor = user if getattr(user, "is_authenticated", False) else None
    AuditEvent.objects.bulk_create([
        AuditEvent(
            actor=actor, action=Action.PUPIL_TRANSFER_REQUESTED, object_type=PupilTransfer._meta.label_lower,
            object_id=str(t.pk), on_behalf_of=_on_behalf(school), pupil_id=t.pupil_id,
            details={"transfer": str(t.uuid), "incoming_record": t.incoming_id, "receiving_school": school.code},
        )
        for t in transfers
    ])
    _tell_families(transfers, school)
    return transfers


def _tell_families(transfers: list[PupilTransfer], school: School) -> None:
    """One mail per guardian with gezag, after commit; no name of the child, nothing of any plan."""
    links = (
        Guardianship.objects.filter(pupil_id__in=[t.pupil_id for t in transfers], has_gezag=True)
        .exclude(guardian__email="").select_related("guardian")
    )
    sent: set[str] = set()
    for link in links:
        address = link.guardian.email.lower()
        if address in sent:
            continue  # one mail for siblings arriving together
        sent.add(address)
        queue_email(emails.transfer_requested(guardian=link.guardian, school=school))


# --- who decides ------------------------------------------------------------------------------------------------

def deciding_school_ids(pupil: Pupil, *, today: datetime.date | None = None) -> set[int]:
    """Schools where the pupil is enrolled now; if nowhere, the school of their latest enrolment."""
    today = today or timezone.localdate()
    enrolments = list(pupil.enrolments.all())
    current = {e.school_id for e in enrolments if e.enrolment_date <= today and (
        e.leaving_date is None or e.leaving_date >= today)}
    if current or not enrolments:
        return current
    latest = max(enrolments, key=lambda e: (e.leaving_date or datetime.date.max, e.enrolment_date, e.pk))
    return {latest.school_id}


def _as_school(user, transfer: PupilTransfer) -> int | None:
    """The school on whose behalf `user` decides, if they are ib or school leader at a deciding school."""
    deciders = deciding_school_ids(transfer.pupil)
    editable = editable_school_ids(user)
    allowed = deciders if editable is None else deciders & set(editable)
    allowed.discard(transfer.receiving_school_id)
    return min(allowed) if allowed else None


def _as_family(user, transfer: PupilTransfer) -> bool:
    reach = reach_of(user)
    if transfer.pupil_id in reach.child_ids:
        return True
    own = transfer.pupil.user_id is not None and transfer.pupil.user_id == user.pk
    return own and transfer.pupil.is_adult


def _candidates(user) -> QuerySet[PupilTransfer]:
    """Pending transfers the user might decide, before `_as_family` and `_as_school` tell."""
    reach = reach_of(user)
    q = Q(pupil_id__in=reach.child_ids) | Q(pupil__user=user)
    if reach.everything:
        q = Q()
    elif reach.editable_school_ids:
        q |= Q(pupil__enrolments__school_id__in=reach.editable_school_ids)
    return PupilTransfer.objects.filter(q, state=TransferState.PENDING).exclude(requested_by=user)


def decidable_by(user) -> list[PupilTransfer]:
    """Pending transfers the user may confirm or refuse: as staff of the current school, or as family."""
    if not getattr(user, "is_authenticated", False):
        return []
    candidates = (
        _candidates(user).distinct()
        .select_related("pupil", "incoming", "receiving_school").prefetch_related("pupil__enrolments__school")
        .order_by("requested_at", "pk")
    )
    return [t for t in candidates if _as_family(user, t) or _as_school(user, t) is not None]


def waiting_for(user) -> int:
    """How many transfers wait for the user's decision (the pupil list's badge). Nearly always none: an
    `exists` on the candidates says so for a fraction of building and reading the full list (issue 12)."""
    if not getattr(user, "is_authenticated", False) or not _candidates(user).exists():
        return 0
    return len(decidable_by(user))


def confirmed_into(user, schools) -> list[PupilTransfer]:
    """Transfers into the user's schools that were confirmed: the only state a receiving school learns."""
    return list(
        PupilTransfer.objects.filter(receiving_school__in=schools, state=TransferState.CONFIRMED)
        .select_related("pupil", "receiving_school").order_by("-decided_at", "-pk")[:200]
    )


# --- deciding ---------------------------------------------------------------------------------------------------

@transaction.atomic
def decide(*, user, transfer: PupilTransfer, confirm: bool, reason: str = "") -> PupilTransfer:
    """Confirm (the records join) or refuse a pending transfer, with an audit event on both records."""
    fresh = PupilTransfer.objects.select_for_update().select_related("pupil", "incoming", "receiving_school").get(
        pk=transfer.pk)
    if fresh.requested_by_id is not None and fresh.requested_by_id == user.pk:
        raise NotDecidable
    school_id = _as_school(user, fresh)
    as_family = school_id is None and _as_family(user, fresh)
    if school_id is None and not as_family:
        raise NotDecidable
    school = School.objects.get(pk=school_id) if school_id else None
    if fresh.state != TransferState.PENDING:
        raise AlreadyDecided(_("Over deze overstap is al beslist."))
    fresh.state = TransferState.CONFIRMED if confirm else TransferState.DECLINED
    fresh.decided_by, fresh.decided_at = user, timezone.now()
    fresh.decided_as = TransferDecider.FAMILY if as_family else TransferDecider.SCHOOL
    fresh.deciding_school = school
    fresh.reason = reason.strip()[:500]
    fresh.save()
    moved = _merge(existing=fresh.pupil, incoming=fresh.incoming) if confirm else {}
    on_behalf = _on_behalf(school) if school else f"user:{user.pk}"
    action = Action.PUPIL_TRANSFER_CONFIRMED if confirm else Action.PUPIL_TRANSFER_DECLINED
    details = {"transfer": str(fresh.uuid), "receiving_school": fresh.receiving_school.code,
               "decided_as": fresh.decided_as, **moved}
    for pupil_id in (fresh.pupil_id, fresh.incoming_id):
        record(actor=user, action=action, obj=fresh, on_behalf_of=on_behalf, pupil_id=pupil_id, details=details)
    transfer.refresh_from_db()
    return transfer


def _merge(*, existing: Pupil, incoming: Pupil) -> dict:
    """Move what the receiving school recorded onto the existing record; `incoming` keeps nothing.

    Other apps' rows that point at a pupil (plans, instemming recipients) move too, found through the
    model's relations, so this app needs no import from the apps to its right.
    """
    locked = {p.pk: p for p in Pupil.objects.select_for_update().filter(pk__in=[existing.pk, incoming.pk])}
    existing, incoming = locked[existing.pk], locked[incoming.pk]
    enrolments = Enrolment.objects.filter(pupil=incoming).update(pupil=existing)
    moved, joined = _merge_guardians(existing, incoming)
    for rel in Pupil._meta.related_objects:
        if rel.related_model in (Enrolment, Guardianship, PupilTransfer, Pupil) or not rel.one_to_many:
            continue
        rel.related_model._base_manager.filter(**{rel.field.name: incoming}).update(**{rel.field.name: existing})
    if incoming.user_id and not existing.user_id:
        account = incoming.user_id
        Pupil.objects.filter(pk=incoming.pk).update(user=None)
        Pupil.objects.filter(pk=existing.pk).update(user_id=account, updated_at=timezone.now())
    return {"enrolments_moved": enrolments, "guardians_moved": moved, "guardians_joined": joined}


def _merge_guardians(existing: Pupil, incoming: Pupil) -> tuple[int, int]:
    """Guardians the existing record already has (same record or e-mail address) are not added twice."""
    known = list(Guardianship.objects.filter(pupil=existing).select_related("guardian"))
    known_ids = {link.guardian_id for link in known}
    known_emails = {link.guardian.email.lower() for link in known if link.guardian.email}
    moved = joined = 0
    for link in Guardianship.objects.filter(pupil=incoming).select_related("guardian"):
        guardian = link.guardian
        if guardian.pk in known_ids or (guardian.email and guardian.email.lower() in known_emails):
            link.delete()
            if guardian.user_id is None and not Guardianship.objects.filter(guardian=guardian).exists():
                Guardian.objects.filter(pk=guardian.pk).delete()
            joined += 1
        else:
            Guardianship.objects.filter(pk=link.pk).update(pupil=existing)
            known_ids.add(guardian.pk)
            if guardian.email:
                known_emails.add(guardian.email.lower())
            moved += 1
    return moved, joined


def withdraw(*, user, incoming: Pupil, school: School) -> None:
    """The receiving school changed the number: its pending question no longer concerns that pupil."""
    for transfer in PupilTransfer.objects.select_for_update().filter(incoming=incoming, state=TransferState.PENDING):
        transfer.state = TransferState.WITHDRAWN
        transfer.decided_at = timezone.now()
        transfer.save(update_fields=["state", "decided_at"])
        record(actor=user, action=Action.PUPIL_TRANSFER_WITHDRAWN, obj=transfer, on_behalf_of=_on_behalf(school),
               pupil_id=transfer.pupil_id, details={"transfer": str(transfer.uuid)})


def has_pending(pupil: Pupil) -> bool:
    return PupilTransfer.objects.filter(pupil=pupil, state=TransferState.PENDING).exists()


def rehome_duplicates(existing: Pupil, kind: str, number: str) -> None:
    """`existing` takes another number: records that shared its old number find their own principal again.

    The first becomes the pupil's record for that number; any others point at it. Merged records stay put.
    """
    holder = principal(kind, number, exclude=existing)
    merged = PupilTransfer.objects.filter(pupil=existing, state=TransferState.CONFIRMED).values("incoming_id")
    for record_ in Pupil.objects.filter(duplicate_of=existing, **{kind: number}).exclude(pk__in=merged).order_by("pk"):
        Pupil.objects.filter(pk=record_.pk).update(duplicate_of=holder)
        if holder is None:
            holder = record_
