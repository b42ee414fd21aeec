import pytest

from consent.requirements import register_consent_requirements
from plans import requirements
from tests.consent.factories import ConsentSteps, ConsentWorld


@pytest.fixture(autouse=True)
def real_consent_requirements():
    """Plans are tested against consent's real answers to the adoption registry, whatever a test left behind."""
    register_consent_requirements()
    yield


@pytest.fixture
def consent():
    """The parents' and the pupil's steps through the real consent services."""
    return ConsentSteps()


@pytest.fixture
def without_consent():
    """The registry as plans leaves it before consent answers: OOGO, hearing and instemming stay missing."""
    for key, label, order in requirements.CONSENT_KEYS:
        requirements.unregister(key)
        requirements.expect(key, label, order=order)
    yield
    register_consent_requirements()


@pytest.fixture
def world(db):
    return ConsentWorld("bao")


@pytest.fixture
def world_for(db):
    return ConsentWorld
