"""B2 end to end: backfill of the simulated web (52 sites) through khabar.pipeline: pages/s, CPU s/page, peak RSS.

Throughput: politeness lifted (`CrawlSettings.fast()`), each size in a fresh child process (honest peak RSS), the
simulated web served by another process so its CPU and memory are not counted. The small size is run again inside a
Prefect flow (same work, `load_crawl_batch_task` per batch) for Prefect's overhead; the temporary Prefect server's
start-up is reported on its own. Politeness: default settings and the registry's rate limits on a short window,
measured wall time against the lower bound max over hosts of (requests to that host - 1) / rate."""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.common import ROOT, isolated, table

# ≥ 50 hosts: 48 agency sites + 4 news sites (78 host names with the www. aliases)
WORLD = {"n_agency_sites": 48, "n_provinces": 8, "n_news_sites": 4}
PER_DAY = 175  # article pages per day of this world (measured with iter_truth over 30 days: 5,235)
RATE = 2.0  # registry rate_limit per source (requests/s), as `khabar simweb sources` writes it


def fast_settings() -> Any:
    """Politeness lifted, timeouts generous: a loopback server starved of CPU (2 shared cores) was slower than the
    tests' 2-s read timeout on big monthly sitemaps, and a timed-out sitemap hides its pages from the figure."""
    from khabar.crawl import CrawlSettings

    return CrawlSettings.fast(read_timeout=30.0, connect_timeout=10.0, total_timeout=120.0)


def world() -> Any:
    from khabar.simweb.config import SimWebConfig

    return SimWebConfig(**WORLD)


def window(pages: int) -> tuple[date, date]:
    """[start, end) ending at the world's today with about `pages` article pages."""
    end = world().today + timedelta(days=1)
    return end - timedelta(days=max(1, round(pages / PER_DAY))), end


