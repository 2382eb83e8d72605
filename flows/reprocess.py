"""`reprocess`: re-extract the raw archive after an extractor change, with no network at all."""

# No `from __future__ import annotations`: served deployments send the flow to its process by value
# (cloudpickle), which keeps no module globals for names used only in annotations (`date`), and Prefect's
# parameter model then fails with «`BackfillModel` is not fully defined».

from collections.abc import Mapping
from datetime import datetime

from khabar.flows.artifacts import publish_summary
from khabar.flows.stops import graceful_stop, outcome, stopped_at_once
from khabar.flows.tasks import process_batch_task
from prefect import flow, get_run_logger
from prefect.states import State

from khabar.pipeline import reprocess as reprocess_job
from khabar.stop import Stop
from khabar.warehouse.db import open_db


@flow(name="reprocess", log_prints=True)
def reprocess(
    since: datetime | None = None,
    db: str | None = None,
    batch_size: int = 200,
    sources_path: str | None = None,
) -> Mapping[str, object] | State:
    """Re-extract every archived page fetched since `since` (all when None), one task per batch; cancelled, it
    stops at a batch boundary (`interrupted` in `runs`, Cancelled in Prefect). The sources file (default: the
    registry of khabar.settings when present) is loaded first, so canonical copies follow the same registry as ingest."""
    logger = get_run_logger()
    con = open_db(db)
    stop = Stop()
    try:
        with graceful_stop(stop):
            run = reprocess_job(
                con,
                since,
                batch_size=batch_size,
                loader=process_batch_task,
                stop=stop,
                sources_path=sources_path,
            )
    except BaseException as exc:  # a second signal: the run was recorded interrupted on the way out
        if (cancelled := stopped_at_once(stop, exc)) is None:
            raise
        return cancelled
    finally:
        con.close()
    summary = run.as_dict()
    logger.info("reprocess %s: %s pages re-extracted", summary["run_id"], summary["pages"])
    publish_summary("reprocess-summary", "Reprocess", summary)
    return outcome(summary, run.interrupted_line())
