"""`make soak` / `python -m bench.soak [--trials 20] [--faults 4] [--seed 8]`: randomised crash soak (issue 8).

Each trial starts a backfill over three simulated days in a subprocess on a fresh DuckDB file, SIGKILLs it after a
random delay drawn uniformly over the duration of a clean run measured first (so kills land in discovery, in
fetching and while batches are extracted and loaded), checks the partial database (whole batches only: no
duplicate pages or releases), re-runs the same backfill to completion and compares every table's contents with the
clean run. Normal trials use the real CLI (`khabar backfill --simweb`); faults trials run a small driver in the
subprocess that starts the simulated web in faults mode (5xx, 429, timeouts, drips, resets, truncation, redirect
chains, robots, oversized pages) and calls `khabar.pipeline.run_backfill`; there the clean run and the crashed run are
both repeated until every source's backfill is checkpointed (at most --max-runs runs), then compared
(--batch-size sets the driver's batch size; a run that does not finish within --run-timeout counts as a hang).

A CLI trial passes when every compared table equals the clean run's. Faults runs are not bit-for-bit
reproducible even without a crash (which discovery surface happens to fail decides whether a site's listings are
walked, and that can add out-of-range pages), so a faults trial passes when no truth article of the range that the
clean run has is missing ("lost"), every release both runs have is identical ("shared diff"), and nothing is
duplicated; exact equality is reported as well. Prints one row per trial and exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parents[1]
START, END = "1402-12-26", "1402-12-29"  # [2024-03-16, 2024-03-19): three Tehran days

BATCH_SIZE = 100  # faults driver; smaller batches make kills during loading likelier (--batch-size)
RUN_TIMEOUT = 300.0  # one run to completion; longer is reported as a hang

DRIVER = """
import sys
from khabar.crawl import CrawlSettings
from khabar.pipeline import CrawlOptions, run_backfill
from khabar.simweb.plugin import SimWeb
from khabar.simweb.config import SimWebConfig
from khabar.simweb.server import SimWebServer
from khabar.simweb.transport import SimWebTransport
from khabar.warehouse.db import open_db

config = SimWebConfig().with_faults()
settings = CrawlSettings.fast(rate_limit=20.0, max_attempts=5, read_timeout=1.0, total_timeout=3.0,
                              batch_size=int(sys.argv[4]))
con = open_db(sys.argv[1])
with SimWebServer(config) as srv:
    s = run_backfill(con, sys.argv[2], sys.argv[3], CrawlOptions(transport=SimWebTransport(srv.port, srv.hosts),
                     settings=settings, now=SimWeb(today=config.today).now()))
print(s.as_dict()["status"], s.as_dict()["pages"], "pages")
con.close()
"""


def command(mode: str, db: Path) -> list[str]:
    if mode == "faults":
        return [sys.executable, "-c", DRIVER, str(db), START, END, str(BATCH_SIZE)]
    return [
        sys.executable,
        "-m",
        "khabar.cli",
        "backfill",
        "--simweb",
        "--from",
        START,
        "--to",
        END,
        "--rate-limit",
        "20",
        "--db",
        str(db),
    ]


def run(mode: str, db: Path) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            command(mode, db), cwd=ROOT, text=True, capture_output=True, timeout=RUN_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess([], 124, "", f"hang: no completion within {RUN_TIMEOUT:.0f} s")


def n_sources() -> int:
    from khabar.crawl.sources import load_sources

    return len(load_sources(ROOT / "config/sources.yaml"))


def checkpointed(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM crawl_backfills").fetchone()[0]
    finally:
        con.close()


def converge(mode: str, db: Path, max_runs: int) -> tuple[bool, int]:
    """Run to completion; in faults mode repeat until every source is checkpointed. (ok, runs)."""
    for i in range(1, max_runs + 1):
        res = run(mode, db)
        if res.returncode != 0:
            print(res.stderr[-2000:], file=sys.stderr)
            return False, i
        if mode != "faults" or checkpointed(db) >= n_sources():
            return True, i
    return True, max_runs


def snapshot(db: Path) -> dict[str, Any]:
    """Table contents that must not depend on how the run went (no run ids, fetch times or request logs);
    the same columns as tests/pipeline/test_end_to_end.py::snapshot, plus duplicate counts."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        return {
            "releases": q(
                "SELECT canonical_url, url, is_article, title, lead, body, published_at, published_jalali,"
                " news_code, attribution, agency, province, event_type, keywords, content_hash, version"
                " FROM releases ORDER BY 1"
            ),
            "clusters": q(
                "SELECT list(canonical_url ORDER BY canonical_url) FROM releases GROUP BY cluster_id"
                " ORDER BY 1"
            ),
            "canonical": q("SELECT canonical_url FROM releases WHERE is_canonical ORDER BY 1"),
            "persons": q(
                "SELECT r.canonical_url, p.ordinal, p.name, p.role FROM persons p JOIN releases r"
                " USING (release_id) ORDER BY 1, 2"
            ),
            "quantities": q(
                "SELECT r.canonical_url, q.ordinal, q.value, q.unit, q.text FROM quantities q"
                " JOIN releases r USING (release_id) ORDER BY 1, 2"
            ),
            "pages": q("SELECT DISTINCT url, body_sha256 FROM pages ORDER BY 1, 2"),
            "duplicate_pages": q("SELECT count(*) - count(DISTINCT page_id) FROM pages"),
            "duplicate_releases": q("SELECT count(*) - count(DISTINCT canonical_url) FROM releases"),
        }
    finally:
        con.close()


