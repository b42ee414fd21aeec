"""The embedded default: SQLite, no broker, console email, demo accounts without MFA."""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-demo-only-not-secret-0b7f3c1e9a")
OPP_REQUIRE_MFA = env.bool("OPP_REQUIRE_MFA", default=False)
OPP_MFA_KEYS = env.list("OPP_MFA_KEYS", default=["local-demo-only-not-secret-mfa-key"])
# Serve static files straight from the source folders; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
