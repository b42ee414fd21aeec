"""Signing in by emailed code creates or links the account of a recorded guardian or an invited pupil.

The school records the address; only whoever reads that mailbox receives the code, so only they can claim the
account, and the account is bound to that address (`opp_portal.access` honours a link only while the
school's record still carries the account's address). Nobody can sign up otherwise.

- `RequestLoginCodeForm` (allauth's form, set in `ACCOUNT_FORMS`): a code asked for a recorded guardian
  with gezag or an invited pupil who has no account yet makes the account, so allauth can send the code; for
  any other unknown address allauth sends one neutral mail (templates/account/email/unknown_account_*).
- `claim_records` links every guardian record and the invited pupil record with the account's address to the
  account; it runs at every sign-in (`user_logged_in`), so a school that records the address later is
  picked up at the next sign-in.
"""

import logging

from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from opp_portal.access import forget_reach
from opp_portal.audit.actions import Action
from opp_portal.audit.service import record
from opp_portal.errors import focus_first_error
from schools.models import Guardian, Guardianship, Pupil, User

from .outreach import PupilInvitation

logger = logging.getLogger(__name__)


def _guardians_with(email: str):
    return Guardian.objects.filter(email__iexact=email)


def _invited_pupils_with(email: str):
    invited = PupilInvitation.objects.filter(email__iexact=email).values("pupil_id")
    return Pupil.objects.filter(email__iexact=email, pk__in=invited)


def is_claimable(email: str) -> bool:
    """A guardian with gezag over a child, or a pupil the school invited, is recorded with this address."""
    email = (email or "").strip().lower()
    if not email:
        return False
    with_gezag = Guardianship.objects.filter(guardian__email__iexact=email, has_gezag=True)
    return with_gezag.exists() or _invited_pupils_with(email).exists()


def _name_for(email: str) -> str:
    person = _guardians_with(email).order_by("pk").first() or _invited_pupils_with(email).order_by("pk").first()
    return person.full_name if person else ""


@transaction.atomic
def account_for_first_sign_in(*, email: str) -> User | None:
    """The account a first sign-in by code will use: made now (without a password) for a recorded guardian with
    gezag or an invited pupil, so the code can be sent to the recorded address. It reaches nothing until
    the code is entered (`claim_records`). None for an address nobody recorded."""
    email = (email or "").strip().lower()
    if not is_claimable(email) or User.objects.filter(email__iexact=email).exists():
        return None
    try:
        with transaction.atomic():
            user = User.objects.create_user(email, None, full_name=_name_for(email))
    except IntegrityError:  # made at the same moment by a second request
        return User.objects.filter(email__iexact=email, is_active=True).first()
    record(actor=None, action=Action.ACCOUNT_CREATED_FOR_SIGN_IN, obj=user, on_behalf_of="system",
           details={"how": "code"})
    return user


def shared_records(email: str) -> tuple[set[int], set[int]]:
    """Guardian and invited pupil records with this address that decide about a child together with another record
    with the same address (two parents, or a parent and the child). Whoever reads the mailbox cannot be told apart,
    so none of them is linked: one person would otherwise decide for both. The school's forms refuse such an
    address; this holds for records that came in before or around them."""
    holders: dict[int, set[tuple[str, int]]] = {}
    for guardian_id, pupil_id in Guardianship.objects.filter(guardian__email__iexact=email).values_list(
            "guardian_id", "pupil_id"):
        holders.setdefault(pupil_id, set()).add(("guardian", guardian_id))
    for pupil_id in _invited_pupils_with(email).values_list("pk", flat=True):
        holders.setdefault(pupil_id, set()).add(("pupil", pupil_id))
    shared = {record for records in holders.values() if len(records) > 1 for record in records}
    return {pk for kind, pk in shared if kind == "guardian"}, {pk for kind, pk in shared if kind == "pupil"}


