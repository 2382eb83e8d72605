"""What a template needs to draw a page, decoupled from how the catalog computes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from khabar.simweb.boilerplate import Link
from khabar.simweb.sites import SiteProfile


@dataclass(frozen=True)
class ArticleView:
    site: SiteProfile
    kind: str  # original | templated | copy | video | app
    title: str
    lead: str | None
    paragraphs: tuple[str, ...]
    published_at: datetime
    modified_at: datetime | None  # set once an edit is visible
    code: str
    url: str  # canonical URL
    keywords: tuple[str, ...]
    related: list[Link]
    popular: list[Link]
    charset: str = "utf-8"
    pad_bytes: int = 0  # oversized-page fault
    printable: bool = False  # the /print/ version


@dataclass(frozen=True)
class ListingView:
    site: SiteProfile
    heading: str
    items: list[Link]
    leads: list[str] = field(default_factory=list)
    page: int = 1
    n_pages: int = 1
    is_home: bool = False
    popular: list[Link] = field(default_factory=list)
