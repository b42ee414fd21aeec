"""Organisations, people and who may see whom."""

import datetime
import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opp_portal.access import reach_of

from .identifiers import (
    validate_board_number,
    validate_brin,
    validate_bsn,
    validate_onderwijsnummer,
    validate_vestiging,
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
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
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class SchoolType(models.TextChoices):
    BAO = "bao", _("regulier basisonderwijs")
    SBO = "sbo", _("speciaal basisonderwijs")
    SO = "so", _("speciaal onderwijs")
    VO = "vo", _("regulier voortgezet onderwijs")
    PRO = "pro", _("praktijkonderwijs")
    VSO = "vso", _("voortgezet speciaal onderwijs")


class Sector(models.TextChoices):
    PO = "po", _("primair onderwijs")
    VO = "vo", _("voortgezet onderwijs")


class FundingModel(models.TextChoices):
    SCHOOL = "schoolmodel", _("schoolmodel")
    EXPERTISE = "expertisemodel", _("expertisemodel")
    LEERLING = "leerlingmodel", _("leerlingmodel")
    HYBRIDE = "hybride", _("hybride")


class Role(models.TextChoices):
    IB = "ib", _("intern begeleider")
    TEACHER = "teacher", _("leerkracht")
    SCHOOL_LEADER = "school_leader", _("schoolleider")
    BOARD_ADMIN = "board_admin", _("bestuursadministratie")
    SWV = "swv", _("medewerker samenwerkingsverband")
    PARENT = "parent", _("ouder/verzorger")
    PUPIL = "pupil", _("leerling")


SCHOOL_ROLES = (Role.IB, Role.TEACHER, Role.SCHOOL_LEADER)

# Rule 10: only regular primary and secondary schools register OPP periods with DUO (ROD).
ROD_SCHOOL_TYPES = (SchoolType.BAO, SchoolType.VO)


class Samenwerkingsverband(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("Bijvoorbeeld PO 25-05."))
    name = models.CharField(_("naam"), max_length=200)
    sector = models.CharField(_("sector"), max_length=2, choices=Sector.choices)
    funding_model = models.CharField(_("bekostigingsmodel"), max_length=20, choices=FundingModel.choices)
    steunpunt_contact = models.CharField(
        _("ouder- en jeugdsteunpunt"), max_length=300, blank=True,
        help_text=_("Hoe ouders en leerlingen het steunpunt bereiken (telefoon, e-mail of website)."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("samenwerkingsverband")
        verbose_name_plural = _("samenwerkingsverbanden")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Board(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("bevoegd-gezagnummer"), max_length=5, unique=True, validators=[validate_board_number])
    name = models.CharField(_("naam"), max_length=200)

    class Meta:
        ordering = ["number"]
        verbose_name = _("schoolbestuur")
        verbose_name_plural = _("schoolbesturen")

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class SchoolQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SchoolQuerySet":
        reach = reach_of(user)
        if reach.everything:
            return self.all()
        q = Q(pk__in=reach.school_ids) | Q(board_id__in=reach.board_ids) | Q(swv_id__in=reach.swv_ids)
        if reach.family_pupil_ids:
            q |= Q(enrolments__pupil_id__in=reach.family_pupil_ids)
            return self.filter(pk__in=self.model.objects.filter(q).values("pk"))
        return self.filter(q)

    def editable_by(self, user) -> "SchoolQuerySet":
        """Schools where the user may change pupil data (ib, school leader; a superuser everywhere)."""
        reach = reach_of(user)
        return self.all() if reach.everything else self.filter(pk__in=reach.editable_school_ids)


class School(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brin = models.CharField(_("BRIN"), max_length=4, validators=[validate_brin])
    vestiging = models.CharField(_("vestiging"), max_length=2, default="00", validators=[validate_vestiging])
    name = models.CharField(_("naam"), max_length=200)
    school_type = models.CharField(_("schoolsoort"), max_length=3, choices=SchoolType.choices)
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="schools", verbose_name=_("bestuur"))
    swv = models.ForeignKey(
        Samenwerkingsverband, on_delete=models.PROTECT, related_name="schools", verbose_name=_("samenwerkingsverband")
    )
    city = models.CharField(_("plaats"), max_length=100, blank=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["brin", "vestiging"], name="school_brin_vestiging_unique")]
        verbose_name = _("school")
        verbose_name_plural = _("scholen")

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        """BRIN and vestiging together, as DUO's messages use them (12AB00)."""
        return f"{self.brin}{self.vestiging}"

    @property
    def registers_with_rod(self) -> bool:
        return self.school_type in ROD_SCHOOL_TYPES


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
        _("groepen/klassen"), max_length=200, blank=True, help_text=_("Gescheiden door komma's, alleen voor leerkrachten.")
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="membership_role_matches_organisation",
                condition=(
                    Q(role__in=["ib", "teacher", "school_leader"], school__isnull=False, board__isnull=True, swv__isnull=True)
                    | Q(role="board_admin", school__isnull=True, board__isnull=False, swv__isnull=True)
                    | Q(role="swv", school__isnull=True, board__isnull=True, swv__isnull=False)
                ),
            ),
            # One constraint per kind of organisation: NULLs never collide in a plain unique index.
            models.UniqueConstraint(
                fields=["user", "role", "school"], condition=Q(school__isnull=False), name="membership_unique_school_role"
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


class PupilQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PupilQuerySet":
        reach = reach_of(user)
        if reach.everything:
            return self.all()
        enrolments = Enrolment.objects.filter(reach.enrolment_q()).values("pupil_id")
        q = Q(pk__in=enrolments)
        if reach.family_pupil_ids:
            q |= Q(pk__in=reach.family_pupil_ids)
        return self.filter(q)

    def editable_by(self, user) -> "PupilQuerySet":
        reach = reach_of(user)
        if reach.everything:
            return self.all()
        return self.filter(pk__in=Enrolment.objects.filter(school_id__in=reach.editable_school_ids).values("pupil_id"))

    def guardians_editable_by(self, user) -> "PupilQuerySet":
        """Pupils whose guardians (and their gezag) the user may change: enrolled now at a school they edit.

        A school the pupil left keeps reading its own records, but no longer decides who receives the
        instemming mails of a child it no longer teaches.
        """
        reach = reach_of(user)
        current = Enrolment.objects.current()
        if not reach.everything:
            current = current.filter(school_id__in=reach.editable_school_ids)
        return self.filter(pk__in=current.values("pupil_id"))


class Pupil(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(_("voornaam"), max_length=100)
    name_prefix = models.CharField(_("tussenvoegsel"), max_length=20, blank=True)
    last_name = models.CharField(_("achternaam"), max_length=100)
    date_of_birth = models.DateField(_("geboortedatum"))
    bsn = models.CharField(_("BSN"), max_length=9, null=True, blank=True, validators=[validate_bsn])
    onderwijsnummer = models.CharField(
        _("onderwijsnummer"), max_length=9, null=True, blank=True, validators=[validate_onderwijsnummer]
    )
    # The pupil's own address, for their own page (hoorrecht) and, once adult, their instemming. An account is
    # linked to the pupil only while its address is this one (see opp_portal.access).
    email = models.EmailField(_("e-mailadres van de leerling"), blank=True)
    user = models.OneToOneField(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="pupil_record")
    # Set when a school without reach over the pupil already known by this number enrolled them: this record is
    # that school's own (the answer looked exactly like adding a new pupil) until the pupil's current school or
    # a parent confirms the transfer; then its enrolments move onto the record it points to (schools.transfers).
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PupilQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                name="pupil_has_exactly_one_identifier",
                condition=Q(bsn__isnull=False, onderwijsnummer__isnull=True)
                | Q(bsn__isnull=True, onderwijsnummer__isnull=False),
            ),
            # One record per number is the pupil's own; the others are schools' records awaiting (or refused) a
            # transfer, or merged into it. ROD registers per enrolment, so each enrolment keeps the number.
            models.UniqueConstraint(
                fields=["bsn"], condition=Q(duplicate_of__isnull=True), name="pupil_bsn_unique_per_pupil",
            ),
            models.UniqueConstraint(
                fields=["onderwijsnummer"], condition=Q(duplicate_of__isnull=True),
                name="pupil_onderwijsnummer_unique_per_pupil",
            ),
            models.CheckConstraint(name="pupil_duplicate_of_another_record", condition=~Q(duplicate_of=F("pk"))),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["bsn"], name="pupil_bsn_idx"),
            models.Index(fields=["onderwijsnummer"], name="pupil_onderwijsnummer_idx"),
        ]
        verbose_name = _("leerling")
        verbose_name_plural = _("leerlingen")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.name_prefix, self.last_name) if p)

    @property
    def sort_name(self) -> str:
        prefix = f", {self.first_name} {self.name_prefix}".rstrip()
        return f"{self.last_name}{prefix}"

    @property
    def identifier_label(self) -> str:
        return _("BSN") if self.bsn else _("onderwijsnummer")

    @property
    def identifier(self) -> str:
        return self.bsn or self.onderwijsnummer or ""

    @property
    def masked_identifier(self) -> str:
        """Shown in lists and to roles that do not edit the pupil's record: a BSN or onderwijsnummer never in
        full, at most its last three digits (an onderwijsnummer in full would single out a pupil without a BSN)."""
        value = self.identifier
        return f"••••••{value[-3:]}" if value else ""

    def age_on(self, day: datetime.date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def age_years(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def is_adult(self) -> bool:
        return self.age_years >= 18


class EnrolmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EnrolmentQuerySet":
        reach = reach_of(user)
        if reach.everything:
            return self.all()
        q = reach.enrolment_q()
        if reach.family_pupil_ids:
            q |= Q(pupil_id__in=reach.family_pupil_ids)
        return self.filter(q)

    def current(self, on: datetime.date | None = None) -> "EnrolmentQuerySet":
        day = on or timezone.localdate()
        return self.filter(enrolment_date__lte=day).filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=day))


