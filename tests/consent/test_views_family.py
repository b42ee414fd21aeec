"""The parents' pages: reading the plan sent to them, deciding, their view, the email link and the log."""


import pytest
from django.urls import reverse
from django.utils.html import escape

from consent import services
from consent.models import Decision, InstemmingDecision, InstemmingRecipient, ParentView, UnreachableReason
from opp_portal.audit.models import AuditEvent
from plans import services as plan_services
from schools import services as school_services
from tests.factories import enrolled_pupil, parent_of, staff
from tests.plans.factories import goal

pytestmark = pytest.mark.django_db


def plan_url(opp):
    return reverse("consent:plan", kwargs={"opp_uuid": opp.uuid})


def decide_url(opp):
    return reverse("consent:decide", kwargs={"opp_uuid": opp.uuid})


@pytest.fixture
def asked(world):
    """A sent plan, instemming asked from both parents."""
    opp, version = world.sent()
    request = world.ask(version, reason="Nieuw plan")
    return opp, version, request


@pytest.fixture
def stranger(world):
    """A parent of another child at the same school."""
    other = enrolled_pupil(world.school)
    return parent_of(other)


def test_parent_reads_the_plan_handelingsdeel_first(client, world, asked):
    opp, version, _request = asked
    client.force_login(world.mother)
    response = client.get(plan_url(opp))
    assert response.status_code == 200
    html = response.content.decode()
    assert "De school vraagt of u akkoord gaat met het plan" in html
    assert "Nieuw plan" in html  # the reason of the request
    assert html.index("Wat de school doet") < html.index("Waar uw kind naartoe gaat")
    assert "Lezen: een stap verder komen" in html
    assert reverse("plans:version_pdf", kwargs={"version_uuid": version.uuid}) in html


def test_first_visit_marks_the_request_opened_once(client, world, asked):
    opp, _version, request = asked
    client.force_login(world.mother)
    client.get(plan_url(opp))
    client.get(plan_url(opp))
    mine = world.recipient(request, world.mother)
    assert mine.opened_at is not None
    assert world.recipient(request, world.father).opened_at is None
    assert AuditEvent.objects.filter(action="instemming.opened").count() == 1


def test_parent_agrees_and_posting_twice_adds_a_second_record(client, world, asked):
    opp, version, request = asked
    client.force_login(world.mother)
    response = client.post(decide_url(opp), {"decision": Decision.AKKOORD, "version": version.uuid})
    assert response.status_code == 302
    client.post(decide_url(opp), {"decision": Decision.GESPREK_GEWENST, "version": version.uuid})
    decisions = InstemmingDecision.objects.filter(recipient=world.recipient(request, world.mother))
    assert [d.decision for d in decisions.order_by("pk")] == [Decision.AKKOORD, Decision.GESPREK_GEWENST]
    assert all(d.content_hash == version.content_hash and d.how == "online" for d in decisions)
    html = client.get(plan_url(opp)).content.decode()
    assert "Uw besluiten tot nu toe" in html
    assert "wordt nooit gewijzigd" in html


def test_a_refusal_requires_a_reason_shown_next_to_the_field(client, world, asked):
    opp, _version, _request = asked
    client.force_login(world.mother)
    response = client.post(decide_url(opp), {"decision": Decision.NIET_AKKOORD, "reason": "  "})
    assert response.status_code == 200
    assert "reason" in response.context["decision_form"].errors
    assert "Schrijf op waarom u niet akkoord gaat" in response.content.decode()
    assert not InstemmingDecision.objects.exists()
    # The cursor goes to the field with the message (the browser focuses it; portal.js centres it on screen).
    reason = response.context["decision_form"].fields["reason"].widget.attrs
    assert reason.get("autofocus") and reason.get("aria-invalid") == "true"


def test_a_decision_posted_without_a_choice_puts_the_cursor_on_the_first_choice_only(client, world, asked):
    opp, version, _request = asked
    client.force_login(world.mother)
    response = client.post(decide_url(opp), {"version": str(version.uuid)})
    assert response.status_code == 200 and not InstemmingDecision.objects.exists()
    html = response.content.decode()
    # One place for the cursor on a page; every radio said autofocus before.
    assert html.count(" autofocus") == 1
    first = html[html.index('name="decision"') - 200:html.index('name="decision"') + 300]
    assert "autofocus" in first


