import pytest

from consent.requirements import register_consent_requirements

from .factories import ConsentWorld


@pytest.fixture(autouse=True)
def real_consent_requirements():
    """Consent's real requirements answer the registry, whatever an earlier test left behind."""
    register_consent_requirements()
    yield


@pytest.fixture
def world(db):
    return ConsentWorld("bao")


@pytest.fixture
def world_for(db):
    return ConsentWorld
