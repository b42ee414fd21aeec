"""Writes on pupils, enrolments and guardians. Each runs in one transaction with its audit event."""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opp_portal.audit.actions import Action
from opp_portal.audit.service import record
from opp_portal.errors import RuleViolation
from opp_portal.mail import queue_email

from . import emails, transfers
from .access import editable_school_ids, may_edit_school
from .models import Enrolment, Guardian, Guardianship, Pupil, School


class NotAllowed(Http404):
    """The user may not change data at this school.

    It is an Http404, so a view that lets it through answers 404, never a 403
    that would confirm the record exists.
    """


SEQUENCE_NUMBER_IN_USE = gettext_lazy(
    "Dit inschrijvingvolgnummer is op deze school al in gebruik voor een andere leerling.")


class SchoolRuleError(RuleViolation):
    """A rule about pupils, guardians or transfers refuses the change; Dutch, next to `field` when it names one."""


class Conflict(Exception):
    """Someone else changed the record after the user opened it; their change is not overwritten."""


def version_of(*objs: models.Model) -> str:
    """A fingerprint of the stored values of `objs`, for detecting concurrent edits."""
    state = [
        [obj._meta.label_lower, obj.pk, [str(f.value_from_object(obj)) for f in obj._meta.concrete_fields]]
        for obj in objs
    ]
    return hashlib.sha256(json.dumps(state).encode()).hexdigest()[:32]


def _check_version(expected: str | None, *objs: models.Model) -> None:
    if expected is None:
        return
    fresh = [type(obj)._default_manager.select_for_update().get(pk=obj.pk) for obj in objs]
    if version_of(*fresh) != expected:
        raise Conflict


@dataclass(frozen=True)
class PupilData:
    first_name: str
    name_prefix: str
    last_name: str
    date_of_birth: datetime.date
    bsn: str | None
    onderwijsnummer: str | None
    email: str = ""


@dataclass(frozen=True)
class EnrolmentData:
    school: School
    sequence_number: str
    enrolment_date: datetime.date
    leaving_date: datetime.date | None
    group: str


@dataclass(frozen=True)
class GuardianData:
    first_name: str
    name_prefix: str
    last_name: str
    email: str
    phone: str
    relationship: str
    has_gezag: bool


def _require_school(user, school: School) -> None:
    if not may_edit_school(user, school.pk):
        raise NotAllowed


def _on_behalf(school: School) -> str:
    return f"school:{school.code}"


def _apply(obj, data) -> None:
    for name, value in vars(data).items():
        setattr(obj, name, value)


@transaction.atomic
def create_pupil(*, user, pupil: PupilData, enrolment: EnrolmentData) -> Pupil:
    """Add a pupil with an enrolment.

    A pupil this user already reaches under this number (moving between their own schools) is enrolled here.
    A number known only outside their reach gets a record of its own, and the answer is exactly that of a
    new pupil; the pupil's current school or parents are asked to confirm the transfer (schools.transfers).
    """
    _require_school(user, enrolment.school)
    kind, number = transfers.number_of(pupil)
    obj = _known_in_reach(user, pupil, kind, number)
    if obj is not None and _added_just_so(obj, pupil, enrolment):
        # The same form sent twice (a double click, the browser's resend): the pupil is there as asked.
        return obj
    if Enrolment.objects.filter(school=enrolment.school, sequence_number=enrolment.sequence_number).exists():
        raise SchoolRuleError(SEQUENCE_NUMBER_IN_USE, field="sequence_number")
    existing = None
    if obj is None:
        obj = Pupil(**vars(pupil))
        existing = transfers.principal(kind, number)
        obj.duplicate_of = existing
        obj.full_clean()
        obj.save()
        record(actor=user, action=Action.PUPIL_CREATED, obj=obj, on_behalf_of=_on_behalf(enrolment.school),
               pupil_id=obj.pk)
    enr = Enrolment(pupil=obj, **vars(enrolment))
    enr.full_clean()
    enr.save()
    record(actor=user, action=Action.ENROLMENT_CREATED, obj=enr, on_behalf_of=_on_behalf(enrolment.school),
           pupil_id=obj.pk)
    if existing is not None:
        transfers.request(user=user, existing=existing, incoming=obj, school=enrolment.school)
    return obj


def _added_just_so(obj: Pupil, pupil: PupilData, enrolment: EnrolmentData) -> bool:
    """Whether `obj` already holds exactly these details and this very enrolment."""
    return all(getattr(obj, name) == value for name, value in vars(pupil).items()) and obj.enrolments.filter(
        **vars(enrolment)).exists()


def _known_in_reach(user, data: PupilData, kind: str, number: str, *, exclude: Pupil | None = None) -> Pupil | None:
    known = transfers.in_reach(user, kind, number, exclude=exclude)
    if known is not None and known.date_of_birth != data.date_of_birth:
        # Never attach another record of the user's schools because of a mistyped number that passes the check.
        raise SchoolRuleError(_(
            "Dit nummer hoort bij een andere leerling van uw school, met een andere geboortedatum. "
            "Controleer het nummer en de geboortedatum."
        ), field=kind)
    return known