def test_after_a_refusal_the_parent_sees_where_to_get_help(client, world, asked):
    opp, version, _request = asked
    world.school.swv.steunpunt_contact = "Steunpunt Passend Onderwijs, 010-1234567"
    world.school.swv.save()
    client.force_login(world.mother)
    response = client.post(decide_url(opp), {"decision": Decision.NIET_AKKOORD, "reason": "Te weinig hulp bij rekenen.",
                                              "version": version.uuid})
    assert response["Location"] == plan_url(opp)  # the top of the page: the banner, not the form below
    html = client.get(plan_url(opp)).content.decode()
    assert "U ging op" in html and "niet akkoord met versie 1" in html
    assert "Hier krijgt u gratis hulp" in html
    assert 'Steunpunt Passend Onderwijs, <a href="tel:0101234567">010-1234567</a>' in html
    assert "onderwijsconsulenten" in html.lower()
    assert "Geschillencommissie passend onderwijs" in html


def test_a_parent_decides_only_for_themself_and_sees_only_their_own_decision(client, world, asked):
    opp, version, request = asked
    client.force_login(world.mother)
    client.post(decide_url(opp), {"decision": Decision.NIET_AKKOORD, "reason": "Moeder wil meer hulp.",
                                  "version": version.uuid})
    assert world.recipient(request, world.father).decisions.count() == 0
    client.force_login(world.father)
    html = client.get(plan_url(opp)).content.decode()
    assert "Moeder wil meer hulp." not in html
    assert "Hier krijgt u gratis hulp" not in html and 'id="stand"' not in html
    assert 'name="decision"' in html  # the father still has his own form


def test_a_parent_of_another_child_gets_404_everywhere(client, world, asked, stranger):
    opp, _version, request = asked
    client.force_login(stranger)
    assert client.get(plan_url(opp)).status_code == 404
    assert client.post(decide_url(opp), {"decision": Decision.AKKOORD}).status_code == 404
    assert client.post(reverse("consent:parent_view", kwargs={"opp_uuid": opp.uuid}),
                       {"text": "x"}).status_code == 404
    assert client.get(reverse("consent:request", kwargs={"request_uuid": request.uuid})).status_code == 404
    assert client.get(reverse("consent:child", kwargs={"pupil_uuid": world.pupil.uuid})).status_code == 404
    assert client.get(reverse("consent:log", kwargs={"pupil_uuid": world.pupil.uuid})).status_code == 404
    assert not InstemmingDecision.objects.exists()


def test_staff_and_board_get_404_on_the_parent_pages(client, world, asked):
    opp, _version, request = asked
    for user in (world.ib, staff("board_admin", board=world.school.board)):
        client.force_login(user)
        assert client.get(plan_url(opp)).status_code == 404
        assert client.get(reverse("consent:request", kwargs={"request_uuid": request.uuid})).status_code == 404


def test_the_email_link_opens_the_plan_for_the_recipient(client, world, asked):
    opp, _version, request = asked
    client.force_login(world.father)
    response = client.get(reverse("consent:request", kwargs={"request_uuid": request.uuid}))
    assert response.status_code == 302
    assert response["Location"] == plan_url(opp)


def test_the_child_page_goes_straight_to_the_one_plan(client, world, asked):
    opp, _version, _request = asked
    client.force_login(world.mother)
    response = client.get(reverse("consent:child", kwargs={"pupil_uuid": world.pupil.uuid}))
    assert response["Location"] == plan_url(opp)
    html = client.get(reverse("schools:my_children")).content.decode()
    assert reverse("consent:child", kwargs={"pupil_uuid": world.pupil.uuid}) in html


def test_a_draft_never_sent_is_not_visible_to_the_parent(client, world):
    opp = world.fill(world.start())
    client.force_login(world.mother)
    assert client.get(plan_url(opp)).status_code == 404


