"""The adaptive polling policy (khabar.crawl.schedule): learnt intervals for real-shaped sources (a busy news agency,
a daily provincial office, a twice-a-week one), office hours and Fridays, bursts, failure backoff and recovery, and
the per-host budget; then property checks over seeded random histories (bounds hold, the budget is never exceeded)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from khabar.crawl.schedule import (
    TEHRAN,
    CheckPlan,
    ScheduleSettings,
    SourceHistory,
    SurfaceHistory,
    fixed_interval,
    hour_of_week,
    plan_checks,
    plan_source,
    rate_budget,
    rate_model,
    working_period,
)

SUNDAY_10 = datetime(2024, 3, 10, 10, 0, tzinfo=TEHRAN)  # a working day (یکشنبه)
SETTINGS = ScheduleSettings()


def _history(
    per_day: float,
    now: datetime,
    *,
    source_id: str = "kerman-behzisti",
    host: str = "kerman.behzisti.test",
    hours: tuple[int, int] = (8, 15),
    fridays: bool = False,
    seed: int = 1,
    surfaces: tuple[SurfaceHistory, ...] | None = None,
    extra: tuple[datetime, ...] = (),
) -> SourceHistory:
    """Four weeks of publications at ``per_day`` (office hours, no Friday unless asked), seeded."""
    rng = random.Random(seed)
    pubs: list[datetime] = []
    for back in range(1, 29):
        day = now - timedelta(days=back)
        if day.weekday() == 4 and not fridays:
            continue
        n = int(per_day) + (rng.random() < per_day % 1)
        for _ in range(n):
            pubs.append(day.replace(hour=rng.randrange(*hours), minute=rng.randrange(60)))
    if surfaces is None:
        surfaces = (SurfaceHistory(f"https://{host}/rss", "feed", last_check=now),)
    return SourceHistory(source_id, host, tuple(sorted(pubs)) + extra, surfaces)


def _one(history: SourceHistory, now: datetime, settings: ScheduleSettings = SETTINGS) -> CheckPlan:
    (plan,) = plan_source(history, now, settings)
    return plan


# ------------------------------------------------------------------------------------------- calendar
@pytest.mark.parametrize(
    ("when", "period"),
    [
        (datetime(2024, 3, 9, 8, 0), "work"),  # Saturday morning
        (datetime(2024, 3, 9, 7, 29), "off"),  # before the office opens
        (datetime(2024, 3, 13, 15, 59), "work"),  # Wednesday afternoon
        (datetime(2024, 3, 13, 16, 0), "off"),
        (datetime(2024, 3, 14, 11, 0), "half"),  # Thursday morning
        (datetime(2024, 3, 14, 13, 0), "off"),  # Thursday afternoon
        (datetime(2024, 3, 15, 10, 0), "off"),  # Friday
        (datetime(2024, 3, 10, 2, 0), "off"),  # night
    ],
)
def test_working_period_in_tehran_time(when: datetime, period: str) -> None:
    assert working_period(when.replace(tzinfo=TEHRAN)) == period


def test_working_period_reads_tehran_time_from_any_offset() -> None:
    from datetime import UTC

    assert working_period(datetime(2024, 3, 9, 5, 0, tzinfo=UTC)) == "work"  # 08:30 in Tehran
    assert working_period(datetime(2024, 3, 9, 3, 0, tzinfo=UTC)) == "off"  # 06:30 in Tehran


@pytest.mark.parametrize(
    ("when", "how"),
    [
        (datetime(2024, 3, 9, 0, 0), 0),  # Saturday midnight starts the week
        (datetime(2024, 3, 10, 10, 30), 34),
        (datetime(2024, 3, 15, 23, 59), 167),  # Friday night ends it
    ],
)
def test_hour_of_week_starts_on_saturday(when: datetime, how: int) -> None:
    assert hour_of_week(when.replace(tzinfo=TEHRAN)) == how


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        plan_source(_history(1, SUNDAY_10), SUNDAY_10.replace(tzinfo=None))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_interval": timedelta(0)},
        {"min_interval": timedelta(hours=2), "max_interval": timedelta(hours=1)},
        {"host_budget_per_hour": 0},
        {"burst_factor": 0},
        {"jitter": 1.0},
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ScheduleSettings(**kwargs)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------- learnt rates
def test_rate_model_learns_the_weekly_rate() -> None:
    model = rate_model(_history(10, SUNDAY_10), SUNDAY_10, SETTINGS)
    # 10 a day, six days a week (60), shrunk a little towards the prior's 5 a week: (240 + 2.5) / 4.5
    assert model.per_week == pytest.approx((240 + 2.5) / 4.5, abs=1.5)
    assert model.at(SUNDAY_10) > 20 * model.at(SUNDAY_10.replace(hour=3))


def test_a_new_source_is_not_diluted_over_the_lookback() -> None:
    pubs = tuple(SUNDAY_10 - timedelta(hours=h) for h in range(1, 21))  # 20 releases in its first day
    young = SourceHistory("new", "new.test", pubs, tracked_since=SUNDAY_10 - timedelta(days=1))
    old = SourceHistory("new", "new.test", pubs)
    assert rate_model(young, SUNDAY_10, SETTINGS).per_week > 4 * rate_model(old, SUNDAY_10, SETTINGS).per_week


@pytest.mark.parametrize(
    ("case", "per_day", "low", "high"),
    [
        ("busy news agency", 120, timedelta(minutes=5), timedelta(minutes=6)),  # every few minutes
        ("agency, several a day", 8, timedelta(minutes=6), timedelta(minutes=12)),
        ("daily provincial office", 1, timedelta(minutes=8), timedelta(minutes=16)),  # B9: p95 ≤ 15 min
        ("twice a week", 2 / 7, timedelta(minutes=14), timedelta(minutes=40)),
    ],
)
def test_learnt_interval_in_office_hours(case: str, per_day: float, low: timedelta, high: timedelta) -> None:
    plan = _one(_history(per_day, SUNDAY_10), SUNDAY_10)
    assert low <= plan.interval <= high, case
    assert plan.next_check == SUNDAY_10 + plan.interval


def test_busier_sources_are_checked_more_often() -> None:
    intervals = [_one(_history(r, SUNDAY_10, seed=3), SUNDAY_10).interval for r in (0.2, 1, 4, 16, 64)]
    assert intervals == sorted(intervals, reverse=True)
    assert intervals[0] > intervals[-1]


@pytest.mark.parametrize(
    "quiet",
    [
        SUNDAY_10.replace(hour=2),  # night
        datetime(2024, 3, 15, 10, 0, tzinfo=TEHRAN),  # Friday
        datetime(2024, 3, 14, 18, 0, tzinfo=TEHRAN),  # Thursday evening
    ],
)
@pytest.mark.parametrize("per_day", [1, 20])
def test_nights_and_fridays_are_checked_less(quiet: datetime, per_day: float) -> None:
    busy = _one(_history(per_day, SUNDAY_10), SUNDAY_10)
    calm = _one(_history(per_day, quiet), quiet)
    assert calm.interval > 1.5 * busy.interval
    assert calm.interval <= SETTINGS.max_interval


def test_a_news_agency_that_publishes_at_night_is_learnt_as_such() -> None:
    night = SUNDAY_10.replace(hour=2)
    office = _one(_history(60, night, hours=(8, 15)), night)
    round_clock = _one(_history(60, night, hours=(0, 24), fridays=True), night)
    assert round_clock.interval < office.interval / 3


def test_a_check_before_the_office_opens_is_pulled_to_the_morning() -> None:
    """With the square-root law a night check waits long; the office's opening pulls it in."""
    sqrt_law = ScheduleSettings(
        rate_exponent=0.5,
        reference_interval=timedelta(minutes=5),
        min_interval=timedelta(minutes=2),
        max_interval=timedelta(minutes=90),
    )
    early = SUNDAY_10.replace(hour=6, minute=50)
    plan = _one(_history(1, early), early, sqrt_law)
    assert plan.reason == "ahead"
    assert plan.next_check < SUNDAY_10.replace(hour=8)
    assert plan.interval < sqrt_law.max_interval


