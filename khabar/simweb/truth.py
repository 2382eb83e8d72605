"""Ground truth of the simulated web: one ``PageTruth`` per article page (and per video / app page).

Computed from the same catalog and content functions the server renders from, never from served HTML, and
as visible at the end of ``config.today`` (an edit counts once its day has come).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

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
