"""Temporary folders of background tasks: removed on every exit path, and swept when a worker starts.

A task that ends (or raises) removes its folder itself. Only a killed worker (SIGKILL, out of memory) leaves
one behind, and no task of a worker that is just starting can own one, so the worker empties its work
folder on start. The periodic sweepers also remove folders nobody touched for longer than any task may run.
"""

import logging
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

PREFIX = "opp-task-"


def work_dir() -> Path:
    folder = Path(getattr(settings, "OPP_WORK_DIR", None) or tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def task_folder(kind: str) -> Iterator[Path]:
    """A fresh folder for one attempt of a task, removed when the attempt ends, however it ends."""
    with tempfile.TemporaryDirectory(prefix=f"{PREFIX}{kind}-", dir=work_dir()) as folder:
        yield Path(folder)


def _last_touched(folder: Path) -> float:
    latest = folder.stat().st_mtime
    for item in folder.rglob("*"):
        try:
            latest = max(latest, item.stat().st_mtime)
        except FileNotFoundError:
            continue
    return latest


def sweep_task_folders(*, older_than: float = 0) -> int:
    """Remove task folders left by killed attempts; with `older_than`, only those untouched that long."""
    removed = 0
    now = time.time()
    for folder in work_dir().glob(f"{PREFIX}*"):
        try:
            if not folder.is_dir() or (older_than and now - _last_touched(folder) < older_than):
                continue
        except FileNotFoundError:  # its own task removed it meanwhile
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    if removed:
        logger.warning("Removed %s temporary folder(s) left by killed tasks in %s", removed, work_dir())
    return removed
