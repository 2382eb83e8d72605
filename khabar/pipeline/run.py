"""The one run loop: a page source feeds batches, a loader commits each one, the run is recorded around it.

Crawling, importing files and reprocessing the archive differ only in where their pages come from and what they
add to the run's summary at the end; each is a `PageSource`. `run_source` opens one row in `runs`, hands every
batch the source delivers to the loader (one transaction each: a crash loses at most the batch in flight and a
re-run converges), counts, reports progress, honours a stop request, and closes the run with its stats.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Protocol, TypeVar

import duckdb

from khabar.pipeline.batch import BatchStats, process_batch
from khabar.pipeline.registry import Registry
from khabar.pipeline.workers import abort as abort_workers
from khabar.records import RawPage
from khabar.stop import Stop
from khabar.warehouse.runs import abandon_transaction, finish_run, last_status, mark_crashed, start_run
from khabar.warehouse.search import has_search_index, rebuild_search_index

B = TypeVar("B")
B_contra = TypeVar("B_contra", contravariant=True)

Progress = Callable[[int], None]  # called with the number of pages of each batch committed


@dataclass
class RunSummary:
    """What a run did: its row in `runs` (status, stats and `extra`: the source's own findings, JSON)."""

    run_id: str
    flow: str
    status: str = "completed"
    stats: BatchStats = field(default_factory=BatchStats)
    extra: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "flow": self.flow,
            "status": self.status,
            **asdict(self.stats),
            **self.extra,
        }

    @property
    def exit_code(self) -> int:
        """The same for every command (README, «Exit codes»): 0 done, 1 partial, 2 nothing readable, 130/143
        interrupted by SIGINT/SIGTERM."""
        if self.status == "interrupted":
            code = self.extra.get("exit_code", 130)
            return code if isinstance(code, int) else 130
        fallback = 2 if self.extra.get("unreadable") else 1
        return {"completed": 0, "completed_with_errors": 1}.get(self.status, fallback)

    @property
    def cause(self) -> str | None:
        """Why the run did not simply complete (a failed source, a damaged file, a signal), or None."""
        cause = self.extra.get("cause")
        return cause if isinstance(cause, str) else None

    @property
    def import_errors(self) -> list[str]:
        """An import's problems, one line each (file, offset, cause)."""
        errors = self.extra.get("import_errors")
        return [str(e) for e in errors] if isinstance(errors, list) else []

    @property
    def failed_sources(self) -> dict[str, str]:
        """A crawl's failed sources and why."""
        crawl = self.extra.get("crawl")
        failed = crawl.get("failed_sources") if isinstance(crawl, dict) else None
        return {str(k): str(v) for k, v in failed.items()} if isinstance(failed, dict) else {}

    def interrupted_line(self) -> str:
        s = self.stats
        batches = f"{s.batches} batch{'' if s.batches == 1 else 'es'}"
        return f"interrupted: {batches} committed, {s.pages} pages; run the same command again to continue"


class BatchLoader(Protocol[B_contra]):
    """Commits one batch and says what it did: `process_batch` for pages, the crawl's loader for crawl batches,
    or a Prefect task wrapping either (khabar.flows)."""

    def __call__(
        self, con: duckdb.DuckDBPyConnection, batch: B_contra, registry: Registry, /
    ) -> BatchStats: ...


class PageSource(Protocol[B]):
    """Where a run's pages come from. `feed` hands batches to `deliver` (in order, one at a time) until the
    source is exhausted or `stop` is requested; `finish` adds the source's findings to the summary (inside the
    run, before it is recorded); `size` is the number of pages in a batch, for progress."""

    flow: str
    params: dict[str, object]

    def feed(self, summary: RunSummary, deliver: Callable[[B], None], stop: Stop | None) -> None: ...

    def finish(self, summary: RunSummary) -> None: ...

    def size(self, batch: B) -> int: ...


def new_run_id(flow: str) -> str:
    """Sortable and unique: the flow name, the UTC start second and a random suffix."""
    return f"{flow}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def batched(items: Iterable[RawPage], size: int) -> Iterator[list[RawPage]]:
    batch: list[RawPage] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@contextmanager
