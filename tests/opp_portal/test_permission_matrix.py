"""The permission matrix: every URL pattern, every role and anonymous, inside and outside their reach.

The expected answers are GENERATED from the access policy. Each of the portal's own URL patterns declares,
per method, the capability that guards it (a `Rule`): a `Caps` field of `plans.access.opp_access`, a
`PupilCaps` field of `schools.access.pupil_access`, a page of `opp_portal.access.page_caps`, or the
policy's queryset for the object the URL names. For every role the capability is computed for the matrix
world's user (tests/opp_portal/matrix_world.py) and the object of their own board (side A, "inside") or of
another board (side B, "outside"); the rule turns it into the answer (a page, a redirect, a refusal, a 404),
and the real response must match. On top of that, for every request:
- a refused answer (anything but a page) contains no plan content;
- an answer that shows plan content recorded the read in the audit trail (who, role, pupil, what);
- one parent never sees what the other parent wrote.

A new URL pattern without a rule fails `test_every_url_pattern_has_an_entry`: add it to ENTRIES below with
the kwargs it needs from a `Side` and the capability that guards it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from consent.access import own_opps
from consent.models import InstemmingDecision, InstemmingRecipient
from opp_portal.access import page_caps, reach_of
from opp_portal.audit.models import AuditEvent
from opp_portal.outbox.views import visible_mail
from plans.access import (
    caps_at_school,
    manageable_boards,
    manageable_schools,
    may_manage,
    opp_access,
    plan_pupils_for,
    text_library_for,
)
from plans.models import StandardText
from registration.access import boards_for, figure_schools_for
from registration.models import ExportBatch
from schools.access import pupil_access
from schools.models import School
from schools.transfers import decidable_by
from tests.opp_portal.matrix_world import MARKER, build_side

pytestmark = pytest.mark.django_db

ROLES = ("ib", "teacher", "school_leader", "board_admin", "swv", "parent", "other_guardian",
         "guardian_without_gezag", "pupil", "superuser")
OWN_APPS = ("opp_portal", "schools", "plans", "consent", "registration")
READS = ("opp.viewed", "consent.viewed", "opp.pdf_downloaded")

PAGE, REDIRECT, LOGIN, REFUSED, BAD, NOT_FOUND, NOT_ALLOWED = "page", "redirect", "login", "403", "400", "404", "405"

Guard = Callable[[object, object], bool]  # (side, user) -> may they?


# --- guards: each asks the policy --------------------------------------------------------------------------

def plan(capability: str, of=lambda s: s.opp) -> Guard:
    """A `Caps` field of `opp_access(user, plan)`."""
    return lambda s, u: getattr(opp_access(u, of(s)), capability)


def so_plan(capability: str) -> Guard:
    return plan(capability, of=lambda s: s.so_opp)


def version_plan(capability: str) -> Guard:
    return plan(capability, of=lambda s: s.version.opp)


def recipient_plan(capability: str) -> Guard:
    return plan(capability, of=lambda s: s.recipient.request.version.opp)


def unreachability_plan(capability: str) -> Guard:
    return plan(capability, of=lambda s: s.unreachability.recipient.request.version.opp)


def keeper(s_plan: Callable[[str], Guard]) -> Guard:
    """Keeps the plan's consent records and works at its school (a service refuses others with a 404)."""
    keeps, works = s_plan("can_keep_consent"), s_plan("works_at_school")
    return lambda s, u: keeps(s, u) and works(s, u)


def pupil(capability: str) -> Guard:
    """A `PupilCaps` field of `pupil_access(user, pupil)`."""
    return lambda s, u: getattr(pupil_access(u, s.pupil), capability)


def page(capability: str) -> Guard:
    """A page of `page_caps(user)` (pages that name no object)."""
    return lambda s, u: bool(getattr(page_caps(u), capability))


def among(queryset_for, obj_of) -> Guard:
    """The object is in the policy's queryset for the user."""
    return lambda s, u: queryset_for(u).filter(pk=obj_of(s).pk).exists()