def test_version_2_shows_what_changed_since_the_version_the_parent_agreed_to(client, world):
    opp, version1, _request = world.ready_for_adoption()
    plan_services.adopt(user=world.leader, opp=opp)
    opp = world.reopen(opp)  # "Plan bijstellen"
    reading = opp.goals.get()
    world.fill(opp, goals=[goal("Lezen", uuid=str(reading.uuid), approach="Drie keer per week oefenen."),
                           goal("Rekenen")])
    opp.refresh_from_db()
    version2 = world.send(opp)
    world.ask(version2, reason="Aangepast na de evaluatie")
    client.force_login(world.mother)
    html = client.get(plan_url(opp)).content.decode()
    assert "Wat is er veranderd sinds de versie waarmee u instemde (versie 1)?" in html
    # The old and the new text, with what changed marked, not only that it "is veranderd".
    assert "Zo werken we aan doel &#x27;Lezen&#x27;" in html
    assert "Eerst stond er" in html and "Nu staat er" in html
    assert "<ins>Drie keer per week oefenen.</ins>" in html
    assert "<del>Elke dag tien minuten oefenen met de leerkracht.</del>" in html
    assert "Doel &#x27;Rekenen&#x27; is toegevoegd." in html
    # Agreement on version 1 does not carry over: the form is there again.
    assert 'name="decision"' in html
    assert version1.number == 1 and version2.number == 2


def test_parent_adds_their_view_and_the_school_sees_it(client, world, asked):
    opp, _version, _request = asked
    client.force_login(world.mother)
    response = client.post(reverse("consent:parent_view", kwargs={"opp_uuid": opp.uuid}), {"text": ""})
    assert "text" in response.context["view_form"].errors
    client.post(reverse("consent:parent_view", kwargs={"opp_uuid": opp.uuid}), {"text": "Thuis gaat lezen beter."})
    assert ParentView.objects.get().text == "Thuis gaat lezen beter."
    client.force_login(world.ib)
    html = client.get(reverse("consent:school", kwargs={"opp_uuid": opp.uuid})).content.decode()
    assert "Thuis gaat lezen beter." in html


def test_the_log_shows_staff_reads_and_changes_of_the_own_child_only(client, world, asked):
    opp, _version, _request = asked
    client.force_login(world.ib)
    client.get(reverse("plans:draft", kwargs={"opp_uuid": opp.uuid}))
    # Something about another child must not show up.
    other = enrolled_pupil(world.school)
    other_opp = world.fill(world.start(pupil=other))
    # The father's own steps stay private from the mother.
    client.force_login(world.father)
    client.get(plan_url(opp))
    client.force_login(world.mother)
    response = client.get(reverse("consent:log", kwargs={"pupil_uuid": world.pupil.uuid}))
    assert response.status_code == 200
    rows = response.context["page"].rows
    whats = [(r.who, r.what) for r in rows]
    assert (world.ib.get_full_name(), "bekeek het plan") in whats
    assert any(r.who == world.ib.get_full_name() and "intern begeleider" in r.role for r in rows)
    assert any("vroeg de ouders om instemming" in r.what for r in rows)
    assert world.father.get_full_name() not in [r.who for r in rows]
    assert AuditEvent.objects.filter(pupil_id=other.pk).exists()
    assert not any(str(other_opp.pk) in r.what for r in rows)


def test_the_log_tells_every_step_in_words_never_as_a_code(client, world, asked):
    opp, _version, _request = asked
    plan_services.start_adjustment(user=world.ib, opp=opp, reason="Na het gesprek met de ouders.")
    client.force_login(world.mother)
    rows = client.get(reverse("consent:log", kwargs={"pupil_uuid": world.pupil.uuid})).context["page"].rows
    assert (world.ib.get_full_name(), "begon het plan aan te passen") in [(r.who, r.what) for r in rows]
    codes = {event.action for event in AuditEvent.objects.filter(pupil_id=world.pupil.pk)}
    assert "opp.adjustment_started" in codes
    assert not any(code in r.what for r in rows for code in codes)


