"""The simulated web on a live clock (issue 22): at speed N, the pages visible at real second t are exactly those
published by start + N·t, on every surface (listings, feeds, sitemaps, articles); the clock is set over the control
host; publication rates differ by site kind, follow Tehran office hours and are quiet on Fridays; bursts and the
per-site spread appear only when asked for. The real clock is a hand-moved fake: no test waits."""

from __future__ import annotations

import itertools
import math
import re
import statistics
from dataclasses import replace
from datetime import date, datetime, timedelta

import httpx
import pytest

from khabar.simweb import clock
from khabar.simweb.catalog import Item
from khabar.simweb.clock import TEHRAN, LiveClock
from khabar.simweb.config import SimWebConfig
from khabar.simweb.server import SimWebServer
from khabar.simweb.sites import CONTROL_HOST, SiteProfile
from khabar.simweb.transport import SimWebSyncTransport
from khabar.simweb.truth import iter_published
from khabar.simweb.urls import archive_path, feed_path
from khabar.simweb.world import World

TODAY = date(2024, 3, 19)  # a Tuesday
SMALL = SimWebConfig(
    start_day=TODAY - timedelta(days=45), today=TODAY, n_agency_sites=6, n_provinces=3, n_news_sites=2
)
START = datetime(2024, 3, 19, 7, 0, tzinfo=TEHRAN)


