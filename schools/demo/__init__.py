"""Demo data for `manage.py seed_demo`: the same organisations, accounts and pupils on every run.

`seed()` runs the schools step (organisations, accounts, pupils, guardians) and then every
step other apps answered `DEMO_STEPS` with (`opp_portal.questions`), in one transaction, and is
safe to run again: it only adds what is missing and puts the demo accounts back as documented.
Apps to the right of `schools` (plans, consent, registration) add their demo data without
`schools` importing them:

    # plans/apps.py
    def ready(self):
        from schools.demo import DEMO_STEPS
        from .demo import seed_plans          # def seed_plans(ctx: DemoContext) -> None
        DEMO_STEPS.answer("plans", seed_plans)

A step finds what it needs on the context (`ctx.schools["99AA00"]`, `ctx.accounts[email].user`,
`ctx.pupils_at("99AB00")`), draws randomness from `ctx.rng("plans")`, keys its records on
natural keys so a rerun adds nothing, and reports with `ctx.tally(...)`.
"""

import datetime
import time
from collections.abc import Callable
from io import TextIOBase
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from opp_portal.audit.actions import Action
from opp_portal.audit.models import AuditEvent
from opp_portal.questions import Answers

from . import dataset
from .context import DemoAccount, DemoContext
from .core import seed_schools
from .dataset import DEMO_PASSWORD, AccountSpec

__all__ = ["DEMO_PASSWORD", "DEMO_STEPS", "AccountSpec", "DemoAccount", "DemoContext", "seed", "summary"]

Step = Callable[[DemoContext], None]
DEMO_STEPS: Answers[Step] = Answers(
    "schools.demo_steps", doc="Steps run after the schools step, in the order the apps answered (plans, consent).")


def seed(*, stdout: TextIO | TextIOBase | None = None, today: datetime.date | None = None) -> DemoContext:
    started = time.monotonic()
    today = today or timezone.localdate()
    ctx = DemoContext(today=today, dataset=dataset.build(today), stdout=stdout)
    with transaction.atomic():
        seed_schools(ctx)
        for step in DEMO_STEPS.values():
            step(ctx)
        if ctx.changed:
            AuditEvent.objects.create(
                actor=None, action=Action.DEMO_SEEDED, object_type="schools.demo", object_id=_school_year(ctx),
                on_behalf_of="system",
                details={"created": dict(+ctx.created), "updated": dict(+ctx.updated), "totals": ctx.totals,
                         "accounts": sorted(ctx.accounts)},
            )
    if stdout is not None:
        stdout.write(summary(ctx, seconds=time.monotonic() - started))
    return ctx


def _school_year(ctx: DemoContext) -> str:
    return f"{ctx.dataset.school_year}-{ctx.dataset.school_year + 1}"


def summary(ctx: DemoContext, *, seconds: float | None = None) -> str:
    took = f" in {seconds:.1f} s".replace(".", ",") if seconds is not None else ""
    lines = [f"Demogegevens voor schooljaar {_school_year(ctx)} staan klaar{took}."]
    if not ctx.changed:
        lines.append("Niets gewijzigd: alles was er al.")
    for label, total in ctx.totals.items():
        extra = ([f"{n} nieuw" for n in [ctx.created[label]] if n]
                 + [f"{n} bijgewerkt" for n in [ctx.updated[label]] if n])
        lines.append(f"  {label:<24}{total:>5}" + (f"  ({', '.join(extra)})" if extra else ""))
    lines += ["", f"Demo-accounts (wachtwoord: {DEMO_PASSWORD}):"]
    width = max(len(email) for email in ctx.accounts) + 2
    role_width = max(len(a.role) for a in ctx.accounts.values()) + 2
    lines.append(f"  {'e-mailadres':<{width}}{'rol':<{role_width}}bereik")
    for email, account in ctx.accounts.items():
        lines.append(f"  {email:<{width}}{account.role:<{role_width}}{account.where}")
    return "\n".join(lines) + "\n"
