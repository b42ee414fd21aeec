"""Writes on pupils, enrolments and guardians. Each runs in one transaction with its audit event."""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.http import Http404

from opp_portal.access import reach_of
from opp_portal.audit.service import record

from .models import Enrolment, Guardian, Guardianship, Pupil, School


class NotAllowed(Http404):
    """The user may not change data at this school.

    It is an Http404, so a view that lets it through answers 404, never a 403
    that would confirm the record exists.
    """


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
    fresh = [type(obj).objects.select_for_update().get(pk=obj.pk) for obj in objs]
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
    reach = reach_of(user)
    if not (reach.everything or school.pk in reach.editable_school_ids):
        raise NotAllowed


def _on_behalf(school: School) -> str:
    return f"school:{school.code}"


def _apply(obj, data) -> None:
    for name, value in vars(data).items():
        setattr(obj, name, value)


@transaction.atomic
def create_pupil(*, user, pupil: PupilData, enrolment: EnrolmentData) -> Pupil:
    """Add a pupil with an enrolment; a pupil already known by this number (moving school) is enrolled here."""
    _require_school(user, enrolment.school)
    obj = _known_pupil(pupil)
    if obj is None:
        obj = Pupil(**vars(pupil))
        obj.full_clean()
        obj.save()
        record(actor=user, action="pupil.created", obj=obj, on_behalf_of=_on_behalf(enrolment.school), pupil_id=obj.pk)
    enr = Enrolment(pupil=obj, **vars(enrolment))
    enr.full_clean()
    enr.save()
    record(actor=user, action="enrolment.created", obj=enr, on_behalf_of=_on_behalf(enrolment.school), pupil_id=obj.pk)
    return obj


def _known_pupil(data: PupilData) -> Pupil | None:
    field = "bsn" if data.bsn else "onderwijsnummer"
    known = Pupil.objects.filter(**{field: getattr(data, field)}).first()
    if known is None:
        return None
    if known.date_of_birth != data.date_of_birth:
        # Never attach someone else's record because of a mistyped number that passes the check.
        raise ValidationError({field: _(
            "Dit nummer is in het portaal bekend met een andere geboortedatum. Controleer het nummer en de geboortedatum."
        )})
    return known


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
    _apply(pupil, data)
    pupil.full_clean()
    pupil.save()
    _apply(enrolment, enrolment_data)
    enrolment.full_clean()
    enrolment.save()
    changed = sorted(k for k in vars(data) if str(getattr(pupil, k)) != before[k])
    record(
        actor=user, action="pupil.updated", obj=pupil, on_behalf_of=_on_behalf(enrolment.school),
        pupil_id=pupil.pk, details={"fields": changed},
    )
    record(actor=user, action="enrolment.updated", obj=enrolment, on_behalf_of=_on_behalf(enrolment.school), pupil_id=pupil.pk)
    return pupil


def _school_of(user, pupil: Pupil) -> School:
    reach = reach_of(user)
    enrolment = (
        pupil.enrolments.filter(school_id__in=reach.editable_school_ids).select_related("school").first()
        if not reach.everything
        else pupil.enrolments.select_related("school").first()
    )
    if enrolment is None:
        raise NotAllowed
    return enrolment.school


@transaction.atomic
def add_guardian(*, user, pupil: Pupil, data: GuardianData) -> Guardianship:
    school = _school_of(user, pupil)
    guardian = Guardian(
        first_name=data.first_name, name_prefix=data.name_prefix, last_name=data.last_name,
        email=data.email.lower(), phone=data.phone,
    )
    guardian.full_clean()
    guardian.save()
    link = Guardianship.objects.create(
        pupil=pupil, guardian=guardian, relationship=data.relationship, has_gezag=data.has_gezag
    )
    record(actor=user, action="guardian.added", obj=guardian, on_behalf_of=_on_behalf(school), pupil_id=pupil.pk)
    return link


def _guardian_state(link: Guardianship) -> dict:
    g = link.guardian
    return {
        "first_name": g.first_name, "name_prefix": g.name_prefix, "last_name": g.last_name, "email": g.email,
        "phone": g.phone, "relationship": link.relationship, "has_gezag": link.has_gezag,
    }


@transaction.atomic
def update_guardian(
    *, user, link: Guardianship, data: GuardianData, expected_version: str | None = None
) -> Guardianship:
    """Change a guardian and their link to one pupil; `expected_version` guards against lost updates."""
    school = _school_of(user, link.pupil)
    guardian = link.guardian
    _check_version(expected_version, guardian, link)
    before = _guardian_state(link)
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
    record(
        actor=user, action="guardian.updated", obj=guardian, on_behalf_of=_on_behalf(school),
        pupil_id=link.pupil_id, details={"fields": sorted(k for k in before if before[k] != after[k])},
    )
    return link


@transaction.atomic
def remove_guardian(*, user, link: Guardianship) -> None:
    school = _school_of(user, link.pupil)
    record(
        actor=user, action="guardian.unlinked", obj=link.guardian, on_behalf_of=_on_behalf(school),
        pupil_id=link.pupil_id,
    )
    link.delete()
