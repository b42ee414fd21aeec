"""Consent: OOGO meetings with the parents (rule 1), instemming on one frozen version (rules 2-4), the
pupil's hearing (rule 5) and the parents' own view on the plan.

Writes go through `consent.services`; reads through the `visible_to(user)` querysets below.
"""

import operator
import uuid
from functools import reduce

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opp_portal.append_only import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet  # noqa: F401
from plans.models import Evaluation, Opp, OppVersion
from schools.models import Guardian, Pupil

from .access import record_q, scoped, staff_record_q

# --- OOGO ---------------------------------------------------------------------------------------------------

class OogoQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OogoQuerySet":
        """School staff who see the plan; the parents once the plan was sent. Not the pupil."""
        return scoped(self, record_q(user))


class OogoMeeting(models.Model):
    """Op overeenstemming gericht overleg with the parents (rule 1)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    opp = models.ForeignKey(Opp, on_delete=models.PROTECT, related_name="oogo_meetings")
    held_on = models.DateField(_("datum overleg"))
    participants = models.TextField(_("wie waren erbij"), help_text=_("Namen en rollen, bijvoorbeeld: moeder, ib'er."))
    discussed_handelingsdeel = models.BooleanField(_("handelingsdeel besproken"), default=False)
    discussed_uitstroomperspectief = models.BooleanField(_("uitstroomperspectief besproken"), default=False)
    parents_view = models.TextField(_("wat de ouders vinden"), help_text=_("In de woorden van de ouders."))
    agreements = models.TextField(_("wat is afgesproken"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OogoQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="oogo_discusses_at_least_one_part",
                condition=Q(discussed_handelingsdeel=True) | Q(discussed_uitstroomperspectief=True),
            )
        ]
        verbose_name = _("overleg met de ouders (OOGO)")
        verbose_name_plural = _("overleggen met de ouders (OOGO)")

    def __str__(self) -> str:
        return f"OOGO {self.opp} {self.held_on}"


# --- hoorrecht ----------------------------------------------------------------------------------------------

class HearingMethod(models.TextChoices):
    GESPREK = "gesprek", _("gesprek")
    VRAGENLIJST = "vragenlijst", _("vragenlijst")
    TEKENING = "tekening", _("tekening")
    VIA_OUDERS = "via_ouders", _("via de ouders")
    PORTAAL = "portaal", _("zelf in het portaal (Hoe denk jij erover?)")
    ANDERS = "anders", _("anders")


class HearingSource(models.TextChoices):
    SCHOOL = "school", _("vastgelegd door de school")
    PUPIL = "pupil", _("door de leerling zelf")


class HearingQuerySet(models.QuerySet):
    def visible_to(self, user) -> "HearingQuerySet":
        """School staff who see the plan; the parents once the plan was sent; the pupil only their own."""
        return scoped(self, record_q(user, pupil=True))


class Hearing(models.Model):
    """How the pupil was heard (rule 5) for the plan being drawn up, a version or an evaluation; or why not."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    opp = models.ForeignKey(Opp, on_delete=models.PROTECT, related_name="hearings")
    version = models.ForeignKey(OppVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="hearings")
    evaluation = models.ForeignKey(
        Evaluation, null=True, blank=True, on_delete=models.PROTECT, related_name="hearings"
    )
    heard = models.BooleanField(_("de leerling is gehoord"), default=True)
    heard_on = models.DateField(_("wanneer"), null=True, blank=True)
    method = models.CharField(_("hoe"), max_length=12, choices=HearingMethod.choices, blank=True)
    heard_by = models.CharField(_("door wie"), max_length=200, blank=True)
    pupil_view = models.TextField(_("wat de leerling vindt"), blank=True, help_text=_("In de woorden van de leerling."))
    school_response = models.TextField(_("wat de school ermee doet"), blank=True)
    not_heard_reason = models.TextField(_("waarom de leerling niet is gehoord"), blank=True)
    source = models.CharField(_("bron"), max_length=6, choices=HearingSource.choices, default=HearingSource.SCHOOL)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HearingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="hearing_heard_with_view_or_reason",
                condition=(Q(heard=True, heard_on__isnull=False) & ~Q(pupil_view="") & ~Q(method=""))
                | (Q(heard=False) & ~Q(not_heard_reason="")),
            )
        ]
        verbose_name = _("hoorrecht")
        verbose_name_plural = _("hoorrecht")

    def __str__(self) -> str:
        return f"{'Gehoord' if self.heard else 'Niet gehoord'}: {self.opp}"


# --- instemming ---------------------------------------------------------------------------------------------

class InstemmingRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> "InstemmingRequestQuerySet":
        staff = staff_record_q(user, "version__opp__")
        if staff is None:
            return self.all()
        mine = InstemmingRecipient.objects.for_user(user).values("request_id")
        return self.filter(staff | Q(pk__in=mine))


