"""The report in a real browser (issue 20): Debian's headless Chromium, driven by Playwright, opens the report from
file:// with the network off and checks what a reader would see — right-to-left layout, the embedded Vazirmatn
loaded, Persian digits and Jalali month names on the axes, every chart drawn, no console error, no request leaving
the file. It writes a full-page PNG screenshot to data/test-report-screenshot.png (git-ignored; KHABAR_REPORT_SCREENSHOT
picks another path) and prints its path (shown with `make test-browser`; pytest-xdist workers swallow it).

Playwright's Python wheel ships only its driver (no browser download); it drives `/usr/bin/chromium`. In CI
(CI=true, root, apt available: `make test` installs chromium) a missing browser fails the test instead of skipping.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.report.conftest import ROOT, khabar

pytestmark = pytest.mark.timeout(600)

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MONTHS = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
LATIN_DIGIT = re.compile(r"[0-9]")
PERSIAN_DIGIT = re.compile(r"[۰-۹]")


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(
            "chromium is not installed in CI: `make test` installs Debian's chromium (apt-get install chromium)"
        )
    pytest.skip(
        "chromium is not installed and this user cannot install it: as root, `make test` installs Debian's"
        " chromium (or apt-get install chromium)"
    )


def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # a dev dependency: missing means a broken install, in CI and elsewhere
        pytest.fail(f"playwright is not installed ({exc}): run make install")
    return sync_playwright


INSPECT = """() => {
  const tick = (el) => [...el.querySelectorAll('.xtick text, .ytick text')].map(t => t.textContent);
  return {
    direction: getComputedStyle(document.documentElement).direction,
    bodyDirection: getComputedStyle(document.body).direction,
    dir: document.documentElement.getAttribute('dir'), lang: document.documentElement.getAttribute('lang'),
    fontPersian: document.fonts.check('16px Vazirmatn', 'گزارش ۱۴۰۲'),
    fontLatinBold: document.fonts.check('bold 16px Vazirmatn', 'khabar 2024'),
    loadedFaces: [...document.fonts].filter(f => f.family.includes('Vazirmatn') && f.status === 'loaded').length,
    bodyFont: getComputedStyle(document.body).fontFamily,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    charts: [...document.querySelectorAll('.chart')].map(c => {
      const svg = c.querySelector('svg.main-svg'); const box = svg ? svg.getBoundingClientRect() : null;
      return {id: c.id, svg: !!svg, width: box ? box.width : 0, height: box ? box.height : 0,
              bars: c.querySelectorAll('.bars .point path').length, ticks: tick(c)};
    }),
  };
}"""


def test_report_in_headless_chromium(pipeline_db: Path, tmp_path: Path, capsys) -> None:
    chromium = _chromium()
    sync_playwright = _playwright()
    html = tmp_path / "report.html"
    out = khabar("report", "--db", str(pipeline_db), "-o", str(html))
    assert out.returncode == 0, out.stderr
    assert html.stat().st_size < 6_000_000

    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=chromium,
            headless=True,
            args=FLAGS,
            offline=True,
            viewport={"width": 1400, "height": 900},
        )
        try:

            def only_the_file(route) -> None:
                if route.request.url.startswith(("file:", "data:")):
                    route.continue_()
                else:
                    requests.append(route.request.url)
                    route.abort()

            ctx.route("**/*", only_the_file)
            page = ctx.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(html.as_uri())
            page.wait_for_selector("body[data-charts-ready]", timeout=60_000)
            seen = page.evaluate(INSPECT)
            # screenshot first: the page as it opens (no hover label, no sticky nav scrolled mid-page)
            shot = Path(
                os.environ.get("KHABAR_REPORT_SCREENSHOT") or ROOT / "data" / "test-report-screenshot.png"
            )
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
            page.locator("#chart-agencies").scroll_into_view_if_needed()
            box = page.evaluate("""() => {  // the tallest bar's centre
              const r = [...document.querySelectorAll('#chart-agencies .bars .point path')]
                .map(p => p.getBoundingClientRect()).sort((a, b) => b.height - a.height)[0];
              return {x: r.x + r.width / 2, y: r.y + r.height / 2}; }""")
            page.mouse.move(box["x"], box["y"])
            page.wait_for_selector("#chart-agencies .hoverlayer .hovertext", timeout=10_000)
            hover = page.locator("#chart-agencies .hoverlayer .hovertext").first.text_content() or ""
            sorted_keys = []
            header = page.locator("#provinces th", has_text="خبرها")
            for _ in range(2):  # ascending, then descending
                header.click()
                sorted_keys.append(
                    page.eval_on_selector_all(
                        "#provinces tbody tr td:nth-child(3)",
                        "tds => tds.map(td => parseFloat(td.dataset.v))",
                    )
                )
        finally:
            ctx.close()
    with capsys.disabled():
        print(f"\nreport screenshot: {shot}")

    assert (seen["dir"], seen["lang"]) == ("rtl", "fa")
    assert seen["direction"] == seen["bodyDirection"] == "rtl"
    assert seen["fontPersian"] and seen["fontLatinBold"] and seen["loadedFaces"] >= 2, seen
    assert seen["bodyFont"].startswith('"Vazirmatn"') or seen["bodyFont"].startswith("Vazirmatn")
    assert seen["overflow"] <= 1, f"the page scrolls sideways by {seen['overflow']} px"
    assert len(seen["charts"]) == 9
    for chart in seen["charts"]:
        assert chart["svg"] and chart["width"] > 100 and chart["height"] > 100, chart
        assert chart["bars"] > 0, f"{chart['id']} drew no bar"
        assert chart["ticks"], f"{chart['id']} has no tick labels"
        if chart["id"] != "chart-health":  # that axis lists source ids, which are Latin identifiers
            assert not [t for t in chart["ticks"] if LATIN_DIGIT.search(t)], chart
    ticks = [t for c in seen["charts"] for t in c["ticks"]]
    assert any(PERSIAN_DIGIT.search(t) for t in ticks)
    time_ticks = [
        t for c in seen["charts"] if c["id"] in ("chart-agencies", "chart-money") for t in c["ticks"]
    ]
    assert any(m in t for t in time_ticks for m in MONTHS), time_ticks
    assert sorted_keys[0] == sorted(sorted_keys[0]) and sorted_keys[1] == sorted(sorted_keys[0], reverse=True)
    assert len(sorted_keys[0]) == 31
    assert any(m in hover for m in MONTHS) and re.search(r"\d{4}-\d{2}-\d{2}", hover), (
        hover
    )  # Jalali + Gregorian
    assert errors == []
    assert requests == []
    assert shot.stat().st_size > 50_000


@pytest.mark.parametrize(("ci", "outcome"), [("true", pytest.fail.Exception), (None, pytest.skip.Exception)])
def test_missing_chromium_fails_in_ci_and_skips_elsewhere(monkeypatch, ci, outcome):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    if ci:
        monkeypatch.setenv("CI", ci)
    else:
        monkeypatch.delenv("CI", raising=False)
    with pytest.raises(outcome, match="chromium"):
        _chromium()