def recorded_run(
    con: duckdb.DuckDBPyConnection, flow: str, params: dict[str, object], stop: Stop | None = None
) -> Iterator[RunSummary]:
    """One row in `runs`: 'running' at the start (runs left running by a killed process become 'crashed'),
    then 'completed' (the job may set 'completed_with_errors' and a `cause`), 'interrupted' when `stop` was
    requested (a first signal lets the job end at a batch boundary; a second raises `Interrupted` and interrupts
    the query in flight, whose transaction rolls back), or 'failed' with the error. The search index is refreshed
    after a run that wrote releases or followed an unfinished one (the build reads the whole archive: a daily run
    with nothing new must not pay for it)."""
    mark_crashed(con)
    stale_index = last_status(con) not in (None, "completed", "completed_with_errors")
    summary = RunSummary(new_run_id(flow), flow)
    start_run(con, summary.run_id, flow, params)
    undo: list[Callable[[], None]] = []
    if stop is not None:
        stop.run = summary  # a hard stop interrupts the query in flight and kills the extraction workers
        undo = [stop.on_hard_stop(con.interrupt), stop.on_hard_stop(abort_workers)]
    try:
        yield summary
        if summary.stats.releases_written or stale_index or not has_search_index(con):
            rebuild_search_index(con)
    except BaseException as exc:
        for u in undo:
            u()
        if stop is not None and stop.requested and (stop.hard or isinstance(exc, KeyboardInterrupt)):
            abandon_transaction(con)  # a hard stop may land between BEGIN and the transaction's own handler
            _mark_interrupted(summary, stop)
        else:
            summary.status = "failed"
            summary.extra["error"] = summary.extra["cause"] = f"{type(exc).__name__}: {exc}"
        finish_run(con, summary.run_id, summary.status, summary.as_dict())
        raise
    for u in undo:
        u()
    if stop is not None and stop.requested:
        _mark_interrupted(summary, stop)
    finish_run(con, summary.run_id, summary.status, summary.as_dict())


def _mark_interrupted(summary: RunSummary, stop: Stop) -> None:
    summary.status = "interrupted"
    summary.extra["exit_code"] = stop.exit_code
    done = summary.stats
    batches = f"{done.batches} batch{'' if done.batches == 1 else 'es'}"
    summary.extra["cause"] = f"{stop.cause} after {batches}, {done.pages} pages"


def run_source(
    con: duckdb.DuckDBPyConnection,
    source: PageSource[B],
    loader: BatchLoader[B],
    registry: Registry,
    *,
    progress: Progress | None = None,
    stop: Stop | None = None,
) -> RunSummary:
    """Run `source` to the end as one recorded run, each batch committed by `loader` (see the module)."""
    with recorded_run(con, source.flow, source.params, stop) as summary:

        def deliver(batch: B) -> None:
            summary.stats.add(loader(con, batch, registry))
            if progress:
                progress(source.size(batch))

        source.feed(summary, deliver, stop)
        source.finish(summary)
    return summary


@dataclass
class Pages:
    """A page source over an iterable of pages (import, reprocess, tests): bounded batches, a stop request
    honoured between them; `on_finish` sets the final status from what was read."""

    flow: str
    pages: Iterable[RawPage]
    params: dict[str, object] = field(default_factory=dict)
    batch_size: int = 200
    on_finish: Callable[[RunSummary], None] | None = None

    def feed(self, summary: RunSummary, deliver: Callable[[list[RawPage]], None], stop: Stop | None) -> None:
        for batch in batched(self.pages, self.batch_size):
            deliver(batch)
            if stop is not None and stop.requested:
                break

    def finish(self, summary: RunSummary) -> None:
        if self.on_finish is not None:
            self.on_finish(summary)

    def size(self, batch: list[RawPage]) -> int:
        return len(batch)


def run_batches(
    con: duckdb.DuckDBPyConnection,
    flow: str,
    pages: Iterable[RawPage],
    params: dict[str, object],
    *,
    registry: Registry | None = None,
    batch_size: int = 200,
    progress: Progress | None = None,
    loader: BatchLoader[list[RawPage]] | None = None,
    stop: Stop | None = None,
    finish: Callable[[RunSummary], None] | None = None,
) -> RunSummary:
    """Stream pages through the pipeline as one recorded run (`run_source` over `Pages`). `loader` replaces
    `process_batch` (the flows pass a Prefect task wrapping it); `finish` sets the final status."""
    return run_source(
        con,
        Pages(flow, pages, params, batch_size, finish),
        loader or process_batch,
        registry or Registry(),
        progress=progress,
        stop=stop,
    )


__all__ = [
    "BatchLoader",
    "PageSource",
    "Pages",
    "Progress",
    "RunSummary",
    "batched",
    "new_run_id",
    "recorded_run",
    "run_batches",
    "run_source",
]
