"""Building a batch: stream the periods, check them, write the files, then store everything at once.

Phase 1 reads the periods as a stream and writes three temporary files: the CSV, the XML and a list of
records (exported and held-back periods, one JSON line each). Only a progress counter is written to the
database meanwhile, with the heartbeat. Phase 2 validates the XML against the XSD and, in one transaction,
stores the records, saves both files and marks the batch ready. A worker that dies anywhere leaves the batch
`building` with no records, so a retry starts again from nothing; its temporary folder is removed on every
exit path, and by the next worker start after a kill (`opp_portal.workdir`).
"""

import datetime
import json
import uuid
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from lxml import etree

from opp_portal.workdir import task_folder

from . import jobs
from .models import BatchKind, BatchState, ExportBatch, ExportedPeriod, HeldBackRecord, Mutatie
from .periods import count_in_scope, stream_enrolments
from .validation import Period, check_enrolment, first_code, reason_text
from .writers import CsvWriter, XmlWriter, sha256_of, validate_xml

RECORD_CHUNK = 1000
PROGRESS_EVERY = 1000


class BatchNotBuilding(Exception):
    """The batch left the building state (discarded, or built by another attempt) while this one ran."""


def mutatie_of(p: Period) -> str:
    if p.removed:
        return Mutatie.VERWIJDERD
    if p.delivered is None:
        return Mutatie.NIEUW
    begin, end, identity = p.delivered
    if identity != p.identity:
        return Mutatie.GEWIJZIGD
    if (begin, end) == (p.begin, p.end):
        return Mutatie.ONGEWIJZIGD
    if begin == p.begin and end is None and p.end is not None:
        return Mutatie.BEEINDIGD
    return Mutatie.GEWIJZIGD


def _default(value):
    if isinstance(value, (datetime.date, uuid.UUID)):
        return str(value)
    raise TypeError(value)


def _period_record(p: Period) -> dict:
    return {
        "t": "p", "opp_key": p.opp_key, "opp_uuid": p.opp_uuid, "pupil_uuid": p.pupil_uuid, "school_id": p.school_id,
        "enrolment_key": p.enrolment_key, "brin": p.brin, "vestiging": p.vestiging,
        "sequence_number": p.sequence_number, "bsn": p.bsn, "onderwijsnummer": p.onderwijsnummer,
        "begin": p.begin, "end": p.end, "mutatie": p.mutatie,
    }


def _held_record(p: Period) -> dict:
    return {
        "t": "h", "opp_key": p.opp_key, "pupil_uuid": p.pupil_uuid, "school_id": p.school_id,
        "sequence_number": p.sequence_number, "begin": p.begin, "end": p.end, "code": first_code(p),
        "reason": reason_text(p),
    }


def _progress(batch_id: int, processed: int) -> None:
    jobs.beat(batch_id, processed_count=processed)


def write_files(batch: ExportBatch, folder: Path) -> dict:
    """Phase 1: stream, check and write the CSV, the XML and the records file into `folder`."""
    full = batch.kind == BatchKind.FULL
    paths = {"csv": folder / "export.csv", "xml": folder / "export.xml", "records": folder / "records.jsonl"}
    processed = exported = held = 0
    jobs.beat(batch.pk, total_count=count_in_scope(batch.board_id, batch.school_id), processed_count=0)
    with (
        open(paths["csv"], "w", encoding="utf-8", newline="") as csv_fh,
        open(paths["records"], "w", encoding="utf-8") as records,
        etree.xmlfile(str(paths["xml"]), encoding="UTF-8") as xf,
    ):
        csv_writer = CsvWriter(csv_fh)
        xml_writer = XmlWriter(xf, board_number=batch.board.number, school_code=batch.scope_code,
                               kind=batch.kind, export_id=str(batch.uuid))
        for periods in stream_enrolments(batch.board_id, batch.school_id):
            for p in periods:
                p.mutatie = mutatie_of(p)
            changed = [p for p in periods if p.mutatie != Mutatie.ONGEWIJZIGD]
            before = processed
            processed += len(periods)
            if before // PROGRESS_EVERY != processed // PROGRESS_EVERY:
                _progress(batch.pk, processed)
            if not full and not changed:
                continue
            check_enrolment(periods)
            if any(p.problems for p in periods):
                for p in periods:
                    records.write(json.dumps(_held_record(p), default=_default) + "\n")
                    held += 1
                continue
            for p in periods if full else changed:
                csv_writer.write(p)
                records.write(json.dumps(_period_record(p), default=_default) + "\n")
                exported += 1
            xml_writer.write_enrolment(periods)
        xml_writer.close()
    _progress(batch.pk, processed)
    return {"paths": paths, "exported": exported, "held": held}