def truth_keys(mode: str) -> set[str]:
    from datetime import date

    from khabar.simweb.config import SimWebConfig
    from khabar.simweb.truth import iter_truth
    from khabar.urls import canonical_url

    config = SimWebConfig().with_faults() if mode == "faults" else SimWebConfig()
    return {
        canonical_url(t.url)
        for t in iter_truth(config, date(2024, 3, 16), date(2024, 3, 19))
        if t.page_kind == "article"
    }


def compare(got: dict[str, Any], clean: dict[str, Any], truth: set[str]) -> dict[str, Any]:
    mine = {r[0]: r for r in got["releases"]}
    theirs = {r[0]: r for r in clean["releases"]}
    shared = set(mine) & set(theirs)
    return {
        "diff": [t for t in clean if got[t] != clean[t]],
        "lost": len((set(theirs) & truth) - set(mine)),
        "missing_truth": len(truth - set(mine)),
        "extra": len(set(mine) - set(theirs)),
        "fewer": len(set(theirs) - set(mine)),
        "shared_diff": sum(mine[u] != theirs[u] for u in shared),
        "dups": got["duplicate_pages"][0][0] + got["duplicate_releases"][0][0],
    }


def partial_state(db: Path) -> tuple[int, int]:
    """(releases committed, duplicates) in a killed run's file; (-1, 0) when nothing was written yet."""
    if not db.exists():
        return -1, 0
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return -1, 0
    try:
        if not con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'releases'"
        ).fetchone()[0]:
            return -1, 0
        n = con.execute("SELECT count(*) FROM releases").fetchone()[0]
        dup = con.execute(
            "SELECT (SELECT count(*) - count(DISTINCT page_id) FROM pages)"
            " + (SELECT count(*) - count(DISTINCT canonical_url) FROM releases)"
        ).fetchone()[0]
        return n, dup
    finally:
        con.close()


def run_statuses(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("SELECT status, count(*) FROM runs GROUP BY 1").fetchall())
    finally:
        con.close()


