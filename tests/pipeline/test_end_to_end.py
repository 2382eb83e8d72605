"""Issue 6 acceptance, end to end on the simulated web through the real CLI and the real DuckDB file:

- a backfill over 3 simulated days loads every truth page, and the releases cluster like the truth;
- running the daily ingest again adds nothing;
- a run killed with SIGKILL mid-way, then re-run, ends in the same database state as an uninterrupted run.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from khabar.simweb.config import SimWebConfig
from khabar.simweb.truth import iter_truth
from khabar.urls import canonical_url

START, END = "1402-12-26", "1402-12-29"  # [2024-03-16, 2024-03-19): three Tehran days
G_START, G_END = date(2024, 3, 16), date(2024, 3, 19)
ROOT = Path(__file__).resolve().parents[2]


def khabar(*args: str, db: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "khabar.cli", *args, "--db", str(db)],
        cwd=ROOT,
        text=True,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def backfill_args() -> list[str]:
    return ["backfill", "--simweb", "--from", START, "--to", END, "--rate-limit", "20"]


def snapshot(db: Path) -> dict[str, object]:
    """Table contents that must not depend on how the run went (no run ids, fetch times or request logs)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rel = con.execute(
            "SELECT canonical_url, url, is_article, title, lead, body, published_at, published_jalali, news_code,"
            " attribution, agency, province, event_type, keywords, content_hash, version FROM releases ORDER BY 1"
        ).fetchall()
        clusters = con.execute(
            "SELECT list(canonical_url ORDER BY canonical_url) FROM releases GROUP BY cluster_id ORDER BY 1"
        ).fetchall()
        canonical = con.execute("SELECT canonical_url FROM releases WHERE is_canonical ORDER BY 1").fetchall()
        persons = con.execute(
            "SELECT r.canonical_url, p.ordinal, p.name, p.role FROM persons p JOIN releases r"
            " USING (release_id) ORDER BY 1, 2"
        ).fetchall()
        quantities = con.execute(
            "SELECT r.canonical_url, q.ordinal, q.value, q.unit, q.text FROM quantities q"
            " JOIN releases r USING (release_id) ORDER BY 1, 2"
        ).fetchall()
        pages = con.execute("SELECT DISTINCT url, body_sha256 FROM pages ORDER BY 1, 2").fetchall()
        dup_pages = con.execute("SELECT count(*) - count(DISTINCT page_id) FROM pages").fetchone()
    finally:
        con.close()
    return {
        "releases": rel,
        "clusters": clusters,
        "canonical": canonical,
        "persons": persons,
        "quantities": quantities,
        "pages": pages,
        "duplicate_pages": dup_pages,
    }


CLEAN_SECONDS: list[
    float
] = []  # how long the clean run took on this machine: the kill happens inside that span


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("e2e") / "clean.duckdb"
    t0 = time.perf_counter()
    result = khabar(*backfill_args(), db=db)
    CLEAN_SECONDS.append(time.perf_counter() - t0)
    assert result.returncode == 0, result.stderr[-2000:]
    return db


def test_backfill_loads_every_truth_release(clean_run):
    truth = [t for t in iter_truth(SimWebConfig(), G_START, G_END) if t.page_kind == "article"]
    con = duckdb.connect(str(clean_run), read_only=True)
    loaded = {u for (u,) in con.execute("SELECT canonical_url FROM releases WHERE is_article").fetchall()}
    con.close()
    missing = {canonical_url(t.url) for t in truth} - loaded
    assert not missing, sorted(missing)[:5]
    # clusters vs truth, with the dedup issue's measure
    from khabar.simweb.dedup_eval import score

    con = duckdb.connect(str(clean_run), read_only=True)
    ours = dict(con.execute("SELECT canonical_url, cluster_id FROM releases WHERE is_article").fetchall())
    con.close()
    gold = {canonical_url(t.url): t.cluster_id for t in truth}
    scores = score(gold, {u: ours[u] for u in gold})
    assert scores.f1 >= 0.95 and scores.bcubed_f1 >= 0.95, scores
    # one canonical release per cluster, and as many clusters as the truth has releases (within dedup quality)
    con = duckdb.connect(str(clean_run), read_only=True)
    per_cluster = con.execute(
        "SELECT max(n) FROM (SELECT count(*) FILTER (WHERE is_canonical) AS n FROM releases"
        " WHERE is_article GROUP BY cluster_id)"
    ).fetchone()[0]
    con.close()
    n_clusters = len({ours[u] for u in gold})
    assert per_cluster == 1
    n_truth = len({t.cluster_id for t in truth})
    assert abs(n_clusters - n_truth) <= max(2, 0.03 * n_truth), (n_clusters, n_truth)


def test_daily_rerun_adds_nothing(clean_run, tmp_path):
    db = tmp_path / "daily.duckdb"
    db.write_bytes(clean_run.read_bytes())
    first = khabar("ingest", "--simweb", "--rate-limit", "20", db=db)
    assert first.returncode == 0, first.stderr[-2000:]
    before = snapshot(db)
    second = khabar("ingest", "--simweb", "--rate-limit", "20", db=db)
    assert second.returncode == 0, second.stderr[-2000:]
    assert "0 releases written" in second.stdout or " 0 pages" in second.stdout, second.stdout
    assert snapshot(db) == before


@pytest.mark.parametrize("trial", range(2))
def test_sigkill_mid_run_then_rerun_equals_clean_run(clean_run, tmp_path, trial):
    db = tmp_path / "crashed.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-m", "khabar.cli", *backfill_args(), "--db", str(db)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # once the database is open (its WAL appears), anywhere up to 40 % of a clean run's time later: measured from
    # there, not from the start, because start-up time varies most on a busy machine (a first, cold clean run made
    # the later runs finish before a kill timed from the start)
    wal = db.with_name(db.name + ".wal")
    while not wal.exists() and proc.poll() is None:
        time.sleep(0.02)
    time.sleep(CLEAN_SECONDS[0] * random.Random(trial).uniform(0.1, 0.4))
    still_running = proc.poll() is None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert still_running, "the run finished before it could be killed: lengthen the window"
    if db.exists():  # the killed run left whole batches only (or nothing yet)
        partial = snapshot(db)
        assert partial["duplicate_pages"] == (0,)
    result = khabar(*backfill_args(), db=db)
    assert result.returncode == 0, result.stderr[-2000:]
    got, want = snapshot(db), snapshot(clean_run)
    for table in want:
        assert got[table] == want[table], f"{table} differs after crash + re-run"
    con = duckdb.connect(str(db), read_only=True)
    statuses = dict(con.execute("SELECT status, count(*) FROM runs GROUP BY 1").fetchall())
    con.close()
    assert statuses.get("completed") == 1 and statuses.get("running") is None
