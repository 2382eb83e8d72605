"""B10 report: `khabar report` (the offline HTML report of issue 20) over a synthetic warehouse of 100k releases.

The warehouse is written through the warehouse's own loader (`write_releases`, `start_run`/`finish_run`) with
seeded random data shaped like the real thing: 12 agencies, the 31 provinces, agency sites and news agencies,
clusters with 0-4 republished copies hours apart, officials with roles, money in rial, a request log with errors,
runs. Measured: the whole `write_report` (read-only open, queries, shaping, rendering, writing) — median of 3 — and
the file size; the aim is < 10 s for 100k releases. Baseline, same warehouse and run: the terminal report (rich
tables from the report views) that `make demo` printed before. `synthetic_warehouse` is also the tests' fixture."""

from __future__ import annotations

import io
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import jdatetime

from khabar.warehouse.db import open_db
from khabar.warehouse.releases import ReleaseRow, write_releases
from khabar.warehouse.runs import finish_run, start_run

AGENCIES = (
    "سازمان بهزیستی",
    "جهاد کشاورزی",
    "آموزش و پرورش",
    "دانشگاه علوم پزشکی",
    "شهرداری",
    "استانداری",
    "جمعیت هلال احمر",
    "اداره کل راهداری و حمل و نقل جاده‌ای",
    "بنیاد مسکن",
    "اداره کل ورزش و جوانان",
    "شرکت آب و فاضلاب",
    "اداره کل میراث فرهنگی",
)
NEWS_SITES = ("avaye-iran", "payam-mellat", "novin-khabar", "sedaye-ostan", "khabar-rooz", "ostan-news")
ROLES = ("مدیرکل", "استاندار", "معاون استاندار", "فرماندار", "رئیس", "وزیر", "شهردار", "سرپرست")
FIRST = ("علی", "محمد", "رضا", "زهرا", "فاطمه", "حسین", "مریم", "مهدی", "سارا", "حمید", "نرگس", "امیر")
LAST = ("صادق‌زاده", "حسینی", "کریمی", "رضایی", "موسوی", "احمدی", "جعفری", "نوروزی", "قاسمی", "رحیمی")
START = date(2023, 3, 21)  # 1402-01-01


def _jalali(at: datetime) -> str:
    """The Jalali day in Tehran (+03:30: no daylight saving in these years' synthetic data)."""
    return jdatetime.date.fromgregorian(date=(at + timedelta(hours=3.5)).date()).strftime("%Y-%m-%d")


def _provinces() -> list[str]:
    from khabar.extractors.gazetteer import places

    return sorted(set(places().province_names.values()))


