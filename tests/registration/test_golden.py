"""The export's bytes and records stay exactly what they were, on a varied board, whatever makes them faster.

The expected files in `golden/` were written by the export as it was before the work on its speed (issue 12):
a full export, a changes export after that one was delivered and the plans then changed, and a full export
again. Every identifier that reaches the files is fixed here (UUIDs, BSNs, BRINs, volgnummers), and records are
compared with database ids replaced by what they stand for, so the comparison holds on any database.

Regenerate (only when the format changes on purpose): `OPP_WRITE_GOLDEN=1 pytest tests/registration/test_golden.py`.
"""

import datetime
import json
import os
import random
import uuid
from pathlib import Path

from plans.models import Opp, OppKind, OppStatus
from registration import services
from registration.build import build_batch
from registration.models import BatchKind, ExportBatch
from schools.models import Enrolment, Pupil, School
from tests.factories import (
    BoardFactory,
    PupilFactory,
    SchoolFactory,
    make_bsn,
    make_onderwijsnummer,
    staff,
)
from tests.plans.factories import OppFactory

from .helpers import deliver

GOLDEN = Path(__file__).resolve().parent / "golden"
D = datetime.date


class Varied:
    """Three schools that count (two bao, one vo) and one that never does (sbo), with every kind of period."""

    def __init__(self):
        self.rng = random.Random(20261129)
        self.board = BoardFactory(number="41234")
        self.admin = staff("board_admin", board=self.board)
        self.schools = [
            SchoolFactory(board=self.board, school_type="bao", brin="12AB", vestiging="00"),
            SchoolFactory(board=self.board, school_type="bao", brin="12AB", vestiging="01"),
            SchoolFactory(board=self.board, school_type="vo", brin="34CD", vestiging="00"),
        ]
        self.sbo = SchoolFactory(board=self.board, school_type="sbo", brin="56EF", vestiging="00")
        self.bad_brin = SchoolFactory(board=self.board, school_type="bao", brin="7A8B", vestiging="00")
        self._sequence = 0

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def pupil(self, *, onderwijsnummer: bool = False, bsn: str | None = None) -> Pupil:
        if onderwijsnummer:
            return PupilFactory(uuid=self.uuid(), bsn=None, onderwijsnummer=make_onderwijsnummer(self.rng))
        return PupilFactory(uuid=self.uuid(), bsn=bsn or make_bsn(self.rng))

    def enrol(self, pupil, school, *, on=None, leaving=None, number=None) -> Enrolment:
        on = on or D(2023, 8, 28)
        self._sequence += 1
        return Enrolment.objects.create(pupil=pupil, school=school, enrolment_date=on, leaving_date=leaving,
                                        sequence_number=number or f"2023{self._sequence:05d}", group="5")

    def plan(self, pupil, school, begin, end=None, *, kind=OppKind.EXTRA_SUPPORT) -> Opp:
        status = OppStatus.BEEINDIGD if end else OppStatus.VASTGESTELD
        return OppFactory(uuid=self.uuid(), pupil=pupil, school=school, kind=kind, status=status,
                          adopted_on=begin, ended_on=end)

    def build(self) -> dict:
        """Every case the export distinguishes; returns the plans the later steps change."""
        rng, made = self.rng, {}
        for i in range(40):  # the common case: one enrolment, one or two periods, some ended
            school = self.schools[i % 3]
            pupil = self.pupil(onderwijsnummer=i % 7 == 3)
            self.enrol(pupil, school, on=D(2022, 8, 22) + datetime.timedelta(days=rng.randrange(400)))
            begin = D(2024, 1, 8) + datetime.timedelta(days=rng.randrange(300))
            if i % 4 == 0:
                self.plan(pupil, school, begin - datetime.timedelta(days=200), begin - datetime.timedelta(days=30))
            made[f"common{i}"] = self.plan(pupil, school, begin, begin + datetime.timedelta(days=90) if i % 5 == 0
                                           else None)
        # A volgnummer that a spreadsheet would take for a formula, and one with the CSV's separator and quotes.
        # Free text that XML escapes, a character beyond ASCII, and a backslash and a tab (COPY's escapes).
        for number in ("=SUM(A1:A9)", 'x;"y"', "+31", "@home", "-5", "A&B<1>", "2023-é", "a\\b", "a\tb"):
            pupil = self.pupil()
            self.enrol(pupil, self.schools[0], number=number)
            self.plan(pupil, self.schools[0], D(2024, 9, 2))
        # Held back: an invalid BSN; begin before the enrolment; two periods that overlap; an invalid BRIN.
        pupil = self.pupil(bsn="123456789")
        self.enrol(pupil, self.schools[0])
        made["bad_bsn"] = self.plan(pupil, self.schools[0], D(2024, 9, 2))
        pupil = self.pupil()
        self.enrol(pupil, self.schools[1], on=D(2024, 10, 1))
        self.plan(pupil, self.schools[1], D(2024, 9, 2))
        pupil = self.pupil()
        self.enrol(pupil, self.schools[2])
        self.plan(pupil, self.schools[2], D(2024, 1, 8), D(2024, 6, 1))
        self.plan(pupil, self.schools[2], D(2024, 5, 1), D(2024, 7, 1))
        pupil = self.pupil()
        self.enrol(pupil, self.bad_brin)
        self.plan(pupil, self.bad_brin, D(2024, 9, 2))
        # Two enrolments at one school: each period goes with the enrolment that covered its begin.
        pupil = self.pupil()
        self.enrol(pupil, self.schools[1], on=D(2021, 8, 23), leaving=D(2023, 7, 14))
        self.enrol(pupil, self.schools[1], on=D(2024, 1, 8))
        self.plan(pupil, self.schools[1], D(2022, 3, 1), D(2023, 6, 30))
        made["reenrolled"] = self.plan(pupil, self.schools[1], D(2024, 3, 4))
        # A plan whose pupil has no enrolment at its school stands alone; one at the sbo never counts; a plan
        # within basisondersteuning never counts; a draft never counts.
        made["no_enrolment"] = self.plan(self.pupil(), self.schools[0], D(2024, 11, 4))
        pupil = self.pupil()
        self.enrol(pupil, self.sbo)
        self.plan(pupil, self.sbo, D(2024, 9, 2))
        pupil = self.pupil()
        self.enrol(pupil, self.schools[0])
        made["internal"] = self.plan(pupil, self.schools[0], D(2024, 9, 2), kind=OppKind.BASISONDERSTEUNING)
        pupil = self.pupil()
        self.enrol(pupil, self.schools[2])
        OppFactory(uuid=self.uuid(), pupil=pupil, school=self.schools[2], status=OppStatus.CONCEPT)
        return made

    def change(self, made: dict) -> None:
        """What happens between two deliveries: ends, removals, a corrected number, new plans, a fix."""
        Opp.objects.filter(pk=made["common1"].pk).update(ended_on=D(2025, 3, 1), status=OppStatus.BEEINDIGD)
        Opp.objects.filter(pk=made["common2"].pk).update(adopted_on=D(2024, 12, 2))
        made["common3"].delete()  # removed: goes out as verwijderd
        Opp.objects.filter(pk=made["common4"].pk).update(kind=OppKind.BASISONDERSTEUNING)  # removed too
        Pupil.objects.filter(pk=made["common6"].pupil_id).update(bsn=make_bsn(self.rng))  # gewijzigd
        Enrolment.objects.filter(pupil=made["common7"].pupil).update(sequence_number="2025-NEW")
        Pupil.objects.filter(pk=made["bad_bsn"].pupil_id).update(bsn=make_bsn(self.rng))  # fixed: now nieuw
        Opp.objects.filter(pk=made["reenrolled"].pk).update(ended_on=D(2025, 2, 3), status=OppStatus.BEEINDIGD)
        Opp.objects.filter(pk=made["internal"].pk).update(kind=OppKind.EXTRA_SUPPORT)  # now counts: nieuw
        for i in range(3):
            pupil = self.pupil()
            self.enrol(pupil, self.schools[i])
            self.plan(pupil, self.schools[i], D(2025, 1, 6) + datetime.timedelta(days=7 * i))
        # A second period in an enrolment that had one: the whole list goes again.
        Opp.objects.filter(pk=made["common8"].pk).update(ended_on=D(2025, 1, 31), status=OppStatus.BEEINDIGD)
        self.plan(made["common8"].pupil, made["common8"].school, D(2025, 2, 3))

    def export(self, kind: str) -> ExportBatch:
        batch = services.start_export(user=self.admin, board=self.board, kind=kind, queue=False)
        ExportBatch.objects.filter(pk=batch.pk).update(uuid=self.uuid())  # the XML names the export
        return build_batch(batch.pk)


