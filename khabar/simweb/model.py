"""Data model shared by the simulated web's content generator, site renderer and truth export.

The simulated web stands apart from the pipeline: nothing here imports crawl, extract or warehouse code, so the
ground truth can never be derived from the code it is meant to check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, get_args

TemplateFamily = Literal["newsagency", "portal", "aspnet", "nastooh", "wordpress", "provportal", "webforms"]
TEMPLATE_FAMILIES: tuple[TemplateFamily, ...] = get_args(TemplateFamily)
SiteKind = Literal["agency", "news"]
EventType = Literal[
    "meeting",  # نشست، جلسه، دیدار
    "visit",  # بازدید
    "inauguration",  # افتتاح، بهره‌برداری، کلنگ‌زنی
    "agreement",  # تفاهم‌نامه، قرارداد
    "programme",  # اجرای طرح، پویش، برنامه
    "announcement",  # اطلاعیه، آمار، گزارش عملکرد
    "appointment",  # انتصاب، معارفه، تودیع
    "ceremony",  # مراسم، بزرگداشت، تجلیل
]
EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)


@dataclass(frozen=True)
class SiteSpec:
    """One simulated host: an agency's own site or a news agency that republishes releases."""

    site_id: str  # stable id, also the source id in config/sources.simweb.yaml
    host: str  # canonical host, e.g. "kerman.behzisti.test"
    kind: SiteKind
    template: TemplateFamily
    name: str  # Persian site name shown in the page header
    agency: str  # canonical agency name (gazetteer form), e.g. "سازمان بهزیستی"
    agency_unit: str | None  # e.g. "اداره کل بهزیستی استان کرمان"; None for news agencies
    province: str | None  # canonical province name, e.g. "کرمان"; None for national news agencies
    attribution: str  # as written after «به گزارش», e.g. "روابط عمومی بهزیستی استان کرمان"
    releases_per_day: float  # mean number of own releases published per simulated day
    news_code_digits: int = 6  # width of the site's «کد خبر»


@dataclass(frozen=True)
class Person:
    name: str  # as written in the text, e.g. "علی صادق‌زاده" or "صادق زاده"
    role: str  # normalised role, e.g. "مدیرکل بهزیستی استان کرمان", "استاندار کرمان"
    honorific: str | None = None  # دکتر، مهندس، حجت‌الاسلام والمسلمین، سرهنگ …
    organisation: str | None = None


@dataclass(frozen=True)
class Quantity:
    value: float  # money always in rial
    unit: str  # "ریال", "نفر", "طرح", "درصد", "هکتار", "تن", "کیلومتر", "مدرسه", …
    text: str  # the exact span as it appears in the body text
    qualifier: str | None = None  # "بیش از", "حدود", "کمتر از", …


@dataclass(frozen=True)
class Release:
    """The text of one release as published on one site (original or republished copy).

    ``paragraphs`` and ``title`` are exactly the strings the HTML shows (after HTML unescaping), so a page's truth
    body is ``"\\n\\n".join(paragraphs)``. Every person name and every quantity ``text`` occurs verbatim in the
    title, lead or paragraphs.
    """

    cluster_id: str  # same for every copy of one release across sites; distinct for hard negatives
    site_id: str  # the site this copy is published on
    origin_site_id: str  # the agency site that issued the release
    title: str
    lead: str | None
    paragraphs: tuple[str, ...]
    published_at: datetime  # timezone-aware, Asia/Tehran
    persons: tuple[Person, ...]
    quantities: tuple[Quantity, ...]
    event_type: str
    province: str | None
    agency: str  # the issuing agency (canonical)
    attribution: str  # the reporting body as written after «به گزارش» in the first paragraph
    keywords: tuple[str, ...] = ()
    version: int = 1  # >1 when the release was edited after publication (same URL)
    is_republication: bool = False
    is_templated: bool = False  # a templated release (daily statistics); a hard negative for its siblings
    variant_tags: tuple[str, ...] = field(default=())  # edits applied: "arabic_letters", "latin_digits", …


@dataclass(frozen=True)
class PageTruth:
    """Ground truth for one served URL (the article's canonical URL on its site)."""

    url: str
    site_id: str
    page_kind: Literal["article", "listing", "video", "app", "error"]
    title: str | None
    lead: str | None
    body: str | None
    published_at: str | None  # ISO 8601 with offset
    published_jalali: str | None  # YYYY-MM-DD, Latin digits
    published_day: date | None  # Gregorian day, Asia/Tehran
    news_code: str | None  # Latin digits
    agency: str | None
    province: str | None
    attribution: str | None
    persons: tuple[Person, ...]
    quantities: tuple[Quantity, ...]
    event_type: str | None
    cluster_id: str | None
    version: int
    encoding: str  # charset the page is served in ("utf-8" or "windows-1256")
    template: TemplateFamily
