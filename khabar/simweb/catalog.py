"""Which items exist on which site on which day, computed from the seed without materialising any page.

Agency sites draw a count of releases per day from a hash (Poisson around the site's rate, fewer on Thursdays and
Fridays); a per-site array of cumulative counts maps an item's ordinal to its day and back, so a site's news code
(``code_base + ordinal * step + jitter``, monotonic in time like a real CMS id) resolves to its item in O(log n).
News sites hold only republished copies: one pass over the agency items at build time buckets each copy
(1–``republish_max_copies`` targets, a delay of minutes to ~30 hours) into its news site's day. That pass keeps a
few small tuples per copy, never text; the text of any item is generated on demand by ``content.py`` and cached
in a bounded LRU.
"""

from __future__ import annotations

import bisect
import functools
import math
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from khabar.simweb import content
from khabar.simweb.clock import TEHRAN, tehran
from khabar.simweb.config import SimWebConfig
from khabar.simweb.model import Release
from khabar.simweb.sites import SiteProfile, build_sites, h64, unit

ItemKind = str  # "original" | "templated" | "copy" | "video" | "app"


@dataclass(frozen=True)
class Item:
    """One catalog entry: a page on a site (article, republished copy or non-article page)."""

    site: SiteProfile
    day_index: int  # days since config.start_day of the (Tehran) publication day
    serial: int  # position within the site's day, in publication order
    ordinal: int  # position within the site, in publication order
    kind: ItemKind
    published_at: datetime
    origin: tuple[int, int, int] | None = None  # (agency site index, day index, serial) of a copy's original
    edit_day: date | None = None

    @property
    def day(self) -> date:
        return self.published_at.astimezone(TEHRAN).date()

    @property
    def is_article(self) -> bool:
        return self.kind in ("original", "templated", "copy")


def _poisson(mean: float, u: float) -> int:
    """Inverse-CDF Poisson draw from one uniform number (deterministic, cheap)."""
    k, p = 0, math.exp(-mean)
    c = p
    while u > c and k < 50:
        k += 1
        p *= mean / k
        c += p
    return k


_WEEKDAY_FACTOR = (
    1.15,
    1.15,
    1.15,
    0.75,
    0.25,
    1.2,
    1.2,
)  # by date.weekday(): Thu/Fri are the Iranian weekend


