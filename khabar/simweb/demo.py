"""The `make demo` job: the simulated agency web on loopback, a short backfill and the daily flow under Prefect,
then a report from the warehouse views, on the terminal and as an offline HTML file (data/demo-report.html).

Nothing leaves the machine: the simulated sites are `.test` virtual hosts on one 127.0.0.1 port, reached through an
httpx transport. Prefect runs with a temporary local server (no PREFECT_API_URL needed). Re-running the demo is
safe: the second run finds nothing new and the report stays the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

import jdatetime
import typer
from rich.console import Console
from rich.table import Table

from khabar.settings import default_demo_db

REPORTS: list[tuple[str, str]] = [
    (
        "Releases per agency and province (this demo's days)",
        "SELECT agency, province, sum(releases) AS releases, sum(pages) AS pages_incl_copies"
        " FROM report_releases_daily GROUP BY ALL ORDER BY releases DESC, agency LIMIT 12",
    ),
    (
        "Releases per Jalali day",
        "SELECT jalali_day, gregorian_day, sum(releases) AS releases, sum(pages) AS pages FROM report_releases_daily"
        " GROUP BY ALL ORDER BY jalali_day",
    ),
    (
        "Most republished releases (copies merged into one cluster)",
        "SELECT left(title, 60) AS title, canonical_source, sites, copies,"
        " round(median_copy_delay_hours, 1) AS median_delay_h FROM report_clusters WHERE copies > 1"
        " ORDER BY copies DESC, first_published LIMIT 8",
    ),
    (
        "Officials mentioned most",
        "SELECT name, any_value(role) AS role, sum(releases) AS releases FROM report_persons"
        " GROUP BY name ORDER BY releases DESC, name LIMIT 8",
    ),
    (
        "Quantities by unit family",
        "SELECT unit_family, sum(mentions) AS mentions, sum(total_value) AS total FROM report_quantities"
        " GROUP BY 1 ORDER BY 2 DESC",
    ),
    (
        "Source health",
        "SELECT source_id, requests, errors, round(error_rate * 100, 2) AS error_pct, median_ms"
        " FROM report_source_health ORDER BY source_id LIMIT 25",
    ),
    ("Runs", "SELECT run_id, flow, status, round(seconds, 1) AS seconds FROM report_runs LIMIT 5"),
]


def _print_reports(console: Console, db_path: str) -> None:
    from khabar.warehouse.query import open_readonly, run_query

    con = open_readonly(db_path)
    for title, sql in REPORTS:
        columns, rows = run_query(con, sql)
        table = Table(title=title, title_justify="left", show_lines=False)
        for c in columns:
            table.add_column(c)
        for r in rows:
            table.add_row(*["" if v is None else str(v) for v in r])
        console.print(table)
    totals = run_query(
        con,
        "SELECT count(*) FILTER (WHERE is_article), count(DISTINCT cluster_id) FILTER (WHERE"
        " is_article), count(*) FILTER (WHERE len(errors) > 0) FROM releases",
    )[1][0]
    pages = run_query(con, "SELECT count(*) FROM pages")[1][0][0]
    con.close()
    console.print(
        f"\n[bold]{totals[0]}[/] article pages → [bold]{totals[1]}[/] unique releases "
        f"([bold]{totals[0] - totals[1]}[/] republished copies merged); {pages} raw pages archived; "
        f"{totals[2]} records with extraction errors."
    )
    console.print(
        "\nQuery it yourself:\n"
        f'  .venv/bin/khabar sql --db {db_path} "SELECT agency, count(*) FROM releases WHERE is_canonical GROUP BY 1"\n'
        f'  .venv/bin/khabar search --db {db_path} "بهزیستی"\n'
        f"  .venv/bin/khabar export --db {db_path} releases.parquet --canonical-only\n"
        f"  .venv/bin/khabar status --db {db_path}"
    )


def to_jalali_str(d: date) -> str:
    return jdatetime.date.fromgregorian(date=d).strftime("%Y-%m-%d")


@contextmanager
def _prefect_api() -> Iterator[None]:
    """Prefect's temporary API server, started in a session of its own. A Ctrl-C at a terminal signals the whole
    foreground process group: the server Prefect starts by itself would die of it, and the flow, stopping
    gracefully, could then no longer record its end (a traceback, then a hang). A PREFECT_API_URL already set
    is used as it is."""
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        yield
        return

    class DetachedServer(SubprocessASGIServer):
        _instances: dict[int | None, Any] = {}  # noqa: RUF012  (Prefect's per-port registry, not shared with it)

        def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
            # Prefect's own command line, only in a new session
            with mock.patch.object(subprocess, "Popen", partial(subprocess.Popen, start_new_session=True)):
                return super()._run_uvicorn_command()

    server = DetachedServer()
    server.start()  # stopped at exit, as Prefect's own: after Prefect's services sent their last events to it
    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        yield


def _finished(state: Any, db_path: str) -> dict[str, Any] | int:
    """A flow's summary; or, when a stop signal cancelled it (its run recorded `interrupted`), its one line on
    stderr and the exit code, 130 or 143 (README «Exit codes»), as `khabar backfill` would say it."""
    if not state.is_cancelled():
        return state.result()
    print(state.message, file=sys.stderr, flush=True)
    from khabar.warehouse.query import open_readonly

    con = open_readonly(db_path)
    try:
        row = con.execute(
            "SELECT stats->>'exit_code' FROM runs WHERE status = 'interrupted'"
            " ORDER BY started_at DESC LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    return int(row[0]) if row and row[0] else 130


def run_demo(db_path: str, days: int) -> int:
    """Backfill `days` simulated days before the simulated web's today, then run the daily flow for today. A stop
    signal (Ctrl-C, SIGTERM) ends the flow running at a batch boundary, its run `interrupted`: exit 130/143."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "khabar")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    console = Console()
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)

    from khabar.flows import backfill, daily_ingest
    from khabar.simweb.config import SimWebConfig
    from khabar.simweb.server import SimWebServer

    config = SimWebConfig()
    today = config.today
    start = today - timedelta(days=days)
    j_start, j_today = to_jalali_str(start), to_jalali_str(today)
    t0 = time.perf_counter()
    with _prefect_api(), SimWebServer(config) as srv:
        console.print(
            f"[bold]Simulated agency web[/] on 127.0.0.1:{srv.port}: {len(srv.hosts)} hosts, "
            f"today is {j_today} ({today.isoformat()})"
        )
        console.print(f"[bold]Backfill[/] {j_start}..{j_today} (half-open) under Prefect …")
        web = {"web": "simweb", "web_options": {"port": str(srv.port)}}  # the khabar.webs plug-in (plugin.py)
        b = _finished(backfill(start=j_start, end=j_today, db=db_path, **web, return_state=True), db_path)
        if isinstance(b, int):
            return b
        console.print(f"  {b['pages']} pages, {b['articles']} articles, {b['releases_written']} release rows")
        console.print(f"[bold]Daily ingest[/] for {j_today} under Prefect …")
        d = _finished(daily_ingest(db=db_path, **web, return_state=True), db_path)
        if isinstance(d, int):
            return d
        console.print(f"  {d['pages']} pages, {d['articles']} articles, {d['releases_written']} release rows")
        requests = len(srv.request_log)
    console.print(f"{requests} HTTP requests to the simulated web in {time.perf_counter() - t0:.0f} s\n")
    _print_reports(console, db_path)
    from khabar.report import write_report

    result = write_report(db_path, Path(db_path).parent / "demo-report.html")
    console.print(f"\n[bold]HTML report[/] (opens offline, {result.bytes / 1e6:.1f} MB): {result.path}")
    return 0


# `khabar demo`: contributed to the CLI through the `khabar.commands` entry point (khabar.plugins).
app = typer.Typer(add_completion=False)


@app.command("demo", help="Start the simulated web and run the main job end to end into a DuckDB file.")
def demo_command(
    db: str = typer.Option(default_demo_db, "--db", help="DuckDB file to write."),
    days: int = typer.Option(3, help="Simulated days to ingest."),
) -> None:
    raise typer.Exit(run_demo(db_path=db, days=days))


__all__ = ["app", "run_demo"]
