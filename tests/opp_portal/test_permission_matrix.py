"""The permission matrix: every URL pattern, every role and anonymous, inside and outside their reach.

For each of the portal's own URL patterns an entry says which roles get a page, a redirect or a refusal when
they GET or POST it with the objects of their own board (side A); everyone else gets a 404 (signed in) or the
sign-in page (anonymous). With the objects of another board (side B) every signed-in user but the superuser
gets a 404. On top of the expected answers, for every request:
- a refused answer (anything but a page) contains no plan content;
- an answer that shows plan content recorded the read in the audit trail (who, role, pupil, what);
- one parent never sees what the other parent wrote.

A new URL pattern without an entry fails `test_every_url_pattern_has_an_entry`: add it to ENTRIES below with
the kwargs it needs from a `Side` (tests/opp_portal/matrix_world.py) and who may do what.
"""

from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from opp_portal.audit.models import AuditEvent
from tests.opp_portal.matrix_world import MARKER, build_side

pytestmark = pytest.mark.django_db

ROLES = ("ib", "teacher", "school_leader", "board_admin", "swv", "parent", "other_guardian",
         "guardian_without_gezag", "pupil", "superuser")
OWN_APPS = ("opp_portal", "schools", "plans", "consent", "registration")
READS = ("opp.viewed", "consent.viewed", "opp.pdf_downloaded")

PAGE, REDIRECT, LOGIN, REFUSED, BAD, NOT_FOUND, NOT_ALLOWED = "page", "redirect", "login", "403", "400", "404", "405"
STAFF = "ib,school_leader"
READERS = "ib,teacher,school_leader,superuser"  # who reads a plan of the school
EVERYONE = ",".join(ROLES)


@dataclass
class Entry:
    """Who gets what. `get`/`post` map comma-separated roles to an answer; a method missing from both is 405.

    `scoped`: the URL names an object of one board, so outside it is a 404; a global page answers the same.
    `public`: no sign-in needed (anonymous gets what `anonymous` says).
    """

    kwargs: object = None  # Side -> dict
    get: dict | None = None
    post: dict | None = None
    scoped: bool = True
    public: dict = field(default_factory=dict)

    def expected(self, role: str, method: str, inside: bool) -> str:
        table = self.get if method == "get" else self.post
        if role == "anonymous":
            return self.public.get(method, LOGIN)
        if table is None:
            return NOT_ALLOWED
        if self.scoped and not inside and role != "superuser":
            return NOT_FOUND
        for roles, answer in table.items():  # the first line that names the role counts
            if role in roles.split(","):
                return answer
        return NOT_FOUND


def opp(s):
    return {"opp_uuid": s.opp.uuid}


def pupil(s):
    return {"pupil_uuid": s.pupil.uuid}


def batch(s):
    return {"batch_uuid": s.batch.uuid}


def none(s):
    return {}


