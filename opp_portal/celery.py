import os

from celery import Celery

# Production settings unless asked otherwise (see manage.py); `make run` asks for the demo.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opp_portal.settings.production")

app = Celery("opp_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
