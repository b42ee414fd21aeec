"""What the benchmark measures: the key pages (queries in-process, latency and throughput from outside), the ROD
export, the PDF and the pupil import. Runs in the harness's process with `bench.settings` against the bench
database; the load and the export each run in a process of their own."""

import csv
import io
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schools.models import Membership, Role, School, User

from .dataset import Focus

ROOT = Path(__file__).resolve().parent.parent
CLIENT_HEADERS = {"HTTP_HOST": "127.0.0.1"}
# What the TLS-terminating proxy in front of production adds to every request.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    role: str  # which of the focus users asks
    url: str


def key_pages(focus: Focus) -> list[Page]:
    plan = focus.plan
    return [
        Page("ib_pupil_list", "ib: leerlingenlijst", "ib", reverse("schools:pupil_list")),
        Page("ib_plan", "ib: plan (concept)", "ib", reverse("plans:draft", kwargs={"opp_uuid": plan.uuid})),
        Page("ib_instemming", "ib: instemming", "ib", reverse("consent:school", kwargs={"opp_uuid": plan.uuid})),
        Page("leader_overview", "directeur: overzicht", "leader", reverse("plans:overview")),
        Page("parent_plan", "ouder: plan", "parent", reverse("consent:plan", kwargs={"opp_uuid": plan.uuid})),
        Page("board_rod", "bestuur: ROD", "board_admin",
             reverse("registration:board", kwargs={"board_uuid": focus.board.uuid})),
    ]


# --- signing in ---------------------------------------------------------------------------------------------

def ensure_second_factor(user: User) -> None:
    """Staff sign in with a second factor in production; give the benchmark's staff one, as they would have."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())


def signed_in_client(user: User) -> Client:
    """A session as a sign-in leaves it: staff have passed their second factor in it (`opp_portal.mfa` holds
    every staff request to that, and would sign out a session that only `force_login` made)."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from django.test import RequestFactory

    client = Client(**CLIENT_HEADERS)
    client.force_login(user)
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        request = RequestFactory().get("/")
        request.session = client.session
        record_authentication(request, user, "mfa", id=totp.pk, type=totp.type)
        request.session.save()
    return client


def session_cookies(user: User, n: int) -> list[str]:
    """`n` separate sessions of `user`, stored in the database like any sign-in, as Cookie header values."""
    name = settings.SESSION_COOKIE_NAME
    return [f"{name}={signed_in_client(user).cookies[name].value}" for _ in range(n)]


# --- queries, in-process ------------------------------------------------------------------------------------

