"""B3 daily run with nothing new: requests made (per kind, from the server's log), wall time, Prefect vs plain Python.

After a backfill and a first daily run, the simulated web's clock stays put, so the next daily run finds nothing
new: no article is asked for unless a surface announces a change or its one blind re-check is due (a day after
its first fetch: not within this run), any article request is a conditional re-check answered 304, and ≤ 1 request
per discovery surface. The same
nothing-new run is then repeated as plain Python and inside a Prefect flow (same fast settings, the batch loader
as a Prefect task) for Prefect's overhead; the temporary Prefect server's start-up is reported on its own."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.common import isolated


def measure(days: int = 2, repeats: int = 3) -> dict[str, Any]:
    """Runs in a child process (the Prefect settings below must not leak into the runner)."""
    tmp = Path(tempfile.mkdtemp(prefix="b3-"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_HOME", str(tmp / "prefect-home"))
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from khabar.flows.tasks import load_crawl_batch_task
    from prefect import flow

    from khabar.crawl import CrawlSettings
    from khabar.pipeline import CrawlOptions, run_backfill, run_ingest
    from khabar.simweb.config import SimWebConfig
    from khabar.simweb.plugin import SimWeb
    from khabar.simweb.server import SimWebServer
    from khabar.simweb.sources import sources_yaml
    from khabar.simweb.transport import SimWebTransport
    from khabar.warehouse.db import open_db

    config = SimWebConfig()
    sources = tmp / "sources.yaml"
    sources.write_text(sources_yaml(config), encoding="utf-8")
    now = SimWeb(today=config.today).now()
    settings = CrawlSettings.fast()
    end = config.today + timedelta(days=1)
    out: dict[str, Any] = {}
    with SimWebServer(config) as srv:
        tx = SimWebTransport(srv.port, srv.hosts)
        con = open_db(tmp / "b3.duckdb")

        def daily(loader: Any = None) -> dict[str, Any]:
            return run_ingest(
                con,
                CrawlOptions(sources_path=sources, transport=tx, settings=settings, now=now, loader=loader),
            ).as_dict()

        @flow(name="bench-daily-ingest")
        def daily_flow() -> dict[str, Any]:
            return daily(load_crawl_batch_task)

        @flow(name="bench-noop")
        def noop() -> int:
            return 0

        b = run_backfill(
            con,
            end - timedelta(days=days),
            end,
            CrawlOptions(sources_path=sources, transport=tx, settings=settings, now=now),
        ).as_dict()
        first = daily()
        out["setup"] = [
            {"step": "backfill", "days": days, "pages": b["pages"], "requests": b["crawl"]["requests"]},
            {"step": "first daily run", "pages": first["pages"], "requests": first["crawl"]["requests"]},
        ]
        # the measured nothing-new run (plain Python), with its request log
        srv.clear_log()
        w0 = time.perf_counter()
        s = daily()
        first_wall = time.perf_counter() - w0
        log = list(srv.request_log)
        kinds = Counter(e.kind for e in log)
        surfaces = Counter((e.host, e.path) for e in log if e.kind != "article")
        articles = [e for e in log if e.kind == "article"]
        statuses = Counter(e.status for e in articles)
        out["requests"] = [
            {"kind": k, "requests": n, "statuses": dict(Counter(e.status for e in log if e.kind == k))}
            for k, n in kinds.most_common()
        ]
        out["checks"] = [
            {
                "total_requests": len(log),
                "article_requests": len(articles),
                "article_all_304": all(e.status == 304 for e in articles),
                "article_statuses": dict(statuses),
                "discovery_surfaces": len(surfaces),
                "max_requests_per_surface": max(surfaces.values(), default=0),
                "pages_processed": s["pages"],
                "fetched": s["crawl"]["fetched"],
                "not_modified": s["crawl"]["not_modified"],
                "wall_s": round(first_wall, 2),
            }
        ]

        w0 = time.perf_counter()
        noop()  # starts the temporary Prefect server
        startup = time.perf_counter() - w0
        w0 = time.perf_counter()
        noop()
        noop_s = time.perf_counter() - w0
        plain, pref = [], []
        for _ in range(repeats):  # interleaved, medians: the machine is noisy
            srv.clear_log()
            w0 = time.perf_counter()
            daily()
            plain.append(time.perf_counter() - w0)
            n_plain = len(srv.request_log)
            srv.clear_log()
            w0 = time.perf_counter()
            daily_flow()
            pref.append(time.perf_counter() - w0)
            n_pref = len(srv.request_log)
        con.close()
    p, f = statistics.median(plain), statistics.median(pref)
    out["prefect"] = [
        {
            "plain_wall_s": round(p, 3),
            "prefect_wall_s": round(f, 3),
            "overhead_ratio": round(f / p, 3),
            "overhead_s": round(f - p, 3),
            "plain_requests": n_plain,
            "prefect_requests": n_pref,
            "server_startup_s": round(startup - noop_s, 1),
            "noop_flow_s": round(noop_s, 3),
            "repeats": repeats,
        }
    ]
    return out


def run(quick: bool = False) -> dict[str, Any]:
    out = isolated("bench.b3_daily_nothing_new", "measure", days=1 if quick else 2, repeats=1 if quick else 3)
    out["checks"][0]["peak_rss_mb"] = out.pop("peak_rss_mb")
    return out


if __name__ == "__main__":
    from bench.common import table

    for key, value in run().items():
        print(f"-- {key}\n{table(value)}")
