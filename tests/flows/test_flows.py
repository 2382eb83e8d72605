"""The Prefect flows for real (a local temporary Prefect API): backfill then the daily flow on the simulated web,
each publishing a run-summary artifact; the plain-Python run underneath records both runs."""

from __future__ import annotations

import os

import duckdb
import pytest

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory):
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


def test_backfill_and_daily_flows(prefect_api, tmp_path):
    from prefect.artifacts import Artifact

    from flows import backfill, daily_ingest
    from khabar.simweb.config import SimWebConfig
    from khabar.simweb.server import SimWebServer

    db = tmp_path / "flows.duckdb"
    config = SimWebConfig()
    with SimWebServer(config) as srv:
        b = backfill(start="1402-12-28", end="1402-12-29", db=str(db), simweb_port=srv.port)
        d = daily_ingest(db=str(db), simweb_port=srv.port)
    assert b["status"] == d["status"] == "completed"
    assert b["articles"] > 20 and d["pages"] > 0
    for key in ("backfill-summary", "daily-ingest-summary"):
        art = Artifact.get(key)
        assert art is not None and "Pages processed" in str(art.data)
    con = duckdb.connect(str(db), read_only=True)
    runs = con.execute("SELECT flow, status FROM runs ORDER BY started_at").fetchall()
    tasks = con.execute("SELECT count(DISTINCT run_id) FROM fetch_log").fetchone()[0]
    con.close()
    assert runs == [("backfill", "completed"), ("daily_ingest", "completed")]
    assert tasks == 2
