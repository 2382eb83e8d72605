"""The `runs` table: one row per flow run, written at start (status running) and at the end."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import duckdb

from khabar.warehouse.db import transaction


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, params: dict[str, Any]) -> None:
    """Record a run as running; a run that never finishes stays visible as such (a crash is never silent)."""
    with transaction(con):
        con.execute(
            "INSERT INTO runs (run_id, flow, started_at, status, params) VALUES (?, ?, ?, 'running', ?)"
            " ON CONFLICT DO NOTHING",
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


__all__ = ["finish_run", "mark_crashed", "start_run"]
