"""Reaching the family: a guardian the school could not reach (rule 3 as amended), the pupil invited to their
own page, and the notices staff get in the portal when a parent refuses or asks for a conversation.

Loaded by `consent.models` (its last lines), so Django finds these models; writes go through `consent.services`.
"""

import uuid

from django.conf import settings
from django.db import connections, models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from opp_portal.access import reach_of
from opp_portal.replay import Replayed, one_array
from plans.models import Opp
from schools.models import Pupil

from .access import staff_record_q
from .models import InstemmingRecipient

# --- a guardian the school could not reach ---------------------------------------------------------------------

class UnreachableReason(models.TextChoices):
    NO_CONTACT = "geen_contact", _("geen contact mogelijk: adres, telefoon en e-mail onbekend of onjuist")
    ABROAD = "buitenland", _("verblijft in het buitenland en is niet bereikbaar")
    NO_ANSWER = "geen_reactie", _("geen reactie, ook niet na herinneringen")
    OTHER = "anders", _("anders")


class UnreachabilityQuerySet(models.QuerySet):
    def visible_to(self, user) -> "UnreachabilityQuerySet":
        """School staff who see the plan; the guardian it is about (their own record), never the other one."""
        staff = staff_record_q(user, "recipient__request__version__opp__")
        if staff is None:
            return self.all()
        if getattr(user, "is_authenticated", False):
            staff |= Q(recipient__guardian__user=user, recipient__guardian__email__iexact=user.email)
        return self.filter(staff)

    def confirmed(self) -> "UnreachabilityQuerySet":
        return self.filter(confirmed_at__isnull=False, withdrawn_at__isnull=True)


