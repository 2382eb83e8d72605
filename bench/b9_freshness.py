"""B9 freshness (issue 22): how soon a release published on an agency site is a `releases` row, under the watch mode.

Many simulated sites (agencies and news agencies, live rates: log-normal per-site means, bursts after meetings,
Tehran office hours, Fridays off) watched for at least a simulated week by the real watch code
(`khabar.pipeline.watch.watch`: run_cycle, `run_ingest`, the warehouse), over real loopback HTTP. Then, in the same
run and on the same world, the same code with the policy swapped for a fixed-interval poller given the adaptive
run's check count (`khabar.crawl.schedule.fixed_interval`).

Why a virtual clock: a week of 1,000 sites cannot be waited for, even accelerated. One `FakeClock` is the time of
everything: the simulated web reads it (its live clock runs on the fake monotonic second), the crawler's
politeness waits and fetch times run on it (so ≤ 1 request/s per host is enforced and measured in simulated
seconds), and the watch's sleep jumps it to the next due check instead of waiting. Requests stay real HTTP.
Cycles are at most one per `tick` simulated seconds (default 60): sources due within a tick are crawled together,
which adds at most a tick to their delay, measured like any other.

Delay: from the truth's publication instant to the end of the cycle whose batch wrote the release's row (the
clock after `run_cycle` returns), for every page published in the measured span (after the first, full crawl;
pages published in the last hour are not counted: they may still be in their interval). A page never found counts
with its delay so far (a lower bound) and is reported. «Daily» sources are those the truth shows publishing at
least once a day on average over the span.

`python -m bench.b9_freshness --agencies 60 --news 6 --days 7` (sites = agencies + news; at most 248 agencies)."""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("KHABAR_EXTRACT_WORKERS", "0")  # in this process: its CPU time is what is measured
ARTICLES = ("original", "templated", "copy")
START = date(2024, 3, 16)  # a Saturday: the Iranian week starts


