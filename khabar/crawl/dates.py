"""Backfill ranges: `1402-01-01..1402-12-29` (Jalali) or `2023-03-21..2024-03-19` (Gregorian), any digits."""

from __future__ import annotations

from datetime import date

# one day parser for the crawler, the report and the simulated web
from khabar.extractors.jalali import parse_day


def parse_range(text: str) -> tuple[date, date]:
    """Half-open [start, end) in Gregorian days (Tehran)."""
    if ".." not in text:
        raise ValueError(f"not a range: {text!r} (use START..END)")
    a, b = text.split("..", 1)
    start, end = parse_day(a), parse_day(b)
    if end <= start:
        raise ValueError(f"empty range {text!r}: the end is not after the start (ranges are half-open)")
    return start, end


__all__ = ["parse_day", "parse_range"]