def anyone(s, u) -> bool:
    return True


def nobody(s, u) -> bool:
    return False


@dataclass(frozen=True)
class Rule:
    """`answer` when `may`; else `otherwise` when `reaches` (the user reaches the object but may not take the
    step: a refusal, a message on a redirect, or a page of its own); else a 404."""

    may: Guard
    answer: str
    reaches: Guard = nobody
    otherwise: str = NOT_FOUND

    def expected(self, side, user) -> str:
        if self.may(side, user):
            return self.answer
        return self.otherwise if self.reaches(side, user) else NOT_FOUND


@dataclass
class Entry:
    """The rule per method; a method without one is a 405. `public`: what anonymous gets (else the sign-in)."""

    kwargs: object = None  # Side -> dict
    get: Rule | None = None
    post: Rule | None = None
    public: dict = field(default_factory=dict)

    def expected(self, role: str, method: str, side, user) -> str:
        if role == "anonymous":
            return self.public.get(method, LOGIN)
        rule = self.get if method == "get" else self.post
        return NOT_ALLOWED if rule is None else rule.expected(side, user)


def opp(s):
    return {"opp_uuid": s.opp.uuid}


def pupil_kw(s):
    return {"pupil_uuid": s.pupil.uuid}


def batch(s):
    return {"batch_uuid": s.batch.uuid}


def none(s):
    return {}


SEES_PLAN = plan("as_staff")  # the school's plan pages
PLAN_PUPIL = among(plan_pupils_for, lambda s: s.pupil)
SEES_TEXT = among(lambda u: text_library_for(u) or StandardText.objects.none(), lambda s: s.text)
def MANAGES_TEXT(s, u):
    return may_manage(u, school=s.text.school, board=s.text.board)


def KEEPS_TEXTS(s, u):
    return manageable_schools(u).exists() or manageable_boards(u).exists()



OWN_BOARD = among(boards_for, lambda s: s.board)
OWN_BATCH = among(ExportBatch.objects.visible_to, lambda s: s.batch)
FAMILY_OF_PUPIL = pupil("is_family")
PARENT_OF_PUPIL = pupil("is_child")


def _edits_a_school(s, u) -> bool:
    return School.objects.editable_by(u).exists()


def _rod_index(s, u) -> bool:
    """A single board and no other school: straight to the board's page."""
    boards = list(boards_for(u))
    return len(boards) == 1 and not figure_schools_for(u).exclude(board__in=boards).exists()


def _signed_in_without_start(s, u) -> bool:
    return page_caps(u).start is None


def _is_recipient(s, u) -> bool:
    return InstemmingRecipient.objects.for_user(u).filter(request=s.request).exists()


def _is_invited(s, u) -> bool:
    return s.recipient.is_user(u)


def _a_pupil(s, u) -> bool:
    return reach_of(u).is_pupil


