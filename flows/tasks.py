"""The one task the flows share: load a batch of pages. One task per batch (~100 pages), never per page: Prefect's
per-task overhead is several milliseconds. Inputs are not hashed or cached (cache_policy NONE): they hold page
bodies and a live connection. A retry is safe because a batch commits atomically and loads idempotently."""

from __future__ import annotations

from typing import Any

import duckdb
from prefect import task
from prefect.cache_policies import NONE

from khabar.ingest import load_crawl_batch
from khabar.pipeline import BatchStats, process_batch


@task(
    name="load-crawl-batch", retries=2, retry_delay_seconds=[2, 15], cache_policy=NONE, persist_result=False
)
def load_crawl_batch_task(con: duckdb.DuckDBPyConnection, batch: Any) -> BatchStats:
    return load_crawl_batch(con, batch)


@task(name="process-batch", retries=2, retry_delay_seconds=[2, 15], cache_policy=NONE, persist_result=False)
def process_batch_task(con: duckdb.DuckDBPyConnection, pages: list[Any]) -> BatchStats:
    return process_batch(con, pages)
