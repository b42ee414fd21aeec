"""Production: refuses to start without a secret; HTTPS only; MFA for staff."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters in production.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# Links in mails to parents point here; a link to 127.0.0.1 or plain http would reach nobody or leak the sign-in.
OPP_PORTAL_URL = env("OPP_PORTAL_URL", default="").rstrip("/")
_portal = urlsplit(OPP_PORTAL_URL)
if _portal.scheme != "https" or not _portal.hostname or _portal.hostname in ("localhost", "127.0.0.1", "::1") \
        or _portal.hostname.startswith("127."):
    raise ImproperlyConfigured(
        "OPP_PORTAL_URL must be set to the portal's public https address in production, e.g. https://opp.school.nl."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[f"https://{h}" for h in ALLOWED_HOSTS])
OPP_REQUIRE_MFA = env.bool("OPP_REQUIRE_MFA", default=True)

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MAILERS = {
    "default": {
        "BACKEND": env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": env("EMAIL_HOST", default="localhost"),
            "port": env.int("EMAIL_PORT", default=587),
            "username": env("EMAIL_HOST_USER", default=""),
            "password": env("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=True),
        },
    }
}
LOGGING["root"]["level"] = env("LOG_LEVEL", default="INFO")  # noqa: F405
