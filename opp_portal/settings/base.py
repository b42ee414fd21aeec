"""Settings shared by every environment; values come from the environment."""

from pathlib import Path
from typing import Any

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "opp_portal.audit",
    "opp_portal.outbox",
    "schools",
    "plans",
    "consent",
    "registration",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "opp_portal.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "opp_portal.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "opp_portal.mfa.RequireStaffMFAMiddleware",
]

ROOT_URLCONF = "opp_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "opp_portal.context_processors.navigation",
            ],
            # Dutch dates in lower case ("20 okt. 2025") in every template: `|short_date`, `|long_date`.
            "builtins": ["opp_portal.dates"],
            "libraries": {"opp_menu": "opp_portal.menu"},
        },
    },
]

WSGI_APPLICATION = "opp_portal.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # No JIT: the pages' queries run for milliseconds, but a big plan (the overview's sections, the readiness
    # checks) passes PostgreSQL's cost threshold and spent 0.7 s compiling expressions to run 30 ms (issue 12).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()  # after any the URL gives
    # Prepared statements: a page's queries are the same on every request but for their values, and PostgreSQL
    # spent longer planning the big ones (a plan's records, the overview's sections: 4-8 ms) than running them
    # (under 1 ms). Bound on the server, a query asked twice on a connection is prepared and, where PostgreSQL
    # finds its generic plan as good as the custom ones, not planned again (issue 12). A connection pooler in
    # transaction mode (PgBouncer < 1.21) does not keep prepared statements: set DB_PREPARE_THRESHOLD=0 there.
    _prepare = env.int("DB_PREPARE_THRESHOLD", default=2)
    if _prepare > 0:
        _options.setdefault("server_side_binding", True)
        _options.setdefault("prepare_threshold", _prepare)
elif "sqlite" in DATABASES["default"]["ENGINE"]:
    # The demo: two requests writing at once (a double submit) wait for each other instead of one of them failing
    # with "database is locked" (a 500); a transaction takes the write lock when it starts, not halfway.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "schools.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    # The account has no first or last name field: the full name is what a password must not resemble.
    {"NAME": "opp_portal.passwords.NotLikeYouValidator", "OPTIONS": {"user_attributes": ("email", "full_name")}},
    {"NAME": "opp_portal.passwords.NameInPasswordValidator"},
    {"NAME": "opp_portal.passwords.LongEnoughValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# allauth: email is the login; nobody signs themselves up, the school creates
# accounts. Parents sign in with an emailed one-time code.
ACCOUNT_ADAPTER = "opp_portal.accounts.ClosedAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 600
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[OPP-portaal] "
ACCOUNT_PREVENT_ENUMERATION = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "OPP-portaal"
# TOTP secrets and recovery-code seeds are stored encrypted with the first of these keys (any of them
# decrypts, so a key can be rotated); production refuses to start without one.
MFA_ADAPTER = "opp_portal.mfa.EncryptingMFAAdapter"
OPP_MFA_KEYS = env.list("OPP_MFA_KEYS", default=[])

# Sign-in limits count per account and per client address. Behind the TLS proxy every request comes from the
# proxy, so the client's address is read from the header the proxy sets: OPP_TRUSTED_PROXY_COUNT proxies
# append to X-Forwarded-For (the address the last of them saw is used), or OPP_CLIENT_IP_HEADER names a
# header the proxy overwrites (e.g. X-Real-IP). Neither is trusted unless configured.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("OPP_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("OPP_CLIENT_IP_HEADER", default="") or None
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "request_login_code": "20/m/ip,3/m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# A code asked for an address nobody recorded gets one neutral mail: no sign-up link, nothing about anyone.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_FORMS = {
    # The first sign-in by code of a recorded guardian or invited pupil creates their account (consent.signin).
    "request_login_code": "consent.signin.RequestLoginCodeForm",
    # allauth's password forms with the portal's "u" where both new passwords differ (opp_portal.accounts).
    "change_password": "opp_portal.accounts.ChangePasswordForm",
    "set_password": "opp_portal.accounts.SetPasswordForm",
    "reset_password_from_key": "opp_portal.accounts.ResetPasswordKeyForm",
}

# The portal's public address: every link in a mail starts with it, never with the host a request used.
# Production refuses to start without an https address (settings/production.py).
OPP_PORTAL_URL = env("OPP_PORTAL_URL", default="http://localhost:8000").rstrip("/")

# Staff (everyone but parents and pupils) must use a second factor.
OPP_REQUIRE_MFA = env.bool("OPP_REQUIRE_MFA", default=True)

# One process (the demo, the tests) may keep rate limits and the TOTP replay guard in memory; production
# shares them between all workers in Redis (see production.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long the board's ROD page keeps its counts of every school (registration.monitoring.board_figures).
OPP_ROD_FIGURES_SECONDS = env.int("OPP_ROD_FIGURES_SECONDS", default=60)
# Read events (who looked at a plan) commit without waiting for the disk flush; see audit.service.record_read.
OPP_AUDIT_READS_WAIT_FOR_DISK = env.bool("OPP_AUDIT_READS_WAIT_FOR_DISK", default=False)

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Forms, fields and widgets rendered by Jinja2: Django's widget templates, and ours (templates/jinja2/opp/) for
# forms and fields in Bootstrap 5 markup (`opp_portal.form_renderer`). Pages stay Django templates.
FORM_RENDERER = "opp_portal.form_renderer.WidgetRenderer"

