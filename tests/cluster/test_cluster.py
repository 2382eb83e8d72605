"""Issue 21 on a real cluster (tools/cluster.py): a Prefect server, the `khabar` process pool, two `prefect worker`
processes, the prefect.yaml deployments and the simulated web, all on loopback.

- the two-worker, two-shard backfill equals the single-machine backfill of the same days, table by table;
- a worker SIGKILLed (with its flow run) mid-shard leaves only whole batches, and running the backfill again
  converges to the single-machine state.

The warehouse is the embedded DuckDB file here (one writer: the shards queue on `khabar-writers`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest

from tools.cluster import Cluster, differences, dump_tables

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(2400)]

START, END = "1402-12-27", "1402-12-29"  # two simulated days
KHABAR = Path(sys.executable).with_name("khabar")
# A run stopped part-way and run again asks for robots.txt, discovery surfaces and the pages of the batch lost
# again: more request-log rows by design. Everything else must be the same.
AFTER_A_CRASH = frozenset({"runs", "fetch_log"})


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cluster")


@pytest.fixture(scope="module")
def cluster(home):
    env = {
        "KHABAR_EXTRACT_WORKERS": "1",
        "KHABAR_WRITER_LEASE_SECONDS": "60",  # a killed holder's slot comes back within a minute (default 300 s)
        "PREFECT_SERVER_SERVICES_REPOSSESSOR_LOOP_SECONDS": "2",
        "KHABAR_DB": str(home / "unused.duckdb"),  # every run here names its warehouse
    }
    with Cluster(home, workers=2, env=env) as c:
        yield c


@pytest.fixture(scope="module")
def reference(home, cluster) -> dict[str, list[str]]:
    """The single-machine backfill of the same days (the CLI, everything in one process)."""
    db = home / "one.duckdb"
    subprocess.run(
        [str(KHABAR), "backfill", "--from", START, "--to", END, "--simweb", "--db", str(db)],
        env={**os.environ, "KHABAR_EXTRACT_WORKERS": "1"},
        check=True,
        capture_output=True,
    )
    return dump_tables(db)


def _backfill(cluster: Cluster, db: Path) -> dict[str, object]:
    params: dict[str, object] = {"start": START, "end": END, "shards": 2, "db": str(db), "web": "simweb"}
    params["web_options"] = {"port": str(cluster.simweb_port)}
    return params


def test_two_workers_equal_one_machine(cluster, reference, home):
    db = home / "two.duckdb"
    run = cluster.run("backfill/backfill", _backfill(cluster, db))
    assert run["state"]["type"] == "COMPLETED", run["state"]
    shards = [r for r in cluster.flow_runs() if str(r["name"]).startswith("backfill-shard-")]
    assert sorted(r["name"] for r in shards) == ["backfill-shard-1-of-2", "backfill-shard-2-of-2"]
    assert all(r["state_type"] == "COMPLETED" for r in shards)
    assert differences(reference, dump_tables(db)) == []
    con = duckdb.connect(str(db), read_only=True)
    runs = con.execute("SELECT status, params->'sources' FROM runs").fetchall()
    con.close()
    assert [r[0] for r in runs] == ["completed", "completed"]


def _api(cluster: Cluster, path: str, body: dict[str, object]) -> list[dict[str, object]]:
    return httpx.post(f"{cluster.api}{path}", json=body, timeout=10).json()


def _committed_shard(cluster: Cluster, since: float, timeout: float = 600) -> dict[str, object]:
    """A shard flow run started after `since` with at least one batch committed (a completed load task)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for run in cluster.flow_runs():
            if not str(run["name"]).startswith("backfill-shard-") or run["state_type"] != "RUNNING":
                continue
            if run["id"] in cluster.seen_runs:
                continue
            tasks = _api(
                cluster,
                "/task_runs/filter",
                {
                    "flow_runs": {"id": {"any_": [run["id"]]}},
                    "task_runs": {"state": {"type": {"any_": ["COMPLETED"]}}},
                },
            )
            if any(str(t["name"]).startswith("load-crawl-batch") for t in tasks):
                return run
        time.sleep(0.5)
    raise AssertionError("no shard committed a batch in time")


def _whole_batches(db: Path) -> None:
    """Every archived 200 page has its release and every release its page: no batch was half written."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        orphans = con.execute(
            "SELECT count(*) FROM pages p WHERE p.status = 200 AND NOT EXISTS"
            " (SELECT 1 FROM releases r WHERE r.page_id = p.page_id)"
        ).fetchone()[0]
        homeless = con.execute(
            "SELECT count(*) FROM releases r WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.page_id = r.page_id)"
        ).fetchone()[0]
        pages = con.execute("SELECT count(*) FROM pages").fetchone()[0]
    finally:
        con.close()
    assert pages > 0 and orphans == 0 and homeless == 0, (pages, orphans, homeless)


def test_a_worker_killed_mid_run_leaves_whole_batches_and_a_rerun_converges(cluster, reference, home):
    db = home / "crash.duckdb"
    cluster.seen_runs = {r["id"] for r in cluster.flow_runs()}
    since = time.time()
    parent = cluster.run_nowait("backfill/backfill", _backfill(cluster, db))
    victim = _committed_shard(cluster, since)
    pid = int(str(victim["infrastructure_pid"]).rsplit(":", 1)[-1])
    worker = cluster.worker_of(pid)
    os.kill(pid, signal.SIGKILL)  # the flow run and its worker, at once: a machine gone
    cluster.kill_worker(worker)
    # Prefect cannot know: the run stays Running until someone says otherwise (a heartbeat automation in
    # production); here we mark it crashed, as that automation would, and the fan-out ends failed naming it.
    cluster.crash(str(victim["id"]))
    cluster.start_worker(worker)  # the machine back
    ended = cluster.wait(parent, 1200)
    assert ended["state"]["type"] in ("FAILED", "CRASHED"), ended["state"]
    _whole_batches(db)
    con = duckdb.connect(str(db), read_only=True)
    statuses = sorted(r[0] for r in con.execute("SELECT status FROM runs").fetchall())
    con.close()
    # the killed shard's run never finished: `running`, or already `crashed` when the other shard started after it
    assert statuses.count("completed") <= 1 and set(statuses) - {"completed"} in ({"running"}, {"crashed"})

    again = cluster.run("backfill/backfill", _backfill(cluster, db))
    assert again["state"]["type"] == "COMPLETED", again["state"]
    _whole_batches(db)
    assert (
        differences(
            {k: v for k, v in reference.items() if k not in AFTER_A_CRASH}, dump_tables(db, AFTER_A_CRASH)
        )
        == []
    )
    con = duckdb.connect(str(db), read_only=True)
    crashed = con.execute("SELECT count(*) FROM runs WHERE status = 'crashed'").fetchone()[0]
    con.close()
    assert crashed == 1
