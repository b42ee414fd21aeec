"""On PostgreSQL the database itself refuses to change or delete a frozen OPP version,
so not even a raw query can rewrite what the parents agreed to."""

from django.db import migrations

from opp_portal.append_only import database_guard


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_seed_uitstroom_options")]

    operations = [database_guard("plans_oppversion")]
