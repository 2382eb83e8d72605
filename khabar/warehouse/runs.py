"""The `runs` table: one row per flow run, written at start (status running) and at the end."""

from __future__ import annotations

import json
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

import duckdb

from khabar.warehouse.db import transaction


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, params: dict[str, Any]) -> None:
    """Record a run as running; a run that never finishes stays visible as such (a crash is never silent)."""
    with transaction(con):
        con.execute(
            "MERGE INTO runs USING (SELECT ? AS run_id, ? AS flow, ? AS started_at, 'running' AS status,"
            " ?::JSON AS params) n ON runs.run_id = n.run_id WHEN NOT MATCHED THEN INSERT BY NAME",
            [run_id, flow, datetime.now(UTC), json.dumps(params, ensure_ascii=False, default=str)],
        )


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, status: str, stats: dict[str, Any]) -> None:
    with transaction(con):
        con.execute(
            "UPDATE runs SET finished_at = ?, status = ?, stats = ? WHERE run_id = ?",
            [datetime.now(UTC), status, json.dumps(stats, ensure_ascii=False, default=str), run_id],
        )


def mark_crashed(con: duckdb.DuckDBPyConnection) -> int:
    """Runs still 'running' when a new run starts were killed (one writer at a time): say so."""
    with transaction(con):
        n = con.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()
        con.execute("UPDATE runs SET status = 'crashed' WHERE status = 'running'")
    return int(n[0]) if n else 0


def abandon_transaction(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back a transaction left open by an interrupted writer (a second stop signal can land between BEGIN
    and the transaction's own handler), so that the run can still be recorded; nothing open is the usual case."""
    with suppress(duckdb.Error):
        con.execute("ROLLBACK")


def last_status(con: duckdb.DuckDBPyConnection) -> str | None:
    """Status of the most recent run (None when there is none): a run after an unfinished one rebuilds the search
    index even if it writes nothing, since the batches the unfinished run committed may not be indexed."""
    row = con.execute("SELECT status FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
    return str(row[0]) if row else None


# What a run's status means; `khabar status` shows `cause` (from the run's stats) for the last four.
STATUSES = {
    "running": "in progress (or killed: the next run marks it crashed)",
    "completed": "everything asked for was done",
    "completed_with_errors": "done, but some input could not be read or some source failed: see cause",
    "interrupted": "stopped on request (SIGINT/SIGTERM); whole batches kept: run the same command again",
    "failed": "stopped by an error (nothing half-written)",
    "crashed": "killed without a chance to record it (SIGKILL, power loss)",
}

__all__ = ["STATUSES", "abandon_transaction", "finish_run", "last_status", "mark_crashed", "start_run"]
