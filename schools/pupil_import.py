"""Importing pupils from a LAS export: checks against the database, then saves everything in one transaction.

`schools.pupil_csv.parse_csv` turns the file into checked rows; `import_pupils`
adds the checks that need the database and either saves every row or, when
any row has a problem, saves nothing and raises `ImportRejected` with all
reasons per line. The number of queries does not grow with the number of
rows: existing pupils, enrolments and guardians are read in a few bulk
queries, new records are written with bulk_create and changed ones with one
UPDATE per set of new values (see `_Updates`). Only a file of more than
`LOOKUP_CHUNK` identifiers, or changes too varied to group, takes extra
queries.
"""

import json
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import IntegrityError, connection, transaction
from django.db.models import F, JSONField, Model, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from opp_portal.audit.actions import Action
from opp_portal.audit.models import AuditEvent
from opp_portal.audit.service import record

from . import transfers
from .access import may_edit_school
from .models import Enrolment, Guardian, Guardianship, Pupil, Relationship, School
from .pupil_csv import GuardianRow, ImportRow
from .services import NotAllowed, tell_guardian

LOOKUP_CHUNK = 10_000  # identifiers per IN (...) query: under SQLite's and PostgreSQL's parameter limits
UPDATE_BATCH = 500  # bulk_update builds one CASE per field; small batches keep that fast
GROUPED_UPDATES = 50  # up to this many different sets of new values, one UPDATE per set

GUARDIAN_FIELDS = ("first_name", "name_prefix", "last_name", "email", "phone")


@dataclass(frozen=True)
class RowError:
    line: int
    name: str
    reasons: tuple[str, ...]


