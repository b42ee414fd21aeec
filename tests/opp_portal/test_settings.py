"""Production settings refuse to start without a real secret; the defaults run without any."""

import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
GOOD_KEY = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz!@#$%"
MFA_KEY = "ZmFrZS1idXQtbG9uZy1lbm91Z2gtZm9yLWEtdGVzdC1rZXk="
# What production needs besides SECRET_KEY and ALLOWED_HOSTS: the shared cache and the TOTP encryption key.
BACKING = {"CACHE_URL": "redis://redis:6379/2", "OPP_MFA_KEYS": MFA_KEY}
SERVICES = {**BACKING, "OPP_PORTAL_URL": "https://opp.example.nl"}
SHOW = (
    "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = {module!r}; django.setup();"
    "from django.conf import settings as s;"
    "print(s.DEBUG, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
    " s.SECURE_HSTS_SECONDS > 0, s.OPP_REQUIRE_MFA, s.CSRF_TRUSTED_ORIGINS)"
)


def start(module: str, **env: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with nothing in its environment but `env`."""
    return subprocess.run(
        [sys.executable, "-c", SHOW.format(module=module)],
        env={"PATH": "/usr/bin:/bin", **env}, cwd=BASE_DIR, capture_output=True, text=True, timeout=60,
    )


def test_production_without_secret_key_refuses_to_start():
    result = start("opp_portal.settings.production", ALLOWED_HOSTS="opp.example.nl")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_production_with_a_short_secret_key_refuses_to_start():
    result = start("opp_portal.settings.production", SECRET_KEY="x" * 49, ALLOWED_HOSTS="opp.example.nl")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = start("opp_portal.settings.production", SECRET_KEY=GOOD_KEY, **SERVICES)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "ALLOWED_HOSTS" in result.stderr


def test_production_without_the_public_portal_address_refuses_to_start():
    result = start("opp_portal.settings.production", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="opp.example.nl", **BACKING)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "OPP_PORTAL_URL" in result.stderr


def test_production_refuses_a_portal_address_on_127_0_0_1_or_without_https():
    for address in ("http://127.0.0.1:8000", "https://localhost", "http://opp.example.nl", "opp.example.nl"):
        result = start("opp_portal.settings.production", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="opp.example.nl",
                       OPP_PORTAL_URL=address, **BACKING)
        assert result.returncode != 0, address
        assert "OPP_PORTAL_URL" in result.stderr


def test_production_starts_with_a_long_secret_and_allowed_hosts_and_is_locked_down():
    assert len(GOOD_KEY) >= 50
    result = start("opp_portal.settings.production", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="opp.example.nl,www.opp.example.nl",
                   **SERVICES)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == (
        "False ['opp.example.nl', 'www.opp.example.nl'] True True True True True "
        "['https://opp.example.nl', 'https://www.opp.example.nl']"
    )


def test_local_settings_run_without_any_environment():
    result = subprocess.run(
        [sys.executable, "-c", "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'opp_portal.settings.local';"
         " django.setup(); from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], bool(s.SECRET_KEY))"],
        env={"PATH": "/usr/bin:/bin"}, cwd=BASE_DIR, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3 True"


def test_production_refuses_a_long_secret_key_of_few_different_characters():
    result = start("opp_portal.settings.production", SECRET_KEY="ab" * 40, ALLOWED_HOSTS="opp.example.nl", **SERVICES)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "different characters" in result.stderr


def test_production_accepts_a_hex_secret_key():
    result = start("opp_portal.settings.production", SECRET_KEY="0123456789abcdef" * 4, ALLOWED_HOSTS="opp.example.nl",
                   **SERVICES)
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_shared_redis_cache():
    result = start("opp_portal.settings.production", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="opp.example.nl",
                   OPP_MFA_KEYS=MFA_KEY, OPP_PORTAL_URL="https://opp.example.nl")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "CACHE_URL" in result.stderr


def test_production_refuses_to_start_without_a_key_for_the_totp_secrets():
    result = start("opp_portal.settings.production", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="opp.example.nl",
                   CACHE_URL="redis://redis:6379/2", OPP_PORTAL_URL="https://opp.example.nl")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "OPP_MFA_KEYS" in result.stderr


def test_production_keeps_rate_limits_in_redis_and_reads_the_client_address_behind_one_proxy():
    code = ("import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'opp_portal.settings.production'; django.setup();"
            "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'],"
            " s.ALLAUTH_TRUSTED_PROXY_COUNT, s.MFA_ADAPTER)")
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "opp.example.nl", **SERVICES},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "redis://redis:6379/2", "1",
                                     "opp_portal.mfa.EncryptingMFAAdapter"]


def test_manage_py_without_settings_refuses_to_run_the_demo_settings_with_their_public_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env={"PATH": "/usr/bin:/bin"}, cwd=BASE_DIR,
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_makemigrations_without_settings_reads_the_code_without_production_secrets_or_the_demo_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], env={"PATH": "/usr/bin:/bin"},
        cwd=BASE_DIR, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
    from opp_portal.settings import code_only, local

    assert code_only.DEBUG is False and code_only.SECRET_KEY != local.SECRET_KEY and len(code_only.SECRET_KEY) >= 50


def test_the_celery_app_without_settings_uses_the_production_settings():
    code = "import opp_portal.celery, os; print(os.environ['DJANGO_SETTINGS_MODULE'])"
    result = subprocess.run([sys.executable, "-c", code], env={"PATH": "/usr/bin:/bin"}, cwd=BASE_DIR,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "opp_portal.settings.production"


def test_make_run_asks_for_the_demo_settings():
    makefile = (BASE_DIR / "Makefile").read_text()
    assert "DEMO := DJANGO_SETTINGS_MODULE=opp_portal.settings.local" in makefile
    for command in ("manage.py migrate", "manage.py seed_demo", "manage.py runserver"):
        assert f"$(DEMO) $(PY) {command}" in makefile

