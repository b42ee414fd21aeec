"""On PostgreSQL the database itself refuses to change or delete an audit event,
so not even a raw query or a careless data fix can rewrite the trail."""

from django.db import migrations

from opp_portal.append_only import database_guard


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [database_guard("audit_auditevent")]
