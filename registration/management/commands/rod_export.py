"""`manage.py rod_export --board 12345 [--school 12AB00] [--full] --output DIR`: the export, for scheduled use.

Builds synchronously (no broker needed), records a batch on behalf of the board (state ready), copies the
CSV and XML into DIR and prints one summary line.
"""

import re
import shutil
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from registration import services
from registration.build import build_batch
from registration.models import BatchKind, BatchState
from schools.models import Board, School


class Command(BaseCommand):
    help = "Exporteer OPP-perioden voor ROD (CSV en XML) voor een bestuur of één school."

    def add_arguments(self, parser):
        parser.add_argument("--board", required=True, help="Bevoegd-gezagnummer (vijf cijfers).")
        parser.add_argument("--school", help="BRIN en vestiging samen, bijvoorbeeld 12AB00.")
        parser.add_argument("--full", action="store_true", help="Alle perioden in plaats van alleen de wijzigingen.")
        parser.add_argument("--output", required=True, help="Map waarin de twee bestanden komen.")

    def handle(self, *args, board: str, school: str | None, full: bool, output: str, **options):
        if not re.fullmatch(r"[0-9]{5}", board or ""):
            raise CommandError("Het bevoegd-gezagnummer bestaat uit vijf cijfers.")
        board_obj = Board.objects.filter(number=board).first()
        if board_obj is None:
            raise CommandError(f"Bestuur {board} bestaat niet.")
        school_obj = None
        if school:
            code = school.strip().upper()
            if not re.fullmatch(r"[0-9]{2}[A-Z]{2}[0-9]{2}", code):
                raise CommandError("Geef de school als BRIN en vestiging samen, bijvoorbeeld 12AB00.")
            school_obj = School.objects.filter(brin=code[:4], vestiging=code[4:], board=board_obj).first()
            if school_obj is None:
                raise CommandError(f"School {code} hoort niet bij bestuur {board}.")
        out = Path(output)
        if out.exists() and not out.is_dir():
            raise CommandError(f"{output} is geen map.")
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"Kan de map {output} niet maken: {exc}") from exc

        try:
            batch = services.start_export(user=None, board=board_obj, school=school_obj,
                                          kind=BatchKind.FULL if full else BatchKind.CHANGES, queue=False)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        try:
            batch = build_batch(batch.pk)
        except Exception as exc:
            services.mark_failed(batch.pk, exc)
            raise CommandError(f"De export is mislukt: {exc}") from exc
        if batch.state != BatchState.READY:
            raise CommandError(f"De export is niet klaar (status {batch.state}).")

        written = []
        for field, suffix in ((batch.csv_file, "csv"), (batch.xml_file, "xml")):
            target = out / f"{batch.file_stem}.{suffix}"
            with field.open("rb") as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            written.append(str(target))
        self.stdout.write(
            f"ROD-export {batch.uuid}: {batch.exported_count} geëxporteerd, {batch.held_back_count} tegengehouden; "
            f"{written[0]} {written[1]}"
        )
