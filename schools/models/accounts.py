"""Accounts and roles: the user (signs in with an email address) and their memberships of schools, boards and
samenwerkingsverbanden."""

import uuid
from typing import ClassVar, cast

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .organisations import Board, Samenwerkingsverband, School


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = cast("User", self.model(email=self.normalize_email(email).lower(), **fields))
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mailadres"), unique=True)
    full_name = models.CharField(_("naam"), max_length=150, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    is_staff = models.BooleanField(_("toegang tot beheer"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    IB = "ib", _("intern begeleider")
    TEACHER = "teacher", _("leerkracht")
    SCHOOL_LEADER = "school_leader", _("schoolleider")
    BOARD_ADMIN = "board_admin", _("bestuursadministratie")
    SWV = "swv", _("medewerker samenwerkingsverband")
    PARENT = "parent", _("ouder/verzorger")
    PUPIL = "pupil", _("leerling")


SCHOOL_ROLES = (Role.IB, Role.TEACHER, Role.SCHOOL_LEADER)


class Membership(models.Model):
    """A user's role in an organisation: a school, a board or an SWV."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    board = models.ForeignKey(Board, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    swv = models.ForeignKey(
        Samenwerkingsverband, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    # A teacher reads the pupils of the groups they teach; empty means none.
    groups = models.CharField(
        _("groepen/klassen"), max_length=200, blank=True,
        help_text=_("Gescheiden door komma's, alleen voor leerkrachten."),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="membership_role_matches_organisation",
                condition=(
                    Q(role__in=["ib", "teacher", "school_leader"], school__isnull=False, board__isnull=True,
                      swv__isnull=True)
                    | Q(role="board_admin", school__isnull=True, board__isnull=False, swv__isnull=True)
                    | Q(role="swv", school__isnull=True, board__isnull=True, swv__isnull=False)
                ),
            ),
            # One constraint per kind of organisation: NULLs never collide in a plain unique index.
            models.UniqueConstraint(
                fields=["user", "role", "school"], condition=Q(school__isnull=False),
                name="membership_unique_school_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "board"], condition=Q(board__isnull=False), name="membership_unique_board_role"
            ),
            models.UniqueConstraint(
                fields=["user", "role", "swv"], condition=Q(swv__isnull=False), name="membership_unique_swv_role"
            ),
        ]
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")

    def __str__(self) -> str:
        org = self.school or self.board or self.swv
        return f"{self.user} – {self.get_role_display()} – {org}"

    @property
    def group_list(self) -> list[str]:
        return [g.strip() for g in self.groups.split(",") if g.strip()]
