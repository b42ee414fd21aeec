"""The pages: board admin acts, school leader sees figures of their school only, everyone else gets 404."""

import datetime

import pytest
from django.utils import timezone

from opp_portal.audit.models import AuditEvent
from plans.models import OppStatus
from registration.models import BatchKind, BatchState, ExportBatch
from schools.models import Pupil
from tests.factories import BoardFactory, parent_of, staff

from .helpers import deliver, export


@pytest.fixture
def batch(rod):
    rod.period()
    return export(rod)


def _outsiders(rod):
    other_admin = staff("board_admin", board=BoardFactory())
    ib = staff("ib", school=rod.school)
    parent = parent_of(rod.pupil())
    return {"ander bestuur": other_admin, "ib": ib, "ouder": parent}


def test_outsiders_get_404_on_every_rod_page(rod, batch, client):
    urls = [
        "/rod/", f"/rod/bestuur/{rod.board.uuid}/", f"/rod/school/{rod.school.uuid}/",
        f"/rod/export/{batch.uuid}/", f"/rod/export/{batch.uuid}/voortgang/",
        f"/rod/export/{batch.uuid}/csv/", f"/rod/export/{batch.uuid}/xml/",
    ]
    for who, user in _outsiders(rod).items():
        client.force_login(user)
        for url in urls:
            if who == "ander bestuur" and url == "/rod/":
                continue  # their own board's page, not this one
            assert client.get(url).status_code == 404, (who, url)
        for url in (f"/rod/bestuur/{rod.board.uuid}/export/", f"/rod/export/{batch.uuid}/aangeleverd/",
                    f"/rod/export/{batch.uuid}/verwerpen/"):
            assert client.post(url, {"kind": "changes"}).status_code == 404, (who, url)
    batch.refresh_from_db()
    assert batch.state == BatchState.READY


def test_an_anonymous_visitor_is_sent_to_the_login(rod, client):
    assert client.get(f"/rod/bestuur/{rod.board.uuid}/").status_code == 302


def test_a_school_leader_sees_the_figures_of_their_school_but_no_exports(rod, batch, client):
    leader = staff("school_leader", school=rod.school)
    client.force_login(leader)
    response = client.get("/rod/")
    assert response.status_code == 302 and response["Location"] == f"/rod/school/{rod.school.uuid}/"
    page = client.get(f"/rod/school/{rod.school.uuid}/")
    assert page.status_code == 200
    assert page.context["fig"].running == 1
    assert client.get(f"/rod/bestuur/{rod.board.uuid}/").status_code == 404
    assert client.get(f"/rod/export/{batch.uuid}/").status_code == 404
    assert client.get(f"/rod/export/{batch.uuid}/csv/").status_code == 404
    assert client.post(f"/rod/bestuur/{rod.board.uuid}/export/", {"kind": "full"}).status_code == 404
    other = rod.school_of("vo")
    assert client.get(f"/rod/school/{other.uuid}/").status_code == 404


