import pytest

from plans import requirements

from .factories import PlanWorld
from .standins import ConsentStandIns


@pytest.fixture
def consent():
    """Register the consent stand-ins in the adoption registry for one test, then restore it."""
    saved = {r.key: (r, requirements.is_placeholder(r.key)) for r in requirements.registered()}
    standins = ConsentStandIns()
    for requirement in standins.requirements():
        requirements.register(requirement, replace=True)
    yield standins
    for requirement in standins.requirements():
        requirements.unregister(requirement.key)
    for key, (requirement, placeholder) in saved.items():
        if placeholder:
            requirements.expect(key, requirement.label, order=requirement.order)
        else:
            requirements.register(requirement, replace=True)


@pytest.fixture
def world(db):
    return PlanWorld("bao")


@pytest.fixture
def world_for(db):
    return PlanWorld
