"""The shard flow as plain Python (Prefect's temporary local API, no worker): two shards of a backfill, run one
after the other into one warehouse, give the same tables as one backfill of every source; the writers limit is
created at 1; the fan-out's summary adds its shards up."""

from __future__ import annotations

import duckdb
import pytest

from tools.cluster import differences, dump_tables

pytestmark = pytest.mark.timeout(900)

START, END = "1402-12-27", "1402-12-29"  # two simulated days


def test_two_shards_equal_one_run(prefect_api, tmp_path):
    from khabar.flows import backfill, khabar_shard
    from khabar.flows.shards import WRITERS
    from prefect.client.orchestration import get_client

    from khabar.simweb.config import SimWebConfig
    from khabar.simweb.server import SimWebServer

    one, two = tmp_path / "one" / "w.duckdb", tmp_path / "two" / "w.duckdb"
    with SimWebServer(SimWebConfig()) as srv:
        web = {"web": "simweb", "web_options": {"port": str(srv.port)}}
        whole = backfill(start=START, end=END, db=str(one), **web)
        parts = [
            khabar_shard(index=i, count=2, job="backfill", start=START, end=END, db=str(two), **web)
            for i in range(2)
        ]
    assert whole["status"] == "completed" and [p["status"] for p in parts] == ["completed"] * 2
    assert sum(p["pages"] for p in parts) == whole["pages"] > 100
    assert sum(p["releases_written"] for p in parts) == whole["releases_written"]
    assert not set(parts[0]["sources"]) & set(parts[1]["sources"])
    with get_client(sync_client=True) as client:
        assert client.read_global_concurrency_limit_by_name(WRITERS).limit == 1

    a, b = dump_tables(one), dump_tables(two)
    assert {"releases", "persons", "quantities", "pages", "fetch_log", "sources"} <= a.keys()
    assert differences(a, b) == []
    con = duckdb.connect(str(two), read_only=True)
    runs = con.execute("SELECT flow, status, params->>'sources' FROM runs ORDER BY started_at").fetchall()
    con.close()
    assert [r[:2] for r in runs] == [("backfill", "completed")] * 2


def test_a_bad_shard_is_refused_before_any_run(prefect_api, tmp_path):
    from khabar.flows import khabar_shard

    from khabar.pipeline.shards import ShardError

    db = tmp_path / "bad.duckdb"
    with pytest.raises(ValueError, match="job must be"):
        khabar_shard(index=0, count=2, job="weekly", db=str(db))
    with pytest.raises(ValueError, match="needs start and end"):
        khabar_shard(index=0, count=2, job="backfill", db=str(db))
    with pytest.raises(ShardError, match="outside"):
        khabar_shard(index=2, count=2, job="daily", db=str(db))
    assert not db.exists()


def test_aggregate_adds_shards_up_and_keeps_the_worst_status():
    from khabar.flows.shards import aggregate

    rows = [
        {"run_id": "r1", "status": "completed", "shard": 0, "pages": 10, "articles": 7},
        {"run_id": None, "status": "empty", "shard": 1, "pages": 0},
        {
            "run_id": "r3",
            "status": "completed_with_errors",
            "shard": 2,
            "pages": 5,
            "cause": "1 of 3 source(s)",
        },
    ]
    total = aggregate(rows)
    assert total["pages"] == 15 and total["articles"] == 7
    assert total["status"] == "completed_with_errors"
    assert total["run_id"] == "r1,r3"
    assert total["cause"] == "shard 2: 1 of 3 source(s)"
    assert aggregate(rows[:2])["status"] == "completed"
    assert aggregate([*rows, {"status": "crashed", "shard": 3}])["status"] == "crashed"
