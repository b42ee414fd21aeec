import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection

from bench.dataset import Size
from bench.load import Spec, run
from tests.conftest import require_or_skip
from tests.factories import BoardFactory, SchoolFactory, staff

# The smallest dataset with every part of the real ones: a focus board that grows, another board, every status.
TINY = Size("tiny", schools=4, pupils=240, plans=90, focus_board_schools=3, focus_school_pupils=60,
            focus_school_plans=30, schools_per_board=1, swvs_per_sector=1)


@pytest.fixture
def postgres(db):
    """The datasets are written with PostgreSQL COPY; locally without PostgreSQL these tests skip, in CI they fail."""
    require_or_skip(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def focus_school(postgres):
    """A bao school with its ib, as the demo's school would be, on a board of its own."""
    school = SchoolFactory(board=BoardFactory(), school_type="bao")
    staff("ib", school=school)
    return school


BODY = b"<html>een pagina</html>"


class StandIn(BaseHTTPRequestHandler):
    """A server that answers 200 on / and 404 elsewhere, closing each connection as gunicorn's sync workers do."""

    def do_GET(self):
        self.server.hits += 1
        self.server.cookies.add(self.headers.get("Cookie", ""))
        status, body = (200, BODY) if self.path == "/" else (404, b"weg")
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    httpd.hits, httpd.cookies = 0, set()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def load(**spec) -> dict:
    """The load generator's run, in a thread of its own: the browser tests leave an event loop running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run(Spec(**spec))).result()
