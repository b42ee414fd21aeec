import pytest

from .factories import ConsentWorld


@pytest.fixture
def world(db):
    return ConsentWorld("bao")


@pytest.fixture
def world_for(db):
    return ConsentWorld
