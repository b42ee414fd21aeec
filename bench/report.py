"""The benchmark's result: the budget of issue 12, the JSON of a run and its table (plain and Markdown).

    python -m bench.report [bench/last-run.json]    # the run's table as Markdown, for bench/README.md
"""

import json
import sys
from pathlib import Path

# The budget (issue 12). Measured and reported, never asserted in a test: figures vary per machine and load.
MAX_QUERIES = 12
MAX_P95_MS = 150
MAX_LARGE_OVER_SMALL = 1.3
MIN_SHARE_OF_CEILING = 0.05
ROD_BUDGET = {"periods": 100_000, "seconds": 15, "peak_rss_mb": 250}
PDF_BUDGET = {"pages": 5, "seconds": 1.5}
IMPORT_BUDGET = {"rows": 5_000, "seconds": 5}

REQUIRED_PAGE_KEYS = ("p50_ms", "p95_ms", "rps", "queries", "p95_ms_small", "p95_ms_large")
REQUIRED_KEYS = {
    "ceiling_rps": (),
    "pages": (),
    "rod_export": ("periods", "seconds", "peak_rss_mb", "copy_seconds"),
    "pdf": ("pages", "seconds"),
    "csv_import": ("rows", "seconds"),
}


def page_result(label: str, url: str, small: dict, large: dict, ceiling: dict) -> dict:
    """One key page: the headline figures are the large dataset's; the small ones sit beside them."""
    p95_small, p95_large = small["load"]["p95_ms"], large["load"]["p95_ms"]
    return {
        "label": label,
        "url": url,
        "p50_ms": large["load"]["p50_ms"],
        "p95_ms": p95_large,
        "rps": large["load"]["rps"],
        "queries": large["queries"],
        "p95_ms_small": p95_small,
        "p95_ms_large": p95_large,
        "p95_large_over_small": round(p95_large / p95_small, 2) if p95_small and p95_large else None,
        "rps_small": small["load"]["rps"],
        "share_of_ceiling": round(large["load"]["rps"] / ceiling["large"], 4) if ceiling["large"] else None,
        "queries_small": small["queries"],
        "queries_large": large["queries"],
        "html_kb_small": round(small["html_bytes"] / 1024, 1),
        "html_kb_large": round(large["html_bytes"] / 1024, 1),
        "errors": small["load"]["errors"] + large["load"]["errors"] + _not_ok(small) + _not_ok(large),
        "small": small["load"],
        "large": large["load"],
    }


def build_result(*, mode: str, started_at, datasets: dict, pages, small: dict, large: dict, rod: dict, pdf: dict,
                 csv_import: dict, focus: dict, setup: dict, timings: dict) -> dict:
    """The run as `bench/last-run.json` holds it; `small` and `large` are the two measuring phases, each with
    `ceiling`, `healthz` and per page key its queries and load."""
    ceiling = {"small": small["ceiling"]["rps"], "large": large["ceiling"]["rps"]}
    result = {
        "mode": mode,
        "started_at": started_at.isoformat(timespec="seconds"),
        **setup,
        "datasets": datasets,
        "focus": focus,
        "ceiling_rps": ceiling["large"],
        "ceiling": {"small": small["ceiling"], "large": large["ceiling"]},
        "healthz_rps": large["healthz"]["rps"],
        "pages": {page.key: page_result(page.label, page.url, small["pages"][page.key], large["pages"][page.key],
                                        ceiling) for page in pages},
        "rod_export": rod,
        "pdf": pdf,
        "csv_import": csv_import,
        "timings": timings,
    }
    result["budget_misses"] = budget_misses(result)
    return result


def _not_ok(phase: dict) -> int:
    return sum(n for status, n in phase["load"]["statuses"].items() if status != "200")


