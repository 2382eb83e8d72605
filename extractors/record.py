"""The extraction record (GUIDE §1.1) as a type: what `extract()` returns and what the pipeline hands on.

A `TypedDict`, not a dataclass, because the record *is* a JSON object: `khabar extract` prints it as it is, and
the pipeline, dedup and warehouse read it by key. Only the type is new; `extract()` returns the same dict.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict


class Person(TypedDict):
    """A person named, with the role stated beside the name (GUIDE §1.1: `name`, `role`)."""

    name: str
    role: str | None
    # beyond §1.1 (extractors.persons): may be absent in records written by hand
    honorific: NotRequired[str | None]
    organisation: NotRequired[str | None]
    role_head: NotRequired[str | None]


class Quantity(TypedDict):
    """A number with its unit; money converted to rial; `text` is the span it was read from."""

    value: float
    unit: str
    text: str
    qualifier: NotRequired[str | None]  # «بیش از», «حدود», … (extractors.quantities)


class ExtractionRecord(TypedDict):
    """One page's record: every key present, None (or an empty list) when unknown."""

    url: str | None
    is_article: bool
    title: str | None
    lead: str | None
    body: str | None
    published_at: str | None  # ISO 8601 with UTC offset
    published_jalali: str | None  # YYYY-MM-DD, Latin digits
    news_code: str | None
    attribution: str | None
    agency: str | None
    province: str | None
    persons: list[Person]
    quantities: list[Quantity]
    event_type: str | None
    keywords: list[str]
    language: str | None
    errors: list[str]


__all__ = ["ExtractionRecord", "Person", "Quantity"]
