"""B5 load: release rows/s into DuckDB through khabar's Arrow upsert vs a row-by-row `executemany` baseline.

Both write the same kind of rows (a release with 2 persons and 2 quantities) into a fresh file; executemany runs on
fewer rows because it is ~100x slower (rates, not totals, are compared)."""

from __future__ import annotations

import argparse
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import table, timed
from khabar.warehouse.db import open_db
from khabar.warehouse.releases import RELEASE_COLUMNS, ReleaseRow, write_releases

NOW = datetime(2024, 3, 19, tzinfo=UTC)


def make_rows(n: int, offset: int = 0) -> list[ReleaseRow]:
    rows = []
    for i in range(offset, offset + n):
        rec = {
            "url": f"https://kerman.behzisti.test/fa/news/{i}",
            "is_article": True,
            "title": f"نشست شورای هماهنگی بهزیستی استان کرمان شماره {i}",
            "lead": "مدیرکل بهزیستی استان کرمان از اجرای بیش از ۱۱ طرح اشتغال‌زایی خبر داد.",
            "body": "به گزارش روابط عمومی بهزیستی استان کرمان، " + "متن خبر " * 150,
            "published_at": (NOW - timedelta(minutes=i)).isoformat(),
            "published_jalali": "1402-12-29",
            "news_code": str(100000 + i),
            "attribution": "روابط عمومی بهزیستی استان کرمان",
            "agency": "سازمان بهزیستی",
            "province": "کرمان",
            "event_type": "meeting",
            "keywords": ["بهزیستی", "اشتغال"],
            "language": "fa",
            "errors": [],
            "persons": [
                {"name": "علی صادق‌زاده", "role": "مدیرکل"},
                {"name": "رزم حسینی", "role": "استاندار"},
            ],
            "quantities": [
                {"value": 11, "unit": "طرح", "text": "۱۱ طرح"},
                {"value": 5e9, "unit": "ریال", "text": "پنج میلیارد ریال"},
            ],
        }
        rows.append(
            ReleaseRow(
                rec,
                rec["url"],
                "kerman-behzisti",
                f"p{i}",
                NOW,
                "bench",
                content_hash=f"h{i}",
                cluster_id=f"c{i}",
                is_canonical=True,
                search_text=rec["body"],
            )
        )
    return rows


def _executemany(con: Any, rows: list[ReleaseRow]) -> None:
    """The baseline a newcomer writes: one parameterised INSERT per row, in one transaction."""
    placeholders = ", ".join("?" for _ in RELEASE_COLUMNS)
    con.execute("BEGIN")
    con.executemany(
        f"INSERT INTO releases ({', '.join(RELEASE_COLUMNS)}) VALUES ({placeholders})",
        [
            [
                r.release_id,
                r.record["url"],
                r.canonical_url,
                r.source_id,
                r.page_id,
                True,
                r.record["title"],
                r.record["lead"],
                r.record["body"],
                r.record["published_at"],
                r.record["published_jalali"],
                r.record["news_code"],
                r.record["attribution"],
                r.record["agency"],
                r.record["province"],
                r.record["event_type"],
                r.record["keywords"],
                "fa",
                r.search_text,
                r.cluster_id,
                True,
                r.content_hash,
                1,
                r.fetched_at,
                "bench",
                [],
            ]
            for r in rows
        ],
    )
    con.executemany(
        "INSERT INTO persons VALUES (?, ?, ?, ?)",
        [[r.release_id, i, p["name"], p["role"]] for r in rows for i, p in enumerate(r.record["persons"])],
    )
    con.executemany(
        "INSERT INTO quantities VALUES (?, ?, ?, ?, ?)",
        [
            [r.release_id, i, q["value"], q["unit"], q["text"]]
            for r in rows
            for i, q in enumerate(r.record["quantities"])
        ],
    )
    con.execute("COMMIT")


def run(rows: int = 50_000, baseline_rows: int = 2_000, repeats: int = 3) -> dict[str, Any]:
    data = make_rows(rows)
    base = make_rows(baseline_rows)
    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(1000))

        def arrow() -> None:
            con = open_db(Path(tmp) / f"a{next(counter)}.duckdb")
            for i in range(0, len(data), 5_000):  # pipeline-sized batches
                write_releases(con, data[i : i + 5_000])
            con.close()

        def many() -> None:
            con = open_db(Path(tmp) / f"m{next(counter)}.duckdb")
            _executemany(con, base)
            con.close()

        a_wall, _, _ = timed(arrow, repeats)
        m_wall, _, _ = timed(many, repeats)
    a_rate, m_rate = rows / a_wall, baseline_rows / m_wall
    out = {
        "rows": [
            {
                "method": "khabar write_releases (Arrow upsert)",
                "rows": rows,
                "seconds": a_wall,
                "rows_per_s": a_rate,
            },
            {
                "method": "executemany row by row (baseline)",
                "rows": baseline_rows,
                "seconds": m_wall,
                "rows_per_s": m_rate,
            },
        ],
        "ratio": a_rate / m_rate,
    }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--baseline-rows", type=int, default=2_000)
    args = ap.parse_args()
    out = run(args.rows, args.baseline_rows)
    print(table(out["rows"]))
    print(f"ratio: {out['ratio']:.1f}x executemany")


if __name__ == "__main__":
    main()
