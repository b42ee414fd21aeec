"""The runtime database role reads and writes rows, and cannot erase or rewrite the evidence (item 6)."""

import secrets

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from opp_portal.db_roles import evidence_tables, runtime_grants
from tests.conftest import require_or_skip

pytestmark = pytest.mark.django_db

EVIDENCE = ("audit_auditevent", "plans_oppversion", "consent_instemmingdecision")


def _params(**overrides) -> dict:
    s = connection.settings_dict
    params = {"host": s["HOST"] or "127.0.0.1", "port": s["PORT"] or 5432, "dbname": s["NAME"],
              "user": s["USER"], "password": s["PASSWORD"] or None, "autocommit": True}
    params.update(overrides)
    return params


@pytest.fixture
def runtime_role():
    """A runtime role on the test database, set up as docker-compose sets up `opp_app`, and dropped afterwards.

    Roles belong to the whole cluster, so the name is unique to this run.
    """
    require_or_skip(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    role, password = f"opp_runtime_test_{secrets.token_hex(4)}", secrets.token_hex(16)
    with psycopg.connect(**_params()) as owner:
        owner.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}'")  # hex: nothing to escape
        owner.execute(f'GRANT CONNECT ON DATABASE "{connection.settings_dict["NAME"]}" TO "{role}"')
        for statement in runtime_grants(role):
            owner.execute(statement)
    try:
        with psycopg.connect(**_params(user=role, password=password, autocommit=False)) as runtime:
            yield runtime
    finally:
        with psycopg.connect(**_params()) as owner:
            owner.execute(f'DROP OWNED BY "{role}"')
            owner.execute(f'DROP ROLE "{role}"')


def refused(runtime, sql: str) -> bool:
    try:
        runtime.execute(sql)
    except psycopg.Error:
        runtime.rollback()
        return True
    runtime.rollback()
    return False


def test_the_evidence_tables_are_the_append_only_models():
    assert set(EVIDENCE) <= set(evidence_tables())


@pytest.mark.parametrize("table", EVIDENCE)
def test_the_runtime_role_cannot_erase_or_rewrite_evidence(runtime_role, table):
    runtime = runtime_role
    assert refused(runtime, f"TRUNCATE {table}")
    assert refused(runtime, f"TRUNCATE {table} CASCADE")
    assert refused(runtime, f"UPDATE {table} SET id = id")
    assert refused(runtime, f"DELETE FROM {table}")
    assert refused(runtime, f"ALTER TABLE {table} DISABLE TRIGGER ALL")
    assert refused(runtime, f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
    assert refused(runtime, f"DROP TRIGGER {table}_append_only ON {table}")
    assert refused(runtime, f"DROP TABLE {table}")
    assert refused(runtime, f"ALTER TABLE {table} OWNER TO CURRENT_USER")
    assert refused(runtime, "SET session_replication_role = replica")
    assert refused(runtime, f"CREATE TRIGGER evil BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION "
                            f"{table}_append_only()")


def test_the_runtime_role_cannot_replace_the_trigger_function(runtime_role):
    assert refused(runtime_role, "CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS "
                                 "$$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql")


def test_the_runtime_role_still_reads_and_writes_rows_and_appends_evidence(runtime_role):
    runtime = runtime_role
    assert not refused(runtime, "SELECT count(*) FROM schools_pupil")
    assert not refused(runtime, "UPDATE schools_pupil SET first_name = first_name WHERE false")
    assert not refused(runtime, "DELETE FROM schools_guardianship WHERE false")
    assert not refused(runtime, "INSERT INTO audit_auditevent (uuid, at, on_behalf_of, action, object_type, object_id, "
                                "details) VALUES (gen_random_uuid(), now(), '', 'test', 'x', '1', '{}')")
    assert not refused(runtime, "SELECT * FROM plans_oppversion LIMIT 1")
    assert refused(runtime, "TRUNCATE schools_pupil")
    assert refused(runtime, "CREATE TABLE public.sneaky (id int)")


def test_the_command_gives_the_runtime_role_exactly_these_rights():
    require_or_skip(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    role = f"opp_runtime_test_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}"')  # inside the test's transaction: gone when it rolls back
    call_command("grant_runtime_role", role)
    with connection.cursor() as cursor:
        def may(table, right):
            cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [role, table, right])
            return cursor.fetchone()[0]

        for table in EVIDENCE:
            assert may(table, "SELECT") and may(table, "INSERT")
            assert not any(may(table, right) for right in ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER"))
        assert all(may("schools_pupil", right) for right in ("SELECT", "INSERT", "UPDATE", "DELETE"))
        assert not may("schools_pupil", "TRUNCATE")