def _labels() -> dict:
    """Database ids as what they stand for, so records compare across databases."""
    return {
        "school": {s.pk: f"{s.brin}{s.vestiging}" for s in School.objects.all()},
        "enrolment": {e.pk: f"{e.pupil.uuid}@{e.sequence_number}" for e in Enrolment.objects.select_related("pupil")},
        "opp": {o.pk: str(o.uuid) for o in Opp.objects.all()},
    }


def _records(batch: ExportBatch, labels: dict, known_opps: dict) -> dict:
    def opp(key):
        return labels["opp"].get(key) or known_opps.get(key) or f"gone:{key}"

    def enrolment(key):
        return labels["enrolment"].get(key) or (f"none:{opp(-key)}" if key < 0 else f"gone:{key}")

    periods = [
        [opp(p.opp_key), str(p.opp_uuid), str(p.pupil_uuid), labels["school"][p.school_id],
         enrolment(p.enrolment_key), p.brin, p.vestiging, p.sequence_number, p.bsn, p.onderwijsnummer,
         str(p.begin), str(p.end), p.mutatie]
        for p in batch.periods.order_by("id")
    ]
    held = [
        [opp(h.opp_key), str(h.pupil_uuid), labels["school"][h.school_id], h.sequence_number, str(h.begin),
         str(h.end), h.code, h.reason]
        for h in batch.held_back.order_by("id")
    ]
    return {"exported_count": batch.exported_count, "held_back_count": batch.held_back_count,
            "periods": periods, "held_back": held}