def _renumber(*, user, pupil: Pupil, data: PupilData, school: School) -> Pupil | None:
    """Before `pupil` takes another number: check it and find the record the new number belongs to.

    Returns the pupil's own record elsewhere when the new number is known only outside the user's reach;
    the caller points `duplicate_of` at it and asks for a transfer, as when adding a pupil.
    """
    old_kind, old_number = transfers.number_of(pupil)
    kind, number = transfers.number_of(data)
    if pupil.duplicate_of_id is None and transfers.has_pending(pupil):
        raise SchoolRuleError(_(
            "Een andere school vraagt u te bevestigen dat deze leerling naar haar overstapt. Beslis daar eerst over "
            "(onder Overstappen) en wijzig daarna het nummer."
        ), field=old_kind)
    if transfers.in_reach(user, kind, number, exclude=pupil) is not None:
        raise SchoolRuleError(_("Een andere leerling van uw school heeft dit nummer al."), field=kind)
    if pupil.duplicate_of_id is not None:
        transfers.withdraw(user=user, incoming=pupil, school=school)
    return transfers.principal(kind, number, exclude=pupil)


@transaction.atomic
def update_pupil(
    *, user, pupil: Pupil, data: PupilData, enrolment: Enrolment, enrolment_data: EnrolmentData,
    expected_version: str | None = None,
) -> Pupil:
    """Change a pupil and one enrolment; `expected_version` (see `version_of`) guards against lost updates."""
    _require_school(user, enrolment.school)
    if enrolment_data.school != enrolment.school:
        _require_school(user, enrolment_data.school)
    _check_version(expected_version, pupil, enrolment)
    before = {k: str(getattr(pupil, k)) for k in vars(data)}
    old_kind, old_number = transfers.number_of(pupil)
    renumbered = transfers.number_of(data) != (old_kind, old_number)
    existing = _renumber(user=user, pupil=pupil, data=data, school=enrolment.school) if renumbered else None
    was_principal = pupil.duplicate_of_id is None
    _check_own_address(data.email, pupil=pupil, pupil_ids=[pupil.pk])
    _apply(pupil, data)
    if renumbered:
        pupil.duplicate_of = existing
    pupil.full_clean()
    pupil.save()
    if renumbered and was_principal:
        transfers.rehome_duplicates(pupil, old_kind, old_number)
    _apply(enrolment, enrolment_data)
    enrolment.full_clean()
    enrolment.save()
    changed = sorted(k for k in vars(data) if str(getattr(pupil, k)) != before[k])
    record(
        actor=user, action=Action.PUPIL_UPDATED, obj=pupil, on_behalf_of=_on_behalf(enrolment.school),
        pupil_id=pupil.pk, details={"fields": changed},
    )
    record(actor=user, action=Action.ENROLMENT_UPDATED, obj=enrolment, on_behalf_of=_on_behalf(enrolment.school),
           pupil_id=pupil.pk)
    if existing is not None:
        transfers.request(user=user, existing=existing, incoming=pupil, school=enrolment.school)
    return pupil


def _school_of(user, pupil: Pupil) -> School:
    """The school on whose behalf the user changes the pupil's guardians: one where the pupil is enrolled now."""
    enrolments = pupil.enrolments.current().select_related("school").order_by("-enrolment_date", "pk")
    editable = editable_school_ids(user)
    if editable is not None:
        enrolments = enrolments.filter(school_id__in=editable)
    enrolment = enrolments.first()
    if enrolment is None:
        raise NotAllowed
    return enrolment.school


def _check_own_address(email: str, *, pupil_ids, guardian: Guardian | None = None,
                       pupil: Pupil | None = None) -> None:
    """An address is the key to one person's decisions (it links the account at sign-in): two guardians of a child,
    or a child and their guardian, never share one, or whoever reads that mailbox would decide for both."""
    email = (email or "").strip()
    if not email:
        return
    guardians = Guardianship.objects.filter(pupil_id__in=pupil_ids, guardian__email__iexact=email)
    if guardian is not None:
        guardians = guardians.exclude(guardian=guardian)
    pupils = Pupil.objects.filter(pk__in=pupil_ids, email__iexact=email)
    if pupil is not None:
        pupils = pupils.exclude(pk=pupil.pk)
    if guardians.exists() or pupils.exists():
        raise ValidationError({"email": _(
            "Dit e-mailadres is al vastgelegd voor een ander gezinslid (een ouder of de leerling). Iedere ouder met "
            "gezag beslist zelf over het plan en logt in met een eigen e-mailadres; de leerling ook. Is er geen eigen "
            "adres, laat het veld dan leeg: de school vraagt het besluit dan op papier."
        )})


def _same_guardian(pupil: Pupil, data: GuardianData) -> Guardianship | None:
    """The form sent twice (a double click, the browser's resend): the pupil already has exactly this guardian.
    A second record would be one more party with gezag who is asked for instemming and never answers."""
    email = data.email.strip().lower()
    for link in pupil.guardianships.select_related("guardian").order_by("pk"):
        g = link.guardian
        if ((g.first_name, g.name_prefix, g.last_name, g.email.lower(), g.phone, link.relationship, link.has_gezag)
                == (data.first_name, data.name_prefix, data.last_name, email, data.phone, data.relationship,
                    data.has_gezag)):
            return link
    return None