ENTRIES = {
    # opp_portal
    "home": Entry(none, get=Rule(page("start"), REDIRECT, reaches=anyone, otherwise=PAGE)),
    "healthz": Entry(none, get=Rule(anyone, PAGE), public={"get": PAGE, "post": NOT_ALLOWED}),
    "favicon": Entry(none, get=Rule(anyone, REDIRECT), public={"get": REDIRECT, "post": NOT_ALLOWED}),
    "account_email": Entry(none, get=Rule(anyone, PAGE)),
    # Signed in: the admin's own users go on to it, everyone else is told it is not theirs (the portal's sign-in
    # would send them straight back: a loop).
    "admin_login": Entry(none, get=Rule(lambda s, u: u.is_staff, REDIRECT, reaches=anyone, otherwise=REFUSED),
                         post=Rule(lambda s, u: u.is_staff, REDIRECT, reaches=anyone, otherwise=REFUSED)),
    # plans: the pupil's plans and the draft
    "plans:pupil_plans": Entry(pupil_kw, get=Rule(PLAN_PUPIL, PAGE)),
    "plans:start_plan": Entry(pupil_kw, post=Rule(
        lambda s, u: PLAN_PUPIL(s, u) and caps_at_school(u, s.school).can_draft, REDIRECT)),
    # The plan is adopted: it is read-only until the ib starts an adjustment ("Plan bijstellen").
    "plans:draft": Entry(opp, get=Rule(SEES_PLAN, PAGE), post=Rule(plan("can_edit"), PAGE, SEES_PLAN, REFUSED)),
    # Adopting an adopted plan: everyone who reaches it is sent back with a message.
    "plans:adopt": Entry(opp, post=Rule(SEES_PLAN, REDIRECT)),
    # Without a reason the ib gets the plan again with the error next to the field.
    "plans:adjust": Entry(opp, post=Rule(plan("can_adjust"), BAD, SEES_PLAN, REDIRECT)),
    "plans:my_plans": Entry(none, get=Rule(page("my_plans"), PAGE)),
    "plans:overview": Entry(none, get=Rule(page("overview"), PAGE)),
    "plans:calendar": Entry(none, get=Rule(page("calendar"), PAGE)),
    "plans:calendar_create": Entry(none, post=Rule(page("calendar"), REDIRECT)),
    "plans:calendar_revoke": Entry(lambda s: {"feed_uuid": s.feed.uuid},
                                   post=Rule(lambda s, u: s.feed.user_id == u.pk, REDIRECT)),
    # The feed's secret token is the key, for anybody who has it; the feed has no names and no content.
    "plans:calendar_feed": Entry(lambda s: {"token": s.feed.token}, get=Rule(anyone, PAGE),
                                 public={"get": PAGE, "post": NOT_ALLOWED}),
    "plans:evaluation": Entry(opp, get=Rule(SEES_PLAN, PAGE),
                              post=Rule(plan("can_evaluate"), PAGE, SEES_PLAN, REFUSED)),
    "plans:end_plan": Entry(opp, get=Rule(SEES_PLAN, PAGE), post=Rule(plan("can_end"), PAGE, SEES_PLAN, REFUSED)),
    "plans:commissie_advice": Entry(lambda s: {"opp_uuid": s.so_opp.uuid}, get=Rule(so_plan("as_staff"), PAGE),
                                    post=Rule(so_plan("can_give_advice"), PAGE, so_plan("as_staff"), REFUSED)),
    "plans:versions": Entry(opp, get=Rule(SEES_PLAN, PAGE)),
    "plans:compare": Entry(opp, get=Rule(SEES_PLAN, PAGE)),
    "plans:standard_texts": Entry(none, get=Rule(page("standard_texts"), PAGE)),
    "plans:standard_text_add": Entry(none, get=Rule(KEEPS_TEXTS, PAGE), post=Rule(KEEPS_TEXTS, PAGE)),
    "plans:standard_text_edit": Entry(lambda s: {"text_uuid": s.text.uuid}, get=Rule(SEES_TEXT, PAGE),
                                      post=Rule(MANAGES_TEXT, PAGE, SEES_TEXT, REFUSED)),
    "plans:standard_text_archive": Entry(lambda s: {"text_uuid": s.text.uuid}, post=Rule(SEES_TEXT, REDIRECT)),
    "plans:draft_pdf": Entry(opp, get=Rule(plan("can_download_pdf"), PAGE)),
    # A family member gets a PDF made for them (only their own decision in it), never the school's stored file.
    "plans:version_pdf": Entry(lambda s: {"version_uuid": s.version.uuid}, get=Rule(version_plan("can_see"), PAGE),
                               post=Rule(version_plan("as_staff"), REDIRECT, version_plan("as_family"), PAGE)),
    "plans:version_pdf_file": Entry(lambda s: {"version_uuid": s.version.uuid},
                                    get=Rule(version_plan("as_staff"), REDIRECT, version_plan("as_family"), PAGE)),
    # consent: the school's side
    "consent:school": Entry(opp, get=Rule(plan("can_keep_consent"), PAGE)),
    # The plan is adopted: nothing to send, everyone who may keep its records is sent back to the plan.
    "consent:send": Entry(opp, get=Rule(plan("can_keep_consent"), REDIRECT),
                          post=Rule(plan("can_keep_consent"), REDIRECT)),
    "consent:record_oogo": Entry(opp, post=Rule(plan("can_keep_consent"), PAGE)),
    "consent:record_hearing": Entry(opp, post=Rule(plan("can_keep_consent"), PAGE)),
    "consent:request_instemming": Entry(opp, post=Rule(plan("can_keep_consent"), PAGE)),
    "consent:send_reminder": Entry(lambda s: {"recipient_uuid": s.recipient.uuid},
                                   post=Rule(keeper(recipient_plan), REDIRECT)),
    "consent:paper_decision": Entry(lambda s: {"recipient_uuid": s.recipient.uuid},
                                    get=Rule(recipient_plan("can_keep_consent"), PAGE),
                                    post=Rule(recipient_plan("can_keep_consent"), PAGE)),
    # The scan is the father's paper decision: staff who read the plan and the father, never the mother.
    "consent:decision_scan": Entry(lambda s: {"decision_uuid": s.decision.uuid},
                                   get=Rule(among(InstemmingDecision.objects.visible_to, lambda s: s.decision), PAGE)),
    "consent:record_unreachable": Entry(lambda s: {"recipient_uuid": s.recipient.uuid},
                                        get=Rule(recipient_plan("can_keep_consent"), PAGE),
                                        post=Rule(recipient_plan("can_keep_consent"), PAGE)),
    "consent:confirm_unreachable": Entry(lambda s: {"unreachability_uuid": s.unreachability.uuid},
                                         post=Rule(keeper(unreachability_plan), REDIRECT)),
    "consent:withdraw_unreachable": Entry(lambda s: {"unreachability_uuid": s.unreachability.uuid},
                                          post=Rule(keeper(unreachability_plan), REDIRECT)),
    "consent:invite_pupil": Entry(opp, post=Rule(plan("can_invite_pupil"), PAGE, keeper(plan), REDIRECT)),
    # Each user's own notices: for staff who keep or read consent records, as the menu says.
    "consent:notices": Entry(none, get=Rule(page("notices"), PAGE)),
    "consent:notices_read": Entry(none, post=Rule(page("notices"), REDIRECT)),
    # The personal link leads a stranger to the code sign-in of the address the school recorded; a signed-in
    # account that is not that person gets a 404, the person their page.
    "consent:invitation": Entry(lambda s: {"token": s.invitation_token}, get=Rule(_is_invited, REDIRECT),
                                post=Rule(_is_invited, REDIRECT), public={"get": PAGE, "post": LOGIN}),
    # consent: the family's side
    "consent:child": Entry(pupil_kw, get=Rule(FAMILY_OF_PUPIL, REDIRECT)),
    "consent:log": Entry(pupil_kw, get=Rule(PARENT_OF_PUPIL, PAGE)),
    "consent:plan": Entry(opp, get=Rule(plan("as_parent"), PAGE)),
    # The plan is adopted: nobody is asked any more; a family member is sent back to their page with a message.
    "consent:decide": Entry(opp, post=Rule(plan("as_family"), REDIRECT)),
    "consent:parent_view": Entry(opp, post=Rule(plan("as_parent"), PAGE)),
    "consent:request": Entry(lambda s: {"request_uuid": s.request.uuid}, get=Rule(_is_recipient, REDIRECT)),
    "consent:pupil_plans": Entry(none, get=Rule(_a_pupil, REDIRECT, anyone, PAGE)),
    "consent:pupil_log": Entry(pupil_kw, get=Rule(pupil("is_own"), PAGE)),
    "consent:pupil_plan": Entry(opp, get=Rule(among(own_opps, lambda s: s.opp), PAGE),
                                post=Rule(among(own_opps, lambda s: s.opp), PAGE)),
    # the outbox: superusers see all mail, a school leader that of their school
    "outbox:page": Entry(none, get=Rule(page("outbox"), PAGE)),
    "outbox:retry": Entry(lambda s: {"email_uuid": s.email.uuid},
                          post=Rule(lambda s, u: bool(page_caps(u).outbox and visible_mail(u).filter(pk=s.email.pk)
                                                      .exists()), REDIRECT)),
    # registration (ROD): identifiers and dates, never plan content
    "registration:index": Entry(none, get=Rule(_rod_index, REDIRECT, page("rod"), PAGE)),
    "registration:board": Entry(lambda s: {"board_uuid": s.board.uuid}, get=Rule(OWN_BOARD, PAGE)),
    "registration:start_export": Entry(lambda s: {"board_uuid": s.board.uuid}, post=Rule(OWN_BOARD, BAD)),
    "registration:school": Entry(lambda s: {"school_uuid": s.school.uuid},
                                 get=Rule(among(figure_schools_for, lambda s: s.school), PAGE)),
    "registration:batch": Entry(batch, get=Rule(OWN_BATCH, PAGE)),
    "registration:batch_progress": Entry(batch, get=Rule(OWN_BATCH, PAGE)),
    "registration:batch_deliver": Entry(batch, post=Rule(OWN_BATCH, REDIRECT)),
    "registration:batch_discard": Entry(batch, post=Rule(OWN_BATCH, REDIRECT)),
    "registration:batch_download": Entry(lambda s: {**batch(s), "fmt": "csv"}, get=Rule(OWN_BATCH, PAGE)),
    # schools
    "schools:school_list": Entry(none, get=Rule(page("schools"), PAGE)),
    "schools:school_detail": Entry(lambda s: {"school_uuid": s.school.uuid}, get=Rule(
        lambda s, u: page("schools")(s, u) and among(School.objects.visible_to, lambda s: s.school)(s, u), PAGE)),
    "schools:pupil_list": Entry(none, get=Rule(page("pupils"), PAGE)),
    "schools:pupil_create": Entry(none, get=Rule(_edits_a_school, PAGE), post=Rule(_edits_a_school, PAGE)),
    "schools:pupil_import": Entry(none, get=Rule(_edits_a_school, PAGE), post=Rule(_edits_a_school, PAGE)),
    "schools:pupil_detail": Entry(pupil_kw, get=Rule(pupil("can_see"), PAGE)),
    "schools:pupil_edit": Entry(pupil_kw, get=Rule(pupil("can_edit_pupil"), PAGE),
                                post=Rule(pupil("can_edit_pupil"), PAGE)),
    "schools:guardian_add": Entry(pupil_kw, get=Rule(pupil("can_edit_guardians"), PAGE),
                                  post=Rule(pupil("can_edit_guardians"), PAGE)),
    "schools:guardian_edit": Entry(lambda s: {**pupil_kw(s), "guardian_uuid": s.guardian.uuid},
                                   get=Rule(pupil("can_edit_guardians"), PAGE),
                                   post=Rule(pupil("can_edit_guardians"), PAGE)),
    "schools:guardian_remove": Entry(lambda s: {**pupil_kw(s), "guardian_uuid": s.guardian.uuid},
                                     post=Rule(pupil("can_edit_guardians"), REDIRECT)),
    "schools:my_children": Entry(none, get=Rule(anyone, PAGE)),
    "schools:transfer_list": Entry(none, get=Rule(_edits_a_school, PAGE)),
    "schools:transfer_decide": Entry(lambda s: {"transfer_uuid": s.transfer.uuid},
                                     post=Rule(lambda s, u: any(t.pk == s.transfer.pk for t in decidable_by(u)),
                                               REDIRECT)),
}

