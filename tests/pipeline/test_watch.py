"""The watch mode on loopback (issue 22): the simulated web runs live, its real clock moved by the watch's own
injected clock (a sleep of N simulated seconds moves it N/speed real seconds), so a simulated morning runs in
seconds and no test sleeps. Checked: a release published appears in `releases` at its source's next check, which
comes within the interval planned at the check before (plus the one batch that loads it); a failing source backs
off (its interval grows) and recovers; a stopped or restarted watch resumes from the schedule it saved."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from khabar.crawl import CrawlSettings
from khabar.pipeline import CrawlOptions
from khabar.pipeline.watch import CycleResult, WatchOptions, run_cycle, watch
from khabar.simweb.clock import TEHRAN
from khabar.simweb.config import SimWebConfig
from khabar.simweb.server import SimWebServer
from khabar.simweb.sites import SiteProfile
from khabar.simweb.transport import SimWebTransport
from khabar.simweb.truth import iter_published
from khabar.stop import Stop
from khabar.warehouse.db import open_db
from khabar.warehouse.watch_state import load_schedule

TODAY = date(2024, 3, 19)  # a Tuesday
CONFIG = SimWebConfig(
    start_day=TODAY - timedelta(days=45), today=TODAY, n_agency_sites=6, n_provinces=3, n_news_sites=2
)
START = datetime(2024, 3, 19, 7, 0, tzinfo=TEHRAN)
SPEED = 60.0
ARTICLES = ("original", "templated", "copy")


class FakeMonotonic:
    """The real clock the live simulated web runs on, moved only by `LiveClock.sleep`."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class LiveClock:
    """The watch's clock: the simulated web's instant; sleeping moves the web's real clock instead of waiting."""

    def __init__(self, srv: SimWebServer, mono: FakeMonotonic) -> None:
        self.srv, self.mono = srv, mono

    def now(self) -> datetime:
        live = self.srv.world.live
        assert live is not None
        return live.at(self.mono.t)

    def sleep(self, seconds: float, stop: Stop | None) -> None:
        self.mono.t += seconds / SPEED + 1e-6


class Flaky(httpx.AsyncBaseTransport):
    """The simulated web, except hosts in `down`: their connections are refused."""

    def __init__(self, srv: SimWebServer) -> None:
        self.inner = SimWebTransport(srv.port, srv.hosts)
        self.down: set[str] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host in self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def live(tmp_path: Path):
    mono = FakeMonotonic()
    with SimWebServer(CONFIG, monotonic=mono) as srv:
        srv.set_live(START, SPEED)
        yield srv, mono


def _options(
    tmp_path: Path, srv: SimWebServer, sites: list[SiteProfile], transport: httpx.AsyncBaseTransport
):
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n" + "".join(f"- id: {s.site_id}\n  url: {s.origin}/\n" for s in sites), encoding="utf-8"
    )
    crawl = CrawlOptions(sources_path=path, transport=transport, settings=CrawlSettings.fast())
    return WatchOptions(crawl)


def _agencies(srv: SimWebServer, n: int) -> list[SiteProfile]:
    return [s for s in srv.world.sites if s.spec.kind == "agency"][:n]


def _release_urls(con) -> set[str]:
    return {u for (u,) in con.execute("SELECT url FROM releases").fetchall()}


def test_a_release_published_appears_at_its_sources_next_check(tmp_path, live) -> None:
    srv, mono = live
    sites = _agencies(srv, 3)
    options = _options(tmp_path, srv, sites, SimWebTransport(srv.port, srv.hosts))
    con = open_db(tmp_path / "k.duckdb")
    clock = LiveClock(srv, mono)
    seen: list[tuple[CycleResult, set[str]]] = []
    end = START + timedelta(hours=4)

    def record(result: CycleResult) -> None:
        seen.append((result, _release_urls(con)))
        if clock.now() >= end:
            stop.request()

    stop = Stop()
    watch(con, options, clock, stop, on_cycle=record)
    assert seen[-1][0].now >= end
    # each source's checks: when, and the interval planned then
    checks: dict[str, list[tuple[datetime, timedelta, set[str]]]] = {}
    for result, urls in seen:
        for plan in result.plans:
            if plan.kind == "home":
                checks.setdefault(plan.source_id, []).append((result.now, plan.interval, urls))
    assert set(checks) == {s.site_id for s in sites}
    for sid, rows in checks.items():
        for (t0, interval, _), (t1, _, _) in itertools.pairwise(rows):
            assert t1 - t0 <= interval + timedelta(seconds=1), (sid, t0, t1, interval)  # woke on time
            assert interval <= options.schedule.max_interval
    published = [
        p
        for p in iter_published(CONFIG, START, end, sites=[s.site_id for s in sites])
        if p.page_kind in ARTICLES and p.published_at <= checks[p.site_id][-1][0]
    ]
    assert len(published) >= 3  # a morning of three offices: something to find
    for p in published:
        rows = checks[p.site_id]
        at = next(i for i, (t, _, _) in enumerate(rows) if t >= p.published_at)
        t, _, urls = rows[at]
        assert p.url in urls, p  # loaded by the check that first could see it
        assert all(p.url not in u for _, _, u in rows[:at])  # (and not before it was published)
        assert t - p.published_at <= rows[at - 1][1] + timedelta(seconds=1)