def _date_or_none(value):
    return datetime.date.fromisoformat(value) if value else None


def save_records(batch: ExportBatch, rows: list[dict]) -> None:
    """Store one chunk of records; inside phase 2's transaction."""
    periods, held = [], []
    for r in rows:
        if r["t"] == "p":
            periods.append(ExportedPeriod(
                batch=batch, opp_key=r["opp_key"], opp_uuid=r["opp_uuid"], pupil_uuid=r["pupil_uuid"],
                school_id=r["school_id"], enrolment_key=r["enrolment_key"], brin=r["brin"], vestiging=r["vestiging"],
                sequence_number=r["sequence_number"], bsn=r["bsn"], onderwijsnummer=r["onderwijsnummer"],
                begin=_date_or_none(r["begin"]), end=_date_or_none(r["end"]), mutatie=r["mutatie"],
            ))
        else:
            held.append(HeldBackRecord(
                batch=batch, opp_key=r["opp_key"], pupil_uuid=r["pupil_uuid"], school_id=r["school_id"],
                sequence_number=r["sequence_number"], begin=_date_or_none(r["begin"]), end=_date_or_none(r["end"]),
                code=r["code"], reason=r["reason"],
            ))
    ExportedPeriod.objects.bulk_create(periods)
    HeldBackRecord.objects.bulk_create(held)


def _store_file(field, name: str, path: Path) -> None:
    full_name = field.field.generate_filename(field.instance, name)
    if default_storage.exists(full_name):  # left by an attempt that died after saving: replace it
        default_storage.delete(full_name)
    with open(path, "rb") as fh:
        field.save(name, File(fh), save=False)


def build_batch(batch_id: int) -> ExportBatch:
    """Build a `building` batch into a `ready` one, as one counted attempt. Idempotent: any other state, or a
    batch another attempt is building right now, is left alone."""
    batch = jobs.claim_attempt(batch_id)
    if batch is None:
        return ExportBatch.objects.select_related("board", "school").get(pk=batch_id)
    with task_folder("rod-export") as tmp:
        result = write_files(batch, tmp)
        paths = result["paths"]
        jobs.beat(batch_id)
        validate_xml(paths["xml"])
        jobs.beat(batch_id)
        with transaction.atomic():
            locked = ExportBatch.objects.select_for_update(of=("self",)).select_related("board", "school")
            batch = locked.get(pk=batch_id)
            if batch.state != BatchState.BUILDING:
                raise BatchNotBuilding(batch.state)
            # A record left by nothing: phase 2 is one transaction, but be certain before writing.
            batch.periods.all().delete()
            batch.held_back.all().delete()
            with open(paths["records"], encoding="utf-8") as records:
                chunk: list[dict] = []
                for line in records:
                    chunk.append(json.loads(line))
                    if len(chunk) >= RECORD_CHUNK:
                        save_records(batch, chunk)
                        chunk = []
                if chunk:
                    save_records(batch, chunk)
            stem = f"{batch.uuid}/{batch.file_stem}"
            _store_file(batch.csv_file, f"{stem}.csv", paths["csv"])
            _store_file(batch.xml_file, f"{stem}.xml", paths["xml"])
            batch.csv_sha256 = sha256_of(paths["csv"])
            batch.xml_sha256 = sha256_of(paths["xml"])
            batch.exported_count = result["exported"]
            batch.held_back_count = result["held"]
            batch.state = BatchState.READY
            batch.failure_reason = ""
            batch.heartbeat_at = None
            batch.built_at = timezone.now()
            batch.save()
    return batch