def budget_misses(result: dict) -> list[str]:
    misses = []
    for key, page in result["pages"].items():
        if page["errors"]:
            misses.append(f"{key}: {page['errors']} requests failed or did not answer 200")
        if page["queries"] > MAX_QUERIES:
            misses.append(f"{key}: {page['queries']} queries (budget {MAX_QUERIES})")
        if page["queries_small"] != page["queries_large"]:
            misses.append(f"{key}: queries grow with the data ({page['queries_small']} → {page['queries_large']})")
        if page["p95_ms"] is None or page["p95_ms"] > MAX_P95_MS:
            misses.append(f"{key}: p95 {page['p95_ms']} ms (budget {MAX_P95_MS} ms)")
        ratio = page["p95_large_over_small"]
        if ratio is None or ratio > MAX_LARGE_OVER_SMALL:
            misses.append(f"{key}: p95 large/small {ratio} (budget {MAX_LARGE_OVER_SMALL})")
        share = page["share_of_ceiling"]
        if share is None or share < MIN_SHARE_OF_CEILING:
            misses.append(f"{key}: {_pct(share)} of the ceiling (budget {_pct(MIN_SHARE_OF_CEILING)})")
    rod = result["rod_export"]
    if rod["periods"] < ROD_BUDGET["periods"]:
        misses.append(f"rod_export: only {rod['periods']} periods measured (budget is for {ROD_BUDGET['periods']})")
    if rod["seconds"] > ROD_BUDGET["seconds"]:
        misses.append(f"rod_export: {rod['seconds']} s (budget {ROD_BUDGET['seconds']} s)")
    if rod["peak_rss_mb"] > ROD_BUDGET["peak_rss_mb"]:
        misses.append(f"rod_export: peak RSS {rod['peak_rss_mb']} MB (budget {ROD_BUDGET['peak_rss_mb']} MB)")
    if result["pdf"]["seconds"] > PDF_BUDGET["seconds"]:
        misses.append(f"pdf: {result['pdf']['seconds']} s for {result['pdf']['pages']} pages "
                      f"(budget {PDF_BUDGET['seconds']} s)")
    if result["csv_import"]["seconds"] > IMPORT_BUDGET["seconds"]:
        misses.append(f"csv_import: {result['csv_import']['seconds']} s for {result['csv_import']['rows']} rows "
                      f"(budget {IMPORT_BUDGET['seconds']} s)")
    return misses


def missing_keys(result: dict) -> list[str]:
    """The keys issue 12 asks of `bench/last-run.json` that this result lacks."""
    missing = [key for key in REQUIRED_KEYS if key not in result]
    for key, inner in REQUIRED_KEYS.items():
        missing += [f"{key}.{name}" for name in inner if key in result and name not in result[key]]
    for page_key, page in result.get("pages", {}).items():
        missing += [f"pages.{page_key}.{name}" for name in REQUIRED_PAGE_KEYS if name not in page]
    if not result.get("pages"):
        missing.append("pages.*")
    return missing


def _pct(share) -> str:
    return "–" if share is None else f"{share * 100:.1f}%"


def _n(value, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}".replace(",", " ")


def rows(result: dict) -> tuple[list[str], list[list[str]]]:
    header = ["page", "rps", "of ceiling", "p50 ms", "p95 ms", "p95 small", "p95 large", "large/small",
              "queries", "HTML KB (large)"]
    body = []
    for page in result["pages"].values():
        body.append([page["label"], _n(page["rps"], 1), _pct(page["share_of_ceiling"]), _n(page["p50_ms"]),
                     _n(page["p95_ms"]), _n(page["p95_ms_small"]), _n(page["p95_ms_large"]),
                     _n(page["p95_large_over_small"], 2),
                     f"{page['queries_small']}→{page['queries_large']}" if page["queries_small"] != page["queries"]
                     else str(page["queries"]), _n(page["html_kb_large"], 1)])
    return header, body


def others(result: dict) -> list[str]:
    rod, pdf, imp = result["rod_export"], result["pdf"], result["csv_import"]
    return [
        f"ceiling (constant page, same server): {_n(result['ceiling_rps'], 0)} requests/s "
        f"(small dataset {_n(result['ceiling']['small']['rps'], 0)}; /healthz {_n(result.get('healthz_rps'), 0)})",
        f"ROD export of {_n(rod['periods'])} periods: {rod['seconds']} s, peak RSS {rod['peak_rss_mb']} MB "
        f"(Django loaded: {rod.get('baseline_rss_mb')} MB); PostgreSQL COPY of the same rows: {rod['copy_seconds']} s",
        f"PDF of {pdf['pages']} pages ({pdf.get('goals')} goals) in a warm process: {pdf['seconds']} s",
        f"pupil import of {_n(imp['rows'])} rows: {imp['seconds']} s",
    ]


def text_table(result: dict) -> str:
    header, body = rows(result)
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    line = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)  # noqa: E731
                                   for i, (c, w) in enumerate(zip(cells, widths)))
    out = [line(header), line(["-" * w for w in widths]), *(line(r) for r in body), ""]
    out += others(result)
    misses = result.get("budget_misses", [])
    out += ["", f"Outside the budget ({len(misses)}):" if misses else "Everything within the budget."]
    out += [f"  - {m}" for m in misses]
    return "\n".join(out)


def markdown(result: dict) -> str:
    header, body = rows(result)
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in body]
    out += [""] + [f"- {line}" for line in others(result)]
    return "\n".join(out)


def main(argv: list[str]) -> None:
    path = Path(argv[0]) if argv else Path(__file__).with_name("last-run.json")
    print(markdown(json.loads(path.read_text())))


if __name__ == "__main__":
    main(sys.argv[1:])
