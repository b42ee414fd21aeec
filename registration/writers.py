"""The two export files, written row by row to temporary files, and the XSD check of the XML.

The XML is shaped like DUO's enrolment message (AanleverenInschrijvingBO/VO: per enrolment the
identifiers and 0..100 `Ontwikkelingsperspectief` with `datumBegin` and `datumEinde`). DUO's XSDs are
not public, so the portal ships and validates against its own: registration/xsd/rod-opp-export.xsd.
"""

import csv
import hashlib
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


def _date(day) -> str:
    return day.isoformat() if day else ""


class CsvWriter:
    def __init__(self, fh):
        self._writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        self._writer.writerow(CSV_HEADER)
        self.rows = 0

    def write(self, p: Period) -> None:
        self._writer.writerow(safe_row([
            p.brin, p.vestiging, p.sequence_number, p.bsn, p.onderwijsnummer, str(p.pupil_uuid),
            _date(p.begin), _date(p.end), p.mutatie,
        ]))
        self.rows += 1


def _q(name: str) -> str:
    return f"{{{XML_NAMESPACE}}}{name}"


class XmlWriter:
    """Writes one `Inschrijving` at a time through lxml's incremental writer."""

    def __init__(self, xf, *, board_number: str, school_code: str, kind: str, export_id: str):
        self._xf = xf
        xf.write_declaration()
        self._root = xf.element(_q("OppRegistratie"), nsmap={None: XML_NAMESPACE}, attrib={
            "exportId": export_id, "bevoegdGezag": board_number, "reikwijdte": school_code, "soort": kind,
        })
        self._root.__enter__()
        xf.write("\n")
        self.enrolments = 0

    def _leaf(self, name: str, text: str) -> None:
        with self._xf.element(_q(name)):
            self._xf.write(text)

    def write_enrolment(self, periods: list[Period]) -> None:
        """Every current period of the enrolment (removed ones are left out: DUO takes the full list)."""
        first = periods[0]
        current = sorted((p for p in periods if not p.removed), key=lambda p: (p.begin, p.opp_key))
        with self._xf.element(_q("Inschrijving")):
            self._leaf("brin", first.brin)
            self._leaf("vestiging", first.vestiging)
            self._leaf("inschrijvingvolgnummer", first.sequence_number)
            if first.bsn:
                self._leaf("burgerservicenummer", first.bsn)
            else:
                self._leaf("onderwijsnummer", first.onderwijsnummer)
            for p in current:
                with self._xf.element(_q("Ontwikkelingsperspectief")):
                    self._leaf("datumBegin", _date(p.begin))
                    if p.end:
                        self._leaf("datumEinde", _date(p.end))
        self._xf.write("\n")
        self.enrolments += 1

    def close(self) -> None:
        self._root.__exit__(None, None, None)


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
