"""/healthz: the database and the broker separately, the oldest unsent mail and stuck job, and a status code
a load balancer can use."""

import datetime

import pytest
from django.db import OperationalError
from django.utils import timezone

from opp_portal.outbox.models import OutgoingEmail
from registration.models import ExportBatch
from tests.factories import BoardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_up(own_redis, broker_at):
    broker_at(own_redis.url)
    return own_redis


@pytest.mark.redis
def test_with_database_and_broker_up_it_answers_200_with_nothing_waiting(client, broker_up):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok", "database": "ok", "broker": "ok", "oldest_unsent_email_seconds": None, "failed_emails": 0,
        "oldest_stuck_job_seconds": None, "stuck_jobs": {"pdf": None, "rod_export": None},
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.redis
def test_with_the_broker_down_it_answers_503_and_says_it_is_the_broker(client, broker_up):
    broker_up.kill()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["broker"]) == ("error", "ok", "error")


@pytest.mark.redis
def test_it_reports_the_age_of_the_oldest_unsent_mail_and_of_the_oldest_stuck_job(client, broker_up, settings):
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    row = OutgoingEmail.objects.create(subject="x", from_email="a@example.test", to=["b@example.test"],
                                       next_attempt_at=long_ago)
    OutgoingEmail.objects.filter(pk=row.pk).update(created_at=long_ago)
    ExportBatch.objects.create(board=BoardFactory(), kind="changes", attempts=1,
                               heartbeat_at=timezone.now() - datetime.timedelta(hours=1))
    body = client.get("/healthz").json()
    assert 2 * 3600 - 60 <= body["oldest_unsent_email_seconds"] <= 2 * 3600 + 60
    assert 3600 - 60 <= body["stuck_jobs"]["rod_export"] <= 3600 + 60
    assert body["oldest_stuck_job_seconds"] == body["stuck_jobs"]["rod_export"]


def test_with_the_database_down_it_answers_503_and_says_it_is_the_database(client, monkeypatch):
    from django.db import connection

    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    monkeypatch.setattr("opp_portal.health.broker_status", lambda: "ok")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "error", "broker": "ok", "status": "error"}


def test_without_a_broker_the_demo_runs_tasks_in_process_and_is_healthy(client, monkeypatch):
    from opp_portal.celery import app

    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = None, True
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
    assert response.status_code == 200 and response.json()["broker"] == "not configured"
