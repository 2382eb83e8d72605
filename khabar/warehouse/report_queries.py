"""Read-only queries behind `khabar report` (issue 20): the report_* views, filtered, plus the few aggregates the
views do not carry (first and last appearance per person and role, money per agency per day, copy delays).

Every query takes one `ReportFilter` and applies it the same way: a release is in the report when its published
Jalali day lies in [start, end) and its agency and province are among those asked for. Jalali days are compared as
`YYYY-MM-DD` strings (zero-padded, so the order is the calendar's). Timestamps come back in Tehran local time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb
import numpy as np

from khabar.warehouse.query import run_query

MONEY_UNITS = ("ریال", "تومان")  # report_quantities' money family; values are rial (GUIDE §1.1)


@dataclass(frozen=True)
class ReportFilter:
    start_jalali: str | None = None  # first Jalali day, YYYY-MM-DD, inclusive
    end_jalali: str | None = None  # Jalali day after the last (half-open, as backfill)
    agencies: tuple[str, ...] = field(default_factory=tuple)
    provinces: tuple[str, ...] = field(default_factory=tuple)

    def where(self, day: str, agency: str, province: str) -> tuple[str, list[Any]]:
        """SQL conditions (joined with AND, never empty) and their parameters, on the given column expressions."""
        conds, params = [f"{day} IS NOT NULL"], []
        if self.start_jalali:
            conds.append(f"{day} >= ?")
            params.append(self.start_jalali)
        if self.end_jalali:
            conds.append(f"{day} < ?")
            params.append(self.end_jalali)
        for col, values in ((agency, self.agencies), (province, self.provinces)):
            if values:
                conds.append(f"{col} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        return " AND ".join(conds), params


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _canonical(f: ReportFilter) -> tuple[str, list[Any]]:
    """Cluster ids of the releases in the report (their canonical row matches the filter)."""
    cond, params = f.where("r.published_jalali", "r.agency", "r.province")
    return f"SELECT r.cluster_id FROM releases r WHERE r.is_canonical AND r.is_article AND {cond}", params


def daily_counts(con: duckdb.DuckDBPyConnection, f: ReportFilter) -> list[dict[str, Any]]:
    """report_releases_daily rows: jalali_day, gregorian_day, agency, province, releases, pages."""
    cond, params = f.where("jalali_day", "agency", "province")
    return _rows(
        con,
        "SELECT jalali_day, gregorian_day, agency, province, releases, pages"
        f" FROM report_releases_daily WHERE {cond} ORDER BY jalali_day",
        params,
    )


def totals(con: duckdb.DuckDBPyConnection, f: ReportFilter) -> dict[str, Any]:
    cond, params = f.where("published_jalali", "agency", "province")
    return _rows(
        con,
        "SELECT count(*) FILTER (WHERE is_canonical) AS releases, count(*) AS pages,"
        " count(DISTINCT source_id) AS sites, count(DISTINCT agency) AS agencies,"
        " min(published_jalali) AS first_day, max(published_jalali) AS last_day"
        f" FROM releases WHERE is_article AND {cond}",
        params,
    )[0]


def top_persons(con: duckdb.DuckDBPyConnection, f: ReportFilter, limit: int = 20) -> list[dict[str, Any]]:
    """Officials by releases mentioning them (one row per name and role), with first and last appearance."""
    cond, params = f.where("r.published_jalali", "r.agency", "r.province")
    return _rows(
        con,
        "SELECT p.name, p.role, count(DISTINCT r.cluster_id) AS releases,"
        " min(r.published_jalali) AS first_jalali, max(r.published_jalali) AS last_jalali,"
        " timezone('Asia/Tehran', min(r.published_at)) AS first_seen,"
        " timezone('Asia/Tehran', max(r.published_at)) AS last_seen"
        " FROM persons p JOIN releases r USING (release_id)"
        f" WHERE r.is_canonical AND {cond} GROUP BY p.name, p.role"
        " ORDER BY releases DESC, p.name, p.role NULLS LAST LIMIT ?",
        [*params, limit],
    )


def money_daily(con: duckdb.DuckDBPyConnection, f: ReportFilter) -> list[dict[str, Any]]:
    """Money announced (rial) per agency per Jalali day, over canonical releases."""
    cond, params = f.where("r.published_jalali", "r.agency", "r.province")
    units = ", ".join("?" * len(MONEY_UNITS))
    return _rows(
        con,
        "SELECT r.published_jalali AS jalali_day, r.agency, count(*) AS mentions,"
        " sum(q.value) AS rial FROM quantities q JOIN releases r USING (release_id)"
        f" WHERE r.is_canonical AND q.unit IN ({units}) AND q.value > 0 AND {cond}"
        " GROUP BY ALL ORDER BY 1",
        [*MONEY_UNITS, *params],
    )


def sites_per_release(con: duckdb.DuckDBPyConnection, f: ReportFilter) -> list[dict[str, Any]]:
    sub, params = _canonical(f)
    return _rows(
        con,
        f"SELECT sites, count(*) AS releases FROM report_clusters WHERE cluster_id IN ({sub})"
        " GROUP BY 1 ORDER BY 1",
        params,
    )


def copy_delays_hours(con: duckdb.DuckDBPyConnection, f: ReportFilter) -> np.ndarray:
    """Delay of every copy (not the canonical row) after its release's first publication, in hours."""
    sub, params = _canonical(f)
    out = con.execute(
        f"SELECT delay_seconds / 3600.0 AS h FROM report_copies WHERE NOT is_canonical"
        f" AND delay_seconds IS NOT NULL AND cluster_id IN ({sub})",
        params,
    ).fetchnumpy()
    return np.asarray(out["h"], dtype=float)


