"""A Prefect cluster on loopback — `make cluster-demo`, `make test-cluster`, bench/b7 — development only.

Starts what issue 21's deployment runs on several machines, on one: a Prefect server (`prefect server start` on
127.0.0.1, its PREFECT_HOME under the given folder), the `process` work pool `khabar`, N `prefect worker start
--pool khabar` processes (each in a session of its own, so one can be SIGKILLed with its flow runs), the
deployments of prefect.yaml (`prefect deploy`), and the simulated web (`khabar simweb serve`). Everything started
is stopped by `close()` (and at exit), whatever happened.

    python -m tools.cluster demo [--dir data/cluster] [--workers 2] [--days 3] [--shards 2]

The warehouse is the embedded DuckDB file (`<dir>/khabar.duckdb`), or the lake when KHABAR_LAKE is set in the
environment (README, «Storage»): the workers inherit it.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PREFECT_PORTS = range(4310, 4331)  # this helper's ports (the brief's); the first free one is taken
SIMWEB_PORTS = range(18300, 18400)


class ClusterError(RuntimeError):
    """A part of the cluster did not start, or a run did not end as expected: the message says which."""


def free_port(ports: range) -> int:
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise ClusterError(f"no free port in {ports.start}..{ports.stop - 1}")


def _wait_http(url: str, proc: subprocess.Popen[bytes], what: str, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise ClusterError(f"{what} exited {proc.returncode}: {log.read_text()[-2000:]}")
        if time.monotonic() > deadline:
            raise ClusterError(f"{what} did not answer {url} within {timeout:.0f} s")
        time.sleep(0.5)


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the process that started it dies, however it died (Linux), so a
    driver killed outright (a test timeout, SIGKILL) leaves no server or worker behind."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Cluster:
    """A Prefect server, a work pool, workers and a simulated web under `home`; `close()` stops them all."""

    home: Path
    workers: int = 2
    env: dict[str, str] = field(default_factory=dict)  # more environment for every process (KHABAR_DB, …)
    server_port: int = 0
    simweb_port: int = 0
    seen_runs: set[object] = field(default_factory=set)  # for callers telling new flow runs from old ones
    _procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _logs: list[IO[bytes]] = field(default_factory=list)

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/api"

    def environ(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env |= {
            "PREFECT_HOME": str(self.home / "prefect"),
            "PREFECT_API_URL": self.api,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_LOGGING_EXTRA_LOGGERS": "khabar",
            "PREFECT_WORKER_QUERY_SECONDS": "2",  # workers poll every 2 s (default 10): shards start sooner
            "PREFECT_WORKER_PREFETCH_SECONDS": "5",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
            "PREFECT_UI_ENABLED": "false",
            "KHABAR_HOME": str(ROOT),  # prefect.yaml's pull step: the flows run in this checkout
        }
        return env | self.env

    def _start(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        log = (self.home / "logs" / f"{name}.log").open("ab")
        self._logs.append(log)
        proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.environ(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # a group of its own: stopped (or killed) with its children
            preexec_fn=_die_with_parent,
        )
        self._procs[name] = proc
        return proc

    def log_path(self, name: str) -> Path:
        return self.home / "logs" / f"{name}.log"

    def prefect(self, *args: str, check: bool = True, timeout: float = 300) -> str:
        proc = subprocess.run(
            [str(BIN / "prefect"), *args],
            cwd=ROOT,
            env=self.environ(),
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
        )
        if check and proc.returncode != 0:
            raise ClusterError(
                f"prefect {' '.join(args)} exited {proc.returncode}: {proc.stdout[-1500:]}{proc.stderr[-1500:]}"
            )
        return proc.stdout + proc.stderr

    def start(self, *, simweb: bool = True, deploy: bool = True) -> Cluster:
        (self.home / "logs").mkdir(parents=True, exist_ok=True)
        atexit.register(self.close)
        self.server_port = self.server_port or free_port(PREFECT_PORTS)
        server = self._start(
            "server",
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(self.server_port)],
        )
        _wait_http(f"{self.api}/health", server, "the Prefect server", 240, self.log_path("server"))
        if simweb:
            self.start_simweb()
        self.prefect("work-pool", "create", "khabar", "--type", "process", "--overwrite")
        if deploy:
            self.prefect("--no-prompt", "deploy", "-n", "khabar-shard", "-n", "backfill", "-n", "daily")
        for i in range(1, self.workers + 1):
            self.start_worker(i)
        return self

    def start_simweb(self) -> None:
        self.simweb_port = self.simweb_port or free_port(SIMWEB_PORTS)
        web = self._start("simweb", [str(BIN / "khabar"), "simweb", "serve", "--port", str(self.simweb_port)])
        _wait_http(
            f"http://127.0.0.1:{self.simweb_port}/", web, "the simulated web", 120, self.log_path("simweb")
        )

    def start_worker(self, i: int) -> subprocess.Popen[bytes]:
        return self._start(
            f"worker-{i}",
            [
                str(BIN / "prefect"),
                "worker",
                "start",
                "--pool",
                "khabar",
                "--name",
                f"worker-{i}",
                "--type",
                "process",
            ],
        )

    def worker(self, i: int) -> subprocess.Popen[bytes]:
        return self._procs[f"worker-{i}"]

    def kill_worker(self, i: int) -> None:
        """SIGKILL a worker and every flow run it started (its session): a machine gone at once."""
        proc = self._procs.pop(f"worker-{i}")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)

    def web_params(self) -> list[str]:
        return ["-p", "web=simweb", "-p", f"web_options={json.dumps({'port': str(self.simweb_port)})}"]

    def run_nowait(self, deployment: str, params: dict[str, object]) -> str:
        """Start a deployment run on the pool (`prefect deployment run`); its flow run id."""
        args = ["deployment", "run", deployment]
        for k, v in params.items():
            args += ["-p", f"{k}={v if isinstance(v, str) else json.dumps(v)}"]
        out = self.prefect(*args)
        run_id = next((line.split()[-1] for line in out.splitlines() if "UUID" in line), None)
        if run_id is None:
            raise ClusterError(f"no flow run id in: {out[-1000:]}")
        return run_id

    def run(self, deployment: str, params: dict[str, object], timeout: float = 1800) -> dict[str, object]:
        """Run a deployment on the pool and wait for its end; its final flow run (as the API returns it)."""
        return self.wait(self.run_nowait(deployment, params), timeout)

    def wait(self, run_id: str, timeout: float = 1800) -> dict[str, object]:
        deadline = time.monotonic() + timeout
        while True:
            run = httpx.get(f"{self.api}/flow_runs/{run_id}", timeout=10).json()
            state = run.get("state") or {}
            if state.get("type") in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
                return run
            if time.monotonic() > deadline:
                raise ClusterError(f"flow run {run_id} still {state.get('type')} after {timeout:.0f} s")
            time.sleep(1)

    def worker_of(self, pid: int) -> int:
        """The number of the worker whose process tree holds `pid` (a flow run it started)."""
        workers = {p.pid: int(n.split("-")[1]) for n, p in self._procs.items() if n.startswith("worker-")}
        while pid > 1:
            if pid in workers:
                return workers[pid]
            stat = Path(f"/proc/{pid}/stat").read_text()
            pid = int(stat.rsplit(")", 1)[1].split()[1])
        raise ClusterError(f"process {pid} belongs to no worker")

    def crash(self, run_id: str) -> None:
        """Mark a flow run Crashed (what a heartbeat automation does for a run whose machine died)."""
        body = {"state": {"type": "CRASHED", "message": "its worker was killed"}, "force": True}
        httpx.post(f"{self.api}/flow_runs/{run_id}/set_state", json=body, timeout=10).raise_for_status()

    def flow_runs(self) -> list[dict[str, object]]:
        return httpx.post(f"{self.api}/flow_runs/filter", json={"limit": 200}, timeout=10).json()

    def close(self) -> None:
        """Stop everything started: workers first (SIGTERM to their groups, SIGKILL after 20 s), then the rest."""
        order = sorted(self._procs, key=lambda n: (not n.startswith("worker"), n == "server"))
        for name in order:
            proc = self._procs.pop(name)
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(10)
                except ProcessLookupError:
                    pass
        for log in self._logs:
            log.close()
        self._logs.clear()

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


# ------------------------------------------------------------------------------------------------ compare ---

# Differ by design between one run and several shard runs: which copy of a republished release arrives first (the
# cluster's founder, the copy each one matched, the score) follows crawl order (bench/sameness.py: two one-machine
# runs differ there too). The clusters themselves, relabelled by their smallest member, are compared.
ARRIVAL_ORDER = {
    "dedup_evidence": frozenset(
        {"signal", "matched_to", "jaccard", "containment", "containment_rev", "guard"}
    ),
    "dedup_signatures": frozenset({"matched_to", "similarity", "contain"}),
}


def dump_tables(db: Path, leave_out: frozenset[str] = frozenset({"runs"})) -> dict[str, list[str]]:
    """Every table of a warehouse file as sorted canonical lines (bench/sameness.py: run ids, times and timings
    ignored, clusters relabelled), but `leave_out` (`runs`: one row per shard) and the full-text index."""
    import duckdb

    from bench.sameness import cluster_labels, dump_rows

    con = duckdb.connect(str(db), read_only=True)
    try:
        labels = cluster_labels(con)
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
                " AND table_type = 'BASE TABLE' ORDER BY 1"
            ).fetchall()
        ]
        return {
            t: dump_rows(con, t, "", labels, ARRIVAL_ORDER.get(t, frozenset()))[1]
            for t in tables
            if t not in leave_out and not t.startswith("fts_")
        }
    finally:
        con.close()


def differences(a: dict[str, list[str]], b: dict[str, list[str]], sample: int = 2) -> list[str]:
    """What differs between two `dump_tables`, table by table, with a few rows each way (empty: identical)."""
    out = [f"{t}: only on one side" for t in sorted(a.keys() ^ b.keys())]
    for t in sorted(a.keys() & b.keys()):
        if a[t] != b[t]:
            gone, new = sorted(set(a[t]) - set(b[t])), sorted(set(b[t]) - set(a[t]))
            out.append(f"{t}: {len(a[t])} -> {len(b[t])} rows; - {gone[:sample]} + {new[:sample]}")
    return out


# ------------------------------------------------------------------------------------------------- demo ---


def _jalali(day: object) -> str:
    import jdatetime

    return jdatetime.date.fromgregorian(date=day).strftime("%Y-%m-%d")


def _print_tables(db: Path) -> None:
    """The demo's report tables (khabar.simweb.demo.REPORTS) and the runs, from the warehouse as the workers left
    it: the file, or the lake when KHABAR_LAKE is set (`open_db` reads it)."""
    from rich.console import Console
    from rich.table import Table

    from khabar.simweb.demo import REPORTS
    from khabar.warehouse.db import open_db
    from khabar.warehouse.query import run_query

    console = Console()
    con = open_db(db, read_only=True)
    try:
        runs = "SELECT flow, status, params->>'sources' AS sources FROM runs ORDER BY started_at"
        for title, sql in [*REPORTS, ("Runs: one per shard", runs)]:
            columns, rows = run_query(con, sql)
            table = Table(title=title, title_justify="left")
            for c in columns:
                table.add_column(c)
            for r in rows:
                table.add_row(*["" if v is None else str(v) for v in r])
            console.print(table)
    finally:
        con.close()


@contextlib.contextmanager
def _lake(home: Path) -> Iterator[None]:
    """A throw-away PostgreSQL catalog (tools/pg.py) and a Parquet folder under `home`, as KHABAR_LAKE for
    everything started after; the password is random, lives only in this process's environment, never printed."""
    import secrets

    from tools.pg import Cluster as Pg
    from tools.pg import free_port as pg_port

    pg = Pg(home / "pg", pg_port())
    password = secrets.token_urlsafe(24)
    pg.init(password)
    data = home / "lake-data"
    data.mkdir(parents=True, exist_ok=True)
    saved = {k: os.environ.get(k) for k in ("KHABAR_LAKE", "KHABAR_LAKE_DATA", "KHABAR_LAKE_PASSWORD")}
    os.environ |= {
        "KHABAR_LAKE": pg.lake_url,
        "KHABAR_LAKE_DATA": f"{data}/",
        "KHABAR_LAKE_PASSWORD": password,
    }
    try:
        yield
    finally:
        pg.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def demo(home: Path, workers: int, days: int, shards: int, lake: bool = False) -> int:
    """`make cluster-demo`: a `days`-day backfill of the simulated web across `shards` shards on `workers`
    workers, then the report tables. A fresh warehouse each time (the previous demo's folder is removed); `lake`:
    into a DuckLake on a PostgreSQL started for the demo instead of the DuckDB file."""
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    if lake:
        home.chmod(0o755)  # PostgreSQL runs as its own user when we are root: it must reach home/pg
        with _lake(home):
            return _demo(home, workers, days, shards)
    return _demo(home, workers, days, shards)


