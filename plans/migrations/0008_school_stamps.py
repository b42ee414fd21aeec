from django.db import migrations

from plans.stamps import PLANS_TABLES, SCHOOLS_TABLES, stamp_triggers


class Migration(migrations.Migration):
    """A number per school that every write to what its overview shows changes (`plans.stamps`)."""

    dependencies = [
        ('plans', '0007_opp_school_not_adopted'),
        ('schools', '0007_enrolment_pupil_name_copy'),
    ]

    operations = [
        stamp_triggers({**PLANS_TABLES, **SCHOOLS_TABLES}, with_function=True),
    ]
