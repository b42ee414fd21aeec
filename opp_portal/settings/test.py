"""Test settings: SQLite unless DATABASE_URL points elsewhere; fast hashing."""

import tempfile

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-not-secret"
OPP_REQUIRE_MFA = env.bool("OPP_REQUIRE_MFA", default=False)
OPP_MFA_KEYS = ["test-only-not-secret-mfa-key"]
# Tests change plans between requests and expect the board's ROD page to count them (one test checks the keeping).
OPP_ROD_FIGURES_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
ALLOWED_HOSTS = ["*"]
OPP_PORTAL_URL = "https://opp-portaal.example.nl"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests that want a real worker start one on this broker (see tests/conftest.py);
# the rest run tasks inline. Naming the broker here keeps Celery's connection
# pools pointed at Redis whichever test touches them first.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or "redis://127.0.0.1:6379/0"
CELERY_TASK_ALWAYS_EAGER = True
# Serve static files straight from the source folders; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# This run's task folders in a folder of its own: a worker a test starts empties its work folder, and where several
# suites run at once on one machine (developers sharing it) the system's temp folder is everybody's.
OPP_WORK_DIR = env("OPP_WORK_DIR", default="") or tempfile.mkdtemp(prefix="opp-test-work-")
