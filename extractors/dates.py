"""Publication dates as people write them: ISO in structured data (even with Persian digits or a Jalali year),
Jalali and Gregorian dates in bylines — any digits; the day in digits or as an ordinal word («سوم», «بیست و
سوم», «سی‌ام», «اول»); Iranian, Afghan, Gregorian-in-Persian («ژانویه» … «دسامبر») and transliterated month
names; `۱۴۰۰-فروردین-۱۵`; two-digit years (`۹۵/۰۳/۰۱`); a day and month with no year (year from the fetch time);
weekday prefixes; times in digits or words («ساعت ۱۱ و ۰۱ دقیقه»), «صبح/ظهر/عصر/شب», «ب.ظ/ق.ظ» — and relative
dates («۲ ساعت پیش», «دیروز ساعت ۶ عصر», «امروز») against the fetch time.

All instants are built in Asia/Tehran with ``zoneinfo`` so the offset is the one in force that day (+04:30 in
summers before 2022, +03:30 otherwise, +05:00 in the summer of 1978). A date is plausible when it is not after the
fetch (two days' slack) and not more than 200 years before it: archives reach back decades. When nothing reads as
a date the answer is None — never a guess.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import jdatetime
from khabar.extractors.jalali import SOLAR_MONTH_NUMBERS
from khabar.extractors.normalize import match_form
from khabar.extractors.numbers import parse_number

TEHRAN = ZoneInfo("Asia/Tehran")

_MONTHS = SOLAR_MONTH_NUMBERS  # Iranian (and «امرداد») and Dari solar months
# Gregorian months as Persian and Dari write them (dateparser's fa data and common spellings)
_GREG_MONTHS = {
    "ژانویه": 1,
    "جنوری": 1,
    "فوریه": 2,
    "فبروری": 2,
    "مارس": 3,
    "مارچ": 3,
    "آوریل": 4,
    "اپریل": 4,
    "آپریل": 4,
    "مه": 5,
    "می": 5,
    "ژوئن": 6,
    "جون": 6,
    "ژوئیه": 7,
    "جولای": 7,
    "اوت": 8,
    "آگوست": 8,
    "آگست": 8,
    "اگوست": 8,
    "سپتامبر": 9,
    "سپتمبر": 9,
    "اکتبر": 10,
    "اکتوبر": 10,
    "نوامبر": 11,
    "نومبر": 11,
    "دسامبر": 12,
    "دسمبر": 12,
}
_GREG_WEAK = {"مه", "می"}  # also «fog» and the verb prefix: only with a year
# transliterations (persiantools, jdatetime) and their three-letter abbreviations: only with a year
_LATIN_MONTHS = {
    "farvardin": 1,
    "ordibehesht": 2,
    "khordad": 3,
    "tir": 4,
    "mordad": 5,
    "shahrivar": 6,
    "mehr": 7,
    "aban": 8,
    "azar": 9,
    "dey": 10,
    "bahman": 11,
    "esfand": 12,
    "far": 1,
    "ord": 2,
    "kho": 3,
    "mor": 5,
    "sha": 6,
    "meh": 7,
    "aba": 8,
    "aza": 9,
    "bah": 11,
    "esf": 12,
}
# Persian abbreviations (persiantools' %b) only inside `YYYY-mon-DD`
_FA_ABBR = {"فرو": 1, "ارد": 2, "خرد": 3, "مرد": 5, "شهر": 6, "آبا": 8, "بهم": 11, "اسف": 12}


def _alt(words: Iterable[str]) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


_ONES = ["یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه"]
_TEENS = ["ده", "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده"]


def _ordinal_word(n: int) -> list[str]:
    """Spellings of the ordinal ``n`` (1–31) as a day is written, spaces standing for any gap."""

    def last(w: str) -> list[str]:
        return {"یک": ["یکم"], "سه": ["سوم"], "سی": ["سی ام", "سیام"]}.get(w, [w + "م"])

    if n < 10:
        return ["یکم", "اول"] if n == 1 else last(_ONES[n - 1])
    if n < 20:
        return [_TEENS[n - 10] + "م"]
    tens = "بیست" if n < 30 else "سی"
    if n % 10 == 0:
        return last(tens) if n == 30 else ["بیستم"]
    return [f"{tens} و {w}" for w in last(_ONES[n % 10 - 1])]


_DAY_WORDS: dict[str, int] = {}
for _n in range(1, 32):
    for _w in _ordinal_word(_n):
        _DAY_WORDS[_w.replace(" ", "")] = _n
_GAP = "[\\s\u200c]*"


def _spelling_rx(w: str) -> str:
    parts = [("ا\u064f?م" if p == "ام" else re.escape(p)) for p in w.split(" ")]
    return _GAP.join(parts)


def _cardinal_word(n: int) -> str:
    if n < 10:
        return _ONES[n - 1]
    if n < 20:
        return _TEENS[n - 10]
    tens = "بیست" if n < 30 else "سی"
    return tens if n % 10 == 0 else f"{tens} و {_ONES[n % 10 - 1]}"


_CARDINAL_DAYS = {_cardinal_word(n).replace(" ", ""): n for n in range(1, 32)}
_CARDINAL_DAY_RX = "|".join(
    sorted((_spelling_rx(_cardinal_word(n)) for n in range(1, 32)), key=len, reverse=True)
)
_DAY_WORD_RX = "|".join(
    sorted((_spelling_rx(w) for n in range(1, 32) for w in _ordinal_word(n)), key=len, reverse=True)
)


def _day_word_value(s: str) -> int | None:
    return _DAY_WORDS.get(re.sub("[\\s\u200c\u064f]", "", s))


def _cardinal_day_value(s: str) -> int | None:
    return _CARDINAL_DAYS.get(re.sub("[\\s\u200c]", "", s))


_WEEKDAYS = (
    r"(?:روز\s*)?(?:شنبه|یک[\s\u200c]?شنبه|دو[\s\u200c]?شنبه|سه[\s\u200c]?شنبه|سشنبه|چهار[\s\u200c]?شنبه"
    r"|پنج[\s\u200c]?شنبه|جمعه|(?i:shanbeh|yekshanbeh|doshanbeh|seshanbeh|chaharshanbeh|panjshanbeh|jomeh))"
)
_NOT_LETTER = "(?!\u200c?[\u0600-\u06ff])"
_MONTH_ANY = f"{_alt(_MONTHS)}|{_alt(_GREG_MONTHS)}|(?i:{_alt(_LATIN_MONTHS)})(?![A-Za-z])"
_WORDS = re.compile(
    rf"(?:(?P<wd>{_WEEKDAYS})\s*[،,]?\s*)?"
    rf"(?:(?<!\d)(?P<d>\d{{1,2}})|(?<![\u0600-\u06ff\u200c])(?P<dw>{_DAY_WORD_RX})"
    rf"|(?<![\u0600-\u06ff\u200c])(?P<dc>{_CARDINAL_DAY_RX}))(?!\d)[\s\u200c]*"
    r"(?:روز\s*)?"
    rf"(?P<mon>{_MONTH_ANY})\u0654?(?:[\s\u200c]*ماه)?{_NOT_LETTER}"
    rf"(?:[\s,،]*(?:سال\s*)?(?P<y>\d{{4}}|\d{{2}})(?!\d)|[\s\u200c]*(?P<ry>امسال|سال\s*جاری|سال\s*جاري|پارسال"
    r"|سال\s*گذشته|سال\s*قبل)(?![\u0600-\u06ff]))?"
)
# month first, as ctime writes it («ش فرو ۰۱ ۱۳۸۰», «Sha Far 01 1380», «چهارشنبه اردیبهشت ۱۴ ۱۴۰۰»): only after a
# weekday, where it cannot be a month name followed by a count
_MONTH_FIRST = re.compile(
    rf"(?:{_WEEKDAYS}|(?<![\u0600-\u06ff])[شیدسچپج](?![\u0600-\u06ff])|(?i:sha|yek|dos|ses|cha|pan|jom)(?![A-Za-z]))"
    rf"\s*[،,]?\s*(?P<mon>{_alt(_MONTHS)}|{_alt(_FA_ABBR)}|(?i:{_alt(_LATIN_MONTHS)})(?![A-Za-z])){_NOT_LETTER}\s*"
    r"(?P<d>\d{1,2})\s+(?P<y>1[2-4]\d\d)(?!\d)"
)
# every month name a date form above is built on: those forms are only tried around one (the scan is ~4× cheaper
# than trying each form at every position of a paragraph)
_MONTH_SCAN = re.compile(
    rf"(?<![\u0600-\u06ff])(?:{_MONTH_ANY}|{_alt(_FA_ABBR)})\u0654?(?:[\s\u200c]*ماه)?{_NOT_LETTER}"
)
_BEFORE, _AFTER = 120, 40
_DIGIT_SEP = re.compile(r"\d\s?[/\-.|٫]\s?\d")  # how far a form may reach before and after its month name


def _windows(hits: list[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    """The stretches of the text within reach of a month name, overlapping ones merged."""
    out: list[tuple[int, int]] = []
    for s, e in hits:
        lo, hi = max(0, s - _BEFORE), min(n, e + _AFTER)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _around(rx: re.Pattern[str], t: str, windows: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    """``rx.finditer(t)`` for a form that holds a month name: the same matches, looked for only near one."""
    for lo, hi in windows:
        yield from rx.finditer(t, lo, hi)


_GREG_MDY = re.compile(
    rf"(?<![\u0600-\u06ff])(?P<mon>{_alt(_GREG_MONTHS)}){_NOT_LETTER}\s*(?P<d>\d{{1,2}})\s*[,،]\s*"
    r"(?P<y>19\d\d|20\d\d)(?!\d)"
)
_NUMERIC = re.compile(
    r"(?<![\d/.])(?P<y>1[2-4]\d\d|19\d\d|20\d\d)\s?(?P<sep>[/\-.|٫])\s?(?P<m>\d{1,2})\s?(?P=sep)\s?"
    r"(?P<d>\d{1,2})(?![\d/])"
)
_NUMERIC_DMY = re.compile(
    r"(?<![\d/.])(?P<d>\d{1,2})\s?(?P<sep>[/.\-٫])\s?(?P<m>\d{1,2})\s?(?P=sep)\s?"
    r"(?P<y>1[2-4]\d\d|19\d\d|20\d\d)(?![\d/])"
)
_NUMERIC_YY = re.compile(
    r"(?<![\d/.:])(?P<y>\d{2})(?P<sep>[/\-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d/:])"
)
_NAMED_NUMERIC = re.compile(
    rf"(?<!\d)(?P<y>1[2-4]\d\d)-(?P<mon>{_alt(_MONTHS)}|{_alt(_FA_ABBR)}|(?i:{_alt(_LATIN_MONTHS)}))-(?P<d>\d{{1,2}})"
    r"(?!\d)"
)
_PERIOD = (
    r"ب\s?\.?\s?ظ|ق\s?\.?\s?ظ|بعد\s?از\s?ظهر|قبل\s?از\s?ظهر|بعد\u200cاز\u200cظهر|قبل\u200cاز\u200cظهر|صبح|عصر"
    r"|ظهر|شب|بامداد|غروب|AM|PM|am|pm"
)
_NUM_WORD = (
    "صفر|یک|دو|سه|چهار|پنج|شش|هفت|هشت|نه|ده|یازده|دوازده|سیزده|چهارده|پانزده|شانزده|هفده|هجده"
    "|نوزده|بیست|سی|چهل|پنجاه"
)
_WORD_NUM = rf"(?:{_NUM_WORD})(?:\s*و\s*(?:{_NUM_WORD}))?"
_TIME = (
    r"(?P<h>\d{1,2})\s?:\s?(?P<mi>\d{1,2})(?:\s?:\s?(?P<s>\d{2}))?(?!\d)"
    rf"(?:\s*(?P<ampm>{_PERIOD})\.?)?"
)
# «ساعت ۱۱ و ۰۱ دقیقه (و ۴۷ ثانیه)», «ساعت ۱۷ و بیست و سه دقیقه», «ساعت ۶ عصر», «۵ و نیم عصر»
_TIME_WORDS = (
    rf"(?:ساعت\s*[:]?\s*)*(?P<wh>\d{{1,2}}|{_NUM_WORD})(?!\d)"
    rf"(?:\s*و\s*(?P<wm>\d{{1,2}}|{_WORD_NUM})\s*دقیقه(?:\s*و\s*(?P<ws>\d{{1,2}})\s*ثانیه)?"
    rf"|\s*و\s*(?P<whalf>نیم))?(?:\s*(?P<wampm>{_PERIOD}))?"
)
_SEP = r"\s*(?:[-–—|,،(T]|\s|ساعت|ساعت:|\u0647\.\s?ش\.?|هجری\s*شمسی|هجري\s*خورشيدي)*\s*"
_TIME_AFTER = re.compile(_SEP + "(?:" + _TIME + "|(?=ساعت|\\d{1,2}\\s*و\\s*(?:نیم|\\d))" + _TIME_WORDS + ")")
_TIME_BEFORE = re.compile(_TIME + r"\s*(?:[-–—|,،(]\s*)*(?:" + _WEEKDAYS + r"\s*[،,]?\s*)?(?:روز\s*)?$")
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
    "یازده": 11,
    "دوازده": 12,
    "پانزده": 15,
    "بیست": 20,
    "سی": 30,
    "چهل": 40,
    "پنجاه": 50,
    "نیم": 0.5,
}
_UNITS = {
    "ثانیه": timedelta(seconds=1),
    "دقیقه": timedelta(minutes=1),
    "ساعت": timedelta(hours=1),
    "روز": timedelta(days=1),
    "هفته": timedelta(weeks=1),
    "ماه": timedelta(days=30),
    "سال": timedelta(days=365),
}
_RELATIVE = re.compile(
    r"(?<![\w\u200c])(?P<n>\d+|" + _alt(_NUMWORDS) + r"|چند|یک)\s*(?P<u>ثانیه|دقیقه|ساعت|روز|هفته|ماه"
    r"|سال)\s*(?:پیش|قبل)(?![\w\u200c])"
)
_RELATIVE_SOON = re.compile(
    r"(?<![\w\u200c])(?:لحظاتی|دقایقی|ثانیه\u200cهایی|ثانیه‌ای)\s*(?:پیش|قبل)(?![\w\u200c])"
)
_AN_HOUR_AGO = re.compile(r"(?<![\w\u200c])ساعتی\s*(?:پیش|قبل)(?![\w\u200c])")
_DAY_WORD_REL = re.compile(r"(?<![\w\u200c])(?P<w>پریروز|دیروز|دیشب|امروز|امشب)(?![\w\u200c])")
_NOW = re.compile(r"(?<![\w\u200c])(?:اکنون|هم\s?\u200c?اکنون|همین\s*الان|لحظه ای پیش)(?![\w\u200c])")
_SHORT = (
    48  # a text this short is a byline or a date field: bare «امروز» or a day without a year may stand alone
)
# ... when nothing else is written in it but labels like these
_LABELS = re.compile(
    r"تاریخ|انتشار|منتشر|شده|به\s?روز|بروز|رسانی|ساعت|روز|آخرین|بازدید|ماه|نسخه|چاپ|ارسال|زمان|صبح|ظهر|عصر|شب|"
    + _WEEKDAYS
    + r"|[\W\d_]",
    re.I,
)


def _alone(t: str, a: int, b: int) -> bool:
    """Only labels, digits and punctuation around the span [a, b) of a short text."""
    return len(t.strip()) <= _SHORT and not _LABELS.sub("", t[:a] + " " + t[b:]).strip()


_PAST = timedelta(days=365 * 200)
_SLACK = timedelta(days=2)


def _bounds(fetched_at: datetime | None) -> tuple[datetime, datetime]:
    base = fetched_at or datetime.now(UTC)
    if base.tzinfo is None:
        base = base.replace(tzinfo=TEHRAN)
    return base - _PAST, base + _SLACK


def _sane(dt: datetime, fetched_at: datetime | None) -> bool:
    lo, hi = _bounds(fetched_at)
    return lo <= dt <= hi


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
    """The 24-hour clock hour of «ساعت h» with its part of the day («۶ عصر» = 18, «۱۲ شب» = 0, «۲ بامداد» = 2)."""
    if not ampm:
        return h
    p = re.sub(r"[\s.\u200c]", "", ampm).lower()
    if p in ("بظ", "بعدازظهر", "عصر", "pm", "غروب"):
        return h + 12 if h < 12 else h
    if p == "ظهر":
        return h + 12 if 1 <= h <= 5 else h
    if p == "شب":
        return 0 if h == 12 else h + 12 if 6 <= h < 12 else h
    if p in ("قظ", "am", "قبلازظهر", "بامداد", "صبح"):
        return 0 if h == 12 and p != "صبح" else h
    return h


def _num(s: str | None) -> int | None:
    if s is None:
        return None
    if s.isdigit():
        return int(s)
    v = parse_number(s)
    return int(v) if v is not None and v == int(v) else None


def _time_at(t: str, pos: int) -> tuple[int, int, int] | None:
    """The time written right after a date ending at ``pos`` (digits or words), or None."""
    tm = _TIME_AFTER.match(t, pos)
    if tm is None:
        return None
    if tm.group("h"):
        h, mi, s = _hour(int(tm["h"]), tm["ampm"]), int(tm["mi"]), int(tm["s"] or 0)
    elif tm.group("wh") and (
        tm.group("wm") or tm.group("wampm") or tm.group("whalf") or "ساعت" in t[pos : tm.start("wh")]
    ):
        h0, mi0 = _num(tm["wh"]), (30 if tm["whalf"] else _num(tm["wm"]) if tm["wm"] else 0)
        if h0 is None or mi0 is None:
            return None
        h, mi, s = _hour(h0, tm["wampm"]), mi0, int(tm["ws"] or 0)
    else:
        return None
    return (h, mi, s) if 0 <= h < 24 and 0 <= mi < 60 and 0 <= s < 60 else None


def _time_before(t: str, start: int) -> tuple[int, int, int] | None:
    tb = _TIME_BEFORE.search(t[max(0, start - 40) : start])
    if tb is None:
        return None
    h, mi, s = _hour(int(tb["h"]), tb["ampm"]), int(tb["mi"]), int(tb["s"] or 0)
    return (h, mi, s) if 0 <= h < 24 and 0 <= mi < 60 and 0 <= s < 60 else None


def _two_digit_year(yy: int, fetched_at: datetime | None) -> int:
    """The latest Jalali year ending in ``yy`` that is not after the fetch year (۹۵ → ۱۳۹۵, ۰۲ → ۱۴۰۲)."""
    _, hi = _bounds(fetched_at)
    fy = jdatetime.date.fromgregorian(date=hi.astimezone(TEHRAN).date()).year
    y = fy - (fy - yy) % 100
    return y


def _month_of(name: str) -> tuple[int, bool] | None:
    """(month, is_gregorian) of a month name in any of the spellings read."""
    if name in _MONTHS:
        return _MONTHS[name], False
    if name in _GREG_MONTHS:
        return _GREG_MONTHS[name], True
    low = name.lower()
    if low in _LATIN_MONTHS:
        return _LATIN_MONTHS[low], False
    if name in _FA_ABBR:
        return _FA_ABBR[name], False
    return None


_WEEKDAY_NUM = {
    "شنبه": 5,
    "یکشنبه": 6,
    "دوشنبه": 0,
    "سهشنبه": 1,
    "سشنبه": 1,
    "چهارشنبه": 2,
    "پنجشنبه": 3,
    "جمعه": 4,
    "shanbeh": 5,
    "yekshanbeh": 6,
    "doshanbeh": 0,
    "seshanbeh": 1,
    "chaharshanbeh": 2,
    "panjshanbeh": 3,
    "jomeh": 4,
}


def _weekday_of(word: str | None) -> int | None:
    """Python's weekday() of a weekday word («سه‌شنبه» → 1), or None."""
    if not word:
        return None
    w = re.sub(r"[\s\u200c]", "", word).lower().removeprefix("روز")
    return _WEEKDAY_NUM.get(w)


