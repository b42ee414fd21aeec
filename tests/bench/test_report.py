import datetime
import json
from dataclasses import replace

from bench import dataset, measure, report, rod_export
from bench.bulk import bsns
from plans.models import Opp
from schools.models import School

from .conftest import load as run_load

SMALL = dataset.Size("small (test)", schools=9, pupils=330, plans=70, focus_board_schools=7,
                     focus_school_pupils=80, focus_school_plans=20, schools_per_board=1)
LARGE = replace(SMALL, name="large (test)", schools=11, pupils=450, plans=110, focus_board_schools=8,
                focus_school_pupils=100, focus_school_plans=30, swvs_per_sector=1)


def test_a_tiny_in_process_run_has_every_key_the_issue_asks_for(postgres, server):
    """The harness's steps on a tiny dataset in this process: the demo's users and pages, real query counts,
    the ROD export, the PDF and the import; only the load is measured against a stand-in server."""
    dataset.seed_base()
    focus = dataset.focus()
    assert focus.school.code == "99AA00" and focus.plan.school == focus.school
    assert focus.plan.versions.count() >= 2 and Opp.objects.visible_to(focus.parent).filter(pk=focus.plan.pk).exists()
    assert School.objects.editable_by(focus.leader).filter(pk=focus.school.pk).exists()
    users = {"ib": focus.ib, "leader": focus.leader, "board_admin": focus.board_admin, "parent": focus.parent}
    pages = measure.key_pages(focus)
    load = run_load(port=server.server_address[1], path="/", warmup_seconds=0, max_requests=5)
    datasets, phases = {}, {}
    for name, size in (("small", SMALL), ("large", LARGE)):
        datasets[name] = dataset.grow(size, focus.school)
        phases[name] = {"ceiling": load, "healthz": load, "pages": {
            page.key: {**measure.count_queries(page, users[page.role]), "load": load} for page in pages}}
    assert datasets["large"]["focus_school_plans"] == 30
    board = dataset.add_rod_board(20)
    rod = {**rod_export.main(board.number), **measure.rod_copy(board.pk)}
    pdf = measure.pdf(lambda goals: dataset.plan_with_goals(focus.school, goals), target_pages=2, repeats=1)
    school, user = measure.import_school_and_user(focus.board)
    imported = measure.csv_import(school, user, measure.import_file(20, bsns(dataset.next_bsn_prefix("3"))))

    result = report.build_result(
        mode="test", started_at=datetime.datetime.now(datetime.UTC), datasets=datasets, pages=pages,
        small=phases["small"], large=phases["large"], rod=rod, pdf=pdf, csv_import=imported,
        focus={"school": focus.school.code}, setup={}, timings={})

    assert report.missing_keys(result) == []
    assert set(result["pages"]) == {"ib_pupil_list", "ib_plan", "ib_instemming", "leader_overview", "parent_plan",
                                    "board_rod"}
    assert all(page["queries"] > 0 for page in result["pages"].values())
    assert (result["rod_export"]["periods"], result["rod_export"]["copy_rows"]) == (20, 20)
    assert (result["pdf"]["pages"], result["csv_import"]["rows"]) == (2, 20)
    assert json.loads(json.dumps(result))["ceiling_rps"] == load["rps"]
    table = report.text_table(result)
    assert all(page.label in table for page in pages) and "ROD export of 20 periods" in table
    assert "| page |" in report.markdown(result)


def phase(rps: float, p95: float, queries: int) -> dict:
    return {"queries": queries, "html_bytes": 2048,
            "load": {"rps": rps, "p50_ms": p95 / 2, "p95_ms": p95, "errors": 0, "statuses": {"200": 100}}}


def test_the_budget_names_each_figure_outside_it_and_nothing_within():
    ceiling = {"small": 1000.0, "large": 1000.0}
    fine = report.page_result("fijn", "/", phase(80, 100, 9), phase(75, 120, 9), ceiling)
    slow = report.page_result("traag", "/", phase(20, 200, 10), phase(10, 400, 14), ceiling)
    result = {"pages": {"fine": fine, "slow": slow},
              "rod_export": {"periods": 100_000, "seconds": 20.0, "peak_rss_mb": 100.0, "copy_seconds": 1.0},
              "pdf": {"pages": 5, "seconds": 0.5}, "csv_import": {"rows": 5000, "seconds": 4.0}}
    misses = report.budget_misses(result)
    assert not [m for m in misses if m.startswith("fine")]
    assert [m.split(":")[1].split()[0] for m in misses if m.startswith("slow")] == [
        "14", "queries", "p95", "p95", "1.0%"]
    assert [m for m in misses if m.startswith("rod_export")] == ["rod_export: 20.0 s (budget 15 s)"]
    assert report.missing_keys({"pages": {}}) == [
        "ceiling_rps", "rod_export", "pdf", "csv_import", "pages.*"]