def _pct(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    k = min(len(s) - 1, max(0, math.ceil(q * len(s)) - 1))  # nearest rank
    return round(s[k], 1)


def _delays(values: Sequence[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50": _pct(values, 0.50),
        "p95": _pct(values, 0.95),
        "p99": _pct(values, 0.99),
        "max": round(max(values), 1) if values else None,
        "mean": round(statistics.fmean(values), 1) if values else None,
    }


def _config(agencies: int, news: int) -> Any:
    from khabar.simweb.config import SimWebConfig

    return SimWebConfig(
        start_day=START - timedelta(days=60),
        today=START,
        n_agency_sites=agencies,
        n_provinces=31,
        n_news_sites=news,
    ).with_live_rates()


def watch_span(
    config: Any,
    days: float,
    planner: Any = None,
    tick_s: float = 60.0,
    lookback_days: float = 28.0,
    label: str = "adaptive",
) -> dict[str, Any]:
    """One watch over `days` simulated days on a fresh warehouse; returns its raw figures (see `summarise`)."""
    from khabar.crawl import CrawlSettings
    from khabar.crawl.clock import FakeClock
    from khabar.pipeline import CrawlOptions
    from khabar.pipeline.watch import CycleResult, WatchOptions, watch
    from khabar.simweb.clock import TEHRAN
    from khabar.simweb.server import SimWebServer
    from khabar.simweb.transport import SimWebTransport
    from khabar.stop import Stop
    from khabar.warehouse.db import open_db

    start = datetime.combine(START, datetime.min.time(), TEHRAN)
    end = start + timedelta(days=days)
    fake = FakeClock(start)
    tmp = Path(tempfile.mkdtemp(prefix=f"b9-{label}-"))
    with SimWebServer(config, monotonic=fake.monotonic) as srv:
        srv.set_live(start, 1.0)  # one simulated second per fake second

        class Clock:
            """The watch's clock: the fake one; sleeping jumps it, to the next tick at the earliest."""

            def now(self) -> datetime:
                return fake.now()

            def sleep(self, seconds: float, stop: Stop | None) -> None:
                target = fake.monotonic() + max(seconds, 0.0)
                target = math.ceil(target / tick_s) * tick_s
                fake.advance(target - fake.monotonic())

        sites = list(srv.world.sites)
        registry = tmp / "sources.yaml"
        registry.write_text(
            "sources:\n" + "".join(f"- id: {s.site_id}\n  url: {s.origin}/\n" for s in sites),
            encoding="utf-8",
        )
        con = open_db(tmp / "watch.duckdb")
        # default politeness (1 request/s and 2 in flight per host), on the fake clock; a first crawl that
        # reads four weeks so the rate model starts from a history, as a watch started on a backfilled warehouse
        settings = CrawlSettings(initial_lookback_days=lookback_days)
        crawl = CrawlOptions(
            sources_path=registry,
            transport=SimWebTransport(srv.port, srv.hosts),
            settings=settings,
            clock=fake,
        )
        options = WatchOptions(crawl) if planner is None else WatchOptions(crawl, planner=planner)
        clock, stop = Clock(), Stop()
        first_seen: dict[str, datetime] = {}
        checks: list[tuple[datetime, str, str, int]] = []  # (when, source, outcome, surfaces)
        runs: list[str] = []
        span_start: list[datetime] = []
        wall = time.perf_counter()
        cpu = [0.0, 0.0]

        def record(result: CycleResult) -> None:
            done = clock.now()
            if result.summary is not None:
                runs.append(result.summary.run_id)
                for url, canon in con.execute(
                    "SELECT r.url, r.canonical_url FROM releases r JOIN pages p USING (page_id)"
                    " WHERE p.run_id = ?",
                    [result.summary.run_id],
                ).fetchall():
                    first_seen.setdefault(url, done)
                    first_seen.setdefault(canon, done)
            surfaces = Counter(p.source_id for p in result.plans)
            for sid, outcome in result.outcomes.items():
                checks.append((result.now, sid, outcome, surfaces.get(sid, 1)))
            if not span_start:
                span_start.append(done)  # the first, full crawl ends here: measurement starts
                cpu[0] = time.process_time()
            if done >= end:
                stop.request()

        cycles = watch(con, options, clock, stop, on_cycle=record)
        cpu[1] = time.process_time()
        wall = time.perf_counter() - wall
        t0 = span_start[0]
        fetches = con.execute(
            "SELECT host, started_at, status FROM fetch_log WHERE started_at >= ? ORDER BY host, started_at",
            [t0],
        ).fetchall()
        final_end = clock.now()
        con.close()
    return {
        "label": label,
        "start": start,
        "t0": t0,
        "end": end,
        "final": final_end,
        "cycles": len(cycles),
        "runs": len(runs),
        "wall_s": wall,
        "cpu_s": cpu[1] - cpu[0],
        "first_seen": first_seen,
        "checks": [c for c in checks if c[0] >= t0],
        "fetches": fetches,
        "sites": [(s.site_id, s.spec.kind) for s in sites],
        "db": str(tmp / "watch.duckdb"),
    }


def summarise(config: Any, raw: dict[str, Any], budget_per_hour: float) -> dict[str, Any]:
    """Delays, requests per host and hour, politeness, empty checks and CPU of one watch."""
    from khabar.simweb.truth import iter_published

    t0, end = raw["t0"], raw["end"]
    counted_until = end - timedelta(hours=1)
    published = [
        p
        for p in iter_published(config, t0, counted_until)
        if p.page_kind in ARTICLES and p.published_at > t0
    ]
    span_days = (end - t0) / timedelta(days=1)
    per_site = Counter(p.site_id for p in published)
    daily = {sid for sid, n in per_site.items() if n >= span_days}
    delays: dict[str, list[float]] = {"all": [], "daily": []}
    missing = []
    for p in published:
        seen = raw["first_seen"].get(p.url)
        if seen is None:
            missing.append(p.url)
            seen = raw["final"]
        d = (seen - p.published_at) / timedelta(minutes=1)
        delays["all"].append(d)
        if p.site_id in daily:
            delays["daily"].append(d)
    # requests per host: per clock hour (mean over every host-hour of the span, max), and politeness
    hours = max(1, math.ceil((raw["final"] - t0) / timedelta(hours=1)))
    per_host_hour: dict[tuple[str, int], int] = Counter()
    min_gap: float | None = None
    max_in_1s = 0
    by_host: dict[str, list[datetime]] = defaultdict(list)
    not_modified = 0
    for host, started, status in raw["fetches"]:
        per_host_hour[(host, int((started - t0) / timedelta(hours=1)))] += 1
        by_host[host].append(started)
        not_modified += status == 304
    sliding_hour_max = 0
    for times in by_host.values():
        lo = 0
        lo1 = 0
        for i, t in enumerate(times):
            if i:
                gap = (t - times[i - 1]).total_seconds()
                min_gap = gap if min_gap is None else min(min_gap, gap)
            while (t - times[lo1]).total_seconds() >= 1.0:
                lo1 += 1
            max_in_1s = max(max_in_1s, i - lo1 + 1)
            while t - times[lo] >= timedelta(hours=1):
                lo += 1
            sliding_hour_max = max(sliding_hour_max, i - lo + 1)
    hosts = len(raw["sites"])
    requests = len(raw["fetches"])
    # surface checks per host per sliding hour, against the schedule's budget (a check = every surface once)
    surf_by_source: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for when, sid, _, n in raw["checks"]:
        surf_by_source[sid].append((when, n))
    budget_max = 0
    for entries in surf_by_source.values():
        lo, total = 0, 0
        for when, n in entries:
            total += n
            while when - entries[lo][0] >= timedelta(hours=1):
                total -= entries[lo][1]
                lo += 1
            budget_max = max(budget_max, total)
    outcomes = Counter(o for _, _, o, _ in raw["checks"])
    n_checks = len(raw["checks"])
    return {
        "policy": raw["label"],
        "sites": hosts,
        "simulated_days": round(span_days, 2),
        "releases_counted": len(published),
        "releases_missing": len(missing),
        "daily_sources": len(daily),
        "delay_min_daily": _delays(delays["daily"]),
        "delay_min_all": _delays(delays["all"]),
        "checks": n_checks,
        "checks_nothing_new_share": round(outcomes["nothing"] / n_checks, 3) if n_checks else None,
        "checks_failed": outcomes["failed"],
        "requests": requests,
        "requests_304_share": round(not_modified / requests, 3) if requests else None,
        "requests_per_host_hour_mean": round(requests / (hosts * hours), 2),
        "requests_per_host_hour_max": max(per_host_hour.values(), default=0),
        "requests_per_host_sliding_hour_max": sliding_hour_max,
        "requests_per_host_day_mean": round(requests / hosts / span_days, 1),
        "politeness_min_gap_s": round(min_gap, 3) if min_gap is not None else None,
        "politeness_max_requests_in_1s": max_in_1s,
        "surface_checks_per_host_sliding_hour_max": budget_max,
        "host_budget_per_hour": budget_per_hour,
        "cycles": raw["cycles"],
        "runs": raw["runs"],
        "cpu_s_per_simulated_day": round(raw["cpu_s"] / span_days, 1),
        "wall_s": round(raw["wall_s"], 1),
    }


def replay(
    config: Any,
    days: float = 7.0,
    settings: Any = None,
    planner: Any = None,
    tick_s: float = 60.0,
    surfaces: int = 4,
) -> dict[str, Any]:
    """The policy alone on the same truth, no HTTP, no warehouse (for tuning `khabar.crawl.schedule` fast, and for
    sizes the real run cannot afford): each source on its own host with `surfaces` surfaces, checked on the tick
    grid when its plan says; a check finds every page published by then; the history the policy learns from is
    what earlier checks found (and four weeks before the start, as the real run's first crawl). Not B9's figure:
    it leaves out what the crawler adds (a check's duration, surfaces missing a page)."""
    import heapq

    from khabar.crawl.schedule import ScheduleSettings, SourceHistory, SurfaceHistory, plan_checks
    from khabar.simweb.clock import TEHRAN
    from khabar.simweb.truth import iter_published

    settings = settings or ScheduleSettings()
    plan = planner or plan_checks
    start = datetime.combine(START, datetime.min.time(), TEHRAN)
    end = start + timedelta(days=days)
    pubs: dict[str, list[datetime]] = defaultdict(list)
    kinds: dict[str, str] = {}
    for p in iter_published(config, start - timedelta(days=28), end):
        if p.page_kind in ARTICLES:
            pubs[p.site_id].append(p.published_at)
            kinds[p.site_id] = p.site_kind
    from khabar.simweb.sites import build_sites

    sites = [s.site_id for s in build_sites(config)]
    found: dict[str, int] = {}  # index into pubs[sid]: everything before it has been found
    for sid in sites:
        pubs[sid].sort()
        found[sid] = sum(1 for t in pubs[sid] if t <= start)
    heap = [(start, sid) for sid in sites]
    heapq.heapify(heap)
    delays: dict[str, list[float]] = defaultdict(list)
    checks = nothing = 0
    cpu = time.process_time()
    while heap:
        due, sid = heapq.heappop(heap)
        t = start + timedelta(seconds=math.ceil((due - start).total_seconds() / tick_s) * tick_s)
        if t >= end:
            continue
        ts, k = pubs[sid], found[sid]
        n = k
        while n < len(ts) and ts[n] <= t:
            delays[sid].append((t - ts[n]) / timedelta(minutes=1))
            n += 1
        found[sid] = n
        outcome = "new" if n > k else "nothing"
        if t > start:
            checks += 1
            nothing += outcome == "nothing"
        known = tuple(x for x in ts[:n] if x >= t - settings.lookback)
        hist = SourceHistory(
            sid,
            f"{sid}.test",
            known,
            tuple(
                SurfaceHistory(f"https://{sid}.test/{j}", last_check=t, last_outcome=outcome)  # type: ignore[arg-type]
                for j in range(surfaces)
            ),
            tracked_since=start - timedelta(days=28),
        )
        nxt = min(p.next_check for p in plan([hist], t, settings))
        heapq.heappush(heap, (nxt, sid))
    t0 = start
    counted_until = end - timedelta(hours=1)
    span_days = days
    daily = {sid for sid in sites if sum(1 for x in pubs[sid] if t0 < x <= counted_until) >= span_days}
    all_d: list[float] = []
    daily_d: list[float] = []
    for sid in sites:
        ds = [
            d
            for d, x in zip(delays[sid], [x for x in pubs[sid] if x > t0], strict=False)
            if x <= counted_until
        ]
        all_d += ds
        if sid in daily:
            daily_d += ds
    return {
        "sites": len(sites),
        "daily_sources": len(daily),
        "checks": checks,
        "checks_per_source_day": round(checks / len(sites) / days, 1),
        "nothing_new_share": round(nothing / checks, 3) if checks else None,
        "delay_min_daily": _delays(daily_d),
        "delay_min_all": _delays(all_d),
        "cpu_s": round(time.process_time() - cpu, 1),
    }


def replay_compare(agencies: int, news: int, days: float = 7.0, **knobs: Any) -> dict[str, Any]:
    """Adaptive (with `knobs` as ScheduleSettings overrides) against fixed at the same check count, replayed."""
    from khabar.crawl.schedule import ScheduleSettings, fixed_interval

    config = _config(agencies, news)
    settings = ScheduleSettings(**knobs)
    a = replay(config, days, settings)
    interval = timedelta(seconds=math.floor(days * 86400 / max(1e-9, a["checks"] / a["sites"])))
    f = replay(config, days, settings, planner=fixed_interval(interval))
    f["fixed_interval_min"] = round(interval / timedelta(minutes=1), 1)
    return {"adaptive": a, "fixed": f}


def run(agencies: int = 60, news: int = 6, days: float = 7.0, tick_s: float = 60.0) -> dict[str, Any]:
    """Adaptive, then the fixed-interval poller with the adaptive run's check count, same world, same code."""
    from khabar.crawl.schedule import ScheduleSettings, fixed_interval

    config = _config(agencies, news)
    budget = ScheduleSettings().host_budget_per_hour
    adaptive_raw = watch_span(config, days, tick_s=tick_s, label="adaptive")
    adaptive = summarise(config, adaptive_raw, budget)
    span = adaptive_raw["final"] - adaptive_raw["t0"]
    per_source = max(1, adaptive["checks"]) / len(adaptive_raw["sites"])
    interval = timedelta(seconds=math.floor(span.total_seconds() / per_source))
    fixed_raw = watch_span(config, days, planner=fixed_interval(interval), tick_s=tick_s, label="fixed")
    fixed = summarise(config, fixed_raw, budget)
    fixed["fixed_interval_min"] = round(interval / timedelta(minutes=1), 1)
    a, f = adaptive["delay_min_daily"], fixed["delay_min_daily"]
    return {
        "adaptive": adaptive,
        "fixed": fixed,
        "acceptance": {
            "daily_p95_le_15": a["p95"] is not None and a["p95"] <= 15,
            "daily_p99_le_30": a["p99"] is not None and a["p99"] <= 30,
            "politeness_le_1_per_s": adaptive["politeness_max_requests_in_1s"] <= 1,
            "within_host_budget": adaptive["surface_checks_per_host_sliding_hour_max"] <= budget,
            "adaptive_beats_fixed_p95": a["p95"] is not None and f["p95"] is not None and a["p95"] < f["p95"],
            "adaptive_requests_le_fixed": adaptive["requests"] <= fixed["requests"],
        },
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=60, help="agency sites (at most 248)")
    parser.add_argument("--news", type=int, default=6, help="news-agency sites")
    parser.add_argument("--days", type=float, default=7.0, help="simulated days watched")
    parser.add_argument("--tick", type=float, default=60.0, help="shortest simulated seconds between cycles")
    parser.add_argument(
        "--replay", action="store_true", help="the policy alone, no HTTP (tuning; not the B9 figure)"
    )
    args = parser.parse_args()
    if args.replay:
        out = replay_compare(args.agencies, args.news, args.days)
    else:
        out = run(args.agencies, args.news, args.days, args.tick)
    print(json.dumps(out, indent=2, ensure_ascii=False))
