"""What every demo step shares: the date, the organisations and accounts made so far, and the tally."""

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from io import TextIOBase
from typing import TextIO

from django.contrib.auth.hashers import check_password, make_password
from django.db.models import QuerySet

from ..models import Board, Enrolment, Membership, Pupil, Samenwerkingsverband, School, User
from .dataset import DEMO_PASSWORD, SEED, AccountSpec, Dataset


@dataclass
class DemoAccount:
    user: User
    role: str  # Dutch label for the summary table
    where: str  # organisation, or the children a parent reaches


@dataclass
class DemoContext:
    today: datetime.date
    dataset: Dataset
    stdout: TextIO | TextIOBase | None = None
    swvs: dict[str, Samenwerkingsverband] = field(default_factory=dict)  # by code
    boards: dict[str, Board] = field(default_factory=dict)  # by number
    schools: dict[str, School] = field(default_factory=dict)  # by BRIN + vestiging, e.g. 99AA00
    accounts: dict[str, DemoAccount] = field(default_factory=dict)  # by e-mail address
    created: Counter = field(default_factory=Counter)  # label -> number of records created
    updated: Counter = field(default_factory=Counter)
    totals: dict[str, int] = field(default_factory=dict)  # label -> number of demo records
    _password_hash: str | None = None
    _verified_hashes: set[str] = field(default_factory=set)

    # --- for steps -----------------------------------------------------------------------------

    def rng(self, step: str) -> random.Random:
        """A random source of its own per step, so adding a step never changes another step's data."""
        return random.Random(f"{SEED}:{step}")

    def tally(self, label: str, *, total: int, created: int = 0, updated: int = 0) -> None:
        self.totals[label] = total
        self.created[label] += created
        self.updated[label] += updated

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated)

    def pupils_at(self, school_code: str, *, group: str | None = None) -> QuerySet[Pupil]:
        """Demo pupils currently at a school (optionally one group), in enrolment order."""
        enrolments = Enrolment.objects.current(self.today).filter(school=self.schools[school_code])
        if group is not None:
            enrolments = enrolments.filter(group=group)
        return Pupil.objects.filter(enrolments__in=enrolments).order_by("enrolments__sequence_number")

    def ensure_account(self, spec: AccountSpec, *, role: str, where: str) -> User:
        """The account exists, is active, has its name and the demo password; memberships are the caller's."""
        user = User.objects.filter(email=spec.email).first()
        if user is None:
            user = User(email=spec.email, full_name=spec.full_name, password=self._hash())
            user.save()
            self.created["demo-accounts"] += 1
        else:
            changed = []
            if user.full_name != spec.full_name:
                user.full_name = spec.full_name
                changed.append("full_name")
            if not user.is_active:
                user.is_active = True
                changed.append("is_active")
            if not self._is_demo_password(user.password):
                user.password = self._hash()
                changed.append("password")
            if changed:
                user.save(update_fields=changed)
                self.updated["demo-accounts"] += 1
        self.accounts[spec.email] = DemoAccount(user, role, where)
        self.totals["demo-accounts"] = len(self.accounts)
        return user

    def ensure(self, model, label: str, lookup: dict, values: dict):
        """Get the object by its natural key; create it, or set the fields that differ. Counts what changed."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.full_clean(validate_unique=False, validate_constraints=False)
            obj.save()
            self.created[label] += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
            self.updated[label] += 1
        return obj

    def ensure_membership(self, user: User, role: str, *, school=None, board=None, swv=None, groups: str = "") -> None:
        lookup = {"user": user, "role": role, "school": school, "board": board, "swv": swv}
        self.ensure(Membership, "lidmaatschappen", lookup, {"groups": groups})

    # --- the demo password ----------------------------------------------------------------------
    # Hashing takes most of a second with the production hasher. All demo accounts share one
    # hash of the (public) demo password, so a run hashes at most once and a rerun checks once.

    def _hash(self) -> str:
        if self._password_hash is None:
            # Reuse a hash an earlier run stored, so the accounts keep sharing one.
            self._password_hash = min(self._verified_hashes, default=None) or make_password(DEMO_PASSWORD)
            self._verified_hashes.add(self._password_hash)
        return self._password_hash

    def _is_demo_password(self, encoded: str) -> bool:
        if encoded in self._verified_hashes:
            return True
        outdated = []
        if check_password(DEMO_PASSWORD, encoded, setter=lambda raw: outdated.append(raw)) and not outdated:
            self._verified_hashes.add(encoded)
            return True
        return False