# The admin (superusers only; everyone else is sent to the sign-in) and allauth's own pages.
ADMIN_PAGES = ("admin:index", "admin:schools_school_changelist", "admin:schools_user_changelist",
               "admin:mfa_authenticator_changelist")


def _patterns(patterns=None, namespace=""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, namespace + (f"{p.namespace}:" if p.namespace else ""))
        elif isinstance(p, URLPattern):
            yield namespace, p


def own_url_names() -> list[str]:
    """Every URL pattern whose view is the portal's own (not the admin's, not allauth's)."""
    names = []
    for namespace, p in _patterns():
        module = p.callback.__module__
        if namespace.startswith("admin:") or not module.startswith(OWN_APPS):
            continue
        names.append(f"{namespace}{p.name}" if p.name else f"<unnamed {p.pattern}>")
    return names


def test_every_url_pattern_has_an_entry():
    names = own_url_names()
    assert len(names) == len(set(names)), "two URL patterns with the same name"
    assert sorted(set(names) - set(ENTRIES)) == [], "add an entry to ENTRIES for each new URL pattern"
    assert sorted(set(ENTRIES) - set(names)) == [], "an entry for a URL pattern that no longer exists"


def answer(response) -> str:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        signin = (reverse("account_login"), reverse("admin_login"))
        return LOGIN if location.startswith(signin) else REDIRECT
    return {200: PAGE}.get(response.status_code, str(response.status_code))


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


