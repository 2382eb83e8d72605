"""Gather the report's data from the warehouse and shape it into sections: one or two Plotly charts and a table.

The charts are plain Plotly.js specs (dicts): every value axis carries its own tick values and Persian tick texts
(`fa.ticks`), every hover text is preformatted (`customdata`), and time runs right to left (RTL reading order).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import duckdb
import jdatetime
import numpy as np

from khabar.report import fa
from khabar.warehouse import report_queries as rq
from khabar.warehouse.report_queries import ReportFilter

PALETTE = [
    "#1f6f8b",
    "#e07a5f",
    "#3d9970",
    "#8e6c8a",
    "#f2cc8f",
    "#4a7fb0",
    "#b5525c",
    "#81b29a",
    "#6d6875",
    "#c9a227",
]
OTHER = "سایر"
UNKNOWN = "نامشخص"
TOP_SERIES = 8  # series per stacked chart; the rest are summed as «سایر»
DAY_SPAN_LIMIT = 62  # ranges up to this many days are drawn per day, longer ones per Jalali month
DELAY_EDGES = [0, 0.5, 1, 2, 3, 6, 12, 24, 48, 72, 168, float("inf")]  # hours


@dataclass
class Cell:
    text: str
    sort: str | float | None = None  # sort key (numbers sort as numbers); None: sort by the text
    title: str | None = None  # hover text (the Gregorian date for Jalali dates)


@dataclass
class Table:
    columns: list[tuple[str, str]]  # (header, "num" | "text")
    rows: list[list[Cell]]
    caption: str = ""


@dataclass
class Section:
    id: str
    title: str
    intro: str
    charts: list[dict[str, Any]]  # {"id", "data", "layout"}
    table: Table
    note: str = ""


@dataclass
class Report:
    title: str
    subtitle: str
    generated: tuple[str, str]
    cards: list[tuple[str, str]]
    sections: list[Section]
    summary: dict[str, Any] = field(default_factory=dict)


def _days(first: str, last: str) -> list[str]:
    """Every Jalali day from first to last (inclusive), as YYYY-MM-DD strings."""
    a, b = fa.jalali(first).togregorian(), fa.jalali(last).togregorian()
    return [
        jdatetime.date.fromgregorian(date=a + timedelta(days=i)).strftime("%Y-%m-%d")
        for i in range((b - a).days + 1)
    ]


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last[:7]:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@dataclass(frozen=True)
class Periods:
    """The time axis: Jalali days or months, with Persian tick labels and hover texts (Gregorian beside)."""

    by: str  # "day" | "month"
    keys: list[str]

    @classmethod
    def build(cls, first: str | None, last: str | None, by: str) -> Periods:
        if not first or not last:
            return cls("day", [])
        if by == "auto":
            span = (fa.jalali(last).togregorian() - fa.jalali(first).togregorian()).days
            by = "day" if span <= DAY_SPAN_LIMIT else "month"
        return cls(by, _days(first, last) if by == "day" else _months(first, last))

    def key(self, jalali_day: str) -> str:
        return jalali_day if self.by == "day" else jalali_day[:7]

    def label(self, key: str) -> str:
        return fa.day_label(key, year=False) if self.by == "day" else fa.month_label(key)

    def hover(self, key: str) -> str:
        if self.by == "day":
            return f"{fa.weekday(key)} {fa.day_label(key)} ({fa.jalali(key).togregorian().isoformat()})"
        a, b = fa.month_span(key)
        return f"{fa.month_label(key)} ({a.isoformat()} – {b.isoformat()})"

    @property
    def noun(self) -> str:
        return "روز" if self.by == "day" else "ماه"


def _layout(height: int = 420, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "font": {"family": "Vazirmatn, Tahoma, sans-serif", "size": 13, "color": "#222"},
        "height": height,
        "margin": {"l": 30, "r": 70, "t": 40, "b": 90},
        "paper_bgcolor": "#fff",
        "plot_bgcolor": "#fff",
        "hovermode": "closest",
        "hoverlabel": {"font": {"family": "Vazirmatn, Tahoma, sans-serif"}, "align": "right"},
        "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": -0.28, "traceorder": "normal"},
    }
    base.update(extra)
    return base


def _empty(layout: dict[str, Any]) -> dict[str, Any]:
    layout["annotations"] = [
        {
            "text": "در این بازه داده‌ای نیست",
            "showarrow": False,
            "font": {"size": 16},
            "xref": "paper",
            "yref": "paper",
            "x": 0.5,
            "y": 0.5,
        }
    ]
    layout["xaxis"] = {"visible": False}
    layout["yaxis"] = {"visible": False}
    return layout


def _stacked_by_period(
    chart_id: str,
    periods: Periods,
    series: dict[str, dict[str, float]],
    unit: str,
    scale: float = 1.0,
    value_text: Any = None,
) -> dict[str, Any]:
    """Stacked bars: one series per group (top TOP_SERIES, the rest as «سایر»), x = periods right to left."""
    totals = {g: sum(v.values()) for g, v in series.items()}
    ranked = sorted(totals, key=lambda g: (-totals[g], g))
    keep, rest = ranked[:TOP_SERIES], ranked[TOP_SERIES:]
    groups: dict[str, dict[str, float]] = {g: series[g] for g in keep}
    if rest:
        merged: dict[str, float] = defaultdict(float)
        for g in rest:
            for k, v in series[g].items():
                merged[k] += v
        groups[OTHER] = dict(merged)
    labels = [periods.label(k) for k in periods.keys]
    fmt = value_text or (lambda v: f"{fa.num(v)} {unit}")
    data = []
    for i, (g, values) in enumerate(groups.items()):
        ys = [values.get(k, 0) for k in periods.keys]
        hover = [
            f"<b>{g}</b><br>{periods.hover(k)}<br>{fmt(y)}" for k, y in zip(periods.keys, ys, strict=True)
        ]
        data.append(
            {
                "type": "bar",
                "name": g,
                "x": labels,
                "y": ys,
                "customdata": hover,
                "hovertemplate": "%{customdata}<extra></extra>",
                "marker": {"color": PALETTE[i % len(PALETTE)]},
            }
        )
    stack = [sum(v.get(k, 0) for v in groups.values()) for k in periods.keys]
    layout = _layout(barmode="stack")
    if not data or not any(stack):
        return {"id": chart_id, "data": [], "layout": _empty(layout)}
    layout["xaxis"] = {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": labels,
        "autorange": "reversed",
        "fixedrange": True,
        "tickangle": -45 if len(labels) > 8 else 0,
    }
    layout["yaxis"] = {
        "side": "right",
        "fixedrange": True,
        "gridcolor": "#e6e6e6",
        "title": {"text": unit},
        **fa.ticks(max(stack), integer=scale == 1.0, scale=scale),
    }
    return {"id": chart_id, "data": data, "layout": layout}


def _hbar(
    chart_id: str,
    labels: list[str],
    values: Sequence[float],
    hover: list[str],
    unit: str,
    color: str = PALETTE[0],
    height: int | None = None,
) -> dict[str, Any]:
    """A ranked horizontal bar chart: first item on top, bars growing right to left."""
    layout = _layout(height or max(260, 26 * len(labels) + 110), margin={"l": 30, "r": 240, "t": 30, "b": 60})
    if not labels or not any(values):
        return {"id": chart_id, "data": [], "layout": _empty(layout)}
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": labels,
            "x": values,
            "customdata": hover,
            "hovertemplate": "%{customdata}<extra></extra>",
            "marker": {"color": color},
        }
    ]
    layout["yaxis"] = {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": labels,
        "autorange": "reversed",
        "side": "right",
        "fixedrange": True,
        "automargin": True,
    }
    layout["xaxis"] = {
        "autorange": False,
        "fixedrange": True,
        "gridcolor": "#e6e6e6",
        "title": {"text": unit},
        **fa.ticks(max(values)),
    }
    layout["xaxis"]["range"] = list(reversed(layout["xaxis"]["range"]))  # right to left
    return {"id": chart_id, "data": data, "layout": layout}


def _vbar(
    chart_id: str,
    labels: list[str],
    values: Sequence[float],
    hover: list[str],
    unit: str,
    title: str,
    color: str = PALETTE[0],
    shapes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    layout = _layout(380, margin={"l": 30, "r": 70, "t": 40, "b": 110})
    if not labels or not any(values):
        return {"id": chart_id, "data": [], "layout": _empty(layout)}
    data = [
        {
            "type": "bar",
            "x": labels,
            "y": values,
            "customdata": hover,
            "hovertemplate": "%{customdata}<extra></extra>",
            "marker": {"color": color},
        }
    ]
    layout["xaxis"] = {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": labels,
        "autorange": "reversed",
        "fixedrange": True,
        "automargin": True,
        **({"title": {"text": title, "standoff": 14}} if title else {}),
    }
    layout["yaxis"] = {
        "side": "right",
        "fixedrange": True,
        "gridcolor": "#e6e6e6",
        "title": {"text": unit},
        **fa.ticks(max(values)),
    }
    if shapes:
        layout["annotations"] = shapes
    return {"id": chart_id, "data": data, "layout": layout}


def _n(v: float | int | None) -> Cell:
    return Cell(fa.num(v, 1), float(v) if v is not None else -1.0)


def _when(ts: datetime | None) -> Cell:
    text, greg = fa.stamp(ts)
    return Cell(text, greg, greg or None)


def _jday(day: str | None) -> Cell:
    if not day:
        return Cell("–", "")
    return Cell(fa.day_label(day), day, fa.jalali(day).togregorian().isoformat())


def _period_cell(periods: Periods, key: str) -> Cell:
    if periods.by == "day":
        return _jday(key)
    a, b = fa.month_span(key)
    return Cell(fa.month_label(key), key, f"{a.isoformat()} – {b.isoformat()}")


def _counts_sections(daily: list[dict[str, Any]], periods: Periods) -> list[Section]:
    out = []
    for dim, sid, title in (("agency", "agencies", "دستگاه"), ("province", "provinces-time", "استان")):
        series: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        pages: dict[tuple[str, str], int] = defaultdict(int)
        for r in daily:
            g, k = r[dim] or UNKNOWN, periods.key(r["jalali_day"])
            series[g][k] += r["releases"]
            pages[(k, g)] += r["pages"]
        chart = _stacked_by_period(f"chart-{sid}", periods, series, "خبر")
        rows = sorted(
            ((k, g, v) for g, s in series.items() for k, v in s.items()), key=lambda x: (x[0], -x[2])
        )
        table = Table(
            [(periods.noun, "text"), (title, "text"), ("خبرها", "num"), ("صفحه‌ها با رونوشت‌ها", "num")],
            [[_period_cell(periods, k), Cell(g), _n(v), _n(pages[(k, g)])] for k, g, v in rows],
        )
        out.append(
            Section(
                sid,
                f"انتشار خبر بر حسب {title} در هر {periods.noun}",
                f"خبرهای یکتا (هر خوشهٔ رونوشت یک خبر) در هر {periods.noun} جلالی، به تفکیک {title};"
                f" {fa.num(TOP_SERIES)} {title} پرکارتر جدا و بقیه «{OTHER}».",
                [chart],
                table,
            )
        )
    return out


def _provinces_section(daily: list[dict[str, Any]], province_names: list[str]) -> Section:
    counts: dict[str, int] = dict.fromkeys(province_names, 0)
    unknown = 0
    for r in daily:
        if r["province"]:
            counts[r["province"]] = counts.get(r["province"], 0) + r["releases"]
        else:
            unknown += r["releases"]
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    total = sum(counts.values()) or 1
    labels = [p for p, _ in ranked]
    values = [v for _, v in ranked]
    hover = [
        f"<b>{p}</b><br>رتبهٔ {fa.num(i + 1)}<br>{fa.num(v)} خبر ({fa.num(100 * v / total, 1)}٪)"
        for i, (p, v) in enumerate(ranked)
    ]
    chart = _hbar("chart-provinces", labels, values, hover, "خبر", color=PALETTE[2])
    rows = [
        [_n(i + 1), Cell(p), _n(v), Cell(f"{fa.num(100 * v / total, 1)}٪", 100 * v / total)]
        for i, (p, v) in enumerate(ranked)
    ]
    note = (
        f"نقشهٔ استان‌ها (کوروپلت) کشیده نشد: در مخزن‌های بسته‌ها GeoJSON استان‌های ایران با مجوز روشن نیافتیم؛"
        f" به جای آن نمودار میله‌ای رتبه‌بندی‌شدهٔ {fa.num(len(province_names))} استان آمده است."
    )
    if unknown:
        note += f" {fa.num(unknown)} خبر استانِ مشخص نداشت و در رتبه‌بندی نیامده است."
    return Section(
        "provinces",
        f"رتبهٔ {fa.num(len(province_names))} استان",
        "شمار خبرهای یکتای هر استان در بازهٔ گزارش، از بیشترین به کمترین (استان‌های بی‌خبر هم آمده‌اند).",
        [chart],
        Table([("رتبه", "num"), ("استان", "text"), ("خبرها", "num"), ("سهم", "num")], rows),
        note,
    )


def _short(text: str, limit: int = 22) -> str:
    """An axis label short enough for the margin (the full text is in the hover and the table)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _persons_section(persons: list[dict[str, Any]]) -> Section:
    top = persons[:15]
    labels = [f"{p['name']} ({_short(p['role'])})" if p["role"] else p["name"] for p in top]
    hover = [
        f"<b>{p['name']}</b><br>{p['role'] or 'سمت نامشخص'}<br>{fa.num(p['releases'])} خبر<br>"
        f"نخستین: {fa.day_label(p['first_jalali'])}<br>آخرین: {fa.day_label(p['last_jalali'])}"
        for p in top
    ]
    chart = _hbar("chart-persons", labels, [p["releases"] for p in top], hover, "خبر", color=PALETTE[3])
    rows = [
        [
            Cell(p["name"]),
            Cell(p["role"] or "–"),
            _n(p["releases"]),
            _when(p["first_seen"]),
            _when(p["last_seen"]),
        ]
        for p in persons
    ]
    return Section(
        "persons",
        "مقام‌ها و سمت‌های پرتکرار",
        "مقام‌هایی که بیشترین خبرها از آن‌ها نام برده‌اند (هر نام با سمتش)، با نخستین و آخرین حضور.",
        [chart],
        Table(
            [
                ("نام", "text"),
                ("سمت", "text"),
                ("خبرها", "num"),
                ("نخستین حضور", "text"),
                ("آخرین حضور", "text"),
            ],
            rows,
        ),
    )


