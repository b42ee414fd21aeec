"""Production's settings for the benchmark's own server on 127.0.0.1: a throwaway secret (the harness makes one
per run and gives every process the same), plain HTTP behind no proxy, mail that never leaves the process, and
one extra page with a constant answer for the ceiling. Never used to serve anyone.
"""

import os

os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
# Production requires a Redis cache (rate limits, the TOTP replay guard) and the public https address for links
# in mails; the benchmark's: the Redis of its broker (keys carry production's prefix) and an address that
# resolves nowhere (mail stays in memory anyway).
os.environ.setdefault("CACHE_URL", os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"))
os.environ.setdefault("OPP_PORTAL_URL", "https://opp-bench.invalid")

from opp_portal.settings.production import *  # noqa: E402,F401,F403
from opp_portal.settings.production import env  # noqa: E402

ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "bench.urls"
# The load comes over plain HTTP on 127.0.0.1; HSTS and secure cookies stay as in production (headers only).
SECURE_SSL_REDIRECT = False
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STATIC_ROOT = env.path("BENCH_STATIC_ROOT", default=str(STATIC_ROOT))  # noqa: F405
# Tasks go to Redis like in production, on a queue of their own that only the benchmark's worker reads.
CELERY_TASK_DEFAULT_QUEUE = "opp-bench"
# The harness's own process builds data and measures the PDF and the import in-process: tasks run inline there.
CELERY_TASK_ALWAYS_EAGER = env.bool("BENCH_EAGER", default=CELERY_TASK_ALWAYS_EAGER)  # noqa: F405
