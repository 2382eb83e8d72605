"""`khabar report` without a browser: Persian labels, units, filters, the file's self-containment, the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from khabar.report import ReportError, fa, make_filter, write_report
from tests.report.conftest import khabar

LATIN_DIGIT = re.compile(r"[0-9]")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "۰"), (7, "۷"), (1234567, "۱٬۲۳۴٬۵۶۷"), (2.5, "۲٫۵"), (None, "–")],
)
def test_numbers_in_persian_digits(value, expected):
    assert fa.num(value, 1) == expected


@pytest.mark.parametrize(
    ("rial", "expected"),
    [
        (3e13, "۳ همت"),  # 3,000 billion toman
        (1.25e13, "۱٫۲ همت"),  # rounded to one decimal (banker's rounding of 1.25)
        (5e10, "۵ میلیارد تومان"),
        (2.35e11, "۲۳٫۵ میلیارد تومان"),
        (8e7, "۸ میلیون تومان"),
        (80_000, "۸٬۰۰۰ تومان"),
    ],
)
def test_money_in_readable_units(rial, expected):
    assert fa.money(rial) == expected


@pytest.mark.parametrize(
    ("day", "label"),
    [("1402-12-29", "۲۹ اسفند ۱۴۰۲"), ("1403-01-01", "۱ فروردین ۱۴۰۳"), ("۱۴۰۲-۰۵-۰۹", "۹ مرداد ۱۴۰۲")],
)
def test_jalali_day_labels(day, label):
    assert fa.day_label(day) == label


def test_month_span_is_gregorian():
    assert [d.isoformat() for d in fa.month_span("1402-12")] == ["2024-02-20", "2024-03-19"]
    assert [d.isoformat() for d in fa.month_span("1403-01")] == ["2024-03-20", "2024-04-19"]


@pytest.mark.parametrize("vmax", [0, 1, 7, 48, 333, 1_000, 123_456, 4.2e14])
def test_ticks_cover_the_range_in_persian(vmax):
    t = fa.ticks(vmax)
    assert t["tickvals"][0] == 0 and t["tickvals"][-1] >= vmax
    assert len(t["tickvals"]) <= 11
    assert not any(LATIN_DIGIT.search(x) for x in t["ticktext"])


@pytest.mark.parametrize(
    ("start", "end"),
    [("1402-07-01", "1402-09-01"), ("2023-09-23", "2023-11-22"), ("۱۴۰۲/۰۷/۰۱", "2023-11-22")],
)
def test_from_to_accept_jalali_and_gregorian(start, end):
    f = make_filter(start, end)
    assert (f.start_jalali, f.end_jalali) == ("1402-07-01", "1402-09-01")


@pytest.mark.parametrize(
    ("start", "end"), [("1402-13-01", None), ("yesterday", None), ("1402-09-01", "1402-07-01")]
)
def test_bad_dates_are_clear_errors(start, end):
    with pytest.raises(ReportError):
        make_filter(start, end)


def _charts(html: str) -> list[dict]:
    m = re.search(r'<script id="chart-specs" type="application/json">(.*?)</script>', html, re.S)
    assert m
    return json.loads(m.group(1))


def test_report_is_self_contained_rtl_and_persian(synthetic_db: Path, tmp_path: Path):
    result = write_report(synthetic_db, tmp_path / "r.html")
    html = result.path.read_text(encoding="utf-8")
    assert result.bytes < 6_000_000
    assert '<html lang="fa" dir="rtl">' in html
    assert "data:font/woff2;base64," in html and "plotly.js (basic - minified) v4.1.1" in html
    from khabar.report import _asset

    markup = html.replace(_asset("plotly-basic.min.js").decode("utf-8"), "")  # (its modebar logo links out)
    assert not re.search(
        r'(src|href)\s*=\s*"(https?:)?//|url\((https?:)?//|<link', markup
    )  # nothing to fetch
    charts = _charts(html)
    assert len(charts) == 9
    assert result.summary["by"] == "month"  # 400 days of data: a Jalali-month axis
    for chart in charts:
        for axis in ("xaxis", "yaxis"):
            spec = chart["layout"].get(axis, {})
            assert not any(LATIN_DIGIT.search(str(t)) for t in spec.get("ticktext", [])), chart["id"]
            if chart["id"] not in ("chart-health",):  # source ids are Latin identifiers
                labels = spec.get("categoryarray", [])
                assert not any(LATIN_DIGIT.search(str(t)) for t in labels), (chart["id"], labels[:3])
    agencies = next(c for c in charts if c["id"] == "chart-agencies")
    months = agencies["layout"]["xaxis"]["categoryarray"]
    assert months[0] == "فروردین ۱۴۰۲" and len(months) == 14  # 1402-01 .. 1403-02, every month even if empty
    assert agencies["layout"]["xaxis"]["autorange"] == "reversed"  # time runs right to left
    money = next(c for c in charts if c["id"] == "chart-money")
    assert money["layout"]["yaxis"]["title"]["text"] == "همت"
    provinces = next(c for c in charts if c["id"] == "chart-provinces")
    assert len(provinces["data"][0]["y"]) == 31


def test_totals_and_filters_match_the_warehouse(synthetic_db: Path, tmp_path: Path):
    con = duckdb.connect(str(synthetic_db), read_only=True)
    agency, province = con.execute(
        "SELECT agency, province FROM releases WHERE is_canonical GROUP BY ALL ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    expected = {
        "all": con.execute("SELECT count(*) FROM releases WHERE is_canonical").fetchone()[0],
        "range": con.execute(
            "SELECT count(*) FROM releases WHERE is_canonical AND published_jalali >= '1402-07-01'"
            " AND published_jalali < '1402-09-01'"
        ).fetchone()[0],
        "agency": con.execute(
            "SELECT count(*) FROM releases WHERE is_canonical AND agency = ?", [agency]
        ).fetchone()[0],
        "province": con.execute(
            "SELECT count(*) FROM releases WHERE is_canonical AND province = ?", [province]
        ).fetchone()[0],
    }
    con.close()
    filters = {
        "all": make_filter(),
        "range": make_filter("1402-07-01", "2023-11-22"),
        "agency": make_filter(agencies=[agency]),
        "province": make_filter(provinces=[province]),
    }
    for name, flt in filters.items():
        s = write_report(synthetic_db, tmp_path / f"{name}.html", flt).summary
        assert s["releases"] == expected[name], name
    s = write_report(synthetic_db, tmp_path / "range.html", filters["range"]).summary
    assert (s["first_day"], s["last_day"], s["by"]) == ("1402-07-01", "1402-08-30", "day")
    s = write_report(synthetic_db, tmp_path / "agency.html", filters["agency"]).summary
    assert [a for a, _ in s["top_agencies"]] == [agency]


def test_empty_selection_still_renders(synthetic_db: Path, tmp_path: Path):
    result = write_report(synthetic_db, tmp_path / "e.html", make_filter(agencies=["سازمانی که نیست"]))
    assert result.summary["releases"] == 0
    charts = _charts(result.path.read_text(encoding="utf-8"))
    assert all(
        c["data"] == [] for c in charts if c["id"] not in ("chart-health", "chart-runs", "chart-provinces")
    )
    assert "در این بازه داده‌ای نیست" in result.path.read_text(encoding="utf-8")


def test_cli_report(synthetic_db: Path, tmp_path: Path):
    out = tmp_path / "cli.html"
    done = khabar(
        "report",
        "--db",
        str(synthetic_db),
        "--from",
        "1402-01-01",
        "--to",
        "1402-07-01",
        "--province",
        "تهران",
        "-o",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout and out.stat().st_size > 1_000_000
    bad = khabar("report", "--db", str(synthetic_db), "--from", "1402-13-01", "-o", str(tmp_path / "x.html"))
    assert bad.returncode == 2 and "khabar: error:" in bad.stderr and not (tmp_path / "x.html").exists()
    by = khabar("report", "--db", str(synthetic_db), "--by", "week", "-o", str(tmp_path / "w.html"))
    assert by.returncode == 2 and "--by 'week'" in by.stderr
    missing = khabar("report", "--db", str(tmp_path / "none.duckdb"), "-o", str(tmp_path / "y.html"))
    assert missing.returncode == 2 and "no database" in missing.stderr  # README exit codes: unreadable input
