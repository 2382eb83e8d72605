"""Publication dates: ISO in structured data, Jalali in bylines (any digits, month names Iranian or Afghan,
weekday prefixes, «ساعت», ق.ظ/ب.ظ), relative («۲ ساعت پیش») against the fetch time.

All instants are built in Asia/Tehran with ``zoneinfo`` so the offset is the one in force that day (+04:30 in
summers before 2022, +03:30 otherwise).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import jdatetime

from extractors.normalize import match_form

TEHRAN = ZoneInfo("Asia/Tehran")

_MONTHS = {
    "فروردین": 1,
    "اردیبهشت": 2,
    "خرداد": 3,
    "تیر": 4,
    "مرداد": 5,
    "امرداد": 5,
    "شهریور": 6,
    "مهر": 7,
    "آبان": 8,
    "آذر": 9,
    "دی": 10,
    "بهمن": 11,
    "اسفند": 12,
    # Dari (Afghan) solar months
    "حمل": 1,
    "ثور": 2,
    "جوزا": 3,
    "سرطان": 4,
    "اسد": 5,
    "سنبله": 6,
    "میزان": 7,
    "عقرب": 8,
    "قوس": 9,
    "جدی": 10,
    "دلو": 11,
    "حوت": 12,
}
_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAYS = r"(?:شنبه|یک\s?\u200c?شنبه|یکشنبه|دو\s?\u200c?شنبه|دوشنبه|سه\s?\u200c?شنبه|چهار\s?\u200c?شنبه|چهارشنبه|پنج\s?\u200c?شنبه|پنجشنبه|جمعه)"
_TIME = r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\s*(?P<ampm>ب\.?\s?ظ|ق\.?\s?ظ|بعد از ظهر|قبل از ظهر|صبح|عصر|AM|PM|am|pm)\.?)?"
_SEP = r"\s*(?:[-–—|,،]|\s|ساعت|ساعت:)*\s*"
_NUMERIC = re.compile(
    r"(?<![\d/])(?P<y>1[34]\d\d|20\d\d)\s?[/\-.]\s?(?P<m>\d{1,2})\s?[/\-.]\s?(?P<d>\d{1,2})(?![\d/])"
)
_NUMERIC_DMY = re.compile(r"(?<![\d/])(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>1[34]\d\d)(?![\d/])")
_WORDS = re.compile(
    rf"(?:{_WEEKDAYS}\s*[،,]?\s*)?(?<!\d)(?P<d>\d{{1,2}})\s*(?P<mon>{_MONTH_ALT})(?:\s*\u200c?ماه)?\s*[،,]?\s*(?P<y>1[34]\d\d|\d{{2}})(?!\d)"
)
_TIME_AFTER = re.compile(_SEP + _TIME)
_TIME_BEFORE = re.compile(_TIME + r"\s*(?:[-–—|,،]\s*)?$")
_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T\s](?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?"
    r"(?:\.\d+)?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
)
_NUMWORDS = {
    "یک": 1,
    "دو": 2,
    "سه": 3,
    "چهار": 4,
    "پنج": 5,
    "شش": 6,
    "هفت": 7,
    "هشت": 8,
    "نه": 9,
    "ده": 10,
    "چند": 1,
    "نیم": 0.5,
}
_RELATIVE = re.compile(
    r"(?P<n>\d+|" + "|".join(_NUMWORDS) + r")\s*(?P<u>ثانیه|دقیقه|ساعت|روز|هفته|ماه|سال)\s*(?:پیش|قبل)"
)


def _sane(dt: datetime, fetched_at: datetime | None) -> bool:
    ceiling = (fetched_at or datetime.now(UTC)) + timedelta(days=2)
    return datetime(1990, 1, 1, tzinfo=UTC) <= dt <= ceiling


def _jalali_to_dt(y: int, m: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime | None:
    if y < 100:
        y += 1300 if y > 50 else 1400
    try:
        g = jdatetime.date(y, m, d).togregorian()
        return datetime(g.year, g.month, g.day, h, mi, s, tzinfo=TEHRAN)
    except (ValueError, OverflowError):
        return None


def _greg_to_dt(y: int, m: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime | None:
    try:
        return datetime(y, m, d, h, mi, s, tzinfo=TEHRAN)
    except ValueError:
        return None


def _hour(h: int, ampm: str | None) -> int:
    if not ampm:
        return h
    pm = ampm.startswith(("ب", "عصر", "PM", "pm"))
    if pm and h < 12:
        return h + 12
    if not pm and h == 12 and ampm.startswith(("ق", "AM", "am")):
        return 0
    return h


def parse_iso(value: str, fetched_at: datetime | None = None) -> datetime | None:
    """An ISO 8601 value from a meta/JSON-LD field; a Jalali year there (a common CMS bug) is read as Jalali."""
    if not value:
        return None
    v = match_form(value.strip())
    m = _ISO.search(v)
    if not m:
        return None
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    h, mi, s = int(m["h"] or 0), int(m["mi"] or 0), int(m["s"] or 0)
    if y < 1700:  # a Jalali date in an ISO field: the wall-clock time is Tehran's whatever the offset says
        return _jalali_to_dt(y, mo, d, h, mi, s)
    tz = m["tz"]
    try:
        if tz:
            dt = datetime.fromisoformat(
                f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}"
                + ("+00:00" if tz == "Z" else tz if ":" in tz else f"{tz[:3]}:{tz[3:]}")
            )
            dt = dt.astimezone(TEHRAN)
        else:
            dt = datetime(y, mo, d, h, mi, s, tzinfo=TEHRAN)
    except ValueError:
        return None
    return dt if _sane(dt, fetched_at) else None


def find_dates(text: str, fetched_at: datetime | None = None) -> list[datetime]:
    """Every absolute date written in ``text`` (in order), with the time next to it when there is one."""
    t = match_form(text)
    found: list[tuple[int, datetime]] = []
    taken: list[tuple[int, int]] = []
    for rx, kind in ((_WORDS, "words"), (_NUMERIC, "numeric"), (_NUMERIC_DMY, "numeric")):
        for m in rx.finditer(t):
            if any(a <= m.start() < b for a, b in taken):
                continue
            y = int(m["y"])
            mo = _MONTHS[m["mon"]] if kind == "words" else int(m["m"])
            d = int(m["d"])
            h = mi = s = 0
            tm = _TIME_AFTER.match(t, m.end())
            if tm is None or not tm.group("h"):
                tb = _TIME_BEFORE.search(t[max(0, m.start() - 30) : m.start()])
                tm = tb
            if tm is not None and tm.group("h"):
                h, mi, s = _hour(int(tm["h"]), tm["ampm"]), int(tm["mi"]), int(tm["s"] or 0)
                if not (0 <= h < 24 and 0 <= mi < 60 and 0 <= s < 60):
                    h = mi = s = 0
            dt = _jalali_to_dt(y, mo, d, h, mi, s) if y < 1700 else _greg_to_dt(y, mo, d, h, mi, s)
            if dt is not None and _sane(dt, fetched_at):
                found.append((m.start(), dt))
                taken.append((m.start(), m.end()))
    found.sort(key=lambda x: x[0])
    return [dt for _, dt in found]


def find_relative(text: str, fetched_at: datetime | None) -> datetime | None:
    """«۲ ساعت پیش», «دیروز», «امروز» against the fetch time (None without one)."""
    if fetched_at is None:
        return None
    base = (
        fetched_at.astimezone(TEHRAN)
        if fetched_at.tzinfo
        else fetched_at.replace(tzinfo=UTC).astimezone(TEHRAN)
    )
    t = match_form(text)
    m = _RELATIVE.search(t)
    if m:
        n = float(m["n"]) if m["n"].isdigit() else float(_NUMWORDS[m["n"]])
        unit = {
            "ثانیه": timedelta(seconds=1),
            "دقیقه": timedelta(minutes=1),
            "ساعت": timedelta(hours=1),
            "روز": timedelta(days=1),
            "هفته": timedelta(weeks=1),
            "ماه": timedelta(days=30),
            "سال": timedelta(days=365),
        }[m["u"]]
        return base - n * unit
    if re.search(r"(?<!\w)دیروز(?!\w)", t):
        return base - timedelta(days=1)
    return None


def to_iso(dt: datetime) -> str:
    return dt.astimezone(TEHRAN).isoformat()


def to_jalali(dt: datetime) -> str:
    j = jdatetime.date.fromgregorian(date=dt.astimezone(TEHRAN).date())
    return f"{j.year:04d}-{j.month:02d}-{j.day:02d}"
