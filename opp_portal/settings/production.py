"""Production: refuses to start without a secret; HTTPS only; MFA for staff."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
# A long key of few different characters ("aaaa…", a repeated word) is no secret.
MIN_SECRET_KEY_LENGTH, MIN_SECRET_KEY_CHARACTERS = 50, 10
if len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH or len(set(SECRET_KEY)) < MIN_SECRET_KEY_CHARACTERS:
    raise ImproperlyConfigured(
        f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY_LENGTH} characters, with at least "
        f"{MIN_SECRET_KEY_CHARACTERS} different characters, in production."
    )

# TOTP secrets are encrypted with these keys; a missing key would store them readable for anyone with a backup.
OPP_MFA_KEYS = env.list("OPP_MFA_KEYS", default=[])
if not OPP_MFA_KEYS or any(len(key) < 32 for key in OPP_MFA_KEYS):
    raise ImproperlyConfigured(
        "OPP_MFA_KEYS must be set in production: one or more random keys of at least 32 characters, separated by "
        "commas (the first encrypts new TOTP secrets). Make one with "
        "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`."
    )

# Rate limits and the TOTP replay guard must be shared by every gunicorn worker: Redis.
CACHE_URL = env("CACHE_URL", default="") or env("REDIS_URL", default="")
if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("CACHE_URL must be set in production to a Redis URL, e.g. redis://redis:6379/2.")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
                      "KEY_PREFIX": "opp"}}
# The documented production shape runs behind one TLS-terminating proxy that appends to X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("OPP_TRUSTED_PROXY_COUNT", default=1)

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
# Sessions stay in the database (nothing is lost when Redis is flushed) but are read from the Redis cache: the
# session query would otherwise be one of every page's twelve (issue 12). Production only: tests roll the
# database back under a cache that would remember the rolled-back sessions.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
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
            # A sign-in code is sent from the web process when the broker is down: never hang a page on SMTP.
            "timeout": env.int("EMAIL_TIMEOUT", default=20),
        },
    }
}
LOGGING["root"]["level"] = env("LOG_LEVEL", default="INFO")  # noqa: F405
