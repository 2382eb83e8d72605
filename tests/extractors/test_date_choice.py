"""The publication date comes from a date-marked node anywhere on the page before any date in the prose.

Regression: on the Joomla-style provincial portal family the title's table row is the article's region and the
byline («یکشنبه ، 27 اسفند 1402 ساعت 13:20») sits in the next row; the story says «از 27 دی سال گذشته آغاز شده
بود». Read against a later fetch time (as `make demo` and any reprocess do), the prose gave 1404-10-27.
"""

from __future__ import annotations

from datetime import UTC, datetime

from khabar.extractors.core import extract

from khabar.simweb.world import World


def test_byline_in_another_row_beats_a_day_named_in_the_story(world: World) -> None:
    res = world.handle("fars.jahad.test", "GET", "/fa/news/17954", "https")
    assert res.status == 200
    assert "27 دی سال گذشته" in res.body.decode("utf-8")  # the trap is on the page
    rec = extract(
        res.body,
        url="https://fars.jahad.test/fa/news/17954",
        fetched_at=datetime(2026, 12, 2, 6, 13, tzinfo=UTC),
    )
    assert rec["published_jalali"] == "1402-12-27", rec["published_at"]
    assert rec["published_at"] == "2024-03-17T13:20:00+03:30"
