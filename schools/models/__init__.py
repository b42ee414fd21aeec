"""The schools app's models, one module per domain; import them from here (`from schools.models import Pupil`)."""

from .pupils import (
    ROD_SCHOOL_TYPES,
    SCHOOL_ROLES,
    Board,
    Enrolment,
    EnrolmentQuerySet,
    FundingModel,
    Guardian,
    GuardianQuerySet,
    Guardianship,
    Membership,
    Pupil,
    PupilQuerySet,
    PupilTransfer,
    Relationship,
    Role,
    Samenwerkingsverband,
    School,
    SchoolQuerySet,
    SchoolType,
    Sector,
    TransferDecider,
    TransferState,
    User,
    UserManager,
)

__all__ = [
    "ROD_SCHOOL_TYPES", "SCHOOL_ROLES", "Board", "Enrolment", "EnrolmentQuerySet", "FundingModel", "Guardian",
    "GuardianQuerySet", "Guardianship", "Membership", "Pupil", "PupilQuerySet", "PupilTransfer", "Relationship",
    "Role", "Samenwerkingsverband", "School", "SchoolQuerySet", "SchoolType", "Sector", "TransferDecider",
    "TransferState", "User", "UserManager",
]
