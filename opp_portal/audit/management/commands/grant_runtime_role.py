"""`manage.py grant_runtime_role ROLE`: after migrating, give the application's runtime role its rights.

Run it as the owner role (the one that ran the migrations); see opp_portal/db_roles.py and the README.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from opp_portal.db_roles import evidence_tables, runtime_grants


class Command(BaseCommand):
    help = "Give the runtime database role row rights on every table, and only SELECT and INSERT on evidence."

    def add_arguments(self, parser):
        parser.add_argument("role", help="The PostgreSQL role the web and the workers connect as.")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist on PostgreSQL only.")
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in runtime_grants(role):
                cursor.execute(statement)
        self.stdout.write(f"{role}: rows of every table; evidence ({', '.join(evidence_tables())}) append-only.")
