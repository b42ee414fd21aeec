"""Settings of a Celery worker that a test starts as a process of its own (see `tests/worker_process.py`).

The test settings, with a real broker and mail written to files the test reads. Database, broker, media
folder, work folder and the shrunk timeouts (sweep intervals, staleness) come from the environment, which
the base settings read, so the beat schedule and the broker's visibility timeout follow them.
"""

import os

from opp_portal.settings.test import *  # noqa: F401,F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": os.environ["OPP_TEST_MAIL_DIR"]},
    }
}