class Enrolment(models.Model):
    """A pupil's inschrijving at a school location, as the LAS knows it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="enrolments")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("school"))
    sequence_number = models.CharField(
        _("inschrijvingvolgnummer"), max_length=20,
        help_text=_("Het volgnummer van de inschrijving zoals het administratiesysteem van de school het kent."),
    )
    enrolment_date = models.DateField(_("inschrijfdatum"))
    leaving_date = models.DateField(_("uitschrijfdatum"), null=True, blank=True)
    group = models.CharField(_("groep/klas"), max_length=20, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["-enrolment_date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "sequence_number"], name="enrolment_sequence_unique_per_school"),
            models.CheckConstraint(
                name="enrolment_leaving_not_before_enrolment",
                condition=Q(leaving_date__isnull=True) | Q(leaving_date__gte=models.F("enrolment_date")),
            ),
        ]
        indexes = [models.Index(fields=["school", "group"]), models.Index(fields=["pupil", "school"])]
        verbose_name = _("inschrijving")
        verbose_name_plural = _("inschrijvingen")

    def __str__(self) -> str:
        return f"{self.pupil} @ {self.school.code}"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.enrolment_date <= today and (self.leaving_date is None or self.leaving_date >= today)


class GuardianQuerySet(models.QuerySet):
    def visible_to(self, user) -> "GuardianQuerySet":
        reach = reach_of(user)
        if reach.everything:
            return self.all()
        pupils = Enrolment.objects.filter(reach.enrolment_q(include_board=False)).values("pupil_id")
        q = Q(guardianships__pupil_id__in=pupils)
        if reach.child_ids:
            # A parent sees the guardians of their own children; a pupil does not see their parents' details.
            q |= Q(guardianships__pupil_id__in=reach.child_ids)
        return self.filter(pk__in=self.model.objects.filter(q).values("pk"))


class Guardian(models.Model):
    """A parent or carer; `has_gezag` on the link to each child says whether they decide."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(_("voornaam"), max_length=100, blank=True)
    name_prefix = models.CharField(_("tussenvoegsel"), max_length=20, blank=True)
    last_name = models.CharField(_("achternaam"), max_length=100)
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoonnummer"), max_length=30, blank=True)
    # One person may be recorded by several schools (a child at each); every record with their address links
    # to their one account, and only while the address the school recorded is the account's (opp_portal.access).
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="guardian_records")

    objects = GuardianQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("ouder/verzorger")
        verbose_name_plural = _("ouders/verzorgers")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.name_prefix, self.last_name) if p)


