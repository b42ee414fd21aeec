import csv
import io

from registration import services
from registration.build import build_batch
from registration.models import BatchKind


def export(world, *, kind=BatchKind.CHANGES, school=None, user="admin"):
    """Start and build a batch inline (the Celery tests use a real worker instead)."""
    actor = world.admin if user == "admin" else user
    batch = services.start_export(user=actor, board=world.board, school=school, kind=kind, queue=False)
    return build_batch(batch.pk)


def deliver(world, batch):
    return services.mark_delivered(user=world.admin, batch=batch)


def csv_rows(batch) -> list[dict]:
    with batch.csv_file.open("rb") as fh:
        text = fh.read().decode("utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def mutaties(batch) -> list[str]:
    return [row["mutatie"] for row in csv_rows(batch)]
