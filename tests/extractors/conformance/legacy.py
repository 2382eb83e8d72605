"""A Reader over the extractor API as it was before issue 14 (find_dates/find_relative, read_number over tokens),
so the benchmark can measure the BEFORE conformance of an older checkout with the same judge."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.extractors.conformance.cases import Reader


def legacy_reader() -> Reader:
    # An archived checkout from before the khabar.extractors namespace (top-level `extractors`), first on sys.path.
    from extractors import dates, numbers, quantities, tokens  # type: ignore[import-not-found]

    def date(text: str, fetched_at: datetime) -> datetime | None:
        found = dates.find_dates(text, fetched_at)
        return found[0] if found else dates.find_relative(text, fetched_at)

    def number(text: str) -> float | None:
        toks = list(tokens.tokenize(text))
        if not toks:
            return None
        n = numbers.read_number(toks, 0)
        return n.value if n is not None and n.last == len(toks) - 1 else None

    def quantities_of(text: str) -> list[dict[str, Any]]:
        return quantities.quantities_of([text])

    return Reader(date, number, lambda t: None, quantities_of)