@contextlib.contextmanager
def served() -> Iterator[int]:
    """The simulated web in its own process (its CPU and RSS stay out of the measurement); yields the port."""
    code = (
        "import asyncio, sys, json\n"
        "from khabar.simweb.config import SimWebConfig\n"
        "from khabar.simweb.server import SimWebServer\n"
        "srv = SimWebServer(SimWebConfig(**json.loads(sys.argv[1])))\n"
        "srv.request_log = type('NoLog', (list,), {'append': lambda self, x: None})()\n"
        "async def main():\n"
        "    await srv.start_async()\n"
        "    print(srv.port, flush=True)\n"
        "    await srv._server.serve_forever()\n"
        "asyncio.run(main())\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, json.dumps(WORLD)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        yield int(proc.stdout.readline())
    finally:
        proc.terminate()
        proc.wait(10)


def _sources(tmp: Path, rate: float = RATE) -> Path:
    from khabar.simweb.sources import sources_yaml

    path = tmp / "sources.yaml"
    path.write_text(sources_yaml(world(), rate), encoding="utf-8")
    return path


def _prefect_env(tmp: Path) -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_HOME", str(tmp / "prefect-home"))
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


# Where the crawler's process spends its time, per batch: the pipeline's calls into the warehouse and dedup,
# wrapped by name in `khabar.pipeline.batch` (and the search index rebuilt at the end, in `khabar.pipeline.run`).
_PHASES = {
    "khabar.pipeline.batch": (
        "build_rows",
        "write_pages",
        "write_aliases",
        "cluster_state",
        "write_assignment",
        "write_releases",
        "refresh_canonical",
        "load_signatures",
    ),
    "khabar.pipeline.run": ("rebuild_search_index",),
}


class _PhaseClock:
    """CPU seconds (of the batch's own thread: the crawl runs beside it) per phase, and per batch (with the releases stored before it), to tell what grows with the
    warehouse: the dedup index (``assign``), the upserts (``write_*``), the archive (``write_pages``)."""

    def __init__(self) -> None:
        self.total: dict[str, float] = {}
        self.batches: list[tuple[int, int, dict[str, float]]] = []  # (stored before, rows, cpu per phase)
        self._current: dict[str, float] = {}
        self._stored = 0

    def wrap(self, name: str, fn: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            c0 = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                dt = time.thread_time() - c0
                self.total[name] = self.total.get(name, 0.0) + dt
                self._current[name] = self._current.get(name, 0.0) + dt

        return timed

    def install(self) -> None:
        import importlib

        from khabar.dedup import Clusterer

        for module, names in _PHASES.items():
            mod = importlib.import_module(module)
            for name in names:
                setattr(mod, name, self.wrap(name, getattr(mod, name)))
        Clusterer.assign = self.wrap("dedup_assign", Clusterer.assign)  # type: ignore[method-assign]
        batch = importlib.import_module("khabar.pipeline.batch")
        inner = batch.process_batch

        def process_batch(con: Any, pages: Any, *args: Any, **kwargs: Any) -> Any:
            self._current = {}
            c0 = time.thread_time()
            stats = inner(con, pages, *args, **kwargs)
            self._current["batch"] = time.thread_time() - c0
            self.batches.append((self._stored, len(pages), self._current))
            self._stored += stats.releases_written
            return stats

        for module in ("khabar.pipeline.batch", "khabar.pipeline.run", "khabar.pipeline.crawl_source"):
            mod = importlib.import_module(module)
            if getattr(mod, "process_batch", None) is inner:
                mod.process_batch = process_batch

    def summary(self) -> dict[str, Any]:
        """Totals, and CPU µs per page of each phase in the first and last fifth of the batches."""
        n = len(self.batches)
        out: dict[str, Any] = {"cpu_s": {k: round(v, 2) for k, v in sorted(self.total.items())}}
        if n >= 5:
            fifth = max(1, n // 5)
            for label, part in (("first_fifth", self.batches[:fifth]), ("last_fifth", self.batches[-fifth:])):
                pages = sum(p for _, p, _ in part) or 1
                names = sorted({k for _, _, d in part for k in d})
                out[label] = {
                    "stored_before": part[0][0],
                    "us_per_page": {
                        k: round(1e6 * sum(d.get(k, 0.0) for _, _, d in part) / pages) for k in names
                    },
                }
        return out


# How late copies arrive: for each copy joined to an earlier release, how many fingerprinted releases came
# between them (arrival order, as the index sees them), by the signal that joined it. A window of W releases
# would miss the near-duplicate and containment joins past W (exact keys stay answerable from the warehouse).
LAG_SQL = """
WITH s AS (
    SELECT release_id, version, matched_to, row_number() OVER (ORDER BY created_at, release_id, version) AS doc
    FROM dedup_signatures
), first_doc AS (SELECT release_id, min(doc) AS doc FROM s GROUP BY 1)
SELECT e.signal, count(*) AS copies, quantile_disc(s.doc - f.doc, [0.5, 0.9, 0.99, 0.999, 1.0]) AS lag_docs,
       count(*) FILTER (WHERE s.doc - f.doc > 10000) AS over_10k, count(*) FILTER (WHERE s.doc - f.doc > 50000) AS over_50k
FROM s JOIN first_doc f ON f.release_id = s.matched_to
JOIN dedup_evidence e ON e.release_id = s.release_id AND e.version = s.version
GROUP BY 1 ORDER BY 1
"""


def _index_bytes(con: Any) -> dict[str, Any]:
    """Bytes the in-memory near-duplicate index holds at the end of a run (numpy arrays and bytes objects)."""
    import sys as _sys

    from khabar.pipeline.batch import _CLUSTERERS

    c = _CLUSTERERS.get(con)
    if c is None:
        return {}
    core = c.core
    seg = sum(k.nbytes + d.nbytes for ix in (core.index, core.cindex) for k, d in ix._segments)
    objs = sum(_sys.getsizeof(x) for x in (*core._guards, *core._samples, *core.release_of))
    return {"docs": core.n, "segments_mb": round(seg / 2**20, 1), "objects_mb": round(objs / 2**20, 1)}


def backfill_once(
    port: int, start: str, end: str, mode: str = "plain", profile: int = 0, phases: bool = False
) -> dict[str, Any]:
    """One backfill into a fresh DuckDB file (run in a child process). mode: plain | prefect. ``phases``: CPU
    time per pipeline phase, first and last fifth of the run (`_PhaseClock`), and the dedup index's size."""
    from khabar.pipeline import CrawlOptions, run_backfill, workers
    from khabar.simweb.plugin import SimWeb
    from khabar.simweb.sites import all_hosts
    from khabar.simweb.transport import SimWebTransport
    from khabar.warehouse.db import open_db

    out: dict[str, Any] = {"mode": mode}
    clock = _PhaseClock() if phases else None
    if clock:
        clock.install()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        sources = _sources(tmp)
        now = SimWeb(today=world().today).now()

        def work(loader: Any = None) -> dict[str, Any]:
            con = open_db(tmp / "b2.duckdb")
            try:
                summary = run_backfill(
                    con,
                    start,
                    end,
                    CrawlOptions(
                        sources_path=sources,
                        settings=fast_settings(),
                        transport=SimWebTransport(port, all_hosts(world())),
                        now=now,
                        loader=loader,
                    ),
                ).as_dict()
                if clock:
                    out["index"] = _index_bytes(con)
                    out["lag"] = [[str(v) for v in row] for row in con.execute(LAG_SQL).fetchall()]
                return summary
            finally:
                con.close()

        call: Any = work
        if mode == "prefect":
            _prefect_env(tmp)
            from khabar.flows.tasks import load_crawl_batch_task
            from prefect import flow

            @flow(name="bench-noop")
            def noop() -> int:
                return 0

            @flow(name="bench-backfill")
            def bench_backfill() -> dict[str, Any]:
                return work(load_crawl_batch_task)

            w0 = time.perf_counter()
            noop()  # starts the temporary Prefect server
            out["prefect_first_flow_s"] = time.perf_counter() - w0
            w0 = time.perf_counter()
            noop()
            out["prefect_noop_flow_s"] = time.perf_counter() - w0
            call = bench_backfill

        prof = cProfile.Profile() if profile else None
        t0, w0 = os.times(), time.perf_counter()
        if prof:
            prof.enable()
        summary = call()
        if prof:
            prof.disable()
        wall = time.perf_counter() - w0
        workers.shutdown()  # joined, so that their CPU time is counted below
        t1 = os.times()
        cpu_main = (t1.user + t1.system) - (t0.user + t0.system)
        cpu_workers = (t1.children_user + t1.children_system) - (t0.children_user + t0.children_system)
        cpu = cpu_main + cpu_workers
    crawl = summary.get("crawl", {})
    pages = summary["pages"]
    out.update(
        window=f"{start}..{end}",
        pages=pages,
        articles=summary["articles"],
        releases=summary["releases_written"],
        requests=crawl.get("requests"),
        failed=crawl.get("failed"),
        errors=crawl.get("errors") or None,
        wall_s=round(wall, 2),
        cpu_s=round(cpu, 2),
        cpu_workers_s=round(cpu_workers, 2),
        pages_per_s=round(pages / wall, 1),
        cpu_ms_per_page=round(1000 * cpu / max(pages, 1), 2),
        extract_workers=workers.worker_count(),
        workers_peak_rss_mb=round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    )
    if prof:
        out["profile"] = _top(prof, profile)
    if clock:
        out["phases"] = clock.summary()
    return out


def _top(prof: cProfile.Profile, n: int) -> list[dict[str, Any]]:
    st = pstats.Stats(prof, stream=io.StringIO())
    rows = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{Path(file).name}:{line}:{func}",
                "calls": nc,
                "tottime_s": round(tt, 2),
                "cumtime_s": round(ct, 2),
            }
        )
    by_cum = sorted(rows, key=lambda r: -r["cumtime_s"])[:n]
    by_tot = sorted(rows, key=lambda r: -r["tottime_s"])[:n]
    return [{"rank": "cum", **r} for r in by_cum] + [{"rank": "self", **r} for r in by_tot]


def politeness_once(days: int = 1) -> dict[str, Any]:
    """Default politeness (CrawlSettings(), the registry's rate_limit per source) on a short window."""
    from khabar.crawl import CrawlSettings
    from khabar.pipeline import CrawlOptions, run_backfill
    from khabar.simweb.plugin import SimWeb
    from khabar.simweb.server import SimWebServer
    from khabar.simweb.transport import SimWebTransport
    from khabar.urls import host_key
    from khabar.warehouse.db import open_db

    config = world()
    end = config.today + timedelta(days=1)
    start = end - timedelta(days=days)
    settings = CrawlSettings()
    with tempfile.TemporaryDirectory() as tmpdir, SimWebServer(config) as srv:
        tmp = Path(tmpdir)
        con = open_db(tmp / "p.duckdb")
        w0 = time.perf_counter()
        summary = run_backfill(
            con,
            start,
            end,
            CrawlOptions(
                sources_path=_sources(tmp),
                settings=settings,
                transport=SimWebTransport(srv.port, srv.hosts),
                now=SimWeb(today=config.today).now(),
            ),
        ).as_dict()
        wall = time.perf_counter() - w0
        con.close()
        per_host = Counter(host_key(e.host) for e in srv.request_log)
    busiest, n = per_host.most_common(1)[0]
    bound = (n - 1) / RATE
    return {
        "window": f"{start}..{end}",
        "hosts": len(per_host),
        "requests": sum(per_host.values()),
        "pages": summary["pages"],
        "busiest_host": busiest,
        "busiest_host_requests": n,
        "rate_per_host": RATE,
        "per_host_concurrency": settings.per_host_concurrency,
        "lower_bound_s": round(bound, 1),
        "wall_s": round(wall, 1),
        "wall_over_bound": round(wall / bound, 2),
        "median_host_requests": sorted(per_host.values())[len(per_host) // 2],
    }


def run(
    sizes: tuple[int, ...] | list[int] = (10_000, 100_000),
    quick: bool = False,
    profile: bool = True,
    prefect: bool = True,
    politeness_days: int = 1,
    phases: bool = False,
) -> dict[str, Any]:
    if quick:
        sizes = [s // 20 for s in sizes]
    rows, prof = [], []
    with served() as port:
        for i, size in enumerate(sizes):
            lo, hi = window(size)
            # profiled only when the smallest size is below the aim
            r = isolated(
                "bench.b2_end_to_end",
                "backfill_once",
                port=port,
                start=lo.isoformat(),
                end=hi.isoformat(),
                phases=phases,
            )
            rows.append({"size": size, **r})
            if i == 0 and profile and r["pages_per_s"] < 300:
                plo, phi = window(min(size, 2_000))  # a profile of the crawler's process, on a short window
                p = isolated(
                    "bench.b2_end_to_end",
                    "backfill_once",
                    port=port,
                    start=plo.isoformat(),
                    end=phi.isoformat(),
                    profile=15,
                )
                prof = p.pop("profile")
                rows.append({"size": min(size, 2_000), **p, "mode": "plain+cProfile"})
        for size in sizes if prefect else ():  # the same backfills as a Prefect flow, at every size
            lo, hi = window(size)
            r = isolated(
                "bench.b2_end_to_end",
                "backfill_once",
                port=port,
                start=lo.isoformat(),
                end=hi.isoformat(),
                mode="prefect",
            )
            rows.append({"size": size, **r})
    plain = [r for r in rows if r["mode"] == "plain"]
    out: dict[str, Any] = {"throughput": rows}
    if len(plain) > 1:
        out["rss_growth_small_to_large"] = round(plain[-1]["peak_rss_mb"] / plain[0]["peak_rss_mb"] - 1, 3)

        def total(r: dict[str, Any]) -> float:  # the crawler's process plus its largest extraction worker
            return r["peak_rss_mb"] + (r.get("workers_peak_rss_mb") or 0)

        out["rss_growth_with_workers"] = round(total(plain[-1]) / total(plain[0]) - 1, 3)
        out["seconds_per_page_ratio_large_vs_small"] = round(
            (plain[-1]["wall_s"] / plain[-1]["pages"]) / (plain[0]["wall_s"] / plain[0]["pages"]), 3
        )
    pf = [r for r in rows if r["mode"] == "prefect"]
    if pf:
        out["prefect"] = [
            {
                "size": size,
                "plain_wall_s": pl["wall_s"],
                "prefect_wall_s": f["wall_s"],
                "overhead_ratio": round(f["wall_s"] / pl["wall_s"], 3),
                "plain_cpu_s": pl["cpu_s"],
                "prefect_cpu_s": f["cpu_s"],
                "server_startup_s": round(f["prefect_first_flow_s"] - f["prefect_noop_flow_s"], 1),
                "noop_flow_s": round(f["prefect_noop_flow_s"], 2),
            }
            for size, pl, f in zip(sizes, plain, pf, strict=True)
        ]
    if prof:
        out["profile_small_size"] = prof
    if politeness_days:
        out["politeness"] = [isolated("bench.b2_end_to_end", "politeness_once", days=politeness_days)]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument(
        "--plain-only", action="store_true", help="only the plain backfills (no profile, Prefect, politeness)"
    )
    ap.add_argument(
        "--phases",
        action="store_true",
        help="CPU per pipeline phase, first and last fifth, and the index size",
    )
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.plain_only:
        out = run(sizes, args.quick, profile=False, prefect=False, politeness_days=0, phases=args.phases)
    else:
        out = run(sizes, quick=args.quick, phases=args.phases)
    for key, value in out.items():
        print(f"-- {key}\n{table(value)}" if isinstance(value, list) else f"-- {key}: {value}")
    if args.phases:
        print("-- json\n" + json.dumps(out, default=str))


if __name__ == "__main__":
    main()