def test_the_log_keeps_the_other_parents_steps_out_also_after_the_school_changed_their_address(
        client, world, asked):
    opp, version, _request = asked
    client.force_login(world.father)
    client.get(plan_url(opp))
    client.post(decide_url(opp), {"decision": Decision.NIET_AKKOORD, "reason": "Vader wil meer hulp.",
                                  "version": version.uuid})
    # The school records a new address for the father: his account no longer reaches the child.
    link = world.pupil.guardianships.get(guardian__user=world.father)
    guardian = link.guardian
    school_services.update_guardian(user=world.ib, link=link, data=school_services.GuardianData(
        first_name=guardian.first_name, name_prefix=guardian.name_prefix, last_name=guardian.last_name,
        email="vader.nieuw@example.nl", phone=guardian.phone, relationship=link.relationship,
        has_gezag=link.has_gezag))
    client.force_login(world.father)  # his next sign-in lets go of the record whose address is no longer his
    assert not world.pupil.guardianships.filter(guardian__user=world.father).exists()
    client.force_login(world.mother)
    rows = client.get(reverse("consent:log", kwargs={"pupil_uuid": world.pupil.uuid})).context["page"].rows
    assert world.father.get_full_name() not in [r.who for r in rows]
    assert not any("beheerder" in r.role for r in rows)
    assert any(r.who == world.ib.get_full_name() and "gegevens van een ouder" in r.what for r in rows)



def test_the_log_groups_repeated_reads_of_one_person_on_one_day(client, world, asked):
    opp, _version, _request = asked
    client.force_login(world.ib)
    for _ in range(4):
        client.get(reverse("plans:draft", kwargs={"opp_uuid": opp.uuid}))
    client.force_login(world.leader)
    client.get(reverse("plans:draft", kwargs={"opp_uuid": opp.uuid}))
    client.force_login(world.mother)
    rows = client.get(reverse("consent:log", kwargs={"pupil_uuid": world.pupil.uuid})).context["page"].rows
    ib_reads = [r for r in rows if r.who == world.ib.get_full_name() and r.what == "bekeek het plan"]
    assert len(ib_reads) == 1 and ib_reads[0].count == 4 and ib_reads[0].first_at <= ib_reads[0].at
    assert [r.count for r in rows if r.who == world.leader.get_full_name() and r.what == "bekeek het plan"] == [1]
    # Changes are never folded together.
    assert sum(1 for r in rows if "vroeg de ouders om instemming" in r.what) == 1
    html = client.get(reverse("consent:log", kwargs={"pupil_uuid": world.pupil.uuid})).content.decode()
    assert "4 keer" in html


def test_the_plan_page_shows_the_evaluation_per_goal_the_pupils_words_the_oogo_and_the_ib_to_contact(client, world):
    from django.utils import timezone

    opp, version1, _request = world.ready_for_adoption()
    plan_services.adopt(user=world.leader, opp=opp)
    opp.refresh_from_db()
    goal_row = opp.goals.get()
    plan_services.record_evaluation(
        user=world.ib, opp=opp, evaluated_on=timezone.localdate(),
        outcomes={str(goal_row.uuid): ("partly", "Leest nu AVI E4.")}, parents_view="Gaat beter.",
        pupil_view="Lezen is leuker.", decision="continue",
    )
    client.force_login(world.mother)
    html = client.get(plan_url(opp)).content.decode()
    assert "Laatste evaluatie" in html and "deels bereikt. Leest nu AVI E4." in html
    assert "Overleg met u over het plan" in html and "Ik wil graag beter leren lezen." in html
    assert "Uw contactpersoon op school" in html and world.ib.get_full_name() in html
    assert f'href="mailto:{world.ib.email}"' in html
    assert "Volgende evaluatie" in html


def test_my_children_says_the_state_in_words_and_only_the_parents_own_decision(client, world, asked):
    opp, _version, request = asked
    client.force_login(world.mother)
    children = reverse("schools:my_children")
    assert "Wacht op uw besluit" in client.get(children).content.decode()
    world.decide(request, world.father, Decision.NIET_AKKOORD, "Vader wil meer.")
    html = client.get(children).content.decode()
    assert "Wacht op uw besluit" in html and "niet akkoord" not in html
    world.decide(request, world.mother)
    assert "U ging akkoord op" in client.get(children).content.decode()
    client.force_login(world.father)
    html = client.get(children).content.decode()
    assert "U ging niet akkoord op" in html and "www.onderwijsconsulenten.nl" in html


def test_a_decision_recorded_on_paper_shows_who_recorded_it(client, world, asked):
    opp, _version, request = asked
    from consent import services

    services.record_paper_decision(user=world.ib, recipient=world.recipient(request, world.mother),
                                   decision=Decision.GESPREK_GEWENST, how="in_gesprek")
    client.force_login(world.mother)
    html = client.get(plan_url(opp)).content.decode()
    assert f"Vastgelegd door {escape(world.ib.get_full_name())} van {escape(world.school.name)}" in html
    assert "U wilt eerst een gesprek" in html  # the banner


