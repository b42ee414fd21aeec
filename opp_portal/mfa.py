"""Staff handle special personal data about children, so they sign in with a second factor."""

from django.conf import settings
from django.shortcuts import redirect

from .access import reach_of

_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz")


class RequireStaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.OPP_REQUIRE_MFA and self._needs_setup(request):
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _needs_setup(request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(_EXEMPT_PREFIXES):
            return False
        if not reach_of(user).is_staff:
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
