"""Golden pages of the simulated web: which pages, and their expectations (from the simulated web's truth).

``python -m tests.extractors.golden_pages`` rewrites ``golden/simweb.json`` (run it only when the simulated web's
generator changes on purpose); the tests render the same pages in-process and compare.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from khabar.simweb.config import SimWebConfig
from khabar.simweb.world import World

GOLDEN = Path(__file__).parent / "golden"
# (site id, Gregorian day) pairs chosen to cover every template, both encodings, Arabic letters (portal before
# 1399), Latin/Arabic-Indic digit sites, news-agency republications and both Tehran offsets.
PICKS: tuple[tuple[str, date], ...] = (
    ("kerman-behzisti", date(2019, 6, 12)),
    ("kerman-behzisti", date(2023, 8, 3)),
    ("ilam-jahad", date(2019, 11, 5)),
    ("khuzestan-rmto", date(2022, 1, 18)),
    ("fars-medu", date(2020, 5, 2)),
    ("kohgiluyeh-boyerahmad-rcs", date(2020, 9, 14)),
    ("khorasan-jonoubi-mui", date(2023, 2, 7)),
    ("mazandaran-medu", date(2021, 7, 1)),
    ("kohgiluyeh-boyerahmad-rmto", date(2020, 5, 1)),
    ("khorasan-jonoubi-ostandari", date(2023, 12, 20)),
    ("avaye-iran", date(2021, 4, 10)),
    ("payam-mellat", date(2022, 10, 5)),
    ("novin-khabar", date(2020, 2, 1)),
    ("sedaye-ostan", date(2023, 6, 30)),
)


def golden_items(world: World) -> list[Any]:
    items = []
    for site_id, day in PICKS:
        site = next(s for s in world.sites if s.site_id == site_id)
        d = day
        for _ in range(30):
            arts = [i for i in world.catalog.items_on(site, d) if i.is_article]
            if arts:
                items.extend(arts[:2])
                break
            d = date.fromordinal(d.toordinal() + 1)
    return items


def expectation(world: World, item: Any) -> dict[str, Any]:
    t = world.truth(item)
    return {
        "url": t.url,
        "template": t.template,
        "encoding": t.encoding,
        "title": t.title,
        "lead": t.lead,
        "body": t.body,
        "published_jalali": t.published_jalali,
        "published_day": t.published_day.isoformat(),
        "news_code": t.news_code,
        "attribution": t.attribution,
        "agency": t.agency,
        "province": t.province,
        "event_type": t.event_type,
        "persons": [p.name for p in t.persons],
        "quantities": [[q.value, q.unit] for q in t.quantities],
    }


def main() -> None:
    world = World(SimWebConfig())
    data = [expectation(world, i) for i in golden_items(world)]
    (GOLDEN / "simweb.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(len(data), "golden pages")


if __name__ == "__main__":
    main()