def test_a_failing_source_backs_off_and_recovers(tmp_path, live) -> None:
    srv, mono = live
    sick, well = _agencies(srv, 2)
    transport = Flaky(srv)
    options = _options(tmp_path, srv, [sick, well], transport)
    con = open_db(tmp_path / "k.duckdb")
    clock = LiveClock(srv, mono)
    run_cycle(con, options, clock)  # both healthy at first
    transport.down.add(sick.host)

    def sick_row():
        return next(r for r in load_schedule(con, [sick.site_id])[sick.site_id] if r.kind == "home")

    intervals, failures = [], []
    cap = options.schedule.max_interval.total_seconds()
    for _ in range(5):
        clock.sleep((sick_row().next_check - clock.now()).total_seconds(), None)
        result = run_cycle(con, options, clock)
        assert result.outcomes[sick.site_id] == "failed"
        row = sick_row()
        intervals.append(row.interval_s)
        failures.append(row.consecutive_failures)
        assert row.reason == "backoff" and row.last_outcome == "failed"
    assert failures == [1, 2, 3, 4, 5]
    # doubling per failure up to the cap, each retry up to a quarter earlier (jitter): from the third on, capped
    assert max(intervals) <= cap and min(intervals[2:]) >= 0.75 * cap > intervals[0]
    well_row = next(r for r in load_schedule(con, [well.site_id])[well.site_id] if r.kind == "home")
    assert well_row.consecutive_failures == 0  # one source failing never holds back the other
    transport.down.clear()
    clock.sleep((sick_row().next_check - clock.now()).total_seconds(), None)
    result = run_cycle(con, options, clock)
    assert result.outcomes[sick.site_id] in ("new", "nothing")
    row = sick_row()
    assert row.consecutive_failures == 0 and row.reason != "backoff" and row.interval_s < 0.75 * cap


def test_a_restarted_watch_resumes_from_its_saved_schedule(tmp_path, live) -> None:
    srv, mono = live
    sites = _agencies(srv, 3)
    options = _options(tmp_path, srv, sites, SimWebTransport(srv.port, srv.hosts))
    db = tmp_path / "k.duckdb"
    clock = LiveClock(srv, mono)
    con = open_db(db)
    stop = Stop()
    done = watch(con, options, clock, stop, cycles=3, on_cycle=lambda r: None)
    assert len(done) == 3 and done[0].due == sorted(s.site_id for s in sites)  # the first cycle: all new
    saved = load_schedule(con)
    runs = con.execute("SELECT count(*) FROM runs").fetchone()
    con.close()

    con = open_db(db)  # the restart
    idle = run_cycle(con, options, clock)
    assert idle.due == [] and idle.summary is None  # nothing due yet: no request, no run
    assert con.execute("SELECT count(*) FROM runs").fetchone() == runs
    assert load_schedule(con) == saved
    due_at = {sid: min(r.next_check for r in rows) for sid, rows in saved.items()}
    assert idle.next_check == min(due_at.values())
    clock.sleep((idle.next_check - clock.now()).total_seconds(), None)
    resumed = run_cycle(con, options, clock)
    assert resumed.due == sorted(sid for sid, t in due_at.items() if t <= resumed.now)
    assert resumed.due  # the earliest one, at least
    after = load_schedule(con)
    for sid in set(saved) - set(resumed.due):
        assert after[sid] == saved[sid]  # sources not due keep their plan
    for sid in resumed.due:
        assert all(r.last_check == resumed.now for r in after[sid])