@pytest.fixture
def sides(db):
    return build_side("A"), build_side("B")


def test_every_role_gets_exactly_its_answer_and_plan_content_only_with_a_recorded_read(client, sides):
    inside, outside = sides
    problems = []
    for role in ("anonymous", *ROLES):
        client.logout()
        user = None if role == "anonymous" else inside.users[role]
        if user is not None:
            client.force_login(user)
        for name, entry in ENTRIES.items():
            for side, is_inside in ((inside, True), (outside, False)):
                url = reverse(name, kwargs=entry.kwargs(side))
                for method in ("get", "post"):
                    expected = entry.expected(role, method, side, user)
                    with transaction.atomic():
                        first_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
                        response = getattr(client, method)(url)
                        body = body_of(response)
                        reads = list(AuditEvent.objects.filter(id__gt=first_event, action__in=READS))
                        transaction.set_rollback(True)
                    got = answer(response)
                    where = f"{role} {method.upper()} {name} ({'inside' if is_inside else 'outside'})"
                    if got != expected:
                        problems.append(f"{where}: expected {expected}, got {got}")
                    if MARKER in body:
                        if got not in (PAGE, BAD):  # a form shown again with its errors is still the page
                            problems.append(f"{where}: a refused answer ({got}) shows plan content")
                        elif not any(e.actor_id == user.pk and e.pupil_id and e.details.get("role")
                                     and e.details.get("what") for e in reads):
                            problems.append(f"{where}: shows plan content without recording the read")
                    if role in ("other_guardian", "guardian_without_gezag", "pupil") and "-moeder" in body:
                        problems.append(f"{where}: shows what the other parent wrote")
    assert not problems, "\n" + "\n".join(problems)


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_only_a_superuser_reaches_the_admin(client, sides, name):
    inside, _outside = sides
    url = reverse(name)
    for role in ("anonymous", *ROLES):
        client.logout()
        if role != "anonymous":
            client.force_login(inside.users[role])
        response = client.get(url)
        expected = PAGE if role == "superuser" else LOGIN
        got = answer(response) if response.status_code != 302 or role == "superuser" else _admin_login(response)
        assert (role, got) == (role, expected)
        assert MARKER not in body_of(response)


def _admin_login(response) -> str:
    """The admin sends everyone else to its sign-in, which is the portal's sign-in."""
    return LOGIN if response["Location"].startswith((reverse("admin_login"), reverse("account_login"))) else REDIRECT


def test_allauths_pages_answer_every_role_without_an_error_or_plan_content(client, sides):
    inside, _outside = sides
    urls = [reverse(f"{namespace}{p.name}") for namespace, p in _patterns()
            if p.callback.__module__.startswith("allauth") and p.name and not p.pattern.regex.groups]
    assert reverse("account_login") in urls
    for role in ("anonymous", *ROLES):
        client.logout()
        if role != "anonymous":
            client.force_login(inside.users[role])
        for url in urls:
            with transaction.atomic():
                response = client.get(url)
                transaction.set_rollback(True)
            assert response.status_code < 500, (role, url)
            assert MARKER not in body_of(response), (role, url)