def _money_section(money: list[dict[str, Any]], periods: Periods) -> Section:
    series: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    mentions: dict[tuple[str, str], int] = defaultdict(int)
    for r in money:
        g, k = r["agency"] or UNKNOWN, periods.key(r["jalali_day"])
        series[g][k] += r["rial"]
        mentions[(k, g)] += r["mentions"]
    stack_max = max((sum(s.get(k, 0) for s in series.values()) for k in periods.keys), default=0)
    size, unit = fa.money_unit(stack_max)
    chart = _stacked_by_period("chart-money", periods, series, unit, scale=size, value_text=fa.money)
    rows = sorted(((k, g, v) for g, s in series.items() for k, v in s.items()), key=lambda x: (x[0], -x[2]))
    table = Table(
        [(periods.noun, "text"), ("دستگاه", "text"), ("اشاره‌ها", "num"), ("مبلغ", "num")],
        [[_period_cell(periods, k), Cell(g), _n(mentions[(k, g)]), Cell(fa.money(v), v)] for k, g, v in rows],
    )
    return Section(
        "money",
        f"مبلغ‌های اعلام‌شده به تفکیک دستگاه در هر {periods.noun}",
        f"جمع مبلغ‌هایی که خبرهای هر دستگاه اعلام کرده‌اند (ریال و تومان، به {unit}؛ هر همت هزار میلیارد"
        " تومان است). هر اشاره یک بار شمرده شده، نه هر رونوشت.",
        [chart],
        table,
    )


