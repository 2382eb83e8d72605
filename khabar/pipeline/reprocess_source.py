"""The raw archive as a page source: re-extract what was fetched, after an extractor change, with no network."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from khabar.pipeline.registry import load_registry, use_registry
from khabar.pipeline.run import BatchLoader, Progress, RunSummary, run_batches
from khabar.records import RawPage
from khabar.stop import Stop
from khabar.warehouse.raw import iter_pages


def reprocess(
    con: duckdb.DuckDBPyConnection,
    since: datetime | None = None,
    *,
    batch_size: int = 200,
    progress: Progress | None = None,
    loader: BatchLoader[list[RawPage]] | None = None,
    stop: Stop | None = None,
    sources_path: str | Path | None = None,
) -> RunSummary:
    """Re-extract every archived page (newest copy per URL) fetched since `since`: no network at all. The
    sources file (`sources_path`; None: the settings' registry when present) is loaded first, as by every run."""
    registry = use_registry(con, load_registry(sources_path))
    # Materialise the URL list first: iterating a cursor while the same database is written is fragile.
    pages = list(iter_pages(con, since=since))
    return run_batches(
        con,
        "reprocess",
        pages,
        {"since": since},
        registry=registry,
        batch_size=batch_size,
        progress=progress,
        loader=loader,
        stop=stop,
    )


__all__ = ["reprocess"]