class InstemmingRequest(models.Model):
    """The school asks every deciding party for instemming on one frozen version."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(OppVersion, on_delete=models.PROTECT, related_name="instemming_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(_("reden van het verzoek"))
    requested_on = models.DateField(_("datum verzoek"), default=timezone.localdate)
    answer_by = models.DateField(_("graag een antwoord vóór"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InstemmingRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("verzoek om instemming")
        verbose_name_plural = _("verzoeken om instemming")

    def __str__(self) -> str:
        return f"Instemming {self.version}"

    @property
    def opp(self) -> Opp:
        return self.version.opp


class RecipientState(models.TextChoices):
    NOT_OPENED = "not_opened", _("nog niet geopend")
    OPENED = "opened", _("geopend")
    AKKOORD = "akkoord", _("akkoord")
    NIET_AKKOORD = "niet_akkoord", _("niet akkoord")
    GESPREK_GEWENST = "gesprek_gewenst", _("wil eerst een gesprek")


def person_q(user, prefix: str = "") -> Q:
    """The guardian or pupil rows of `user`: linked to the account, and still recorded with its address (a
    school that changes the address takes the record away from the old account)."""
    return (Q(**{f"{prefix}guardian__user": user, f"{prefix}guardian__email__iexact": user.email})
            | Q(**{f"{prefix}pupil__user": user, f"{prefix}pupil__email__iexact": user.email}))


class InstemmingRecipientQuerySet(models.QuerySet):
    def for_user(self, user) -> "InstemmingRecipientQuerySet":
        """The rows where `user` is the deciding party: a guardian with a login, or the adult pupil."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(person_q(user))

    def visible_to(self, user) -> "InstemmingRecipientQuerySet":
        """School staff who see the plan see every row; a parent or adult pupil only their own."""
        staff = staff_record_q(user, "request__version__opp__")
        if staff is None:
            return self.all()
        if getattr(user, "is_authenticated", False):
            staff |= person_q(user)
        return self.filter(staff)