def _delay_bins() -> list[str]:
    """Short labels by upper bound: «تا ۳۰ دقیقه», «تا ۲ ساعت», …, «بیش از ۷ روز»."""
    return [
        f"بیش از {fa.hours(lo)}" if hi == float("inf") else f"تا {fa.hours(hi)}"
        for lo, hi in itertools.pairwise(DELAY_EDGES)
    ]


def _republication_section(
    sites: list[dict[str, Any]], delays: np.ndarray, top: list[dict[str, Any]]
) -> tuple[Section, dict[str, Any]]:
    total = sum(r["releases"] for r in sites) or 1
    s_labels = [f"{fa.num(r['sites'])} وبگاه" for r in sites]
    s_hover = [
        f"{fa.num(r['releases'])} خبر در {fa.num(r['sites'])} وبگاه ({fa.num(100 * r['releases'] / total, 1)}٪)"
        for r in sites
    ]
    c1 = _vbar(
        "chart-sites",
        s_labels,
        [r["releases"] for r in sites],
        s_hover,
        "خبر",
        "وبگاه‌های ناشر هر خبر",
        color=PALETTE[0],
    )
    counts = (
        [int(c) for c in np.histogram(delays, bins=np.array([*DELAY_EDGES[:-1], 1e12]))[0]]
        if delays.size
        else []
    )
    d_labels = _delay_bins()
    med = float(np.median(delays)) if delays.size else None
    p90 = float(np.quantile(delays, 0.9)) if delays.size else None
    d_hover = [f"{lab}<br>{fa.num(c)} رونوشت" for lab, c in zip(d_labels, counts, strict=False)]
    stats = (
        f"فاصلهٔ رونوشت از نخستین انتشار: میانه {fa.hours(med)} · صدک ۹۰ {fa.hours(p90)} · {fa.num(delays.size)} رونوشت"
        if delays.size
        else ""
    )
    ann = (
        [
            {
                "text": stats,
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 1,
                "xanchor": "right",
                "y": 1.08,
                "font": {"size": 13},
            }
        ]
        if stats
        else None
    )
    c2 = _vbar(
        "chart-delays",
        d_labels if delays.size else [],
        counts,
        d_hover,
        "رونوشت",
        "",
        color=PALETTE[1],
        shapes=ann,
    )
    rows = [
        [
            Cell(r["title"] or "–"),
            Cell(r["agency"] or "–"),
            Cell(r["canonical_source"] or "–"),
            _n(r["sites"]),
            _n(r["copies"]),
            Cell(fa.hours(r["median_copy_delay_hours"]), r["median_copy_delay_hours"] or 0.0),
            _when(r["first_published"]),
        ]
        for r in top
    ]
    table = Table(
        [
            ("عنوان", "text"),
            ("دستگاه", "text"),
            ("منبع اصلی", "text"),
            ("وبگاه‌ها", "num"),
            ("رونوشت‌ها", "num"),
            ("میانهٔ تأخیر", "num"),
            ("نخستین انتشار", "text"),
        ],
        rows,
        "پربازنشرترین خبرها",
    )
    intro = "هر خبر در چند وبگاه بازنشر شد، و رونوشت‌ها چه‌قدر پس از نخستین انتشار آمدند" + (
        f" (میانه {fa.hours(med)}، صدک ۹۰ {fa.hours(p90)})." if delays.size else "."
    )
    summary = {
        "copies": int(delays.size),
        "median_delay_hours": med,
        "p90_delay_hours": p90,
        "republished": total - next((r["releases"] for r in sites if r["sites"] == 1), 0),
    }
    return Section("republication", "بازنشر خبرها", intro, [c1, c2], table), summary


