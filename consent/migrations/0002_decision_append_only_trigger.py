"""On PostgreSQL the database itself refuses to change or delete an instemming decision,
so not even a raw query or a careless data fix can rewrite what a parent decided."""

from django.db import migrations

from opp_portal.append_only import database_guard


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [database_guard("consent_instemmingdecision")]
