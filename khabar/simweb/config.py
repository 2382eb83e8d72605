"""Configuration of the simulated web: which world to build (seed, size, dates, shares) and which faults to inject.

Everything the server, the catalog and the truth export compute is a pure function of a ``SimWebConfig`` (plus the
server's clock), so two processes given the same config agree on every page and every truth record.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date


@dataclass(frozen=True)
class FaultConfig:
    """Fault rates (all 0 = off). Transient faults are drawn per (seed, url, attempt) so a retry can succeed.

    Rates are probabilities per request of a fault-eligible URL (articles and discovery surfaces; robots.txt and
    the control host never fail). At most one transient fault applies to a request.
    """

    error_5xx: float = 0.0  # 500 / 502 / 503 / 504
    rate_limited: float = 0.0  # 429 with Retry-After
    retry_after_s: tuple[int, int] = (1, 3)
    timeout: float = 0.0  # no response for ``timeout_s`` seconds, then close
    timeout_s: float = 20.0
    slow: float = 0.0  # body dripped in small chunks over ``slow_s`` seconds
    slow_s: float = 1.5
    reset: float = 0.0  # connection reset (RST) before any response byte
    truncated: float = 0.0  # Content-Length larger than the bytes sent, then close
    redirect_chain: float = 0.0  # 2–4 redirects (301/302/307) before the page
    # Structural faults (part of the world, deterministic per seed, not per attempt):
    robots_disallow: bool = False  # one site's robots.txt disallows a section that holds linked pages
    non_article_share: float = (
        0.0  # share of catalog items that are video / app-promo pages (linked from listings)
    )
    oversized_pages: int = 0  # number of article pages padded to ``oversized_bytes``
    oversized_bytes: int = 12_000_000

    @property
    def any_transient(self) -> bool:
        return any(
            (
                self.error_5xx,
                self.rate_limited,
                self.timeout,
                self.slow,
                self.reset,
                self.truncated,
                self.redirect_chain,
            )
        )


FAULTS_PRESET = FaultConfig(
    error_5xx=0.10,
    rate_limited=0.03,
    timeout=0.05,
    slow=0.03,
    reset=0.02,
    truncated=0.02,
    redirect_chain=0.03,
    robots_disallow=True,
    non_article_share=0.03,
    oversized_pages=1,
)


@dataclass(frozen=True)
class SimWebConfig:
    """The world: a seed, its sites, its calendar and the shares of republished, templated and edited releases."""

    seed: int = 42
    n_agency_sites: int = 16
    n_provinces: int = 8
    n_news_sites: int = 4
    start_day: date = date(2019, 3, 21)  # 1398-01-01
    today: date = date(2024, 3, 19)  # 1402-12-29
    horizon_days: int = 120  # catalog is built this far past ``today`` (the clock may advance)
    releases_per_day: float = 2.25  # mean own releases per agency site per day (scaled per site)
    republish_share: float = 0.35
    republish_max_copies: int = 3
    republish_max_delay_h: float = 30.0
    templated_share: float = 0.12
    edited_share: float = 0.05
    arabic_letters_before: date = date(2020, 3, 20)  # portal items before 1399 use Arabic ي/ك
    cp1256_before: date = date(2021, 3, 21)  # cp1256 sites serve pages before 1400 in windows-1256
    n_cp1256_sites: int = 2
    www_share: float = 0.4  # agency sites that also answer on (and link to) www.
    listing_page_size: int = 20
    feed_items: int = 30
    # Live publishing (issue 22; 0 = off, so the fixed-day world is unchanged): the share of an agency's releases
    # that follow its previous one within 1–12 minutes (a meeting's several releases), and the spread of per-site
    # rates (log-normal sigma around ``releases_per_day``: at 1.0 from about weekly to several times the mean).
    burst_share: float = 0.0
    rate_spread: float = 0.0
    faults: FaultConfig = field(default_factory=FaultConfig)
    portals: PortalConfig = field(default_factory=lambda: PortalConfig())
    # Page template families drawn (the platform's own family always remains); the default world has them all.
    families: tuple[str, ...] = (
        "newsagency",
        "portal",
        "aspnet",
        "nastooh",
        "wordpress",
        "provportal",
        "webforms",
    )

    def with_faults(self, faults: FaultConfig | None = None) -> SimWebConfig:
        return replace(self, faults=faults or FAULTS_PRESET)

    def with_portals(self, portals: PortalConfig | None = None) -> SimWebConfig:
        return replace(self, portals=portals or PORTALS_PRESET)

    def with_live_rates(self, burst_share: float = 0.3, rate_spread: float = 1.0) -> SimWebConfig:
        """The rates a freshness benchmark wants: bursty releases, sites from about weekly to several times the mean."""
        return replace(self, burst_share=burst_share, rate_spread=rate_spread)


@dataclass(frozen=True)
class PortalConfig:
    """What provincial portals really serve (issue 16; all off by default, so the default world is unchanged).

    - ``webforms_sites``: that many ASP.NET sites become WebForms portals (``webforms_site.py``): no feed, no
      sitemap, a home page linking the newest items, an archive whose older pages only a postback reaches
      (``__VIEWSTATE`` per page, ``__EVENTVALIDATION``, a stale view state rejected), robots.txt with
      ``Crawl-delay`` and wildcard rules, ``?print=1`` variants declaring their ``rel=canonical``. The pager
      markup differs per site: GridView, DataPager, submit buttons.
    - ``challenge_sites``: that many other agency sites answer the first visit of ``challenge_share`` of their
      articles with a CDN browser check (HTTP 200, 403 or 503; ``challenge.py``); the next visit gets the page.
    - ``blocked_sites``: that many sites answer every request but robots.txt with a challenge page.
    """

    webforms_sites: int = 0
    crawl_delay: float = 1.0
    webforms_home_items: int = 10
    challenge_sites: int = 0
    challenge_share: float = 0.3
    blocked_sites: int = 0


PORTALS_PRESET = PortalConfig(webforms_sites=3, challenge_sites=1, blocked_sites=1)
