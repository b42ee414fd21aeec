import os

from celery import Celery
from celery.signals import worker_init

# Production settings unless asked otherwise (see manage.py); `make run` asks for the demo.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opp_portal.settings.production")

app = Celery("opp_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _sweep_work_dir(**kwargs) -> None:
    """A worker that starts owns no running task yet: whatever is in its work folder was left by a killed one."""
    from .workdir import sweep_task_folders

    sweep_task_folders()
