"""Crawling as a page source: the daily ingest and backfills (GUIDE §1.4).

The crawler streams bounded batches; each is loaded in one transaction together with its fetch_log rows and crawl
state (`load_crawl_batch`), so memory stays flat however long the run and a crash (even SIGKILL) loses only the
batch in flight, which the next run fetches again. The Prefect flows call `run_ingest`/`run_backfill` with the
same `CrawlOptions` and only swap the loader for a Prefect task.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from khabar.pipeline.batch import BatchStats, process_batch
from khabar.pipeline.registry import Registry, default_sources_path, use_registry
from khabar.pipeline.run import BatchLoader, Progress, RunSummary, run_source
from khabar.plugins import PluginError, Web, open_web
from khabar.stop import Interrupted, Stop
from khabar.warehouse.raw import prune_pages, write_fetch_log

if TYPE_CHECKING:
    import httpx

    from khabar.crawl import Crawler, CrawlReport, CrawlSettings, Mode, Source
    from khabar.crawl.clock import Clock
    from khabar.crawl_records import CrawlBatch

log = logging.getLogger("khabar.ingest")


class IngestError(Exception):
    """A run could not start (bad registry, unknown source ids, bad date range): one clear message."""


@dataclass(frozen=True)
class CrawlOptions:
    """How to run a crawl: shared by `run_ingest`, `run_backfill`, the CLI and the flows."""

    sources_path: str | Path | None = None  # None: the settings' registry (khabar.settings)
    only: Sequence[str] | None = (
        None  # crawl only these source ids (the whole registry still goes to `sources`)
    )
    web: str | None = None  # a stand-in web plug-in by name (khabar.plugins), e.g. "simweb"
    web_options: Mapping[str, str] | None = None
    transport: httpx.AsyncBaseTransport | None = None  # where requests go (wins over `web`)
    progress: Progress | None = None
    loader: BatchLoader[CrawlBatch] | None = None  # None: load_crawl_batch
    settings: CrawlSettings | None = None  # None: the settings file's `crawl:` section
    now: datetime | None = None  # the crawl's clock (None: a stand-in web's own, else the wall clock)
    stop: Stop | None = None
    # the crawler's own clocks (fetch times, politeness waits); None: the machine's. A benchmark on virtual time
    # (B9: a simulated week) passes one the simulated web reads too
    clock: Clock | None = None


def load_crawl_batch(con: duckdb.DuckDBPyConnection, batch: CrawlBatch, registry: Registry) -> BatchStats:
    """Load one crawl batch atomically: pages → releases, plus its fetch_log rows and crawl state."""
    from khabar.warehouse.crawl_state import save_batch_state

    def also(c: duckdb.DuckDBPyConnection) -> None:
        write_fetch_log(c, batch.fetch_log)
        save_batch_state(c, batch)

    return process_batch(con, batch.pages, registry, also=also)


def _web(
    transport: httpx.AsyncBaseTransport | None, web: str | None, options: Mapping[str, str] | None
) -> AbstractContextManager[Web | None]:
    """Where the crawl's requests go: the transport given, a stand-in web plug-in by name (khabar.plugins), or the
    internet (None). An unknown plug-in is a run that cannot start."""
    if transport is not None:
        return nullcontext(Web(transport))
    if web is None:
        return nullcontext(None)
    try:
        return open_web(web, options)
    except PluginError as exc:
        raise IngestError(str(exc)) from exc


def _load_sources(path: str | Path, only: Sequence[str] | None) -> tuple[list[Source], list[Source]]:
    """The whole registry (for the warehouse's `sources` table) and the sources this run crawls."""
    from khabar.crawl.sources import SourcesError, load_sources

    try:
        registry = sources = load_sources(Path(path))
    except (SourcesError, OSError) as exc:
        raise IngestError(str(exc)) from exc
    if only:
        known = {s.id for s in sources}
        missing = [s for s in only if s not in known]
        if missing:
            raise IngestError(f"unknown source id(s) {', '.join(missing)} in {path}")
        sources = [s for s in sources if s.id in set(only)]
    return registry, sources


class CrawlSource:
    """The crawler as a `PageSource` of `CrawlBatch`es: the crawl runs in `feed` (its batches arrive from the
    crawler's sink thread, one at a time), and `finish` judges the sources and prunes the raw archive."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        flow: str,
        mode: Mode,
        params: dict[str, object],
        sources: list[Source],
        settings: CrawlSettings,
        route: AbstractContextManager[Web | None],
        now: datetime | None,
        clock: Clock | None = None,
    ) -> None:
        self.con, self.flow, self.mode, self.sources = con, flow, mode, sources
        self.params: dict[str, object] = {**params, "sources": [s.id for s in sources]}
        self.settings, self.route, self.now, self.clock = settings, route, now, clock
        self.report: CrawlReport | None = None
        self.crawled = 0

    def feed(self, summary: RunSummary, deliver: Callable[[CrawlBatch], None], stop: Stop | None) -> None:
        from khabar.crawl import Crawler
        from khabar.crawl.clock import SYSTEM_CLOCK
        from khabar.warehouse.crawl_state import load_state

        with self.route as opened:
            now = self.now
            if now is None and opened is not None:
                now = opened.now  # a stand-in web's own clock
            state = load_state(
                self.con, [s.id for s in self.sources], recheck_days=self.settings.recheck_days, now=now
            )
            crawler = Crawler(
                self.sources,
                self.settings,
                transport=opened.transport if opened is not None else None,
                state=state,
                run_id=summary.run_id,
                now=now,
                stop=stop.event if stop is not None else None,
                clock=self.clock or SYSTEM_CLOCK,
            )
            self.report = _run_crawl(crawler, self.mode, deliver, stop)
            self.crawled = len(crawler.sources)

    def finish(self, summary: RunSummary) -> None:
        if self.report is not None:
            summary.extra["crawl"] = self.report.as_dict()
            failed = {k: v.fatal for k, v in self.report.sources.items() if v.fatal}
            _judge(summary, failed, self.crawled)
        summary.extra["pages_pruned"] = prune_pages(
            self.con,
            keep_versions=self.settings.raw_keep_versions,
            max_age_days=self.settings.raw_max_age_days,
        )

    def size(self, batch: CrawlBatch) -> int:
        return len(batch.pages)


def _judge(summary: RunSummary, failed: Mapping[str, str], crawled: int) -> None:
    """One source failing never stops the others, but the run must not read as a clean one: some sources
    failed → `completed_with_errors` (exit 1), every source failed → `failed` (exit 2: nothing could be read).
    The cause names each failed source with its reason (`robots.txt unreachable: ConnectError`, …)."""
    if not failed:
        return
    every = len(failed) >= crawled
    summary.status = "failed" if every else "completed_with_errors"
    if every:
        summary.extra["unreadable"] = True
    shown = "; ".join(f"{k}: {v}" for k, v in list(failed.items())[:3])
    more = f"; and {len(failed) - 3} more" if len(failed) > 3 else ""
    summary.extra["cause"] = f"{len(failed)} of {crawled} source(s) failed: {shown}{more}"


def _run_crawl(
    crawler: Crawler, mode: Mode, sink: Callable[[CrawlBatch], None], stop: Stop | None
) -> CrawlReport:
    """`asyncio.run(crawler.run(…))`; a hard stop (second signal) cancels the crawl's tasks from the signal
    handler rather than raising inside the loop, and arrives here as `Interrupted`."""
    if stop is None:
        return asyncio.run(crawler.run(mode, sink))

    def cancel_all() -> None:
        # every task: the per-source ones too, or they would find the HTTP client closed. Connection attempts
        # cancelled before they began are reported by the interpreter as "never awaited": expected here, and
        # not something to alarm the user with
        warnings.filterwarnings("ignore", "coroutine .* was never awaited", RuntimeWarning)
        for task in asyncio.all_tasks():
            task.cancel()

    async def crawl() -> CrawlReport:
        loop = asyncio.get_running_loop()

        def hard_stop() -> None:  # from the signal handler: into the loop's own thread
            loop.call_soon_threadsafe(cancel_all)

        undo = stop.on_hard_stop(hard_stop)
        try:
            return await crawler.run(mode, sink)
        finally:
            undo()

    try:
        with stop.unwinding_itself():
            return asyncio.run(crawl())
    except asyncio.CancelledError:
        if stop.hard:
            raise Interrupted(stop.signum or 2) from None
        raise


def _crawl(
    con: duckdb.DuckDBPyConnection, flow: str, mode: Mode, params: dict[str, object], options: CrawlOptions
) -> RunSummary:
    """Everything that can refuse the run (registry, settings, web plug-in) before its row is written; then the
    run loop over the crawl."""
    from khabar.crawl.settings import load_settings

    registry, sources = _load_sources(options.sources_path or default_sources_path(), options.only)
    settings = options.settings
    if settings is None:
        try:
            settings = load_settings()
        except ValueError as exc:
            raise IngestError(str(exc)) from exc
    known = use_registry(con, registry)
    route = _web(options.transport, options.web, options.web_options)
    source = CrawlSource(con, flow, mode, params, sources, settings, route, options.now, options.clock)
    loader: BatchLoader[CrawlBatch] = options.loader or load_crawl_batch
    summary = run_source(con, source, loader, known, progress=options.progress, stop=options.stop)
    log.info("%s %s: %s", flow, summary.run_id, summary.as_dict())
    return summary


def run_ingest(con: duckdb.DuckDBPyConnection, options: CrawlOptions | None = None) -> RunSummary:
    """The daily job: new and changed pages of every source since its watermark (GUIDE §1.4). A stop, once
    requested, ends the run at a batch boundary as `interrupted` (khabar.stop)."""
    from khabar.crawl import Incremental

    return _crawl(con, "daily_ingest", Incremental(), {}, options or CrawlOptions())


def run_backfill(
    con: duckdb.DuckDBPyConnection, start: str | date, end: str | date, options: CrawlOptions | None = None
) -> RunSummary:
    """Every release published in [start, end) — Jalali or Gregorian — resumable; the watermark never moves."""
    from khabar.crawl import Backfill
    from khabar.crawl.dates import parse_range

    try:
        lo, hi = parse_range(f"{start}..{end}")
    except ValueError as exc:
        raise IngestError(str(exc)) from exc
    params: dict[str, object] = {"start": lo.isoformat(), "end": hi.isoformat()}
    return _crawl(con, "backfill", Backfill(lo, hi), params, options or CrawlOptions())


__all__ = ["CrawlOptions", "CrawlSource", "IngestError", "load_crawl_batch", "run_backfill", "run_ingest"]