class InstemmingRecipient(models.Model):
    """One deciding party of a request: a guardian with gezag, or the adult pupil instead (rule 3)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(InstemmingRequest, on_delete=models.PROTECT, related_name="recipients")
    guardian = models.ForeignKey(Guardian, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("naam"), max_length=200)
    email = models.EmailField(_("e-mailadres"), blank=True)
    opened_at = models.DateTimeField(_("geopend op"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("herinneringen"), default=0)
    last_reminder_at = models.DateTimeField(_("laatste herinnering"), null=True, blank=True)

    objects = InstemmingRecipientQuerySet.as_manager()

    class Meta:
        ordering = ["request", "pk"]
        constraints = [
            models.CheckConstraint(
                name="recipient_guardian_or_pupil",
                condition=Q(guardian__isnull=False, pupil__isnull=True) | Q(guardian__isnull=True, pupil__isnull=False),
            ),
            models.UniqueConstraint(fields=["request", "guardian"], name="recipient_guardian_once_per_request"),
            models.UniqueConstraint(fields=["request", "pupil"], name="recipient_pupil_once_per_request"),
        ]
        verbose_name = _("ontvanger verzoek om instemming")
        verbose_name_plural = _("ontvangers verzoek om instemming")

    def __str__(self) -> str:
        return self.name

    @property
    def party(self) -> tuple[str, int]:
        """Who decides, the same across requests: ("guardian", id) or ("pupil", id)."""
        if self.guardian_id:
            return ("guardian", self.guardian_id)
        assert self.pupil_id is not None  # a recipient is a guardian or a pupil (a check constraint)
        return ("pupil", self.pupil_id)

    @property
    def person(self):
        return self.guardian if self.guardian_id else self.pupil

    @property
    def current_email(self) -> str:
        """Where the party is reached now: the address the school records today (not the one at the request)."""
        return self.person.email

    def is_user(self, user) -> bool:
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        person = self.person
        return (person.user_id is not None and person.user_id == user.pk
                and bool(person.email) and person.email.lower() == user.email.lower())

    @property
    def latest_decision(self) -> "InstemmingDecision | None":
        """The latest decision counts (rule 2, `DECISION_ORDER`); only decisions on this request's version and its
        exact content."""
        # Set by a list of recipients that read every recipient's decisions in one query (`with_latest_decisions`).
        if hasattr(self, "_latest_decision"):
            return self._latest_decision
        return self.decisions.on(self.request.version).last()

    @property
    def state(self) -> str:
        decision = self.latest_decision
        if decision is not None:
            return decision.decision
        return RecipientState.OPENED if self.opened_at else RecipientState.NOT_OPENED

    def get_state_display(self) -> str:
        return str(RecipientState(self.state).label)


class Decision(models.TextChoices):
    AKKOORD = "akkoord", _("akkoord")
    NIET_AKKOORD = "niet_akkoord", _("niet akkoord")
    GESPREK_GEWENST = "gesprek_gewenst", _("ik wil eerst een gesprek")


class HowGiven(models.TextChoices):
    ONLINE = "online", _("online in het portaal")
    OP_PAPIER = "op_papier", _("op papier")
    IN_GESPREK = "in_gesprek", _("in een gesprek")


# "The latest decision of a party on a version" (rule 2), defined once: a decision counts only on the exact content
# of its version, and the latest is the latest by the moment it was made (`decided_at`), not by the moment it was
# typed in; then by the moment it was recorded. The checklist (`consent.requirements.latest_decisions`), its
# queryset form (`latest_of_each`), `InstemmingRecipient.latest_decision`, the pages and the PDF all use this.
DECISION_ORDER = ("decided_at", "created_at", "pk")
LATEST_FIRST = tuple(f"-{name}" for name in DECISION_ORDER)


def _later_than_outer() -> Q:
    """A decision after the outer one in `DECISION_ORDER` (compared field by field, the first that differs)."""
    later, same = [], Q()
    for name in DECISION_ORDER:
        later.append(same & Q(**{f"{name}__gt": OuterRef(name)}))
        same &= Q(**{name: OuterRef(name)})
    return reduce(operator.or_, later)


class InstemmingDecisionQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user) -> "InstemmingDecisionQuerySet":
        return self.filter(recipient__in=InstemmingRecipient.objects.visible_to(user))

    def counting(self) -> "InstemmingDecisionQuerySet":
        """Decisions on the exact content of their version; a decision on other content never counts."""
        return self.filter(content_hash=F("version__content_hash"))

    def on(self, version: OppVersion) -> "InstemmingDecisionQuerySet":
        """The decisions that count on `version`, in `DECISION_ORDER` (the last is the latest)."""
        return self.filter(version=version, content_hash=version.content_hash).order_by(*DECISION_ORDER)

    def latest_of_each(self) -> "InstemmingDecisionQuerySet":
        """Of these, the decisions that are the latest of their recipient on their version: the queryset form of
        `InstemmingRecipient.latest_decision`, for any number of plans in one query."""
        later = InstemmingDecision.objects.counting().filter(
            _later_than_outer(), recipient_id=OuterRef("recipient_id"), version_id=OuterRef("version_id"))
        return self.counting().exclude(Exists(later))


def scan_path(instance: "InstemmingDecision", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"consent/scans/{instance.uuid}.{extension[:8]}"


class InstemmingDecision(AppendOnlyModel):
    """One decision of one party on one exact version; never edited. Changing one's mind is a new record."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(InstemmingRecipient, on_delete=models.PROTECT, related_name="decisions")
    version = models.ForeignKey(OppVersion, on_delete=models.PROTECT, related_name="instemming_decisions")
    content_hash = models.CharField(_("controlegetal van de versie"), max_length=64)
    decision = models.CharField(_("besluit"), max_length=16, choices=Decision.choices)
    reason = models.TextField(_("toelichting"), blank=True)
    how = models.CharField(_("hoe gegeven"), max_length=12, choices=HowGiven.choices)
    # Online: the parent or adult pupil themself. On paper or in a meeting: the school user who recorded it.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scan = models.FileField(_("scan"), upload_to=scan_path, blank=True)
    decided_at = models.DateTimeField(_("besloten op"), default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InstemmingDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="decision_refusal_has_reason",
                condition=~Q(decision="niet_akkoord") | ~Q(reason=""),
            ),
            models.CheckConstraint(
                name="decision_offline_has_recorder",
                condition=Q(how="online", decided_by__isnull=False) | (~Q(how="online") & Q(recorded_by__isnull=False)),
            ),
        ]
        verbose_name = _("besluit over instemming")
        verbose_name_plural = _("besluiten over instemming")

    def __str__(self) -> str:
        return f"{self.recipient}: {self.get_decision_display()} ({self.version})"

    def counts_for(self, version: OppVersion | None) -> bool:
        """Whether this is a decision on exactly `version` and its content (as `InstemmingDecisionQuerySet.on`)."""
        return version is not None and self.version_id == version.pk and self.content_hash == version.content_hash



# --- the parents' own view ----------------------------------------------------------------------------------

class ParentViewQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ParentViewQuerySet":
        """School staff who see the plan; the parents of the child. Not the pupil."""
        return scoped(self, record_q(user))


class ParentView(models.Model):
    """A parent's own view on the plan, added at any time; the school sees it with the plan."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    opp = models.ForeignKey(Opp, on_delete=models.PROTECT, related_name="parent_views")
    version = models.ForeignKey(OppVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("uw kijk op het plan"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParentViewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("inbreng van de ouders")
        verbose_name_plural = _("inbreng van de ouders")

    def __str__(self) -> str:
        return f"{self.guardian} over {self.opp}"


from .outreach import (  # noqa: E402,F401  (models in their own module, registered with this app)
    InvitationLink,
    NoticeKind,
    PupilInvitation,
    PupilInvitationKind,
    StaffNotice,
    Unreachability,
    UnreachableReason,
)
