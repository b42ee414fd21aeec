import datetime

import pytest

from plans.models import Opp, OppKind, OppStatus
from schools.models import Enrolment
from tests.factories import BoardFactory, EnrolmentFactory, PupilFactory, SchoolFactory, staff
from tests.plans.factories import OppFactory

BEGIN = datetime.date(2025, 1, 6)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ROD_EXPORT_RETRY_SECONDS = 0


class RodWorld:
    """One board with a bao school (and more on demand), its administrator and helpers to make periods."""

    def __init__(self):
        self.board = BoardFactory()
        self.school = SchoolFactory(board=self.board, school_type="bao")
        self.admin = staff("board_admin", board=self.board)

    def school_of(self, school_type: str):
        return SchoolFactory(board=self.board, school_type=school_type)

    def pupil(self, school=None, *, enrolment_date=datetime.date(2024, 8, 26), **kwargs):
        pupil = PupilFactory(**kwargs)
        EnrolmentFactory(pupil=pupil, school=school or self.school, enrolment_date=enrolment_date)
        return pupil

    def period(self, *, school=None, pupil=None, begin=BEGIN, end=None, kind=OppKind.EXTRA_SUPPORT,
               adopted=True) -> Opp:
        school = school or self.school
        pupil = pupil or self.pupil(school)
        if not Enrolment.objects.filter(pupil=pupil, school=school).exists():
            EnrolmentFactory(pupil=pupil, school=school)
        status = OppStatus.BEEINDIGD if end else (OppStatus.VASTGESTELD if adopted else OppStatus.CONCEPT)
        return OppFactory(school=school, pupil=pupil, kind=kind, status=status,
                          adopted_on=begin if adopted else None, ended_on=end)


@pytest.fixture
def rod(db):
    return RodWorld()