def _files(batch: ExportBatch) -> dict[str, bytes]:
    out = {}
    for name, field in (("csv", batch.csv_file), ("xml", batch.xml_file)):
        with field.open("rb") as fh:
            out[name] = fh.read()
    return out


def test_a_varied_board_exports_the_same_bytes_and_records_as_before(db):
    world = Varied()
    made = world.build()
    known_opps = {o.pk: str(o.uuid) for o in Opp.objects.all()}
    steps = []
    first = world.export(BatchKind.FULL)
    steps.append(("1-full", first, _labels()))
    deliver(world, first)
    world.change(made)
    steps.append(("2-changes", world.export(BatchKind.CHANGES), _labels()))
    steps.append(("3-full", world.export(BatchKind.FULL), _labels()))

    write = os.environ.get("OPP_WRITE_GOLDEN") == "1"
    for name, batch, labels in steps:
        files = _files(batch) | {"records.json": (json.dumps(
            _records(batch, labels, known_opps), indent=1, ensure_ascii=False) + "\n").encode("utf-8")}
        for suffix, data in files.items():
            path = GOLDEN / f"{name}.{suffix}"
            if write:
                path.parent.mkdir(exist_ok=True)
                path.write_bytes(data)
            assert data == path.read_bytes(), f"{path.name} differs from the export before"
