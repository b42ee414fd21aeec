"""Passwords like the user's own name are refused (item 12)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from schools.models import User


def test_a_password_like_the_users_own_name_is_refused():
    user = User(email="j.devries@school.example", full_name="Janneke de Vries-Bakker")
    for password in ("JannekeDeVries2026", "devries-bakker!", "Janneke de Vries-Bakker", "2026bakker!!x"):
        with pytest.raises(ValidationError, match="naam"):
            validate_password(password, user)
    validate_password("paarse-olifant-fietst-2026", user)