def test_the_board_page_shows_figures_per_school_and_never_plan_content(rod, client):
    opp = rod.period()
    opp.support_and_guidance = "Geheime aanpak met extra leesbegeleiding"
    opp.save()
    sbo = rod.school_of("sbo")
    client.force_login(rod.admin)
    response = client.get(f"/rod/bestuur/{rod.board.uuid}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Geheime aanpak" not in text and opp.pupil.last_name not in text
    figures = {f.school: f for f in response.context["figures"]}
    assert figures[rod.school].running == 1 and figures[rod.school].pending == 1
    assert not figures[sbo].registers
    assert "Meldt geen OPP" in text


def test_the_board_page_shows_25_schools_a_page_those_with_work_first_and_the_totals_of_all(rod, client):
    from registration.views import SCHOOLS_PER_PAGE

    for _ in range(SCHOOLS_PER_PAGE + 2):
        rod.school_of("bao")
    schools = list(rod.board.schools.order_by("brin", "vestiging"))
    last, late = schools[-1], schools[-2]
    rod.period(school=last, begin=timezone.localdate() - datetime.timedelta(days=3))
    rod.period(school=late, begin=timezone.localdate() - datetime.timedelta(days=20))
    client.force_login(rod.admin)
    url = f"/rod/bestuur/{rod.board.uuid}/"

    first, second = client.get(url), client.get(url, {"scholen": 2})
    shown = [f.school for f in first.context["figures"]] + [f.school for f in second.context["figures"]]
    assert sorted(shown, key=lambda s: s.pk) == sorted(schools, key=lambda s: s.pk)
    assert len(first.context["figures"]) == SCHOOLS_PER_PAGE
    # The schools at the end of the list by code come first: one is late, the other has a period pending.
    assert shown[:2] == [late, last]
    assert first.context["figures"][1].pending == 1
    totals = first.context["totals"]
    assert (totals.pending, totals.overdue) == (2, 1) and totals == second.context["totals"]
    assert "?scholen=2" in first.content.decode() and "?scholen=1" in second.content.decode()
    # The export can still be started for any school of the board, whichever page is shown.
    assert len(first.context["form"].fields["scope"].choices) == len(schools) + 1
    assert client.get(url, {"scholen": "99"}).context["figures"] == second.context["figures"]


def test_the_board_page_keeps_its_counts_a_minute_but_shows_its_own_exports_at_once(rod, client, settings):
    settings.OPP_ROD_FIGURES_SECONDS = 60
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "rod-figures-test"}}
    rod.period()
    client.force_login(rod.admin)
    url = f"/rod/bestuur/{rod.board.uuid}/"
    assert client.get(url).context["totals"].pending == 1
    assert "Stand van" in client.get(url).content.decode()
    rod.period()  # adopted at the school meanwhile: counted when the minute is over
    assert client.get(url).context["totals"].pending == 1
    client.post(f"/rod/bestuur/{rod.board.uuid}/export/", {"kind": "full", "scope": ""})
    assert client.get(url).context["totals"].pending == 2


def test_the_figures_count_what_is_late_after_14_days(rod, client):
    today = timezone.localdate()
    rod.period(begin=today - datetime.timedelta(days=20))
    rod.period(begin=today - datetime.timedelta(days=3))
    client.force_login(rod.admin)
    fig = client.get(f"/rod/bestuur/{rod.board.uuid}/").context["figures"][0]
    assert (fig.running, fig.pending, fig.overdue) == (2, 2, 1)


def test_a_delivered_begin_is_no_longer_pending_but_a_new_end_date_is(rod, client):
    today = timezone.localdate()
    opp = rod.period(begin=today - datetime.timedelta(days=60))
    deliver(rod, export(rod))
    client.force_login(rod.admin)
    fig = client.get(f"/rod/bestuur/{rod.board.uuid}/").context["figures"][0]
    assert (fig.running, fig.pending, fig.overdue) == (1, 0, 0)
    opp.ended_on = today - datetime.timedelta(days=15)
    opp.status = OppStatus.BEEINDIGD
    opp.save()
    fig = client.get(f"/rod/bestuur/{rod.board.uuid}/").context["figures"][0]
    assert (fig.running, fig.pending, fig.overdue) == (0, 1, 1)


def test_the_figures_show_records_held_back_by_the_latest_export(rod, client):
    opp = rod.period()
    Pupil.objects.filter(pk=opp.pupil_id).update(bsn="123456789")
    export(rod)
    client.force_login(rod.admin)
    assert client.get(f"/rod/bestuur/{rod.board.uuid}/").context["figures"][0].held_back == 1
    page = client.get(f"/rod/school/{rod.school.uuid}/").content.decode()
    assert str(opp.pupil.uuid) in page and "elfproef" in page


def test_the_board_admin_starts_an_export_for_one_school_and_it_is_audited(
    rod, client, django_capture_on_commit_callbacks
):
    rod.period()
    client.force_login(rod.admin)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # the task runs inline in tests
        response = client.post(f"/rod/bestuur/{rod.board.uuid}/export/",
                               {"scope": str(rod.school.uuid), "kind": "full"})
    assert len(callbacks) == 1
    batch = ExportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/rod/export/{batch.uuid}/"
    assert (batch.school, batch.kind, batch.state, batch.created_by) == (rod.school, BatchKind.FULL, BatchState.READY,
                                                                         rod.admin)
    event = AuditEvent.objects.get(action="rod.export_started")
    assert event.actor == rod.admin and event.on_behalf_of == f"board:{rod.board.number}"


