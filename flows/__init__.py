"""Prefect flows and deployments: thin wrappers over the plain-Python jobs in `khabar` (schedule, retries,
logging, run-summary artifacts, nothing else). Every flow is also callable as plain Python: `khabar.pipeline` holds
the work."""

from __future__ import annotations

import os

# khabar logs through the standard `khabar` logger; Prefect forwards it to the run's logs. Must precede the import.
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "khabar")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# The temporary server migrates its database on first start: on a busy 2-core machine that exceeds the 20 s default.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")

from khabar.flows.ingest import backfill, daily_ingest
from khabar.flows.reprocess import reprocess
from khabar.flows.shards import khabar_shard
from khabar.flows.watch import watch_cycle

__all__ = ["backfill", "daily_ingest", "khabar_shard", "reprocess", "watch_cycle"]
