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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cmp_to_key
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .replay import Replayed


@dataclass(frozen=True)
class _Part:
    """What reading one part's rows needs besides the SQL: its model and the order its queryset asked for."""

    name: str
    model: type[models.Model]
    order: tuple[tuple[str, bool], ...]  # (attname, descending)


@dataclass(frozen=True)
class Layout:
    """How to read the rows of a compiled union: its parts in order and the database (`fetch_together`)."""

    parts: tuple[_Part, ...]
    using: str = "default"


@dataclass(frozen=True)
class Together:
    """The compiled `UNION ALL` of some parts: the SQL ("" when every part is empty), its parameters, the layout."""

    sql: str
    params: list
    layout: Layout


def compile_together(parts: dict[str, QuerySet]) -> Together:
    """The one query of `read_together`, without running it."""
    selects: list[str] = []
    params: list = []
    db = "default"
    layout = []
    for name, qs in parts.items():
        db = qs.db
        layout.append(_Part(name, qs.model, _order_of(qs)))
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
    return Together(" UNION ALL ".join(selects), params, Layout(tuple(layout), db))


def fetch_together(sql: str, params: Sequence, layout: Layout) -> dict[str, list[Any]]:
    """Run a compiled `UNION ALL` (`compile_together`) and give back each part's instances in its order."""
    parts, db = layout.parts, layout.using
    found: dict[str, list[Any]] = {part.name: [] for part in parts}
    if not sql:
        return found
    vendor = connections[db].vendor
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    models_by_name = {part.name: part.model for part in parts}
    for name, row in rows:
        if isinstance(row, str):
            row = json.loads(row)
        model = models_by_name[name]
        fields = model._meta.concrete_fields
        values = [_python(f, row.get(f"c{i}"), vendor) for i, f in enumerate(fields)]
        found[name].append(model.from_db(db, [f.attname for f in fields], values))
    for part in parts:
        found[part.name] = _ordered(found[part.name], part.order)
    return found


def read_together(parts: dict[str, QuerySet]) -> dict[str, list[Any]]:
    """The instances of every queryset in `parts`, by name, in one query (none when `parts` is empty)."""
    together = compile_together(parts)
    return fetch_together(together.sql, together.params, together.layout)


def read_together_replayed(replayed: Replayed, build: Callable[..., dict[str, QuerySet]], valid_for: tuple = (),
                           **values: Any) -> dict[str, list[Any]]:
    """`read_together(build(**values))`, with the union compiled once per process (`opp_portal.replay`): the
    parts are built only when the query cannot be replayed. `build` must make the parts from `values` and
    `valid_for` alone (nothing about the user or the request that is not among them)."""

    def compiled(**stand_ins: Any) -> tuple[str, list, Layout]:
        together = compile_together(build(**stand_ins))
        return together.sql, together.params, together.layout

    replay = replayed.replay(compiled, valid_for, **values)
    if replay is None:
        return read_together(build(**values))
    sql, params, layout = replay
    return fetch_together(sql, params, layout)


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


def _order_of(qs: QuerySet) -> tuple[tuple[str, bool], ...]:
    """The order `qs` would return its rows in (its `order_by`, else its model's ordering), as (attname, descending)."""
    ordering = list(qs.query.order_by) or list(qs.model._meta.ordering or [])
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
    return tuple(keys)


def _ordered(items: list, keys: tuple[tuple[str, bool], ...]) -> list:
    """`items` in the order of `keys` (`_order_of`)."""
    if not keys:
        return items

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
