"""The audit trail is append-only: in Python, and on PostgreSQL in the database itself."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from opp_portal.audit.actions import Action
from opp_portal.audit.models import AppendOnlyError, AuditEvent
from opp_portal.audit.service import record
from tests.factories import EnrolmentFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    enrolment = EnrolmentFactory()
    return record(actor=UserFactory(), action=Action.PUPIL_UPDATED, obj=enrolment.pupil, on_behalf_of="school:12AB00",
                  pupil_id=enrolment.pupil_id, details={"why": "test"})


def test_record_stores_who_what_for_whom_and_when(event):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "pupil.updated"
    assert stored.object_type == "schools.pupil"
    assert stored.on_behalf_of == "school:12AB00"
    assert stored.actor is not None and stored.at is not None
    assert stored.details == {"why": "test"}


def test_record_by_an_anonymous_actor_keeps_no_user():
    school = SchoolFactory()
    assert record(actor=AnonymousUser(), action=Action.DEMO_SEEDED, obj=school).actor is None
    assert record(actor=None, action=Action.DEMO_SEEDED, obj=school).actor is None


def test_for_object_finds_the_events_of_one_object(event):
    other = EnrolmentFactory().pupil
    record(actor=None, action=Action.PUPIL_UPDATED, obj=other)
    pupil = EnrolmentFactory._meta.model.objects.get(pupil_id=event.pupil_id).pupil
    assert list(AuditEvent.objects.for_object(pupil)) == [event]


def test_an_event_cannot_be_saved_again(event):
    event.action = "pupil.deleted"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "pupil.updated"


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_updated_in_bulk(event):
    changed = AuditEvent.objects.get(pk=event.pk)
    changed.action = "x"
    for attempt in (
        lambda: AuditEvent.objects.filter(pk=event.pk).update(action="x"),
        lambda: AuditEvent.objects.all().update(action="x"),
        lambda: AuditEvent.objects.bulk_update([changed], ["action"]),
        lambda: AuditEvent.objects.update_or_create(pk=event.pk, defaults={"action": "x"}),
    ):
        # bulk_update works inside the caller's transaction, so give each attempt its own savepoint.
        with pytest.raises(AppendOnlyError), transaction.atomic():
            attempt()
    assert AuditEvent.objects.get(pk=event.pk).action == "pupil.updated"


def test_events_cannot_be_deleted_in_bulk(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


def test_the_actor_of_an_event_cannot_be_deleted(event):
    with pytest.raises(ProtectedError):
        event.actor.delete()
    assert AuditEvent.objects.filter(pk=event.pk, actor__isnull=False).exists()


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_postgres_refuses_a_raw_update_of_an_event(postgresql, event):
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["x", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "pupil.updated"


def test_postgres_refuses_a_raw_delete_of_an_event(postgresql, event):
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_postgres_still_accepts_a_raw_insert(postgresql, event):
    _raw(
        "INSERT INTO audit_auditevent (uuid, at, on_behalf_of, action, object_type, object_id, details)"
        " VALUES (gen_random_uuid(), now(), '', 'raw.insert', 'x', '1', '{}')",
        [],
    )
    assert AuditEvent.objects.filter(action="raw.insert").exists()


def test_a_plan_read_is_recorded_once_per_request_with_who_role_pupil_and_what(rf):
    from opp_portal.audit.service import record_plan_read
    from tests.factories import parent_of, staff
    from tests.plans.factories import OppFactory

    opp = OppFactory()
    request = rf.get("/")
    request.user = staff("ib", school=opp.school)
    record_plan_read(request=request, opp=opp, what="draft")
    record_plan_read(request=request, opp=opp, what="draft")
    [event] = AuditEvent.objects.filter(action="opp.viewed")
    assert (event.actor, event.pupil_id, event.details) == (request.user, opp.pupil_id, {"role": "ib", "what": "draft"})
    family = rf.get("/")
    family.user = parent_of(opp.pupil)
    record_plan_read(request=family, opp=opp, what="family_plan", version=1)
    event = AuditEvent.objects.filter(action="opp.viewed").first()
    assert event.on_behalf_of == f"user:{family.user.pk}"
    assert event.details == {"role": "parent", "what": "family_plan", "version": 1}


def _statements_of(call) -> list[str]:
    seen: list[str] = []

    def keep(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        call()
    return seen


def _read_event(**extra):
    from opp_portal.audit.service import record_read

    enrolment, actor = EnrolmentFactory(), UserFactory()

    def read():
        return record_read(actor=actor, action=Action.OPP_VIEWED, obj=enrolment.pupil, pupil_id=enrolment.pupil_id,
                           details={"role": "ib"}, **extra)

    return read


@pytest.mark.django_db(transaction=True)
def test_a_read_of_its_own_commits_without_waiting_for_the_disk_and_the_connection_waits_again_after(postgresql):
    read = _read_event()
    [statement] = _statements_of(lambda: read.__setattr__("event", read()))  # one round trip, its own transaction
    assert statement.startswith('INSERT INTO "audit_auditevent"')
    assert "set_config('synchronous_commit', 'off', true)" in statement
    stored = AuditEvent.objects.get(action="opp.viewed")  # committed, with what `record` would have stored
    assert (stored.pk, stored.uuid, stored.at, stored.actor_id, stored.details, stored.object_type) == (
        read.event.pk, read.event.uuid, read.event.at, read.event.actor_id, {"role": "ib"}, "schools.pupil")
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"  # the setting ended with the read's own transaction


@pytest.mark.django_db(transaction=True)
def test_a_read_inside_a_transaction_with_writes_leaves_that_transaction_durable(postgresql):
    read = _read_event()

    def write_then_read():
        with transaction.atomic():
            record(actor=None, action=Action.PUPIL_UPDATED, obj=SchoolFactory(), details={})
            read()

    assert not any("synchronous_commit" in sql for sql in _statements_of(write_then_read))  # joined the writes
    assert AuditEvent.objects.filter(action="opp.viewed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_reads_wait_for_the_disk_when_the_setting_asks_for_it(postgresql, settings):
    settings.OPP_AUDIT_READS_WAIT_FOR_DISK = True
    assert not any("synchronous_commit" in sql for sql in _statements_of(_read_event()))
    assert AuditEvent.objects.filter(action="opp.viewed").count() == 1


def test_a_write_cannot_be_recorded_as_a_read():
    from opp_portal.audit.service import record_read

    with pytest.raises(ValueError, match="not a read"):
        record_read(actor=None, action=Action.PUPIL_UPDATED, obj=SchoolFactory())
    assert not AuditEvent.objects.filter(action="pupil.updated").exists()