def _health_section(health: list[dict[str, Any]]) -> Section:
    ranked = sorted(health, key=lambda r: (-(r["errors"] or 0), -(r["requests"] or 0), r["source_id"]))
    labels = [r["source_id"] for r in ranked]
    ok = [r["ok"] or 0 for r in ranked]
    err = [r["errors"] or 0 for r in ranked]
    chart = _hbar(
        "chart-health",
        labels,
        ok,
        [
            f"<b>{r['source_id']}</b><br>{fa.num(r['ok'])} پاسخ موفق از"
            f" {fa.num(r['requests'])} درخواست<br>میانهٔ زمان پاسخ {fa.num(r['median_ms'], 1)} میلی‌ثانیه"
            for r in ranked
        ],
        "درخواست",
        color=PALETTE[2],
    )
    if chart["data"]:
        chart["data"][0]["name"] = "موفق"
        chart["data"].append(
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": err,
                "name": "خطا",
                "customdata": [
                    f"<b>{r['source_id']}</b><br>{fa.num(r['errors'])} خطا ({r['last_error_class'] or '–'})"
                    for r in ranked
                ],
                "hovertemplate": "%{customdata}<extra></extra>",
                "marker": {"color": PALETTE[6]},
            }
        )
        chart["layout"]["barmode"] = "stack"
        chart["layout"]["xaxis"].update(fa.ticks(max(o + e for o, e in zip(ok, err, strict=True))))
        chart["layout"]["xaxis"]["range"] = list(reversed(chart["layout"]["xaxis"]["range"]))
        chart["layout"]["showlegend"] = True
    rows = [
        [
            Cell(r["source_id"]),
            _n(r["requests"]),
            _n(r["errors"]),
            Cell(f"{fa.num(100 * (r['error_rate'] or 0), 2)}٪", float(r["error_rate"] or 0)),
            _when(r["last_success"]),
            Cell(r["last_error_class"] or "–"),
            _n(r["median_ms"]),
            _n(r["p95_ms"]),
        ]
        for r in ranked
    ]
    return Section(
        "health",
        "سلامت منبع‌ها",
        "درخواست‌های هر منبع در همهٔ اجراها: پاسخ‌های موفق و خطاها.",
        [chart],
        Table(
            [
                ("منبع", "text"),
                ("درخواست‌ها", "num"),
                ("خطاها", "num"),
                ("نرخ خطا", "num"),
                ("آخرین موفقیت", "text"),
                ("آخرین خطا", "text"),
                ("میانهٔ پاسخ (ms)", "num"),
                ("صدک ۹۵ (ms)", "num"),
            ],
            rows,
        ),
    )