# Without a broker the demo runs tasks in-process, so it needs no other service.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# A broker that refuses must not hold a page for long: queuing after a commit tries briefly, then leaves the
# work to the outbox and the sweepers below (the change itself is already saved).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = env.int("CELERY_BROKER_CONNECTION_TIMEOUT", default=3)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Background jobs that must never be lost (see README, "Worker and beat"). Each job counts its attempts on its
# own record when it starts, so a worker killed mid-task uses up an attempt just like an exception does.
# Mail: written to the outbox in the same transaction as the change, sent by a task, retried with backoff.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETRY_SECONDS = env.int("OUTBOX_RETRY_SECONDS", default=60)  # doubles per attempt…
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=60 * 60)  # …up to this
OUTBOX_SENDING_STALE_SECONDS = env.int("OUTBOX_SENDING_STALE_SECONDS", default=5 * 60)  # a send that never finished
OUTBOX_SEND_EVERY_SECONDS = env.int("OUTBOX_SEND_EVERY_SECONDS", default=30)
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=30)
# PDFs and ROD exports: a heartbeat on the record; the sweeper re-queues one that stopped beating (or whose
# queue message was lost) and marks it failed after the last attempt.
JOB_SWEEP_EVERY_SECONDS = env.int("JOB_SWEEP_EVERY_SECONDS", default=60)
PDF_MAX_ATTEMPTS = env.int("PDF_MAX_ATTEMPTS", default=4)
PDF_RETRY_SECONDS = env.int("PDF_RETRY_SECONDS", default=30)  # doubles per attempt, as the exports' and the mail's
PDF_STALE_SECONDS = env.int("PDF_STALE_SECONDS", default=5 * 60)
PDF_TIME_LIMIT_SECONDS = env.int("PDF_TIME_LIMIT_SECONDS", default=3 * 60)
ROD_EXPORT_MAX_RETRIES = env.int("ROD_EXPORT_MAX_RETRIES", default=3)  # attempts = retries + 1
ROD_EXPORT_RETRY_SECONDS = env.int("ROD_EXPORT_RETRY_SECONDS", default=30)
ROD_EXPORT_STALE_SECONDS = env.int("ROD_EXPORT_STALE_SECONDS", default=5 * 60)
ROD_EXPORT_TIME_LIMIT_SECONDS = env.int("ROD_EXPORT_TIME_LIMIT_SECONDS", default=20 * 60)
# A retry waits at most this long; the broker's visibility timeout covers that wait plus the longest task.
JOB_RETRY_MAX_SECONDS = 10 * 60
# Temporary folders of running tasks; one folder per worker (the container's /tmp), emptied on worker start.
OPP_WORK_DIR = env("OPP_WORK_DIR", default="") or None

CELERY_TASK_ANNOTATIONS = {
    "plans.tasks.render_pdf": {
        "soft_time_limit": PDF_TIME_LIMIT_SECONDS, "time_limit": PDF_TIME_LIMIT_SECONDS + 30,
    },
    "registration.tasks.build_export": {
        "soft_time_limit": ROD_EXPORT_TIME_LIMIT_SECONDS, "time_limit": ROD_EXPORT_TIME_LIMIT_SECONDS + 60,
    },
}
# Redis hands an unacknowledged message to another worker after this long; just above the longest task (and
# the longest retry wait before it), so a killed worker's export comes back once, not after an hour, and a
# running one is never handed out twice. The sweeper usually re-queues a dead job well before this.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int(
        "CELERY_VISIBILITY_TIMEOUT", default=ROD_EXPORT_TIME_LIMIT_SECONDS + 60 + JOB_RETRY_MAX_SECONDS + 60),
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    # A broker that accepts the connection but never answers (hung, or gone behind a NAT or a failover) would
    # otherwise hold a publish, and with it a page after its commit and /healthz, forever.
    "socket_timeout": env.int("CELERY_BROKER_SOCKET_TIMEOUT", default=5),
}
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "send-outbox": {
        "task": "opp_portal.outbox.tasks.send_due_email", "schedule": OUTBOX_SEND_EVERY_SECONDS,
        "options": {"expires": OUTBOX_SEND_EVERY_SECONDS},
    },
    "sweep-pdfs": {
        "task": "plans.tasks.sweep_pdf_renderings", "schedule": JOB_SWEEP_EVERY_SECONDS,
        "options": {"expires": JOB_SWEEP_EVERY_SECONDS},
    },
    "sweep-rod-exports": {
        "task": "registration.tasks.sweep_export_batches", "schedule": JOB_SWEEP_EVERY_SECONDS,
        "options": {"expires": JOB_SWEEP_EVERY_SECONDS},
    },
    # The school leader's daily digest: only leaders with something new get a mail.
    "leader-digest": {"task": "plans.digest.send_leader_digests", "schedule": crontab(hour=7, minute=0)},
}

# The demo prints mail on the console; production configures SMTP.
MAILERS = {"default": {"BACKEND": env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="OPP-portaal <noreply@opp-portaal.nl>")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Bootstrap and htmx are served from our own static files, so the policy can
# forbid every other origin.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# The CSV import keeps a whole file in memory; 5,000 rows are well under this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
PUPIL_IMPORT_MAX_BYTES = 5 * 1024 * 1024

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