def test_recipient_rows_belong_to_the_right_parent(world, asked):
    _opp, _version, request = asked
    assert InstemmingRecipient.objects.filter(request=request).count() == 2


def test_a_decision_form_left_open_never_decides_on_a_version_sent_after_it(client, world, asked):
    opp, version, _request = asked
    client.force_login(world.mother)
    shown = client.get(plan_url(opp)).context["decision_form"]["version"].value()
    assert str(shown) == str(version.uuid)
    # Meanwhile the school changes the plan and sends version 2.
    v2 = world.send(world.change(opp, {"support_and_guidance": "Drie keer per week leesbegeleiding."}))
    world.ask(v2, reason="Aangepast")
    response = client.post(decide_url(opp), {"decision": Decision.AKKOORD, "version": shown})
    assert response.status_code == 200
    assert not InstemmingDecision.objects.exists()
    assert "nieuwe versie van het plan gestuurd (versie 2)" in response.content.decode()
    form = response.context["decision_form"]
    assert form.fields["decision"].widget.attrs.get("autofocus")
    assert str(form["version"].value()) == str(v2.uuid)  # a second try decides on what the page now shows
    assert not form["decision"].value()  # and nothing is chosen for them
    client.post(decide_url(opp), {"decision": Decision.AKKOORD, "version": form["version"].value()})
    assert InstemmingDecision.objects.get().version == v2


def test_an_unreachable_parent_who_signs_in_after_the_adoption_reads_that_it_went_ahead_without_them(client, world):
    opp, version = world.sent()
    world.oogo(opp)
    world.hear(opp)
    request = world.ask(version)
    world.decide(request, world.mother)
    item = services.record_unreachable(user=world.ib, recipient=world.recipient(request, world.father),
                                       reason=UnreachableReason.ABROAD, attempts="Twee mails en een brief.")
    services.confirm_unreachable(user=world.leader, unreachability=item)
    plan_services.adopt(user=world.leader, opp=opp)
    client.force_login(world.father)
    html = client.get(plan_url(opp)).content.decode()
    assert "Het plan is vastgesteld zonder uw besluit" in html
    assert "met het akkoord van de andere ouder met gezag" in html
    assert "Geschillencommissie passend onderwijs" in html and world.ib.email in html
    client.force_login(world.mother)
    html = client.get(plan_url(opp)).content.decode()
    assert "Daarom is het plan vastgesteld met uw akkoord." in html
    assert "zonder uw besluit" not in html and "kan het plan zo niet worden vastgesteld" not in html


def test_a_decision_sent_from_a_page_left_open_while_the_school_reopened_the_plan_is_not_lost_silently(
        client, world, asked):
    opp, version, _request = asked
    client.force_login(world.mother)
    world.reopen(opp, reason="We passen doel 1 aan.")
    response = client.post(decide_url(opp), {"decision": Decision.AKKOORD, "version": version.uuid}, follow=True)
    assert response.redirect_chain[-1][0] == plan_url(opp)
    assert "Uw besluit is niet bewaard" in response.content.decode()
    assert not InstemmingDecision.objects.exists()


@pytest.mark.parametrize("version", ["xyz", "00000000-0000-0000-0000-000000000000", ""])
def test_a_decision_sent_with_a_version_the_page_never_showed_says_so_next_to_the_choice_and_saves_nothing(
        client, world, asked, version):
    opp, shown, _request = asked
    client.force_login(world.mother)
    response = client.post(decide_url(opp), {"decision": Decision.AKKOORD, "version": version})
    html = response.content.decode()
    assert response.status_code == 200 and not InstemmingDecision.objects.exists()
    assert "Uw besluit is niet bewaard: het hoorde niet bij de versie van het plan" in html
    assert "nieuwe versie" not in html  # the school sent nothing new
    form = response.context["decision_form"]
    assert form.fields["decision"].widget.attrs.get("autofocus") and "version" not in form.errors
    assert str(form["version"].value()) == str(shown.uuid)
