"""Reading a pupil CSV exported by a school's administration system (LAS).

Pure: bytes in, checked rows out, no database. Every row is checked on its own
(`schools.pupil_rows`: required fields, dates, BSN elfproef, onderwijsnummer rule, guardians) and, here,
against the other rows (the same identifier or inschrijvingvolgnummer twice);
`schools.pupil_import` then checks the rows against the database and saves
them. A problem with the file as a whole raises `ImportFileError`; a problem
with a row is one of its `errors`, so every bad row can be shown at once.
The columns are documented in docs/pupil-import.md and on the import page
(`COLUMN_SPEC`).
"""

import codecs
import csv
import datetime
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .pupil_rows import (
    ALL_COLUMNS,
    COLUMN_SPEC,
    GUARDIAN_FIELDS,
    GUARDIAN_REQUIRED_FIELDS,
    GUARDIAN_SLOTS,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    GuardianRow,
    ImportRow,
    clean_row,
    parse_date,
)

__all__ = ["COLUMN_SPEC", "MAX_ROWS", "GuardianRow", "ImportFileError", "ImportRow", "decode", "line_list",
           "mark_duplicates", "parse_csv", "parse_date"]

_SEP_LINE = re.compile(r'"?sep=(.)"?', re.IGNORECASE)
_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _key(name: str) -> str:
    """Header names compare without case, spaces, underscores, hyphens and dots."""
    return re.sub(r"[\s_\-.]", "", name.strip().strip('"').lower())


_COLUMN_BY_KEY = {_key(c): c for c in ALL_COLUMNS} | {
    _key("inschrijvingsvolgnummer"): "inschrijvingvolgnummer",
    **{_key(f"ouder{n}_emailadres"): f"ouder{n}_email" for n in GUARDIAN_SLOTS},
}


class ImportFileError(Exception):
    """The file as a whole cannot be imported; `message` says why, in Dutch."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_csv(data: bytes, *, max_rows: int = MAX_ROWS, today: datetime.date | None = None) -> list[ImportRow]:
    """Read and check a whole file. Raises ImportFileError when the file as a whole is unusable."""
    text = decode(data)
    delimiter, skip_sep_line = _delimiter(text)
    today = today or timezone.localdate()
    records = _records(text, delimiter)
    header_cells = _header_record(records, skip_sep_line)[1]
    positions = _columns(header_cells)
    present = frozenset(c for c in positions if c)
    rows: list[ImportRow] = []
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= max_rows:
            raise ImportFileError(
                _("Het bestand bevat meer dan %(max)s leerlingen. Splits het in kleinere bestanden.")
                % {"max": f"{max_rows:,}".replace(",", ".")}
            )
        rows.append(clean_row(line, cells, positions, present, today))
    if not rows:
        raise ImportFileError(_("Het bestand bevat alleen een kopregel en geen leerlingen."))
    return mark_duplicates(rows)


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252 (Latin-1 as the last resort)."""
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ImportFileError(
            _("Dit is een Excel-bestand, geen CSV-bestand. Sla het in Excel op als ‘CSV (puntkomma-gescheiden)’ "
              "en kies dat bestand.")
        )
    boms = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
    for bom, encoding in boms:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                text = body.decode(encoding)
            except UnicodeDecodeError:
                if encoding != "utf-8":
                    raise ImportFileError(_not_csv()) from None
                text = body.decode("cp1252", errors="replace")
            break
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    text = text.rstrip("\x1a")  # an old DOS end-of-file mark
    if not text.strip():
        raise ImportFileError(_("Het bestand is leeg."))
    if _BINARY.search(text):
        raise ImportFileError(_not_csv())
    return text


def _not_csv() -> str:
    return _("Dit is geen CSV-bestand. Kies het CSV-bestand dat het administratiesysteem van de school maakt.")