# ------------------------------------------------------------------------------------------- bursts
@pytest.mark.parametrize(
    ("ago", "burst"),
    [(timedelta(minutes=1), True), (timedelta(minutes=20), True), (timedelta(hours=6), False)],
)
def test_a_source_that_just_published_is_checked_sooner(ago: timedelta, burst: bool) -> None:
    base = _history(3, SUNDAY_10)
    calm = _one(base, SUNDAY_10)
    hot = _one(_history(3, SUNDAY_10, extra=(SUNDAY_10 - ago,)), SUNDAY_10)
    assert (hot.reason == "burst") is burst
    if burst:
        assert hot.interval < 0.9 * calm.interval
        assert hot.interval >= SETTINGS.min_interval


def test_a_check_that_found_new_items_counts_as_a_burst() -> None:
    surface = SurfaceHistory("https://a.test/rss", last_check=SUNDAY_10, last_outcome="new")
    found = _one(_history(3, SUNDAY_10, surfaces=(surface,)), SUNDAY_10)
    quiet = _one(
        _history(3, SUNDAY_10, surfaces=(replace_outcome(surface, "nothing"),)),
        SUNDAY_10,
    )
    assert found.reason == "burst"
    assert found.interval < quiet.interval


def replace_outcome(s: SurfaceHistory, outcome: str) -> SurfaceHistory:
    from dataclasses import replace

    return replace(s, last_outcome=outcome)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------- failures