def _infer_year(m: int, d: int, gregorian: bool, fetched_at: datetime | None) -> int:
    """A day and month with no year: the year that puts it latest without passing the fetch time."""
    _, hi = _bounds(fetched_at)
    local = hi.astimezone(TEHRAN)
    if gregorian:
        y = local.year
        return y if (m, d) <= (local.month, local.day) else y - 1
    j = jdatetime.date.fromgregorian(date=local.date())
    return j.year if (m, d) <= (j.month, j.day) else j.year - 1


def _build(y: int, mo: int, d: int, gregorian: bool, hms: tuple[int, int, int] | None) -> datetime | None:
    h, mi, s = hms or (0, 0, 0)
    if gregorian or y >= 1700:
        return _greg_to_dt(y, mo, d, h, mi, s) if y >= 1700 else None
    return _jalali_to_dt(y, mo, d, h, mi, s)


@functools.lru_cache(maxsize=2048)
def _find(text: str, fetched_at: datetime | None) -> tuple[datetime, ...]:
    t = match_form(text)
    found: list[tuple[int, datetime]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return not any(a < y and x < b for x, y in taken)

    def keep(a: int, b: int, dt: datetime | None) -> None:
        if dt is not None and _sane(dt, fetched_at):
            found.append((a, dt))
            taken.append((a, b))

    hits = _windows([m.span() for m in _MONTH_SCAN.finditer(t)], len(t))
    for m in _around(_WORDS, t, hits):
        day_at = m.start("d") if m["d"] else m.start("dw") if m["dw"] else m.start("dc")
        if not free(day_at, m.end()):
            continue
        mon = _month_of(m["mon"])
        if mon is None:
            continue
        mo, greg = mon
        latin = m["mon"].isascii()
        if m["dc"]:
            if not (m["wd"] or m["y"]) or (m["y"] and len(m["y"]) == 2 and not m["wd"]):
                continue  # «دو مرداد» in words: only with a weekday or a full year («سه دی جی» is no date)
            d = _cardinal_day_value(m["dc"])
        else:
            d = int(m["d"]) if m["d"] else _day_word_value(m["dw"])
        if d is None:
            continue
        ys = m["y"]
        if ys is None and m["ry"]:
            _, hi = _bounds(fetched_at)
            jy = jdatetime.date.fromgregorian(date=hi.astimezone(TEHRAN).date()).year
            ys = str(jy - (0 if m["ry"] in ("امسال",) or "جار" in m["ry"] else 1))  # «۱۲ بهمن امسال»
        if ys is None:
            if latin or m["mon"] in _GREG_WEAK:
                continue
            tm = _time_at(t, m.end())
            if not (m["wd"] or tm or _alone(t, m.start(), m.end())):
                continue  # «میدان ۱۵ خرداد», «ورزشگاه ۱۷ تیر»: a day and month alone in running text is a name
            y = _infer_year(mo, d, greg, fetched_at)
            wd = _weekday_of(m["wd"])
            if wd is not None:
                built = _build(y, mo, d, greg, None)
                if built is None or built.weekday() != wd:
                    continue  # «پنجشنبه ۱۲ مرداد» ahead of the fetch is a coming event, not last year's date
            end = m.end()
        else:
            y = int(ys)
            end = m.end()
            if len(ys) == 2:
                if greg:
                    continue
                y = _two_digit_year(y, fetched_at)
            if greg != (y >= 1700):
                continue  # a Gregorian month with a Jalali year or the reverse: not one date
        hms = _time_at(t, end) or _time_before(t, m.start())
        keep(m.start(), end, _build(y, mo, d, greg, hms))
    numeric = (
        _DIGIT_SEP.search(t) is not None
    )  # every numeric form has «digit, separator, digit» (most text has none)
    for rx in (_GREG_MDY, _MONTH_FIRST, _NAMED_NUMERIC, _NUMERIC, _NUMERIC_DMY, _NUMERIC_YY):
        if not numeric and rx in (_NUMERIC, _NUMERIC_DMY, _NUMERIC_YY):
            continue
        for m in _around(rx, t, hits) if rx in (_GREG_MDY, _MONTH_FIRST, _NAMED_NUMERIC) else rx.finditer(t):
            if not free(m.start(), m.end()):
                continue
            if rx is _NAMED_NUMERIC or rx is _GREG_MDY or rx is _MONTH_FIRST:
                mon = _month_of(m["mon"])
                if mon is None:
                    continue
                mo = mon[0]
            else:
                mo = int(m["m"])
            y, d = int(m["y"]), int(m["d"])
            if rx is _NUMERIC_DMY and y >= 1700 and mo > 12 >= d:
                mo, d = d, mo  # «11.24.2016»: the month first
            if rx is _NUMERIC_YY:
                if not 1 <= mo <= 12 or not 1 <= d <= 31:
                    continue
                y = _two_digit_year(y, fetched_at)
            hms = _time_at(t, m.end()) or _time_before(t, m.start())
            keep(m.start(), m.end(), _build(y, mo, d, y >= 1700, hms))
    found.sort(key=lambda x: x[0])
    return tuple(dt for _, dt in found)


def find_dates(text: str, fetched_at: datetime | None = None) -> list[datetime]:
    """Every absolute date written in ``text`` (in order), with the time next to it when there is one."""
    if not text:
        return []
    # cached only against a fixed fetch time: without one the window moves with the clock
    return list(_find(text, fetched_at) if fetched_at is not None else _find.__wrapped__(text, None))


def parse_iso(value: str, fetched_at: datetime | None = None) -> datetime | None:
    """An ISO 8601 value from a meta/JSON-LD field; a Jalali year there (a common CMS bug) is read as Jalali, and a
    Jalali date written as in a byline (`۱۴۰۲/۰۵/۱۲ ۱۴:۳۵`) is read like one."""
    if not value:
        return None
    v = match_form(value.strip())
    m = _ISO.search(v)
    if not m:
        found = find_dates(v, fetched_at)
        return found[0] if found else None
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    h, mi, s = int(m["h"] or 0), int(m["mi"] or 0), int(m["s"] or 0)
    if y < 1700:  # a Jalali date in an ISO field: the wall-clock time is Tehran's whatever the offset says
        dt = _jalali_to_dt(y, mo, d, h, mi, s)
        return dt if dt is not None and _sane(dt, fetched_at) else None
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


def find_relative(text: str, fetched_at: datetime | None) -> datetime | None:
    """«۲ ساعت پیش», «دیروز ساعت ۶ عصر», «امروز», «اکنون» against the fetch time (None without one). Bare «امروز» and
    «اکنون» count only in a short text (a byline): in a story they are not its date."""
    if fetched_at is None or not text:
        return None
    base = fetched_at.astimezone(TEHRAN) if fetched_at.tzinfo else fetched_at.replace(tzinfo=TEHRAN)
    t = match_form(text)
    m = _RELATIVE.search(t)
    if m:
        n_s = m["n"]
        if n_s == "چند":
            if m["u"] not in ("ثانیه", "دقیقه"):
                return None  # «چند روز پیش»: too vague to date
            n = 1.0
        else:
            n = float(n_s) if n_s.isdigit() else float(_NUMWORDS[n_s])
        return base - n * _UNITS[m["u"]]
    if _RELATIVE_SOON.search(t):
        return base
    if _AN_HOUR_AGO.search(t):
        return base - timedelta(hours=1)
    m = _DAY_WORD_REL.search(t)
    if m:
        days = {"پریروز": 2, "دیروز": 1, "دیشب": 1, "امروز": 0, "امشب": 0}[m["w"]]
        hms = _time_at(t, m.end())
        if hms is None and m["w"] in ("امروز", "امشب") and not _alone(t, m.start(), m.end()):
            return None
        day = (base - timedelta(days=days)).date()
        h, mi, s = hms or (0, 0, 0)
        if hms and m["w"] in ("دیشب", "امشب") and h < 12 and h >= 6:
            h += 12
        return datetime(day.year, day.month, day.day, h, mi, s, tzinfo=TEHRAN)
    m = _NOW.search(t)
    if m and _alone(t, m.start(), m.end()):
        return base
    return None


def read_date(text: str, fetched_at: datetime | None = None) -> datetime | None:
    """The date one text states (a byline, a date field, a meta value): the first absolute date, else a relative
    one against ``fetched_at``; None when nothing in it reads as a date."""
    found = find_dates(text, fetched_at)
    if found:
        return found[0]
    return find_relative(text, fetched_at)


def to_iso(dt: datetime) -> str:
    return dt.astimezone(TEHRAN).isoformat()


def to_jalali(dt: datetime) -> str:
    j = jdatetime.date.fromgregorian(date=dt.astimezone(TEHRAN).date())
    return f"{j.year:04d}-{j.month:02d}-{j.day:02d}"
