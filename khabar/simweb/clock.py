"""Calendar helpers of the simulated web: Tehran time, Jalali dates and the ways Iranian sites write them.

Iran used +04:30 in summer until 2022 and +03:30 since; ``zoneinfo`` (Asia/Tehran) knows both, so every instant
here is built with it and written as ISO 8601 with its real offset.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import jdatetime

from khabar.extractors.jalali import JALALI_MONTHS
from khabar.simweb.numwords import digits as _digits

TEHRAN = ZoneInfo("Asia/Tehran")
WEEKDAYS = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه")  # by date.weekday()
_RFC_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_RFC_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def tehran(d: date, minute_of_day: int) -> datetime:
    """An aware datetime on day ``d`` at ``minute_of_day`` (seconds may be added by callers)."""
    return datetime.combine(d, time(minute_of_day // 60, minute_of_day % 60), tzinfo=TEHRAN)


def end_of_day(d: date) -> datetime:
    return datetime.combine(d + timedelta(days=1), time(0, 0), tzinfo=TEHRAN)


@functools.lru_cache(maxsize=8192)
def jalali(d: date) -> tuple[int, int, int]:
    j = jdatetime.date.fromgregorian(date=d)
    return j.year, j.month, j.day


def jalali_iso(d: date) -> str:
    y, m, dd = jalali(d)
    return f"{y:04d}-{m:02d}-{dd:02d}"


def iso(dt: datetime) -> str:
    return dt.astimezone(TEHRAN).isoformat()


def http_date(dt: datetime) -> str:
    u = dt.astimezone(ZoneInfo("UTC"))
    return (
        f"{_RFC_DAYS[u.weekday()]}, {u.day:02d} {_RFC_MONTHS[u.month - 1]} {u.year} "
        f"{u.hour:02d}:{u.minute:02d}:{u.second:02d} GMT"
    )


def rfc822(dt: datetime) -> str:
    """RSS pubDate with the Tehran offset, as Iranian feeds write it."""
    t = dt.astimezone(TEHRAN)
    off = t.strftime("%z")
    return (
        f"{_RFC_DAYS[t.weekday()]}, {t.day:02d} {_RFC_MONTHS[t.month - 1]} {t.year} "
        f"{t.hour:02d}:{t.minute:02d}:{t.second:02d} {off}"
    )


def d(n: int, script: str, width: int = 0) -> str:
    s = str(n).zfill(width) if width else str(n)
    return _digits(s, script)


def byline_numeric(dt: datetime, script: str) -> str:
    """Portal style: ``1402/05/12 - 14:35`` in the site's digits."""
    t = dt.astimezone(TEHRAN)
    y, m, dd = jalali(t.date())
    return f"{d(y, script)}/{d(m, script, 2)}/{d(dd, script, 2)} - {d(t.hour, script, 2)}:{d(t.minute, script, 2)}"


def byline_words(dt: datetime, script: str = "persian", weekday: bool = False) -> str:
    """News-agency style: ``پنجشنبه ۱۲ مرداد ۱۴۰۲ - ۱۴:۳۵``."""
    t = dt.astimezone(TEHRAN)
    y, m, dd = jalali(t.date())
    s = f"{d(dd, script)} {JALALI_MONTHS[m - 1]} {d(y, script)} - {d(t.hour, script, 2)}:{d(t.minute, script, 2)}"
    return f"{WEEKDAYS[t.weekday()]} {s}" if weekday else s


def byline_aspnet(dt: datetime, script: str = "persian") -> str:
    """Old ASP.NET style: ``۲ تیر ۱۳۹۹ - ۱۲:۰۹:۰۸ ب.ظ`` (12-hour clock, ق.ظ / ب.ظ)."""
    t = dt.astimezone(TEHRAN)
    y, m, dd = jalali(t.date())
    h12 = t.hour % 12 or 12
    ampm = "ق.ظ" if t.hour < 12 else "ب.ظ"
    return (
        f"{d(dd, script)} {JALALI_MONTHS[m - 1]} {d(y, script)} - "
        f"{d(h12, script, 2)}:{d(t.minute, script, 2)}:{d(t.second, script, 2)} {ampm}"
    )


@dataclass(frozen=True)
class LiveClock:
    """A simulated clock that runs: ``start`` at real (monotonic) second ``real_start``, then ``speed`` simulated
    seconds per real second (1 = real time, 60 = an hour a minute). Why monotonic: the wall clock may jump, and the
    simulated web must never unpublish a page it has shown."""

    start: datetime  # aware
    speed: float
    real_start: float

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.start.utcoffset() is None:
            raise ValueError("LiveClock.start must be an aware datetime")
        if not self.speed > 0:
            raise ValueError("speed must be positive")

    def at(self, monotonic: float) -> datetime:
        """The simulated instant (Tehran time, whole microseconds) at real monotonic second ``monotonic``."""
        elapsed = max(0.0, monotonic - self.real_start)
        return (self.start + timedelta(seconds=elapsed * self.speed)).astimezone(TEHRAN)
