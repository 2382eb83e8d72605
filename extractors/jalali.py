"""The Solar Hijri calendar as people write it, named once for every module that reads or writes it: the month
names (Iran's, the older «امرداد», Afghanistan's Dari names) and days typed on a command line or in a query
(`1402-01-01` Jalali or `2023-03-21` Gregorian, any digits).

Nothing here is heuristic and nothing is imported but jdatetime: the extractors read dates with these names, the
report and the simulated web write them, the crawler and the simulated web take days from their users."""

from __future__ import annotations

import re
from datetime import date

import jdatetime

JALALI_MONTHS: tuple[str, ...] = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
"""Iran's month names, month 1 first, as written today (what khabar writes)."""

OLD_JALALI_MONTHS: dict[str, int] = {"امرداد": 5}
"""Older or purist spellings still seen in bylines, read but never written."""

DARI_MONTHS: tuple[str, ...] = (
    "حمل",
    "ثور",
    "جوزا",
    "سرطان",
    "اسد",
    "سنبله",
    "میزان",
    "عقرب",
    "قوس",
    "جدی",
    "دلو",
    "حوت",
)
"""Afghanistan's solar month names (the same calendar; Dari pages count as Persian), month 1 first."""

SOLAR_MONTH_NUMBERS: dict[str, int] = {
    **{name: i for i, name in enumerate(JALALI_MONTHS, 1)},
    **OLD_JALALI_MONTHS,
    **{name: i for i, name in enumerate(DARI_MONTHS, 1)},
}
"""Every solar month name khabar reads → its number (1–12)."""

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_DAY = re.compile(r"^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})\s*$")


def parse_day(text: str) -> date:
    """A day as a user types it, `YYYY-MM-DD` or `YYYY/MM/DD` in any digits, as a Gregorian date; years before
    1700 are read as Jalali (Solar Hijri). Raises ValueError, naming the text, for anything else."""
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


__all__ = ["DARI_MONTHS", "JALALI_MONTHS", "OLD_JALALI_MONTHS", "SOLAR_MONTH_NUMBERS", "parse_day"]