def _failing(k: int, source_id: str = "kerman-behzisti") -> CheckPlan:
    surface = SurfaceHistory(
        "https://kerman.behzisti.test/rss",
        last_check=SUNDAY_10,
        last_outcome="failed" if k else "nothing",
        consecutive_failures=k,
    )
    return _one(_history(8, SUNDAY_10, source_id=source_id, surfaces=(surface,)), SUNDAY_10)


def test_failures_back_off_exponentially_up_to_the_maximum_and_recover() -> None:
    healthy = _failing(0)
    backoffs = [_failing(k) for k in range(1, 12)]
    intervals = [p.interval for p in backoffs]
    assert all(p.reason == "backoff" for p in backoffs)
    assert intervals[0] > healthy.interval
    for k, interval in enumerate(
        intervals, 1
    ):  # doubling up to the maximum, less at most a quarter of jitter
        pure = min(SETTINGS.max_interval, healthy.interval * 2**k)
        assert (1 - SETTINGS.jitter) * pure <= interval <= pure
    assert intervals[1] > 1.4 * intervals[0]
    assert all(i <= SETTINGS.max_interval for i in intervals)
    assert intervals[-1] >= (1 - SETTINGS.jitter) * SETTINGS.max_interval
    assert _failing(0) == healthy  # recovered: the failure count reset gives the learnt interval back


def test_backoff_jitter_is_deterministic_and_spreads_sources() -> None:
    assert _failing(3) == _failing(3)
    spread = {_failing(12, source_id=f"site-{i}").interval for i in range(8)}
    assert len(spread) == 8  # sources that failed together do not retry together


# ------------------------------------------------------------------------------------------- surfaces
def test_never_checked_surfaces_are_due_now() -> None:
    h = _history(1, SUNDAY_10, surfaces=(SurfaceHistory("https://a.test/rss"),))
    plan = _one(h, SUNDAY_10)
    assert (plan.next_check, plan.reason) == (SUNDAY_10, "first")


def test_an_overdue_surface_is_due_now_not_in_the_past() -> None:
    surface = SurfaceHistory("https://a.test/rss", last_check=SUNDAY_10 - timedelta(days=2))
    assert _one(_history(1, SUNDAY_10, surfaces=(surface,)), SUNDAY_10).next_check == SUNDAY_10


def test_secondary_surfaces_are_checked_less_often() -> None:
    surfaces = (
        SurfaceHistory("https://a.test/rss", "feed", last_check=SUNDAY_10),
        SurfaceHistory("https://a.test/sitemap.xml", "sitemap", "secondary", last_check=SUNDAY_10),
    )
    feed, sitemap = sorted(
        plan_source(_history(2, SUNDAY_10, surfaces=surfaces), SUNDAY_10), key=lambda p: p.kind
    )
    assert feed.kind == "feed"
    assert sitemap.interval > 2 * feed.interval


