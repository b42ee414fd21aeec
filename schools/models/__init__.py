"""The schools app's models, one module per domain; import them from here (`from schools.models import Pupil`)."""

from .accounts import SCHOOL_ROLES, Membership, Role, User, UserManager
from .organisations import (
    ROD_SCHOOL_TYPES,
    Board,
    FundingModel,
    Samenwerkingsverband,
    School,
    SchoolQuerySet,
    SchoolType,
    Sector,
)
from .pupils import (
    Enrolment,
    EnrolmentQuerySet,
    Guardian,
    GuardianQuerySet,
    Guardianship,
    Pupil,
    PupilQuerySet,
    PupilsByName,
    Relationship,
)
from .transfers import PupilTransfer, TransferDecider, TransferState

__all__ = [
    "ROD_SCHOOL_TYPES", "SCHOOL_ROLES", "Board", "Enrolment", "EnrolmentQuerySet", "FundingModel", "Guardian",
    "GuardianQuerySet", "Guardianship", "Membership", "Pupil", "PupilQuerySet", "PupilsByName", "PupilTransfer",
    "Relationship", "Role", "Samenwerkingsverband", "School", "SchoolQuerySet", "SchoolType", "Sector",
    "TransferDecider", "TransferState", "User", "UserManager",
]
