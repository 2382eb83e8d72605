"""`khabar demo` stopped by a signal (issue 19): the Prefect flow running ends Cancelled, its run `interrupted`,
one line and exit 130/143, no traceback, and nothing left running.

SIGINT goes to the whole process group, as Ctrl-C at a terminal sends it (Prefect's temporary API server must
survive it, or the flow could not record its end); SIGTERM goes to the demo process alone, as `kill` sends it.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def _group_alive(pgid: int) -> list[str]:
    """Processes of the group still running (zombies are dead)."""
    out = subprocess.run(
        ["ps", "-o", "pid=,stat=,args=", "-g", str(pgid)], capture_output=True, text=True, check=False
    ).stdout
    return [line for line in out.splitlines() if line.split()[1][0] != "Z"]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=lambda s: s.name)
def test_a_stopped_demo_records_its_run_interrupted(tmp_path, sig):
    db = tmp_path / "demo.duckdb"
    err_path = tmp_path / "stderr.log"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}  # the demo's own temporary server
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    with err_path.open("w") as err_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "khabar.cli", "demo", "--db", str(db), "--days", "2"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=err_file,
            text=True,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 300
        while "Beginning flow run" not in err_path.read_text() and proc.poll() is None:
            assert time.monotonic() < deadline, err_path.read_text()[-2000:]
            time.sleep(0.2)
        time.sleep(3)  # into the backfill's crawl
        assert proc.poll() is None, err_path.read_text()[-2000:]
        if sig == signal.SIGINT:
            os.killpg(proc.pid, sig)  # a terminal's Ctrl-C: every process of the foreground group
        else:
            proc.send_signal(sig)
        out, _ = proc.communicate(timeout=180)
    err = err_path.read_text()
    assert proc.returncode == 128 + sig, (proc.returncode, err[-3000:])
    assert "Traceback" not in err, err[-3000:]
    assert re.search(
        r"^interrupted: \d+ batch(es)? committed, \d+ pages; run the same command again", err, re.M
    ), err
    assert "Daily ingest" not in out  # nothing after the stopped flow
    con = duckdb.connect(str(db), read_only=True)
    runs = con.execute("SELECT flow, status, stats->>'exit_code' FROM runs").fetchall()
    con.close()
    assert runs == [("backfill", "interrupted", str(128 + sig))]
    time.sleep(1)
    assert not _group_alive(proc.pid), _group_alive(proc.pid)  # the extraction workers are gone
    port = re.search(r"Starting temporary server on http://127\.0\.0\.1:(\d+)", err)
    assert port is not None, err[-2000:]
    assert not _listening(int(port.group(1)))  # the temporary API server, in its own session, stopped too
