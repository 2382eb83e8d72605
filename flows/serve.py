"""`khabar serve` / `make serve`: a local Prefect server plus a process serving the four deployments.

The daily deployment runs at 06:00 Asia/Tehran and khabar-watch every 5 minutes (one watch cycle); backfill and reprocess have no schedule and are triggered with
parameters from the UI (http://127.0.0.1:4200) or the CLI, e.g.
`prefect deployment run 'backfill/backfill' -p start=1402-01-01 -p end=1403-01-01`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx

DAILY_CRON = "0 6 * * *"
TIMEZONE = "Asia/Tehran"
SERVER = "http://127.0.0.1:4200"


def _healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def start_server(timeout: float = 90.0) -> subprocess.Popen[bytes] | None:
    """Start `prefect server start` unless PREFECT_API_URL already points at a healthy server."""
    api = os.environ.get("PREFECT_API_URL") or f"{SERVER}/api"
    if _healthy(api):
        os.environ["PREFECT_API_URL"] = api
        return None
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", "4200"]
    )
    deadline = time.monotonic() + timeout
    while not _healthy(f"{SERVER}/api"):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.terminate()
            raise RuntimeError("the local Prefect server did not become healthy")
        time.sleep(1)
    os.environ["PREFECT_API_URL"] = f"{SERVER}/api"
    return proc


def deployments(sources_path: str) -> list:
    from khabar.flows import backfill, daily_ingest, reprocess, watch_cycle
    from khabar.flows.watch import WATCH_CRON
    from prefect.schedules import Cron

    return [
        daily_ingest.to_deployment(
            name="daily",
            schedules=[Cron(DAILY_CRON, timezone=TIMEZONE)],
            parameters={"sources_path": sources_path},
            description="Incremental ingest of every source, daily at 06:00 Tehran time.",
        ),
        backfill.to_deployment(
            name="backfill",
            parameters={"sources_path": sources_path},
            description="Backfill [start, end): Jalali or Gregorian dates.",
        ),
        reprocess.to_deployment(
            name="reprocess",
            parameters={"sources_path": sources_path},
            description="Re-extract the raw archive (no network).",
        ),
        watch_cycle.to_deployment(
            name="khabar-watch",
            schedules=[Cron(WATCH_CRON, timezone=TIMEZONE)],
            parameters={"sources_path": sources_path},
            description="One watch cycle every 5 minutes: the sources due on their adaptive schedule.",
        ),
    ]


def serve(sources_path: str | None = None) -> int:
    """Serve the deployments until interrupted. `sources_path` None: the registry of khabar.settings,
    resolved here once, so every deployment's runs read the same file whatever their working directory."""
    from khabar.settings import load

    sources_path = sources_path or str(load().sources_path.resolve())
    server = start_server()
    try:
        os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "khabar")
        from prefect import serve as prefect_serve

        print(
            f"Prefect UI: {SERVER} — deployments daily (cron {DAILY_CRON} {TIMEZONE}), backfill, reprocess, khabar-watch"
        )
        prefect_serve(*deployments(sources_path))
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
    return 0


if __name__ == "__main__":
    sys.exit(serve(*sys.argv[1:2]))
