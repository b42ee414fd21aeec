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
