"""The first demo step: organisations, staff and parent accounts, pupils, enrolments and guardians.

Organisations and demo accounts are kept as the dataset says: a rerun puts back a changed name,
password, membership or demo parent's gezag link. Other people are only ever added: a rerun never
overwrites a pupil or guardian someone edited while trying the demo, and never duplicates one.
Natural keys: a pupil's BSN or onderwijsnummer, an enrolment's pupil and school, a guardian's
e-mail address, a guardianship's pupil and guardian.
"""

from typing import Any

from django.db.models import Q

from ..models import Board, Enrolment, Guardian, Guardianship, Pupil, Role, Samenwerkingsverband, School
from .context import DemoContext
from .dataset import ACCOUNTS, BOARDS, SCHOOLS, SWVS

_NO_DB_CHECKS: dict[str, Any] = {"validate_unique": False, "validate_constraints": False}


def seed_schools(ctx: DemoContext) -> None:
    _organisations(ctx)
    _accounts(ctx)
    pupil_ids = _pupils(ctx)
    _enrolments(ctx, pupil_ids)
    guardian_ids = _guardians(ctx)
    _guardianships(ctx, pupil_ids, guardian_ids)


def _organisations(ctx: DemoContext) -> None:
    for swv in SWVS:
        values: dict[str, object] = {"name": swv.name, "sector": swv.sector, "funding_model": swv.funding_model,
                                     "steunpunt_contact": swv.steunpunt_contact}
        ctx.swvs[swv.code] = ctx.ensure(Samenwerkingsverband, "samenwerkingsverbanden", {"code": swv.code}, values)
    for b in BOARDS:
        ctx.boards[b.number] = ctx.ensure(Board, "besturen", {"number": b.number}, {"name": b.name})
    for s in SCHOOLS:
        values = {"name": s.name, "school_type": s.school_type, "city": s.city,
                  "board_id": ctx.boards[s.board].pk, "swv_id": ctx.swvs[s.swv].pk}
        ctx.schools[s.code] = ctx.ensure(School, "scholen", {"brin": s.brin, "vestiging": s.vestiging}, values)
    ctx.tally("samenwerkingsverbanden", total=len(ctx.swvs))
    ctx.tally("besturen", total=len(ctx.boards))
    ctx.tally("scholen", total=len(ctx.schools))


def _pupils(ctx: DemoContext) -> dict[str, int]:
    """Pupil ids by identifier, creating the pupils that are missing."""
    specs = ctx.dataset.pupils

    def existing() -> dict[str, int]:
        bsns = [p.bsn for p in specs if p.bsn]
        numbers = [p.onderwijsnummer for p in specs if p.onderwijsnummer]
        rows = Pupil.objects.filter(Q(bsn__in=bsns) | Q(onderwijsnummer__in=numbers))
        return {bsn or number or "": pk for pk, bsn, number in rows.values_list("pk", "bsn", "onderwijsnummer")}

    ids = existing()
    new = []
    for spec in specs:
        if spec.identifier not in ids:
            pupil = Pupil(
                first_name=spec.first_name, name_prefix=spec.name_prefix, last_name=spec.last_name,
                date_of_birth=spec.date_of_birth, bsn=spec.bsn, onderwijsnummer=spec.onderwijsnummer,
            )
            pupil.full_clean(**_NO_DB_CHECKS)
            new.append(pupil)
    if new:
        Pupil.objects.bulk_create(new)
        ids = existing()
    ctx.tally("leerlingen", total=len(specs), created=len(new))
    return ids


def _enrolments(ctx: DemoContext, pupil_ids: dict[str, int]) -> None:
    schools = ctx.schools
    have = set(
        Enrolment.objects.filter(school__in=schools.values(), pupil_id__in=pupil_ids.values())
        .values_list("pupil_id", "school_id")
    )
    new = []
    for spec in ctx.dataset.pupils:
        pupil_id, school = pupil_ids[spec.identifier], schools[spec.school]
        if (pupil_id, school.pk) not in have:
            enrolment = Enrolment(
                pupil_id=pupil_id, school=school, sequence_number=spec.sequence_number,
                enrolment_date=spec.enrolment_date, group=spec.group,
            )
            enrolment.full_clean(exclude=["pupil", "school"], **_NO_DB_CHECKS)
            new.append(enrolment)
    Enrolment.objects.bulk_create(new)
    ctx.tally("inschrijvingen", total=len(ctx.dataset.pupils), created=len(new))