class Catalog:
    """The catalog of one world up to ``end`` (exclusive day index), built once per (world, horizon)."""

    def __init__(self, config: SimWebConfig, n_days: int) -> None:
        self.config = config
        self.seed = config.seed
        self.sites = build_sites(config)
        self.n_days = n_days
        self.agency = [s for s in self.sites if s.spec.kind == "agency"]
        self.news = [s for s in self.sites if s.spec.kind == "news"]
        self._starts: dict[int, list[int]] = {}
        self._news_days: dict[int, dict[int, list[tuple[datetime, tuple[int, int, int]]]]] = {
            s.index: {} for s in self.news
        }
        for s in self.agency:
            starts = [0]
            for di in range(n_days):
                starts.append(starts[-1] + self._count(s, di))
            self._starts[s.index] = starts
        if self.news:
            self._bucket_copies()
        for s in self.news:
            days = self._news_days[s.index]
            starts = [0]
            for di in range(n_days):
                lst = days.get(di)
                if lst:
                    lst.sort()
                starts.append(starts[-1] + (len(lst) if lst else 0))
            self._starts[s.index] = starts

    # ----------------------------------------------------------------------------------- agency items
    def _count(self, s: SiteProfile, di: int) -> int:
        d = self.config.start_day + timedelta(days=di)
        mean = s.spec.releases_per_day * _WEEKDAY_FACTOR[d.weekday()]
        return _poisson(mean, unit(self.seed, "count", s.site_id, di))

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one catalog per world, lives as long as the world
    def _times(self, site_index: int, di: int, n: int) -> tuple[datetime, ...]:
        """Publication instants of a site's ``n`` items of one day, sorted (working hours, a few evenings)."""
        s = self.sites[site_index]
        d = self.config.start_day + timedelta(days=di)
        mins = []
        for i in range(n):
            hv = h64(self.seed, "time", s.site_id, di, i)
            u = (hv % 10_000) / 10_000
            lo, hi = (7 * 60 + 30, 15 * 60) if u < 0.8 else (15 * 60, 22 * 60 + 30)
            mins.append((lo + (hv >> 16) % (hi - lo), (hv >> 40) % 60))
        mins.sort()
        if self.config.burst_share > 0:  # bursts: a release follows the previous one within minutes
            for i in range(1, n):
                hb = h64(self.seed, "burst", s.site_id, di, i)
                if (hb % 10_000) / 10_000 < self.config.burst_share:
                    m = min(mins[i - 1][0] + 1 + (hb >> 16) % 12, 23 * 60 + 59)
                    mins[i] = (m, (hb >> 40) % 60)
            mins.sort()
        return tuple(tehran(d, m) + timedelta(seconds=sec) for m, sec in mins)

    def _agency_item(self, s: SiteProfile, di: int, serial: int) -> Item:
        starts = self._starts[s.index]
        n = starts[di + 1] - starts[di]
        pub = self._times(s.index, di, n)[serial]
        key = (self.seed, s.site_id, di, serial)
        cfg = self.config
        kind = "original"
        if unit(*key, "nonarticle") < cfg.faults.non_article_share:
            kind = "video" if unit(*key, "video") < 0.7 else "app"
        elif unit(*key, "templated") < cfg.templated_share:
            kind = "templated"
        edit_day = None
        if kind in ("original", "templated") and unit(*key, "edited") < cfg.edited_share:
            edit_day = pub.date() + timedelta(days=1 + h64(*key, "editday") % 5)
        return Item(
            site=s,
            day_index=di,
            serial=serial,
            ordinal=starts[di] + serial,
            kind=kind,
            published_at=pub,
            edit_day=edit_day,
        )

    def _copies_of(
        self, s: SiteProfile, di: int, serial: int, pub: datetime
    ) -> list[tuple[SiteProfile, datetime]]:
        key = (self.seed, s.site_id, di, serial)
        cfg = self.config
        if (
            unit(*key, "republish") >= cfg.republish_share
            or unit(*key, "nonarticle") < cfg.faults.non_article_share
        ):
            return []
        k = 1 + h64(*key, "ncopies") % max(1, min(cfg.republish_max_copies, len(self.news)))
        order = sorted(self.news, key=lambda n: h64(*key, "target", n.site_id))[:k]
        out = []
        max_min = cfg.republish_max_delay_h * 60
        for n in order:
            u = unit(*key, "delay", n.site_id)
            delay = timedelta(minutes=5 + (max_min - 5) * u**2.5)
            at = (pub.astimezone(UTC) + delay).astimezone(TEHRAN)
            out.append((n, at.replace(microsecond=0)))
        return out

    def _bucket_copies(self) -> None:
        start = self.config.start_day
        for s in self.agency:
            starts = self._starts[s.index]
            for di in range(self.n_days):
                n = starts[di + 1] - starts[di]
                if not n:
                    continue
                times = self._times(s.index, di, n)
                for serial in range(n):
                    for target, at in self._copies_of(s, di, serial, times[serial]):
                        tdi = (at.date() - start).days
                        if tdi < self.n_days:
                            self._news_days[target.index].setdefault(tdi, []).append(
                                (at, (s.index, di, serial))
                            )

    # ----------------------------------------------------------------------------------- public API
    def day_index(self, d: date) -> int:
        return (d - self.config.start_day).days

    def count_through(self, site: SiteProfile, today: date) -> int:
        """How many items the site has published up to the end of ``today``, or up to the instant ``today`` when
        it is a datetime (the live clock: an item counts once its publication instant has come)."""
        if isinstance(today, datetime):
            return self._count_until(site, today)
        di = min(self.day_index(today), self.n_days - 1)
        return self._starts[site.index][di + 1] if di >= 0 else 0

    def _count_until(self, site: SiteProfile, at: datetime) -> int:
        di = self.day_index(at.astimezone(TEHRAN).date())
        if di < 0:
            return 0
        starts = self._starts[site.index]
        if di >= self.n_days:
            return starts[-1]
        n = starts[di + 1] - starts[di]
        if not n:
            return starts[di]
        if site.spec.kind == "agency":
            times: tuple[datetime, ...] | list[datetime] = self._times(site.index, di, n)
        else:
            times = [t for t, _ in self._news_days[site.index][di]]
        return starts[di] + bisect.bisect_right(times, at)

    def items_on(self, site: SiteProfile, d: date) -> list[Item]:
        di = self.day_index(d)
        if not 0 <= di < self.n_days:
            return []
        starts = self._starts[site.index]
        return [self.item(site, starts[di] + i) for i in range(starts[di + 1] - starts[di])]

    def item(self, site: SiteProfile, ordinal: int) -> Item:
        starts = self._starts[site.index]
        di = bisect.bisect_right(starts, ordinal) - 1
        serial = ordinal - starts[di]
        if site.spec.kind == "agency":
            return self._agency_item(site, di, serial)
        at, origin = self._news_days[site.index][di][serial]
        return Item(
            site=site,
            day_index=di,
            serial=serial,
            ordinal=ordinal,
            kind="copy",
            published_at=at,
            origin=origin,
        )

    def latest(self, site: SiteProfile, today: date, n: int, offset: int = 0) -> list[Item]:
        """Newest first: items ``offset .. offset+n`` counted back from the end of ``today`` (or the instant)."""
        total = self.count_through(site, today)
        hi = total - offset
        return [self.item(site, o) for o in range(hi - 1, max(-1, hi - 1 - n), -1)]

    def news_code(self, site: SiteProfile, ordinal: int) -> str:
        return str(
            site.code_base
            + ordinal * site.code_step
            + h64(self.seed, "code", site.site_id, ordinal) % site.code_step
        )

    def ordinal_of_code(self, site: SiteProfile, code: str) -> int | None:
        try:
            c = int(code)
        except ValueError:
            return None
        o = (c - site.code_base) // site.code_step
        if o < 0 or o >= self._starts[site.index][-1] or self.news_code(site, o) != str(c):
            return None
        return o

    # ----------------------------------------------------------------------------------- text
    def arabic_letters(self, item: Item) -> bool:
        s = item.site
        d = item.published_at.date()
        if s.cp1256 and d < self.config.cp1256_before:
            return True
        return (
            s.template == "portal"
            and d < self.config.arabic_letters_before
            and unit(self.seed, "arabic", s.site_id, item.ordinal) < 0.85
        )

    def encoding(self, item: Item) -> str:
        return (
            "windows-1256"
            if item.site.cp1256 and item.published_at.date() < self.config.cp1256_before
            else "utf-8"
        )

    def release(self, item: Item, today: date) -> Release:
        """The text of an article item as visible at the end of ``today`` (edited version once its day came),
        or at the instant ``today`` when it is a datetime (edited once the edit's instant came)."""
        base = self._base_release(item.site.index, item.ordinal)
        if self._edited_by(item, today):
            return self._edited(item.site.index, item.ordinal)
        return base

    def _edit_at(self, item: Item) -> datetime:
        assert item.edit_day is not None
        m = 9 * 60 + h64(self.seed, "edittime", item.site.site_id, item.ordinal) % (8 * 60)
        return tehran(item.edit_day, m)

    def _edited_by(self, item: Item, today: date) -> bool:
        if item.edit_day is None:
            return False
        if isinstance(today, datetime):
            return self._edit_at(item) <= today
        return today >= item.edit_day

    @functools.lru_cache(maxsize=8192)  # noqa: B019
    def _base_release(self, site_index: int, ordinal: int) -> Release:
        item = self.item(self.sites[site_index], ordinal)
        spec = item.site.spec
        if item.kind == "copy":
            assert item.origin is not None
            osi, odi, oser = item.origin
            self.sites[osi]
            oord = self._starts[osi][odi] + oser
            original = self._base_release(osi, oord)
            return content.republish(original, spec, item.published_at, self.seed)
        fn = content.generate_templated_release if item.kind == "templated" else content.generate_release
        return fn(self.seed, spec, item.published_at, item.serial, arabic_letters=self.arabic_letters(item))

    @functools.lru_cache(maxsize=1024)  # noqa: B019
    def _edited(self, site_index: int, ordinal: int) -> Release:
        return content.edit_release(self._base_release(site_index, ordinal), self.seed)

    def modified_at(self, item: Item, today: date) -> datetime:
        """Last-Modified of an item's page: its publication, or the edit's instant once visible."""
        if self._edited_by(item, today):
            return self._edit_at(item)
        return item.published_at


def _base(config: SimWebConfig) -> SimWebConfig:
    return replace(
        config,
        today=config.start_day,
        faults=replace(
            config.faults,
            error_5xx=0,
            rate_limited=0,
            timeout=0,
            slow=0,
            reset=0,
            truncated=0,
            redirect_chain=0,
        ),
    )


def catalog_for(config: SimWebConfig) -> Catalog:
    """The catalog covering ``config.today`` plus the horizon (shared by server, truth and tests)."""
    need = (config.today - config.start_day).days + config.horizon_days + 3
    n_days = 365 * math.ceil(need / 365)
    return _catalog(_base(config), n_days)


@functools.lru_cache(maxsize=4)
def _catalog(config: SimWebConfig, n_days: int) -> Catalog:
    return Catalog(config, n_days)