@transaction.atomic
def add_guardian(*, user, pupil: Pupil, data: GuardianData) -> Guardianship:
    school = _school_of(user, pupil)
    if (same := _same_guardian(pupil, data)) is not None:
        return same
    _check_own_address(data.email, pupil_ids=[pupil.pk])
    guardian = Guardian(
        first_name=data.first_name, name_prefix=data.name_prefix, last_name=data.last_name,
        email=data.email.lower(), phone=data.phone,
    )
    guardian.full_clean()
    guardian.save()
    link = Guardianship.objects.create(
        pupil=pupil, guardian=guardian, relationship=data.relationship, has_gezag=data.has_gezag
    )
    record(
        actor=user, action=Action.GUARDIAN_ADDED, obj=guardian, on_behalf_of=_on_behalf(school), pupil_id=pupil.pk,
        details={"has_gezag": data.has_gezag},
    )
    return link


def _guardian_state(link: Guardianship) -> dict:
    g = link.guardian
    return {
        "first_name": g.first_name, "name_prefix": g.name_prefix, "last_name": g.last_name, "email": g.email,
        "phone": g.phone, "relationship": link.relationship, "has_gezag": link.has_gezag,
    }


def tell_guardian(*, guardian: Guardian, address: str, school: School, changes: list[str]) -> None:
    """Mail the guardian's previous address when who receives their mail, or whether they decide, changed."""
    noticed = [c for c in changes if c in emails.GUARDIAN_CHANGES]
    if address and noticed:
        queue_email(emails.guardian_changed(guardian=guardian, address=address, school=school, changes=noticed))


PERSON_FIELDS = ("first_name", "name_prefix", "last_name", "email", "phone")


def shared_elsewhere(user, guardian: Guardian) -> bool:
    """Whether this guardian record is also that of a pupil whose guardians the user may not change."""
    return guardian.guardianships.exclude(pupil__in=Pupil.objects.guardians_editable_by(user)).exists()


def _check_not_shared_elsewhere(user, guardian: Guardian, data: GuardianData) -> None:
    """A guardian record a transfer brought along may also be the record of a brother or sister at a school out
    of the user's reach: changing the person there (above all the address, which decides who signs in and agrees)
    would change it for that school's pupil too. Relationship and gezag belong to the link and may change."""
    def same(name: str) -> bool:
        old, new = getattr(guardian, name), getattr(data, name)
        return old.lower() == new.strip().lower() if name == "email" else old == new

    changed = [name for name in PERSON_FIELDS if not same(name)]
    if changed and shared_elsewhere(user, guardian):
        raise SchoolRuleError(_(
            "Deze ouder is ook vastgelegd bij een leerling van een andere school, die deze gegevens beheert. "
            "Wijzig hier alleen de relatie of het gezag. Kloppen naam, e-mailadres of telefoonnummer niet meer? "
            "Ontkoppel deze ouder dan en voeg hem of haar opnieuw toe met de juiste gegevens."
        ), field=changed[0])


@transaction.atomic
def update_guardian(
    *, user, link: Guardianship, data: GuardianData, expected_version: str | None = None
) -> Guardianship:
    """Change a guardian and their link to one pupil; `expected_version` guards against lost updates."""
    school = _school_of(user, link.pupil)
    guardian = link.guardian
    _check_version(expected_version, guardian, link)
    before = _guardian_state(link)
    _check_own_address(data.email, guardian=guardian,
                       pupil_ids=list(guardian.guardianships.values_list("pupil_id", flat=True)) + [link.pupil_id])
    _check_not_shared_elsewhere(user, guardian, data)
    for name in ("first_name", "name_prefix", "last_name", "phone"):
        setattr(guardian, name, getattr(data, name))
    guardian.email = data.email.lower()
    guardian.full_clean()
    guardian.save()
    link.relationship = data.relationship
    link.has_gezag = data.has_gezag
    link.full_clean()
    link.save()
    after = _guardian_state(link)
    changed = sorted(k for k in before if before[k] != after[k])
    details = {"fields": changed}
    if "has_gezag" in changed:
        details["has_gezag"] = after["has_gezag"]
    record(
        actor=user, action=Action.GUARDIAN_UPDATED, obj=guardian, on_behalf_of=_on_behalf(school),
        pupil_id=link.pupil_id, details=details,
    )
    tell_guardian(guardian=guardian, address=before["email"], school=school, changes=changed)
    return link


@transaction.atomic
def remove_guardian(*, user, link: Guardianship) -> None:
    school = _school_of(user, link.pupil)
    record(
        actor=user, action=Action.GUARDIAN_UNLINKED, obj=link.guardian, on_behalf_of=_on_behalf(school),
        pupil_id=link.pupil_id, details={"had_gezag": link.has_gezag},
    )
    tell_guardian(guardian=link.guardian, address=link.guardian.email, school=school, changes=["unlinked"])
    link.delete()
