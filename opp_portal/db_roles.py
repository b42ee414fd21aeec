"""Two PostgreSQL roles: the owner runs migrations, the application runs as a role that may only read and write rows.

The append-only triggers refuse UPDATE and DELETE on the evidence tables (the audit trail, frozen OPP versions,
instemming decisions), but a role that owns a table may disable or drop its triggers and TRUNCATE it. So the
web and the workers connect as a runtime role that owns nothing: it gets SELECT, INSERT, UPDATE and DELETE on
the tables, only SELECT and INSERT on the evidence tables, and never TRUNCATE, TRIGGER or REFERENCES.
`manage.py grant_runtime_role ROLE`, run by the owner after every migration, applies exactly that.
"""

from django.apps import apps
from django.db import connection

from opp_portal.append_only import AppendOnlyModel


def evidence_tables() -> list[str]:
    """Every table whose rows are evidence: the models that are append-only."""
    return sorted(m._meta.db_table for m in apps.get_models() if issubclass(m, AppendOnlyModel))


def runtime_grants(role: str, *, schema: str = "public") -> list[str]:
    """The statements that give `role` the runtime rights on every table now in `schema` (idempotent)."""
    quote = connection.ops.quote_name
    r, s = quote(role), quote(schema)
    statements = [
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"REVOKE CREATE ON SCHEMA {s} FROM {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {s} FROM {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
    ]
    statements += [f"REVOKE UPDATE, DELETE ON {s}.{quote(table)} FROM {r}" for table in evidence_tables()]
    return statements