class ImportRejected(Exception):
    """At least one row has a problem; nothing was saved."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} rows with errors")
        self.errors = errors


class ImportConflict(Exception):
    """Someone else changed the same pupils while the import ran; nothing was saved, trying again helps."""


@dataclass(frozen=True)
class ImportResult:
    created: int  # new pupils, and existing pupils newly enrolled at this school
    updated: int
    unchanged: int
    guardians_linked: int
    import_uuid: str = ""

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def import_pupils(*, user, school: School, rows: Sequence[ImportRow]) -> ImportResult:
    """Save the rows for `school` in one transaction, or raise ImportRejected and save nothing."""
    if not may_edit_school(user, school.pk):
        raise NotAllowed
    try:
        with transaction.atomic():
            # One import per school at a time (a no-op on SQLite, which locks the whole database anyway).
            list(School.objects.select_for_update().filter(pk=school.pk).values_list("pk"))
            state = _State.load(user, school, rows)
            plans = _plan(rows, state)
            return _write(user=user, school=school, plans=plans, state=state)
    except IntegrityError as exc:
        raise ImportConflict from exc


def _chunks(values: list, size: int = LOOKUP_CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


@dataclass
class _State:
    """What the database already holds for the rows, read in a fixed number of queries."""

    pupils: dict[tuple[str, str], Pupil]  # records the user may edit, the pupil's own record first
    # The pupil's own record where it is out of the user's reach: never read back to the user, only used to
    # ask for a transfer (see schools.transfers).
    outside: dict[tuple[str, str], Pupil]
    by_number: dict[str, Enrolment]  # this school's enrolments by inschrijvingvolgnummer
    by_pupil: dict[int, list[Enrolment]]  # this school's enrolments by pupil
    links: dict[int, list[Guardianship]]  # guardians of the existing pupils
    school_guardians: dict[str, Guardian]  # guardians of any pupil at this school, by e-mail address

    @classmethod
    def load(cls, user, school: School, rows: Sequence[ImportRow]) -> "_State":
        pupils: dict[tuple[str, str], Pupil] = {}
        outside: dict[tuple[str, str], Pupil] = {}
        keys = [key for row in rows if (key := _any_identifier(row))]
        editable = Pupil.objects.editable_by(user)
        for chunk in _chunks(keys):
            bsns = [v for kind, v in chunk if kind == "bsn"]
            numbers = [v for kind, v in chunk if kind == "onderwijsnummer"]
            known = Q(bsn__in=bsns) | Q(onderwijsnummer__in=numbers)
            for pupil in editable.filter(known).order_by(F("duplicate_of").asc(nulls_first=True), "pk"):
                pupils.setdefault(_number(pupil), pupil)
            for pupil in Pupil.objects.filter(known, duplicate_of__isnull=True):
                if _number(pupil) not in pupils:
                    outside[_number(pupil)] = pupil
        by_number: dict[str, Enrolment] = {}
        by_pupil: dict[int, list[Enrolment]] = defaultdict(list)
        for enrolment in Enrolment.objects.filter(school=school).order_by("-enrolment_date", "pk"):
            by_number[enrolment.sequence_number] = enrolment
            by_pupil[enrolment.pupil_id].append(enrolment)
        links: dict[int, list[Guardianship]] = defaultdict(list)
        if any(row.guardians for row in rows):
            for chunk in _chunks([p.pk for p in pupils.values()]):
                for link in Guardianship.objects.filter(pupil_id__in=chunk).select_related("guardian").order_by("pk"):
                    links[link.pupil_id].append(link)
        emails = sorted({g.email for row in rows for g in row.guardians if g.email})
        school_guardians: dict[str, Guardian] = {}
        at_school = Guardianship.objects.filter(pupil__enrolments__school=school).values("guardian_id")
        for chunk in _chunks(emails):
            found = Guardian.objects.alias(email_lower=Lower("email")).filter(email_lower__in=chunk, pk__in=at_school)
            for guardian in found.order_by("pk"):
                school_guardians.setdefault(guardian.email.lower(), guardian)
        return cls(pupils, outside, by_number, by_pupil, links, school_guardians)


def _number(pupil: Pupil) -> tuple[str, str]:
    return ("bsn", pupil.bsn) if pupil.bsn else ("onderwijsnummer", pupil.onderwijsnummer or "")


def _any_identifier(row: ImportRow) -> tuple[str, str] | None:
    """The identifier to look up; a row with both still gets its other reasons checked."""
    if row.bsn:
        return ("bsn", row.bsn)
    if row.onderwijsnummer:
        return ("onderwijsnummer", row.onderwijsnummer)
    return None


@dataclass
class _Plan:
    row: ImportRow
    pupil: Pupil | None  # None: a new pupil
    enrolment: Enrolment | None  # None: a new enrolment at this school
    new_pupil: bool = False
    changes: list[str] = field(default_factory=list)
    guardians_added: int = 0
    guardian_fields: set[str] = field(default_factory=set)  # what changed of existing guardians, for the audit


def _plan(rows: Sequence[ImportRow], state: _State) -> list[_Plan]:
    """Match every row to what exists; raise ImportRejected with all reasons if any row cannot be saved."""
    plans: list[_Plan] = []
    errors: list[RowError] = []
    for row in rows:
        reasons = list(row.errors)
        key = _any_identifier(row)
        pupil = state.pupils.get(key) if key else None
        enrolment = state.by_number.get(row.sequence_number) if row.sequence_number else None
        if enrolment is not None and (pupil is None or enrolment.pupil_id != pupil.pk):
            reasons.append(
                _("Inschrijvingvolgnummer %(number)s is op deze school al in gebruik voor een andere leerling.")
                % {"number": row.sequence_number}
            )
        elif enrolment is None and pupil is not None and row.enrolment_date:
            current = [
                e for e in state.by_pupil.get(pupil.pk, ())
                if e.leaving_date is None or e.leaving_date >= row.enrolment_date
            ]
            if current:
                reasons.append(
                    _("Deze leerling staat op deze school al ingeschreven met inschrijvingvolgnummer %(number)s. "
                      "Gebruik dat volgnummer, of pas het eerst in het portaal aan.")
                    % {"number": current[0].sequence_number}
                )
        if (
            pupil is not None and enrolment is None and not state.by_pupil.get(pupil.pk)
            and row.date_of_birth and pupil.date_of_birth != row.date_of_birth
        ):
            # A mistyped number that still passes the check must not attach (and rename) a pupil of another
            # of the user's schools; the date of birth is the second key. (A number known only out of the
            # user's reach is never mentioned: that row simply becomes a new record, see schools.transfers.)
            reasons.append(
                _("Dit BSN of onderwijsnummer hoort bij een andere leerling van uw school, met een andere "
                  "geboortedatum. Controleer het nummer en de geboortedatum.")
            )
        if (
            enrolment is not None and not reasons and "uitschrijfdatum" not in row.columns
            and enrolment.leaving_date and row.enrolment_date and row.enrolment_date > enrolment.leaving_date
        ):
            reasons.append(
                _("De inschrijfdatum ligt na de uitschrijfdatum die in het portaal staat (%(date)s). Neem de kolom "
                  "uitschrijfdatum op in het bestand.") % {"date": f"{enrolment.leaving_date:%d-%m-%Y}"}
            )
        if reasons:
            errors.append(RowError(line=row.line, name=row.display_name, reasons=tuple(reasons)))
        else:
            plans.append(_Plan(row=row, pupil=pupil, enrolment=enrolment))
    if errors:
        raise ImportRejected(errors)
    return plans


class _Updates:
    """Changed fields of existing records, saved in few UPDATE statements.

    Records that get the same new values (a whole group moving up a year, leaving dates at the end of the
    school year) share one statement. Only when the changes are too varied for that does bulk_update take
    over, whose CASE expressions cost Python time per record.
    """

    def __init__(self):
        self.changes: dict[type[Model], dict[int, tuple[Model, dict[str, Any]]]] = defaultdict(dict)

    def set(self, obj: Model, name: str, value, changes: list[str], label: str | None = None) -> None:
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            self.changes[type(obj)].setdefault(obj.pk, (obj, {}))[1][name] = value
            changes.append(label or name)

    def save(self, extra: dict[type[Model], dict[str, Any]]) -> None:
        """Write the changes; `extra` holds values every changed record of a model gets (updated_at)."""
        for model, changed in self.changes.items():
            groups: dict[tuple, list[int]] = defaultdict(list)
            for pk, (_obj, values) in changed.items():
                groups[tuple(sorted(values.items()))].append(pk)
            shared = sorted(groups.items(), key=lambda item: -len(item[1]))[:GROUPED_UPDATES]
            if len(groups) > GROUPED_UPDATES:
                shared = [(values, pks) for values, pks in shared if len(pks) > 1]  # lone changes go in bulk
            for grouped, pks in shared:
                for chunk in _chunks(pks):
                    model._default_manager.filter(pk__in=chunk).update(**dict(grouped))
            done = {pk for _values, pks in shared for pk in pks}
            rest = [(obj, values) for pk, (obj, values) in changed.items() if pk not in done]
            if rest:
                for obj, values in rest:  # one record may have been changed through two objects
                    for name, value in values.items():
                        setattr(obj, name, value)
                fields = sorted({name for _obj, values in rest for name in values})
                model._default_manager.bulk_update([obj for obj, _values in rest], fields, batch_size=UPDATE_BATCH)
            if also := extra.get(model):
                for chunk in _chunks(list(changed)):
                    model._default_manager.filter(pk__in=chunk).update(**also)


def _apply_pupil(updates: _Updates, pupil: Pupil, row: ImportRow, changes: list[str]) -> None:
    updates.set(pupil, "first_name", row.first_name, changes)
    if "tussenvoegsel" in row.columns:
        updates.set(pupil, "name_prefix", row.name_prefix, changes)
    updates.set(pupil, "last_name", row.last_name, changes)
    updates.set(pupil, "date_of_birth", row.date_of_birth, changes)


def _apply_enrolment(updates: _Updates, enrolment: Enrolment, row: ImportRow, changes: list[str]) -> None:
    # The dates change in one statement, so the check that leaving is not before enrolment always holds.
    updates.set(enrolment, "enrolment_date", row.enrolment_date, changes, "enrolment.enrolment_date")
    if "uitschrijfdatum" in row.columns:
        updates.set(enrolment, "leaving_date", row.leaving_date, changes, "enrolment.leaving_date")
    if "groep" in row.columns:
        updates.set(enrolment, "group", row.group, changes, "enrolment.group")


class _GuardianWrites:
    """Guardian records and links to create or change, matched without queries."""

    def __init__(self, state: _State, updates: _Updates):
        self.state = state
        self.updates = updates
        self.new_guardians: dict[str, Guardian] = {}  # by e-mail, so siblings in the file share one record
        self.created: list[Guardian] = []
        self.new_links: list[tuple[_Plan, Guardian, GuardianRow]] = []
        self._linked: set[tuple[int, int]] = set()
        # (guardian, address before, what changed): mailed to the old address once everything is saved.
        self.notices: list[tuple[Guardian, str, list[str]]] = []

    def add(self, plan: _Plan, data: GuardianRow) -> None:
        pupil_id = plan.pupil.pk if plan.pupil else None
        existing = self.state.links.get(pupil_id, []) if pupil_id else []
        link = self._match(existing, data)
        if link is not None:
            self._update(plan, link, data)
            return
        guardian = None
        if data.email:
            guardian = self.new_guardians.get(data.email) or self.state.school_guardians.get(data.email)
        if guardian is None:
            guardian = Guardian(
                first_name=data.first_name, name_prefix=data.name_prefix, last_name=data.last_name,
                email=data.email, phone=data.phone,
            )
            self.created.append(guardian)
            if data.email:
                self.new_guardians[data.email] = guardian
        if (id(plan), id(guardian)) in self._linked:
            return
        self._linked.add((id(plan), id(guardian)))
        self.new_links.append((plan, guardian, data))
        plan.guardians_added += 1
        plan.changes.append("guardians")

    @staticmethod
    def _match(links: list[Guardianship], data: GuardianRow) -> Guardianship | None:
        """The pupil's own guardian with this e-mail address, else with this first and last name.

        Without a first name, a name says too little: both parents often share the last name.
        """
        if data.email:
            for link in links:
                if link.guardian.email.lower() == data.email:
                    return link
        if not data.first_name:
            return None
        name = (data.first_name.casefold(), data.last_name.casefold())
        for link in links:
            if (link.guardian.first_name.casefold(), link.guardian.last_name.casefold()) == name:
                return link
        return None

    def _update(self, plan: _Plan, link: Guardianship, data: GuardianRow) -> None:
        changes: list[str] = []
        address = link.guardian.email
        for name in GUARDIAN_FIELDS:
            if value := getattr(data, name):
                self.updates.set(link.guardian, name, value, changes)
        self.updates.set(link, "has_gezag", data.has_gezag, changes)
        if data.relationship:
            self.updates.set(link, "relationship", data.relationship, changes)
        if changes:
            plan.changes.append("guardians")
            plan.guardian_fields.update(changes)
            if {"email", "has_gezag"} & set(changes):
                self.notices.append((link.guardian, address, changes))


def _enrolled_now(plan: _Plan, today) -> bool:
    """Whether the pupil is enrolled at the school today once this row is saved."""
    row = plan.row
    leaving = row.leaving_date if "uitschrijfdatum" in row.columns or plan.enrolment is None else (
        plan.enrolment.leaving_date)
    return row.enrolment_date <= today and (leaving is None or leaving >= today)


def _write(*, user, school: School, plans: list[_Plan], state: _State) -> ImportResult:
    new_pupils: list[Pupil] = []
    transfers_asked: list[tuple[Pupil, Pupil]] = []
    updates = _Updates()
    guardians = _GuardianWrites(state, updates)
    errors: list[RowError] = []
    today = timezone.localdate()
    for plan in plans:
        row = plan.row
        if plan.pupil is None:
            key = _any_identifier(row)
            existing = state.outside.get(key) if key else None
            assert row.date_of_birth is not None  # a row without one was refused with its reason
            plan.pupil = Pupil(
                first_name=row.first_name, name_prefix=row.name_prefix, last_name=row.last_name,
                date_of_birth=row.date_of_birth, bsn=row.bsn, onderwijsnummer=row.onderwijsnummer,
                duplicate_of=existing,
            )
            plan.new_pupil = True
            new_pupils.append(plan.pupil)
            if existing is not None:
                transfers_asked.append((existing, plan.pupil))
        else:
            _apply_pupil(updates, plan.pupil, row, plan.changes)
            if plan.enrolment is not None:
                _apply_enrolment(updates, plan.enrolment, row, plan.changes)
        before = len(plan.changes)
        for data in row.guardians:
            guardians.add(plan, data)
        if not plan.new_pupil and len(plan.changes) > before and not _enrolled_now(plan, today):
            # Only a school where the pupil is enrolled now decides who receives the mails about the child.
            errors.append(RowError(line=row.line, name=row.display_name, reasons=(_(
                "Deze leerling staat nu niet op deze school ingeschreven, dus de gegevens van de ouders kunnen "
                "niet worden gewijzigd. Laat de oudervelden op deze regel leeg."),)))
    if errors:
        raise ImportRejected(errors)

    created = sum(1 for p in plans if p.enrolment is None)
    updated = sum(1 for p in plans if p.enrolment is not None and p.changes)
    summary = record(
        actor=user, action=Action.PUPIL_IMPORT_COMPLETED, obj=school, on_behalf_of=_on_behalf(school),
        details={
            "rows": len(plans), "created": created, "updated": updated, "unchanged": len(plans) - created - updated,
            "new_pupils": len(new_pupils), "guardians_linked": len(guardians.new_links),
        },
    )

    # Model instances and the ORM's work per value were half of a 5,000-row import: pupils and guardians get ids
    # from their sequences and go in by COPY (`_create`), enrolments, links and audit events as plain rows.
    _create(Pupil, new_pupils)
    _create(Guardian, guardians.created)
    _insert_rows(Enrolment, ("uuid", "pupil_id", "school_id", "sequence_number", "enrolment_date", "leaving_date",
                             "group"), [
        (uuid.uuid4(), _pk(plan.pupil), school.pk, plan.row.sequence_number, plan.row.enrolment_date,
         plan.row.leaving_date, plan.row.group)
        for plan in plans if plan.enrolment is None
    ])
    _insert_rows(Guardianship, ("pupil_id", "guardian_id", "has_gezag", "relationship"), [
        (_pk(plan.pupil), guardian.pk, data.has_gezag, str(data.relationship or Relationship.PARENT))
        for plan, guardian, data in guardians.new_links
    ])
    updates.save(extra={Pupil: {"updated_at": timezone.now()}})
    _insert_rows(AuditEvent, EVENT_COLUMNS, _events(user, school, plans, str(summary.uuid)))
    transfers.request_many(user=user, school=school, pairs=transfers_asked)
    for guardian, address, changes in guardians.notices:
        tell_guardian(guardian=guardian, address=address, school=school, changes=changes)
    return ImportResult(
        created=created, updated=updated, unchanged=len(plans) - created - updated,
        guardians_linked=len(guardians.new_links), import_uuid=str(summary.uuid),
    )


def _on_behalf(school: School) -> str:
    return f"school:{school.code}"


EVENT_COLUMNS = ("uuid", "at", "actor_id", "on_behalf_of", "action", "object_type", "object_id", "pupil_id", "details")


def _events(user, school: School, plans: list[_Plan], import_uuid: str) -> list[tuple]:
    """One event per pupil that was created, enrolled or changed (none for an unchanged row), as EVENT_COLUMNS."""
    actor_id = user.pk if getattr(user, "is_authenticated", False) else None
    at, on_behalf_of, object_type = timezone.now(), _on_behalf(school), Pupil._meta.label_lower
    events = []
    for plan in plans:
        if plan.enrolment is None:
            action = Action.PUPIL_CREATED if plan.new_pupil else Action.PUPIL_ENROLLED
        elif plan.changes:
            action = Action.PUPIL_UPDATED
        else:
            continue
        assert plan.pupil is not None  # every planned row has its pupil once written
        details = {
            "source": "csv-import", "import": import_uuid, "line": plan.row.line,
            "fields": sorted(set(plan.changes)), "guardians_added": plan.guardians_added,
            **({"guardian_fields": sorted(plan.guardian_fields)} if plan.guardian_fields else {}),
        }
        events.append((uuid.uuid4(), at, actor_id, on_behalf_of, str(action), object_type, str(plan.pupil.pk),
                       plan.pupil.pk, details))
    return events


def _pk(pupil: Pupil | None) -> int:
    assert pupil is not None  # every planned row has its pupil once written
    return pupil.pk


M = TypeVar("M", bound=Model)


def _create(model: type[M], objs: list[M]) -> None:
    """bulk_create for new instances; on PostgreSQL by COPY, with their ids taken from the table's sequence first."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if connection.vendor != "postgresql" or not objs:
        model._default_manager.bulk_create(objs)
        return
    now = timezone.now()
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    pk = model._meta.pk
    assert pk is not None  # every table of the import has its own id
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [model._meta.db_table, pk.column, len(objs)])
        ids = [row[0] for row in cursor.fetchall()]
    for obj, new_id in zip(objs, ids, strict=True):
        for name in stamped:
            setattr(obj, name, now)  # what pre_save of auto_now(_add) does in bulk_create
        setattr(obj, pk.attname, new_id)
        obj._state.adding, obj._state.db = False, connection.alias
    columns = (pk.attname, *(f.attname for f in fields))
    _insert_rows(model, columns, [tuple(getattr(obj, name) for name in columns) for obj in objs], with_pk=True)


def _insert_rows(model: type[Model], columns: tuple[str, ...], rows: list[tuple], *, with_pk: bool = False) -> None:
    """Insert rows of values for `columns` (attnames, JSON fields as Python values): one COPY on PostgreSQL when
    the columns are exactly the model's (so a field added later, with its default, is never left out), else
    bulk_create."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    if connection.vendor != "postgresql" or sorted(f.attname for f in fields) != sorted(columns):
        model._default_manager.bulk_create([model(**dict(zip(columns, row))) for row in rows])
        return
    by_attname = {f.attname: f for f in fields}
    json_at = [i for i, name in enumerate(columns) if isinstance(by_attname[name], JSONField)]
    quote = connection.ops.quote_name
    statement = (f"COPY {quote(model._meta.db_table)} "
                 f"({', '.join(quote(str(by_attname[name].column)) for name in columns)}) FROM STDIN")
    # wrap_database_errors: a unique violation must reach import_pupils as Django's IntegrityError (ImportConflict).
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            if json_at:
                values = list(row)
                for i in json_at:
                    values[i] = json.dumps(values[i])
                row = tuple(values)
            copy.write_row(row)