def _delimiter(text: str) -> tuple[str, bool]:
    """The separator: Excel's `sep=;` first line if any, else the most frequent of ; , and tab in the header."""
    first = text.lstrip("\r\n").split("\n", 1)[0].strip()
    match = _SEP_LINE.fullmatch(first)
    if match:
        return match.group(1), True
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return (best if counts[best] else ";"), False


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with the number of the line it starts on (a quoted value may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next_line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFileError(
                _("Het bestand kan vanaf regel %(line)d niet gelezen worden. Staat er een aanhalingsteken (\") "
                  "dat niet wordt afgesloten?") % {"line": next_line}
            ) from exc
        line, next_line = next_line, reader.line_num + 1
        yield line, cells


def _header_record(records: Iterator[tuple[int, list[str]]], skip_sep_line: bool) -> tuple[int, list[str]]:
    for line, cells in records:
        if skip_sep_line:
            skip_sep_line = False
            continue
        if any(cell.strip() for cell in cells):
            return line, cells
    raise ImportFileError(_("Het bestand is leeg."))


def _columns(header: list[str]) -> list[str | None]:
    """The known column at each position (None for a column the portal does not use)."""
    positions = [_COLUMN_BY_KEY.get(_key(cell)) for cell in header]
    seen: set[str] = set()
    for column in positions:
        if column in seen:
            raise ImportFileError(
                _("De kolom %(column)s staat twee keer in de kopregel. Laat er één over.") % {"column": column}
            )
        if column:
            seen.add(column)
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if "bsn" not in seen and "onderwijsnummer" not in seen:
        missing.append(_("bsn of onderwijsnummer"))
    for n in GUARDIAN_SLOTS:
        if any(f"ouder{n}_{f}" in seen for f in GUARDIAN_FIELDS):
            missing += [f"ouder{n}_{f}" for f in GUARDIAN_REQUIRED_FIELDS if f"ouder{n}_{f}" not in seen]
    if missing:
        message = ngettext(
            "In de kopregel ontbreekt de verplichte kolom %(columns)s.",
            "In de kopregel ontbreken de verplichte kolommen %(columns)s.",
            len(missing),
        ) % {"columns": ", ".join(missing)}
        hint = (
            _("Het portaal herkent geen enkele kolom. Staan de kolomnamen op de eerste regel, gescheiden door "
              "puntkomma’s of komma’s? Zie het voorbeeldbestand.")
            if not seen
            else _("De eerste regel van het bestand moet de kolomnamen bevatten; zie het voorbeeldbestand.")
        )
        raise ImportFileError(f"{message} {hint}")
    return positions


def line_list(lines: list[int], *, total: int | None = None, limit: int = 5) -> str:
    """'4', '4 en 9', '4, 7 en 9', '4, 7, 9, 12, 15 en nog 3 andere' (`total` lines, of which `lines` are known)."""
    shown = [str(n) for n in lines[:limit]]
    rest = (len(lines) if total is None else total) - len(shown)
    if rest:
        return _("%(lines)s en nog %(n)d andere") % {"lines": ", ".join(shown), "n": rest}
    if len(shown) == 1:
        return shown[0]
    return _("%(lines)s en %(last)s") % {"lines": ", ".join(shown[:-1]), "last": shown[-1]}


def mark_duplicates(rows: list[ImportRow]) -> list[ImportRow]:
    """Give every row that shares an identifier or volgnummer with another row a reason naming the other line(s)."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in rows:
        if row.bsn:
            groups[("bsn", row.bsn)].append(row.line)
        if row.onderwijsnummer:
            groups[("onderwijsnummer", row.onderwijsnummer)].append(row.line)
        if row.sequence_number:
            groups[("volgnummer", row.sequence_number)].append(row.line)
    extra: dict[int, list[str]] = defaultdict(list)
    for (kind, value), lines in groups.items():
        if len(lines) < 2:
            continue
        for line in lines:
            n = len(lines) - 1
            where = line_list([other for other in lines[:6] if other != line][:5], total=n)
            if kind == "bsn":
                message = ngettext(
                    "Dit BSN staat ook op regel %(lines)s.", "Dit BSN staat ook op de regels %(lines)s.", n
                )
            elif kind == "onderwijsnummer":
                message = ngettext(
                    "Dit onderwijsnummer staat ook op regel %(lines)s.",
                    "Dit onderwijsnummer staat ook op de regels %(lines)s.", n,
                )
            else:
                message = ngettext(
                    "Inschrijvingvolgnummer %(number)s staat ook op regel %(lines)s.",
                    "Inschrijvingvolgnummer %(number)s staat ook op de regels %(lines)s.", n,
                )
            extra[line].append(message % {"lines": where, "number": value})
    if not extra:
        return rows
    return [replace(row, errors=row.errors + tuple(extra[row.line])) if row.line in extra else row for row in rows]
