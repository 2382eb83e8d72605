"""Run-level jobs as plain Python: reprocess the raw archive, import local files (and, in `khabar.ingest`, crawl).

Each job opens one run row, streams pages through `pipeline.process_batch` in bounded batches (one transaction
each, so a crash loses at most the batch in flight and a re-run converges), and closes the run with its stats.
The Prefect flows and the CLI call these functions; tests and benchmarks call them directly.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from khabar.crawl.http import detect_charset
from khabar.pipeline import BatchStats, new_run_id, process_batch
from khabar.records import RawPage
from khabar.warehouse.raw import iter_pages
from khabar.warehouse.runs import finish_run, mark_crashed, start_run
from khabar.warehouse.search import has_search_index, rebuild_search_index

Progress = Callable[[int], None]


@dataclass
class RunSummary:
    run_id: str
    flow: str
    status: str = "completed"
    stats: BatchStats = field(default_factory=BatchStats)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "flow": self.flow, "status": self.status, **asdict(self.stats),
                **self.extra}  # fmt: skip


def batched(items: Iterable[RawPage], size: int) -> Iterator[list[RawPage]]:
    batch: list[RawPage] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


PageLoader = Callable[[duckdb.DuckDBPyConnection, list[RawPage]], BatchStats]


@contextmanager
def recorded_run(con: duckdb.DuckDBPyConnection, flow: str, params: dict[str, Any]) -> Iterator[RunSummary]:
    """One row in `runs`: 'running' at the start (runs left running by a killed process become 'crashed'),
    then 'completed' or 'failed' with the error; the search index is refreshed after a successful run that wrote
    releases (the build reads the whole archive: a daily run with nothing new must not pay for it)."""
    mark_crashed(con)
    summary = RunSummary(new_run_id(flow), flow)
    start_run(con, summary.run_id, flow, params)
    try:
        yield summary
        if summary.stats.releases_written or not has_search_index(con):
            rebuild_search_index(con)
    except BaseException as exc:
        summary.status = "failed"
        summary.extra["error"] = f"{type(exc).__name__}: {exc}"
        finish_run(con, summary.run_id, "failed", summary.as_dict())
        raise
    finish_run(con, summary.run_id, summary.status, summary.as_dict())


def run_batches(con: duckdb.DuckDBPyConnection, flow: str, pages: Iterable[RawPage], params: dict[str, Any], *,
                batch_size: int = 200, progress: Progress | None = None,
                loader: PageLoader | None = None) -> RunSummary:  # fmt: skip
    """Stream pages through the pipeline as one recorded run. `loader` replaces `process_batch` (the flows
    pass a Prefect task wrapping it)."""
    load = loader or process_batch
    with recorded_run(con, flow, params) as summary:
        for batch in batched(pages, batch_size):
            summary.stats.add(load(con, batch))
            if progress:
                progress(len(batch))
    return summary


def reprocess(con: duckdb.DuckDBPyConnection, since: datetime | None = None, *, batch_size: int = 200,
              progress: Progress | None = None, loader: PageLoader | None = None) -> RunSummary:  # fmt: skip
    """Re-extract every archived page (newest copy per URL) fetched since `since`: no network at all."""
    # Materialise the URL list first: iterating a cursor while the same database is written is fragile.
    pages = list(iter_pages(con, since=since))
    return run_batches(con, "reprocess", pages, {"since": since}, batch_size=batch_size, progress=progress,
                       loader=loader)  # fmt: skip


# ---------------------------------------------------------------------------------------------------- import ---

def iter_warc(path: Path, *, source_id: str = "import") -> Iterator[RawPage]:
    """HTTP responses from a WARC file (gzipped or not), bodies de-chunked and content-decoded by warcio."""
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            if not url:
                continue
            date = record.rec_headers.get_header("WARC-Date")
            fetched = datetime.fromisoformat(date.replace("Z", "+00:00")) if date else datetime.now(UTC)
            headers = {k.lower(): v for k, v in record.http_headers.headers}
            status = int(record.http_headers.get_statuscode() or 0)
            body = record.content_stream().read()
            yield RawPage(url=url, final_url=url, source_id=source_id, status=status, headers=headers, body=body,
                          fetched_at=fetched, discovered_via="import",
                          encoding=detect_charset(headers, body))  # fmt: skip


def iter_html(path: Path, *, url: str | None = None, source_id: str = "import") -> RawPage:
    body = path.read_bytes()
    if path.suffix == ".gz":
        body = gzip.decompress(body)
    fetched = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    page_url = url or path.resolve().as_uri()
    return RawPage(url=page_url, final_url=page_url, source_id=source_id, status=200,
                   headers={"content-type": "text/html"}, body=body, fetched_at=fetched, discovered_via="import")  # fmt: skip


def iter_import(paths: Iterable[str | Path], *, url: str | None = None) -> Iterator[RawPage]:
    """Pages from local files: `.warc`/`.warc.gz` records, or HTML files (`--url` applies to a single file)."""
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise FileNotFoundError(f"no such file: {path}")
        name = path.name.lower()
        if name.endswith((".warc", ".warc.gz")):
            yield from iter_warc(path)
        else:
            yield iter_html(path, url=url)


def import_files(con: duckdb.DuckDBPyConnection, paths: list[str], *, url: str | None = None,
                 batch_size: int = 200, progress: Progress | None = None,
                 loader: PageLoader | None = None) -> RunSummary:  # fmt: skip
    for raw in paths:  # fail before the run starts, not half-way through
        if not Path(raw).is_file():
            raise FileNotFoundError(f"no such file: {raw}")
    return run_batches(con, "import", iter_import(paths, url=url), {"paths": paths, "url": url},
                       batch_size=batch_size, progress=progress, loader=loader)  # fmt: skip


__all__ = ["RunSummary", "batched", "import_files", "iter_import", "recorded_run", "reprocess", "run_batches"]
