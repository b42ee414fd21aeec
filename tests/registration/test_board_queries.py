"""The board's ROD page asks a fixed number of queries, at most 12 (issue 12), whatever the board holds."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from schools.models import Pupil

from .helpers import deliver, export

MAX_QUERIES = 12


def _board_page_queries(rod, client) -> int:
    url = f"/rod/bestuur/{rod.board.uuid}/"
    client.get(url)  # the first request fills what a warm worker already holds
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_board_page_asks_the_same_few_queries_for_a_small_and_a_busy_board(rod, client):
    client.force_login(rod.admin)
    rod.period()
    deliver(rod, export(rod))
    small = _board_page_queries(rod, client)

    for school_type in ("bao", "vo", "sbo", "bao"):
        school = rod.school_of(school_type)
        for _ in range(3):
            rod.period(school=school)
    bad = rod.period()
    Pupil.objects.filter(pk=bad.pupil_id).update(bsn="123456789")  # held back
    deliver(rod, export(rod))
    rod.period()  # pending again
    export(rod)
    busy = _board_page_queries(rod, client)

    assert small == busy <= MAX_QUERIES
