"""Warehouses for the report tests: one from the real pipeline on the simulated web (what `make demo` makes, two
days of it) and one synthetic, spread over 14 Jalali months (for the month axis, filters and money units)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def khabar(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "khabar.cli", *args],
        cwd=ROOT,
        text=True,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def pipeline_db(tmp_path_factory) -> Path:
    """Two simulated days through the real crawl → extract → dedup → load path (the CLI's backfill)."""
    db = tmp_path_factory.mktemp("report-pipeline") / "k.duckdb"
    out = khabar(
        "backfill",
        "--simweb",
        "--from",
        "1402-12-27",
        "--to",
        "1402-12-29",
        "--rate-limit",
        "20",
        "--db",
        str(db),
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return db


@pytest.fixture(scope="session")
def synthetic_db(tmp_path_factory) -> Path:
    from bench.b10_report import synthetic_warehouse

    return synthetic_warehouse(tmp_path_factory.mktemp("report-synthetic") / "s.duckdb", 1500, seed=3)
