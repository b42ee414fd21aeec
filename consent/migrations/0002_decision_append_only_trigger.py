"""On PostgreSQL the database itself refuses to change or delete an instemming decision,
so not even a raw query or a careless data fix can rewrite what a parent decided."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION consent_instemmingdecision_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'instemming decisions are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER consent_instemmingdecision_append_only
    BEFORE UPDATE OR DELETE ON consent_instemmingdecision
    FOR EACH ROW EXECUTE FUNCTION consent_instemmingdecision_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS consent_instemmingdecision_append_only ON consent_instemmingdecision;
DROP FUNCTION IF EXISTS consent_instemmingdecision_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
