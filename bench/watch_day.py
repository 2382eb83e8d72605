"""The watch mode over one simulated day (README «Watching the sources continuously»): three provincial-office sites
of the simulated web on a live clock, watched from midnight to midnight by `khabar.pipeline.watch.watch` with the
loopback tests' clock (a sleep moves the simulated web's real clock instead of waiting). Reports checks per source,
requests per host after the first crawl, CPU seconds, and each release's delay from publication to its `releases`
row. Not B9 (many sites, a week, a fixed-interval poller to compare with): a first figure of what a source costs.

`python -m bench.watch_day [--sites 3]`."""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

SPEED = 60.0
ARTICLES = ("original", "templated", "copy")


def measure(sites: int = 3) -> dict[str, Any]:
    from khabar.crawl import CrawlSettings
    from khabar.pipeline import CrawlOptions
    from khabar.pipeline.watch import CycleResult, WatchOptions, watch
    from khabar.simweb.clock import TEHRAN
    from khabar.simweb.config import SimWebConfig
    from khabar.simweb.server import SimWebServer
    from khabar.simweb.transport import SimWebTransport
    from khabar.simweb.truth import iter_published
    from khabar.stop import Stop
    from khabar.warehouse.db import open_db

    today = date(2024, 3, 19)  # a Tuesday
    config = SimWebConfig(
        start_day=today - timedelta(days=45), today=today, n_agency_sites=6, n_provinces=3, n_news_sites=2
    )
    start = datetime(2024, 3, 19, 0, 0, tzinfo=TEHRAN)
    end = start + timedelta(days=1)
    mono = [1000.0]
    tmp = Path(tempfile.mkdtemp(prefix="watch-day-"))
    with SimWebServer(config, monotonic=lambda: mono[0]) as srv:
        srv.set_live(start, SPEED)
        live = srv.world.live
        assert live is not None

        class Clock:
            def now(self) -> datetime:
                return live.at(mono[0])

            def sleep(self, seconds: float, stop: Stop | None) -> None:
                mono[0] += seconds / SPEED + 1e-6

        watched = [s for s in srv.world.sites if s.spec.kind == "agency"][:sites]
        registry = tmp / "sources.yaml"
        registry.write_text(
            "sources:\n" + "".join(f"- id: {s.site_id}\n  url: {s.origin}/\n" for s in watched),
            encoding="utf-8",
        )
        con = open_db(tmp / "watch.duckdb")
        crawl = CrawlOptions(
            sources_path=registry,
            transport=SimWebTransport(srv.port, srv.hosts),
            settings=CrawlSettings.fast(),
        )
        clock, stop = Clock(), Stop()
        checks: dict[str, int] = {}
        first_seen: dict[str, datetime] = {}
        runs: list[str] = []

        def record(result: CycleResult) -> None:
            if result.summary is not None:
                runs.append(result.summary.run_id)
            for sid in result.due:
                checks[sid] = checks.get(sid, 0) + 1
            for (url,) in con.execute("SELECT url FROM releases").fetchall():
                first_seen.setdefault(url, result.now)
            if clock.now() >= end:
                stop.request()

        cpu = time.process_time()
        cycles = watch(con, WatchOptions(crawl), clock, stop, on_cycle=record)
        cpu = time.process_time() - cpu
        per_host = dict(
            con.execute(
                "SELECT host, count(*) FROM fetch_log WHERE run_id <> ? GROUP BY host ORDER BY host",
                [runs[0]],
            ).fetchall()
        )
        con.close()
    published = [
        p
        for p in iter_published(config, start, end, sites=[s.site_id for s in watched])
        if p.page_kind in ARTICLES
    ]
    delays = [
        (first_seen[p.url] - p.published_at) / timedelta(minutes=1) for p in published if p.url in first_seen
    ]
    return {
        "cycles": len(cycles),
        "cpu_seconds": round(cpu, 1),
        "checks_per_source": checks,
        "requests_per_host_after_first_crawl": per_host,
        "releases_published": len(published),
        "releases_found": len(delays),
        "delay_minutes_p50": round(statistics.median(delays), 1) if delays else None,
        "delay_minutes_max": round(max(delays), 1) if delays else None,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=3)
    print(json.dumps(measure(parser.parse_args().sites), indent=2, ensure_ascii=False))
