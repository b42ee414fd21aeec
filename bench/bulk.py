"""Bulk inserts for the benchmark's datasets: PostgreSQL COPY with ids handed out here.

The ORM would take most of an hour for half a million pupils and their plans; COPY writes them in minutes.
Columns come from the models' metadata, not from hand-written SQL, so a field another branch adds with a
default is filled with that default; a new required field without one stops the build with its name.
"""

import datetime
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence

from django.db import connection, models
from django.db.models import NOT_PROVIDED, Max

_BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


class DatasetError(Exception):
    """The dataset cannot be built as asked (a field without a value, a name range that ran out)."""


def bsns(start: int) -> Iterator[str]:
    """Nine-digit BSNs passing the elfproef, in order from the eight-digit prefix `start`; each prefix gives
    at most one, so the numbers are unique as long as callers use separate prefix ranges."""
    prefix = start
    while prefix < 100_000_000:
        digits = f"{prefix:08d}"
        rest = sum(int(d) * w for d, w in zip(digits, _BSN_WEIGHTS)) % 11
        # The ninth digit weighs -1: the sum is divisible by 11 when the last digit equals the rest.
        if rest < 10 and digits != "00000000":
            yield digits + str(rest)
        prefix += 1
    raise DatasetError("BSN range exhausted")


class Table:
    """How to write rows of one model: the given columns in order, every other column from its default."""

    def __init__(self, model: type[models.Model], names: Sequence[str], *, now: datetime.datetime):
        meta = model._meta
        self.model = model
        given = [meta.get_field(name) for name in names]
        given_columns = {f.column for f in given}
        self._json_positions = [i for i, f in enumerate(given) if isinstance(f, models.JSONField)]
        fresh_uuids: list[str] = []
        constants: list[tuple[str, object]] = []
        for field in meta.concrete_fields:
            if field.column in given_columns:
                continue
            if field.db_default is not NOT_PROVIDED or (field.primary_key and field.db_returning):
                continue  # the database fills it in (a default, or the identity column of an id not given)
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                constants.append((field.column, now))
            elif isinstance(field, models.UUIDField) and field.default is uuid.uuid4:
                fresh_uuids.append(field.column)
            elif field.has_default():
                constants.append((field.column, _db_value(field, field.get_default())))
            elif field.null:
                constants.append((field.column, None))
            elif field.blank and field.empty_strings_allowed:
                constants.append((field.column, ""))
            else:
                raise DatasetError(f"bench: {meta.label}.{field.name} has no default; give it a value in bench/")
        self.columns = [f.column for f in given] + fresh_uuids + [c for c, _v in constants]
        self._fresh = len(fresh_uuids)
        self._constants = tuple(v for _c, v in constants)
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        self.sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({quoted}) FROM STDIN"

    def full_row(self, values: Sequence) -> tuple:
        if self._json_positions:
            values = list(values)
            for i in self._json_positions:
                if values[i] is not None and not isinstance(values[i], str):
                    values[i] = json.dumps(values[i], ensure_ascii=False)
        if self._fresh:
            return (*values, *(uuid.uuid4() for _ in range(self._fresh)), *self._constants)
        return (*values, *self._constants)


def _db_value(field: models.Field, value):
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    return value


class Loader:
    """Writes rows with COPY and hands out primary keys; `finish()` moves the sequences past them."""

    def __init__(self, *, now: datetime.datetime):
        if connection.vendor != "postgresql":
            raise DatasetError("the benchmark's datasets are written with PostgreSQL COPY")
        self.now = now
        self._next: dict[type[models.Model], int] = {}
        self._tables: dict[tuple, Table] = {}
        self.counts: dict[str, int] = {}

    def ids(self, model: type[models.Model], n: int) -> range:
        """`n` fresh primary keys for `model`, above every existing one."""
        if model not in self._next:
            self._next[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        start = self._next[model]
        self._next[model] = start + n
        return range(start, start + n)

    def table(self, model: type[models.Model], names: Sequence[str]) -> Table:
        key = (model, tuple(names))
        if key not in self._tables:
            self._tables[key] = Table(model, names, now=self.now)
        return self._tables[key]

    def write(self, model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence]) -> int:
        table = self.table(model, names)
        n = 0
        with connection.cursor() as cursor, cursor.copy(table.sql) as copy:
            for row in rows:
                copy.write_row(table.full_row(row))
                n += 1
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + n
        return n

    def finish(self) -> None:
        """Move each sequence we wrote ids for past the highest id, so the ORM's inserts go on from there."""
        with connection.cursor() as cursor:
            for model in self._next:
                table, pk = model._meta.db_table, model._meta.pk.column
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST((SELECT MAX({pk}) FROM {table}), 1))",
                    [table, pk],
                )
        self._next.clear()