class Unreachability(models.Model):
    """The ib records that a guardian with gezag cannot be reached, with the attempts made and why; the school
    leader confirms it. Then the other guardian's akkoord suffices, never over a refusal; a decision the
    guardian gives after all still counts (rule 3)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(InstemmingRecipient, on_delete=models.PROTECT, related_name="unreachabilities")
    reason = models.CharField(_("waarom niet bereikbaar"), max_length=16, choices=UnreachableReason.choices)
    attempts = models.TextField(
        _("welke pogingen zijn gedaan"),
        help_text=_("Wanneer en hoe: e-mail, brief, telefoon, via de andere ouder, herinneringen."),
    )
    explanation = models.TextField(_("toelichting"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = UnreachabilityQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient"], condition=Q(withdrawn_at__isnull=True),
                                    name="unreachability_one_open_per_recipient"),
            # Four eyes: the leader who confirms is not the person who recorded it.
            models.CheckConstraint(name="unreachability_confirmed_by_someone_else",
                                   condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("recorded_by"))),
            models.CheckConstraint(name="unreachability_confirmation_complete",
                                   condition=Q(confirmed_by__isnull=True, confirmed_at__isnull=True)
                                   | Q(confirmed_by__isnull=False, confirmed_at__isnull=False)),
        ]
        verbose_name = _("ouder niet bereikbaar")
        verbose_name_plural = _("ouders niet bereikbaar")

    def __str__(self) -> str:
        return f"{self.recipient} niet bereikbaar"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None and self.withdrawn_at is None


# --- the pupil invited to their own page -------------------------------------------------------------------------

class PupilInvitationKind(models.TextChoices):
    OWN_PAGE = "eigen_pagina", _("eigen pagina: Hoe denk jij erover?")
    INSTEMMING = "instemming", _("instemming als meerderjarige leerling")


class PupilInvitationQuerySet(models.QuerySet):
    def for_address(self, pupil: Pupil) -> "PupilInvitationQuerySet":
        """Invitations to the address the school records for the pupil now; an earlier address no longer counts."""
        if not pupil.email:
            return self.none()
        return self.filter(pupil=pupil, email__iexact=pupil.email)


class PupilInvitation(models.Model):
    """The school invited the pupil to their own page (from 12, or younger when the school chooses), or the adult
    pupil to decide on instemming. Only an invited pupil can claim an account with their address."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="portal_invitations")
    email = models.EmailField(_("e-mailadres"))
    kind = models.CharField(_("soort"), max_length=16, choices=PupilInvitationKind.choices)
    younger_by_choice = models.BooleanField(_("jonger dan 12, op keuze van de school"), default=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PupilInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("uitnodiging voor de leerling")
        verbose_name_plural = _("uitnodigingen voor leerlingen")

    def __str__(self) -> str:
        return f"{self.pupil} ({self.get_kind_display()})"


# --- personal invitation links ---------------------------------------------------------------------------------

class InvitationLink(models.Model):
    """A personal link in a mail (consent.invitations): for one guardian or pupil, at the address the school
    recorded when it was made, optionally for one instemming request. Only a digest of the link's secret is
    kept; the link works while the school still records that address and for `invitations.MAX_AGE`."""

    token_digest = models.CharField(max_length=64, unique=True)
    guardian = models.ForeignKey("schools.Guardian", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey("consent.InstemmingRequest", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    address_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="invitation_link_guardian_or_pupil",
                condition=Q(guardian__isnull=False, pupil__isnull=True) | Q(guardian__isnull=True, pupil__isnull=False),
            ),
        ]
        verbose_name = _("persoonlijke link")
        verbose_name_plural = _("persoonlijke links")

    def __str__(self) -> str:
        return f"Link voor {self.guardian or self.pupil}"


# --- notices for staff ---------------------------------------------------------------------------------------------

class NoticeKind(models.TextChoices):
    REFUSED = "niet_akkoord", _("een ouder gaat niet akkoord")
    CONVERSATION = "gesprek_gewenst", _("een ouder wil eerst een gesprek")
    CONFIRM_UNREACHABLE = "bevestigen", _("bevestig dat een ouder niet bereikbaar is")


class StaffNoticeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "StaffNoticeQuerySet":
        """The user's own notices, about plans they still reach as staff."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        staff = staff_record_q(user)
        mine = self.filter(user=user)
        return mine if staff is None else mine.filter(staff)

    def unread(self) -> "StaffNoticeQuerySet":
        return self.filter(read_at__isnull=True)


_UNREAD = Replayed("notices.unread", {"user_id": (-712_345, -712_346), "school_ids": ([-712_347], [-712_348])})


def unread_notice_count(user) -> int:
    """How many of the user's notices are unread (the menu's badge on every staff page): `visible_to(user)
    .unread()`. For an ib or school leader that filter is "about a plan of one of their schools", so the count is
    replayed with their schools as one array (`opp_portal.replay`): building the policy's filter cost every staff
    page more than PostgreSQL counting (issue 12). A teacher's or superuser's filter has another shape: built."""
    reach = reach_of(user)
    if reach.everything or any(reach.teacher_groups.values()) or not reach.editable_school_ids:
        return StaffNotice.objects.visible_to(user).unread().count()

    def build(user_id: int, school_ids: list[int]) -> tuple[str, list]:
        unread = StaffNotice.objects.filter(user_id=user_id, read_at__isnull=True,
                                            opp__school_id__in=one_array(school_ids, StaffNotice.objects.db))
        sql, params = unread.order_by().values("pk").query.sql_with_params()
        return f"SELECT COUNT(*) FROM ({sql}) unread", list(params)

    found = _UNREAD.sql(build, (), user_id=user.pk, school_ids=sorted(reach.editable_school_ids))
    if found is None:  # not PostgreSQL
        return StaffNotice.objects.visible_to(user).unread().count()
    with connections[StaffNotice.objects.db].cursor() as cursor:
        cursor.execute(*found)
        return int(cursor.fetchone()[0])


class StaffNotice(models.Model):
    """A notice in the portal: for an ib, a parent refused or asked for a conversation (rule 4); for a school
    leader, an unreachable guardian waits for their confirmation (rule 3)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_notices")
    opp = models.ForeignKey(Opp, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("soort"), max_length=16, choices=NoticeKind.choices)
    version_number = models.PositiveIntegerField(_("versie"))
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = StaffNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.opp})"
