"""`daily_ingest` and `backfill`: the crawl flows. Work happens in `khabar.pipeline`; here only Prefect concerns."""

# No `from __future__ import annotations`: served deployments send the flow to its process by value
# (cloudpickle), which keeps no module globals for names used only in annotations (`date`), and Prefect's
# parameter model then fails with «`BackfillModel` is not fully defined».

from collections.abc import Callable, Mapping

import duckdb
from khabar.flows.artifacts import publish_summary
from khabar.flows.report import publish_report
from khabar.flows.stops import graceful_stop, outcome, stopped_at_once
from khabar.flows.tasks import load_crawl_batch_task
from prefect import flow, get_run_logger
from prefect.states import State

from khabar.pipeline import CrawlOptions, RunSummary, run_backfill, run_ingest
from khabar.stop import Stop
from khabar.warehouse.db import open_db


def crawl_run(
    run: Callable[[duckdb.DuckDBPyConnection, CrawlOptions], RunSummary],
    db: str | None,
    sources_path: str | None,
    sources: list[str] | None,
    web: str | None,
    web_options: dict[str, str] | None,
) -> RunSummary | State:
    """Both crawl flows: one connection, the batch loader as a Prefect task, cancellation as a graceful stop.
    Returns the run, or the Cancelled state of a hard stop (the run was recorded interrupted on the way out).
    Also the body of a shard's run (khabar.flows.shards), with the shard's source ids as `sources`."""
    con = open_db(db)
    stop = Stop()
    options = CrawlOptions(
        sources_path=sources_path,  # None: the settings' registry (khabar.settings)
        only=sources,
        web=web,
        web_options=web_options,
        loader=load_crawl_batch_task,
        stop=stop,
    )
    try:
        with graceful_stop(stop):
            return run(con, options)
    except BaseException as exc:  # a second signal: the run was recorded interrupted on the way out
        if (cancelled := stopped_at_once(stop, exc)) is None:
            raise
        return cancelled
    finally:
        con.close()


@flow(name="daily-ingest", retries=1, retry_delay_seconds=120, log_prints=True)
def daily_ingest(
    sources_path: str | None = None,
    sources: list[str] | None = None,
    db: str | None = None,
    web: str | None = None,
    web_options: dict[str, str] | None = None,
    shards: int = 1,
) -> Mapping[str, object] | State:
    """Incremental ingest of all (or some) sources: new and changed pages only. Cancelled (SIGTERM from the
    runner) it stops at a batch boundary: `interrupted` in `runs`, Cancelled in Prefect. `web` names a stand-in
    web plug-in to crawl instead of the internet (`khabar.plugins`: "simweb", `web_options` {"port": "8765"}).
    `sources_path` None: the registry of khabar.settings (KHABAR_SOURCES, the settings file, config/).
    `shards` > 1: one run of the `khabar-shard` deployment per shard instead (khabar.flows.shards), summed."""
    logger = get_run_logger()
    if shards > 1:
        from khabar.flows.shards import fan_out, fan_out_outcome

        total = fan_out("daily", shards, None, None, sources_path, db, web, web_options, sources)
        publish_report(db, "daily-ingest", "Daily ingest report")
        return fan_out_outcome(total, f"Daily ingest ({shards} shards)", "daily-ingest-summary")
    run = crawl_run(run_ingest, db, sources_path, sources, web, web_options)
    if not isinstance(run, RunSummary):
        return run
    summary = run.as_dict()
    logger.info(
        "daily ingest %s: %s pages, %s releases written",
        summary["run_id"],
        summary["pages"],
        summary["releases_written"],
    )
    publish_summary("daily-ingest-summary", "Daily ingest", summary)
    publish_report(db, "daily-ingest", "Daily ingest report")
    return outcome(summary, run.interrupted_line())


@flow(name="backfill", log_prints=True)
def backfill(
    start: str,
    end: str,
    sources_path: str | None = None,
    sources: list[str] | None = None,
    db: str | None = None,
    web: str | None = None,
    web_options: dict[str, str] | None = None,
    shards: int = 1,
) -> Mapping[str, object] | State:
    """Every release published in [start, end): Jalali (1402-01-01) or Gregorian (2023-03-21) days; resumable.
    Cancelled, it stops at a batch boundary (`interrupted` in `runs`, Cancelled in Prefect): run it again.
    `shards` > 1: one run of the `khabar-shard` deployment per shard instead (khabar.flows.shards), summed."""
    logger = get_run_logger()
    if shards > 1:
        from khabar.flows.shards import fan_out, fan_out_outcome

        total = fan_out("backfill", shards, start, end, sources_path, db, web, web_options, sources)
        publish_report(db, "backfill", f"Backfill {start}..{end} report", start, end)
        return fan_out_outcome(total, f"Backfill {start}..{end} ({shards} shards)", "backfill-summary")

    def run_range(con: duckdb.DuckDBPyConnection, options: CrawlOptions) -> RunSummary:
        return run_backfill(con, start, end, options)

    run = crawl_run(run_range, db, sources_path, sources, web, web_options)
    if not isinstance(run, RunSummary):
        return run
    summary = run.as_dict()
    logger.info("backfill %s..%s %s: %s pages", start, end, summary["run_id"], summary["pages"])
    publish_summary("backfill-summary", f"Backfill {start}..{end}", summary)
    publish_report(db, "backfill", f"Backfill {start}..{end} report", start, end)
    return outcome(summary, run.interrupted_line())
