"""Staff handle special personal data about children, so they sign in with a second factor.

Three pieces: the middleware that holds every staff session (and the admin's) to having passed the second
factor in this very session, not merely to owning an authenticator; the recording of that proof when a staff
member sets up their authenticator app; and the MFA adapter that keeps TOTP secrets and recovery-code seeds
encrypted in the database (Fernet, with keys from `OPP_MFA_KEYS`; see README "Security").
"""

import base64
import hashlib
from functools import cache
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.signals import authenticator_added
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .access import reach_of

_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz")


def needs_second_factor(user) -> bool:
    """Everyone who works in the portal or its admin; parents and pupils sign in with an emailed code."""
    return bool(user.is_superuser or user.is_staff or reach_of(user).is_staff)


def passed_second_factor(request, user) -> bool:
    """Whether this session, not some earlier one, signed in (or set up the authenticator) with a second factor."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


class RequireStaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.OPP_REQUIRE_MFA:
            user = getattr(request, "user", None)
            if (user is not None and user.is_authenticated and not request.path.startswith(_EXEMPT_PREFIXES)
                    and needs_second_factor(user)):
                from allauth.mfa.models import Authenticator

                # A session that passed the second factor had an authenticator then; asking the database again on
                # every request would cost every staff page a query (issue 12). Without that proof, a staff member
                # without an authenticator sets one up, and anyone else signs in again.
                if passed_second_factor(request, user):
                    return self.get_response(request)
                if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                    return redirect("mfa_activate_totp")
                # Signed in some other way (a password alone): start again through the sign-in that asks for the code.
                logout(request)
                messages.info(request, _("Log opnieuw in met uw wachtwoord en de code uit uw authenticator-app."))
                query = f"?{urlencode({'next': request.get_full_path()})}" if request.method == "GET" else ""
                return redirect(reverse("account_login") + query)
        return self.get_response(request)


@receiver(authenticator_added)
def _setting_up_proves_the_second_factor(sender, request, user, authenticator, **kwargs) -> None:
    """Activating TOTP takes a valid code from the app, so this session has passed the second factor."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator

    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True)


# --- encrypted secrets -----------------------------------------------------------------------------------------

ENCRYPTED_PREFIX = "fernet:"


def _fernet_key(secret: str) -> bytes:
    """A Fernet key as `Fernet.generate_key()` makes it, or any other long secret turned into one (SHA-256)."""
    try:
        if len(base64.urlsafe_b64decode(secret.encode())) == 32:
            return secret.encode()
    except ValueError:
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(b"opp-portal mfa secrets\0" + secret.encode()).digest())


@cache
def _fernet(keys: tuple[str, ...]):
    from cryptography.fernet import Fernet, MultiFernet

    return MultiFernet([Fernet(_fernet_key(key)) for key in keys])


def cipher():
    keys = tuple(settings.OPP_MFA_KEYS)
    if not keys:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("OPP_MFA_KEYS is empty: TOTP secrets cannot be stored encrypted.")
    return _fernet(keys)


def encrypt_secret(text: str) -> str:
    return ENCRYPTED_PREFIX + cipher().encrypt(text.encode()).decode()


def decrypt_secret(stored: str) -> str:
    # A secret stored before encryption was introduced is read as it is (and encrypted by a migration).
    if not stored.startswith(ENCRYPTED_PREFIX):
        return stored
    return cipher().decrypt(stored[len(ENCRYPTED_PREFIX):].encode()).decode()


class EncryptingMFAAdapter(DefaultMFAAdapter):
    """allauth calls these for the TOTP secret and the recovery-code seed before they reach the database."""

    # The code pages speak "u", as the rest of the portal (allauth's Dutch says "Ongeldige code.").
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": gettext_lazy("Deze code klopt niet. Vul de code in die uw authenticator-app nu laat zien."),
    }

    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)
