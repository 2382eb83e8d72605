"""The watch mode (issue 22): continuous ingestion, each source checked when its adaptive schedule says so.

One cycle: load the saved schedule, the surfaces the crawler found and each source's publication history → ask
`khabar.crawl.schedule.plan_checks` what is due now → crawl only those sources with the daily ingest's own path
(`run_ingest` with `only=`: the same batches, dedup, run records and stop handling) → record each source's outcome
(new items, nothing new, failed) → plan again and save every surface's next check in one transaction.
`watch` repeats cycles, sleeping until the earliest next check on an injected clock, so a test runs a simulated
day without sleeping and a restarted watch resumes from the schedule it last saved.

Why a source, not a surface, is what gets crawled: the crawler reads all of a source's discovery surfaces in one
pass (home page, feeds, sitemaps, listing), so every surface of a due source is checked together; they are still
planned one by one, which makes the host's politeness budget count each surface request a check costs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

import duckdb

from khabar.crawl.schedule import (
    CheckPlan,
    Outcome,
    Planner,
    ScheduleSettings,
    SourceHistory,
    SurfaceHistory,
    plan_checks,
)
from khabar.pipeline.crawl_source import CrawlOptions, IngestError, run_ingest
from khabar.pipeline.registry import default_sources_path
from khabar.pipeline.run import RunSummary
from khabar.stop import Stop
from khabar.urls import host_key
from khabar.warehouse.watch_state import (
    SurfaceRow,
    discovered_surfaces,
    load_schedule,
    new_pages_by_source,
    publication_history,
    save_schedule,
)

log = logging.getLogger("khabar.watch")
_OUTCOMES: dict[str, Outcome] = {"new": "new", "nothing": "nothing", "failed": "failed"}


class WatchClock(Protocol):
    """The watch's time: `now` (aware) is what the schedule is planned on; `sleep` waits on the same clock and
    returns early when `stop` is requested. Tests inject one that moves a simulated web's clock instead."""

    def now(self) -> datetime: ...

    def sleep(self, seconds: float, stop: Stop | None) -> None: ...


class SystemWatchClock:
    """The machine's clock: production."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float, stop: Stop | None) -> None:
        if stop is not None:
            stop.event.wait(seconds)
        else:
            time.sleep(seconds)


class WebWatchClock:
    """A stand-in web's running clock (a live simulated web: `khabar watch --simweb`): `start` when opened, then
    `speed` simulated seconds per real second; a sleep of N simulated seconds waits N/speed real ones. Why not
    the machine's clock: the web publishes on its own time, and the schedule must be planned on the same one."""

    def __init__(
        self, start: datetime, speed: float, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        if start.tzinfo is None or not speed > 0:
            raise ValueError("need an aware start and a positive speed")
        self.start, self.speed, self._monotonic = start, speed, monotonic
        self._t0 = monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(self._monotonic() - self._t0) * self.speed)

    def sleep(self, seconds: float, stop: Stop | None) -> None:
        SystemWatchClock().sleep(max(seconds, 0.0) / self.speed, stop)


@dataclass(frozen=True)
class WatchOptions:
    """How to watch: the crawl's options (sources, web, settings, stop) and the schedule's knobs."""

    crawl: CrawlOptions = field(default_factory=CrawlOptions)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    max_sleep: timedelta = timedelta(minutes=15)  # wake at least this often (a sources file may have changed)
    # the policy: the adaptive one; B9 swaps in `khabar.crawl.schedule.fixed_interval` to compare with
    planner: Planner = plan_checks


@dataclass
class CycleResult:
    """What one cycle did: the instant it planned on, the sources it crawled and how each went, the run (None
    when nothing was due), the plans it saved (the crawled sources' surfaces) and the earliest next check of the
    whole schedule (None: no source to watch)."""

    now: datetime
    due: list[str]
    outcomes: dict[str, Outcome]
    summary: RunSummary | None
    plans: list[CheckPlan]
    next_check: datetime | None

    @property
    def interrupted(self) -> bool:
        return self.summary is not None and self.summary.status == "interrupted"