# ------------------------------------------------------------------------------------------- budget
def _host_sources(n_sources: int, per_day: float, host: str = "www.irna.test") -> list[SourceHistory]:
    return [
        _history(
            per_day,
            SUNDAY_10,
            source_id=f"irna-{i}",
            host=host,
            seed=i,
            surfaces=(
                SurfaceHistory(f"https://{host}/rss/{i}", last_check=SUNDAY_10),
                SurfaceHistory(f"https://{host}/sitemap-news/{i}.xml", "sitemap", last_check=SUNDAY_10),
            ),
        )
        for i in range(n_sources)
    ]


def _per_hour(plans: list[CheckPlan], host: str) -> float:
    return sum(timedelta(hours=1) / p.interval for p in plans if p.host == host)


@pytest.mark.parametrize("budget", [6.0, 30.0, 120.0])
def test_the_host_budget_caps_the_sum_of_its_surfaces(budget: float) -> None:
    settings = ScheduleSettings(host_budget_per_hour=budget)
    plans = plan_checks(_host_sources(5, 100), SUNDAY_10, settings)
    free = plan_checks(_host_sources(5, 100), SUNDAY_10, ScheduleSettings(host_budget_per_hour=1e9))
    allowed = rate_budget(10, budget)  # 5 sources × 2 surfaces
    assert _per_hour(plans, "www.irna.test") <= allowed * (1 + 1e-9)
    if _per_hour(free, "www.irna.test") > allowed:
        assert all(p.reason == "budget" for p in plans)
        assert _per_hour(plans, "www.irna.test") > 0.95 * allowed  # stretched just enough, not more
    else:
        assert plans == free


def _busiest_hour(plans: list[CheckPlan], hours: int = 3) -> int:
    """Checks of the steady schedule (each surface every interval from its next check) in the busiest sliding
    hour: what a host sees, as opposed to the average rate."""
    times = sorted(
        p.next_check + k * p.interval
        for p in plans
        for k in range(int(timedelta(hours=hours) / p.interval) + 1)
    )
    lo, most = 0, 0
    for i, t in enumerate(times):
        while t - times[lo] >= timedelta(hours=1):
            lo += 1
        most = max(most, i - lo + 1)
    return most


@pytest.mark.parametrize("budget", [12.0, 30.0, 45.0])
def test_no_sliding_hour_holds_more_than_the_budget(budget: float) -> None:
    """8-minute checks are 7.5 an hour on average but 8 in some hour: the plans leave room for that rounding."""
    for n_sources in (1, 2, 3):
        settings = ScheduleSettings(host_budget_per_hour=budget, min_interval=timedelta(minutes=1))
        plans = plan_checks(_host_sources(n_sources, 300), SUNDAY_10, settings)
        assert _busiest_hour(plans) <= budget


def test_a_schedule_at_the_whole_budget_exceeds_it_in_some_hour() -> None:
    """Why `rate_budget` keeps a margin: 4 surfaces every 8 minutes are 30 checks an hour, yet 32 in one."""
    plans = plan_checks(_host_sources(2, 300), SUNDAY_10, ScheduleSettings(host_budget_per_hour=1e9))
    naive = [replace(p, interval=timedelta(minutes=8), next_check=SUNDAY_10) for p in plans]
    assert len(naive) == 4 and _per_hour(naive, "www.irna.test") == 30
    assert _busiest_hour(naive) == 32
    assert rate_budget(4, 30) == 26


def test_the_budget_is_per_host() -> None:
    settings = ScheduleSettings(host_budget_per_hour=10)
    crowded = _host_sources(4, 100, host="www.irna.test")
    alone = _host_sources(1, 100, host="www.isna.test")
    plans = plan_checks(crowded + alone, SUNDAY_10, settings)
    isna = [p for p in plans if p.host == "www.isna.test"]
    irna = [p for p in plans if p.host == "www.irna.test"]
    assert min(p.interval for p in isna) < min(p.interval for p in irna)
    assert _per_hour(plans, "www.irna.test") <= 10 * (1 + 1e-9)


def test_the_budget_wins_over_the_maximum_interval() -> None:
    settings = ScheduleSettings(host_budget_per_hour=4, max_interval=timedelta(minutes=30))
    plans = plan_checks(_host_sources(6, 0.1), SUNDAY_10, settings)  # 12 surfaces ≥ 24/h even at max
    assert _per_hour(plans, "www.irna.test") <= 4 * (1 + 1e-9)
    assert all(p.interval > settings.max_interval for p in plans)


