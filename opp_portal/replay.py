"""A query whose SQL is built and compiled once per process, then asked again with new values (issue 12).

Some pages ask the same big query on every request with a few values changed: the overview's sections for
another school, the objections of another school's plans. Building those querysets and compiling them cost
more CPU than PostgreSQL spends answering them (8 ms against 1 ms for the overview's sections). `Replayed`
compiles the query once and, on later requests, puts the new values into the same SQL.

Which parameter is which value is found out, not assumed: the query is built twice, with two different stand-in
values for every variable. The SQL must come out the same, and every parameter must either be the same in both
(a constant: part of the query) or be the stand-in of one variable in each (a slot for that variable). A
parameter that is neither was worked out from a variable (a date computed from it, say): then the query cannot
be replayed and `sql` answers None, so the caller builds it as before. So a query can never be replayed with a
value from another request baked in.

A build that reads the database is refused too (it would read the same nothing for both stand-ins).

What the query is built from besides the variables (the day, the registered rules, the answers of other apps)
is the `valid_for` key: another key compiles the query again. A build must not read the clock more finely than
its key does (a query built with "today" is keyed by the day).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from threading import Lock
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

try:
    from psycopg.types.json import Json, Jsonb
    _JSON: tuple[type, ...] = (Json, Jsonb)
except ImportError:  # SQLite only: no psycopg installed
    _JSON = ()

__all__ = ["Replayed", "one_array"]


def one_array(ids: list[int], using: str = "default") -> Any:
    """What `pk__in` is given for a list of ids in a replayed query. On PostgreSQL one array parameter, not one per
    id: the statement is the same for any number of ids (compiled and prepared once), and its generic plan does
    not compare each row with every one of `pk IN ($5, ..., $154)` (1 ms for the overview's 1,000 plans)."""
    if connections[using].vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return ids


@dataclass(frozen=True)
class _Compiled:
    valid_for: tuple
    sql: str | None  # None: this query cannot be replayed (built per request)
    # (is a variable, its name or the constant value, the type the ORM wrapped the variable's value in or None)
    slots: tuple[tuple[bool, Any, type | None], ...] = ()
    meta: Any = None  # what a build gives beside its SQL (how to read the rows), the same for every value


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, _JSON):  # psycopg's JSON parameters compare by identity; what they carry is `obj`
        return bool(getattr(a, "obj") == getattr(b, "obj"))  # noqa: B009
    return bool(a == b)