def _sources(options: CrawlOptions) -> list[tuple[str, str, str]]:
    """(source id, home URL, host) of the enabled sources this watch covers."""
    from khabar.crawl.sources import SourcesError, load_sources

    path = Path(options.sources_path or default_sources_path())
    try:
        sources = [s for s in load_sources(path) if s.enabled]
    except (SourcesError, OSError) as exc:
        raise IngestError(str(exc)) from exc
    if options.only:
        known = {s.id for s in sources}
        missing = [s for s in options.only if s not in known]
        if missing:
            raise IngestError(f"unknown source id(s) {', '.join(missing)} in {path}")
        sources = [s for s in sources if s.id in set(options.only)]
    return [(s.id, s.url, host_key(s.host)) for s in sources]


def _surface_urls(home: str, found: dict[str, object] | None) -> list[tuple[str, str]]:
    """(url, kind) of a source's discovery surfaces: its home page until the crawler has found more."""
    out = [(home, "home")]
    if found:
        for kind, key in (("feed", "feeds"), ("sitemap", "sitemaps")):
            urls = found.get(key)
            if isinstance(urls, list):
                out += [(str(u), kind) for u in urls]
        archive = found.get("archive")
        if isinstance(archive, str):
            out.append((archive, "archive"))
    first: dict[str, str] = {}
    for u, k in out:
        first.setdefault(u, k)
    return list(first.items())


def _histories(
    con: duckdb.DuckDBPyConnection,
    sources: Sequence[tuple[str, str, str]],
    now: datetime,
    settings: ScheduleSettings,
    checked: dict[str, tuple[datetime, Outcome]] | None = None,
) -> list[SourceHistory]:
    """Schedule histories from the warehouse; `checked` overrides the saved state of sources just crawled."""
    ids = [sid for sid, _, _ in sources]
    saved = load_schedule(con, ids)
    found = discovered_surfaces(con, ids)
    published = publication_history(con, ids, now - settings.lookback, now)
    out = []
    for sid, home, host in sources:
        rows = {r.url: r for r in saved.get(sid, [])}
        latest = max(
            rows.values(), key=lambda r: r.last_check or datetime.min.replace(tzinfo=UTC), default=None
        )
        surfaces = []
        for url, kind in _surface_urls(home, found.get(sid)):
            row = rows.get(url) or latest  # a surface found by the last crawl was checked with the others
            last, outcome = (row.last_check, row.last_outcome) if row else (None, None)
            failures = row.consecutive_failures if row else 0
            if checked and sid in checked:
                last, outcome = checked[sid]
                failures = failures + 1 if outcome == "failed" else 0
            surfaces.append(
                SurfaceHistory(
                    url=url,
                    kind=kind,
                    last_check=last,
                    last_outcome=_OUTCOMES.get(outcome or ""),
                    consecutive_failures=failures,
                )
            )
        times = tuple(published.get(sid, ()))
        # the rate over what is known: a first crawl looks back a few days only (initial_lookback_days), and four
        # weeks would dilute those; with a longer archive the lookback bounds it anyway
        since = min(times, default=None)
        out.append(SourceHistory(sid, host, times, tuple(surfaces), tracked_since=since))
    return out


def _rows(plans: Sequence[CheckPlan], histories: Sequence[SourceHistory]) -> list[SurfaceRow]:
    by_url = {(h.source_id, s.url): s for h in histories for s in h.surfaces}
    rows = []
    for p in plans:
        s = by_url[(p.source_id, p.url)]
        rows.append(
            SurfaceRow(
                source_id=p.source_id,
                url=p.url,
                kind=p.kind,
                role=s.role,
                last_check=s.last_check,
                last_outcome=s.last_outcome,
                consecutive_failures=s.consecutive_failures,
                next_check=p.next_check,
                interval_s=p.interval.total_seconds(),
                reason=p.reason,
            )
        )
    return rows


