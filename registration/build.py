"""Building a batch: stream the periods, check them, write the files, then store everything at once.

Phase 1 reads the periods as a stream and writes four temporary files: the CSV, the XML and the records
(exported and held-back periods, in PostgreSQL's COPY format: `registration.records`). Only a progress counter
is written to the database meanwhile, with the heartbeat. Phase 2 validates the XML against the XSD and, in one
transaction, stores the records, saves both files and marks the batch ready. A worker that dies anywhere leaves
the batch `building` with no records, so a retry starts again from nothing; its temporary folder is removed on
every exit path, and by the next worker start after a kill (`opp_portal.workdir`).
"""

from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from opp_portal.workdir import task_folder

from . import jobs
from .models import BatchKind, BatchState, ExportBatch, Mutatie
from .periods import count_in_scope, stream_enrolments
from .records import RecordWriter
from .records import load as load_records
from .validation import Period, check_enrolment
from .writers import CsvWriter, XmlWriter, sha256_of, validate_xml

PROGRESS_EVERY = 5000  # periods between progress writes (each one an UPDATE): a few per second at full speed


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


def _progress(batch_id: int, processed: int) -> None:
    jobs.beat(batch_id, processed_count=processed)


def write_files(batch: ExportBatch, folder: Path) -> dict:
    """Phase 1: stream, check and write the CSV, the XML and the records files into `folder`."""
    full = batch.kind == BatchKind.FULL
    paths = {"csv": folder / "export.csv", "xml": folder / "export.xml"}
    processed = exported = held = 0
    jobs.beat(batch.pk, total_count=count_in_scope(batch.board_id, batch.school_id), processed_count=0)
    with (
        open(paths["csv"], "w", encoding="utf-8", newline="") as csv_fh,
        open(paths["xml"], "wb") as xml_fh,
        RecordWriter(folder, batch.pk) as records,
    ):
        paths |= records.paths
        csv_writer = CsvWriter(csv_fh)
        xml_writer = XmlWriter(xml_fh, board_number=batch.board.number, school_code=batch.scope_code,
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
                    records.held(p)
                    held += 1
                continue
            for p in periods if full else changed:
                csv_writer.write(p)
                records.period(p)
                exported += 1
            xml_writer.write_enrolment(periods)
        xml_writer.close()
    _progress(batch.pk, processed)
    return {"paths": paths, "exported": exported, "held": held}


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
            load_records(paths)
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
