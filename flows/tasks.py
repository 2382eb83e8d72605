"""The tasks the flows share: load a batch. One task per batch (~100 pages), never per page: Prefect's per-task
overhead is several milliseconds. Inputs are not hashed or cached (cache_policy NONE): they hold page bodies and a
live connection. A retry is safe because a batch commits atomically and loads idempotently."""

from __future__ import annotations

import duckdb
from prefect import task
from prefect.cache_policies import NONE

from khabar.crawl_records import CrawlBatch
from khabar.pipeline import BatchStats, Registry, load_crawl_batch, process_batch
from khabar.records import RawPage


@task(
    name="load-crawl-batch", retries=2, retry_delay_seconds=[2, 15], cache_policy=NONE, persist_result=False
)
def load_crawl_batch_task(
    con: duckdb.DuckDBPyConnection, batch: CrawlBatch, registry: Registry
) -> BatchStats:
    return load_crawl_batch(con, batch, registry)


@task(name="process-batch", retries=2, retry_delay_seconds=[2, 15], cache_policy=NONE, persist_result=False)
def process_batch_task(
    con: duckdb.DuckDBPyConnection, pages: list[RawPage], registry: Registry
) -> BatchStats:
    return process_batch(con, pages, registry)
