"""The Prefect flows for real (a local temporary Prefect API): backfill then the daily flow on the simulated web,
each publishing a run-summary artifact; the plain-Python run underneath records both runs."""

from __future__ import annotations

import os

import duckdb
import pytest

pytestmark = pytest.mark.timeout(600)


def test_backfill_and_daily_flows(prefect_api, tmp_path):
    from khabar.flows import backfill, daily_ingest
    from prefect.artifacts import Artifact

    from khabar.simweb.config import SimWebConfig
    from khabar.simweb.server import SimWebServer

    db = tmp_path / "flows.duckdb"
    config = SimWebConfig()
    with SimWebServer(config) as srv:
        b = backfill(
            start="1402-12-28",
            end="1402-12-29",
            db=str(db),
            web="simweb",
            web_options={"port": str(srv.port)},
        )
        d = daily_ingest(db=str(db), web="simweb", web_options={"port": str(srv.port)})
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


def test_cancelled_from_the_api_ends_cancelled_and_interrupted(prefect_api, tmp_path):
    """A deployment served by a Prefect runner, its run cancelled through the API mid-crawl (what the UI's Cancel
    and `prefect flow-run cancel` do): Prefect's runner sends SIGTERM, the crawl stops at a batch boundary, the run
    is `interrupted` in `runs` and `Cancelled` in Prefect."""
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL
    from prefect.states import Cancelling

    from khabar.simweb.config import SimWebConfig
    from khabar.simweb.server import SimWebServer

    root = Path(__file__).resolve().parents[2]
    db = tmp_path / "cancel.duckdb"
    log = tmp_path / "runner.log"  # a file, not a pipe: the runner logs freely and a full pipe would block it
    env = {
        **os.environ,
        "PREFECT_API_URL": PREFECT_API_URL.value(),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "KHABAR_EXTRACT_WORKERS": "1",
    }
    runner = subprocess.Popen(
        [sys.executable, "-c", "from khabar.flows import backfill; backfill.serve(name='cancel-test')"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
        start_new_session=True,
    )

    def wait_for(what, check, timeout=180.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = check()
            if got:
                return got
            assert runner.poll() is None, log.read_text(errors="replace")[-3000:]
            time.sleep(0.5)
        raise AssertionError(f"timed out waiting for {what}")

    try:
        with get_client(sync_client=True) as client, SimWebServer(SimWebConfig()) as srv:

            def deployed():
                try:
                    return client.read_deployment_by_name("backfill/cancel-test")
                except Exception:
                    return None

            wait_for("the deployment", deployed)
            run = run_deployment(
                "backfill/cancel-test",
                timeout=0,
                parameters={
                    "start": "1402-12-26",
                    "end": "1402-12-29",
                    "db": str(db),
                    "web": "simweb",
                    "web_options": {"port": str(srv.port)},
                },
            )
            wait_for(
                "the run to start",
                lambda: (
                    not (s := client.read_flow_run(run.id).state).is_scheduled() and not s.is_pending() and s
                ),
            )
            state = client.read_flow_run(run.id).state
            assert state.is_running(), state.message
            time.sleep(8)  # mid-crawl: at the default 1 request/s per host the crawl takes minutes
            client.set_flow_run_state(run.id, Cancelling(message="cancelled by the test"))
            final = wait_for(
                "the run to end", lambda: (s := client.read_flow_run(run.id).state).is_final() and s
            )
    finally:
        os.killpg(runner.pid, signal.SIGINT)
        try:
            runner.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(runner.pid, signal.SIGKILL)
    assert final.is_cancelled(), final
    con = duckdb.connect(str(db), read_only=True)
    runs = con.execute("SELECT status, json_extract_string(stats, '$.cause') FROM runs").fetchall()
    con.close()
    assert [s for s, _ in runs] == ["interrupted"], runs
    assert runs[0][1].startswith("SIGTERM"), runs
    logged = log.read_text(errors="replace")
    assert "stopping after the batch in flight" in logged and "client has been closed" not in logged, logged[
        -3000:
    ]
