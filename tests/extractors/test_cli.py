"""`khabar extract` as GUIDE §1.1 specifies: JSON Lines, every key, stdin, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from khabar.extractors import KEYS
from typer.testing import CliRunner

from khabar.cli import app
from khabar.simweb.world import World


def _page(world: World, tmp_path: Path) -> tuple[Path, str]:
    site = next(s for s in world.sites if s.template == "newsagency")
    item = next(i for i in world.catalog.latest(site, world.today, 20) if i.is_article)
    body, _ = world.render_article(item)
    p = tmp_path / "page.html"
    p.write_bytes(body)
    return p, world.url(item)


def test_extract_files_and_stdin(world: World, tmp_path: Path) -> None:
    page, url = _page(world, tmp_path)
    runner = CliRunner()
    res = runner.invoke(app, ["extract", str(page), "--url", url, "--fetched-at", "2024-03-19T10:00:00Z"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.strip().split("\n")
    assert len(lines) == 1
    rec = json.loads(lines[0])
    assert set(rec) == set(KEYS) and rec["url"] == url and rec["is_article"] is True
    assert "\\u" not in lines[0]  # ensure_ascii=False
    res = runner.invoke(app, ["extract", str(page), "-"], input=page.read_bytes())
    assert res.exit_code == 0
    recs = [json.loads(x) for x in res.stdout.strip().split("\n")]
    assert len(recs) == 2 and recs[0]["url"] == url  # URL from the page's canonical link
    assert recs[0]["title"] == recs[1]["title"]


def test_extract_exit_codes(world: World, tmp_path: Path) -> None:
    page, _ = _page(world, tmp_path)
    runner = CliRunner()
    res = runner.invoke(app, ["extract", str(tmp_path / "missing.html"), str(page)])
    assert res.exit_code == 2
    assert len(res.stdout.strip().split("\n")) == 1  # the readable input is still printed
    assert runner.invoke(app, ["extract", str(page), "--fetched-at", "yesterday"]).exit_code == 2
    assert runner.invoke(app, ["extract"]).exit_code == 2
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    res = runner.invoke(app, ["extract", str(empty)])
    assert res.exit_code == 0 and json.loads(res.stdout)["is_article"] is False