@transaction.atomic
def claim_records(*, user: User) -> list[tuple[str, int]]:
    """Link the account to every guardian record and invited pupil record that the school keeps with its
    address, and let go of records whose address the school has changed or shares with another family member
    (`shared_records`). Returns what was linked."""
    email = (user.email or "").strip().lower()
    linked: list[tuple[str, int]] = []
    if not email:
        return linked
    shared_guardians, shared_pupils = shared_records(email)
    for guardian in Guardian.objects.filter(user=user, pk__in=shared_guardians).select_for_update():
        guardian.user = None
        guardian.save(update_fields=["user"])
        for pupil_id in guardian.guardianships.values_list("pupil_id", flat=True):
            record(actor=user, action=Action.GUARDIAN_ACCOUNT_UNLINKED, obj=guardian, on_behalf_of=f"user:{user.pk}",
                   pupil_id=pupil_id, details={"reason": "address_shared"})
    for guardian in _guardians_with(email).exclude(user=user).exclude(pk__in=shared_guardians).select_for_update():
        previous = guardian.user_id
        guardian.user = user
        guardian.save(update_fields=["user"])
        linked.append(("guardian", guardian.pk))
        for pupil_id in guardian.guardianships.values_list("pupil_id", flat=True):
            record(actor=user, action=Action.GUARDIAN_ACCOUNT_LINKED, obj=guardian, on_behalf_of=f"user:{user.pk}",
                   pupil_id=pupil_id, details={"replaced_account": previous is not None})
    for guardian in Guardian.objects.filter(user=user).exclude(email__iexact=email).select_for_update():
        guardian.user = None
        guardian.save(update_fields=["user"])
        for pupil_id in guardian.guardianships.values_list("pupil_id", flat=True):
            record(actor=user, action=Action.GUARDIAN_ACCOUNT_UNLINKED, obj=guardian, on_behalf_of=f"user:{user.pk}",
                   pupil_id=pupil_id, details={"reason": "address_changed"})
    own = Pupil.objects.filter(user=user).first()
    if own is not None and (own.email.lower() != email or own.pk in shared_pupils):
        own.user = None
        own.save(update_fields=["user"])
        record(actor=user, action=Action.PUPIL_ACCOUNT_UNLINKED, obj=own, on_behalf_of=f"user:{user.pk}",
               pupil_id=own.pk,
               details={"reason": "address_changed" if own.email.lower() != email else "address_shared"})
        own = None
    if own is None:
        pupil = (_invited_pupils_with(email).exclude(user=user).exclude(pk__in=shared_pupils).select_for_update()
                 .order_by("pk").first())
        if pupil is not None:
            previous = pupil.user_id
            pupil.user = user
            pupil.save(update_fields=["user"])
            linked.append(("pupil", pupil.pk))
            record(actor=user, action=Action.PUPIL_ACCOUNT_LINKED, obj=pupil, on_behalf_of=f"user:{user.pk}",
                   pupil_id=pupil.pk, details={"replaced_account": previous is not None})
    forget_reach(user)
    return linked


def claim_on_sign_in(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    """`user_logged_in` receiver (connected in ConsentConfig.ready)."""
    try:
        linked = claim_records(user=user)
    except Exception:  # a failed link must never block the sign-in itself; it is retried at the next one
        logger.exception("Linking the records of user %s failed", user.pk)
        return
    if request is None or not hasattr(request, "_messages"):
        return
    if linked:
        messages.success(request, _("Welkom in het OPP-portaal. Uw account is gekoppeld aan de gegevens die de "
                                    "school van u heeft."))
    if any(shared_records((user.email or "").strip().lower())):
        messages.warning(request, _(
            "De school heeft uw e-mailadres ook vastgelegd voor een ander gezinslid dat over hetzelfde kind "
            "beslist. Iedereen beslist zelf, met een eigen e-mailadres; daarom ziet u dat kind hier nu niet. Geef de "
            "school een eigen e-mailadres voor ieder van u door."))


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    """allauth's "send me a code" form; the first time, a recorded guardian or invited pupil gets an account."""

    def clean_email(self) -> str:
        email = super().clean_email()
        if email and getattr(self, "_user", None) is None:
            self._user = account_for_first_sign_in(email=email)
        return email

    def full_clean(self) -> None:
        super().full_clean()
        if self._errors:
            focus_first_error(self)  # the cursor on the address with its message, as on every family form


def send_code_to_recorded_address(request: HttpRequest, email: str) -> bool:
    """From an invitation link: send a sign-in code to the address the school records (never one the visitor
    types), through allauth's own code flow and its rate limits. False when the limit is reached."""
    from allauth.account.internal.flows.login_by_code import LoginCodeVerificationProcess

    form = RequestLoginCodeForm(data={"email": email})
    if not form.is_valid():
        return False
    LoginCodeVerificationProcess.initiate(request=request, user=form._user, email=form.cleaned_data["email"])
    return True
