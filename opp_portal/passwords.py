"""Passwords must not be built from the user's own name ("JannekeDeVries2026").

Django's UserAttributeSimilarityValidator compares the whole password with the name and its parts; a name
written together with a year slips through that. This validator refuses a password that contains any part of
the user's full name or e-mail address (three letters or more; tussenvoegsels do not count).
"""

import re

from django.contrib.auth.password_validation import MinimumLengthValidator, UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TUSSENVOEGSELS = frozenset({"van", "der", "den", "het", "ter", "ten", "de", "la", "le", "du", "op", "in", "aan", "uit"})


def _letters(value: str) -> str:
    return re.sub(r"[^a-zà-ÿ]", "", value.casefold())


def _name_parts(user) -> set[str]:
    text = " ".join(filter(None, (getattr(user, "full_name", ""), (getattr(user, "email", "") or "").split("@")[0])))
    return {p for p in (_letters(w) for w in re.split(r"[\W_\d]+", text)) if len(p) >= 3 and p not in TUSSENVOEGSELS}


class NameInPasswordValidator:
    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        letters = _letters(password)
        if any(part in letters for part in _name_parts(user)):
            raise ValidationError(_("Het wachtwoord bevat (een deel van) uw naam. Kies een wachtwoord zonder uw naam."),
                                  code="password_contains_name")

    def get_help_text(self) -> str:
        return _("Uw wachtwoord mag uw naam niet bevatten.")


class LongEnoughValidator(MinimumLengthValidator):
    """Django's minimum length, in Dutch: Django 6.1 changed the message's placeholder, and its Dutch translation
    still has the old one, so the message came out in English."""

    def get_error_message(self) -> str:
        return _("Dit wachtwoord is te kort: kies er een van minstens %(min_length)d tekens.") % {
            "min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("Uw wachtwoord heeft minstens %(min_length)d tekens.") % {"min_length": self.min_length}


class NotLikeYouValidator(UserAttributeSimilarityValidator):
    """Django's similarity check, said as the portal says it ("uw e-mailadres", not "de e-mailadres")."""

    def get_error_message(self) -> str:
        return _("Het wachtwoord lijkt te veel op uw %(verbose_name)s. Kies een ander wachtwoord.")