def test_a_school_of_another_board_or_a_special_school_cannot_be_chosen(rod, client):
    sbo = rod.school_of("sbo")
    client.force_login(rod.admin)
    response = client.post(f"/rod/bestuur/{rod.board.uuid}/export/", {"scope": str(sbo.uuid), "kind": "full"})
    assert response.status_code == 400 and not ExportBatch.objects.exists()


def test_a_changed_form_is_answered_in_plain_dutch_next_to_the_field_without_repeating_what_was_sent(rod, client):
    client.force_login(rod.admin)
    url = f"/rod/bestuur/{rod.board.uuid}/export/"
    cases = [
        ({"scope": "x" * 500 + "\x00", "kind": "full"}, "Kies een school uit de lijst, of het hele bestuur.",
         'aria-describedby="fout-scope"'),
        ({"scope": "", "kind": "bogus"}, "Kies een soort export.", 'aria-describedby="fout-kind"'),
        ({"scope": ""}, "Kies een soort export.", 'aria-describedby="fout-kind"'),
    ]
    for data, message, described in cases:
        response = client.post(url, data)
        html = response.content.decode()
        assert response.status_code == 400 and not ExportBatch.objects.exists()
        assert "De export is niet gestart." in html and message in html and described in html
        assert "x" * 100 not in html and "bogus" not in html
        # The paging links lead to the board's page, not to the address the form was sent to.
        assert 'href="?scholen=' not in html


def test_the_export_form_keeps_the_chosen_school_selected_and_escapes_school_names(rod, client):
    rod.school.name = 'De <Regenboog> & "Zon"'
    rod.school.save()
    client.force_login(rod.admin)
    response = client.post(f"/rod/bestuur/{rod.board.uuid}/export/", {"scope": str(rod.school.uuid), "kind": "x"})
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<option value="{rod.school.uuid}" selected>De &lt;Regenboog&gt; &amp; &quot;Zon&quot;' in html
    assert html.count(" selected>") == 1
    fresh = client.get(f"/rod/bestuur/{rod.board.uuid}/").content.decode()
    assert '<option value="" selected>' in fresh and fresh.count(" selected>") == 1  # the whole board, at first


def test_the_batch_page_shows_progress_while_building_and_polls(rod, client):
    from registration import services

    batch = services.start_export(user=rod.admin, board=rod.board, queue=False)
    client.force_login(rod.admin)
    text = client.get(f"/rod/export/{batch.uuid}/").content.decode()
    assert 'hx-trigger="every 2s"' in text
    assert client.get(f"/rod/export/{batch.uuid}/csv/").status_code == 404


def test_marking_delivered_and_discarding_go_through_post_and_are_audited(rod, batch, client):
    client.force_login(rod.admin)
    assert client.get(f"/rod/export/{batch.uuid}/aangeleverd/").status_code == 405
    client.post(f"/rod/export/{batch.uuid}/aangeleverd/")
    batch.refresh_from_db()
    assert batch.state == BatchState.DELIVERED and batch.delivered_by == rod.admin
    client.post(f"/rod/export/{batch.uuid}/verwerpen/")
    batch.refresh_from_db()
    assert batch.state == BatchState.DELIVERED  # what happened stays happened
    assert AuditEvent.objects.filter(action="rod.export_delivered").count() == 1


def test_only_a_ready_batch_can_be_marked_delivered(rod, batch, client):
    client.force_login(rod.admin)
    client.post(f"/rod/export/{batch.uuid}/verwerpen/")
    client.post(f"/rod/export/{batch.uuid}/aangeleverd/")
    batch.refresh_from_db()
    assert batch.state == BatchState.DISCARDED and batch.delivered_at is None
    assert AuditEvent.objects.filter(action="rod.export_discarded").count() == 1


def test_an_older_batch_cannot_be_delivered_after_a_newer_one_was(rod, client):
    rod.period()
    older = export(rod)
    newer = export(rod)
    deliver(rod, newer)
    client.force_login(rod.admin)
    client.post(f"/rod/export/{older.uuid}/aangeleverd/")
    older.refresh_from_db()
    assert older.state == BatchState.READY


# --- what waits, in words a board understands -----------------------------------------------------------------

