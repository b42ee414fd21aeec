"""The board administrator registers OPP periods with ROD: export, download, mark delivered, nothing left."""

import datetime
from pathlib import Path

import pytest

from plans.models import OppKind, OppStatus
from registration.models import BatchState, ExportBatch
from tests.e2e.conftest import sign_in
from tests.factories import BoardFactory, SchoolFactory, enrolled_pupil, staff
from tests.plans.factories import OppFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "brin;vestiging;inschrijvingvolgnummer;bsn;onderwijsnummer;leerling;datum_begin;datum_einde;mutatie"


@pytest.fixture
def board_world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    board = BoardFactory(number="99001", name="Stichting Demo")
    school = SchoolFactory(board=board, school_type="bao", brin="99AA", vestiging="00", name="De Linde")
    pupil = enrolled_pupil(school)
    OppFactory(school=school, pupil=pupil, kind=OppKind.EXTRA_SUPPORT, status=OppStatus.VASTGESTELD,
               adopted_on=datetime.date(2025, 1, 6))
    admin = staff("board_admin", board=board)
    return {"board": board, "school": school, "pupil": pupil, "admin": admin}


def _start_changes_export(page):
    page.get_by_label("wijzigingen sinds de laatste aanlevering").check()
    page.get_by_role("button", name="Export starten").click()
    page.get_by_role("heading", name="ROD-export").wait_for()
    page.get_by_text("klaar", exact=True).first.wait_for()  # the progress block reloads once built


def test_the_board_admin_exports_downloads_marks_delivered_and_the_next_export_is_empty(
    board_world, live_server, page
):
    sign_in(page, live_server.url, board_world["admin"].email, "opp-test-2026")
    page.get_by_role("link", name="ROD-registratie").click()
    page.get_by_role("heading", name="ROD-registratie").wait_for()
    assert page.get_by_role("table", name="Aantal OPP's per school en wat nog naar DUO moet").is_visible()

    _start_changes_export(page)
    assert page.get_by_test_id("exported-count").inner_text() == "1"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV downloaden").click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8").splitlines()
    assert content[0] == HEADER
    assert content[1].startswith("99AA;00;") and content[1].endswith(";2025-01-06;;nieuw")
    assert str(board_world["pupil"].uuid) in content[1]

    page.get_by_role("button", name="Markeer als aangeleverd").click()
    page.get_by_text("De export is gemarkeerd als aangeleverd.").wait_for()
    assert ExportBatch.objects.get().state == BatchState.DELIVERED

    page.get_by_role("link", name="ROD-registratie").first.click()
    _start_changes_export(page)
    assert page.get_by_test_id("exported-count").inner_text() == "0"
    latest = ExportBatch.objects.order_by("-pk").first()
    assert latest.state == BatchState.READY and latest.exported_count == 0