class FakeMonotonic:
    """The real clock a live world runs on, moved by hand."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _published(world: World, site: SiteProfile, until: datetime) -> list[Item]:
    """Brute force: every item of the site published by ``until``, oldest first."""
    out: list[Item] = []
    d = world.config.start_day
    while d <= until.date():
        out += [i for i in world.catalog.items_on(site, d) if i.published_at <= until]
        d += timedelta(days=1)
    return out


def _live(speed: float, config: SimWebConfig = SMALL) -> tuple[World, FakeMonotonic]:
    mono = FakeMonotonic()
    world = World(config, mono)
    world.set_live(START, speed)
    return world, mono


# ------------------------------------------------------------------------------------------- the clock
def test_live_clock_runs_at_its_speed_from_its_start() -> None:
    c = LiveClock(START, 60, real_start=50.0)
    assert c.at(50.0) == START
    assert c.at(51.0) == START + timedelta(minutes=1)
    assert c.at(50.0 + 3600) == START + timedelta(hours=60)
    assert c.at(10.0) == START  # never before its start


@pytest.mark.parametrize("bad", [{"speed": 0}, {"speed": -2}, {"start": datetime(2024, 3, 19, 7, 0)}])
def test_live_clock_refuses_bad_settings(bad: dict[str, object]) -> None:
    kwargs: dict[str, object] = {"start": START, "speed": 60.0, "real_start": 0.0} | bad
    with pytest.raises(ValueError):
        LiveClock(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("speed", [1, 60, 600])
@pytest.mark.parametrize("real_t", [0, 30, 300, 1800, 7200])
def test_visible_pages_are_those_published_by_start_plus_speed_times_t(speed: float, real_t: float) -> None:
    world, mono = _live(speed)
    mono.t += real_t
    now = world.tick()
    assert now == START + timedelta(seconds=speed * real_t)
    for site in world.sites:
        expected = _published(world, site, now)
        assert world.catalog.count_through(site, world.cut) == len(expected)
        newest = world.catalog.latest(site, world.cut, 3)
        assert [i.ordinal for i in newest] == [i.ordinal for i in reversed(expected[-3:])]
        assert all(world.visible(i) for i in expected[-3:])


def test_the_world_only_grows_and_the_day_follows_the_clock() -> None:
    world, mono = _live(3600)  # an hour a second
    counts = []
    for _ in range(40):
        mono.t += 1
        world.tick()
        counts.append(sum(world.catalog.count_through(s, world.cut) for s in world.sites))
    assert counts == sorted(counts) and counts[-1] > counts[0]
    assert world.today == (START + timedelta(hours=40)).date()


@pytest.mark.parametrize("day", [TODAY - timedelta(days=3), TODAY, TODAY + timedelta(days=2)])
def test_live_at_midnight_sees_what_the_fixed_day_sees(day: date) -> None:
    fixed = World(replace(SMALL, today=day))
    mono = FakeMonotonic()
    live = World(SMALL, mono)
    live.set_live(clock.end_of_day(day) - timedelta(microseconds=1), 1)
    for site in fixed.sites:
        assert live.catalog.count_through(site, live.cut) == fixed.catalog.count_through(site, day)
        assert [i.ordinal for i in live.catalog.latest(site, live.cut, 5)] == [
            i.ordinal for i in fixed.catalog.latest(site, day, 5)
        ]


# ------------------------------------------------------------------------------------------- over HTTP
@pytest.fixture(scope="module")
def live_server():
    mono = FakeMonotonic()
    with (
        SimWebServer(SMALL, monotonic=mono) as srv,
        httpx.Client(transport=SimWebSyncTransport(srv.port, srv.hosts), timeout=30) as c,
    ):
        yield srv, c, mono


def _items_between(world: World, a: datetime, b: datetime) -> list[Item]:
    return [i for s in world.sites for i in _published(world, s, b) if i.published_at > a and i.is_article]


def test_pages_appear_on_every_surface_as_their_instant_comes(live_server) -> None:
    srv, c, mono = live_server
    r = c.post(f"http://{CONTROL_HOST}/clock", params={"now": START.isoformat(), "speed": 60})
    assert r.status_code == 200 and r.json()["speed"] == 60
    try:
        window = _items_between(srv.world, START, START + timedelta(hours=3))
        item = min(window, key=lambda i: i.published_at)
        url = srv.world.url(item)
        site = item.site
        feed = site.origin + feed_path(site)
        assert c.get(url).status_code == 404  # not yet published
        before = (item.published_at - START).total_seconds() / 60 - 0.5  # real seconds: just before
        mono.t += before
        assert c.get(url).status_code == 404
        listing = c.get(site.origin + archive_path(site, 1)).text
        assert srv.world.code(item) not in listing
        mono.t += 1  # half a simulated minute after its instant
        assert c.get(url).status_code == 200
        assert srv.world.code(item) in c.get(site.origin + archive_path(site, 1)).text
        now = datetime.fromisoformat(c.get(f"http://{CONTROL_HOST}/clock").json()["now"])
        assert item.published_at <= now < item.published_at + timedelta(minutes=1)
        assert srv.world.code(item) in c.get(feed).text
    finally:
        srv.set_today(TODAY)
    assert "now" not in c.get(f"http://{CONTROL_HOST}/clock").json()


def test_feeds_and_news_sitemaps_hold_nothing_from_the_future(live_server) -> None:
    srv, _, _ = live_server
    srv.set_live(START + timedelta(hours=4), 60)
    try:
        now = srv.now
        assert now is not None
        for site in srv.world.sites:
            bodies = [srv.world.feed(site)]
            if site.template == "newsagency":
                bodies.append(srv.world.sitemap_news(site))
            for body in bodies:
                text = body.decode()
                future = [
                    i for i in _items_between(srv.world, now, now + timedelta(days=2)) if i.site is site
                ]
                assert not any(f"/{srv.world.code(i)}" in text for i in future)
    finally:
        srv.set_today(TODAY)


def test_a_quiet_check_is_a_304_until_something_is_published(live_server) -> None:
    srv, c, mono = live_server
    srv.set_live(START, 60)
    try:
        nxt = min(_items_between(srv.world, START, START + timedelta(days=1)), key=lambda i: i.published_at)
        site = nxt.site
        feed = site.origin + feed_path(site)
        first = c.get(feed)
        etag = first.headers["ETag"]
        wait = (nxt.published_at - START).total_seconds() / 60  # real seconds at 60×
        mono.t += wait / 2
        assert c.get(feed, headers={"If-None-Match": etag}).status_code == 304
        mono.t += wait / 2 + 1
        again = c.get(feed, headers={"If-None-Match": etag})
        assert again.status_code == 200 and srv.world.code(nxt) in again.text
    finally:
        srv.set_today(TODAY)


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"speed": "60"}, 400),  # a fixed-day world has no instant to run from
        ({"now": "2024-03-19T07:00", "speed": "0"}, 400),
        ({"now": "not a time"}, 400),
        ({"now": "2024-03-19T07:00"}, 200),  # speed 1 by default
    ],
)
def test_clock_control_validates(live_server, params: dict[str, str], status: int) -> None:
    srv, c, _ = live_server
    try:
        assert c.post(f"http://{CONTROL_HOST}/clock", params=params).status_code == status
    finally:
        srv.set_today(TODAY)


def test_speed_can_change_without_a_jump(live_server) -> None:
    srv, c, mono = live_server
    try:
        c.post(f"http://{CONTROL_HOST}/clock", params={"now": "2024-03-19T09:00", "speed": 60})
        mono.t += 10
        c.post(f"http://{CONTROL_HOST}/clock", params={"speed": 600})
        mono.t += 1
        state = c.get(f"http://{CONTROL_HOST}/clock").json()
        assert datetime.fromisoformat(state["now"]) == datetime(2024, 3, 19, 9, 20, tzinfo=TEHRAN)
        assert state["speed"] == 600
    finally:
        srv.set_today(TODAY)


# ------------------------------------------------------------------------------------------- truth
def test_iter_published_lists_the_instants_a_live_window_reveals() -> None:
    world, mono = _live(60)
    a = world.tick()
    assert a is not None
    mono.t += 6 * 60  # six simulated hours
    b = world.tick()
    assert b is not None
    pubs = list(iter_published(SMALL, a, b))
    assert pubs and all(a < p.published_at <= b for p in pubs)
    for site in world.sites:
        n = sum(1 for p in pubs if p.site_id == site.site_id)
        assert n == world.catalog.count_through(site, b) - world.catalog.count_through(site, a)
    assert {p.url for p in pubs} == {
        world.url(i) for s in world.sites for i in _published(world, s, b) if i.published_at > a
    }


# ------------------------------------------------------------------------------------------- rates
WEEKS = 6
RATES = SimWebConfig(
    start_day=date(2024, 1, 6),
    today=date(2024, 1, 6) + timedelta(weeks=WEEKS),
    n_agency_sites=24,
    n_news_sites=4,
)


def _times(config: SimWebConfig, kind: str) -> list[datetime]:
    world = World(config)
    out: list[datetime] = []
    for site in world.sites:
        if site.spec.kind != kind:
            continue
        d = config.start_day
        while d < config.today:
            out += [i.published_at for i in world.catalog.items_on(site, d)]
            d += timedelta(days=1)
    return out


@pytest.mark.parametrize("config", [RATES, RATES.with_live_rates()], ids=["default", "live-rates"])
def test_news_agencies_publish_far_more_than_a_provincial_office(config: SimWebConfig) -> None:
    n_agency = config.n_agency_sites
    per_agency = len(_times(config, "agency")) / n_agency
    per_news = len(_times(config, "news")) / config.n_news_sites
    assert per_news > 2 * per_agency


@pytest.mark.parametrize("config", [RATES, RATES.with_live_rates()], ids=["default", "live-rates"])
def test_office_hours_and_a_quiet_friday(config: SimWebConfig) -> None:
    times = [t.astimezone(TEHRAN) for t in _times(config, "agency")]
    by_weekday = [sum(1 for t in times if t.weekday() == wd) / WEEKS for wd in range(7)]
    working = statistics.mean(by_weekday[wd] for wd in (5, 6, 0, 1, 2))  # Saturday … Wednesday
    assert by_weekday[4] < 0.35 * working  # Friday
    assert by_weekday[3] < working  # Thursday, a half day
    office = sum(1 for t in times if 7 * 60 + 30 <= t.hour * 60 + t.minute < 16 * 60)
    assert office / len(times) > 0.7
    assert not any(t.hour < 7 for t in times)  # provincial offices do not publish at night


def _short_gaps(config: SimWebConfig) -> float:
    world = World(config)
    gaps = []
    for site in world.sites:
        if site.spec.kind != "agency":
            continue
        d = config.start_day
        while d < config.today:
            ts = [i.published_at for i in world.catalog.items_on(site, d)]
            gaps += [(b - a).total_seconds() for a, b in itertools.pairwise(ts)]
            d += timedelta(days=1)
    return sum(1 for g in gaps if g <= 13 * 60) / len(gaps)


def test_bursts_only_when_asked_for() -> None:
    plain, bursty = _short_gaps(RATES), _short_gaps(replace(RATES, burst_share=0.3))
    assert bursty > plain + 0.15


def test_live_rates_spread_sites_from_weekly_to_several_times_the_mean() -> None:
    plain = [s.spec.releases_per_day for s in World(RATES).sites if s.spec.kind == "agency"]
    spread = [
        s.spec.releases_per_day for s in World(RATES.with_live_rates()).sites if s.spec.kind == "agency"
    ]
    assert max(plain) / min(plain) < 2.5  # 0.6–1.4 × the mean
    assert max(spread) / min(spread) > 10
    assert min(spread) < 2 / 7 and max(spread) > 1.5 * RATES.releases_per_day  # a weekly office, a busy one
    assert math.isclose(statistics.mean(spread), RATES.releases_per_day, rel_tol=0.6)


def test_codes_in_pages_are_digits() -> None:
    """Guard for the HTTP tests above: a news code is matched in page text as Latin digits."""
    world, _ = _live(60)
    site = world.sites[0]
    item = world.catalog.latest(site, world.cut, 1)[0]
    assert re.fullmatch(r"\d+", world.code(item))