STATUS_FA = {
    "completed": "کامل",
    "completed_with_errors": "کامل با خطا",
    "failed": "ناموفق",
    "running": "در حال اجرا",
    "crashed": "از کار افتاده",
    "cancelled": "لغو شده",
}
FLOW_FA = {
    "daily_ingest": "روزانه",
    "backfill": "پرکردن گذشته",
    "reprocess": "بازپردازش",
    "import": "ورود فایل",
}


def _runs_section(runs: list[dict[str, Any]]) -> Section:
    chrono = list(reversed(runs))  # oldest first: drawn right to left like every time axis here
    labels = [f"{fa.stamp(r['started_at'])[0]} · {FLOW_FA.get(r['flow'], r['flow'])}" for r in chrono]
    secs = [float(r["seconds"] or 0) for r in chrono]
    hover = [
        f"<b>{r['run_id']}</b><br>{STATUS_FA.get(r['status'], r['status'])} · {fa.num(r['seconds'], 1)} ثانیه"
        f"<br>{fa.num(r['pages'])} صفحه<br>{fa.stamp(r['started_at'])[1]}"
        for r in chrono
    ]
    chart = _vbar("chart-runs", labels, secs, hover, "ثانیه", "اجرا", color=PALETTE[5])
    if chart["data"]:
        colors = {"completed": PALETTE[2], "failed": PALETTE[6], "completed_with_errors": PALETTE[4]}
        chart["data"][0]["marker"] = {"color": [colors.get(r["status"], PALETTE[8]) for r in chrono]}
        chart["layout"]["xaxis"]["tickangle"] = -30
        chart["layout"]["margin"]["b"] = 140
    rows = [
        [
            Cell(r["run_id"]),
            Cell(FLOW_FA.get(r["flow"], r["flow"])),
            Cell(STATUS_FA.get(r["status"], r["status"])),
            _when(r["started_at"]),
            _n(r["seconds"]),
            _n(r["pages"]),
            _n(r["releases_written"]),
        ]
        for r in runs
    ]
    return Section(
        "runs",
        "آخرین اجراها",
        "مدت هر اجرا (سبز: کامل، سرخ: ناموفق، زرد: کامل با خطا).",
        [chart],
        Table(
            [
                ("شناسه", "text"),
                ("نوع", "text"),
                ("وضعیت", "text"),
                ("آغاز", "text"),
                ("مدت (ثانیه)", "num"),
                ("صفحه‌ها", "num"),
                ("خبرهای نوشته‌شده", "num"),
            ],
            rows,
        ),
    )


