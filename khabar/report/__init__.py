"""`khabar report`: one self-contained, right-to-left HTML report with Jalali time axes (issue 20).

The file opens offline: Plotly.js (basic bundle: bar, scatter, pie — 1.2 MB instead of the full 4.8 MB) and the
Vazirmatn font (Arabic and Latin subsets, weights 400 and 700, 75 KB of woff2) are inlined from `assets/` (versions
and licences in assets/README.md). The data comes from the warehouse's read-only report queries
(`khabar.warehouse.report_queries`); this package only shapes and renders it.
"""

from __future__ import annotations

import base64
import functools
import json
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jdatetime
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from khabar.report import fa
from khabar.report.build import Report, build
from khabar.warehouse.report_queries import ReportFilter

PLOTLY_VERSION = "4.1.1"  # npm plotly.js-basic-dist-min
FONT_FILES = (
    ("arabic", 400),
    ("arabic", 700),
    ("latin", 400),
    ("latin", 700),
)  # npm @fontsource/vazirmatn 5.3.0
# fontsource's unicode.json: without unicode-range, two faces of one weight would shadow each other
UNICODE_RANGES = {
    "arabic": "U+0600-06FF, U+0750-077F, U+0870-088E, U+0890-0891, U+0897-08E1, U+08E3-08FF, U+200C-200E,"
    " U+2010-2011, U+204F, U+2E41, U+FB50-FDFF, U+FE70-FE74, U+FE76-FEFC",
    "latin": "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, U+0308, U+0329,"
    " U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD",
}
BY_CHOICES = ("auto", "day", "month")


class ReportError(ValueError):
    """Bad report arguments (dates, granularity); one line for the user."""


@dataclass(frozen=True)
class ReportResult:
    path: Path
    bytes: int
    seconds: float
    summary: dict[str, Any]

    def markdown(self) -> str:
        return summary_markdown(self)


def _asset(name: str) -> bytes:
    return resources.files("khabar.report").joinpath("assets", name).read_bytes()


@functools.cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("khabar.report", "."),
        autoescape=select_autoescape(["j2", "html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def make_filter(
    start: str | None = None,
    end: str | None = None,
    agencies: list[str] | tuple[str, ...] = (),
    provinces: list[str] | tuple[str, ...] = (),
) -> ReportFilter:
    """--from/--to as backfill reads them (Jalali or Gregorian, any digits; half-open) into Jalali bounds."""
    from khabar.extractors.jalali import parse_day

    def jal(text: str | None) -> str | None:
        if not text:
            return None
        try:
            return jdatetime.date.fromgregorian(date=parse_day(text)).strftime("%Y-%m-%d")
        except ValueError as exc:
            raise ReportError(str(exc)) from None

    lo, hi = jal(start), jal(end)
    if lo and hi and hi <= lo:
        raise ReportError(f"empty range {start}..{end}: --to must be after --from (the range is half-open)")
    return ReportFilter(lo, hi, tuple(agencies), tuple(provinces))


def render(report: Report) -> str:
    """The HTML text: fonts, Plotly.js and the chart specs inlined."""
    fonts = [
        {
            "weight": w,
            "range": UNICODE_RANGES[s],
            "data": base64.b64encode(_asset(f"vazirmatn-{s}-{w}-normal.woff2")).decode("ascii"),
        }
        for s, w in FONT_FILES
    ]
    charts = [c for s in report.sections for c in s.charts]
    charts_json = json.dumps(charts, ensure_ascii=False, separators=(",", ":"), default=str).replace(
        "</", "<\\/"
    )
    return (
        _env()
        .get_template("template.html.j2")
        .render(
            report=report,
            fonts=fonts,
            plotly_version=PLOTLY_VERSION,
            charts_json=Markup(charts_json),
            plotly_js=Markup(_asset("plotly-basic.min.js").decode("utf-8")),
        )
    )


def write_report(
    db: str | Path | None, out: str | Path, flt: ReportFilter | None = None, by: str = "auto"
) -> ReportResult:
    """Read the warehouse (read-only) and write the report to `out` (atomically: a reader never sees half)."""
    from khabar.warehouse.query import open_readonly

    if by not in BY_CHOICES:
        raise ReportError(f"--by {by!r}: use {', '.join(BY_CHOICES)}")
    t0 = time.perf_counter()
    con = open_readonly(db)
    try:
        report = build(con, flt or ReportFilter(), by)
    finally:
        con.close()
    html = render(report)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return ReportResult(path.resolve(), path.stat().st_size, time.perf_counter() - t0, report.summary)


def summary_markdown(result: ReportResult, title: str = "Report") -> str:
    """A short markdown digest of the report (for the Prefect artifact beside the link to the file)."""
    s = result.summary
    lines = [
        f"# {title}",
        "",
        f"[{result.path.name}]({result.path.as_uri()}) — {result.bytes / 1e6:.2f} MB,"
        f" written in {result.seconds:.1f} s",
        "",
        "| | |",
        "|---|---|",
        f"| Releases (unique) | {s['releases']} |",
        f"| Pages incl. copies | {s['pages']} |",
        f"| Sites | {s['sites']} |",
        f"| Jalali range | {s['first_day'] or '–'} .. {s['last_day'] or '–'} (per {s['by']}) |",
        f"| Republished releases | {s['republished']} |",
        f"| Copy delay median / p90 | {fa_hours_en(s['median_delay_hours'])} /"
        f" {fa_hours_en(s['p90_delay_hours'])} |",
    ]
    for key, head in (("top_agencies", "Top agencies"), ("top_provinces", "Top provinces")):
        if s[key]:
            lines += ["", f"## {head}", ""] + [f"- {name}: {n}" for name, n in s[key]]
    return "\n".join(lines)


def fa_hours_en(h: float | None) -> str:
    return "–" if h is None else f"{h:.1f} h"


__all__ = [
    "BY_CHOICES",
    "ReportError",
    "ReportFilter",
    "ReportResult",
    "fa",
    "make_filter",
    "render",
    "summary_markdown",
    "write_report",
]
