"""The two files: exact CSV header, XML valid against the shipped XSD, the same bytes on every download."""

import datetime
import hashlib

import pytest
from lxml import etree

from registration.models import BatchKind
from registration.writers import XML_NAMESPACE, ExportInvalid, validate_xml
from tests.factories import make_onderwijsnummer

from .helpers import deliver, export

NS = {"r": XML_NAMESPACE}


def _xml(batch):
    with batch.xml_file.open("rb") as fh:
        return etree.fromstring(fh.read())


def test_the_csv_header_is_exactly_the_agreed_one(rod):
    rod.period()
    with export(rod).csv_file.open("rb") as fh:
        first_line = fh.read().decode("utf-8").splitlines()[0]
    assert first_line == "brin;vestiging;inschrijvingvolgnummer;bsn;onderwijsnummer;leerling;datum_begin;datum_einde;mutatie"


def test_an_empty_export_still_has_the_header_and_a_valid_xml(rod):
    batch = export(rod)
    with batch.csv_file.open("rb") as fh:
        assert fh.read().decode("utf-8").splitlines() == [
            "brin;vestiging;inschrijvingvolgnummer;bsn;onderwijsnummer;leerling;datum_begin;datum_einde;mutatie"]
    validate_xml(batch.xml_file.path)


def test_the_csv_holds_no_names(rod):
    opp = rod.period()
    with export(rod).csv_file.open("rb") as fh:
        text = fh.read().decode("utf-8")
    assert opp.pupil.last_name not in text and opp.pupil.first_name not in text


def test_the_xml_lists_every_period_of_the_enrolment_and_leaves_the_end_of_a_running_one_out(rod):
    pupil = rod.pupil()
    rod.period(pupil=pupil, begin=datetime.date(2024, 9, 2), end=datetime.date(2024, 12, 20))
    rod.period(pupil=pupil, begin=datetime.date(2025, 1, 6))
    batch = export(rod)
    root = _xml(batch)
    [enrolment] = root.findall("r:Inschrijving", NS)
    assert enrolment.findtext("r:brin", namespaces=NS) == rod.school.brin
    assert enrolment.findtext("r:vestiging", namespaces=NS) == "00"
    assert enrolment.findtext("r:burgerservicenummer", namespaces=NS) == pupil.bsn
    periods = enrolment.findall("r:Ontwikkelingsperspectief", NS)
    assert [(p.findtext("r:datumBegin", namespaces=NS), p.findtext("r:datumEinde", namespaces=NS)) for p in periods] == [
        ("2024-09-02", "2024-12-20"), ("2025-01-06", None)]


def test_a_changes_export_sends_the_full_list_of_a_changed_enrolment(rod):
    pupil = rod.pupil()
    rod.period(pupil=pupil, begin=datetime.date(2024, 9, 2), end=datetime.date(2024, 12, 20))
    deliver(rod, export(rod))
    rod.period(pupil=pupil, begin=datetime.date(2025, 1, 6))
    batch = export(rod)
    assert batch.exported_count == 1
    assert len(_xml(batch).findall("r:Inschrijving/r:Ontwikkelingsperspectief", NS)) == 2


def test_an_enrolment_whose_only_period_was_removed_is_sent_with_an_empty_list(rod):
    opp = rod.period()
    deliver(rod, export(rod))
    opp.delete()
    root = _xml(export(rod))
    [enrolment] = root.findall("r:Inschrijving", NS)
    assert enrolment.findall("r:Ontwikkelingsperspectief", NS) == []


def test_every_export_validates_against_the_shipped_xsd(rod):
    rod.period()
    rod.period(pupil=rod.pupil(bsn=None, onderwijsnummer=make_onderwijsnummer()),
               end=datetime.date(2025, 5, 1))
    rod.period(school=rod.school_of("vo"))
    for kind in (BatchKind.CHANGES, BatchKind.FULL):
        validate_xml(export(rod, kind=kind).xml_file.path)


def test_an_xml_that_breaks_the_xsd_is_refused(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text(
        f'<OppRegistratie xmlns="{XML_NAMESPACE}" exportId="x" bevoegdGezag="12345" reikwijdte="bestuur" '
        'soort="full"><Inschrijving><brin>12ab</brin></Inschrijving></OppRegistratie>'
    )
    with pytest.raises(ExportInvalid):
        validate_xml(bad)


def test_the_stored_hashes_match_the_files(rod):
    rod.period()
    batch = export(rod)
    with batch.csv_file.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == batch.csv_sha256
    with batch.xml_file.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == batch.xml_sha256


def test_downloading_a_batch_twice_gives_identical_bytes(rod, client):
    rod.period()
    batch = export(rod)
    client.force_login(rod.admin)
    for fmt in ("csv", "xml"):
        url = f"/rod/export/{batch.uuid}/{fmt}/"
        first = b"".join(client.get(url).streaming_content)
        second = b"".join(client.get(url).streaming_content)
        assert first == second and first
        deliver_and_compare = (batch, url, first)
    deliver(rod, batch)  # still the same file after delivery
    _, url, before = deliver_and_compare
    assert b"".join(client.get(url).streaming_content) == before


def test_the_row_order_is_deterministic(rod):
    for _ in range(5):
        rod.period()
    rod.period(school=rod.school_of("vo"))
    a = export(rod, kind=BatchKind.FULL)
    b = export(rod, kind=BatchKind.FULL)
    with a.csv_file.open("rb") as fa, b.csv_file.open("rb") as fb:
        assert fa.read() == fb.read()


def test_csv_cells_that_start_like_a_formula_are_neutralised(rod):
    from schools.models import Enrolment

    opp = rod.period()
    Enrolment.objects.filter(pupil=opp.pupil).update(sequence_number="=SUM(A1:A9)")
    with export(rod).csv_file.open("rb") as fh:
        row = fh.read().decode("utf-8").splitlines()[1]
    assert ";'=SUM(A1:A9);" in row and ";=SUM" not in row