def most_republished(
    con: duckdb.DuckDBPyConnection, f: ReportFilter, limit: int = 15
) -> list[dict[str, Any]]:
    sub, params = _canonical(f)
    return _rows(
        con,
        "SELECT title, agency, canonical_source, sites, copies, median_copy_delay_hours,"
        " timezone('Asia/Tehran', first_published) AS first_published FROM report_clusters"
        f" WHERE cluster_id IN ({sub}) AND copies > 1"
        " ORDER BY sites DESC, copies DESC, first_published LIMIT ?",
        [*params, limit],
    )


def source_health(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """report_source_health as it is (request log of every run; not filtered by release)."""
    return _rows(
        con,
        "SELECT source_id, host, requests, ok, errors, error_rate, median_ms, p95_ms,"
        " timezone('Asia/Tehran', last_success) AS last_success,"
        " timezone('Asia/Tehran', last_error) AS last_error, last_error_class"
        " FROM report_source_health ORDER BY source_id",
        [],
    )


def last_runs(con: duckdb.DuckDBPyConnection, limit: int = 15) -> list[dict[str, Any]]:
    return _rows(
        con,
        "SELECT run_id, flow, status, timezone('Asia/Tehran', started_at) AS started_at, seconds,"
        " TRY_CAST(json_extract(stats, '$.pages') AS BIGINT) AS pages,"
        " TRY_CAST(json_extract(stats, '$.releases_written') AS BIGINT) AS releases_written"
        " FROM report_runs LIMIT ?",
        [limit],
    )


def generated_at(con: duckdb.DuckDBPyConnection) -> datetime:
    """Now in Tehran local time, from the database's own clock (the report states when it was made)."""
    return run_query(con, "SELECT timezone('Asia/Tehran', now())")[1][0][0]


__all__ = [
    "ReportFilter",
    "copy_delays_hours",
    "daily_counts",
    "generated_at",
    "last_runs",
    "money_daily",
    "most_republished",
    "sites_per_release",
    "source_health",
    "top_persons",
    "totals",
]