def _demo(home: Path, workers: int, days: int, shards: int) -> int:
    from datetime import timedelta

    from khabar.simweb.config import SimWebConfig

    lake = os.environ.get("KHABAR_LAKE")
    db = home / "khabar.duckdb"
    today = SimWebConfig().today
    start, end = _jalali(today - timedelta(days=days)), _jalali(today)
    where = f"the lake {lake}" if lake else f"the embedded DuckDB file {db}"
    with Cluster(home, workers, env={"KHABAR_DB": str(db), "KHABAR_EXTRACT_WORKERS": "1"}) as c:
        print(f"Prefect server {c.api} (PREFECT_HOME {home / 'prefect'}), {workers} workers on pool khabar")
        print(f"simulated web on 127.0.0.1:{c.simweb_port}; warehouse: {where}")
        print(f"backfill {start}..{end} across {shards} shards …", flush=True)
        t0 = time.monotonic()
        params: dict[str, object] = {
            "start": start,
            "end": end,
            "shards": shards,
            "db": str(db),
            "web": "simweb",
        }
        params["web_options"] = {"port": str(c.simweb_port)}
        run = c.run("backfill/backfill", params)
        state = run["state"]
        print(f"backfill: {state['type']} in {time.monotonic() - t0:.0f} s — {state.get('message') or ''}")
        for r in sorted(c.flow_runs(), key=lambda r: str(r.get("name"))):
            if r["state_type"] != "SCHEDULED":  # the daily deployment's next runs
                print(f"  {r['name']}: {r['state_type']}")
        if state["type"] != "COMPLETED":
            print(f"logs: {home / 'logs'}", file=sys.stderr)
            return 1
    _print_tables(db)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.cluster", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("demo", help="the cluster demo (make cluster-demo)")
    d.add_argument("--dir", type=Path, default=ROOT / "data" / "cluster")
    d.add_argument("--workers", type=int, default=2)
    d.add_argument("--days", type=int, default=3)
    d.add_argument("--shards", type=int, default=2)
    d.add_argument("--lake", action="store_true", help="into a DuckLake on a PostgreSQL started for the demo")
    args = parser.parse_args(argv)
    try:
        return demo(args.dir.resolve(), args.workers, args.days, args.shards, args.lake)
    except ClusterError as exc:
        print(f"cluster-demo: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `close()` runs on the way out
    raise SystemExit(main())
