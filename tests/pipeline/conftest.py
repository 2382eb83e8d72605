"""Fixtures shared by the pipeline's tests."""

from __future__ import annotations

from datetime import date

import pytest

from khabar.simweb.config import SimWebConfig
from khabar.simweb.truth import iter_truth
from khabar.simweb.world import World

DAY = date(2023, 8, 3)


@pytest.fixture(scope="session")
def articles() -> list[tuple[str, bytes, str]]:
    """(url, html bytes, charset) of a day's simulated articles, rendered in-process (no HTTP)."""
    config = SimWebConfig()
    world = World(config)
    out = []
    for truth in iter_truth(config, DAY, DAY.replace(day=4)):
        if truth.page_kind != "article":
            continue
        item = world.item_for_url(truth.url)
        assert item is not None
        body, charset = world.render_article(item)
        out.append((truth.url, body, charset))
        if len(out) == 12:
            break
    return out
