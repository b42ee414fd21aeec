"""allauth, as the portal uses it: nobody signs up (the school records who may come in), and every mail that
allauth sends (sign-in code, unknown address, password reset) is Dutch, names the portal and the school, and
links only to the portal's public address (`OPP_PORTAL_URL`), never to the host a request happened to use.

Who may claim an account by signing in with a code is consent's business (`consent.signin`); this adapter
only sends the mails."""

import textwrap

from allauth.account import forms as allauth_forms
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .mail import queue_email

PORTAL_NAME = "OPP-portaal"
MAX_SCHOOLS_NAMED = 3
UNKNOWN_ACCOUNT_MAIL = "account/email/unknown_account"


def portal_url(path: str = "", **query: str) -> str:
    """An absolute link on the portal's public address; the host of the current request is never used."""
    base = settings.OPP_PORTAL_URL.rstrip("/")
    url = base + (path if path.startswith("/") or not path else "/" + path)
    return f"{url}?{urlencode(query)}" if query else url


def wrap_body(text: str, width: int = 72) -> str:
    """Plain-text mail with short lines: mail programs show it as written, and a link stays on one line (a long
    line would be sent quoted-printable, which breaks a link up in a plain-text view)."""
    out = []
    for line in str(text).splitlines():
        if len(line) <= width or "://" in line:
            out.append(line)
        else:
            out.extend(textwrap.wrap(line, width=width, break_long_words=False, break_on_hyphens=False))
    return "\n".join(out)


def school_names_for(email: str) -> list[str]:
    """The schools behind an address: where it is recorded for a guardian with gezag or a pupil, or where its
    account works. A mail names them, so the reader knows who writes; an unknown address gets none."""
    if not email:
        return []
    School = apps.get_model("schools", "School")
    q = (
        Q(enrolments__pupil__guardianships__guardian__email__iexact=email,
          enrolments__pupil__guardianships__has_gezag=True)
        | Q(enrolments__pupil__email__iexact=email)
        | Q(memberships__user__email__iexact=email)
    )
    ids = School.objects.filter(q).values("pk")
    return list(School.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True)[:MAX_SCHOOLS_NAMED])


def addressed_as_pupil(email: str) -> bool:
    """Whether a mail to `email` speaks to a pupil ("je", as the pupil's pages do): the address is recorded for a
    pupil, and for no guardian with gezag and no staff member (they are "u")."""
    if not email:
        return False
    Pupil = apps.get_model("schools", "Pupil")
    Guardian = apps.get_model("schools", "Guardian")
    Membership = apps.get_model("schools", "Membership")
    return (Pupil.objects.filter(email__iexact=email).exists()
            and not Guardian.objects.filter(email__iexact=email, guardianships__has_gezag=True).exists()
            and not Membership.objects.filter(user__email__iexact=email).exists())


def schools_in_words(names: list[str]) -> str:
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return _("%(first)s en %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


class ClosedAccountAdapter(DefaultAccountAdapter):
    """Accounts are made by the school (or the demo seed), or claimed by a recorded guardian or invited pupil
    who signs in with a code sent to that address; nobody signs up themselves."""

    # The sign-in pages speak "u", as the rest of the portal does to parents and staff; allauth's Dutch says "je"
    # and "jou" ("Het door jou opgegeven e-mailadres ..."). The messages these pages can show, in the portal's words.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _lazy("Dit account is uitgeschakeld. Neem contact op met de school."),
        "email_password_mismatch": _lazy("Het e-mailadres of het wachtwoord klopt niet."),
        "enter_current_password": _lazy("Dit is niet uw huidige wachtwoord."),
        "incorrect_code": _lazy("Deze code klopt niet."),
        "incorrect_password": _lazy("Dit wachtwoord klopt niet."),
        "invalid_or_expired_key": _lazy("Deze link is niet (meer) geldig. Vraag een nieuwe aan."),
        "invalid_login": _lazy("Inloggen is niet gelukt. Probeer het opnieuw."),
        "invalid_password_reset": _lazy("Deze link om uw wachtwoord opnieuw in te stellen is niet (meer) geldig."),
        "too_many_login_attempts": _lazy(
            "Te vaak geprobeerd. Vraag een nieuwe inlogcode aan, of probeer het over een paar minuten opnieuw."),
        "unknown_email": _lazy("Dit e-mailadres is niet bekend in het portaal."),
        "same_as_current": _lazy("Kies een nieuw wachtwoord dat anders is dan het huidige."),
        "rate_limited": _lazy("U probeert het te vaak achter elkaar. Wacht even en probeer het dan opnieuw."),
    }

    def is_open_for_signup(self, request) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Sign-in codes and password resets go through the outbox, with retries; they are urgent: when the
        # broker is down this process sends them itself, or a parent could not sign in.
        request = allauth_context.request
        # An address that cannot sign in gets one neutral mail, signed by the portal: naming the school that
        # records it (for a pupil not invited, a guardian without gezag) would tell the mailbox's reader which
        # school holds the address, and contradict "niet bekend".
        schools = [] if template_prefix == UNKNOWN_ACCOUNT_MAIL else school_names_for(email)
        ctx = {
            # The neutral mail stays "u": saying "je" would tell whoever reads it that a pupil has the address.
            "je": template_prefix != UNKNOWN_ACCOUNT_MAIL and addressed_as_pupil(email),
            "request": request,
            "email": email,
            "portal_name": PORTAL_NAME,
            "portal_url": portal_url("/"),
            "login_url": portal_url(reverse("account_login")),
            "schools": schools_in_words(schools),
        }
        ctx.update(context)
        # allauth puts the request's own host into some contexts; no mail may show it.
        ctx.pop("current_site", None)
        ctx["signup_url"] = ""
        message = self.render_mail(template_prefix, email, ctx)
        message.body = wrap_body(message.body)
        queue_email(message, urgent=True)

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return portal_url(path.replace("UID-KEY", key))


# --- allauth's password forms, said with "u" -----------------------------------------------------------------------

class _SamePasswordTwice:
    """allauth's check that both new passwords match says "Je moet hetzelfde wachtwoord twee keer intoetsen."; the
    portal says it with "u"."""

    def clean(self):
        data = super().clean()
        errors = self._errors.get("password2")
        if errors:
            theirs = _("You must type the same password each time.")
            ours = _("Vul twee keer hetzelfde nieuwe wachtwoord in.")
            self._errors["password2"] = self.error_class(
                [ours if error.message == theirs else error for error in errors.as_data()])
        return data


class ChangePasswordForm(_SamePasswordTwice, allauth_forms.ChangePasswordForm):
    def clean(self):
        data = super().clean()
        new = data.get("password1")
        if new and "oldpassword" not in self.errors and new == data.get("oldpassword"):
            self.add_error("password1", ClosedAccountAdapter.error_messages["same_as_current"])
        return data


class SetPasswordForm(_SamePasswordTwice, allauth_forms.SetPasswordForm):
    pass


class ResetPasswordKeyForm(_SamePasswordTwice, allauth_forms.ResetPasswordKeyForm):
    pass