def test_a_stop_ends_the_watch_after_the_cycle_in_flight(tmp_path, live) -> None:
    srv, mono = live
    options = _options(tmp_path, srv, _agencies(srv, 1), SimWebTransport(srv.port, srv.hosts))
    con = open_db(tmp_path / "k.duckdb")
    stop = Stop()
    done = watch(con, options, LiveClock(srv, mono), stop, on_cycle=lambda r: stop.request())
    assert len(done) == 1 and not done[0].interrupted
    assert load_schedule(con)  # the cycle's schedule was saved before the watch ended


def test_unknown_sources_refuse_to_start(tmp_path, live) -> None:
    from khabar.pipeline import IngestError

    srv, mono = live
    options = _options(tmp_path, srv, _agencies(srv, 1), SimWebTransport(srv.port, srv.hosts))
    options = replace(options, crawl=replace(options.crawl, only=["no-such-source"]))
    with pytest.raises(IngestError, match="no-such-source"):
        run_cycle(open_db(tmp_path / "k.duckdb"), options, LiveClock(srv, mono))


def test_an_interrupted_cycle_saves_nothing_and_its_sources_stay_due(tmp_path, live) -> None:
    srv, mono = live
    sites = _agencies(srv, 2)
    options = _options(tmp_path, srv, sites, SimWebTransport(srv.port, srv.hosts))
    con = open_db(tmp_path / "k.duckdb")
    clock = LiveClock(srv, mono)
    stop = Stop()
    stop.request()  # e.g. a SIGTERM that arrived as the cycle started its crawl
    cut = run_cycle(con, replace(options, crawl=replace(options.crawl, stop=stop)), clock)
    assert cut.interrupted and cut.outcomes == {} and load_schedule(con) == {}
    again = run_cycle(con, options, clock)
    assert again.due == sorted(s.site_id for s in sites) and not again.interrupted
    assert set(load_schedule(con)) == set(again.due)


class Split(httpx.AsyncBaseTransport):
    """Real sockets for both: the hosts in `apart` go to their own server's port, the rest to the main one."""

    def __init__(self, main: SimWebServer, port: int, apart: set[str]) -> None:
        self.main = SimWebTransport(main.port, main.hosts)
        self.apart_port = SimWebTransport(port, main.hosts)
        self.apart = apart

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        inner = self.apart_port if request.url.host in self.apart else self.main
        return await inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.main.aclose()
        await self.apart_port.aclose()


APART_PORT = 18431  # this worktree's range (18400–18499)


def test_a_source_whose_server_goes_down_backs_off_and_recovers_on_real_sockets(tmp_path, live) -> None:
    """As above, but the failure is the server's: the sick site's own server is stopped (connections refused by
    the kernel, not by a transport that pretends) and started again on the same port, on the same live clock."""
    srv, mono = live
    sick, well = _agencies(srv, 2)
    clock = LiveClock(srv, mono)

    def serve_sick() -> SimWebServer:
        apart = SimWebServer(CONFIG, port=APART_PORT, monotonic=mono)
        apart.set_live(clock.now(), SPEED)  # the same instant as the main server's, from here on
        return apart.start()

    apart = serve_sick()
    options = _options(tmp_path, srv, [sick, well], Split(srv, APART_PORT, set(sick.hosts)))
    con = open_db(tmp_path / "k.duckdb")
    try:
        first = run_cycle(con, options, clock)
        assert first.outcomes == {sick.site_id: "new", well.site_id: "new"}
        served = len(apart.request_log)
        assert served > 0  # the sick site really was read through its own socket
        apart.stop()

        def sick_row():
            return next(r for r in load_schedule(con, [sick.site_id])[sick.site_id] if r.kind == "home")

        intervals = []
        for failures in (1, 2, 3):
            clock.sleep((sick_row().next_check - clock.now()).total_seconds(), None)
            result = run_cycle(con, options, clock)
            assert result.outcomes[sick.site_id] == "failed"
            assert result.summary is not None
            assert "ConnectError" in result.summary.failed_sources[sick.site_id]  # the kernel's refusal
            row = sick_row()
            assert row.consecutive_failures == failures and row.reason == "backoff"
            intervals.append(row.interval_s)
        assert intervals[0] < intervals[-1] <= options.schedule.max_interval.total_seconds()
        apart = serve_sick()
        clock.sleep((sick_row().next_check - clock.now()).total_seconds(), None)
        result = run_cycle(con, options, clock)
        assert result.outcomes[sick.site_id] in ("new", "nothing")
        assert len(apart.request_log) > 0  # answered by the restarted server
        row = sick_row()
        assert row.consecutive_failures == 0 and row.reason != "backoff" and row.interval_s < intervals[-1]
    finally:
        apart.stop()
