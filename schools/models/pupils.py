"""Pupils, their enrolments and their guardians (with or without gezag), and who may see whom."""

import datetime
import uuid
from collections.abc import Iterator
from typing import overload

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import connections, models
from django.db.models import F, Lookup, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..identifiers import validate_bsn, validate_onderwijsnummer
from .accounts import User
from .organisations import School


class PupilQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PupilQuerySet":
        from ..access import pupils_q, scoped

        return scoped(self, pupils_q(user))

    def editable_by(self, user) -> "PupilQuerySet":
        from ..access import editable_pupils_q, scoped

        return scoped(self, editable_pupils_q(user))

    def guardians_editable_by(self, user) -> "PupilQuerySet":
        """Pupils whose guardians the user may change (see `schools.access.guardian_pupils_q`)."""
        from ..access import guardian_pupils_q

        return self.filter(guardian_pupils_q(user))

    def enrolled_in(self, enrolments) -> "PupilQuerySet":
        """The pupils of `enrolments` (a queryset), fetched by primary key.

        `pk__in=<enrolments>` is a semi-join, and PostgreSQL answered it for one school's 2,500 pupils with a
        parallel scan of every pupil in the country (600,000 rows, ~100 ms, repeated by the paginator's count):
        its costs take an index lookup per pupil for a disk read. Asked as `pk = ANY(ARRAY(<enrolments>))` the
        enrolments are read first, once, and each pupil is an index lookup, so the cost follows the enrolments
        asked for, not the national table (issue 12).
        """
        ids = enrolments.order_by().values("pupil_id")
        if connections[self.db].vendor != "postgresql":
            return self.filter(pk__in=ids)
        return self.filter(_AnyOf(F("pk"), ArraySubquery(ids)))

    def by_name(self) -> "PupilQuerySet":
        """In the staff list's order: last name, first name, then the record (two pupils may share a name)."""
        return self.order_by("last_name", "first_name", "pk")


class PupilsByName:
    """The distinct pupils of `enrolments` by name, for a paginator: a page reads only its own pupils.

    PostgreSQL only (the copy of the name beside the enrolment, `schools.name_copy`): a page of fifty is the
    first distinct (last name, first name, pupil) of the enrolments, read in that order from the index
    `enrolment_school_pupil_name` and cut off after the page; then those pupils by primary key. Sorting the
    pupils themselves meant fetching every pupil of the school for each page (issue 12). The copy is the pupil's
    own name, so each pupil is one distinct triple and the order is the pupils' own (`PupilQuerySet.by_name`).
    """

    def __init__(self, pupils: PupilQuerySet, enrolments):
        self.pupils, self.enrolments = pupils, enrolments

    def count(self) -> int:
        return self.enrolments.order_by().values("pupil_id").distinct().count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator["Pupil"]:
        return iter(self[:])

    @overload
    def __getitem__(self, index: int) -> "Pupil": ...

    @overload
    def __getitem__(self, index: slice) -> PupilQuerySet: ...

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index:index + 1].get()
        ids = (self.enrolments.order_by("pupil_last_name", "pupil_first_name", "pupil_id")
               .values_list("pupil_id", "pupil_last_name", "pupil_first_name").distinct()[index])
        return self.pupils.filter(_AnyOf(F("pk"), _PupilIds(ids))).by_name()


class _PupilIds(ArraySubquery):
    """`ARRAY(SELECT pupil_id FROM (<query>))`: the ids of a page of enrolments' pupils, whose query also selects
    the columns it is distinct and ordered by."""

    template = 'ARRAY(SELECT "page"."pupil_id" FROM (%(subquery)s) "page")'

    def __init__(self, queryset):
        super().__init__(queryset, output_field=ArrayField(models.BigIntegerField()))


class _AnyOf(Lookup):
    """`lhs = ANY(<array expression>)`: PostgreSQL evaluates an uncorrelated ARRAY(subquery) once, before the
    outer query, and uses it as an index condition (see `PupilQuerySet.enrolled_in`)."""

    lookup_name = "any_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


class Pupil(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(_("voornaam"), max_length=100)
    name_prefix = models.CharField(_("tussenvoegsel"), max_length=20, blank=True)
    last_name = models.CharField(_("achternaam"), max_length=100)
    date_of_birth = models.DateField(_("geboortedatum"))
    # NULL, not "", for a missing number: the numbers are unique, and only NULLs may repeat.
    bsn = models.CharField(_("BSN"), max_length=9, null=True, blank=True, validators=[validate_bsn])  # noqa: DJ001
    onderwijsnummer = models.CharField(  # noqa: DJ001
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
        return str(_("BSN") if self.bsn else _("onderwijsnummer"))

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
        from ..access import enrolments_q, scoped

        return scoped(self, enrolments_q(user))

    def current(self, on: datetime.date | None = None) -> "EnrolmentQuerySet":
        day = on or timezone.localdate()
        return self.filter(enrolment_date__lte=day).filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=day))

    def of_pupils(self, pupil_ids: list[int]) -> "EnrolmentQuerySet":
        """The enrolments of these pupils. On PostgreSQL the ids are one array parameter: the generic plan of a
        prepared `IN (<one parameter per id>)` rebuilt that list for every row it scanned (issue 12)."""
        if connections[self.db].vendor != "postgresql":
            return self.filter(pupil_id__in=pupil_ids)
        return self.filter(_AnyOf(F("pupil_id"), Value(pupil_ids, output_field=ArrayField(models.BigIntegerField()))))


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
    # The pupil's name beside each enrolment, so that the staff's list reads a page of pupils in order from an
    # index per school instead of fetching and sorting every pupil of the school (issue 12). A copy no code
    # writes: on PostgreSQL the database keeps it the pupil's on every write path (`schools.name_copy`); on
    # SQLite it stays NULL and is never read.
    pupil_last_name = models.CharField(max_length=100, null=True, editable=False)  # noqa: DJ001
    pupil_first_name = models.CharField(max_length=100, null=True, editable=False)  # noqa: DJ001

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
        indexes = [
            models.Index(fields=["school", "group"]), models.Index(fields=["pupil", "school"]),
            models.Index(fields=["school", "pupil_last_name", "pupil_first_name", "pupil"],
                         name="enrolment_school_pupil_name"),
        ]
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
        from ..access import guardians_q, scoped

        return scoped(self, guardians_q(user))


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
    relationship = models.CharField(_("relatie"), max_length=20, choices=Relationship.choices,
                                    default=Relationship.PARENT)
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
