import pytest

from plans import requirements
from tests.consent.factories import ConsentSteps, ConsentWorld


@pytest.fixture
def consent():
    """The parents' and the pupil's steps through the real consent services."""
    return ConsentSteps()


@pytest.fixture
def without_consent():
    """The requirements as plans leaves them before consent answers: OOGO, hearing and instemming stay missing."""
    with requirements.REQUIREMENTS.unanswered(*(key for key, _label, _order in requirements.CONSENT_KEYS)):
        yield


@pytest.fixture
def world(db):
    return ConsentWorld("bao")


@pytest.fixture
def world_for(db):
    return ConsentWorld
