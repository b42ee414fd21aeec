from django.db import migrations

from plans.stamps import CONSENT_TABLES, stamp_triggers


class Migration(migrations.Migration):
    """The consent records' part of the schools' numbers (`plans.stamps`)."""

    dependencies = [
        ('consent', '0003_reaching_every_family'),
        ('plans', '0008_school_stamps'),
    ]

    operations = [
        stamp_triggers(CONSENT_TABLES),
    ]
