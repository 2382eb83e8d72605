"""`khabar simweb` commands: help text, export-truth JSON Lines, sources YAML, hosts; request log file."""

from __future__ import annotations

import json

import httpx
import yaml
from typer.testing import CliRunner

from khabar.simweb.cli import app
from khabar.simweb.config import SimWebConfig
from khabar.simweb.server import SimWebServer
from khabar.simweb.transport import SimWebSyncTransport

runner = CliRunner()


def test_every_command_has_help() -> None:
    for cmd in ("serve", "export-truth", "sources", "hosts"):
        r = runner.invoke(app, [cmd, "--help"])
        assert r.exit_code == 0 and len(r.output) > 100


def test_export_truth_jsonl() -> None:
    r = runner.invoke(app, ["export-truth", "--from", "1402-12-28", "--to", "2024-03-20"])
    assert r.exit_code == 0
    rows = [json.loads(line) for line in r.output.splitlines()]
    assert len(rows) > 50
    for row in rows:
        assert row["published_at"].endswith("+03:30") and row["published_jalali"] in (
            "1402-12-28",
            "1402-12-29",
        )
        assert (
            row["url"].startswith(("https://", "http://"))
            and row["cluster_id"]
            and row["news_code"].isdigit()
        )
    summer = runner.invoke(app, ["export-truth", "--from", "2020-07-01", "--to", "2020-07-02"])
    assert all(json.loads(x)["published_at"].endswith("+04:30") for x in summer.output.splitlines())
    assert "ی" in r.output or "ک" in r.output  # ensure_ascii=False


def test_sources_and_hosts_match_committed_registry() -> None:
    r = runner.invoke(app, ["sources"])
    data = yaml.safe_load(r.output)
    assert len(data["sources"]) == 20
    assert {"id", "url", "agency", "province", "rate_limit"} <= set(data["sources"][0])
    with open("config/sources.simweb.yaml", encoding="utf-8") as f:
        assert yaml.safe_load(f) == data
    hosts = runner.invoke(app, ["hosts"]).output.split()
    assert "kerman.behzisti.test" in hosts and "control.simweb.test" in hosts


def test_request_log_file(tmp_path) -> None:
    path = tmp_path / "log.jsonl"
    with (
        SimWebServer(SimWebConfig(), log_path=path) as srv,
        httpx.Client(transport=SimWebSyncTransport(srv.port, srv.hosts)) as c,
    ):
        c.get("https://kerman.behzisti.test/robots.txt")
        c.get("https://kerman.behzisti.test/nope")
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert [(r["host"], r["path"], r["status"]) for r in rows] == [
        ("kerman.behzisti.test", "/robots.txt", 200),
        ("kerman.behzisti.test", "/nope", 404),
    ]
    assert {"wall", "mono", "method", "bytes", "fault", "kind", "attempt"} <= set(rows[0])
