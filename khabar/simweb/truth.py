"""Ground truth of the simulated web: one ``PageTruth`` per article page (and per video / app page).

Computed from the same catalog and content functions the server renders from, never from served HTML, and
as visible at the end of ``config.today`` (an edit counts once its day has come). ``iter_published`` lists the
publication instants of a span, for measuring publication → row delay under a live clock.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from khabar.simweb.clock import TEHRAN
from khabar.simweb.config import SimWebConfig
from khabar.simweb.model import PageTruth
from khabar.simweb.world import World


def iter_truth(
    config: SimWebConfig,
    start: date | None = None,
    end: date | None = None,
    *,
    sites: list[str] | None = None,
) -> Iterator[PageTruth]:
    """Truth for every page published in ``[start, end)`` (Tehran days; default: the whole world up to today),
    day by day, site by site, in publication order. Generated lazily: memory stays flat."""
    world = World(config)
    first = max(start or config.start_day, config.start_day)
    stop = min(end or config.today + timedelta(days=1), config.today + timedelta(days=1))
    wanted = [s for s in world.sites if sites is None or s.site_id in sites]
    d = first
    while d < stop:
        for site in wanted:
            for item in world.catalog.items_on(site, d):
                yield world.truth(item)
        d += timedelta(days=1)


@dataclass(frozen=True)
class Publication:
    """One page's publication instant as the truth knows it: what a freshness benchmark measures delay from."""

    url: str
    site_id: str
    site_kind: str  # "agency" or "news"
    page_kind: str  # original, templated, copy, video, app
    published_at: datetime  # aware, Asia/Tehran


def iter_published(
    config: SimWebConfig, since: datetime, until: datetime, *, sites: list[str] | None = None
) -> Iterator[Publication]:
    """Every page published in ``(since, until]`` (aware instants), site by site within each Tehran day, in
    publication order per site. Cheap next to ``iter_truth``: only titles (for URLs) are generated."""
    world = World(replace(config, today=max(config.today, until.astimezone(TEHRAN).date())))
    wanted = [s for s in world.sites if sites is None or s.site_id in sites]
    d = max(since.astimezone(TEHRAN).date(), config.start_day)
    last = until.astimezone(TEHRAN).date()
    while d <= last:
        for site in wanted:
            for item in world.catalog.items_on(site, d):
                if since < item.published_at <= until:
                    yield Publication(
                        world.url(item), site.site_id, site.spec.kind, item.kind, item.published_at
                    )
        d += timedelta(days=1)


def truth_for_url(config: SimWebConfig, url: str) -> PageTruth | None:
    """Truth for any URL variant of a page (scheme, www, slug, tracking parameters do not matter)."""
    world = World(config)
    item = world.item_for_url(url)
    return world.truth(item) if item is not None else None


def truth_to_dict(t: PageTruth) -> dict[str, Any]:
    d = dataclasses.asdict(t)
    d["published_day"] = t.published_day.isoformat() if t.published_day else None
    return d


def truth_to_json(t: PageTruth) -> str:
    return json.dumps(truth_to_dict(t), ensure_ascii=False)
