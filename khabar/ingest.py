"""Crawl → extract → dedup → load as one plain-Python run (the daily ingest and backfills).

The crawler streams bounded batches; each batch is loaded in one transaction together with its fetch_log rows
and crawl state (`pipeline.process_batch(also=…)`), so memory stays flat however long the run and a crash (even
SIGKILL) loses only the batch in flight, which the next run fetches again. Prefect flows call these functions and
only swap the batch loader for a Prefect task; tests and benchmarks call them as they are.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import httpx

from khabar.jobs import Progress, RunSummary, recorded_run
from khabar.pipeline import (
    DEFAULT_SOURCES,
    BatchStats,
    process_batch,
    use_registry,
)
from khabar.plugins import PluginError, Web, open_web
from khabar.stop import Interrupted, Stop
from khabar.warehouse.raw import prune_pages, write_fetch_log

if TYPE_CHECKING:
    from khabar.crawl.sources import Source

log = logging.getLogger("khabar.ingest")


class IngestError(Exception):
    """A run could not start (bad registry, unknown source ids, bad date range): one clear message."""


BatchLoader = Callable[[duckdb.DuckDBPyConnection, Any], BatchStats]


def load_crawl_batch(con: duckdb.DuckDBPyConnection, batch: Any) -> BatchStats:
    """Load one crawl batch atomically: pages → releases, plus its fetch_log rows and crawl state."""
    from khabar.warehouse.crawl_state import save_batch_state

    def also(c: duckdb.DuckDBPyConnection) -> None:
        write_fetch_log(c, batch.fetch_log)
        save_batch_state(c, batch)

    return process_batch(con, batch.pages, also=also)


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


def _load_sources(path: str | Path, only: list[str] | None) -> tuple[list[Source], list[Source]]:
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


def _run(
    con: duckdb.DuckDBPyConnection,
    flow: str,
    mode: Any,
    params: dict[str, Any],
    *,
    sources_path: str | Path,
    only: list[str] | None,
    web: str | None,
    web_options: Mapping[str, str] | None,
    transport: httpx.AsyncBaseTransport | None,
    progress: Progress | None,
    loader: BatchLoader | None,
    settings: Any | None,
    now: datetime | None = None,
    stop: Stop | None = None,
) -> RunSummary:
    from khabar.crawl import Crawler
    from khabar.crawl.settings import load_settings
    from khabar.warehouse.crawl_state import load_state

    registry, sources = _load_sources(sources_path, only)
    if settings is None:
        try:
            settings = load_settings()
        except ValueError as exc:
            raise IngestError(str(exc)) from exc
    use_registry(con, registry)
    route = _web(transport, web, web_options)
    load = loader or load_crawl_batch
    with recorded_run(con, flow, {**params, "sources": [s.id for s in sources]}, stop) as summary:

        def sink(batch: Any) -> None:
            summary.stats.add(load(con, batch))
            if progress:
                progress(len(batch.pages))

        cs = settings or load_settings()
        with route as opened:
            if now is None and opened is not None:
                now = opened.now  # a stand-in web's own clock
            state = load_state(con, [s.id for s in sources], recheck_days=cs.recheck_days, now=now)
            crawler = Crawler(
                sources,
                cs,
                transport=opened.transport if opened is not None else None,
                state=state,
                run_id=summary.run_id,
                now=now,
                stop=stop.event if stop is not None else None,
            )
            report = _run_crawl(crawler, mode, sink, stop)
        summary.extra["crawl"] = report.as_dict()
        _judge(summary, {k: v.fatal for k, v in report.sources.items() if v.fatal}, len(crawler.sources))
        summary.extra["pages_pruned"] = prune_pages(
            con, keep_versions=cs.raw_keep_versions, max_age_days=cs.raw_max_age_days
        )
    log.info("%s %s: %s", flow, summary.run_id, summary.as_dict())
    return summary


def _judge(summary: RunSummary, failed: dict[str, str], crawled: int) -> None:
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


def _run_crawl(crawler: Any, mode: Any, sink: Callable[[Any], None], stop: Stop | None) -> Any:
    """`asyncio.run(crawler.run(…))`; a hard stop (second signal) cancels the crawl's tasks from the signal
    handler rather than raising inside the loop, and arrives here as `Interrupted`."""
    if stop is None:
        return asyncio.run(crawler.run(mode, sink))

    def cancel_all() -> (
        None
    ):  # every task: the per-source ones too, or they would find the HTTP client closed
        # connection attempts cancelled before they began are reported by the interpreter as "never awaited":
        # expected here, and not something to alarm the user with
        warnings.filterwarnings("ignore", "coroutine .* was never awaited", RuntimeWarning)
        for task in asyncio.all_tasks():
            task.cancel()

    async def crawl() -> Any:
        loop = asyncio.get_running_loop()
        undo = stop.on_hard_stop(lambda: loop.call_soon_threadsafe(cancel_all))
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


def run_ingest(
    con: duckdb.DuckDBPyConnection,
    *,
    sources_path: str | Path = DEFAULT_SOURCES,
    only: list[str] | None = None,
    web: str | None = None,
    web_options: Mapping[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Progress | None = None,
    loader: BatchLoader | None = None,
    settings: Any | None = None,
    now: datetime | None = None,
    stop: Stop | None = None,
) -> RunSummary:
    """The daily job: new and changed pages of every source since its watermark (GUIDE §1.4). `stop`, once
    requested, ends the run at a batch boundary as `interrupted` (khabar.stop)."""
    from khabar.crawl import Incremental

    return _run(
        con,
        "daily_ingest",
        Incremental(),
        {},
        sources_path=sources_path,
        only=only,
        web=web,
        web_options=web_options,
        transport=transport,
        progress=progress,
        loader=loader,
        settings=settings,
        now=now,
        stop=stop,
    )


def run_backfill(
    con: duckdb.DuckDBPyConnection,
    start: str | date,
    end: str | date,
    *,
    sources_path: str | Path = DEFAULT_SOURCES,
    only: list[str] | None = None,
    web: str | None = None,
    web_options: Mapping[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Progress | None = None,
    loader: BatchLoader | None = None,
    settings: Any | None = None,
    now: datetime | None = None,
    stop: Stop | None = None,
) -> RunSummary:
    """Every release published in [start, end) — Jalali or Gregorian — resumable; the watermark never moves."""
    from khabar.crawl import Backfill
    from khabar.crawl.dates import parse_range

    try:
        lo, hi = parse_range(f"{start}..{end}")
    except ValueError as exc:
        raise IngestError(str(exc)) from exc
    return _run(
        con,
        "backfill",
        Backfill(lo, hi),
        {"start": lo.isoformat(), "end": hi.isoformat()},
        sources_path=sources_path,
        only=only,
        web=web,
        web_options=web_options,
        transport=transport,
        progress=progress,
        loader=loader,
        settings=settings,
        now=now,
        stop=stop,
    )


__all__ = ["DEFAULT_SOURCES", "IngestError", "load_crawl_batch", "run_backfill", "run_ingest"]
