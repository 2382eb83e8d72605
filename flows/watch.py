"""`watch_cycle`: the `khabar-watch` deployment, one watch cycle per scheduled run (every few minutes, Asia/Tehran).

The work is `khabar.pipeline.watch.run_cycle`, the same function `khabar watch` loops over: a run finds which
sources are due in the saved schedule, crawls only those, and saves their next checks, so runs every 5 minutes
check each source on its own learnt interval (a run with nothing due does nothing but read the schedule). Here
only Prefect concerns: the batch loader as a task, cancellation as a graceful stop, a summary artifact per cycle.
"""

# No `from __future__ import annotations`: served deployments pickle the flow by value (see flows/ingest.py).

from collections.abc import Mapping

from khabar.flows.artifacts import publish_summary
from khabar.flows.stops import graceful_stop, outcome, stopped_at_once
from khabar.flows.tasks import load_crawl_batch_task
from prefect import flow, get_run_logger
from prefect.states import State

from khabar.pipeline import CrawlOptions
from khabar.pipeline.watch import WatchOptions, run_cycle
from khabar.stop import Stop
from khabar.warehouse.db import open_db

WATCH_CRON = "*/5 * * * *"


@flow(name="watch-cycle", log_prints=True)
def watch_cycle(
    sources_path: str | None = None,
    sources: list[str] | None = None,
    db: str | None = None,
    web: str | None = None,
    web_options: dict[str, str] | None = None,
) -> Mapping[str, object] | State:
    """One watch cycle: crawl the sources due now (their adaptive schedule in the warehouse), save their next
    checks. Returns what was checked, each source's outcome and the earliest next check."""
    logger = get_run_logger()
    con = open_db(db)
    stop = Stop()
    crawl = CrawlOptions(
        sources_path=sources_path,
        only=sources,
        web=web,
        web_options=web_options,
        loader=load_crawl_batch_task,
        stop=stop,
    )
    try:
        with graceful_stop(stop):
            result = run_cycle(con, WatchOptions(crawl))
    except BaseException as exc:
        if (cancelled := stopped_at_once(stop, exc)) is None:
            raise
        return cancelled
    finally:
        con.close()
    cycle: dict[str, object] = {
        "now": result.now.isoformat(),
        "due": result.due,
        "outcomes": result.outcomes,
        "next_check": result.next_check.isoformat() if result.next_check else None,
    }
    logger.info(
        "watch cycle at %s: %s; next check %s",
        cycle["now"],
        result.outcomes or "nothing due",
        cycle["next_check"],
    )
    if result.summary is None:
        return cycle
    summary = {**result.summary.as_dict(), **cycle}
    publish_summary("watch-cycle-summary", f"Watch cycle {cycle['now']}", summary)
    return outcome(summary, result.summary.interrupted_line())
