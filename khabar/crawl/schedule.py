"""Adaptive polling: when to check each discovery surface of a source next (issue 22), as a pure function.

Why a pure function: the watch mode, its benchmark and the tests all need the same decision, and a decision that
reads no clock, opens no socket and runs no SQL can be replayed on any history (the simulated week of B9, a test's
hand-made case). Callers pass the clock value (``now``) and the history; this module returns plans.

The policy, in the order it is applied:

1. **Learnt rate.** A source's expected releases per hour at an instant comes from its own publication times over
   ``lookback``: a Gamma–Poisson estimate of its weekly rate (``prior_per_week`` worth ``prior_weeks`` keeps a new
   source from being judged on one day), spread over the 168 Tehran hours of the week by its own hour-of-week
   histogram smoothed towards a working-hours prior (Sat–Wed 07:30–16:00, Thursday to noon, Friday off), so a quiet
   office follows office hours and a busy news agency its own habits.
2. **A power law of the rate.** Checking every ``I`` costs ``1/I`` requests and delays a release by ``I/2`` on
   average; under a request budget the *mean* delay is smallest with ``I ∝ rate^-½`` (Cho & Garcia-Molina's
   freshness result), but that starves quiet sources and inflates the tail B9 is judged on (p95, p99). So
   ``I = reference_interval × (rate per hour)^-rate_exponent``, clamped to ``[min_interval, max_interval]``, with
   the exponent 0.2 by default: on a replay of a simulated week (simweb live rates, 140 sites, equal request
   counts) it gave p95 13 min / p99 25 min against 17.5 / 18 for a fixed interval, where 0.5 gave p95 22 / p99
   50. Outside working hours the interval is stretched by ``off_hours_factor``; below ``quiet_rate`` it goes to
   ``max_interval``; a check due after a busier hour starts is pulled in to that hour.
3. **Bursts.** A release just published (or a check that just found new items) shortens the interval by up to
   ``burst_factor``, fading with ``burst_window``: a meeting is often followed by several releases.
4. **Failures** back off exponentially (``backoff_base ** failures``) up to ``max_interval``, shortened by a jitter
   derived from the source, surface and failure count, so sources that failed together do not retry together and
   the same history always yields the same plan.
5. **Politeness.** The checks of one host's surfaces must not exceed ``host_budget_per_hour`` in any sliding
   hour (``rate_budget``: the planned rate stays a check per surface below it): when they would, every interval
   on the host is stretched by the same factor (keeping the proportions between them).
   The budget wins over ``max_interval`` when both cannot hold.
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

TEHRAN = ZoneInfo("Asia/Tehran")
HOURS_PER_WEEK = 168

Outcome = Literal["new", "nothing", "failed"]
Period = Literal["work", "half", "off"]
SurfaceRole = Literal["primary", "secondary"]
Reason = Literal["first", "learnt", "burst", "ahead", "backoff", "min", "max", "budget"]

# Tehran working hours as (start minute, end minute) of the day, by Python weekday (Monday = 0).
_WORK: dict[int, tuple[int, int]] = {
    5: (7 * 60 + 30, 16 * 60),  # Saturday
    6: (7 * 60 + 30, 16 * 60),  # Sunday
    0: (7 * 60 + 30, 16 * 60),  # Monday
    1: (7 * 60 + 30, 16 * 60),  # Tuesday
    2: (7 * 60 + 30, 16 * 60),  # Wednesday
    3: (7 * 60 + 30, 12 * 60),  # Thursday: half day
}  # Friday (4): weekend


@dataclass(frozen=True)
class ScheduleSettings:
    """The knobs of the policy; defaults aim at B9 (p95 ≤ 15 min for daily publishers) at a few requests per hour."""

    min_interval: timedelta = timedelta(minutes=5)
    max_interval: timedelta = timedelta(minutes=60)
    # The interval of a source publishing one release per hour; interval ∝ rate ** -rate_exponent (0.5, the
    # square-root law, minimises mean delay; lower exponents even the tail out across sources).
    reference_interval: timedelta = timedelta(minutes=10)
    rate_exponent: float = 0.2
    # Below this many releases per hour (a night, a Friday for an office) checks go to ``max_interval``.
    quiet_rate: float = 0.0
    lookback: timedelta = timedelta(days=28)
    # What an unknown source is assumed to publish, and how many weeks of evidence that assumption is worth.
    prior_per_week: float = 5.0
    prior_weeks: float = 0.5
    # Pseudo-releases pulling the hour-of-week histogram towards office hours; the prior's evening weight.
    shape_prior_weight: float = 10.0
    prior_evening: float = 0.25
    # Stretch outside working hours, beyond what the learnt rate already says.
    off_hours_factor: float = 1.0
    # Interval multiplier right after a release, fading with ``burst_window``.
    burst_factor: float = 0.4
    burst_window: timedelta = timedelta(minutes=45)
    backoff_base: float = 2.0
    jitter: float = 0.25  # a failing surface retries up to this share earlier than the pure backoff
    secondary_factor: float = 4.0  # sitemap index, archive: checked this much less often than the feed
    host_budget_per_hour: float = 30.0  # checks per hour summed over one host's surfaces

    def __post_init__(self) -> None:
        if not timedelta(0) < self.min_interval <= self.max_interval:
            raise ValueError("need 0 < min_interval <= max_interval")
        if self.host_budget_per_hour <= 0:
            raise ValueError("host_budget_per_hour must be positive")
        if not 0 < self.burst_factor <= 1 or not 0 <= self.jitter < 1:
            raise ValueError("burst_factor must be in (0, 1] and jitter in [0, 1)")


@dataclass(frozen=True)
class SurfaceHistory:
    """One discovery surface (feed, news sitemap, home page, …) and how its checks went."""

    url: str
    kind: str = "feed"
    role: SurfaceRole = "primary"
    last_check: datetime | None = None  # None: never checked, due now
    last_outcome: Outcome | None = None
    consecutive_failures: int = 0


@dataclass(frozen=True)
class SourceHistory:
    """What the scheduler knows of a source: its host, its recent publication instants and its surfaces.

    ``published`` should hold every publication seen since ``tracked_since`` (or within the lookback); the rate is
    computed over that span, so a source added yesterday is not diluted over four weeks."""

    source_id: str
    host: str
    published: tuple[datetime, ...] = ()
    surfaces: tuple[SurfaceHistory, ...] = ()
    tracked_since: datetime | None = None


@dataclass(frozen=True)
class CheckPlan:
    """When to check one surface next, and why (``reason`` names the rule that set the interval last)."""

    source_id: str
    host: str
    url: str
    kind: str
    next_check: datetime
    interval: timedelta
    reason: Reason
    rate_per_hour: float  # the source's expected releases per hour at ``now``


@dataclass(frozen=True)
class RateModel:
    """A source's expected releases per hour for each Tehran hour of the week (index: ``hour_of_week``)."""

    per_week: float
    hourly: tuple[float, ...] = field(repr=False)

    def at(self, when: datetime) -> float:
        return self.hourly[hour_of_week(when)]