def _outcomes(con: duckdb.DuckDBPyConnection, due: Sequence[str], summary: RunSummary) -> dict[str, Outcome]:
    failed = summary.failed_sources
    new = new_pages_by_source(con, summary.run_id)
    out: dict[str, Outcome] = {}
    for sid in due:
        out[sid] = "failed" if sid in failed else "new" if new.get(sid) else "nothing"
    return out


def _due_at(rows: Sequence[SurfaceRow]) -> datetime:
    """A source is due when its first surface is (the crawler checks them all together)."""
    return min(r.next_check for r in rows)


def run_cycle(
    con: duckdb.DuckDBPyConnection, options: WatchOptions, clock: WatchClock | None = None
) -> CycleResult:
    """One cycle (see the module): crawl what is due at `clock.now()`, save the crawled sources' next checks.

    Which sources are due is read from the saved schedule (a source never checked is due at once), not re-planned
    at every wake-up: a plan made at the last check stays put, where re-planning later would keep moving a burst's
    shortened interval away as the burst fades. All sources are planned together after the crawl (the host budget
    spans them), and the crawled ones' plans are saved."""
    clock = clock or SystemWatchClock()
    settings = options.schedule
    now = clock.now()
    sources = _sources(options.crawl)
    saved = load_schedule(con, [sid for sid, _, _ in sources])
    due = sorted(sid for sid, _, _ in sources if sid not in saved or _due_at(saved[sid]) <= now)
    waiting = [_due_at(saved[sid]) for sid, _, _ in sources if sid in saved and sid not in due]
    if not due:
        return CycleResult(now, [], {}, None, [], min(waiting, default=None))
    crawl = replace(options.crawl, only=due)
    if crawl.now is None and crawl.web is None:
        # the crawl's publication windows on the watch's clock; a web plug-in keeps its own (khabar.plugins)
        crawl = replace(crawl, now=now)
    summary = run_ingest(con, crawl)
    if summary.status == "interrupted":
        # nothing recorded for the sources in flight: they are still due when the watch resumes
        return CycleResult(now, due, {}, summary, [], now)
    outcomes = _outcomes(con, due, summary)
    checked = {sid: (now, outcome) for sid, outcome in outcomes.items()}
    histories = _histories(con, sources, now, settings, checked)
    plans = [p for p in options.planner(histories, now, settings) if p.source_id in checked]
    save_schedule(con, _rows(plans, histories))
    next_check = min([*waiting, *(p.next_check for p in plans)], default=None)
    log.info(
        "watch cycle at %s: %s; next check %s",
        now.isoformat(),
        ", ".join(f"{k} {v}" for k, v in outcomes.items()),
        next_check.isoformat() if next_check else None,
    )
    return CycleResult(now, due, outcomes, summary, plans, next_check)


def watch(
    con: duckdb.DuckDBPyConnection,
    options: WatchOptions,
    clock: WatchClock | None = None,
    stop: Stop | None = None,
    cycles: int | None = None,
    on_cycle: Callable[[CycleResult], None] | None = None,
) -> list[CycleResult]:
    """Cycles until `stop` is requested (or `cycles` have run), sleeping until the earliest next check (at most
    `options.max_sleep`). The crawl honours `stop` too (`options.crawl.stop` defaults to it): a first signal ends
    the cycle at a batch boundary and the watch with it. Returns the cycles run."""
    clock = clock or SystemWatchClock()
    if stop is not None and options.crawl.stop is None:
        options = replace(options, crawl=replace(options.crawl, stop=stop))
    done: list[CycleResult] = []
    while cycles is None or len(done) < cycles:
        if stop is not None and stop.requested:
            break
        result = run_cycle(con, options, clock)
        done.append(result)
        if on_cycle is not None:
            on_cycle(result)
        if result.interrupted or (cycles is not None and len(done) >= cycles):
            break
        wake = result.next_check
        wait = options.max_sleep.total_seconds()
        if wake is not None:
            wait = min(wait, (wake - clock.now()).total_seconds())
        if wait > 0:
            clock.sleep(wait, stop)
    return done


__all__ = [
    "CycleResult",
    "SystemWatchClock",
    "WatchClock",
    "WatchOptions",
    "WebWatchClock",
    "run_cycle",
    "watch",
]
