"""Queries that PostgreSQL must plan for their own values, not by a prepared statement's generic plan (issue 12).

The portal prepares the statements it asks twice on a connection (`DB_PREPARE_THRESHOLD`, settings/base.py):
planning a plan's records or the overview's sections cost more than running them. After five executions
PostgreSQL may switch a prepared statement to a generic plan, made without the values, when its estimate looks no
worse. For a query filtered by one school that estimate is the average school (about 100 current enrolments in
the benchmark's 2,000 schools), and for 100 rows a sort looks cheaper than reading the school's name index in
order. At a school of 2,500 pupils the pupil list's page then sorted every pupil to show fifty: 3.8 ms instead of
0.2 (`EXPLAIN ANALYZE EXECUTE` with `plan_cache_mode = force_generic_plan`), depending on the sample the last
`ANALYZE` drew. Inside `planned_for_their_values` a statement is not prepared: PostgreSQL plans it for the real
school on every execution, which costs these small queries about 0.2 ms.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections

__all__ = ["planned_for_their_values"]


@contextmanager
def planned_for_their_values(using: str = "default") -> Iterator[None]:
    """Statements run inside are planned with their values each time (psycopg's `prepare_threshold = None` for
    this connection, restored afterwards). Elsewhere than on PostgreSQL there is nothing to change."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    before = raw.prepare_threshold
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = before
