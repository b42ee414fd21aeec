"""No 500 after a commit: with the broker refusing connections, every page that queues work answers with what
was saved, a resubmitted form records nothing new, and the work follows once the broker is back."""

import pytest
from django.core import mail
from django.urls import reverse

from consent.models import Decision, InstemmingDecision, InstemmingRequest
from opp_portal.outbox.models import MailStatus, OutgoingEmail
from plans.models import PdfRendering, PdfStatus
from registration.models import BatchState, ExportBatch
from tests.conftest import mail_sent_by_workers, wait_until
from tests.consent.factories import ConsentWorld
from tests.factories import UserFactory
from tests.plans.test_pdf import demo_plan
from tests.registration.conftest import RodWorld

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker_down(own_redis, broker_at):
    """This process queues on a broker of its own, which is then killed: connections are refused."""
    broker_at(own_redis.url)
    own_redis.kill()
    return own_redis


def test_a_parent_who_decides_twice_while_the_broker_is_down_sees_no_error_and_one_decision_is_recorded(
        client, broker_down):
    world = ConsentWorld("bao")
    opp, version = world.sent()
    request = world.ask(version)
    client.force_login(world.mother)
    url = reverse("consent:decide", kwargs={"opp_uuid": opp.uuid})
    for _ in range(2):  # the page seemed to hang, so she taps again
        response = client.post(url, {"decision": Decision.AKKOORD, "reason": "", "version": version.uuid})
        assert response.status_code == 302
    assert client.get(response.url).status_code == 200
    recipient = world.recipient(request, world.mother)
    assert InstemmingDecision.objects.filter(recipient=recipient).count() == 1
    # The notice to the ib waits in the outbox, once.
    assert OutgoingEmail.objects.filter(to=[world.ib.email], status=MailStatus.PENDING).count() == 1


def test_asking_for_instemming_while_the_broker_is_down_is_saved_once_and_the_mails_follow_when_it_is_back(
        client, own_redis, broker_at, worker_process):
    broker_at(own_redis.url)
    own_redis.kill()
    world = ConsentWorld("bao")
    opp, _version = world.sent()
    client.force_login(world.ib)
    url = reverse("consent:request_instemming", kwargs={"opp_uuid": opp.uuid})
    response = client.post(url, {"reason": "Nieuw plan"})
    assert response.status_code == 302
    page = client.get(reverse("consent:school", kwargs={"opp_uuid": opp.uuid})).content.decode()
    assert page.count("wordt verstuurd") == 2
    again = client.post(url, {"reason": "Nieuw plan"}, follow=True)  # sent twice: nothing new
    assert again.status_code == 200 and "Iedereen is al om instemming gevraagd" in again.content.decode()
    assert InstemmingRequest.objects.count() == 1
    assert OutgoingEmail.objects.filter(status=MailStatus.PENDING).count() == 2

    own_redis.start()
    worker_process()
    assert wait_until(lambda: OutgoingEmail.objects.filter(status=MailStatus.SENT).count() == 2, timeout=60)
    sent = mail_sent_by_workers(worker_process.mail_dir)
    assert sorted(m["To"] for m in sent) == sorted([world.mother.email, world.father.email])
    page = client.get(reverse("consent:school", kwargs={"opp_uuid": opp.uuid})).content.decode()
    assert page.count('<span class="text-success">verstuurd</span>') == 2 and "wordt verstuurd" not in page


def test_a_parent_still_gets_a_sign_in_code_while_the_broker_is_down(client, broker_down):
    UserFactory(email="ouder@example.test")
    response = client.post(reverse("account_request_login_code"), {"email": "ouder@example.test"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["ouder@example.test"]]
    row = OutgoingEmail.objects.get()
    assert row.status == MailStatus.SENT and row.attempts == 1
    assert row.body == "" and row.html == ""  # the code is not kept once it went out


def test_a_pdf_asked_for_while_the_broker_is_down_shows_the_queue_and_no_error(client, broker_down, settings,
                                                                               tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    world = ConsentWorld("bao")
    _opp, version = demo_plan(world)
    client.force_login(world.ib)
    response = client.get(reverse("plans:version_pdf", kwargs={"version_uuid": version.uuid}))
    assert response.status_code == 200
    assert "in de wachtrij" in response.content.decode()
    assert PdfRendering.objects.get(version=version).status == PdfStatus.PENDING


def test_an_export_started_twice_while_the_broker_is_down_is_one_batch_waiting_in_the_queue(client, broker_down):
    rod = RodWorld()
    rod.period()
    client.force_login(rod.admin)
    url = reverse("registration:start_export", kwargs={"board_uuid": rod.board.uuid})
    for _ in range(2):
        response = client.post(url, {"scope": "", "kind": "changes"})
        assert response.status_code == 302
    batch = ExportBatch.objects.get()
    assert batch.state == BatchState.BUILDING and batch.waiting and batch.attempts == 0
    assert "in de wachtrij" in client.get(response.url).content.decode()


@pytest.fixture
def silent_broker(broker_at):
    """A broker that accepts connections and never answers: Redis hung, or gone behind a NAT or a failover
    without closing the connection."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(50)
    accepted = []

    def accept() -> None:
        while True:
            try:
                connection = listener.accept()[0]
            except OSError:
                return
            accepted.append(connection)
            # Hung up at last, so that a client without a timeout fails this test instead of hanging it.
            threading.Timer(45, connection.close).start()

    threading.Thread(target=accept, daemon=True).start()
    broker_at(f"redis://127.0.0.1:{listener.getsockname()[1]}/0")
    yield
    listener.close()
    for connection in accepted:
        connection.close()


def test_a_broker_that_never_answers_holds_neither_a_saved_change_nor_healthz(client, silent_broker):
    import time

    UserFactory(email="ouder@example.test")
    started = time.monotonic()
    response = client.post(reverse("account_request_login_code"), {"email": "ouder@example.test"})
    assert response.status_code == 302 and [m.to for m in mail.outbox] == [["ouder@example.test"]]
    health = client.get(reverse("healthz"))
    assert health.status_code == 503 and health.json()["broker"] == "error"
    # Each waits for the broker a few seconds at most (before, both waited until the broker hung up).
    assert time.monotonic() - started < 30


def test_a_change_that_queues_many_mails_waits_for_a_silent_broker_once_not_once_per_mail(silent_broker):
    import time

    from django.core.mail import EmailMessage
    from django.db import transaction

    from opp_portal.mail import queue_email

    started = time.monotonic()
    with transaction.atomic():  # an import asking ten families about a transfer, say
        for n in range(10):
            queue_email(EmailMessage(subject=f"Overstap {n}", body="x", to=[f"ouder{n}@example.test"]))
    assert time.monotonic() - started < 20  # before: five seconds for every mail
    assert OutgoingEmail.objects.filter(status=MailStatus.PENDING).count() == 10  # the sweeper sends them
