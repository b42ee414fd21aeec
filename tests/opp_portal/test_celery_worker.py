import pytest
from django.core import mail

from opp_portal.mail import deliver_email
from tests.conftest import wait_until

pytestmark = pytest.mark.redis


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_delivers_queued_email(celery_worker_on_redis):
    deliver_email.delay(
        subject="Inlogcode", body="Uw code is 123456", to=["ouder@example.test"], from_email="noreply@example.test"
    )
    assert wait_until(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].subject == "Inlogcode"


@pytest.mark.django_db(transaction=True)
def test_after_redis_restarts_without_its_queues_the_sweepers_complete_queued_mail_pdfs_and_exports(
        own_redis, broker_at, worker_process):
    import redis
    from django.core.mail import EmailMultiAlternatives
    from django.db import transaction

    from opp_portal.mail import queue_email
    from opp_portal.outbox.models import MailStatus, OutgoingEmail
    from plans import pdf
    from plans.models import PdfStatus
    from registration import services
    from registration.models import BatchState, ExportedPeriod
    from tests.conftest import mail_sent_by_workers
    from tests.plans.factories import PlanWorld
    from tests.plans.test_pdf import demo_plan
    from tests.registration.conftest import RodWorld

    broker_at(own_redis.url)
    world = PlanWorld("bao")
    _opp, version = demo_plan(world)
    rendering = pdf.request_version_pdf(user=world.ib, version=version)
    rod = RodWorld()
    rod.period()
    with transaction.atomic():
        batch = services.start_export(user=rod.admin, board=rod.board)
        queue_email(EmailMultiAlternatives(subject="Uw instemming gevraagd", body="Zie het portaal.",
                                           from_email="noreply@example.test", to=["ouder@example.test"]))
    queue = redis.Redis.from_url(own_redis.url)
    assert queue.llen("celery") == 3  # the PDF, the export and the mail, all on their way…
    own_redis.restart_empty()
    assert redis.Redis.from_url(own_redis.url).llen("celery") == 0  # …and all lost

    worker_process()

    def all_done() -> bool:
        rendering.refresh_from_db()
        batch.refresh_from_db()
        return (rendering.status == PdfStatus.READY and batch.state == BatchState.READY
                and OutgoingEmail.objects.get().status == MailStatus.SENT)

    assert wait_until(all_done, timeout=90)
    assert ExportedPeriod.objects.filter(batch=batch).count() == 1
    assert [m["Subject"] for m in mail_sent_by_workers(worker_process.mail_dir)] == ["Uw instemming gevraagd"]
