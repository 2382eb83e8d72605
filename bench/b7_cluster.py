"""B7 cluster: pages/s of a sharded backfill of the simulated web with 1 and 2 Prefect workers, peak RSS per worker.

Each measurement starts its own loopback cluster (tools/cluster.py: a Prefect server, the `khabar` process pool,
N workers, the simulated web), runs `backfill/backfill` with `shards=2` over the same days into a fresh warehouse,
and times the parent flow run from its start to its end (server start and deploy not counted). Peak RSS is
sampled every 0.2 s over each worker's whole process tree (the worker plus the flow runs it started: crawler and
extraction workers), the largest sum seen. The warehouse is the embedded DuckDB file unless KHABAR_LAKE is set
(then the lake; `KHABAR_WRITERS` sets how many shards write at once).

    .venv/bin/python -m bench.b7_cluster [--days 3] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import threading
from pathlib import Path
from tempfile import mkdtemp
from typing import Any

from tools.cluster import Cluster

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree(root: int) -> list[int]:
    """`root` and every descendant (from /proc)."""
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _rss(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    return total


class PeakRss(threading.Thread):
    """The largest RSS sum of each worker's process tree while running."""

    def __init__(self, roots: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.roots, self.peak = roots, dict.fromkeys(roots, 0)
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            for name, root in self.roots.items():
                self.peak[name] = max(self.peak[name], _rss(_tree(root)))


def measure(workers: int, days: int, home: Path) -> dict[str, Any]:
    from datetime import timedelta

    import duckdb
    import jdatetime

    from khabar.simweb.config import SimWebConfig

    today = SimWebConfig().today
    start, end = (
        jdatetime.date.fromgregorian(date=d).strftime("%Y-%m-%d")
        for d in (today - timedelta(days=days), today)
    )
    db = home / "b7.duckdb"
    with Cluster(home, workers, env={"KHABAR_DB": str(db), "KHABAR_EXTRACT_WORKERS": "1"}) as c:
        roots = {f"worker-{i}": c.worker(i).pid for i in range(1, workers + 1)}
        sampler = PeakRss(roots)
        sampler.start()
        params: dict[str, object] = {"start": start, "end": end, "shards": 2, "db": str(db), "web": "simweb"}
        params["web_options"] = {"port": str(c.simweb_port)}
        run_id = c.run_nowait("backfill/backfill", params)
        ended = c.wait(run_id, 3600)
        sampler.done.set()
        sampler.join()
    if ended["state"]["type"] != "COMPLETED":
        raise RuntimeError(f"backfill ended {ended['state']}")
    wall = (
        _instant(str(ended["end_time"])) - _instant(str(ended["start_time"]))
        if ended.get("end_time") and ended.get("start_time")
        else float("nan")
    )
    if os.environ.get("KHABAR_LAKE"):
        pages = -1  # read from the lake by the caller if needed
    else:
        con = duckdb.connect(str(db), read_only=True)
        pages = int(con.execute("SELECT sum((stats->>'pages')::INT) FROM runs").fetchone()[0] or 0)
        con.close()
    return {
        "workers": workers,
        "shards": 2,
        "days": days,
        "pages": pages,
        "wall_s": round(wall, 1),
        "pages_per_s": round(pages / wall, 1) if wall == wall and wall > 0 else None,
        "peak_rss_mb_per_worker": {k: round(v / 2**20) for k, v in sampler.peak.items()},
    }


def _instant(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def run(days: int = 3, workers: tuple[int, ...] = (1, 2)) -> dict[str, Any]:
    rows = [measure(n, days, Path(mkdtemp(prefix=f"khabar-b7-{n}-"))) for n in workers]
    base = rows[0]["pages_per_s"] or 0
    for r in rows:
        r["vs_first"] = round(r["pages_per_s"] / base, 2) if base and r["pages_per_s"] else None
    return {"rows": rows}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--workers", default="1,2")
    args = ap.parse_args()
    out = run(args.days, tuple(int(x) for x in args.workers.split(",")))
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
