"""Several small record sets in one query (issue 12): a plan's page shows a handful of rows from each of many
tables (meetings, hearings, decisions, ...), and one query per table was most of its budget of queries.

`read_together({"meetings": qs1, "hearings": qs2})` runs the querysets as one `UNION ALL`, each row as a JSON
object of its model's own columns, and gives back, per name, the model instances in the queryset's own order.
Each queryset keeps its filters exactly as written (a rule's definition stays the one definition); what the
union cannot carry is left to the caller: related objects (link them from another part) and annotations.
Works on PostgreSQL and SQLite (where JSON, booleans and dates come back as text or numbers).
"""

import datetime
import json
import uuid
from decimal import Decimal
from functools import cmp_to_key
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime


def read_together(parts: dict[str, QuerySet]) -> dict[str, list[Any]]:
    """The instances of every queryset in `parts`, by name, in one query (none when `parts` is empty)."""
    found: dict[str, list[Any]] = {name: [] for name in parts}
    selects: list[str] = []
    params: list = []
    db = "default"
    for name, qs in parts.items():
        db = qs.db
        fields = qs.model._meta.concrete_fields
        # Each part is the queryset's own SQL (the model's columns, no ordering, nothing joined in), wrapped as
        # "name, its row as JSON". Written out rather than as a JSONObject annotation or through values_list:
        # those cost more CPU to build than the rows cost to read.
        query = qs.query.chain()
        query.clear_ordering(force=True)
        query.select_related = False
        if query.deferred_loading != (frozenset(), True):
            raise ValueError(f"read_together reads whole rows; {name!r} defers fields")
        try:
            sql, part_params = query.get_compiler(qs.db).as_sql()
        except EmptyResultSet:
            continue
        selects.append(f"SELECT %s, {_as_json(connections[qs.db], fields)} FROM ({sql}) AS part")
        params += [name, *part_params]
    if not selects:
        return found
    vendor = connections[db].vendor
    with connections[db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        rows = cursor.fetchall()
    for name, row in rows:
        if isinstance(row, str):
            row = json.loads(row)
        model = parts[name].model
        fields = model._meta.concrete_fields
        values = [_python(f, row.get(f"c{i}"), vendor) for i, f in enumerate(fields)]
        found[name].append(model.from_db(db, [f.attname for f in fields], values))
    for name, qs in parts.items():
        found[name] = _ordered(found[name], qs)
    return found


def _as_json(connection, fields) -> str:
    """The selected columns (`part`.<column>, in the order of `fields`) as one JSON object {"c0": ..., ...}."""
    pairs = ", ".join(f"'c{i}', part.{connection.ops.quote_name(f.column)}" for i, f in enumerate(fields))
    vendor = connection.vendor
    if vendor == "postgresql":
        return f"json_build_object({pairs})"
    if vendor == "sqlite":
        return f"json_object({pairs})"
    raise NotImplementedError(f"read_together does not know {vendor}")


def _python(field, value, vendor: str):
    """A column's value as the model holds it, from what the JSON object carried."""
    if value is None:
        return None
    if isinstance(field, models.ForeignKey):
        return _python(field.target_field, value, vendor)
    if isinstance(field, models.JSONField):
        # PostgreSQL nests the JSON itself; SQLite carries the stored text.
        return json.loads(value) if vendor == "sqlite" and isinstance(value, str) else value
    if isinstance(field, models.DateTimeField):
        moment = value if isinstance(value, datetime.datetime) else parse_datetime(str(value).replace(" ", "T", 1))
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment, datetime.UTC)
        return moment
    if isinstance(field, models.DateField):
        return parse_date(value) if isinstance(value, str) else value
    if isinstance(field, models.BooleanField):
        return bool(value)
    if isinstance(field, models.UUIDField):
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    if isinstance(field, models.DecimalField):
        return Decimal(str(value))
    if isinstance(field, models.FloatField):
        return float(value)
    if isinstance(field, models.IntegerField | models.AutoField):
        return int(value)
    return value


def _ordered(items: list, qs: QuerySet) -> list:
    """`items` in the order `qs` would have returned them (its `order_by`, else its model's ordering)."""
    ordering = list(qs.query.order_by) or list(qs.model._meta.ordering or [])
    if not ordering:
        return items
    keys = []
    for name in ordering:
        if not isinstance(name, str):
            raise ValueError(f"read_together orders by field names only, not {name!r}")
        descending = name.startswith("-")
        name = name.lstrip("-")
        field = qs.model._meta.pk if name == "pk" else qs.model._meta.get_field(name)
        if field.is_relation:  # the database would sort by the related model's ordering
            raise ValueError(f"read_together cannot order {qs.model.__name__} by the relation {name!r}")
        keys.append((field.attname, descending))

    def compare(a, b) -> int:
        for attname, descending in keys:
            x, y = getattr(a, attname), getattr(b, attname)
            if x == y:
                continue
            # As the database sorts: NULLs last ascending, first descending (PostgreSQL).
            if x is None or y is None:
                result = 1 if x is None else -1
            else:
                result = -1 if x < y else 1
            return -result if descending else result
        return 0

    return sorted(items, key=cmp_to_key(compare))
