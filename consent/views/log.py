"""The parent's view of the audit trail of their child: who (name, role, school), when, what, in Dutch.

Events of other family members are left out (separated parents do not see each other's steps); events the
school made about another parent are told without naming that parent or their decision. Repeated reads by the
same person on the same day (opening the plan, a PDF, a scan) are one line with how often.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import BigIntegerField, Case, Count, F, Max, Min, Q, Value, When
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from opp_portal.audit.actions import ABOUT_THE_PUPIL, ABOUT_YOU, FOR_THE_PUPIL, ON_A_VERSION, READS, Action
from opp_portal.audit.models import AuditEvent
from schools.models import Guardian, Membership, Role, School

from ..models import Decision, InstemmingRecipient

PER_PAGE = 50
DECISION_WORDS = {Decision.AKKOORD: N_("akkoord"), Decision.NIET_AKKOORD: N_("niet akkoord"),
                  Decision.GESPREK_GEWENST: N_("eerst een gesprek")}


@dataclass
class Row:
    at: object
    who: str
    role: str
    what: str
    is_me: bool
    count: int = 1
    first_at: object = None


def _family_user_ids(pupil) -> set[int]:
    ids = set(Guardian.objects.filter(guardianships__pupil=pupil, user__isnull=False).values_list("user_id", flat=True))
    if pupil.user_id:
        ids.add(pupil.user_id)
    return ids


def _what(event: AuditEvent, *, is_me: bool, my_recipients: set[str], my_recipient_pks: set[str],
          own: bool = False) -> str:
    """`own`: the pupil reads the log of their own record, in the words of the pupil's pages."""
    details = event.details or {}
    try:
        action = Action(event.action)
    except ValueError:  # recorded by an earlier release under a name that is gone
        if own:
            return _("deed iets met je gegevens (%(code)s)") % {"code": event.action}
        return _("deed iets met de gegevens van uw kind (%(code)s)") % {"code": event.action}
    about_me = (
        (event.object_type == "consent.instemmingrecipient" and event.object_id in my_recipient_pks)
        or details.get("recipient") in my_recipients
    )
    about, phrases = (ABOUT_THE_PUPIL, FOR_THE_PUPIL) if own else (ABOUT_YOU, {})
    text = str(about[action]) if about_me and action in about else str(phrases.get(action, action.phrase))
    if is_me and action == Action.INSTEMMING_DECIDED and details.get("decision") in DECISION_WORDS:
        decision = _(DECISION_WORDS[details["decision"]])
        text = (_("gaf je besluit: %(decision)s") if own else _("gaf uw besluit: %(decision)s")) % {
            "decision": decision}
    if about_me and action == Action.INSTEMMING_DECISION_RECORDED and details.get("decision") in DECISION_WORDS:
        text += ": " + _(DECISION_WORDS[details["decision"]])
    version = details.get("version") or details.get("number")
    if version and action in ON_A_VERSION:
        text += " " + _("(versie %(n)s)") % {"n": version}
    return text


def log_rows(user, pupil, page_number, *, own=False):
    family = _family_user_ids(pupil) - {user.pk}
    # Another family member's own steps stay out also once their account is no longer linked to the child (the
    # school changed their address): what a person did for themself is recorded on their own behalf.
    events = (AuditEvent.objects.filter(pupil_id=pupil.pk).exclude(actor_id__in=family)
              .exclude(Q(on_behalf_of__startswith="user:") & ~Q(actor_id=user.pk)))
    lines = (
        events.annotate(
            day=TruncDate("at"),
            line=Case(When(action__in=[a.value for a in READS], then=Value(0)), default=F("id"),
                       output_field=BigIntegerField()),
        )
        .values("actor_id", "action", "on_behalf_of", "day", "line")
        .annotate(last_at=Max("at"), first_at=Min("at"), count=Count("id"), last_id=Max("id"))
        .order_by("-last_at", "-last_id")
    )
    page = Paginator(lines, PER_PAGE).get_page(page_number)
    shown = {e.id: e for e in AuditEvent.objects.filter(id__in=[line["last_id"] for line in page.object_list])
             .select_related("actor")}
    counts = {line["last_id"]: line for line in page.object_list}
    mine = list(InstemmingRecipient.objects.for_user(user).filter(
        request__version__opp__pupil=pupil).values_list("pk", "uuid"))
    my_recipient_pks = {str(pk) for pk, _u in mine}
    my_recipients = {u.hex for _pk, u in mine}
    page_events = [shown[line["last_id"]] for line in page.object_list]
    actor_ids = {e.actor_id for e in page_events if e.actor_id and e.actor_id != user.pk}
    codes = {e.on_behalf_of.split(":", 1)[1] for e in page_events if e.on_behalf_of.startswith("school:")}
    schools = {s.code: s for s in School.objects.filter(brin__in={c[:4] for c in codes})}
    memberships: dict[int, list[Membership]] = {}
    for m in Membership.objects.filter(user_id__in=actor_ids).select_related("school", "board", "swv"):
        memberships.setdefault(m.user_id, []).append(m)
    rows = []
    for event in page_events:
        is_me = event.actor_id == user.pk
        line = counts[event.id]
        rows.append(Row(
            count=line["count"], first_at=line["first_at"],
            at=event.at,
            who=(_("Jij") if own else _("U")) if is_me else (
                event.actor.get_full_name() if event.actor else _("Het portaal")),
            role="" if is_me else _role(event, memberships.get(event.actor_id, []), schools),
            what=_what(event, is_me=is_me, my_recipients=my_recipients, my_recipient_pks=my_recipient_pks,
                       own=own),
            is_me=is_me,
        ))
    page.rows = rows
    return page


def _role(event: AuditEvent, memberships: list[Membership], schools: dict) -> str:
    if event.actor_id is None:
        return _("automatisch")
    code = event.on_behalf_of.split(":", 1)[1] if event.on_behalf_of.startswith("school:") else ""
    school = schools.get(code)
    at_school = [m for m in memberships if school is not None and m.school_id == school.pk]
    chosen = next(iter(at_school or memberships), None)
    if chosen is None:
        return school.name if school else _("beheerder van het portaal")
    label = Role(chosen.role).label if chosen.role in Role.values else chosen.role
    place = chosen.school or chosen.board or chosen.swv
    return f"{label}, {place.name if hasattr(place, 'name') else place}" if place else str(label)