def synthetic_warehouse(
    path: str | Path, releases: int, *, seed: int = 7, days: int = 400, batch: int = 5_000
) -> Path:
    """A warehouse with `releases` unique releases (plus their copies) published over `days` days from 1402-01-01."""
    rng = random.Random(seed)
    provinces = _provinces()
    sites = [(f"site-{i:02d}", AGENCIES[i % len(AGENCIES)], provinces[i % len(provinces)]) for i in range(40)]
    people = [(f"{rng.choice(FIRST)} {rng.choice(LAST)}", rng.choice(ROLES)) for _ in range(150)]
    weights = [1 / (i + 1) for i in range(len(people))]  # a few officials are mentioned far more often
    con = open_db(path)
    now = datetime.now(UTC)
    rows: list[ReleaseRow] = []

    def flush() -> None:
        write_releases(con, rows)
        rows.clear()

    for i in range(releases):
        site, agency, province = sites[int(rng.paretovariate(1.2)) % len(sites)]
        when = datetime(START.year, START.month, START.day, 4, 30, tzinfo=UTC) + timedelta(
            days=rng.randrange(days), minutes=rng.randrange(12 * 60)
        )
        persons = [
            dict(zip(("name", "role"), p, strict=True))
            for p in rng.choices(people, weights, k=rng.choice((0, 1, 1, 2, 3)))
        ]
        money = [
            {"value": float(10 ** rng.uniform(8, 14)), "unit": "ریال", "text": "…"}
            for _ in range(rng.choice((0, 0, 1, 2)))
        ]
        people_q = [{"value": float(rng.randrange(1, 5000)), "unit": "نفر", "text": "…"}]
        copies = rng.choice((0, 0, 0, 1, 1, 2, 3, 4))
        cluster = f"c{i}"
        for c in range(copies + 1):
            src = site if c == 0 else NEWS_SITES[(i + c) % len(NEWS_SITES)]
            at = when + timedelta(hours=rng.expovariate(1 / 6)) if c else when
            url = f"https://{src}.test/news/{i}/{c}"
            rec = {
                "url": url,
                "is_article": True,
                "title": f"خبر شمارهٔ {i} از {agency} استان {province}",
                "lead": None,
                "body": "متن خبر",
                "published_at": at.isoformat(),
                "published_jalali": _jalali(at),
                "news_code": str(i),
                "attribution": None,
                "agency": agency,
                "province": province,
                "event_type": "announcement",
                "keywords": [],
                "language": "fa",
                "errors": [],
                "persons": persons,
                "quantities": money + people_q,
            }
            rows.append(
                ReleaseRow(
                    rec,
                    url,
                    src,
                    f"p{i}-{c}",
                    now,
                    "synthetic",
                    content_hash=f"h{i}",
                    cluster_id=cluster,
                    is_canonical=c == 0,
                    search_text="متن خبر",
                )
            )
        if len(rows) >= batch:
            flush()
    flush()
    for r in range(12):
        run_id = f"synthetic-{r:02d}"
        start_run(con, run_id, "daily_ingest" if r % 3 else "backfill", {"seed": seed})
        finish_run(con, run_id, "completed" if r % 5 else "failed", {"pages": rng.randrange(50, 900)})
    # one request-log row per (source, request): successes, 304s, a few timeouts and 503s
    con.execute(
        "INSERT INTO fetch_log SELECT 'synthetic-00', s.source_id, 'https://' || s.source_id || '.test/' || i,"
        " s.source_id || '.test', CASE WHEN i % 37 = 0 THEN NULL WHEN i % 41 = 0 THEN 503 WHEN i % 3 = 0 THEN 304"
        " ELSE 200 END, 20000, 5 + (i * 7919) % 400, CASE WHEN i % 37 = 0 THEN 'ReadTimeout' WHEN i % 41 = 0"
        " THEN 'http-503' END, 1, now() - to_seconds(i * 60), NULL FROM (SELECT DISTINCT source_id FROM releases) s,"
        " range(200) t(i)"
    )
    con.close()
    return Path(path)


def run(releases: int = 100_000, repeats: int = 3) -> dict[str, Any]:
    from rich.console import Console

    from khabar.report import write_report
    from khabar.simweb.demo import _print_reports

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "report.duckdb"
        t0 = time.perf_counter()
        synthetic_warehouse(db, releases)
        setup = time.perf_counter() - t0
        walls, result = [], None
        for _ in range(repeats):
            t1 = time.perf_counter()
            result = write_report(db, Path(tmp) / "report.html")
            walls.append(time.perf_counter() - t1)
        assert result is not None
        base = []
        for _ in range(repeats):  # baseline: the terminal report `make demo` printed before (rich tables)
            t2 = time.perf_counter()
            _print_reports(Console(file=io.StringIO(), width=160), str(db))
            base.append(time.perf_counter() - t2)
        return {
            "releases": result.summary["releases"],
            "pages_incl_copies": result.summary["pages"],
            "setup_seconds": round(setup, 1),
            "report_seconds_median": round(statistics.median(walls), 2),
            "report_seconds_all": [round(w, 2) for w in walls],
            "report_mb": round(result.bytes / 1e6, 2),
            "baseline_terminal_report_seconds": round(statistics.median(base), 2),
            "ratio_to_baseline": round(statistics.median(walls) / statistics.median(base), 2),
            "aim": "< 10 s for 100k releases",
            "aim_met": statistics.median(walls) < 10,
        }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=2))
