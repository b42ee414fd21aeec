"""The library of standard texts: who keeps it, adding, changing and archiving texts.

Who manages which texts (decided here, shown on the standaardteksten page):
- a school's texts: its ib's and its school leader;
- a board's texts (for all its schools): a school leader of any school of that board, or the board's
  administration (board_admin). An ib reads and uses board texts but does not change them.

Archiving sets `active` to False: the text leaves the library and the draft's insert buttons, and its
audit trail stays. Texts already inserted into a plan were copied there and do not change.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opp_portal.audit.actions import Action
from opp_portal.audit.service import record
from schools.models import Board, School
from schools.services import NotAllowed

from ..access import manageable_boards, manageable_schools, may_manage
from ..models import StandardText, StandardTextKind
from ._common import PlanRuleError, RoleRequired

__all__ = ["manageable_boards", "manageable_schools", "may_manage"]


def _owner(item: StandardText) -> str:
    if item.school is not None:
        return f"school:{item.school.code}"
    assert item.board is not None  # a text belongs to a school or to a board (a check constraint)
    return f"board:{item.board.number}"


def _check(kind: str, title: str, text: str) -> tuple[str, str]:
    if kind not in StandardTextKind.values:
        raise PlanRuleError(_("Kies de soort tekst: ondersteuning, aanpak of doel."))
    if not title.strip() or not text.strip():
        raise PlanRuleError(_("Geef de tekst een titel en een inhoud."))
    if len(title.strip()) > 120:
        raise PlanRuleError(_("De titel is te lang: hoogstens 120 tekens."))
    return title.strip(), text.strip()


@transaction.atomic
def add_standard_text(
    *, user, kind: str, title: str, text: str, school: School | None = None, board: Board | None = None
) -> StandardText:
    """Add a text to a school's library or, for all its schools, to a board's."""
    if (school is None) == (board is None):
        raise ValueError("Give exactly one of school and board.")
    if not may_manage(user, school=school, board=board):
        raise NotAllowed
    title, text = _check(kind, title, text)
    # The same text sent twice (a double click, the browser's resend) is added once: the owner's row is locked so
    # two requests at the same moment cannot both find nothing and both add.
    owner = school if school is not None else board
    assert owner is not None
    type(owner).objects.select_for_update().filter(pk=owner.pk).first()
    same = StandardText.objects.filter(school=school, board=board, kind=kind, title=title, text=text, active=True)
    if (existing := same.order_by("pk").first()) is not None:
        return existing
    item = StandardText.objects.create(school=school, board=board, kind=kind, title=title, text=text)
    record(actor=user, action=Action.STANDARD_TEXT_CREATED, obj=item, on_behalf_of=_owner(item),
           details={"kind": kind, "title": title})
    return item


def _locked_manageable(user, item: StandardText) -> StandardText:
    fresh = StandardText.objects.select_for_update(of=("self",)).select_related("school", "board").get(pk=item.pk)
    if not fresh.active:
        raise PlanRuleError(_("Deze standaardtekst is al verwijderd."))
    if not may_manage(user, school=fresh.school, board=fresh.board):
        raise RoleRequired
    return fresh


@transaction.atomic
def update_standard_text(*, user, item: StandardText, kind: str, title: str, text: str) -> StandardText:
    """Change a text's kind, title or text; the owner (school or board) stays."""
    fresh = _locked_manageable(user, item)
    title, text = _check(kind, title, text)
    changed = [name for name, value in (("kind", kind), ("title", title), ("text", text))
               if getattr(fresh, name) != value]
    if changed:
        fresh.kind, fresh.title, fresh.text = kind, title, text
        fresh.save(update_fields=["kind", "title", "text"])
        record(actor=user, action=Action.STANDARD_TEXT_UPDATED, obj=fresh, on_behalf_of=_owner(fresh),
               details={"fields": changed})
    item.refresh_from_db()
    return item


@transaction.atomic
def archive_standard_text(*, user, item: StandardText) -> StandardText:
    """Take a text out of the library (kept, inactive, for the audit trail)."""
    fresh = _locked_manageable(user, item)
    fresh.active = False
    fresh.save(update_fields=["active"])
    record(actor=user, action=Action.STANDARD_TEXT_ARCHIVED, obj=fresh, on_behalf_of=_owner(fresh),
           details={"title": fresh.title})
    item.refresh_from_db()
    return item
