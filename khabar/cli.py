"""The `khabar` command line: a thin layer over the Python API (heavy imports stay inside commands)."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

import typer

# typer >= 0.22 vendors click as typer._click: its groups take these contexts, and its usage errors are these
# exceptions, not the standalone click package's (which `except click.ClickException` would never catch).
from typer import _click
from typer.core import TyperGroup

if TYPE_CHECKING:
    import duckdb

    from khabar.crawl import CrawlSettings
    from khabar.pipeline import CrawlOptions, RunSummary

from khabar.extract_cli import extract_command
from khabar.settings import default_sources
from khabar.sources_cli import app as sources_app
from khabar.stop import SIGNALS, Stop, stop_on_signals

# One stop request per process (README «Exit codes»): during a run the first SIGINT/SIGTERM lets it end at a batch
# boundary and the second stops at once; anywhere else a signal ends the command quietly with 130/143.
STOP = Stop()


class PluginGroup(TyperGroup):
    """The top-level command group, with the commands plug-ins contribute (entry point group `khabar.commands`,
    see khabar.plugins) added the first time a command is looked up: importing this module loads none of them,
    so `import khabar.cli` never imports the simulated web."""

    _plugins_loaded = False

    def _load_plugins(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        from khabar.plugins import COMMANDS, plugins

        for ep in plugins(COMMANDS):
            if ep.name not in self.commands:  # a plug-in never replaces a built-in command
                command = typer.main.get_command(ep.load())
                command.name = ep.name  # a Typer group has no name of its own: help would list it blank
                self.add_command(command, ep.name)

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        self._load_plugins()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: _click.Context) -> list[str]:
        self._load_plugins()
        return super().list_commands(ctx)


app = typer.Typer(
    cls=PluginGroup,
    help="khabar: collect, extract, deduplicate and warehouse Iranian agency press releases.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(
    sources_app, name="sources", help="The source registry: list it, or check what each source yields."
)
app.command("extract", help="Extract structured records from HTML files (JSON Lines on stdout).")(
    extract_command
)


def _fail(message: str, code: int = 1) -> typer.Exit:
    """Errors reach the user as one clear line on stderr and a non-zero exit status."""
    typer.echo(f"khabar: error: {message}", err=True)
    return typer.Exit(code)


LAKE_HELP = "Read the lake (DuckLake URL; default $KHABAR_LAKE) instead of the file: README «Storage»."
LAKE_OPTION = typer.Option(None, "--lake", envvar="KHABAR_LAKE", help=LAKE_HELP, show_envvar=False)


def _open_reader(db: str | None, lake: str | None = None) -> duckdb.DuckDBPyConnection:
    """The warehouse, read-only, for `sql`, `search`, `export`, `status`. No database file is unreadable input
    (exit 2, README «Exit codes»); a file that exists but cannot be opened (in use, damaged), or a lake that
    cannot be read, is a database error (exit 1)."""
    from khabar.warehouse.db import WarehouseError
    from khabar.warehouse.query import open_readonly

    try:
        return open_readonly(db, lake=lake or "")
    except WarehouseError as exc:
        raise _fail(str(exc), 2 if not lake and _missing(db) else 1) from None


def _missing(db: str | None) -> bool:
    from pathlib import Path

    from khabar.warehouse.db import default_db_path

    return not (Path(db) if db is not None else default_db_path()).exists()


def _unwritable(exc: OSError) -> typer.Exit:
    """An output path that cannot be written (a file where a directory should be, no permission) is bad usage,
    exit 2; the disk failing under a good one (full, I/O error) is 1."""
    usage = isinstance(
        exc, FileNotFoundError | FileExistsError | PermissionError | IsADirectoryError | NotADirectoryError
    )
    return _fail(str(exc), 2 if usage else 1)


def _rejected(exc: Exception) -> typer.Exit:
    """A query the warehouse refused (a syntax error, an unknown table or column, a write or a file access in
    read-only mode) is bad usage: exit 2. The database failing under a good query (I/O, memory) is 1."""
    import duckdb

    cause = exc.__cause__
    failing = isinstance(
        cause,
        duckdb.IOException | duckdb.OutOfMemoryException | duckdb.InternalException | duckdb.FatalException,
    )
    return _fail(str(exc), 1 if failing else 2)


@app.command("sql", help="Run a read-only SQL query against the warehouse (table, csv or json).")
def sql_command(
    query: str = typer.Argument(
        ..., help='SQL to run, e.g. "SELECT agency, count(*) FROM releases GROUP BY 1".'
    ),
    db: str | None = typer.Option(
        None, "--db", help="DuckDB file (default: $KHABAR_DB or data/khabar.duckdb)."
    ),
    fmt: str = typer.Option("table", "--format", "-f", help="Output format: table, csv or json."),
    lake: str | None = LAKE_OPTION,
) -> None:
    from khabar.warehouse.db import WarehouseError
    from khabar.warehouse.query import format_rows, run_query

    if fmt not in ("table", "csv", "json"):
        raise _fail(f"unknown format {fmt!r}: use table, csv or json", 2)
    con = _open_reader(db, lake)
    try:
        columns, rows = run_query(con, query)
    except WarehouseError as exc:
        raise _rejected(exc) from None
    typer.echo(format_rows(columns, rows, fmt))


DB_HELP = "DuckDB file (default: $KHABAR_DB or data/khabar.duckdb)."
SOURCES_HELP = "Sources registry (YAML)."
REGISTRY_HELP = (
    "Sources registry (YAML) whose kinds choose canonical copies (default: config/sources.yaml when present;"
    " without one, a copy whose attribution starts «خبرگزاری» counts as a news agency's)."
)
RATE_HELP = "Requests per second per host for this run, replacing the registry's and the default (1/s)."


def _settings(rate_limit: float | None) -> CrawlSettings | None:
    if rate_limit is None:
        return None
    if rate_limit <= 0:
        raise _fail("--rate-limit must be positive", 2)
    from khabar.crawl.settings import load_settings

    try:
        base = load_settings()
    except ValueError as exc:
        raise _fail(str(exc)) from None
    return base.model_copy(update={"rate_limit": rate_limit, "override_source_limits": True})


def _open_writer(db: str | None) -> duckdb.DuckDBPyConnection:
    from khabar.warehouse.db import WarehouseError, open_db

    try:
        return open_db(db)
    except WarehouseError as exc:
        raise _fail(str(exc)) from None


def _summary_line(summary: RunSummary) -> str:
    d = summary.as_dict()
    line = (
        f"{d['flow']} {d['run_id']}: {d['status']}; {d['pages']} pages, {d['articles']} articles,"
        f" {d['releases_written']} releases written, {d['extraction_errors']} with extraction errors"
    )
    crawl = d.get("crawl")
    if not isinstance(crawl, dict):
        crawl = {}
    if crawl.get("challenges"):
        line += f"; {crawl['challenges']} challenge pages (retried next run)"
    if crawl.get("blocked_sources"):
        line += f"; BLOCKED (every page a challenge): {', '.join(crawl['blocked_sources'])}"
    return line


def _finish(summary: RunSummary) -> NoReturn:
    """The end of every run command: its summary (or the «interrupted» line), its problems, its exit code."""
    if summary.status == "interrupted":
        typer.echo(summary.interrupted_line(), err=True)
    else:
        typer.echo(_summary_line(summary))
        for problem in summary.import_errors:
            typer.echo(f"khabar: import: {problem}", err=True)
        for (
            source_id,
            why,
        ) in summary.failed_sources.items():  # one line each: the summary's cause shows only three
            typer.echo(f"khabar: source {source_id} failed: {why}", err=True)
        cause = summary.cause
        if cause and not summary.import_errors:
            typer.echo(f"khabar: {summary.status}: {cause}", err=True)
    raise typer.Exit(summary.exit_code)


@contextmanager
def _stoppable() -> Iterator[Stop]:
    """Around one run: stop signals ask it to end at a batch boundary (khabar.stop). A hard stop (second signal)
    arrives as an exception after the run was recorded `interrupted`: one line, exit 130/143, no traceback."""
    try:
        with STOP.accepting():
            yield STOP
    except BaseException as exc:
        if not (STOP.requested and (STOP.hard or isinstance(exc, KeyboardInterrupt))):
            raise
        run = STOP.run
        line = run.interrupted_line() if run is not None else "interrupted before any batch was committed"
        typer.echo(line, err=True)
        raise typer.Exit(STOP.exit_code) from None


def _crawl(
    label: str,
    run: Callable[[duckdb.DuckDBPyConnection, CrawlOptions], RunSummary],
    db: str | None,
    *,
    sources: str,
    only: list[str],
    simweb: bool,
    rate_limit: float | None,
) -> None:
    """`ingest` and `backfill`: the same writer, settings, progress bar and error handling around one crawl run."""
    from khabar.pipeline import CrawlOptions, IngestError

    con = _open_writer(db)
    try:
        with _clear_errors(), _stoppable() as stop, _progress(f"{label}: pages") as progress:
            options = CrawlOptions(
                sources_path=sources,
                only=only or None,
                web="simweb" if simweb else None,  # the khabar.webs plug-in (khabar.plugins)
                progress=progress,
                settings=_settings(rate_limit),
                stop=stop,
            )
            summary = run(con, options)
    except (
        IngestError
    ) as exc:  # the run could not start: a bad registry, unknown source ids, a bad date range
        raise _fail(str(exc), 2) from None
    _finish(summary)


@contextmanager
def _registry_errors() -> Iterator[None]:
    """A sources file given that cannot be read or is invalid: the run does not start (exit 2)."""
    from khabar.pipeline import RegistryError

    try:
        yield
    except RegistryError as exc:
        raise _fail(str(exc), 2) from None


@contextmanager
def _clear_errors() -> Iterator[None]:
    """Database and file-system failures mid-run (disk full, lock, read-only) become one line and exit 1; the
    batch in flight was rolled back, so the next run picks up where this one stopped."""
    import duckdb

    from khabar.warehouse.db import WarehouseError

    try:
        yield
    except (duckdb.Error, WarehouseError, OSError) as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise _fail(f"{first} (nothing half-written: re-run to continue)") from None


@contextmanager
def _progress(label: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr (silent when stderr is not a terminal)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True)
    columns = [SpinnerColumn(), TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


@app.command("ingest", help="Run one incremental ingest (the daily job) over the sources.")
def ingest_command(
    sources: str = typer.Option(default_sources, "--sources", help=SOURCES_HELP),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    only: list[str] = typer.Option([], "--source", "-s", help="Only these source ids (repeatable)."),
    simweb: bool = typer.Option(
        False, "--simweb", help="Crawl the built-in simulated web (started on loopback)."
    ),
    rate_limit: float | None = typer.Option(None, "--rate-limit", help=RATE_HELP),
) -> None:
    from khabar.pipeline import run_ingest

    _crawl("ingest", run_ingest, db, sources=sources, only=only, simweb=simweb, rate_limit=rate_limit)


@app.command(
    "watch",
    help="Watch the sources continuously (foreground): check each one when its adaptive schedule says so.",
)
def watch_command(
    sources: str = typer.Option(default_sources, "--sources", help=SOURCES_HELP),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    only: list[str] = typer.Option([], "--source", "-s", help="Only these source ids (repeatable)."),
    simweb: bool = typer.Option(
        False,
        "--simweb",
        help="Watch the built-in simulated web, started on loopback with a live clock (see --speed).",
    ),
    speed: float = typer.Option(
        60.0,
        "--speed",
        min=0.001,
        help="With --simweb: simulated seconds per real second (60 = a simulated hour a minute).",
    ),
    start: str | None = typer.Option(
        None,
        "--start",
        help="With --simweb: the simulated instant to start from (ISO 8601, Tehran if no offset; "
        "default 07:00 on the simulated web's day).",
    ),
    rate_limit: float | None = typer.Option(None, "--rate-limit", help=RATE_HELP),
    cycles: int | None = typer.Option(
        None, "--cycles", min=1, help="Stop after this many cycles (default: until SIGINT/SIGTERM)."
    ),
) -> None:
    """One line per cycle: what was checked, how it went, when the next check is due (khabar.pipeline.watch)."""
    from contextlib import nullcontext

    from khabar.pipeline import CrawlOptions, IngestError
    from khabar.pipeline.watch import (
        CycleResult,
        SystemWatchClock,
        WatchClock,
        WatchOptions,
        WebWatchClock,
        watch,
    )
    from khabar.plugins import PluginError, Web, open_web

    def report(result: CycleResult) -> None:
        nxt = result.next_check.isoformat(timespec="seconds") if result.next_check else "none"
        if result.summary is None:
            typer.echo(f"watch {result.now.isoformat(timespec='seconds')}: nothing due; next check {nxt}")
            return
        done = ", ".join(f"{sid} {outcome}" for sid, outcome in result.outcomes.items()) or "interrupted"
        typer.echo(
            f"watch {result.now.isoformat(timespec='seconds')}: {done};"
            f" {result.summary.stats.releases_written} releases written; next check {nxt}"
        )
        for source_id, why in result.summary.failed_sources.items():
            typer.echo(f"khabar: source {source_id} failed: {why} (backing off)", err=True)

    options = {"speed": str(speed), **({"start": start} if start else {})}
    try:
        # the live simulated web is opened once for the whole watch (its clock runs on), and the watch plans on
        # that clock; without --simweb, the internet and the machine's clock
        web = open_web("simweb", options) if simweb else nullcontext(None)
    except (PluginError, ValueError) as exc:
        raise _fail(f"--simweb: {exc}", 2) from None
    con = _open_writer(db)
    try:
        with _clear_errors(), _stoppable() as stop, web as opened:
            live: Web | None = opened
            crawl = CrawlOptions(
                sources_path=sources,
                only=only or None,
                transport=live.transport if live is not None else None,
                settings=_settings(rate_limit),
                stop=stop,
            )
            clock: WatchClock = SystemWatchClock()
            if live is not None and live.now is not None and live.speed:
                clock = WebWatchClock(live.now, live.speed)
                typer.echo(
                    f"watch: simulated web live ×{live.speed:g} from {live.now.isoformat(timespec='seconds')}"
                )
            watch(con, WatchOptions(crawl), clock, stop, cycles=cycles, on_cycle=report)
    except IngestError as exc:
        raise _fail(str(exc), 2) from None
    if STOP.requested:
        typer.echo("watch stopped; `khabar watch` again resumes from the saved schedule", err=True)
        raise typer.Exit(STOP.exit_code)


@app.command(
    "backfill", help="Fetch every release published in [--from, --to) (Jalali or Gregorian), resumable."
)
def backfill_command(
    start: str = typer.Option(..., "--from", help="First day, e.g. 1402-01-01 or 2023-03-21."),
    end: str = typer.Option(..., "--to", help="Day after the last, e.g. 1403-01-01 (half-open)."),
    sources: str = typer.Option(default_sources, "--sources", help=SOURCES_HELP),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    only: list[str] = typer.Option([], "--source", "-s", help="Only these source ids (repeatable)."),
    simweb: bool = typer.Option(
        False, "--simweb", help="Crawl the built-in simulated web (started on loopback)."
    ),
    rate_limit: float | None = typer.Option(None, "--rate-limit", help=RATE_HELP),
) -> None:
    from khabar.pipeline import run_backfill

    def run_range(con: duckdb.DuckDBPyConnection, options: CrawlOptions) -> RunSummary:
        return run_backfill(con, start, end, options)

    _crawl(
        "backfill",
        run_range,
        db,
        sources=sources,
        only=only,
        simweb=simweb,
        rate_limit=rate_limit,
    )


@app.command("reprocess", help="Re-extract archived pages (no network) after an extractor change.")
def reprocess_command(
    since: str | None = typer.Option(None, "--since", help="Only pages fetched since this ISO date/time."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    sources: str | None = typer.Option(None, "--sources", help=REGISTRY_HELP),
) -> None:
    from datetime import UTC, datetime

    from khabar.pipeline import reprocess

    when = None
    if since:
        try:
            when = datetime.fromisoformat(since)
        except ValueError:
            raise _fail(f"--since {since!r} is not an ISO date or date-time", 2) from None
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
    con = _open_writer(db)
    with _registry_errors(), _clear_errors(), _stoppable() as stop, _progress("reprocess: pages") as progress:
        summary = reprocess(con, when, progress=progress, stop=stop, sources_path=sources)
    _finish(summary)


@app.command(
    "import",
    help="Import .warc/.warc.gz files and HTML files through extract, dedup and load; a damaged"
    " or unreadable file is reported (file, offset, cause) and the others are still loaded.",
)
def import_command(
    paths: list[str] = typer.Argument(
        ..., help="WARC or HTML files (gzipped or not; told apart by content)."
    ),
    url: str | None = typer.Option(None, "--url", help="URL of a single HTML file (else file:// is used)."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    sources: str | None = typer.Option(None, "--sources", help=REGISTRY_HELP),
) -> None:
    from khabar.pipeline import import_files

    if url and len(paths) > 1:
        raise _fail("--url applies to a single HTML file", 2)
    con = _open_writer(db)
    with _registry_errors(), _clear_errors(), _stoppable() as stop, _progress("import: pages") as progress:
        summary = import_files(con, paths, url=url, progress=progress, stop=stop, sources_path=sources)
    _finish(summary)


@app.command("search", help="Full-text search over the normalised Persian text of the releases.")
def search_command(
    query: str = typer.Argument(..., help="Words to look for, e.g. «طرح اشتغال کرمان»."),
    limit: int = typer.Option(20, "--limit", "-n", help="Number of results."),
    copies: bool = typer.Option(False, "--copies", help="List every copy, not one row per release."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    fmt: str = typer.Option("table", "--format", "-f", help="Output format: table, csv or json."),
    lake: str | None = LAKE_OPTION,
) -> None:
    from khabar.extractors import search_form
    from khabar.warehouse.db import WarehouseError
    from khabar.warehouse.query import format_rows
    from khabar.warehouse.search import search

    if fmt not in ("table", "csv", "json"):
        raise _fail(f"unknown format {fmt!r}: use table, csv or json", 2)
    con = _open_reader(db, lake)
    try:
        rows = search(con, search_form(query), limit, canonical_only=not copies)
    except WarehouseError as exc:  # no search index yet, or a query the index refused
        raise _rejected(exc) from None
    typer.echo(format_rows(["release_id", "score", "jalali", "agency", "title", "url"], rows, fmt))


@app.command("export", help="Export a table or report view to Parquet, CSV or JSON Lines.")
def export_command(
    out: str = typer.Argument(..., help="Output file."),
    fmt: str = typer.Option("parquet", "--format", "-f", help="parquet, csv or jsonl."),
    table: str = typer.Option("releases", "--table", "-t", help="Table or report_* view to export."),
    canonical_only: bool = typer.Option(False, "--canonical-only", help="One row per release (no copies)."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    lake: str | None = LAKE_OPTION,
) -> None:
    from khabar.warehouse.db import WarehouseError
    from khabar.warehouse.export import export

    con = _open_reader(db, lake)
    try:
        n = export(con, table, out, fmt, canonical_only=canonical_only)
    except WarehouseError as exc:  # an unknown table, format or option
        raise _rejected(exc) from None
    except OSError as exc:
        raise _unwritable(exc) from None
    typer.echo(f"wrote {n} rows of {table} to {out}")


@app.command("status", help="Recent runs, source health and the watch schedule.")
def status_command(
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    runs: int = typer.Option(10, "--runs", help="How many recent runs to show."),
    lake: str | None = LAKE_OPTION,
) -> None:
    from khabar.warehouse.db import WarehouseError
    from khabar.warehouse.query import blocked_sources, format_rows, run_query
    from khabar.warehouse.watch_state import watch_status

    con = _open_reader(db, lake)
    try:
        # cause: why a run is interrupted, completed_with_errors or failed (khabar.warehouse.runs.STATUSES)
        cols, rows = run_query(
            con,
            f"SELECT run_id, flow, status, started_at, round(seconds, 1) AS seconds,"
            f" json_extract_string(stats, '$.cause') AS cause"
            f" FROM report_runs LIMIT {int(runs)}",
        )
        typer.echo("Recent runs\n" + format_rows(cols, rows, "table"))
        cols, rows = run_query(
            con,
            "SELECT source_id, requests, errors, error_rate, last_success, last_error_class,"
            " median_ms FROM report_source_health ORDER BY source_id",
        )
        typer.echo("\nSource health\n" + format_rows(cols, rows, "table"))
        cols, rows = watch_status(con)
        if rows:
            typer.echo("\nWatch schedule (khabar watch)\n" + format_rows(cols, rows, "table"))
        cols, rows = blocked_sources(con)
        if rows:
            typer.echo(
                "\nBlocked sources (every page a challenge in their latest run)\n"
                + format_rows(cols, rows, "table")
            )
    except WarehouseError as exc:  # a database of another schema (no report views)
        raise _rejected(exc) from None


@app.command(
    "report", help="Write one offline RTL HTML report (Jalali charts, Persian labels) from the warehouse."
)
def report_command(
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    start: str | None = typer.Option(
        None, "--from", help="First day, Jalali or Gregorian (1402-01-01, 2023-03-21)."
    ),
    end: str | None = typer.Option(None, "--to", help="Day after the last (half-open, as backfill)."),
    agency: list[str] = typer.Option([], "--agency", help="Only releases of this agency (repeatable)."),
    province: list[str] = typer.Option([], "--province", help="Only releases of this province (repeatable)."),
    out: str = typer.Option("report.html", "--output", "-o", help="HTML file to write."),
    by: str = typer.Option(
        "auto", "--by", help="Time axis: day, month, or auto (days up to 62 days, else months)."
    ),
    lake: str | None = LAKE_OPTION,
) -> None:
    import os

    from khabar.report import ReportError, make_filter, write_report
    from khabar.warehouse.db import WarehouseError

    # write_report opens the warehouse through open_readonly, which reads the environment
    os.environ["KHABAR_LAKE"] = lake or ""
    try:
        result = write_report(db, out, make_filter(start, end, agency, province), by=by)
    except ReportError as exc:
        raise _fail(str(exc), 2) from None
    except WarehouseError as exc:
        raise _fail(str(exc), 2 if not lake and _missing(db) else 1) from None
    except OSError as exc:
        raise _unwritable(exc) from None
    s = result.summary
    typer.echo(
        f"wrote {result.path} ({result.bytes / 1e6:.2f} MB, {result.seconds:.1f} s): {s['releases']} releases,"
        f" {s['pages']} pages, {s['sites']} sites, Jalali {s['first_day'] or '-'}..{s['last_day'] or '-'}"
    )


@app.command(
    "explain-cluster", help="Why each copy is in a cluster: the signal that joined it and the guard checks."
)
def explain_cluster_command(
    cluster_id: str = typer.Argument(
        ..., help="Cluster id, e.g. c-0123abcd4567ef89 (see releases.cluster_id)."
    ),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    fmt: str = typer.Option("table", "--format", "-f", help="Output format: table, csv or json."),
) -> None:
    from khabar.warehouse.db import WarehouseError
    from khabar.warehouse.evidence import cluster_evidence
    from khabar.warehouse.query import format_rows

    if fmt not in ("table", "csv", "json"):
        raise _fail(f"unknown format {fmt!r}: use table, csv or json", 2)
    con = _open_reader(db)  # no database: exit 2, as every reader (README «Exit codes»)
    try:
        members = cluster_evidence(con, cluster_id)
    except WarehouseError as exc:
        raise _rejected(exc) from None
    if not members:  # an id that names no cluster is bad input, not a partial result
        raise _fail(f"no cluster {cluster_id!r} (or no releases in it)", 2)
    cols = [
        "release_id",
        "source_id",
        "is_canonical",
        "signal",
        "matched_to",
        "jaccard",
        "containment",
        "containment_rev",
        "guard",
        "title",
    ]
    rows = [tuple(m.get(c) if c != "signal" else m.get(c) or "(no evidence)" for c in cols) for m in members]
    typer.echo(f"cluster {cluster_id}: {len(members)} release(s)")
    typer.echo(format_rows(cols, rows, fmt))


@app.command(
    "serve", help="Start a local Prefect server and serve the daily, backfill and reprocess deployments."
)
def serve_command(
    sources: str = typer.Option(default_sources, "--sources", help=SOURCES_HELP),
) -> None:
    from khabar.flows.serve import serve

    raise typer.Exit(serve(sources))


def _leave_at_once_on_signals() -> None:
    """The command is over (its run, if any, recorded): a late signal must not change the exit code. Ignored,
    not handled: the interpreter resets Python-level handlers to the default (death by the signal, -2) as it shuts
    down, but leaves SIG_IGN in place; what remains (closing the database, stopping idle workers) is short."""
    for sig in SIGNALS:
        signal.signal(sig, signal.SIG_IGN)


def main() -> None:
    """Run the CLI with stop signals handled for the whole process, so that every command exits 130 (SIGINT) or
    143 (SIGTERM) without a traceback, not click's «Aborted!» and 1."""
    code: object = 0
    try:
        with stop_on_signals(STOP):
            try:
                code = app(standalone_mode=False)
            except typer.Abort:  # typer's wrapping of EOF at a prompt
                code = STOP.exit_code if STOP.requested else 1
            except _click.ClickException as exc:  # bad usage (2) and the like: the message, not a traceback
                exc.show()
                code = exc.exit_code
            except (
                BrokenPipeError
            ):  # `khabar sql … | head`: the reader left; as click does in standalone mode
                sys.stdout = None  # nothing more to flush at exit
                code = 1
        _leave_at_once_on_signals()
    except KeyboardInterrupt:  # a signal between the command's end and the handlers' removal
        _leave_at_once_on_signals()
        code = STOP.exit_code
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
