"""The two export files, written row by row to temporary files, and the XSD check of the XML.

The XML is shaped like DUO's enrolment message (AanleverenInschrijvingBO/VO: per enrolment the
identifiers and 0..100 `Ontwikkelingsperspectief` with `datumBegin` and `datumEinde`). DUO's XSDs are
not public, so the portal ships and validates against its own: registration/xsd/rod-opp-export.xsd.
"""

import csv
import hashlib
import io
import re
from functools import cache
from pathlib import Path

from lxml import etree

from opp_portal.spreadsheet import safe_row

from .validation import Period

CSV_HEADER = ["brin", "vestiging", "inschrijvingvolgnummer", "bsn", "onderwijsnummer", "leerling",
              "datum_begin", "datum_einde", "mutatie"]
XML_NAMESPACE = "urn:opp-portal:rod:opp-export:1"
XSD_PATH = Path(__file__).resolve().parent / "xsd" / "rod-opp-export.xsd"


class ExportInvalid(Exception):
    """The XML did not validate against the shipped XSD."""


# Nine cells, each empty or starting with a letter or digit and holding only letters, digits and . _ / : - :
# cells the csv module writes as they are and `safe_cell` leaves alone (nothing to quote, no formula start).
_PLAIN_CSV_ROW = re.compile(r"(?:[0-9A-Za-z][0-9A-Za-z._/:-]*)?(?:;(?:[0-9A-Za-z][0-9A-Za-z._/:-]*)?){8}")


def _date(day) -> str:
    return day.isoformat() if day else ""


class CsvWriter:
    def __init__(self, fh):
        self._fh = fh
        self._writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        self._writer.writerow(CSV_HEADER)
        self.rows = 0

    def write(self, p: Period) -> None:
        cells = (p.brin, p.vestiging, p.sequence_number, p.bsn, p.onderwijsnummer, str(p.pupil_uuid),
                 _date(p.begin), _date(p.end), p.mutatie)
        line = ";".join(cells)
        if _PLAIN_CSV_ROW.fullmatch(line):
            self._fh.write(line + "\r\n")  # what the csv module writes for such cells, without its cost per cell
        else:
            self._writer.writerow(safe_row(cells))
        self.rows += 1


def _q(name: str) -> str:
    return f"{{{XML_NAMESPACE}}}{name}"


_SPLIT = "opp-portal-enrolments-go-here"
# Text that lxml writes unchanged: printable ASCII without the three characters it escapes.
_PLAIN = re.compile(r"[ -%'-;=?-~]+")
_PLAIN_OR_EMPTY = re.compile(r"[ -%'-;=?-~]*")


@cache
def _leaf_parts(name: str) -> tuple[str, str]:
    return f"<{name}>", f"</{name}>"


def _leaf(name: str, text: str) -> str:
    """`<name>text</name>` exactly as lxml's incremental writer puts it inside the document's default namespace.
    Anything but plain ASCII (an inschrijvingvolgnummer is free text) is written by lxml itself."""
    if _PLAIN.fullmatch(text):
        start, end = _leaf_parts(name)
        return start + text + end
    buffer = io.BytesIO()
    with etree.xmlfile(buffer, encoding="UTF-8") as xf, xf.element(name):
        xf.write(text)
    return buffer.getvalue().decode("utf-8")


def _document_ends(attrib: dict[str, str]) -> tuple[bytes, bytes]:
    """The declaration and the root's start tag (with the newline after it), and the root's end, as lxml
    writes them."""
    buffer = io.BytesIO()
    with etree.xmlfile(buffer, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(_q("OppRegistratie"), nsmap={None: XML_NAMESPACE}, attrib=attrib):
            xf.write("\n")
            xf.write(_SPLIT)
    head, tail = buffer.getvalue().split(_SPLIT.encode())
    return head, tail


class XmlWriter:
    """Writes one `Inschrijving` at a time, each on a line of its own, into a file opened in binary mode.

    The bytes are those of lxml's incremental writer (`etree.xmlfile`), which the export used before; building
    each enrolment as one string is about ten times faster than an element context per leaf, and the golden
    files of tests/registration/test_golden.py hold it to the same bytes.
    """

    def __init__(self, fh, *, board_number: str, school_code: str, kind: str, export_id: str):
        self._fh = fh
        self._head, self._tail = _document_ends(
            {"exportId": export_id, "bevoegdGezag": board_number, "reikwijdte": school_code, "soort": kind})
        fh.write(self._head)
        self.enrolments = 0

    def write_enrolment(self, periods: list[Period]) -> None:
        """Every current period of the enrolment (removed ones are left out: DUO takes the full list)."""
        first = periods[0]
        current = sorted((p for p in periods if not p.removed), key=lambda p: (p.begin, p.opp_key))
        number = ("burgerservicenummer", first.bsn) if first.bsn else ("onderwijsnummer", first.onderwijsnummer)
        if _PLAIN_OR_EMPTY.fullmatch(first.brin + first.vestiging + first.sequence_number + number[1]):
            parts = [(f"<Inschrijving><brin>{first.brin}</brin><vestiging>{first.vestiging}</vestiging>"
                      f"<inschrijvingvolgnummer>{first.sequence_number}</inschrijvingvolgnummer>"
                      f"<{number[0]}>{number[1]}</{number[0]}>")]
        else:
            parts = ["<Inschrijving>", _leaf("brin", first.brin), _leaf("vestiging", first.vestiging),
                     _leaf("inschrijvingvolgnummer", first.sequence_number), _leaf(*number)]
        for p in current:
            if p.end:
                parts.append(f"<Ontwikkelingsperspectief><datumBegin>{p.begin.isoformat()}</datumBegin>"
                             f"<datumEinde>{p.end.isoformat()}</datumEinde></Ontwikkelingsperspectief>")
            else:
                parts.append(f"<Ontwikkelingsperspectief><datumBegin>{p.begin.isoformat()}</datumBegin>"
                             "</Ontwikkelingsperspectief>")
        parts.append("</Inschrijving>\n")
        self._fh.write("".join(parts).encode("utf-8"))
        self.enrolments += 1

    def close(self) -> None:
        self._fh.write(self._tail)


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_PATH)))


def validate_xml(path: str | Path) -> None:
    """Validate while parsing, one enrolment at a time, so a large export never sits in memory whole."""
    try:
        for _, element in etree.iterparse(str(path), events=("end",), tag=_q("Inschrijving"), schema=schema()):
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    except (etree.XMLSyntaxError, etree.DocumentInvalid) as exc:
        raise ExportInvalid(f"De XML voldoet niet aan het XSD: {exc}") from exc


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()