# ---------------------------------------------------------------------------------------------- calendar
def _aware(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"naive datetime {dt.isoformat()}: pass aware datetimes")
    return dt


def hour_of_week(when: datetime) -> int:
    """0 … 167 counted from Saturday 00:00 Tehran time (the Iranian week starts on Saturday)."""
    t = _aware(when).astimezone(TEHRAN)
    return ((t.weekday() - 5) % 7) * 24 + t.hour


def working_period(when: datetime) -> Period:
    """``work`` in Tehran office hours, ``half`` on a Thursday morning, ``off`` otherwise (and all of Friday)."""
    t = _aware(when).astimezone(TEHRAN)
    span = _WORK.get(t.weekday())
    minute = t.hour * 60 + t.minute
    if span is None or not span[0] <= minute < span[1]:
        return "off"
    return "half" if t.weekday() == 3 else "work"


@functools.lru_cache(maxsize=16)
def prior_shape(evening: float = 0.25) -> tuple[float, ...]:
    """Share of releases per hour of the week assumed before any evidence: mostly office hours, some evenings."""
    weights = []
    for how in range(HOURS_PER_WEEK):
        weekday = (how // 24 + 5) % 7
        hour = how % 24
        span = _WORK.get(weekday)
        inside = 0.0
        if span is not None:
            lo, hi = max(span[0], hour * 60), min(span[1], hour * 60 + 60)
            inside = max(0, hi - lo) / 60
        outside = evening if 16 <= hour < 23 and weekday != 4 else 0.02
        weights.append(inside + (1 - inside) * outside)
    total = sum(weights)
    return tuple(w / total for w in weights)


# ---------------------------------------------------------------------------------------------- rate
def rate_model(history: SourceHistory, now: datetime, settings: ScheduleSettings) -> RateModel:
    """The source's learnt hour-of-week rates from its publications in ``[now - lookback, now]``."""
    now = _aware(now)
    start = now - settings.lookback
    if history.tracked_since is not None and _aware(history.tracked_since) > start:
        start = history.tracked_since
    counts = [0.0] * HOURS_PER_WEEK
    n = 0
    for p in history.published:
        if start <= _aware(p) <= now:
            counts[hour_of_week(p)] += 1
            n += 1
    weeks = max((now - start) / timedelta(weeks=1), 0.0)
    per_week = (n + settings.prior_per_week * settings.prior_weeks) / (weeks + settings.prior_weeks)
    alpha = settings.shape_prior_weight
    prior = prior_shape(settings.prior_evening)
    share = [(counts[h] + alpha * prior[h]) / (n + alpha) for h in range(HOURS_PER_WEEK)]
    smooth = [
        0.25 * share[h - 1] + 0.5 * share[h] + 0.25 * share[(h + 1) % HOURS_PER_WEEK]
        for h in range(HOURS_PER_WEEK)
    ]
    return RateModel(per_week, tuple(per_week * s for s in smooth))


def _learnt(rate: float, when: datetime, settings: ScheduleSettings) -> timedelta:
    """Square-root law, clamped; stretched off hours."""
    if rate <= settings.quiet_rate or rate <= 0:
        return settings.max_interval
    interval = settings.reference_interval / rate**settings.rate_exponent
    if working_period(when) == "off":
        interval *= settings.off_hours_factor
    return min(settings.max_interval, max(settings.min_interval, interval))


def _jitter(source_id: str, url: str, failures: int) -> float:
    digest = hashlib.blake2b(f"{source_id}|{url}|{failures}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


# ---------------------------------------------------------------------------------------------- plans
def _surface_plan(
    history: SourceHistory,
    surface: SurfaceHistory,
    model: RateModel,
    now: datetime,
    settings: ScheduleSettings,
) -> CheckPlan:
    rate = model.at(now)
    interval = _learnt(rate, now, settings)
    reason: Reason = "learnt"
    if interval <= settings.min_interval:
        reason = "min"
    elif interval >= settings.max_interval:
        reason = "max"
    # A check due after a busier hour has begun is pulled in to that hour's own interval.
    if surface.last_check is not None:
        due = _aware(surface.last_check) + interval
        top = now.astimezone(TEHRAN).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        while top < due:
            ahead = top + _learnt(model.at(top), top, settings)
            if ahead < due:
                due, reason = ahead, "ahead"
            top += timedelta(hours=1)
        interval = due - _aware(surface.last_check)
    # Bursts: the newest release, or a check that just found something, shortens the wait.
    recent = [p for p in history.published if _aware(p) <= now]
    news_at = max(recent, default=None)
    if surface.last_outcome == "new" and surface.last_check is not None:
        news_at = max(news_at or surface.last_check, surface.last_check)
    if news_at is not None:
        age = max(now - news_at, timedelta(0))
        factor = 1 - (1 - settings.burst_factor) * math.exp(-(age / settings.burst_window))
        if factor < 0.95:
            interval, reason = interval * factor, "burst"
    if surface.role == "secondary":
        interval *= settings.secondary_factor
    interval = min(settings.max_interval, max(settings.min_interval, interval))
    if surface.consecutive_failures > 0:
        k = surface.consecutive_failures
        backoff = min(
            settings.max_interval.total_seconds(),
            interval.total_seconds() * settings.backoff_base ** min(k, 64),
        )
        backoff *= 1 - settings.jitter * _jitter(history.source_id, surface.url, k)
        interval = max(settings.min_interval, timedelta(seconds=backoff))
        reason = "backoff"
    if surface.last_check is None:
        reason = "first"
    return CheckPlan(
        source_id=history.source_id,
        host=history.host,
        url=surface.url,
        kind=surface.kind,
        next_check=now,  # set by _due once the host budget is applied
        interval=interval,
        reason=reason,
        rate_per_hour=rate,
    )


def _due(plan: CheckPlan, last_check: datetime | None, now: datetime) -> CheckPlan:
    if last_check is None:
        return replace(plan, next_check=now)
    return replace(plan, next_check=max(now, _aware(last_check) + plan.interval))


def _per_hour(plans: Iterable[CheckPlan]) -> float:
    return sum(timedelta(hours=1) / p.interval for p in plans)


def rate_budget(surfaces: int, budget: float) -> float:
    """The checks per hour a host's plans may sum to so that no sliding hour ever holds more than ``budget``.

    Why less than the budget: a surface checked every ``I`` is checked up to ``ceil(1 h / I)`` times in some hour,
    one more than its rate at worst (every 8 minutes is 7.5 an hour, yet 8 checks from :00 to :56), so planning
    ``budget - surfaces`` an hour keeps every window within ``budget``. A host with half its budget or more in
    surfaces gets half its budget (then the guarantee is the average, not every window)."""
    return budget - surfaces if surfaces < budget / 2 else budget / 2


def _apply_budget(plans: list[CheckPlan], settings: ScheduleSettings) -> list[CheckPlan]:
    """Stretch every interval of one host by one factor until the host's checks fit its budget in every hour."""
    budget = rate_budget(len(plans), settings.host_budget_per_hour)
    if _per_hour(plans) <= budget:
        return plans
    if len(plans) / (settings.max_interval / timedelta(hours=1)) > budget:
        # Even every surface at max_interval would exceed the budget: the budget wins.
        floor = timedelta(hours=len(plans) / budget)
        return [replace(p, interval=max(p.interval, floor), reason="budget") for p in plans]

    def stretched(s: float) -> list[CheckPlan]:
        return [replace(p, interval=min(settings.max_interval, p.interval * s)) for p in plans]

    lo, hi = 1.0, 2.0
    while _per_hour(stretched(hi)) > budget:
        hi *= 2
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _per_hour(stretched(mid)) > budget else (lo, mid)
    return [replace(p, reason="budget") for p in stretched(hi)]


def plan_checks(
    histories: Sequence[SourceHistory], now: datetime, settings: ScheduleSettings | None = None
) -> list[CheckPlan]:
    """The next check of every surface of every source, host budgets applied; sorted by ``next_check``."""
    settings = settings or ScheduleSettings()
    now = _aware(now)
    by_host: dict[str, list[tuple[CheckPlan, datetime | None]]] = defaultdict(list)
    for h in histories:
        model = rate_model(h, now, settings)
        for s in h.surfaces:
            by_host[h.host.lower()].append((_surface_plan(h, s, model, now, settings), s.last_check))
    out: list[CheckPlan] = []
    for entries in by_host.values():
        plans = _apply_budget([p for p, _ in entries], settings)
        out += [_due(p, last, now) for p, (_, last) in zip(plans, entries, strict=True)]
    out.sort(key=lambda p: (p.next_check, p.host, p.url))
    return out


Planner = Callable[[Sequence[SourceHistory], datetime, ScheduleSettings | None], list[CheckPlan]]


def fixed_interval(interval: timedelta) -> Planner:
    """The baseline B9 compares with: every surface checked every ``interval``, whatever the source publishes
    (no learnt rate, no burst, no office hours), failures backing off and host budgets applied as for the
    adaptive policy, so the two differ only in what the rate tells them. ``WatchOptions.planner`` swaps it in."""
    if interval <= timedelta(0):
        raise ValueError("interval must be positive")

    def plan(
        histories: Sequence[SourceHistory], now: datetime, settings: ScheduleSettings | None = None
    ) -> list[CheckPlan]:
        base = settings or ScheduleSettings()
        fixed = replace(
            base,
            min_interval=interval,
            max_interval=max(interval, base.max_interval),
            reference_interval=interval,
            rate_exponent=0.0,
            quiet_rate=-1.0,
            off_hours_factor=1.0,
            burst_factor=1.0,
            secondary_factor=1.0,
        )
        return plan_checks(histories, now, fixed)

    return plan


def plan_source(
    history: SourceHistory, now: datetime, settings: ScheduleSettings | None = None
) -> list[CheckPlan]:
    """One source alone (its host's budget shared by its own surfaces only)."""
    return plan_checks([history], now, settings)