class Relationship(models.TextChoices):
    MOTHER = "moeder", _("moeder")
    FATHER = "vader", _("vader")
    PARENT = "ouder", _("ouder")
    GUARDIAN = "voogd", _("voogd")
    CARER = "verzorger", _("verzorger")
    OTHER = "anders", _("anders")


class Guardianship(models.Model):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="guardianships")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="guardianships")
    relationship = models.CharField(_("relatie"), max_length=20, choices=Relationship.choices, default=Relationship.PARENT)
    has_gezag = models.BooleanField(
        _("heeft gezag"), default=True, help_text=_("Alleen ouders met gezag beslissen over instemming.")
    )

    class Meta:
        ordering = ["-has_gezag", "guardian__last_name"]
        constraints = [models.UniqueConstraint(fields=["pupil", "guardian"], name="guardianship_unique")]
        verbose_name = _("gezagsrelatie")
        verbose_name_plural = _("gezagsrelaties")

    def __str__(self) -> str:
        return f"{self.guardian} → {self.pupil}"


class TransferState(models.TextChoices):
    PENDING = "pending", _("wacht op bevestiging")
    CONFIRMED = "confirmed", _("bevestigd")
    DECLINED = "declined", _("niet bevestigd")
    WITHDRAWN = "withdrawn", _("ingetrokken")


class TransferDecider(models.TextChoices):
    SCHOOL = "school", _("de huidige school")
    FAMILY = "family", _("ouder of leerling")


class PupilTransfer(models.Model):
    """An overstap: a school enrolled a pupil under a number the portal already knows at a school out of its reach.

    The receiving school works on its own record (`incoming`) and learns nothing of the existing one (`pupil`)
    until the pupil's current school or a parent with gezag confirms; then the records join.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="transfers")
    incoming = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    receiving_school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=TransferState.choices, default=TransferState.PENDING)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_as = models.CharField(max_length=10, choices=TransferDecider.choices, blank=True)
    # The school on whose behalf a staff member decided.
    deciding_school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("toelichting"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["incoming"], condition=Q(state="pending"), name="transfer_one_pending_per_record",
            ),
            models.CheckConstraint(name="transfer_between_two_records", condition=~Q(pupil=F("incoming"))),
        ]
        indexes = [models.Index(fields=["pupil", "state"])]
        verbose_name = _("overstap")
        verbose_name_plural = _("overstappen")

    def __str__(self) -> str:
        return f"{self.incoming_id} → {self.pupil_id} ({self.state})"
