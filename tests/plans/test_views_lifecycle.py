"""Evaluating, ending, the commissie's advice, versions and what changed: outsiders, roles, bad input, rules."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from opp_portal.audit.models import AuditEvent
from plans import services
from plans.models import CommissieAdvice, Evaluation, Opp, OppStatus
from tests.factories import SchoolFactory, UserFactory, enrolled_pupil, parent_of, pupil_account, staff

from .factories import goal

pytestmark = pytest.mark.django_db


def url(name, opp, query=""):
    return reverse(f"plans:{name}", kwargs={"opp_uuid": opp.uuid}) + query


def adopted(world, consent, **kwargs):
    opp, version = world.sent(**kwargs)
    consent.agree_all(opp, version)
    if opp.school_type in ("so", "vso"):
        services.record_commissie_advice(user=world.ib, opp=opp, version=version, advised_on=timezone.localdate(),
                                         commissie="begeleiding", advice="Positief advies.")
    services.adopt(user=world.leader, opp=opp)
    opp.refresh_from_db()
    return opp


def evaluation_data(opp, *, decision="continue", **fields):
    today = timezone.localdate().isoformat()
    data = {"evaluated_on": today, "parents_view": "Tevreden, lezen gaat beter.",
            "pupil_view": "Ik vind lezen nu leuker.", "decision": decision, "end_reason": ""}
    for number, _goal in enumerate(opp.adopted_version.goals, start=1):
        data[f"goal_{number}_outcome"] = "partly"
        data[f"goal_{number}_note"] = "Bijna."
    data.update(fields)
    return data


# --- outsiders -----------------------------------------------------------------------------------------

OUTSIDERS = {
    "ib of another school": lambda w: staff("ib", school=SchoolFactory()),
    "school leader of another school": lambda w: staff("school_leader", school=SchoolFactory()),
    "parent of another child": lambda w: parent_of(enrolled_pupil(SchoolFactory())),
    "parent of this child": lambda w: w.mother,
    "board admin": lambda w: staff("board_admin", board=w.school.board),
    "swv": lambda w: staff("swv", swv=w.school.swv),
    "teacher of another group": lambda w: staff("teacher", school=w.school, groups="8"),
    "pupil account": lambda w: pupil_account(w.pupil),
    "user without memberships": lambda w: UserFactory(),
}

VIEWS = ["evaluation", "evaluation_post", "end_plan", "end_plan_post", "commissie_advice", "commissie_advice_post",
         "versions", "compare"]


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize("view", VIEWS)
def test_outsider_gets_404_for_every_lifecycle_view(client, world_for, consent, outsider, view):
    w = world_for("so")
    opp = adopted(w, consent)
    events = AuditEvent.objects.count()
    client.force_login(OUTSIDERS[outsider](w))
    name = view.removesuffix("_post")
    data = {**evaluation_data(opp), "ended_on": timezone.localdate().isoformat(), "reason": "Kwaad",
            "advised_on": timezone.localdate().isoformat(), "commissie": "begeleiding", "advice": "Kwaad"}
    response = client.post(url(name, opp), data) if view.endswith("_post") else client.get(url(name, opp))
    assert response.status_code == 404
    opp.refresh_from_db()
    assert opp.status == OppStatus.VASTGESTELD
    assert not Evaluation.objects.exists() and not CommissieAdvice.objects.filter(advice="Kwaad").exists()
    assert AuditEvent.objects.count() == events


def test_commissie_page_does_not_exist_for_a_bao_plan(client, world):
    opp = world.start()
    client.force_login(world.ib)
    assert client.get(url("commissie_advice", opp)).status_code == 404


@pytest.mark.parametrize("view", ["evaluation", "end_plan", "commissie_advice"])
def test_teacher_of_the_group_reads_but_cannot_write(client, world_for, consent, view):
    w = world_for("so")
    opp = adopted(w, consent)
    client.force_login(staff("teacher", school=w.school, groups="5"))
    assert client.get(url(view, opp)).status_code == 200
    data = {**evaluation_data(opp), "ended_on": timezone.localdate().isoformat(), "reason": "Kwaad",
            "advised_on": timezone.localdate().isoformat(), "commissie": "begeleiding", "advice": "Kwaad"}
    response = client.post(url(view, opp), data)
    assert response.status_code == 403
    assert "Alleen de intern begeleider" in response.content.decode()
    opp.refresh_from_db()
    assert opp.status == OppStatus.VASTGESTELD
    assert not Evaluation.objects.exists() and not CommissieAdvice.objects.filter(advice="Kwaad").exists()


def test_school_leader_cannot_record_an_evaluation(client, world, consent):
    opp = adopted(world, consent)
    client.force_login(world.leader)
    assert client.post(url("evaluation", opp), evaluation_data(opp)).status_code == 403
    assert not Evaluation.objects.exists()


# --- evaluation (rule 8) -------------------------------------------------------------------------------------

def test_an_empty_evaluation_puts_the_cursor_on_the_first_goal_as_the_page_shows_it(client, world, consent):
    opp = adopted(world, consent)
    client.force_login(world.ib)
    html = client.post(url("evaluation", opp), {}).content.decode()
    assert html.count(" autofocus") == 1
    tag = html[html.rindex("<", 0, html.index('id="id_goal_1_outcome_0"')):html.index(">", html.index('id="id_goal_1_outcome_0"'))]
    assert "autofocus" in tag


def test_an_evaluation_ending_the_plan_without_a_reason_puts_the_cursor_on_the_reason(client, world, consent):
    opp = adopted(world, consent)
    client.force_login(world.ib)
    response = client.post(url("evaluation", opp), evaluation_data(opp, decision="end"))
    html = response.content.decode()
    assert "Geef de reden waarom het plan eindigt." in html and html.count(" autofocus") == 1
    tag = html[html.rindex("<", 0, html.index('name="end_reason"')):html.index(">", html.index('name="end_reason"'))]
    assert "autofocus" in tag


def test_evaluation_form_lists_every_goal_of_the_adopted_version(client, world, consent):
    opp = adopted(world, consent, goals=[goal("Lezen"), goal("Rekenen")])
    client.force_login(world.ib)
    body = client.get(url("evaluation", opp)).content.decode()
    assert "Doel 1: Lezen" in body and "Doel 2: Rekenen" in body
    assert 'name="goal_2_outcome"' in body and "deels bereikt" in body
    assert "Dit plan is nog niet geëvalueerd" in body


def test_every_description_a_field_of_the_evaluation_form_points_at_is_on_the_page(client, world, consent):
    opp = adopted(world, consent, goals=[goal("Lezen")])
    client.force_login(world.ib)
    for body in (client.get(url("evaluation", opp)).content.decode(),
                 client.post(url("evaluation", opp), {}).content.decode()):
        described = {i for ids in re.findall(r'aria-describedby="([^"]+)"', body) for i in ids.split()}
        assert described and all(f'id="{i}"' in body for i in described), described


def test_evaluation_continue_moves_the_next_evaluation_date(client, world, consent):
    opp = adopted(world, consent, goals=[goal("Lezen"), goal("Rekenen")])
    opp.refresh_from_db()
    client.force_login(world.ib)
    data = evaluation_data(opp, goal_1_outcome="reached")
    response = client.post(url("evaluation", opp), data, follow=True)
    body = response.content.decode()
    assert "De evaluatie is vastgelegd" in body
    evaluation = Evaluation.objects.get()
    assert evaluation.decision == "continue"
    assert sorted(evaluation.outcomes.values_list("outcome", flat=True)) == ["partly", "reached"]
    opp.refresh_from_db()
    today = timezone.localdate()
    assert opp.next_evaluation_due == services._common.add_months(today, opp.evaluation_cycle_months)
    assert opp.status == OppStatus.VASTGESTELD
    # The history shows date, decision and per-goal outcomes.
    assert "Eerdere evaluaties" in body and "voortzetten" in body and "bereikt" in body and "Bijna." in body
    assert AuditEvent.objects.filter(action="opp.evaluated").count() == 1


def test_evaluation_adjust_sets_the_plan_bijgesteld_and_leads_to_the_draft(client, world, consent):
    opp = adopted(world, consent)
    client.force_login(world.ib)
    response = client.post(url("evaluation", opp), evaluation_data(opp, decision="adjust"))
    assert response.status_code == 302 and response["Location"] == url("draft", opp)
    opp.refresh_from_db()
    assert opp.status == OppStatus.BIJGESTELD
    assert opp.adopted_version is not None  # the adopted version stays in force


def test_evaluation_end_ends_the_plan_with_its_reason(client, world, consent):
    opp = adopted(world, consent)
    client.force_login(world.ib)
    client.post(url("evaluation", opp), evaluation_data(opp, decision="end", end_reason="Doelen bereikt."))
    opp.refresh_from_db()
    assert opp.status == OppStatus.BEEINDIGD
    assert opp.ended_on == timezone.localdate() and opp.end_reason == "Doelen bereikt."
    assert AuditEvent.objects.filter(action="opp.ended").exists()


TOMORROW = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"goal_1_outcome": ""}, "goal_1_outcome", "Kies of dit doel bereikt"),
        ({"goal_1_outcome": "misschien"}, "goal_1_outcome", "Kies of dit doel bereikt"),
        ({"parents_view": "  "}, "parents_view", "wat de ouders"),
        ({"pupil_view": ""}, "pupil_view", "wat de leerling"),
        ({"decision": "weggooien"}, "decision", "Kies een besluit"),
        ({"decision": "end", "end_reason": ""}, "end_reason", "Geef de reden"),
        ({"evaluated_on": TOMORROW}, "evaluated_on", "toekomst"),
        ({"evaluated_on": "2000-01-01"}, "evaluated_on", "vóór de ingangsdatum"),
        ({"evaluated_on": "31-31-2026"}, "evaluated_on", "geldige datum"),
        ({"goal_1_note": "x" * 1501}, "goal_1_note", "te lang"),
    ],
)
def test_bad_evaluation_input_gives_a_field_error_and_saves_nothing(client, world, consent, change, field, message):
    opp = adopted(world, consent)
    before = opp.next_evaluation_due
    client.force_login(world.ib)
    response = client.post(url("evaluation", opp), {**evaluation_data(opp), **change})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Niet opgeslagen" in body
    assert f'id="id_{field}_errors"' in body
    errors = body.split(f'id="id_{field}_errors"')[1].split("</div>")[0]
    assert message in errors
    assert not Evaluation.objects.exists()
    opp.refresh_from_db()
    assert opp.next_evaluation_due == before and opp.status == OppStatus.VASTGESTELD


def test_a_draft_cannot_be_evaluated(client, world):
    opp = world.fill(world.start())
    client.force_login(world.ib)
    body = client.get(url("evaluation", opp)).content.decode()
    assert "Alleen een vastgesteld plan" in body and 'name="decision"' not in body
    response = client.post(url("evaluation", opp), {"decision": "continue"})
    assert response.status_code == 400
    assert not Evaluation.objects.exists()


# --- ending -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["ib", "leader"])
def test_ib_or_school_leader_ends_a_plan(client, world, consent, who):
    opp = adopted(world, consent)
    client.force_login(getattr(world, who))
    today = timezone.localdate().isoformat()
    response = client.post(url("end_plan", opp), {"ended_on": today, "reason": "Verhuisd."}, follow=True)
    assert "Het plan is beëindigd" in response.content.decode()
    opp.refresh_from_db()
    assert opp.status == OppStatus.BEEINDIGD and opp.end_reason == "Verhuisd."
    assert opp.next_evaluation_due is None
    assert AuditEvent.objects.filter(action="opp.ended").count() == 1
    # Ending twice is refused, not a 500.
    again = client.post(url("end_plan", opp), {"ended_on": today, "reason": "Nog eens."})
    assert again.status_code == 400
    assert "al beëindigd" in again.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"ended_on": TOMORROW, "reason": "x"}, "ended_on", "toekomst"),
        ({"ended_on": "2000-01-01", "reason": "x"}, "ended_on", "vóór de ingangsdatum"),
        ({"ended_on": "", "reason": "x"}, "ended_on", "Vul een datum in"),
        ({"ended_on": "gisteren", "reason": "x"}, "ended_on", "geldige datum"),
        ({"ended_on": "TODAY", "reason": "   "}, "reason", "Geef de reden"),
    ],
)
def test_bad_end_input_gives_a_field_error_and_ends_nothing(client, world, consent, data, field, message):
    opp = adopted(world, consent)
    if data["ended_on"] == "TODAY":
        data = {**data, "ended_on": timezone.localdate().isoformat()}
    client.force_login(world.ib)
    response = client.post(url("end_plan", opp), data)
    assert response.status_code == 200
    errors = response.content.decode().split(f'id="id_{field}_errors"')[1].split("</div>")[0]
    assert message in errors
    opp.refresh_from_db()
    assert opp.status == OppStatus.VASTGESTELD and opp.ended_on is None


# --- the commissie's advice (rule 6) -------------------------------------------------------------------------

@pytest.mark.parametrize("school_type", ["so", "vso"])
def test_ib_records_the_commissie_advice_on_the_version_sent_and_it_shows_on_the_plan(client, world_for, school_type):
    w = world_for(school_type)
    opp, version = w.sent()
    client.force_login(w.ib)
    data = {"advised_on": timezone.localdate().isoformat(), "commissie": "begeleiding",
            "advice": "De commissie adviseert het plan vast te stellen."}
    response = client.post(url("commissie_advice", opp), data, follow=True)
    assert "Het advies van de commissie is vastgelegd" in response.content.decode()
    advice = CommissieAdvice.objects.get()
    assert advice.opp == opp and advice.commissie == "begeleiding" and advice.version == version
    assert AuditEvent.objects.filter(action="opp.commissie_advice_recorded").count() == 1
    plan = client.get(url("draft", opp)).content.decode()
    assert "De commissie adviseert het plan vast te stellen." in plan
    assert "over versie 1" in plan


@pytest.mark.parametrize("stage", ["concept", "vastgesteld"])
def test_the_commissie_advice_is_refused_on_a_draft_or_an_adopted_version(client, world_for, consent, stage):
    w = world_for("so")
    opp = w.fill(w.start()) if stage == "concept" else adopted(w, consent)
    client.force_login(w.ib)
    assert 'name="advice"' not in client.get(url("commissie_advice", opp)).content.decode()
    data = {"advised_on": timezone.localdate().isoformat(), "commissie": "begeleiding", "advice": "Kwaad"}
    response = client.post(url("commissie_advice", opp), data)
    assert response.status_code == 400
    assert not CommissieAdvice.objects.filter(advice="Kwaad").exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"advised_on": TOMORROW}, "advised_on", "toekomst"),
        ({"advised_on": ""}, "advised_on", "Vul een datum in"),
        ({"commissie": "gemeenteraad"}, "commissie", "Kies de commissie"),
        ({"advice": " "}, "advice", "Schrijf het advies"),
    ],
)
def test_bad_commissie_input_gives_a_field_error_and_saves_nothing(client, world_for, change, field, message):
    w = world_for("so")
    opp, _version = w.sent()
    client.force_login(w.ib)
    data = {"advised_on": timezone.localdate().isoformat(), "commissie": "onderzoek", "advice": "Advies.", **change}
    response = client.post(url("commissie_advice", opp), data)
    assert response.status_code == 200
    errors = response.content.decode().split(f'id="id_{field}_errors"')[1].split("</div>")[0]
    assert message in errors
    assert not CommissieAdvice.objects.exists()


# --- versions and what changed -----------------------------------------------------------------------------

def two_versions(world):
    opp, first = world.sent(goals=[goal("Lezen"), goal("Rekenen")])
    opp.refresh_from_db()
    goals = [
        {"uuid": str(g.uuid), "area": g.area, "description": g.description,
         "approach": "Drie keer per week met de remedial teacher." if g.area == "Lezen" else g.approach,
         "responsible": g.responsible, "due_by": g.due_by, "measured_by": g.measured_by}
        for g in opp.goals.order_by("order") if g.area != "Rekenen"
    ] + [goal("Spelling")]
    world.change(opp, {"goals": goals, "support_and_guidance": "Nu dagelijks een leesgroepje."})
    opp.refresh_from_db()
    second = world.send(opp)
    return opp, first, second


def test_versions_page_lists_number_author_hash_and_adoption(client, world, consent):
    opp, first, second = two_versions(world)
    client.force_login(world.ib)
    body = client.get(url("versions", opp)).content.decode()
    assert first.content_hash[:12] in body and second.content_hash[:12] in body
    assert world.ib.get_full_name() in body
    assert "Wat is er veranderd sinds versie 1" in body
    consent.agree_all(opp, second)
    services.adopt(user=world.leader, opp=opp)
    body = client.get(url("versions", opp)).content.decode()
    assert "geldende versie" in body and "ja, op" in body


def test_versions_page_links_every_versions_pdf_and_calls_none_in_force_once_the_plan_ended(client, world, consent):
    """An older version's PDF (the one the parents agreed to last year) is reachable from the page; after the
    end no version is 'geldend'."""
    opp, first, second = two_versions(world)
    consent.agree_all(opp, second)
    services.adopt(user=world.leader, opp=opp)
    client.force_login(world.ib)
    body = client.get(url("versions", opp)).content.decode()
    for version in (first, second):
        assert reverse("plans:version_pdf", kwargs={"version_uuid": version.uuid}) in body
    services.end(user=world.ib, opp=opp, ended_on=timezone.localdate(), reason="De doelen zijn bereikt.")
    body = client.get(url("versions", opp)).content.decode()
    assert "geldende versie" not in body and "ja, op" in body


def test_compare_defaults_to_the_last_two_versions_in_plain_dutch(client, world):
    opp, first, second = two_versions(world)
    client.force_login(staff("teacher", school=world.school, groups="5"))
    response = client.get(url("compare", opp))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Van versie 1 naar versie 2" in body
    assert "De ondersteuning en begeleiding die de school geeft is veranderd." in body
    assert "De aanpak bij doel &#x27;Lezen&#x27; is veranderd." in body
    assert "Doel &#x27;Spelling&#x27; is toegevoegd." in body
    assert "Doel &#x27;Rekenen&#x27; is verwijderd." in body
    # Side by side: the old and the new text of a changed field.
    assert "Drie keer per week met de remedial teacher." in body and "Nu dagelijks een leesgroepje." in body
    assert "Elke dag tien minuten oefenen met de leerkracht." in body
    assert AuditEvent.objects.filter(action="opp.viewed").exists()


def test_compare_with_explicit_versions_and_the_unsent_draft(client, world):
    opp, first, second = two_versions(world)
    world.change(opp, {"bevorderende_factoren": "Heel gemotiveerd."})
    client.force_login(world.ib)
    same = client.get(url("compare", opp, f"?van={second.uuid}&naar={second.uuid}")).content.decode()
    assert "Er is niets veranderd." in same
    draft = client.get(url("compare", opp, f"?van={second.uuid}&naar=concept")).content.decode()
    assert "De bevorderende factoren (wat uw kind helpt) zijn veranderd." in draft
    assert "Heel gemotiveerd." in draft


@pytest.mark.parametrize("query", ["?van=abc&naar=def", "?van=00000000-0000-0000-0000-000000000000",
                                   "?naar=concept"])
def test_compare_with_unknown_versions_is_a_404_not_a_500(client, world, query):
    opp, first, second = two_versions(world)
    client.force_login(world.ib)
    if query == "?naar=concept":
        query = f"?van={first.uuid}&naar=concept"  # version 2 waits: no draft to compare with
    assert client.get(url("compare", opp, query)).status_code == 404


def test_versions_of_another_plan_cannot_be_compared(client, world):
    opp, first, _second = two_versions(world)
    other_world_ib = staff("ib", school=world.school)
    other = services.start_draft(user=other_world_ib, pupil=enrolled_pupil(world.school), school=world.school)
    client.force_login(world.ib)
    assert client.get(url("compare", other, f"?van={first.uuid}&naar={first.uuid}")).status_code == 404


def test_compare_with_one_version_says_there_is_nothing_to_compare(client, world):
    opp, _version = world.sent()
    client.force_login(world.ib)
    body = client.get(url("compare", opp)).content.decode()
    assert "nog niets te vergelijken" in body


def test_plan_page_links_to_the_lifecycle_pages_by_role(client, world, consent):
    opp = adopted(world, consent)
    client.force_login(world.ib)
    body = client.get(url("draft", opp)).content.decode()
    assert url("versions", opp) in body and url("evaluation", opp) in body and url("end_plan", opp) in body
    client.force_login(staff("teacher", school=world.school, groups="5"))
    body = client.get(url("draft", opp)).content.decode()
    assert url("versions", opp) in body and url("end_plan", opp) not in body
    assert Opp.objects.count() == 1


# --- item 4: the commissie's advice is plan content ----------------------------------------------------------

def test_the_commissie_advice_page_records_the_read_and_a_refusal_shows_no_advice(client, world_for, consent):
    w = world_for("so")
    opp, version = w.sent()
    services.record_commissie_advice(user=w.ib, opp=opp, version=version, advised_on=timezone.localdate(),
                                     commissie="begeleiding", advice="Het advies van de commissie is positief.")
    teacher = staff("teacher", school=w.school, groups="5")
    client.force_login(teacher)
    page = client.get(url("commissie_advice", opp)).content.decode()
    assert "Het advies van de commissie is positief." in page
    event = AuditEvent.objects.get(action="opp.viewed", object_id=str(opp.pk))
    assert event.actor == teacher and event.details == {"role": "teacher", "what": "commissie_advice"}
    refused = client.post(url("commissie_advice", opp), {"advice": "Kwaad"})
    assert refused.status_code == 403 and "Het advies van de commissie is positief." not in refused.content.decode()
    assert AuditEvent.objects.filter(action="opp.viewed").count() == 1


def test_the_plan_page_names_the_latest_evaluation_by_its_date_for_every_reader(client, world, consent):
    from django.utils import dateformat, translation

    opp = adopted(world, consent, goals=[goal("Lezen")])
    today = timezone.localdate()
    Opp.objects.filter(pk=opp.pk).update(adopted_on=today - datetime.timedelta(days=60))
    outcomes = {str(opp.adopted_version.goals[0]["uuid"]): ("partly", "")}
    for day in (today - datetime.timedelta(days=10), today - datetime.timedelta(days=40)):
        # The later date is recorded first: the page names it, not the last one recorded.
        services.record_evaluation(user=world.ib, opp=Opp.objects.get(pk=opp.pk), evaluated_on=day,
                                   outcomes=outcomes, parents_view="Goed.", pupil_view="Leuk.", decision="continue")
    with translation.override("nl"):
        latest = dateformat.format(today - datetime.timedelta(days=10), "j F Y")
    for reader in (world.ib, world.leader, staff("teacher", school=world.school, groups="5")):
        client.force_login(reader)
        body = client.get(url("draft", opp)).content.decode()
        assert f"Laatst geëvalueerd op {latest}: voortzetten." in body, reader


def test_the_commissie_advice_posted_empty_puts_the_cursor_on_its_first_radio_only(client, world_for):
    w = world_for("so")
    opp, _version = w.sent()
    client.force_login(w.ib)
    html = client.post(url("commissie_advice", opp), {"advised_on": timezone.localdate().isoformat()}).content.decode()
    assert html.count(" autofocus") == 1
    tag = html[html.rindex("<", 0, html.index('id="id_commissie_0"')):html.index(">", html.index('id="id_commissie_0"'))]
    assert "autofocus" in tag