class Replayed:
    """One query, compiled once per `valid_for` key and process.

    `stand_ins` gives each variable two values no real request uses (a negative id, a date in 1901), of the
    type the real values have. `build(**values)` returns the queryset (or the (sql, params) pair) for those
    values.
    """

    def __init__(self, name: str, stand_ins: dict[str, tuple[Any, Any]], *, using: str = "default") -> None:
        for variable, (a, b) in stand_ins.items():
            if _same(a, b):
                raise ValueError(f"{name}: the two stand-ins of {variable!r} must differ")
        # A parameter is told apart by its stand-ins alone: two variables sharing one would swap their slots.
        every = [value for pair in stand_ins.values() for value in pair]
        if any(_same(x, y) for i, x in enumerate(every) for y in every[i + 1:]):
            raise ValueError(f"{name}: every stand-in must differ from every other")
        self.name = name
        self.stand_ins = stand_ins
        self.using = using
        self._compiled: _Compiled | None = None  # replaced whole, never changed in place
        self._lock = Lock()

    def sql(self, build: Callable[..., QuerySet | tuple[str, Sequence]], valid_for: tuple,
            **values: Any) -> tuple[str, list] | None:
        """The SQL and its parameters for `values`, or None when the query cannot be replayed. Only on PostgreSQL:
        elsewhere (the SQLite demo) rows read with a plain cursor lack the ORM's conversions (dates come as text),
        and speed does not matter there."""
        replay = self.replay(build, valid_for, **values)
        return None if replay is None else (replay[0], replay[1])

    def rows(self, build: Callable[..., QuerySet], valid_for: tuple, **values: Any) -> list[tuple]:
        """The rows of `build(**values)` (a `values_list` queryset): replayed where it can be, else built and run."""
        found = self.sql(build, valid_for, **values)
        if found is None:
            return [tuple(row) for row in build(**values)]
        with connections[self.using].cursor() as cursor:
            cursor.execute(*found)
            return cursor.fetchall()

    def replay(self, build: Callable[..., QuerySet | tuple], valid_for: tuple,
               **values: Any) -> tuple[str, list, Any] | None:
        """As `sql`, for a build that returns (sql, params, meta): also the meta (how to read the rows), which must
        come out equal for both stand-ins."""
        if connections[self.using].vendor != "postgresql":
            return None
        if set(values) != set(self.stand_ins):
            raise ValueError(f"{self.name}: asked with {sorted(values)}, compiled for {sorted(self.stand_ins)}")
        compiled = self._compiled
        if compiled is None or not _key_matches(compiled.valid_for, valid_for):
            with self._lock:
                compiled = self._compiled = self._compile(build, valid_for, values)
        if compiled.sql is None:
            return None
        return compiled.sql, _filled(compiled.slots, values), compiled.meta

    def _compile(self, build: Callable[..., QuerySet | tuple], valid_for: tuple, values: dict) -> _Compiled:
        try:
            # A build that reads the database (a list of ids worked out in Python, say) would read the same
            # nothing for both stand-ins, and that nothing would be replayed for every real value: refused.
            with connections[self.using].execute_wrapper(_no_queries):
                sql_a, params_a, meta_a = _sql_of(build(**{v: pair[0] for v, pair in self.stand_ins.items()}))
                sql_b, params_b, meta_b = _sql_of(build(**{v: pair[1] for v, pair in self.stand_ins.items()}))
                sql_real, params_real, meta_real = _sql_of(build(**values))
        except (EmptyResultSet, _ReadWhileBuilding):
            return _Compiled(valid_for, None)
        if sql_a != sql_b or len(params_a) != len(params_b) or meta_a != meta_b:
            return _Compiled(valid_for, None)
        slots: list[tuple[bool, Any, type | None]] = []
        for a, b in zip(params_a, params_b, strict=True):
            if _same(a, b):
                slots.append((False, a, None))
                continue
            variable = next((v for v, (x, y) in self.stand_ins.items() if _is(a, x) and _is(b, y)), None)
            if variable is None:  # worked out from a variable: cannot be put in later
                return _Compiled(valid_for, None)
            slots.append((True, variable, None if type(a) is type(self.stand_ins[variable][0]) else type(a)))
        # The ORM may fold a value into the SQL when both stand-ins say the same about it (an integer out of its
        # field's range matches nothing, so its condition is left out): a variable without a slot is refused, and
        # the query built with the first real values must be exactly the replayed one.
        if {value for is_variable, value, _wrapped in slots if is_variable} != set(self.stand_ins):
            return _Compiled(valid_for, None)
        replayed = _filled(tuple(slots), values)
        if (sql_real != sql_a or meta_real != meta_a or len(params_real) != len(replayed)
                or not all(_same(a, b) for a, b in zip(params_real, replayed, strict=True))):
            return _Compiled(valid_for, None)
        return _Compiled(valid_for, sql_a, tuple(slots), meta_a)

    def forget(self) -> None:
        """Compile again on the next request (tests that change what a query is built from)."""
        self._compiled = None


def _is(param: Any, stand_in: Any) -> bool:
    """Whether a parameter is this stand-in, as given or wrapped by the ORM in a subtype (psycopg's `Int4` for an
    integer field's value, say)."""
    if _same(param, stand_in):
        return True
    return type(param) is not type(stand_in) and isinstance(param, type(stand_in)) and param == stand_in


def _filled(slots: tuple, values: dict) -> list:
    return [(wrapped(values[value]) if wrapped else values[value]) if is_variable else value
            for is_variable, value, wrapped in slots]


class _ReadWhileBuilding(Exception):
    pass


def _no_queries(execute, sql, params, many, context):
    raise _ReadWhileBuilding(sql)


def _sql_of(built: QuerySet | tuple) -> tuple[str, list, Any]:
    if isinstance(built, QuerySet):
        compiled_sql, compiled_params = built.query.sql_with_params()
        return compiled_sql, list(compiled_params), None
    sql, params, *meta = built
    return sql, list(params), meta[0] if meta else None


def _key_matches(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(x is y or x == y for x, y in zip(a, b, strict=True))
