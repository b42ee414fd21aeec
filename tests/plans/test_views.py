"""The drafting pages: outsiders get a 404, the ib starts and saves, autosave, conflicts, bad input, roles."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape

from opp_portal.audit.models import AuditEvent
from plans import services
from plans.models import Opp, OppStatus, StandardText, UitstroomOption
from tests.factories import SchoolFactory, UserFactory, enrolled_pupil, parent_of, pupil_account, staff

from .factories import StandardTextFactory, option_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def draft_url(opp):
    return reverse("plans:draft", kwargs={"opp_uuid": opp.uuid})


def post_data(opp, *, revision=None, goals=None, **fields) -> dict:
    """The draft form as the browser sends it, from the stored plan, with `fields` changed."""
    opp.refresh_from_db()
    data = {
        "revision": opp.revision if revision is None else revision,
        "support_and_guidance": opp.support_and_guidance,
        "deviates_from_regular_programme": "ja" if opp.deviates_from_regular_programme else "nee",
        "deviation_description": opp.deviation_description,
        "uitstroom_option": opp.uitstroom_option.code if opp.uitstroom_option else "",
        "uitstroom_justification": opp.uitstroom_justification,
        "bevorderende_factoren": opp.bevorderende_factoren,
        "belemmerende_factoren": opp.belemmerende_factoren,
        "pupil_situation": opp.pupil_situation,
        "support_needs": opp.support_needs,
    }
    if goals is None:
        goals = [
            {"uuid": str(g.uuid), "area": g.area, "description": g.description, "approach": g.approach,
             "responsible": g.responsible, "due_by": g.due_by.isoformat() if g.due_by else "",
             "measured_by": g.measured_by}
            for g in opp.goals.order_by("order", "pk")
        ]
    data.update({"goals-TOTAL_FORMS": len(goals), "goals-INITIAL_FORMS": len(goals),
                 "goals-MIN_NUM_FORMS": 0, "goals-MAX_NUM_FORMS": 1000})
    for index, goal in enumerate(goals):
        for name, value in goal.items():
            data[f"goals-{index}-{name}"] = value
    data.update(fields)
    return data


NEW_GOAL = {"uuid": "", "area": "Rekenen", "description": "Tafels tot 10 foutloos", "approach": "Dagelijks oefenen",
            "responsible": "Leerkracht en ouders", "due_by": "2027-06-30", "measured_by": "Tafeltoets"}


@pytest.fixture
def draft(world):
    return world.start()


# --- outsiders --------------------------------------------------------------------------------------------

def _views(world, opp):
    return {
        "pupil_plans": ("get", reverse("plans:pupil_plans", kwargs={"pupil_uuid": world.pupil.uuid})),
        "start_plan": ("post", reverse("plans:start_plan", kwargs={"pupil_uuid": world.pupil.uuid})),
        "draft": ("get", draft_url(opp)),
        "draft_post": ("post", draft_url(opp)),
        "adopt": ("post", reverse("plans:adopt", kwargs={"opp_uuid": opp.uuid})),
        "adjust": ("post", reverse("plans:adjust", kwargs={"opp_uuid": opp.uuid})),
    }


OUTSIDERS = {
    "ib of another school": lambda w: staff("ib", school=SchoolFactory()),
    "school leader of another school": lambda w: staff("school_leader", school=SchoolFactory()),
    "parent of another child": lambda w: parent_of(enrolled_pupil(SchoolFactory())),
    "board admin": lambda w: staff("board_admin", board=w.school.board),
    "swv": lambda w: staff("swv", swv=w.school.swv),
    "teacher of another group": lambda w: staff("teacher", school=w.school, groups="8"),
    "pupil account": lambda w: pupil_account(w.pupil),
    "user without memberships": lambda w: UserFactory(),
}


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize("view", ["pupil_plans", "start_plan", "draft", "draft_post", "adopt", "adjust"])
def test_outsider_gets_404_for_every_plan_view(client, world, outsider, view):
    opp = world.fill(world.start())
    events = AuditEvent.objects.count()
    client.force_login(OUTSIDERS[outsider](world))
    method, target = _views(world, opp)[view]
    response = getattr(client, method)(target, post_data(opp, support_and_guidance="Kwaad"))
    assert response.status_code == 404
    opp.refresh_from_db()
    assert opp.support_and_guidance != "Kwaad"
    assert Opp.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_parent_of_the_child_does_not_reach_the_staff_pages(client, world):
    opp, _version = world.sent()
    client.force_login(world.mother)
    assert client.get(draft_url(opp)).status_code == 404
    assert client.post(draft_url(opp), post_data(opp, support_and_guidance="Kwaad")).status_code == 404


@pytest.mark.parametrize("view", ["pupil_plans", "draft"])
def test_anonymous_user_is_sent_to_login(client, world, view):
    opp = world.start()
    _method, target = _views(world, opp)[view]
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- the pupil's plans and starting one ---------------------------------------------------------------------

def test_pupil_plans_show_kind_and_status(client, world_for):
    w = world_for("vo")
    opp = w.start(kind="basisondersteuning")
    client.force_login(w.ib)
    body = client.get(reverse("plans:pupil_plans", kwargs={"pupil_uuid": w.pupil.uuid})).content.decode()
    assert "intern plan (basisondersteuning)" in body
    assert "concept" in body
    assert draft_url(opp) in body
    assert "Nieuw OPP starten" not in body  # one open plan per pupil and school (rule 9)


def test_ib_at_bao_chooses_the_kind_but_not_at_sbo(client, world_for):
    for school_type, offered in (("bao", True), ("sbo", False)):
        w = world_for(school_type)
        client.force_login(w.ib)
        body = client.get(reverse("plans:pupil_plans", kwargs={"pupil_uuid": w.pupil.uuid})).content.decode()
        assert "Nieuw OPP starten" in body
        assert ('name="kind"' in body) is offered


def test_ib_can_start_a_draft(client, world):
    client.force_login(world.ib)
    response = client.post(reverse("plans:start_plan", kwargs={"pupil_uuid": world.pupil.uuid}),
                           {"kind": "extra_support", "support_start_date": "2026-09-01"})
    opp = Opp.objects.get()
    assert response.status_code == 302
    assert response["Location"] == draft_url(opp)
    assert opp.status == OppStatus.CONCEPT and str(opp.support_start_date) == "2026-09-01"
    page = client.get(draft_url(opp))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Handelingsdeel" in body and "Uitstroomperspectief" in body
    assert body.index("Handelingsdeel") < body.index("Uitstroomperspectief")
    assert AuditEvent.objects.filter(action="opp.viewed").exists()


def test_start_with_basisondersteuning_at_sbo_is_a_field_error_not_a_500(client, world_for):
    w = world_for("sbo")
    client.force_login(w.ib)
    response = client.post(reverse("plans:start_plan", kwargs={"pupil_uuid": w.pupil.uuid}),
                           {"kind": "basisondersteuning"})
    # The kind is not offered at an sbo school: the choice is ignored and a legal OPP starts.
    assert response.status_code == 302
    assert Opp.objects.get().kind == "extra_support"


def test_start_from_last_years_plan_carries_goals_over(client, world):
    opp = world.fill(world.start())
    services.end(user=world.ib, opp=opp, ended_on=opp.created_at.date(), reason="Nieuw schooljaar")
    client.force_login(world.ib)
    client.post(reverse("plans:start_plan", kwargs={"pupil_uuid": world.pupil.uuid}),
                {"kind": "extra_support", "carry_over": "on"})
    new = Opp.objects.exclude(pk=opp.pk).get()
    assert new.previous == opp
    assert new.goals.count() == 1
    assert new.support_and_guidance == opp.support_and_guidance


def test_teacher_cannot_start_a_plan(client, world):
    client.force_login(staff("teacher", school=world.school, groups="5"))
    response = client.post(reverse("plans:start_plan", kwargs={"pupil_uuid": world.pupil.uuid}), {})
    assert response.status_code == 404
    assert not Opp.objects.exists()


# --- saving ------------------------------------------------------------------------------------------------

def test_ib_saves_the_draft_with_the_opslaan_button(client, world, draft):
    client.force_login(world.ib)
    option = option_for("bao")
    data = post_data(draft, goals=[NEW_GOAL], support_and_guidance="Twee keer per week extra lezen.",
                     uitstroom_option=option.code, action="save")
    response = client.post(draft_url(draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.support_and_guidance == "Twee keer per week extra lezen."
    assert draft.uitstroom_option == option
    assert draft.revision == 2
    assert list(draft.goals.values_list("description", flat=True)) == ["Tafels tot 10 foutloos"]


def test_autosave_returns_the_new_revision_and_the_checklist(client, world, draft):
    client.force_login(world.ib)
    data = post_data(draft, goals=[NEW_GOAL], support_and_guidance="Extra leesbegeleiding.")
    response = client.post(draft_url(draft), data, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="id_revision" value="2" hx-swap-oob="true"' in body
    assert 'id="checklist"' in body and "Minstens één volledig doel" in body
    goal = draft.goals.get()
    assert f'name="goals-0-uuid" id="id_goals-0-uuid" value="{goal.uuid}"' in body
    # Sending the same form again with the new revision and the goal's uuid changes nothing.
    again = post_data(draft)
    client.post(draft_url(draft), again, **HTMX)
    draft.refresh_from_db()
    assert draft.revision == 2 and draft.goals.get().uuid == goal.uuid


def test_checklist_turns_met_as_the_plan_fills(client, world, draft):
    client.force_login(world.ib)
    before = client.get(draft_url(draft)).content.decode()
    assert "0 van" in before
    world.fill(draft)
    after = client.get(draft_url(draft)).content.decode()
    assert "3 van" in after


def test_stale_revision_shows_both_texts_and_changes_nothing(client, world, draft):
    world.fill(draft)  # revision 2
    draft.refresh_from_db()
    loaded = post_data(draft)  # the ib's tab, at revision 2
    colleague = staff("ib", school=world.school)
    services.save_draft(user=colleague, opp=draft, expected_revision=2,
                        changes={"support_and_guidance": "De tekst van de collega."})
    client.force_login(world.ib)
    loaded["support_and_guidance"] = "Mijn eigen tekst."
    for headers in (HTMX, {}):
        response = client.post(draft_url(draft), loaded, **headers)
        assert response.status_code == 200
        body = response.content.decode()
        assert "iemand anders heeft" in body.lower()
        assert "Mijn eigen tekst." in body and "De tekst van de collega." in body
        draft.refresh_from_db()
        assert draft.support_and_guidance == "De tekst van de collega."
        assert draft.revision == 3
    # The htmx answer does not hand out the new revision, so the next autosave cannot overwrite.
    assert 'id="id_revision"' not in client.post(draft_url(draft), loaded, **HTMX).content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"goals-0-description": ""}, "Schrijf het doel op"),
        ({"support_and_guidance": "x" * 4001}, "te lang"),
        ({"goals-0-area": "y" * 101}, "te lang"),
        ({"goals-0-due_by": "31-31-2027"}, "geldige datum"),
        ({"uitstroom_option": "bestaat-niet"}, "past"),
        ({"revision": "abc"}, ""),
        ({"goals-TOTAL_FORMS": ""}, ""),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["full", "htmx"])
def test_bad_input_gives_a_field_error_and_saves_nothing(client, world, draft, change, message, headers):
    world.fill(draft)
    draft.refresh_from_db()
    client.force_login(world.ib)
    data = post_data(draft, support_and_guidance="Nieuwe tekst die niet bewaard mag worden.")
    data.update(change)
    response = client.post(draft_url(draft), data, **headers)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Niet opgeslagen" in body
    assert message in body
    draft.refresh_from_db()
    assert draft.revision == 2
    assert draft.support_and_guidance != "Nieuwe tekst die niet bewaard mag worden."


def test_destination_of_another_school_type_is_refused(client, world, draft):
    vso_only = UitstroomOption.objects.exclude(school_types__contains="bao").first()
    client.force_login(world.ib)
    response = client.post(draft_url(draft), post_data(draft, uitstroom_option=vso_only.code))
    assert "Kies een uitstroombestemming die bij deze schoolsoort past" in response.content.decode()
    draft.refresh_from_db()
    assert draft.uitstroom_option is None


def test_field_error_sits_next_to_the_field_and_is_linked(client, world, draft):
    client.force_login(world.ib)
    data = post_data(draft, goals=[{**NEW_GOAL, "description": ""}])
    body = client.post(draft_url(draft), data).content.decode()
    assert 'id="id_goals-0-description_errors"' in body
    assert 'aria-describedby="id_goals-0-description_helptext id_goals-0-description_errors"' in body
    assert 'aria-invalid="true"' in body


def test_empty_new_goal_block_is_skipped(client, world, draft):
    client.force_login(world.ib)
    blank = {name: "" for name in NEW_GOAL}
    response = client.post(draft_url(draft), post_data(draft, goals=[NEW_GOAL, blank]))
    assert response.status_code == 302
    assert draft.goals.count() == 1


def test_a_goal_is_removed_with_its_delete_box(client, world, draft):
    world.fill(draft)
    client.force_login(world.ib)
    data = post_data(draft)
    data["goals-0-DELETE"] = "on"
    client.post(draft_url(draft), data, **HTMX)
    assert draft.goals.count() == 0


# --- roles -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["teacher", "school_leader"])
def test_teacher_and_leader_can_read_but_not_save(client, world, draft, who):
    world.fill(draft)
    user = staff("teacher", school=world.school, groups="5") if who == "teacher" else world.leader
    client.force_login(user)
    page = client.get(draft_url(draft))
    assert page.status_code == 200
    body = page.content.decode()
    assert "U kunt dit plan lezen" in body
    assert "<textarea" not in body and "hx-post" not in body and 'name="action"' not in body
    assert draft.support_and_guidance in body  # read as text, not in a form
    for headers in ({}, HTMX):
        response = client.post(draft_url(draft), post_data(draft, support_and_guidance="Kwaad"), **headers)
        assert response.status_code == 403
        assert draft.support_and_guidance not in response.content.decode()  # a refusal shows no plan content
    draft.refresh_from_db()
    assert draft.support_and_guidance != "Kwaad"


# --- standard texts --------------------------------------------------------------------------------------

def test_standard_texts_of_school_and_board_are_offered_but_not_others(client, world, draft):
    StandardTextFactory(school=world.school, kind="support", title="Leesgroep", text="Twee keer per week leesgroep.")
    StandardText.objects.create(board=world.school.board, kind="approach", title="Bestuursaanpak", text="Aanpak B.")
    StandardTextFactory(school=SchoolFactory(), kind="support", title="Geheim", text="Van een andere school.")
    client.force_login(world.ib)
    body = client.get(draft_url(draft)).content.decode()
    assert 'data-standard-text="Twee keer per week leesgroep."' in body
    assert "Bestuursaanpak" in body
    assert "Geheim" not in body
    assert "<script>" not in body and "onclick" not in body


# --- sending and adopting -------------------------------------------------------------------------------

def test_the_send_button_saves_the_draft_and_leads_to_the_one_step_preview(client, world, draft):
    world.fill(draft)
    client.force_login(world.ib)
    body = client.get(draft_url(draft)).content.decode()
    assert "Versie vastleggen en ter instemming voorleggen" in body and "Versturen naar ouders" not in body
    response = client.post(draft_url(draft), {**post_data(draft, support_needs="Rust in de klas."), "action": "send"})
    assert response.status_code == 302
    assert response["Location"] == reverse("consent:send", kwargs={"opp_uuid": draft.uuid})
    draft.refresh_from_db()
    assert draft.support_needs == "Rust in de klas."  # saved first
    assert draft.status == OppStatus.CONCEPT and not draft.versions.exists()  # nothing frozen or sent yet


def test_leader_sees_a_disabled_vaststellen_with_the_reasons_and_a_replayed_post_is_refused(client, world):
    opp, _version = world.sent()
    client.force_login(world.leader)
    page = client.get(draft_url(opp)).content.decode()
    block = page.split('id="vaststellen"')[1].split("</div>")[0]
    assert "disabled" in block and "Nog nodig" in block and "Instemming van de ouders" in block
    assert reverse("plans:adopt", kwargs={"opp_uuid": opp.uuid}) not in page
    today = timezone.localdate().isoformat()
    response = client.post(reverse("plans:adopt", kwargs={"opp_uuid": opp.uuid}),
                           {"adopted_on": today, "version": str(_version.uuid)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Het plan kan nog niet worden vastgesteld" in body and "Instemming van de ouders" in body
    opp.refresh_from_db()
    assert opp.adopted_on is None and opp.status == OppStatus.TER_INSTEMMING


def test_leader_adopts_on_the_date_the_page_showed(client, world, consent):
    opp, version = world.sent()
    consent.agree_all(opp, version)
    client.force_login(world.leader)
    page = client.get(draft_url(opp)).content.decode()
    today = timezone.localdate()
    block = page.split('id="vaststellen"')[1].split("</form>")[0]
    assert f'value="{today.isoformat()}"' in block and f'name="version" value="{version.uuid}"' in block
    assert f"De ingangsdatum van het plan wordt <strong>{date_format(today, 'j F Y')}</strong>" in block
    response = client.post(reverse("plans:adopt", kwargs={"opp_uuid": opp.uuid}),
                           {"adopted_on": today.isoformat(), "version": str(version.uuid)}, follow=True)
    assert f"Het plan is vastgesteld. De ingangsdatum is {date_format(today, 'j F Y')}." in response.content.decode()
    opp.refresh_from_db()
    assert opp.status == OppStatus.VASTGESTELD and opp.adopted_on == today


def test_a_vaststellen_posted_with_another_date_than_today_is_not_recorded(client, world, consent):
    opp, version = world.sent()
    consent.agree_all(opp, version)
    client.force_login(world.leader)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    for data in ({"adopted_on": yesterday, "version": str(version.uuid)}, {}):
        response = client.post(reverse("plans:adopt", kwargs={"opp_uuid": opp.uuid}), data, follow=True)
        assert "Controleer de datum" in response.content.decode()
    opp.refresh_from_db()
    assert opp.adopted_on is None


def test_a_vaststellen_from_a_page_that_showed_another_version_adopts_nothing(client, world, consent):
    """The leader's page offered version 1; meanwhile the ib sent version 2 and the parents agreed to it. The
    stale form (or a replayed one) must not adopt a version the leader never saw."""
    opp, first = world.sent()
    consent.agree_all(opp, first)
    world.change(opp, {"support_and_guidance": "Vaker extra instructie."})
    second = world.send(opp)
    consent.agree_all(opp, second)
    client.force_login(world.leader)
    today = timezone.localdate().isoformat()
    url = reverse("plans:adopt", kwargs={"opp_uuid": opp.uuid})
    for shown in (str(first.uuid), "", "not-a-uuid", "\x00"):
        body = client.post(url, {"adopted_on": today, "version": shown}, follow=True).content.decode()
        assert "Er is niets vastgesteld" in body or "Controleer welke versie" in body
        opp.refresh_from_db()
        assert opp.status == OppStatus.TER_INSTEMMING and opp.adopted_on is None
    body = client.post(url, {"adopted_on": today, "version": str(second.uuid)}, follow=True).content.decode()
    opp.refresh_from_db()
    assert opp.status == OppStatus.VASTGESTELD and opp.adopted_version == second


def test_ib_cannot_adopt_and_gets_a_message(client, world, consent):
    opp, version = world.sent()
    consent.agree_all(opp, version)
    client.force_login(world.ib)
    response = client.post(reverse("plans:adopt", kwargs={"opp_uuid": opp.uuid}),
                           {"adopted_on": timezone.localdate().isoformat(), "version": str(version.uuid)},
                           follow=True)
    assert "Alleen de schoolleider" in response.content.decode()
    opp.refresh_from_db()
    assert opp.adopted_on is None


def test_someone_who_may_not_adopt_is_told_so_even_with_a_stale_date_and_no_version(client, world, consent):
    opp, version = world.sent()
    consent.agree_all(opp, version)
    client.force_login(world.ib)
    response = client.post(reverse("plans:adopt", kwargs={"opp_uuid": opp.uuid}), {"adopted_on": "2000-01-01"},
                           follow=True)
    body = response.content.decode()
    assert "Alleen de schoolleider" in body and "Bevestig opnieuw" not in body
    opp.refresh_from_db()
    assert opp.adopted_on is None


def test_autosave_waits_for_a_new_goal_without_its_text_but_saves_the_rest(client, world, draft):
    client.force_login(world.ib)
    data = post_data(draft, goals=[{**NEW_GOAL, "description": ""}], support_and_guidance="Wel bewaard.")
    body = client.post(draft_url(draft), data, **HTMX).content.decode()
    assert "zodra het doel zelf is ingevuld" in body
    draft.refresh_from_db()
    assert draft.support_and_guidance == "Wel bewaard." and draft.goals.count() == 0
    # The Opslaan button is strict: the same goal is an error next to the field.
    response = client.post(draft_url(draft), post_data(draft, goals=[{**NEW_GOAL, "description": ""}]))
    assert "Schrijf het doel op" in response.content.decode()


# --- who sees what: the read-only plan ---------------------------------------------------------------------------

def test_a_teacher_reads_the_plan_handelingsdeel_first_without_controls_tips_or_the_full_bsn(client, world):
    opp, _version = world.sent()
    teacher = staff("teacher", school=world.school, groups="5")
    client.force_login(teacher)
    body = client.get(draft_url(opp)).content.decode()
    assert opp.support_and_guidance in body
    assert body.index('id="kop-handelingsdeel"') < body.index('id="kop-uitstroom"')
    assert "<form" not in body.split('id="plan-lezen"')[1].split("</aside>")[0].split("<aside")[0]
    assert "<textarea" not in body and "Opslaan" not in body and "Plan bijstellen" not in body
    assert "Geen diagnoses of testuitslagen" not in body and "standaardtekst" not in body  # no writing tips
    assert 'id="checklist"' not in body and "Vaststellen" not in body
    assert world.pupil.bsn not in body
    detail = client.get(reverse("schools:pupil_detail", kwargs={"pupil_uuid": world.pupil.uuid})).content.decode()
    assert world.pupil.bsn not in detail and world.pupil.bsn[-3:] in detail
    client.force_login(world.ib)  # the ib edits the pupil's record, and sees the BSN there
    detail = client.get(reverse("schools:pupil_detail", kwargs={"pupil_uuid": world.pupil.uuid})).content.decode()
    assert world.pupil.bsn in detail


def test_the_plan_page_shows_the_adoption_deadline_and_once_adopted_the_evaluation_deadline(client, world, consent):
    opp = world.fill(world.start(support_start_date=timezone.localdate() - datetime.timedelta(days=50)))
    client.force_login(world.ib)
    marks = client.get(draft_url(opp)).content.decode().split('id="termijnen"')[1].split("</ul>")[0]
    assert "Uiterlijk vaststellen" in marks and "8 dagen te laat" in marks and "text-bg-danger" in marks
    version = world.send(opp)
    consent.agree_all(opp, version)
    services.adopt(user=world.leader, opp=opp)
    marks = client.get(draft_url(opp)).content.decode().split('id="termijnen"')[1].split("</ul>")[0]
    assert "Uiterlijk vaststellen" not in marks and "Uiterlijk evalueren" in marks


def test_an_ib_typing_into_an_adopted_plan_changes_nothing(client, world, consent):
    opp, version = world.sent()
    consent.agree_all(opp, version)
    services.adopt(user=world.leader, opp=opp)
    client.force_login(world.ib)
    body = client.get(draft_url(opp)).content.decode()
    assert "<textarea name=\"support_and_guidance\"" not in body and "Plan bijstellen" in body
    for headers in ({}, HTMX):
        response = client.post(draft_url(opp), post_data(opp, support_and_guidance="Stilletjes anders."), **headers)
        assert response.status_code == 403 and "Plan bijstellen" in response.content.decode()
    opp.refresh_from_db()
    assert opp.status == OppStatus.VASTGESTELD and opp.support_and_guidance != "Stilletjes anders."
    assert opp.versions.count() == 1


def test_plan_bijstellen_needs_a_reason_then_opens_the_draft_while_the_version_in_force_stays(client, world, consent):
    opp, version = world.sent()
    consent.agree_all(opp, version)
    services.adopt(user=world.leader, opp=opp)
    client.force_login(world.ib)
    adjust = reverse("plans:adjust", kwargs={"opp_uuid": opp.uuid})
    response = client.post(adjust, {"reason": " "})
    assert response.status_code == 400 and "Schrijf op waarom het plan wordt bijgesteld" in response.content.decode()
    opp.refresh_from_db()
    assert opp.status == OppStatus.VASTGESTELD
    response = client.post(adjust, {"reason": "De ouders willen meer hulp bij rekenen."}, follow=True)
    body = response.content.decode()
    assert "Versie 1 blijft gelden tot de nieuwe versie is vastgesteld" in body
    assert 'name="support_and_guidance"' in body and "Bijstelling in voorbereiding" in body
    opp.refresh_from_db()
    assert opp.status == OppStatus.BIJGESTELD and opp.adopted_version == version
    client.force_login(world.leader)
    assert client.post(adjust, {"reason": "Ik ook"}, follow=True).status_code == 200
    assert AuditEvent.objects.filter(action="opp.adjustment_started").count() == 1


def test_the_checklist_says_which_version_it_judges(client, world, consent):
    opp, version = world.sent()
    client.force_login(world.leader)
    body = client.get(draft_url(opp)).content.decode()
    subject = body.split('id="checklist-onderwerp"')[1].split("</p>")[0]
    assert "versie 1, vastgelegd en voorgelegd op" in subject
    consent.agree_all(opp, version)
    services.adopt(user=world.leader, opp=opp)
    body = client.get(draft_url(opp)).content.decode()
    assert "de geldende versie 1, vastgesteld op" in body and "6 van 6 punten in orde" in body


def test_the_words_follow_the_school_type(client, world_for):
    so = world_for("so")
    opp = so.fill(so.start())
    client.force_login(so.ib)
    body = client.get(draft_url(opp)).content.decode()
    assert f">OPP: {escape(so.pupil.full_name)}</h1>" in body
    assert "OPP (extra ondersteuning)" not in body
    assert "Wat doen de leerkracht, de ib&#x27;er, de ouders en de leerling?" in body
    vo = world_for("vo")
    opp = vo.fill(vo.start())
    client.force_login(vo.ib)
    body = client.get(draft_url(opp)).content.decode()
    assert "Wat doen de mentor, de zorgcoördinator, de ouders en de leerling?" in body
    client.force_login(staff("teacher", school=vo.school, groups="5"))
    body = client.get(draft_url(opp)).content.decode()
    assert "Alleen de zorgcoördinator van de school past het plan aan." in body
# --- item 4: no refused answer shows plan content; every answer that shows it records the read ---------------------

def _reads(opp):
    from opp_portal.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(action="opp.viewed", object_id=str(opp.pk)))


@pytest.mark.parametrize("who", ["teacher", "school_leader"])
def test_a_post_to_the_draft_by_a_reader_is_refused_without_plan_content(client, world, draft, who):
    world.fill(draft)
    user = staff("teacher", school=world.school, groups="5") if who == "teacher" else world.leader
    client.force_login(user)
    response = client.post(draft_url(draft), post_data(draft, support_and_guidance="Kwaad"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "Alleen de intern begeleider" in body
    assert "Twee keer per week extra leesbegeleiding" not in body and "Kwaad" not in body
    assert _reads(draft) == []


def test_the_stale_revision_conflict_page_records_the_read(client, world, draft):
    world.fill(draft)
    draft.refresh_from_db()
    loaded = post_data(draft, support_and_guidance="Mijn eigen tekst.")
    services.save_draft(user=staff("ib", school=world.school), opp=draft, expected_revision=draft.revision,
                        changes={"support_and_guidance": "De tekst van de collega."})
    client.force_login(world.ib)
    for headers in (HTMX, {}):
        before = len(_reads(draft))
        body = client.post(draft_url(draft), loaded, **headers).content.decode()
        assert "De tekst van de collega." in body
        [event] = _reads(draft)[: len(_reads(draft)) - before]
        assert event.actor == world.ib and event.pupil_id == draft.pupil_id
        assert event.details == {"role": "ib", "what": "conflict"}


def test_reading_the_draft_records_who_in_which_role_which_pupil_and_what_once(client, world, draft):
    client.force_login(world.leader)
    client.get(draft_url(draft))
    [event] = _reads(draft)
    assert (event.actor, event.pupil_id, event.on_behalf_of) == (world.leader, draft.pupil_id,
                                                                 f"school:{world.school.code}")
    assert event.details == {"role": "school_leader", "what": "draft"} and event.at is not None


def test_an_ended_plan_says_when_it_ended_and_calls_no_version_in_force(client, world, consent):
    opp, version = world.sent()
    consent.agree_all(opp, version)
    services.adopt(user=world.leader, opp=opp)
    services.end(user=world.ib, opp=opp, ended_on=timezone.localdate(), reason="De doelen zijn bereikt.")
    today = date_format(timezone.localdate(), "j F Y")
    for user in (world.ib, world.leader):
        client.force_login(user)
        body = client.get(draft_url(opp)).content.decode()
        assert f"beëindigd op {today}" in body.split('id="termijnen"')[0].split("<h1")[1]
        assert "Geldende versie" not in body and "de geldende versie" not in body
        assert f"Versie 1, vastgesteld op {today}; gold tot het plan eindigde op {today}." in body


def test_plan_bijstellen_on_an_ended_plan_says_it_ended_not_that_it_can_be_edited(client, world, consent):
    opp, version = world.sent()
    consent.agree_all(opp, version)
    services.adopt(user=world.leader, opp=opp)
    services.end(user=world.ib, opp=opp, ended_on=timezone.localdate(), reason="Verhuisd.")
    client.force_login(world.ib)
    response = client.post(reverse("plans:adjust", kwargs={"opp_uuid": opp.uuid}), {"reason": "Toch iets wijzigen"},
                           follow=True)
    body = response.content.decode()
    assert "kunt u al aanpassen" not in body and "Dit plan is beëindigd en kan niet meer worden bijgesteld" in body
    opp.refresh_from_db()
    assert opp.status == OppStatus.BEEINDIGD and opp.adjustment_reason == ""


def test_a_forged_revision_in_autosave_says_to_reload_and_never_shows_none(client, world, draft):
    client.force_login(world.ib)
    for revision in ("abc", "-5"):
        body = client.post(draft_url(draft), post_data(draft, revision=revision), **HTMX).content.decode()
        assert "Niet opgeslagen" in body and "None:" not in body and "Laad het plan opnieuw" in body

