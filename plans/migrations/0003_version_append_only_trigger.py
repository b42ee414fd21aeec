"""On PostgreSQL the database itself refuses to change or delete a frozen OPP version,
so not even a raw query can rewrite what the parents agreed to."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION plans_oppversion_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'OPP versions are immutable';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER plans_oppversion_immutable
    BEFORE UPDATE OR DELETE ON plans_oppversion
    FOR EACH ROW EXECUTE FUNCTION plans_oppversion_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS plans_oppversion_immutable ON plans_oppversion;
DROP FUNCTION IF EXISTS plans_oppversion_immutable();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_seed_uitstroom_options")]

    operations = [migrations.RunPython(forwards, backwards)]
