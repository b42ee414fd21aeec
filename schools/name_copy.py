"""The pupil's name beside each of their enrolments (`Enrolment.pupil_last_name`, `pupil_first_name`), kept by
PostgreSQL itself.

The staff's pupil list sorts a school's pupils by name; with the name only on the pupil, PostgreSQL fetched
every pupil of the school to sort them for a page of fifty. With the name beside the enrolment an index per
school gives the page in order (issue 12). A copy that can go stale would show a renamed pupil out of order or on
the wrong page, so no Python writes it: triggers do, on every path a row takes (the ORM, the import's COPY, the
transfer's merge, raw SQL, the admin):

- an enrolment takes its pupil's name whenever it is inserted or updated, whatever the statement set it to;
- a pupil's insert or change of name is copied onto their enrolments.

SQLite (`make run`, the quick test run) has no triggers here: the columns stay NULL there and the list sorts the
pupils themselves (`schools.views.pupils`).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION schools_enrolment_pupil_name() RETURNS trigger AS $$
BEGIN
    SELECT last_name, first_name INTO NEW.pupil_last_name, NEW.pupil_first_name
      FROM schools_pupil WHERE id = NEW.pupil_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER schools_enrolment_pupil_name BEFORE INSERT OR UPDATE ON schools_enrolment
    FOR EACH ROW EXECUTE FUNCTION schools_enrolment_pupil_name();

-- An insert too: the foreign key is checked at commit, so an enrolment may be written before its pupil.
CREATE OR REPLACE FUNCTION schools_pupil_name_to_enrolments() RETURNS trigger AS $$
BEGIN
    UPDATE schools_enrolment SET pupil_last_name = NEW.last_name, pupil_first_name = NEW.first_name
     WHERE pupil_id = NEW.id
       AND (pupil_last_name, pupil_first_name) IS DISTINCT FROM (NEW.last_name, NEW.first_name);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER schools_pupil_name_to_enrolments AFTER INSERT OR UPDATE OF last_name, first_name
    ON schools_pupil FOR EACH ROW EXECUTE FUNCTION schools_pupil_name_to_enrolments();
"""

# The triggers exist before the copy is filled: from here on no pupil's rename can slip between the two.
FILL = """
UPDATE schools_enrolment SET pupil_last_name = p.last_name, pupil_first_name = p.first_name
  FROM schools_pupil p WHERE p.id = schools_enrolment.pupil_id
"""

DROP = """
DROP TRIGGER IF EXISTS schools_pupil_name_to_enrolments ON schools_pupil;
DROP FUNCTION IF EXISTS schools_pupil_name_to_enrolments();
DROP TRIGGER IF EXISTS schools_enrolment_pupil_name ON schools_enrolment;
DROP FUNCTION IF EXISTS schools_enrolment_pupil_name();
"""


def database_name_copy() -> migrations.RunPython:
    """A migration operation adding the triggers and filling the copy (PostgreSQL only)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(CREATE)
            schema_editor.execute(FILL)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(DROP)

    return migrations.RunPython(forwards, backwards)
