from django.contrib.sessions.backends.db import SessionStore

from bench import dataset, measure
from bench.bulk import bsns
from tests.factories import SchoolFactory, staff


def test_each_session_cookie_is_a_separate_sign_in_of_the_same_user(postgres):
    user = staff("ib", school=SchoolFactory())
    cookies = measure.session_cookies(user, 3)
    keys = {cookie.split("=", 1)[1] for cookie in cookies}
    assert len(keys) == 3
    assert all(SessionStore(session_key=key).get("_auth_user_id") == str(user.pk) for key in keys)


def test_the_import_saves_every_row_of_the_generated_file(focus_school):
    school, user = measure.import_school_and_user(focus_school.board)
    data = measure.import_file(40, bsns(dataset.next_bsn_prefix("3")))
    result = measure.csv_import(school, user, data)
    assert result["rows"] == 40 == school.enrolments.count()
    assert school.board == focus_school.board and school != focus_school


def test_the_copy_floor_reads_the_rows_the_export_reads(postgres):
    board = dataset.add_rod_board(30)
    assert measure.rod_copy(board.pk)["copy_rows"] == 30


def test_the_pdf_is_measured_on_a_version_of_the_asked_number_of_pages(focus_school):
    result = measure.pdf(lambda goals: dataset.plan_with_goals(focus_school, goals), target_pages=2, repeats=1)
    assert result["pages"] == 2 and result["seconds"] > 0 and result["bytes"] > 0
