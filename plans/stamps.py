"""A number per school that changes whenever anything a school's overview shows may have changed, kept by
PostgreSQL itself (issue 12).

The leader's overview reads every plan of the school with the records that decide its deadlines and its
readiness (versions, OOGO, hearings, the commissie's advice, requests, recipients, decisions, unreachable
guardians, evaluations, pupils, their guardianships and enrolments, the ib's name). Computed on every visit that
was 9 ms of PostgreSQL for a school of 1,000 plans. The overview keeps what it showed in the cache under this
number (`plans.overview_cache`), so a visit with nothing changed reads one number instead.

The number must change with every write that could change the overview, on every path a row takes (the
services, the import's COPY, a transfer's merge, the admin, raw SQL): so no Python keeps it. A trigger per
statement on each of those tables adds one to the number of every school whose plans the changed rows belong
to, in the writing transaction: the new number becomes visible exactly when the change does. A test holds the
list of tables to every table the cached queries read (`tests/plans/test_overview_cache.py`).

Two writes at one school wait for each other on the school's number until the first commits (milliseconds for a
service; a pupil import holds it for its seconds). Each statement takes its schools' numbers in school order.

SQLite (`make run`, the quick test run) has no such triggers: the overview is not cached there.
"""

from django.db import connections, migrations

TABLE = "plans_schoolstamp"

FUNCTION = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (school_id bigint PRIMARY KEY, number bigint NOT NULL);
-- No foreign key: a school's plans are deleted with the school, and their triggers still write its number.
CREATE OR REPLACE FUNCTION plans_stamp_schools(school_ids bigint[]) RETURNS void AS $$
    INSERT INTO {TABLE} (school_id, number)
    SELECT DISTINCT school_id, 1 FROM unnest(school_ids) AS school_id WHERE school_id IS NOT NULL ORDER BY 1
    ON CONFLICT (school_id) DO UPDATE SET number = {TABLE}.number + 1;
$$ LANGUAGE sql;
"""

# The schools whose overview a changed row of each table may change; `{rows}` is the statement's new or old
# rows. A plan's school, through what the row belongs to.
_PLAN_SCHOOL = "SELECT o.school_id FROM plans_opp o WHERE o.id IN (SELECT opp_id FROM {rows})"
_VERSION_SCHOOL = ("SELECT o.school_id FROM plans_oppversion v JOIN plans_opp o ON o.id = v.opp_id "
                   "WHERE v.id IN (SELECT version_id FROM {rows})")
_REQUEST_SCHOOL = ("SELECT o.school_id FROM consent_instemmingrequest r JOIN plans_oppversion v ON v.id = r.version_id "
                   "JOIN plans_opp o ON o.id = v.opp_id WHERE r.id IN (SELECT request_id FROM {rows})")
_RECIPIENT_SCHOOL = ("SELECT o.school_id FROM consent_instemmingrecipient t "
                     "JOIN consent_instemmingrequest r ON r.id = t.request_id "
                     "JOIN plans_oppversion v ON v.id = r.version_id JOIN plans_opp o ON o.id = v.opp_id "
                     "WHERE t.id IN (SELECT recipient_id FROM {rows})")
_PUPIL_PLANS = "SELECT o.school_id FROM plans_opp o WHERE o.pupil_id IN (SELECT {column} FROM {rows})"

PLANS_TABLES = {
    "plans_opp": "SELECT school_id FROM {rows}",
    "plans_oppversion": _PLAN_SCHOOL,
    "plans_evaluation": _PLAN_SCHOOL,
    "plans_commissieadvice": _PLAN_SCHOOL,
}
SCHOOLS_TABLES = {
    "schools_school": "SELECT id FROM {rows}",
    "schools_pupil": _PUPIL_PLANS.replace("{column}", "id"),
    "schools_guardianship": _PUPIL_PLANS.replace("{column}", "pupil_id"),
    "schools_enrolment": "SELECT school_id FROM {rows} UNION ALL " + _PUPIL_PLANS.replace("{column}", "pupil_id"),
    # The ib's name and address on the rows: only a change of those, not a sign-in's `last_login`.
    "schools_user": "SELECT o.school_id FROM plans_opp o WHERE o.created_by_id IN (SELECT id FROM {rows})",
}
CONSENT_TABLES = {
    "consent_oogomeeting": _PLAN_SCHOOL,
    "consent_hearing": _PLAN_SCHOOL,
    "consent_instemmingrequest": _VERSION_SCHOOL,
    "consent_instemmingrecipient": _REQUEST_SCHOOL,
    "consent_instemmingdecision": _VERSION_SCHOOL,
    "consent_unreachability": _RECIPIENT_SCHOOL,
}
# Where an update counts only when some columns changed: schools_user's name and address (not `last_login`).
_ON_UPDATE = {
    "schools_user": ("SELECT o.school_id FROM plans_opp o WHERE o.created_by_id IN (SELECT n.id FROM new_rows n "
                     "JOIN old_rows p ON p.id = n.id "
                     "WHERE (n.full_name, n.email) IS DISTINCT FROM (p.full_name, p.email))"),
}


def _triggers(table: str, schools: str) -> str:
    function = f"{table}_stamp"
    changed = _ON_UPDATE.get(table) or (f"{schools.format(rows='new_rows')} UNION ALL "
                                        f"{schools.format(rows='old_rows')}")
    update = f"PERFORM plans_stamp_schools(ARRAY({changed}));"
    return f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM plans_stamp_schools(ARRAY({schools.format(rows='new_rows')}));
    ELSIF TG_OP = 'UPDATE' THEN
        {update}
    ELSE
        PERFORM plans_stamp_schools(ARRAY({schools.format(rows='old_rows')}));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {function}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {function}_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {function}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""


def _drop(table: str) -> str:
    function = f"{table}_stamp"
    return "".join(f"DROP TRIGGER IF EXISTS {function}_{event} ON {table};\n"
                   for event in ("insert", "update", "delete")) + f"DROP FUNCTION IF EXISTS {function}();\n"


def stamp_triggers(tables: dict[str, str], *, with_function: bool = False) -> migrations.RunPython:
    """A migration operation adding the triggers of `tables` (PostgreSQL only); `with_function` also the table of
    numbers and the function that counts (the first such migration)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            if with_function:
                schema_editor.execute(FUNCTION)
            for table, schools in tables.items():
                schema_editor.execute(_triggers(table, schools))

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for table in tables:
                schema_editor.execute(_drop(table))
            if with_function:
                schema_editor.execute(f"DROP FUNCTION IF EXISTS plans_stamp_schools(bigint[]); DROP TABLE {TABLE};")

    return migrations.RunPython(forwards, backwards)


def stamped_tables() -> set[str]:
    """Every table whose writes change a school's number."""
    return {*PLANS_TABLES, *SCHOOLS_TABLES, *CONSENT_TABLES}


def school_stamp(school_id: int, using: str = "default") -> int | None:
    """The school's number now (0 before its first change); None where no trigger keeps it (not PostgreSQL)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {TABLE} WHERE school_id = %s", [school_id])
        row = cursor.fetchone()
    return int(row[0]) if row else 0