ENTRIES = {
    # opp_portal
    "home": Entry(none, get={"guardian_without_gezag": PAGE, EVERYONE: REDIRECT}, scoped=False),
    "healthz": Entry(none, get={EVERYONE: PAGE}, scoped=False, public={"get": PAGE, "post": NOT_ALLOWED}),
    "favicon": Entry(none, get={EVERYONE: REDIRECT}, scoped=False, public={"get": REDIRECT, "post": NOT_ALLOWED}),
    "account_email": Entry(none, get={EVERYONE: PAGE}, scoped=False),
    "admin_login": Entry(none, get={EVERYONE: LOGIN}, post={EVERYONE: LOGIN}, scoped=False),
    # plans: the pupil's plans and the draft
    "plans:pupil_plans": Entry(pupil, get={READERS: PAGE}),
    "plans:start_plan": Entry(pupil, post={"ib": REDIRECT}),
    # The plan is adopted: it is read-only until the ib starts an adjustment ("Plan bijstellen").
    "plans:draft": Entry(opp, get={READERS: PAGE}, post={READERS: REFUSED}),
    "plans:adopt": Entry(opp, post={"ib,teacher,school_leader,superuser": REDIRECT}),
    # Without a reason the ib gets the plan again with the error next to the field.
    "plans:adjust": Entry(opp, post={"ib": BAD, "teacher,school_leader,superuser": REDIRECT}),
    "plans:my_plans": Entry(none, get={"ib": PAGE}, scoped=False),
    "plans:overview": Entry(none, get={STAFF: PAGE}, scoped=False),
    "plans:calendar": Entry(none, get={"ib,teacher,school_leader": PAGE}, scoped=False),
    "plans:calendar_create": Entry(none, post={"ib,teacher,school_leader": REDIRECT}, scoped=False),
    "plans:calendar_revoke": Entry(lambda s: {"feed_uuid": s.feed.uuid}, post={"ib": REDIRECT}),
    # The feed's secret token is the key, for anybody who has it; the feed has no names and no content.
    "plans:calendar_feed": Entry(lambda s: {"token": s.feed.token}, get={EVERYONE: PAGE}, scoped=False,
                                 public={"get": PAGE, "post": NOT_ALLOWED}),
    "plans:evaluation": Entry(opp, get={READERS: PAGE}, post={"ib": PAGE, "teacher,school_leader,superuser": REFUSED}),
    "plans:end_plan": Entry(opp, get={READERS: PAGE}, post={STAFF: PAGE, "teacher,superuser": REFUSED}),
    "plans:commissie_advice": Entry(lambda s: {"opp_uuid": s.so_opp.uuid}, get={READERS: PAGE},
                                    post={STAFF: PAGE, "teacher,superuser": REFUSED}),
    "plans:versions": Entry(opp, get={READERS: PAGE}),
    "plans:compare": Entry(opp, get={READERS: PAGE}),
    "plans:standard_texts": Entry(none, get={"ib,school_leader,board_admin,superuser": PAGE}, scoped=False),
    "plans:standard_text_add": Entry(none, get={"ib,school_leader,board_admin": PAGE},
                                     post={"ib,school_leader,board_admin": PAGE}, scoped=False),
    "plans:standard_text_edit": Entry(lambda s: {"text_uuid": s.text.uuid}, get={STAFF + ",superuser": PAGE},
                                      post={STAFF: PAGE, "superuser": REFUSED}),
    "plans:standard_text_archive": Entry(lambda s: {"text_uuid": s.text.uuid}, post={STAFF + ",superuser": REDIRECT}),
    "plans:draft_pdf": Entry(opp, get={READERS: PAGE}),
    # A family member gets a PDF made for them (only their own decision in it), never the school's stored file.
    "plans:version_pdf": Entry(lambda s: {"version_uuid": s.version.uuid},
                               get={READERS + ",parent,other_guardian,pupil": PAGE},
                               post={READERS: REDIRECT, "parent,other_guardian,pupil": PAGE}),
    "plans:version_pdf_file": Entry(lambda s: {"version_uuid": s.version.uuid},
                                    get={READERS: REDIRECT, "parent,other_guardian,pupil": PAGE}),
    # consent: the school's side
    "consent:school": Entry(opp, get={STAFF + ",superuser": PAGE}),
    # The plan is adopted: nothing to send, everyone who may read it is sent back to the plan.
    "consent:send": Entry(opp, get={STAFF + ",superuser": REDIRECT}, post={STAFF + ",superuser": REDIRECT}),
    "consent:record_oogo": Entry(opp, post={STAFF + ",superuser": PAGE}),
    "consent:record_hearing": Entry(opp, post={STAFF + ",superuser": PAGE}),
    "consent:request_instemming": Entry(opp, post={STAFF + ",superuser": PAGE}),
    "consent:send_reminder": Entry(lambda s: {"recipient_uuid": s.recipient.uuid}, post={STAFF: REDIRECT}),
    "consent:paper_decision": Entry(lambda s: {"recipient_uuid": s.recipient.uuid}, get={STAFF + ",superuser": PAGE},
                                    post={STAFF + ",superuser": PAGE}),
    # The scan is the father's paper decision: staff who read the plan and the father, never the mother.
    "consent:decision_scan": Entry(lambda s: {"decision_uuid": s.decision.uuid},
                                   get={READERS + ",other_guardian": PAGE}),
    "consent:record_unreachable": Entry(lambda s: {"recipient_uuid": s.recipient.uuid},
                                        get={STAFF + ",superuser": PAGE}, post={STAFF + ",superuser": PAGE}),
    "consent:confirm_unreachable": Entry(lambda s: {"unreachability_uuid": s.unreachability.uuid},
                                         post={STAFF: REDIRECT}),
    "consent:withdraw_unreachable": Entry(lambda s: {"unreachability_uuid": s.unreachability.uuid},
                                          post={STAFF: REDIRECT}),
    "consent:invite_pupil": Entry(opp, post={"ib": PAGE, "school_leader": REDIRECT}),
    "consent:notices": Entry(none, get={EVERYONE: PAGE}, scoped=False),  # each user's own notices
    "consent:notices_read": Entry(none, post={EVERYONE: REDIRECT}, scoped=False),
    # The personal link leads a stranger to the code sign-in of the address the school recorded; a signed-in
    # account that is not that person gets a 404, the person their page.
    "consent:invitation": Entry(lambda s: {"token": s.invitation_token}, get={"parent": REDIRECT},
                                post={"parent": REDIRECT}, public={"get": PAGE, "post": LOGIN}),
    # consent: the family's side
    "consent:child": Entry(pupil, get={"parent,other_guardian,pupil": REDIRECT}),
    "consent:log": Entry(pupil, get={"parent,other_guardian": PAGE}),
    "consent:plan": Entry(opp, get={"parent,other_guardian": PAGE}),
    # The plan is adopted: nobody is asked any more; a family member is sent back to their page with a message.
    "consent:decide": Entry(opp, post={"parent,other_guardian,pupil": REDIRECT}),
    "consent:parent_view": Entry(opp, post={"parent,other_guardian": PAGE}),
    "consent:request": Entry(lambda s: {"request_uuid": s.request.uuid}, get={"parent,other_guardian": REDIRECT}),
    "consent:pupil_plans": Entry(none, get={"pupil": REDIRECT, EVERYONE: PAGE}, scoped=False),
    "consent:pupil_plan": Entry(opp, get={"pupil": PAGE}, post={"pupil": PAGE}),
    # the outbox: superusers see all mail, a school leader that of their school
    "outbox:page": Entry(none, get={"school_leader,superuser": PAGE}, scoped=False),
    "outbox:retry": Entry(lambda s: {"email_uuid": s.email.uuid}, post={"school_leader,superuser": REDIRECT}),
    # registration (ROD): identifiers and dates, never plan content
    "registration:index": Entry(none, get={"school_leader,superuser": PAGE, "board_admin": REDIRECT}, scoped=False),
    "registration:board": Entry(lambda s: {"board_uuid": s.board.uuid}, get={"board_admin,superuser": PAGE}),
    "registration:start_export": Entry(lambda s: {"board_uuid": s.board.uuid}, post={"board_admin,superuser": BAD}),
    "registration:school": Entry(lambda s: {"school_uuid": s.school.uuid},
                                 get={"school_leader,board_admin,superuser": PAGE}),
    "registration:batch": Entry(batch, get={"board_admin,superuser": PAGE}),
    "registration:batch_progress": Entry(batch, get={"board_admin,superuser": PAGE}),
    "registration:batch_deliver": Entry(batch, post={"board_admin,superuser": REDIRECT}),
    "registration:batch_discard": Entry(batch, post={"board_admin,superuser": REDIRECT}),
    "registration:batch_download": Entry(lambda s: {**batch(s), "fmt": "csv"}, get={"board_admin,superuser": PAGE}),
    # schools
    "schools:school_list": Entry(none, get={EVERYONE: PAGE}, scoped=False),
    "schools:school_detail": Entry(lambda s: {"school_uuid": s.school.uuid},
                                   get={"ib,teacher,school_leader,board_admin,swv,parent,other_guardian,pupil,"
                                        "superuser": PAGE}),
    "schools:pupil_list": Entry(none, get={EVERYONE: PAGE}, scoped=False),
    "schools:pupil_create": Entry(none, get={STAFF + ",superuser": PAGE}, post={STAFF + ",superuser": PAGE},
                                  scoped=False),
    "schools:pupil_import": Entry(none, get={STAFF + ",superuser": PAGE}, post={STAFF + ",superuser": PAGE},
                                  scoped=False),
    "schools:pupil_detail": Entry(pupil, get={"ib,teacher,school_leader,board_admin,parent,other_guardian,pupil,"
                                              "superuser": PAGE}),
    "schools:pupil_edit": Entry(pupil, get={STAFF + ",superuser": PAGE}, post={STAFF + ",superuser": PAGE}),
    "schools:guardian_add": Entry(pupil, get={STAFF + ",superuser": PAGE}, post={STAFF + ",superuser": PAGE}),
    "schools:guardian_edit": Entry(lambda s: {**pupil(s), "guardian_uuid": s.guardian.uuid},
                                   get={STAFF + ",superuser": PAGE}, post={STAFF + ",superuser": PAGE}),
    "schools:guardian_remove": Entry(lambda s: {**pupil(s), "guardian_uuid": s.guardian.uuid},
                                     post={STAFF + ",superuser": REDIRECT}),
    "schools:my_children": Entry(none, get={EVERYONE: PAGE}, scoped=False),
    "schools:transfer_list": Entry(none, get={STAFF + ",superuser": PAGE}, scoped=False),
    "schools:transfer_decide": Entry(lambda s: {"transfer_uuid": s.transfer.uuid},
                                     post={STAFF + ",parent,other_guardian,superuser": REDIRECT}),
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
                    expected = entry.expected(role, method, is_inside)
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