def count_queries(page: Page, user: User, *, keep_sql: bool = False) -> dict:
    """The page's queries on its second request (the first fills what a warm worker already holds)."""
    client = signed_in_client(user)
    first = client.get(page.url)
    if first.status_code != 200:
        raise RuntimeError(f"{page.key}: {page.url} answered {first.status_code} for {user.email}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.url)
    result = {"queries": len(queries), "status": response.status_code, "html_bytes": len(response.content)}
    if keep_sql:
        result["sql"] = [(float(q["time"]), q["sql"]) for q in queries.captured_queries]
    return result


# --- load, from another process --------------------------------------------------------------------------------

def load(path: str, *, port: int, cookies: list[str], concurrency: int, warmup: float, seconds: float,
         max_requests: int) -> dict:
    spec = {"port": port, "path": path, "cookies": cookies, "concurrency": concurrency,
            "warmup_seconds": warmup, "seconds": seconds, "max_requests": max_requests,
            "headers": PROXY_HEADERS}
    done = subprocess.run([sys.executable, "-m", "bench.load"], input=json.dumps(spec), capture_output=True,
                          text=True, cwd=ROOT, timeout=warmup + seconds + 120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the load generator failed on {path}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


# --- the ROD export ---------------------------------------------------------------------------------------

def rod_export(board_number: str, env: dict[str, str]) -> dict:
    """The full export of the board in a fresh process, so its peak resident memory is the export's own."""
    done = subprocess.run([sys.executable, "-m", "bench.rod_export", board_number], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=3600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the ROD export failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def rod_copy(board_id: int) -> dict:
    """PostgreSQL `COPY (...) TO STDOUT` of the export's own query (the same rows and columns): the floor that
    reading the periods out of the database costs, without any Python per row."""
    from registration.periods import current_rows

    sql, params = current_rows(board_id).query.sql_with_params()
    statement = f"COPY ({connection.ops.compose_sql(sql, params)}) TO STDOUT"
    started = time.perf_counter()
    rows = size = 0
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for block in copy:
            rows += bytes(block).count(b"\n")
            size += len(block)
    return {"copy_seconds": round(time.perf_counter() - started, 2), "copy_rows": rows,
            "copy_mb": round(size / 1e6, 1)}


# --- the PDF ----------------------------------------------------------------------------------------------

def pdf(version_for_goals, *, target_pages: int = 5, repeats: int = 3) -> dict:
    """Render a plan version of `target_pages` pages as the worker does (HTML, layout, PDF bytes) in this warm
    process; `version_for_goals(n)` makes a version with n goals. Reports the median of `repeats` renders."""
    from plans import pdf as plan_pdf
    from plans.models import OppVersion

    goals, version, pages = 12, None, 0
    for _attempt in range(6):
        version = version_for_goals(goals)
        pages = len(plan_pdf.render_document(plan_pdf.version_html(version)).pages)
        if pages == target_pages:
            break
        goals = max(1, round(goals * target_pages / max(pages, 1)) + (1 if pages < target_pages else -1))
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        fresh = OppVersion.objects.select_related("opp__school", "opp__pupil", "opp__adopted_version").get(
            pk=version.pk)
        document = plan_pdf.render_document(plan_pdf.version_html(fresh))
        data = document.write_pdf()
        timings.append(time.perf_counter() - started)
        pages = len(document.pages)
    timings.sort()
    return {"pages": pages, "goals": goals, "seconds": round(timings[len(timings) // 2], 2),
            "bytes": len(data)}


# --- the pupil import -------------------------------------------------------------------------------------

IMPORT_COLUMNS = ("voornaam", "tussenvoegsel", "achternaam", "geboortedatum", "bsn", "groep", "inschrijfdatum",
                  "inschrijvingvolgnummer", "ouder1_voornaam", "ouder1_achternaam", "ouder1_email",
                  "ouder1_telefoon", "ouder1_gezag", "ouder1_relatie", "ouder2_voornaam", "ouder2_achternaam",
                  "ouder2_email", "ouder2_gezag", "ouder2_relatie")


def import_file(rows: int, bsn_numbers) -> bytes:
    """A LAS export as schools send it: `;`-separated, Dutch dates, two guardians per pupil."""
    from . import texts

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(IMPORT_COLUMNS)
    for i in range(rows):
        last = texts.LAST_NAMES[i % len(texts.LAST_NAMES)]
        writer.writerow([
            texts.FIRST_NAMES[i % len(texts.FIRST_NAMES)], "", last, f"{1 + i % 28}-{1 + i % 12}-{2014 + i % 4}",
            next(bsn_numbers), str(1 + i % 8), f"{1 + i % 28}-8-2021", f"2021{i:06d}",
            texts.ADULT_FIRST_NAMES[i % len(texts.ADULT_FIRST_NAMES)], last, f"import{i}a@example.org",
            "06 12345678", "ja", "moeder", texts.ADULT_FIRST_NAMES[(i + 7) % len(texts.ADULT_FIRST_NAMES)], last,
            f"import{i}b@example.org", "ja", "vader",
        ])
    return out.getvalue().encode("utf-8")


def csv_import(school: School, user: User, data: bytes) -> dict:
    """The import page as an ib uses it: upload the file, the portal checks and saves every row."""
    client = signed_in_client(user)
    upload = io.BytesIO(data)
    upload.name = "leerlingen.csv"
    url, before = reverse("schools:pupil_import"), school.enrolments.count()
    started, cpu_started = time.perf_counter(), time.process_time()
    response = client.post(url, {"school": str(school.uuid), "file": upload})
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    added = school.enrolments.count() - before
    if response.status_code != 302:
        raise RuntimeError(f"the import answered {response.status_code}, not a redirect to the pupil list")
    return {"rows": added, "seconds": round(seconds, 2), "cpu_seconds": round(cpu_seconds, 2), "bytes": len(data)}


def import_school_and_user(board) -> tuple[School, User]:
    """An empty school of the focus board with its own ib, so the import leaves the measured school alone."""
    from .dataset import Grower

    grower = Grower(seed=5)
    swvs = grower.swvs(0)
    school = grower.schools(board, 1, swvs, offset=0, only="bao")[0]
    user = Membership.objects.get(school=school, role=Role.IB).user
    ensure_second_factor(user)
    return school, user