def trial(
    mode: str, db: Path, delay: float, clean: dict[str, Any], truth: set[str], max_runs: int
) -> dict[str, Any]:
    proc = subprocess.Popen(command(mode, db), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    at_kill, dup_at_kill = partial_state(db)
    t0 = time.monotonic()
    ok, runs = converge(mode, db, max_runs)
    row: dict[str, Any] = {
        "killed": killed,
        "releases_at_kill": at_kill,
        "dup_at_kill": dup_at_kill,
        "rerun_ok": ok,
        "reruns": runs,
        "rerun_s": time.monotonic() - t0,
    }
    if not ok:
        row.update(passed=False, equal=False, diff=["re-run failed"], runs="", lost="-", shared_diff="-")
        return row
    got = snapshot(db)
    cmp = compare(got, clean, truth)
    equal = not cmp["diff"]
    if mode == "faults":
        passed = cmp["lost"] == 0 and cmp["shared_diff"] == 0 and cmp["dups"] == 0 and dup_at_kill == 0
    else:
        passed = equal and dup_at_kill == 0
    row.update(cmp, passed=passed, equal=equal, runs=run_statuses(db), releases=len(got["releases"]))
    return row


def main() -> int:
    global BATCH_SIZE, RUN_TIMEOUT
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=20, help="crash trials with the CLI backfill (default 20)")
    ap.add_argument("--faults", type=int, default=4, help="crash trials in simweb faults mode (default 4)")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument(
        "--max-runs", type=int, default=3, help="faults mode: re-runs until every source is checkpointed"
    )
    ap.add_argument(
        "--workdir", default=None, help="keep the databases here (default: a temporary directory)"
    )
    ap.add_argument(
        "--batch-size", type=int, default=BATCH_SIZE, help="faults driver: pages per batch (default 100)"
    )
    ap.add_argument(
        "--run-timeout", type=float, default=RUN_TIMEOUT, help="seconds before a run counts as hung"
    )
    args = ap.parse_args()
    BATCH_SIZE, RUN_TIMEOUT = args.batch_size, args.run_timeout
    rng = random.Random(args.seed)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="khabar-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    failures = 0
    t_all = time.monotonic()
    print(
        f"soak: {args.trials} CLI trials + {args.faults} faults trials, seed {args.seed}, in {work}",
        flush=True,
    )
    for mode, n in (("cli", args.trials), ("faults", args.faults)):
        if n <= 0:
            continue
        clean_db = work / f"clean-{mode}.duckdb"
        t0 = time.monotonic()
        ok, runs = converge(mode, clean_db, args.max_runs)
        duration = time.monotonic() - t0
        if not ok:
            print(f"{mode}: the clean run failed", flush=True)
            return 1
        clean = snapshot(clean_db)
        truth = truth_keys(mode)
        first = duration / runs
        print(
            f"\n{mode}: clean run {duration:.1f} s in {runs} run(s), {len(clean['releases'])} releases, "
            f"{len(clean['pages'])} pages, {len(truth - {r[0] for r in clean['releases']})} of {len(truth)} truth "
            f"articles missing; kills drawn in [0.5, {0.95 * first:.1f}] s",
            flush=True,
        )
        print(
            f"{'trial':>5} {'mode':6} {'kill at s':>9} {'outcome':9} {'rel@kill':>8} {'dup@kill':>8} "
            f"{'reruns':>6} {'rerun s':>7} {'releases':>8} {'lost':>4} {'shdiff':>6} {'equal':5} {'pass':4}  runs",
            flush=True,
        )
        for i in range(1, n + 1):
            delay = rng.uniform(0.5, 0.95 * first)
            db = work / f"{mode}-{i:02d}.duckdb"
            row = trial(mode, db, delay, clean, truth, args.max_runs)
            failures += not row["passed"]
            outcome = "killed" if row["killed"] else "finished"
            print(
                f"{i:>5} {mode:6} {delay:>9.1f} {outcome:9} {row['releases_at_kill']:>8} {row['dup_at_kill']:>8} "
                f"{row['reruns']:>6} {row['rerun_s']:>7.1f} {row.get('releases', '-'):>8} {row['lost']:>4} "
                f"{row['shared_diff']:>6} {'yes' if row['equal'] else 'no':5} {'ok' if row['passed'] else 'FAIL':4}"
                f"  {row['runs']}"
                + (
                    f"  differs: {', '.join(row['diff'])} (+{row.get('extra')}/-{row.get('fewer')} releases)"
                    if row["diff"]
                    else ""
                ),
                flush=True,
            )
            for ext in ("", ".wal") if row["passed"] else ():  # a failed trial's database is kept
                Path(str(db) + ext).unlink(missing_ok=True)
    total = args.trials + args.faults
    print(f"\n{total - failures}/{total} trials passed; {time.monotonic() - t_all:.0f} s", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
