"""A batch's records (the exported and the held-back periods) on their way from phase 1 to phase 2 of a build.

Phase 1 writes them to two temporary files in PostgreSQL's COPY text format, one line per record; phase 2 loads
each file with one `COPY ... FROM STDIN` inside its transaction. Before, every record went through `json.dumps`,
`json.loads`, a model instance and `bulk_create`: half of the time of a 100,000-period export, for rows that
PostgreSQL can take as they are. Other databases (SQLite in development) read the same files back into model
instances.
"""

import re
from pathlib import Path
from typing import Self

from django.db import connection

from .models import ExportedPeriod, HeldBackRecord
from .validation import Period, first_code, reason_text

PERIOD_FIELDS = ("batch", "opp_key", "opp_uuid", "pupil_uuid", "school", "enrolment_key", "brin", "vestiging",
                 "sequence_number", "bsn", "onderwijsnummer", "begin", "end", "mutatie")
HELD_FIELDS = ("batch", "opp_key", "pupil_uuid", "school", "sequence_number", "begin", "end", "code", "reason")
NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")
_UNESCAPE = re.compile(r"\\(.)")
_UNESCAPED = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
LOAD_CHUNK = 1000  # records per bulk_create where COPY is not available
COPY_BLOCK = 1 << 20


def _text(value: str) -> str:
    return value.translate(_ESCAPES)


def _day(value) -> str:
    return value.isoformat() if value is not None else NULL


class RecordWriter:
    """The two record files of one batch, written line by line during phase 1."""

    def __init__(self, folder: Path, batch_id: int):
        self.paths = {"periods": folder / "periods.copy", "held": folder / "held.copy"}
        self._batch = str(batch_id)
        # Open for the writer's lifetime (phase 1), closed by close() / the with statement.
        self._periods = open(self.paths["periods"], "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._held = open(self.paths["held"], "w", encoding="utf-8", newline="")  # noqa: SIM115

    def period(self, p: Period) -> None:
        texts: tuple[str, ...] = (p.brin, p.vestiging, p.sequence_number, p.bsn, p.onderwijsnummer)
        if _NEEDS_ESCAPE.search("".join(texts)):
            texts = tuple(_text(t) for t in texts)
        self._periods.write("\t".join((
            self._batch, str(p.opp_key), str(p.opp_uuid), str(p.pupil_uuid), str(p.school_id), str(p.enrolment_key),
            *texts, _day(p.begin), _day(p.end), p.mutatie,
        )) + "\n")

    def held(self, p: Period) -> None:
        self._held.write("\t".join((
            self._batch, str(p.opp_key), str(p.pupil_uuid), str(p.school_id), _text(p.sequence_number),
            _day(p.begin), _day(p.end), first_code(p), _text(reason_text(p)),
        )) + "\n")

    def close(self) -> None:
        self._periods.close()
        self._held.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def load(paths: dict[str, Path]) -> None:
    """Phase 2: store both files' records; inside the caller's transaction."""
    for model, fields, path in ((ExportedPeriod, PERIOD_FIELDS, paths["periods"]),
                                (HeldBackRecord, HELD_FIELDS, paths["held"])):
        if connection.vendor == "postgresql":
            _copy(model, fields, path)
        else:
            _bulk_create(model, fields, path)


def _copy(model, fields: tuple[str, ...], path: Path) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(statement) as copy, \
            open(path, "rb") as fh:
        while block := fh.read(COPY_BLOCK):
            copy.write(block)


def _value(field: str):
    return None if field == NULL else _UNESCAPE.sub(lambda m: _UNESCAPED.get(m.group(1), m.group(1)), field)


def read_lines(path: Path, fields: tuple[str, ...]):
    """The records of a file as dicts of model field values (attnames for the foreign keys)."""
    names = [f"{name}_id" if name in ("batch", "school") else name for name in fields]
    with open(path, encoding="utf-8", newline="") as fh:
        for line in fh:
            yield dict(zip(names, (_value(field) for field in line.rstrip("\n").split("\t"))))


def _bulk_create(model, fields: tuple[str, ...], path: Path) -> None:
    chunk = []
    for values in read_lines(path, fields):
        chunk.append(model(**values))
        if len(chunk) >= LOAD_CHUNK:
            model.objects.bulk_create(chunk)
            chunk = []
    if chunk:
        model.objects.bulk_create(chunk)
