"""The suite's own rules: with CI=true nothing may be skipped."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SAMPLE = '''
import pytest


def test_runs():
    pass


def test_skips_itself():
    pytest.skip("no service here")


@pytest.mark.skipif(True, reason="never here")
def test_skipped_by_a_marker():
    pass


@pytest.mark.xfail(reason="known")
def test_expected_to_fail():
    assert False
'''


def _run(tmp_path, *, ci: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    env = {**os.environ, "CI": ci, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        # The suite's conftest is loaded as a plugin, so the sample runs under the same hook.
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "-p", "no:django",
         "-p", "tests.conftest", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )


def test_with_ci_true_a_skipped_test_fails(tmp_path):
    result = _run(tmp_path, ci="true")
    assert result.returncode == 1, result.stdout
    assert "skipped although CI=true" in result.stdout
    assert "no service here" in result.stdout and "never here" in result.stdout
    assert "1 passed" in result.stdout and "1 xfailed" in result.stdout
    assert "skipped" not in result.stdout.splitlines()[-1]


def test_outside_ci_a_test_may_skip(tmp_path):
    result = _run(tmp_path, ci="")
    assert result.returncode == 0, result.stdout
    assert "1 passed, 2 skipped, 1 xfailed" in result.stdout
