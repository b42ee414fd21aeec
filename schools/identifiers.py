"""Rules for the Dutch identifiers the portal handles (see REFERENCE.md, Identifiers)."""

import operator
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_BRIN = re.compile(r"^[0-9]{2}[A-Z]{2}$")
_VESTIGING = re.compile(r"^[0-9]{2}$")
_BOARD = re.compile(r"^[0-9]{5}$")


_NINE_DIGITS = re.compile(r"[0-9]{9}")
_ONDERWIJSNUMMER = re.compile(r"10[0-9]{7}")


def _weighted_sum(digits: str) -> int:
    # Called for every pupil of an import and every period of a ROD export: map() keeps it in C.
    return sum(map(operator.mul, map(int, digits), _WEIGHTS))


def is_valid_bsn(value: str) -> bool:
    """Nine digits passing the elfproef (weighted sum divisible by 11), not all zeros."""
    return bool(_NINE_DIGITS.fullmatch(value or "")) and value != "000000000" and _weighted_sum(value) % 11 == 0


def is_valid_onderwijsnummer(value: str) -> bool:
    """Nine digits starting with 10 whose weighted sum leaves 5 after division by 11."""
    return bool(_ONDERWIJSNUMMER.fullmatch(value or "")) and _weighted_sum(value) % 11 == 5


def is_valid_brin(value: str) -> bool:
    return bool(_BRIN.fullmatch(value or ""))


def is_valid_vestiging(value: str) -> bool:
    return bool(_VESTIGING.fullmatch(value or ""))


def validate_bsn(value: str) -> None:
    if not is_valid_bsn(value):
        raise ValidationError(_("Dit is geen geldig BSN: het moet uit 9 cijfers bestaan en de elfproef doorstaan."),
                              code="bsn")


def validate_onderwijsnummer(value: str) -> None:
    if not is_valid_onderwijsnummer(value):
        raise ValidationError(
            _("Dit is geen geldig onderwijsnummer: 9 cijfers, beginnend met 10, volgens de controleregel van DUO."),
            code="onderwijsnummer",
        )


def validate_brin(value: str) -> None:
    if not is_valid_brin(value):
        raise ValidationError(_("Een BRIN bestaat uit twee cijfers en twee hoofdletters, bijvoorbeeld 12AB."),
                              code="brin")


def validate_vestiging(value: str) -> None:
    if not is_valid_vestiging(value):
        raise ValidationError(_("Een vestigingsnummer bestaat uit twee cijfers, bijvoorbeeld 00."), code="vestiging")


def validate_board_number(value: str) -> None:
    if not _BOARD.fullmatch(value or ""):
        raise ValidationError(_("Een bevoegd-gezagnummer bestaat uit vijf cijfers."), code="board")
