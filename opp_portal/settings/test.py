"""Test settings: SQLite unless DATABASE_URL points elsewhere; fast hashing."""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-not-secret"
OPP_REQUIRE_MFA = env.bool("OPP_REQUIRE_MFA", default=False)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests that want a real worker start one themselves; the rest run tasks inline.
CELERY_TASK_ALWAYS_EAGER = True
