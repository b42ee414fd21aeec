"""Temporary folders of tasks: gone on every exit path, and swept when a worker starts."""

import os
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from opp_portal.workdir import sweep_task_folders, task_folder, work_dir


@pytest.fixture
def work(settings, tmp_path):
    settings.OPP_WORK_DIR = str(tmp_path / "work")
    return tmp_path / "work"


def test_a_task_folder_is_removed_when_the_attempt_ends_or_raises(work):
    with task_folder("rod-export") as folder:
        (folder / "export.csv").write_text("a")
        assert folder.parent == work and folder.name.startswith("opp-task-rod-export-")
    assert not folder.exists()
    with pytest.raises(RuntimeError), task_folder("rod-export") as folder:
        raise RuntimeError("kapot")
    assert not folder.exists()


def test_a_starting_worker_removes_every_folder_a_killed_one_left_and_nothing_else(work):
    work.mkdir()
    (work / "opp-task-rod-export-abc").mkdir()
    (work / "opp-task-rod-export-abc" / "records.jsonl").write_text("x" * 1000)
    (work / "iets-anders").mkdir()
    assert sweep_task_folders() == 1
    assert [p.name for p in work.iterdir()] == ["iets-anders"]


def test_the_periodic_sweep_only_removes_folders_untouched_for_longer_than_any_task_runs(work):
    work.mkdir()
    old, fresh = work / "opp-task-rod-export-old", work / "opp-task-rod-export-fresh"
    for folder in (old, fresh):
        folder.mkdir()
        (folder / "export.xml").write_text("<x/>")
    long_ago = time.time() - 3600
    for path in (old, old / "export.xml"):
        os.utime(path, (long_ago, long_ago))
    assert sweep_task_folders(older_than=1800) == 1
    assert not old.exists() and fresh.exists()


def test_a_test_run_keeps_its_task_folders_out_of_the_shared_temp_folder():
    """A worker started by a test in another suite on the same machine empties its work folder on start; with
    the shared temp folder that removed this run's export folders mid-export."""
    assert django_settings.OPP_WORK_DIR and work_dir() != Path(tempfile.gettempdir())