def _accounts(ctx: DemoContext) -> None:
    pupils = {p.identifier: p for p in ctx.dataset.pupils}
    memberships = 0
    for spec in ACCOUNTS:
        if spec.role == "parent":
            children = [pupils[link.pupil] for link in ctx.dataset.links
                        if link.guardian == spec.email and link.has_gezag]
            where = ", ".join(f"{_name(c)} ({c.school}, groep {c.group})" for c in children)
            ctx.ensure_account(spec, role=str(Role.PARENT.label), where=where)
            continue
        school, board, swv = ctx.schools.get(spec.school), ctx.boards.get(spec.board), ctx.swvs.get(spec.swv)
        where = f"{school.name} ({school.code})" if school else str(board or swv)
        if spec.groups:
            where += f", groep {spec.groups}"
        user = ctx.ensure_account(spec, role=str(Role(spec.role).label), where=where)
        ctx.ensure_membership(user, spec.role, school=school, board=board, swv=swv, groups=spec.groups)
        memberships += 1
    ctx.tally("lidmaatschappen", total=memberships)


def _name(pupil) -> str:
    return " ".join(p for p in (pupil.first_name, pupil.name_prefix, pupil.last_name) if p)


def _guardians(ctx: DemoContext) -> dict[str, int]:
    """Guardian ids by e-mail address, creating the guardians that are missing.

    A guardian whose address is a demo account's is that account's Guardian record.
    """
    specs = ctx.dataset.guardians
    emails = [g.email for g in specs]

    def existing() -> dict[str, int]:
        return dict(Guardian.objects.filter(email__in=emails).order_by("-pk").values_list("email", "pk"))

    ids = existing()
    ids.update(_renamed(specs, ids))
    new = []
    for spec in specs:
        if spec.email not in ids:
            account = ctx.accounts.get(spec.email)
            guardian = Guardian(first_name=spec.first_name, name_prefix=spec.name_prefix, last_name=spec.last_name,
                                email=spec.email, phone=spec.phone, user=account.user if account else None)
            guardian.full_clean(exclude=["user"], **_NO_DB_CHECKS)
            new.append(guardian)
    if new:
        Guardian.objects.bulk_create(new)
        ids = existing()
        ids.update(_renamed(specs, ids))
    relinked = 0
    for email, account in ctx.accounts.items():
        if email in ids:
            relinked += Guardian.objects.filter(pk=ids[email]).exclude(user=account.user).update(user=account.user)
    ctx.tally("ouders/verzorgers", total=len(specs), created=len(new), updated=relinked)
    return ids


def _renamed(specs, ids: dict[str, int]) -> dict[str, int]:
    """Guardians the consent demo gave a known address (consent.demo.KNOWN_ADDRESSES): still the dataset's
    guardian of the same name and children, so a rerun neither duplicates nor renames them back."""
    found: dict[str, int] = {}
    missing = [spec for spec in specs if spec.email not in ids]
    if not missing:
        return found
    renamed = Guardian.objects.filter(email__endswith="@demo.opp", user__isnull=True).exclude(pk__in=ids.values())
    for guardian in renamed:
        for spec in missing:
            same = (spec.first_name, spec.name_prefix, spec.last_name) == (
                guardian.first_name, guardian.name_prefix, guardian.last_name)
            if same and spec.email not in found:
                found[spec.email] = guardian.pk
                break
    return found


def _guardianships(ctx: DemoContext, pupil_ids: dict[str, int], guardian_ids: dict[str, int]) -> None:
    links = {(pupil_ids[link.pupil], guardian_ids[link.guardian]): link for link in ctx.dataset.links}
    have = {
        (pupil_id, guardian_id): (pk, relationship, has_gezag)
        for pk, pupil_id, guardian_id, relationship, has_gezag in Guardianship.objects.filter(
            guardian_id__in=guardian_ids.values()
        ).values_list("pk", "pupil_id", "guardian_id", "relationship", "has_gezag")
    }
    new, updated = [], 0
    for key, link in links.items():
        if key not in have:
            new.append(Guardianship(pupil_id=key[0], guardian_id=key[1], relationship=link.relationship,
                                    has_gezag=link.has_gezag))
        elif link.guardian in ctx.accounts and have[key][1:] != (link.relationship, link.has_gezag):
            # The demo parents reach exactly the children the README names.
            Guardianship.objects.filter(pk=have[key][0]).update(relationship=link.relationship,
                                                                has_gezag=link.has_gezag)
            updated += 1
    Guardianship.objects.bulk_create(new)
    ctx.tally("gezagsrelaties", total=len(links), created=len(new), updated=updated)
