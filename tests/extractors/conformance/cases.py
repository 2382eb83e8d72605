"""The conformance cases and how one is judged, shared by the parametrised tests and bench/b6_persian.py.

A reader is a small adapter over the extractor API (so the benchmark can judge an older checkout of extractors/
with the same rules): ``date(text, fetched_at) -> datetime | None``, ``number(text) -> float | None``,
``ordinal(text) -> int | None``, ``quantities(text) -> list[dict]``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

HERE = Path(__file__).parent
TEHRAN = ZoneInfo("Asia/Tehran")


def load(name: str) -> list[dict[str, Any]]:
    return json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Reader:
    date: Callable[[str, datetime], datetime | None]
    number: Callable[[str], float | None]
    ordinal: Callable[[str], int | None]
    quantities: Callable[[str], list[dict[str, Any]]]


def current_reader() -> Reader:
    from khabar.extractors.dates import read_date
    from khabar.extractors.numbers import parse_number, parse_ordinal
    from khabar.extractors.quantities import quantities_of

    return Reader(read_date, parse_number, parse_ordinal, lambda t: quantities_of([t]))


def judge_date(case: dict[str, Any], got: datetime | None) -> tuple[bool, str]:
    """(passed, what was read). No date expected: nothing may be read. Offsets must match (Asia/Tehran, any era)."""
    want = case["expected"]
    if want is None:
        return got is None, "none" if got is None else got.isoformat()
    if got is None:
        return False, "none"
    w = datetime.fromisoformat(want)
    g = got.astimezone(TEHRAN)
    shown = g.isoformat()
    if case["precision"] == "day":
        return g.date() == w.date(), shown
    if case["precision"] == "minute":
        return abs((g - w).total_seconds()) <= 60, shown
    return g == w and g.utcoffset() == w.utcoffset(), shown


def judge_number(case: dict[str, Any], reader: Reader) -> tuple[bool, str]:
    text, want = case["text"], case["expected"]
    if case["kind"] == "quantity":
        qs = reader.quantities(text)
        ok = len(qs) == 1 and qs[0]["unit"] == case["unit"] and abs(qs[0]["value"] - want) < 1e-6
        return ok, repr([(q["value"], q["unit"]) for q in qs])
    got = reader.ordinal(text) if case["kind"] == "ordinal" else reader.number(text)
    if got is None:
        return False, "none"
    return abs(got - want) <= 1e-9 * max(1.0, abs(want)), repr(got)


def run_dates(
    reader: Reader, cases: list[dict[str, Any]] | None = None
) -> list[tuple[dict[str, Any], bool, str]]:
    out = []
    for c in cases if cases is not None else load("dates"):
        try:
            got = reader.date(c["text"], datetime.fromisoformat(c["fetched_at"]))
            ok, shown = judge_date(c, got)
        except Exception as exc:  # a reader that raises fails the case (extraction must never raise)
            ok, shown = False, f"raised {type(exc).__name__}"
        out.append((c, ok, shown))
    return out


def run_numbers(
    reader: Reader, cases: list[dict[str, Any]] | None = None
) -> list[tuple[dict[str, Any], bool, str]]:
    out = []
    for c in cases if cases is not None else load("numbers"):
        try:
            ok, shown = judge_number(c, reader)
        except Exception as exc:
            ok, shown = False, f"raised {type(exc).__name__}"
        out.append((c, ok, shown))
    return out
