"""The second factor: staff pass it in the session they work in, the admin has no way around it, sign-in
attempts are limited per account and per client address, and TOTP secrets are stored encrypted."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache
from django.urls import reverse

from schools.models import User
from tests.factories import EnrolmentFactory, SchoolFactory, parent_of, staff

pytestmark = pytest.mark.django_db

PASSWORD = "een-lang-wachtwoord-2026"


@pytest.fixture(autouse=True)
def fresh_limits():
    """Rate limits and used TOTP codes live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def production_like(settings):
    """The settings production runs with, as far as signing in goes."""
    settings.OPP_REQUIRE_MFA = True
    settings.DEBUG = False
    settings.OPP_MFA_KEYS = ["a-production-like-key-of-at-least-32-characters"]


def ib_with_password():
    user = staff("ib", school=SchoolFactory())
    user.set_password(PASSWORD)
    user.save()
    return user


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_code(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


@pytest.fixture
def superuser():
    return User.objects.create_superuser("beheer@example.test", PASSWORD)


# --- item 2: no way around the second factor ---------------------------------------------------------------------

def test_the_admin_sign_in_with_a_password_alone_gives_no_session(client, production_like, superuser):
    with_totp(superuser)
    response = client.post("/beheer/login/?next=/beheer/", {"username": superuser.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=%2Fbeheer%2F"
    assert "_auth_user_id" not in client.session
    assert client.get("/beheer/").status_code == 302
    assert client.get(reverse("admin:schools_school_changelist")).status_code == 302


def test_the_admin_sign_in_page_sends_to_the_portals_sign_in_and_never_to_another_site(client, production_like):
    response = client.get("/beheer/login/?next=https://evil.example/")
    assert response.url == reverse("account_login") + "?next=%2Fbeheer%2F"


def test_a_session_that_skipped_the_second_factor_is_signed_out_though_an_authenticator_exists(
        client, production_like, superuser):
    with_totp(superuser)
    client.force_login(superuser)  # as a password-only sign-in would leave it
    response = client.get("/beheer/")
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    ib = staff("ib", school=SchoolFactory())
    with_totp(ib)
    client.force_login(ib)
    assert client.get(reverse("schools:pupil_list")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_superuser_who_gives_the_code_reaches_the_admin(client, production_like, superuser):
    secret = with_totp(superuser)
    response = sign_in(client, superuser.email)
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert client.get("/beheer/").status_code == 302  # the password alone signed nobody in
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.get("/beheer/").status_code == 200


def test_staff_with_a_totp_authenticator_get_their_page_after_giving_the_code(client, production_like):
    user = ib_with_password()
    secret = with_totp(user)
    sign_in(client, user.email)
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert client.get(reverse("schools:pupil_list")).status_code == 200


def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, production_like):
    client.force_login(staff("ib", school=SchoolFactory()))
    response = client.get(reverse("schools:pupil_list"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


@pytest.mark.django_db(transaction=True)  # allauth announces the new authenticator when its transaction commits
def test_setting_up_the_authenticator_app_counts_as_passing_the_second_factor(client, production_like):
    user = ib_with_password()
    sign_in(client, user.email)
    assert client.get(reverse("schools:pupil_list")).url == reverse("mfa_activate_totp")
    # allauth asks for the password again before an authenticator is added.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert client.get(reverse("schools:pupil_list")).status_code == 200


def test_parents_are_not_asked_for_a_second_factor(client, production_like):
    client.force_login(parent_of(EnrolmentFactory().pupil))
    assert client.get(reverse("schools:my_children")).status_code == 200


def test_the_demo_setting_lets_staff_in_without_a_second_factor(client, settings):
    settings.OPP_REQUIRE_MFA = False
    client.force_login(staff("ib", school=SchoolFactory()))
    assert client.get(reverse("schools:pupil_list")).status_code == 200


# --- items 2 and 5: sign-in attempts are limited per account and per client address ----------------------------

def test_the_admin_password_cannot_be_guessed_forty_times(client, production_like, superuser):
    with_totp(superuser)
    for _ in range(40):
        client.post("/beheer/login/", {"username": superuser.email, "password": "fout-wachtwoord"})
        sign_in(client, superuser.email, password="fout-wachtwoord")
    response = sign_in(client, superuser.email)
    assert response.status_code != 302 or response.url != reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_failed_sign_ins_from_one_client_behind_the_proxy_do_not_lock_out_the_others(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    colleague = staff("ib", school=SchoolFactory())
    colleague.set_password(PASSWORD)
    colleague.save()
    for n in range(12):
        sign_in(client, f"geraden{n}@example.test", password="fout", HTTP_X_FORWARDED_FOR="203.0.113.9",
                REMOTE_ADDR="10.0.0.2")
    response = sign_in(client, colleague.email, HTTP_X_FORWARDED_FOR="198.51.100.23", REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302 and "_auth_user_id" in client.session
    client.logout()
    blocked = sign_in(client, colleague.email, HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.2")
    assert "_auth_user_id" not in client.session and blocked.status_code in (200, 429)


def test_a_client_cannot_choose_its_own_address_by_sending_the_header_itself(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    colleague = staff("ib", school=SchoolFactory())
    colleague.set_password(PASSWORD)
    colleague.save()
    for n in range(12):
        # The proxy appends the address it saw; what the client sent itself comes first and is ignored.
        sign_in(client, f"geraden{n}@example.test", password="fout", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9")
    sign_in(client, colleague.email, HTTP_X_FORWARDED_FOR="192.0.2.200, 203.0.113.9")
    assert "_auth_user_id" not in client.session


def test_an_account_is_locked_per_account_whatever_the_address(client):
    colleague = staff("ib", school=SchoolFactory())
    colleague.set_password(PASSWORD)
    colleague.save()
    for n in range(6):
        sign_in(client, colleague.email, password="fout", REMOTE_ADDR=f"192.0.2.{n}")
    sign_in(client, colleague.email, REMOTE_ADDR="192.0.2.99")
    assert "_auth_user_id" not in client.session


# --- item 11: TOTP secrets are stored encrypted -------------------------------------------------------------------

def test_totp_secrets_are_stored_encrypted_and_still_accept_codes(settings):
    user = staff("ib", school=SchoolFactory())
    secret = with_totp(user)
    stored = Authenticator.objects.get(user=user).data["secret"]
    assert stored.startswith("fernet:") and secret not in stored
    assert TOTP(Authenticator.objects.get(user=user)).validate_code(current_code(secret))


def test_recovery_code_seeds_are_stored_encrypted():
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = staff("ib", school=SchoolFactory())
    with_totp(user)
    codes = RecoveryCodes.activate(user)
    assert codes.instance.data["seed"].startswith("fernet:")
    assert len(RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk)).get_unused_codes()) == 10


def test_a_secret_stored_before_encryption_keeps_working_and_the_migration_encrypts_it():
    from importlib import import_module

    from django.apps import apps

    user = staff("ib", school=SchoolFactory())
    secret = generate_totp_secret()
    Authenticator.objects.create(user=user, type="totp", data={"secret": secret})
    assert TOTP(Authenticator.objects.get(user=user)).validate_code(current_code(secret))
    cache.clear()
    import_module("schools.migrations.0005_encrypt_totp_secrets").encrypt(apps, None)
    stored = Authenticator.objects.get(user=user).data["secret"]
    assert stored.startswith("fernet:") and secret not in stored
    assert TOTP(Authenticator.objects.get(user=user)).validate_code(current_code(secret))


def test_a_key_can_be_rotated_without_losing_the_secrets(settings):
    settings.OPP_MFA_KEYS = ["old-key-old-key-old-key-old-key-old-key"]
    user = staff("ib", school=SchoolFactory())
    secret = with_totp(user)
    settings.OPP_MFA_KEYS = ["new-key-new-key-new-key-new-key-new-key", "old-key-old-key-old-key-old-key-old-key"]
    assert TOTP(Authenticator.objects.get(user=user)).validate_code(current_code(secret))
    settings.OPP_MFA_KEYS = ["new-key-new-key-new-key-new-key-new-key"]
    with pytest.raises(Exception):
        TOTP(Authenticator.objects.get(user=user)).validate_code(current_code(secret) + "x")


def test_a_signed_in_user_without_the_admins_rights_is_told_so_instead_of_sent_round_in_circles(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/beheer/", follow=True)
    assert response.status_code == 403 and len(response.redirect_chain) == 1
    assert "alleen voor de beheerders" in response.content.decode()


# --- the sign-in's pages in the portal's words, with "u" (allauth's Dutch says "je" and "jou") ----------------------

JE = re.compile(r"\b(je|jou|jouw)\b", re.IGNORECASE)


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_a_wrong_password_is_said_in_the_portals_words_with_u_not_allauths_jou(client):
    user = staff("ib", school=SchoolFactory())
    html = sign_in(client, user.email, password="fout-wachtwoord").content.decode()
    assert "Het e-mailadres of het wachtwoord klopt niet." in html
    assert not JE.search(visible_text(html))


def test_the_code_page_and_a_wrong_code_say_u(client, production_like):
    user = ib_with_password()
    with_totp(user)
    sign_in(client, user.email)
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert "Code uit uw authenticator-app" in page and not JE.search(visible_text(page))
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"}).content.decode()
    assert "Deze code klopt niet." in wrong and not JE.search(visible_text(wrong))


def test_setting_up_the_app_says_u(client, production_like):
    user = ib_with_password()
    sign_in(client, user.email)
    # Setting it up asks for the password again first (allauth's reauthentication), in the portal's words too.
    again = client.get(reverse("mfa_activate_totp"), follow=True).content.decode()
    assert "Bevestig dat u het bent" in again and not JE.search(visible_text(again))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    assert "Authenticator-app instellen" in page and not JE.search(visible_text(page))


def test_changing_the_password_says_every_mistake_in_dutch_with_u(client):
    user = ib_with_password()
    client.force_login(user)
    url = reverse("account_change_password")
    wrong = client.post(url, {"oldpassword": "fout", "password1": "Zomer-Regen-2031!", "password2": "Zomer-Regen-2031!"})
    assert "Dit is niet uw huidige wachtwoord." in wrong.content.decode()
    differ = client.post(url, {"oldpassword": PASSWORD, "password1": "Zomer-Regen-2031!", "password2": "Winter-2031!"})
    assert "Vul twee keer hetzelfde nieuwe wachtwoord in." in differ.content.decode()
    short = client.post(url, {"oldpassword": PASSWORD, "password1": "kort", "password2": "kort"}).content.decode()
    assert "Dit wachtwoord is te kort: kies er een van minstens 10 tekens." in short
    same = client.post(url, {"oldpassword": PASSWORD, "password1": PASSWORD, "password2": PASSWORD}).content.decode()
    assert "Kies een nieuw wachtwoord dat anders is dan het huidige." in same
    for html in (wrong.content.decode(), differ.content.decode(), short, same):
        assert not JE.search(visible_text(html)) and "This password" not in html


def test_too_many_requests_get_a_dutch_page(client):
    user = staff("ib", school=SchoolFactory())
    answers = [client.post(reverse("account_reset_password"), {"email": user.email}) for _ in range(25)]
    limited = [a for a in answers if a.status_code == 429]
    assert limited, "the reset was never limited"
    html = limited[-1].content.decode()
    assert "Even wachten" in html and "Too Many Requests" not in html


def test_the_other_account_pages_say_u_too(client, production_like):
    for name, said in (("account_signup", "U kunt zelf geen account aanmaken."),
                       ("account_email_verification_sent", "U hoeft uw e-mailadres niet te bevestigen")):
        html = client.get(reverse(name), follow=True).content.decode()
        assert said in html and not JE.search(visible_text(html)), name
    user = ib_with_password()
    secret = with_totp(user)
    sign_in(client, user.email)
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    for name in ("mfa_reauthenticate", "account_reauthenticate", "mfa_deactivate_totp"):
        html = client.get(reverse(name), follow=True).content.decode()
        assert not JE.search(visible_text(html)), name
        assert "Gebruik je" not in html
