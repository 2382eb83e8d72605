"""`reprocess`: re-extract the raw archive after an extractor change, with no network at all."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger

from flows.artifacts import publish_summary
from flows.tasks import process_batch_task
from khabar.jobs import reprocess as reprocess_job
from khabar.warehouse.db import open_db


@flow(name="reprocess", log_prints=True)
def reprocess(since: datetime | None = None, db: str | None = None, batch_size: int = 200) -> dict[str, Any]:
    """Re-extract every archived page fetched since `since` (all when None), one task per batch."""
    logger = get_run_logger()
    con = open_db(db)
    try:
        summary = reprocess_job(con, since, batch_size=batch_size, loader=process_batch_task).as_dict()
    finally:
        con.close()
    logger.info("reprocess %s: %s pages re-extracted", summary["run_id"], summary["pages"])
    publish_summary("reprocess-summary", "Reprocess", summary)
    return summary
