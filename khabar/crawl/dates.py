"""Backfill ranges: `1402-01-01..1402-12-29` (Jalali) or `2023-03-21..2024-03-19` (Gregorian), any digits."""

from __future__ import annotations

import re
from datetime import date

import jdatetime

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_DAY = re.compile(r"^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})\s*$")


def parse_day(text: str) -> date:
    """A Gregorian date; years before 1700 are read as Jalali (Solar Hijri)."""
    m = _DAY.match(text.translate(_DIGITS))
    if not m:
        raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD, Jalali like 1402-01-01 or Gregorian)")
    y, mo, d = (int(g) for g in m.groups())
    try:
        if y < 1700:
            return jdatetime.date(y, mo, d).togregorian()
        return date(y, mo, d)
    except ValueError as exc:
        raise ValueError(f"not a valid day: {text!r} ({exc})") from None


def parse_range(text: str) -> tuple[date, date]:
    """Half-open [start, end) in Gregorian days (Tehran)."""
    if ".." not in text:
        raise ValueError(f"not a range: {text!r} (use START..END)")
    a, b = text.split("..", 1)
    start, end = parse_day(a), parse_day(b)
    if end <= start:
        raise ValueError(f"empty range {text!r}: the end is not after the start (ranges are half-open)")
    return start, end
