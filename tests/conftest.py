import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_or_skip(available: bool, what: str) -> None:
    """Skip a test whose service is missing locally; in CI a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required when CI=true but is not available")
    pytest.skip(f"{what} not available")


@pytest.fixture
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    require_or_skip(bool(shutil.which(path) or os.path.exists(path)), f"Chromium at {path}")
    return path