def test_the_school_page_lists_the_pupils_whose_period_is_not_delivered_and_for_how_long(rod, client):
    today = timezone.localdate()
    delivered = rod.period(begin=today - datetime.timedelta(days=40))
    deliver(rod, export(rod))
    waiting = rod.period(begin=today - datetime.timedelta(days=20))
    ended = rod.period(begin=today - datetime.timedelta(days=100), end=today - datetime.timedelta(days=3))
    waiting.refresh_from_db()
    Pupil.objects.filter(pk=waiting.pupil_id).update(first_name="Wachtend")
    # Names no faker-made pupil has, so "not in the section" means what it says.
    Pupil.objects.filter(pk=delivered.pupil_id).update(last_name="Afgeleverdsma")
    Pupil.objects.filter(pk=ended.pupil_id).update(last_name="Beeindigdsma")
    rod.period(begin=today - datetime.timedelta(days=5))  # new since the delivery
    client.force_login(rod.admin)
    body = client.get(f"/rod/school/{rod.school.uuid}/").content.decode()
    section = body.split('id="kop-wacht"')[1].split("</section>")[0]
    assert "Afgeleverdsma" not in section
    assert "Beeindigdsma" in section and "begin- en einddatum" in section
    rows = section.split("<tr>")[2:]
    assert "Beeindigdsma" in rows[0] and "100 dagen" in rows[0]  # longest waiting first
    assert "Wachtend" in rows[1] and "20 dagen" in rows[1] and "text-bg-danger" in rows[1]
    assert "5 dagen" in rows[2] and "text-bg-danger" not in rows[2]
    assert "eigen streefdatum" in body and "De wet noemt geen termijn" in body


def test_a_school_leader_sees_the_waiting_pupils_of_their_own_school_only(rod, client):
    other = rod.school_of("bao")
    # Names nobody else in the test has (a random leader called "Ian van den Brink" would look like a leak).
    mine = rod.period(pupil=rod.pupil(last_name="Eigenschoolsma"))
    theirs = rod.period(school=other, pupil=rod.pupil(other, last_name="Andereschoolsma"))
    leader = staff("school_leader", school=rod.school)
    client.force_login(leader)
    body = client.get(f"/rod/school/{rod.school.uuid}/").content.decode()
    assert mine.pupil.last_name in body and theirs.pupil.last_name not in body
    assert client.get(f"/rod/school/{other.uuid}/").status_code == 404


def test_the_pages_say_14_days_is_the_portals_own_target_not_the_law(rod, batch, client):
    client.force_login(rod.admin)
    board = client.get(f"/rod/bestuur/{rod.board.uuid}/").content.decode()
    assert "De wet noemt geen termijn" in board and "eigen streefdatum, geen wettelijke termijn" in board
    assert "binnen 14 dagen bij DUO" not in board
    page = client.get(f"/rod/export/{batch.uuid}/").content.decode()
    assert "eigen schema van het portaal" in page and "rod-opp-export.xsd" in page
    assert "De kolom 'leerling' is de vaste referentie van de leerling in dit portaal" in page
    assert "markeer de export dan als aangeleverd" in page


def test_the_board_table_links_registering_schools_escapes_names_and_marks_counts(rod, client):
    rod.school.name = 'De <Regenboog> & "Zon"'
    rod.school.save()
    rod.period()
    rod.period()
    special = rod.school_of("so")
    client.force_login(rod.admin)
    html = client.get(f"/rod/bestuur/{rod.board.uuid}/").content.decode()
    row = html[html.index(f'<a href="/rod/school/{rod.school.uuid}/">'):]
    row = row[:row.index("</tr>")]
    assert '>De &lt;Regenboog&gt; &amp; &quot;Zon&quot;</a>' in row and f"{rod.school.code} · " in row
    # Two adopted periods, neither delivered yet: both waiting for DUO, with the count marked.
    assert 'class="text-md-end">2</td>' in row and '<span class="fw-semibold">2</span>' in row
    assert html.count(f"/rod/school/{special.uuid}/") == 0  # special education does not register with ROD
    so_row = html[html.index(f"{special.code} · "):]
    assert "Meldt geen OPP&#x27;s bij ROD" in so_row[:so_row.index("</tr>")]