def province_names() -> list[str]:
    """The 31 provinces, canonical names, from the extractor's gazetteer (config/gazetteers/provinces.yaml)."""
    from khabar.extractors.gazetteer import places

    return sorted(set(places().province_names.values()))


def build(con: duckdb.DuckDBPyConnection, f: ReportFilter, by: str = "auto") -> Report:
    """Every section of the report, from a read-only connection."""
    daily = rq.daily_counts(con, f)
    tot = rq.totals(con, f)
    first = f.start_jalali or tot["first_day"]
    last = tot["last_day"]
    if f.end_jalali:  # the requested range, even where it has no release (its days show as zero)
        day_before = fa.jalali(f.end_jalali).togregorian() - timedelta(days=1)
        last = jdatetime.date.fromgregorian(date=day_before).strftime("%Y-%m-%d")
    periods = Periods.build(first, last, by)
    sections = _counts_sections(daily, periods)
    sections.append(_provinces_section(daily, province_names()))
    sections.append(_persons_section(rq.top_persons(con, f)))
    sections.append(_money_section(rq.money_daily(con, f), periods))
    rep, rep_summary = _republication_section(
        rq.sites_per_release(con, f), rq.copy_delays_hours(con, f), rq.most_republished(con, f)
    )
    sections.append(rep)
    sections.append(_health_section(rq.source_health(con)))
    sections.append(_runs_section(rq.last_runs(con)))

    span = f"از {fa.day_label(first)} تا {fa.day_label(last)}" if first and last else "بدون خبر"
    filters = [
        f"دستگاه: {'، '.join(f.agencies)}" if f.agencies else "",
        f"استان: {'، '.join(f.provinces)}" if f.provinces else "",
    ]
    subtitle = " · ".join(x for x in [span, *filters] if x)
    agencies: dict[str, int] = defaultdict(int)
    provinces: dict[str, int] = defaultdict(int)
    for r in daily:
        agencies[r["agency"] or UNKNOWN] += r["releases"]
        provinces[r["province"] or UNKNOWN] += r["releases"]
    cards = [
        ("خبر یکتا", fa.num(tot["releases"])),
        ("صفحه با رونوشت‌ها", fa.num(tot["pages"])),
        ("وبگاه", fa.num(tot["sites"])),
        ("دستگاه", fa.num(tot["agencies"])),
        ("میانهٔ تأخیر بازنشر", fa.hours(rep_summary["median_delay_hours"])),
    ]
    summary = {
        "releases": tot["releases"],
        "pages": tot["pages"],
        "sites": tot["sites"],
        "first_day": first,
        "last_day": last,
        "by": periods.by,
        "top_agencies": sorted(agencies.items(), key=lambda kv: -kv[1])[:5],
        "top_provinces": sorted(provinces.items(), key=lambda kv: -kv[1])[:5],
        **rep_summary,
    }
    return Report(
        "گزارش خبرهای دستگاه‌های دولتی", subtitle, fa.stamp(rq.generated_at(con)), cards, sections, summary
    )
