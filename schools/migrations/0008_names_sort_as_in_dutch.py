"""Names sort as a Dutch reader expects: "Çelik" with the C, "Özdemir" with the O, "de Zwart" (a prefix typed into
the surname) with the D, whatever the database's own collation. The servers this portal runs on are created with
the C collation (byte order), which put every accented or lower-case name after the Z.

PostgreSQL's ICU collation "nl-x-icu" on the name columns the lists sort by: the pupil's and the guardian's names
and the copy of the pupil's name beside each enrolment (`schools.name_copy`), so every ORDER BY on them, and the
pupil list's index, use it. Equality and LIKE are unchanged (it is a deterministic collation). SQLite (`make run`)
keeps its own order; the fields do not declare the collation because SQLite does not know it.
`tests/schools/test_name_order.py` checks the columns keep it (a later AlterField would drop it).
"""

from django.db import migrations

from schools import name_copy

COLLATION = "nl-x-icu"
COLUMNS = (
    ("schools_pupil", "first_name", 100),
    ("schools_pupil", "last_name", 100),
    ("schools_guardian", "first_name", 100),
    ("schools_guardian", "last_name", 100),
    ("schools_enrolment", "pupil_first_name", 100),
    ("schools_enrolment", "pupil_last_name", 100),
)


def _collate(collation: str):
    def change(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        # The name copy's trigger names the pupil's name columns: PostgreSQL changes them only without it.
        schema_editor.execute(name_copy.DROP)
        for table, column, length in COLUMNS:
            schema_editor.execute(
                f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE varchar({length}) COLLATE "{collation}"')
        schema_editor.execute(name_copy.CREATE)

    return change


class Migration(migrations.Migration):

    dependencies = [
        ("schools", "0007_enrolment_pupil_name_copy"),
    ]

    operations = [
        migrations.RunPython(_collate(COLLATION), _collate("default")),
    ]