# ------------------------------------------------------------------------------------------- properties
@pytest.mark.parametrize("seed", range(12))
def test_properties_over_random_histories(seed: int) -> None:
    """Whatever the history: next check never in the past, intervals within bounds, budgets held, deterministic."""
    rng = random.Random(seed)
    settings = ScheduleSettings(
        min_interval=timedelta(minutes=rng.choice([1, 2, 5])),
        max_interval=timedelta(minutes=rng.choice([30, 60, 120])),
        host_budget_per_hour=rng.choice([5.0, 20.0, 60.0]),
    )
    now = datetime(2024, 3, 9, tzinfo=TEHRAN) + timedelta(minutes=rng.randrange(7 * 24 * 60))
    hosts = [f"h{i}.test" for i in range(3)]
    histories = []
    for i in range(rng.randrange(1, 8)):
        pubs = tuple(
            now - timedelta(minutes=rng.expovariate(1 / (60 * 24 * rng.choice([0.1, 1, 7]))))
            for _ in range(rng.randrange(0, 300))
        )
        surfaces = tuple(
            SurfaceHistory(
                f"https://s{i}.test/{j}",
                rng.choice(["feed", "sitemap", "home"]),
                rng.choice(["primary", "secondary"]),
                last_check=rng.choice([None, now - timedelta(minutes=rng.randrange(0, 300))]),
                last_outcome=rng.choice([None, "new", "nothing", "failed"]),
                consecutive_failures=rng.choice([0, 0, 1, 3, 9]),
            )
            for j in range(rng.randrange(1, 4))
        )
        histories.append(SourceHistory(f"s{i}", rng.choice(hosts), pubs, surfaces))
    plans = plan_checks(histories, now, settings)
    assert plans == plan_checks(histories, now, settings)
    assert len(plans) == sum(len(h.surfaces) for h in histories)
    assert [p.next_check for p in plans] == sorted(p.next_check for p in plans)
    for host in hosts:
        on_host = [p for p in plans if p.host == host]
        assert _per_hour(on_host, host) <= settings.host_budget_per_hour * (1 + 1e-9)
        feasible = len(on_host) * (settings.max_interval / timedelta(hours=1)) ** -1 <= rate_budget(
            len(on_host), settings.host_budget_per_hour
        )
        for p in on_host:
            assert p.next_check >= now
            assert p.interval >= settings.min_interval
            if feasible:
                assert p.interval <= settings.max_interval


def test_quiet_hours_go_to_the_maximum_when_a_quiet_rate_is_set() -> None:
    night = SUNDAY_10.replace(hour=3)
    quiet = ScheduleSettings(quiet_rate=0.05)
    assert _one(_history(1, night), night, quiet).interval == quiet.max_interval
    assert _one(_history(1, night), night).interval < SETTINGS.max_interval  # off by default
    assert _one(_history(1, SUNDAY_10), SUNDAY_10, quiet) == _one(_history(1, SUNDAY_10), SUNDAY_10)


def test_the_fixed_interval_poller_ignores_the_rate_but_keeps_backoff_and_budget() -> None:
    """B9's baseline: one interval for a busy and a quiet source, at night as in office hours."""
    fixed = fixed_interval(timedelta(minutes=20))
    for when in (SUNDAY_10, SUNDAY_10.replace(hour=3)):
        busy = fixed([_history(40, when, source_id="busy", host="busy.test")], when, SETTINGS)
        quiet = fixed([_history(0.2, when, source_id="quiet", host="quiet.test")], when, SETTINGS)
        assert {p.interval for p in busy + quiet} == {timedelta(minutes=20)}
    failing = _history(40, SUNDAY_10, source_id="down", host="down.test")
    failing = replace(failing, surfaces=tuple(replace(s, consecutive_failures=2) for s in failing.surfaces))
    assert all(
        p.reason == "backoff" and p.interval > timedelta(minutes=20) for p in fixed([failing], SUNDAY_10)
    )
    with pytest.raises(ValueError):
        fixed_interval(timedelta(0))
