"""`run_ingest` run status: a source that fails (its crawl raises, or it cannot be reached) never stops the others,
but the run must not read as clean: `completed_with_errors` with exit code 1 when some sources failed, `failed` with
exit code 2 when all did, the cause naming each source and its reason (README «Exit codes»).

The unreachable source is a real one: 127.0.0.1 port 1, where nothing listens, reached over a real socket (its
connection refused), beside the simulated web; the CLI tests run `khabar` as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from khabar.cli import app
from khabar.crawl import CrawlSettings
from khabar.crawl.crawler import Crawler
from khabar.pipeline import CrawlOptions, run_ingest
from khabar.simweb.config import SimWebConfig
from khabar.simweb.plugin import SimWeb
from khabar.simweb.server import SimWebServer
from khabar.simweb.transport import SimWebTransport
from khabar.warehouse.db import open_db

HEALTHY, BROKEN, DEAD = "kerman-behzisti", "broken", "dead"
DEAD_URL = "http://127.0.0.1:1/"  # port 1 (tcpmux): nothing listens there, the connection is refused at once
REGISTRY = f"""sources:
- id: {HEALTHY}
  url: https://kerman.behzisti.test/
- id: {BROKEN}
  url: https://kerman.behzisti.test/broken/
"""


def test_a_failing_source_makes_the_run_completed_with_errors(tmp_path, monkeypatch):
    sources = tmp_path / "sources.yaml"
    sources.write_text(REGISTRY, encoding="utf-8")
    real = Crawler._crawl_source

    async def crawl_source(self, fetcher, src, mode, rep):
        if src.id == BROKEN:
            raise RuntimeError("parser bug on this site")
        return await real(self, fetcher, src, mode, rep)

    monkeypatch.setattr(Crawler, "_crawl_source", crawl_source)
    con = open_db(tmp_path / "k.duckdb")
    with SimWebServer(SimWebConfig()) as sim:
        summary = run_ingest(
            con,
            CrawlOptions(
                sources_path=sources,
                transport=SimWebTransport(sim.port, sim.hosts),
                settings=CrawlSettings.fast(),
                now=SimWeb().now(),
            ),
        )
    assert summary.status == "completed_with_errors" and summary.exit_code == 1
    assert (
        summary.extra["cause"] == f"1 of 2 source(s) failed: {BROKEN}: RuntimeError: parser bug on this site"
    )
    assert summary.stats.articles > 0  # the healthy source loaded all the same
    assert con.execute("SELECT status FROM runs").fetchall() == [("completed_with_errors",)]


class _LoopbackAndReal(httpx.AsyncBaseTransport):
    """The simulated hosts through the loopback server; 127.0.0.1 itself over a real socket (a real refusal)."""

    def __init__(self, sim: SimWebServer) -> None:
        self.sim = SimWebTransport(sim.port, sim.hosts)
        self.real = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        inner = self.real if request.url.host == "127.0.0.1" else self.sim
        return await inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.sim.aclose()
        await self.real.aclose()


def _registry(tmp_path: Path, *entries: tuple[str, str]) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n" + "".join(f"- id: {i}\n  url: {u}\n" for i, u in entries), encoding="utf-8")
    return path


def _fetch_errors(con, source_id: str) -> set[str | None]:
    return {
        e
        for (e,) in con.execute(
            "SELECT DISTINCT error_class FROM fetch_log WHERE source_id = ?", [source_id]
        ).fetchall()
    }


def test_an_unreachable_source_is_a_failure_with_its_network_reason(tmp_path):
    sources = _registry(tmp_path, (HEALTHY, "https://kerman.behzisti.test/"), (DEAD, DEAD_URL))
    db = tmp_path / "k.duckdb"
    con = open_db(db)
    with SimWebServer(SimWebConfig()) as sim:
        summary = run_ingest(
            con,
            CrawlOptions(
                sources_path=sources,
                transport=_LoopbackAndReal(sim),
                settings=CrawlSettings.fast(),
                now=SimWeb().now(),
            ),
        )
    assert summary.status == "completed_with_errors" and summary.exit_code == 1
    assert summary.extra["crawl"]["failed_sources"] == {DEAD: "robots.txt unreachable: ConnectError"}
    assert summary.extra["cause"] == f"1 of 2 source(s) failed: {DEAD}: robots.txt unreachable: ConnectError"
    # its robots.txt request is logged with the network reason; nothing after it reads as a rule of the site
    assert _fetch_errors(con, DEAD) == {"ConnectError"}
    assert con.execute("SELECT DISTINCT url FROM fetch_log WHERE source_id = ?", [DEAD]).fetchall() == [
        (DEAD_URL + "robots.txt",)
    ]
    assert summary.stats.articles > 0 and _fetch_errors(con, HEALTHY) == {None}  # the healthy source loaded
    con.close()
    out = CliRunner().invoke(app, ["status", "--db", str(db)])
    assert out.exit_code == 0, out.output
    runs = out.output.split("Source health")[0]
    assert "completed_with_errors" in runs and f"{DEAD}: robots.txt unreachable: ConnectError" in runs
    health = [line for line in out.output.split("Source health")[1].splitlines() if line.startswith(DEAD)]
    assert len(health) == 1 and "ConnectError" in health[0] and "robots-disallowed" not in health[0]


def test_every_source_unreachable_fails_the_run(tmp_path):
    sources = _registry(tmp_path, (DEAD, DEAD_URL), ("dead-too", "http://127.0.0.1:1/other/"))
    con = open_db(tmp_path / "k.duckdb")
    summary = run_ingest(con, CrawlOptions(sources_path=sources, settings=CrawlSettings.fast()))
    assert summary.status == "failed" and summary.exit_code == 2
    assert summary.extra["crawl"]["failed_sources"] == {
        DEAD: "robots.txt unreachable: ConnectError",
        "dead-too": "robots.txt unreachable: ConnectError",
    }
    assert summary.extra["cause"].startswith("2 of 2 source(s) failed: ")
    assert con.execute("SELECT status FROM runs").fetchall() == [("failed",)]
    # one robots.txt per host, asked once and not again for the second source on it
    assert con.execute(
        "SELECT count(DISTINCT url), count(*) FILTER (WHERE error_class = 'robots-disallowed') FROM fetch_log"
    ).fetchone() == (1, 0)


def test_a_source_with_no_answer_at_all_failed(tmp_path, monkeypatch):
    """robots.txt answered (404: no rules), then every surface failed: nothing of the source was read."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404 if request.url.path == "/robots.txt" else 503)

    sources = _registry(tmp_path, ("down", "http://down.test/"))
    con = open_db(tmp_path / "k.duckdb")
    summary = run_ingest(
        con,
        CrawlOptions(
            sources_path=sources,
            transport=httpx.MockTransport(handler),
            settings=CrawlSettings.fast(max_attempts=1),
        ),
    )
    assert summary.status == "failed" and summary.exit_code == 2
    why = summary.extra["crawl"]["failed_sources"]["down"]
    assert why.startswith("no answer: home: HTTP 503"), why


def _khabar(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "khabar.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )


@pytest.fixture
def cli_env(tmp_path):
    """Quick retries (the defaults wait seconds between attempts at a refused connection)."""
    settings = tmp_path / "settings.yaml"
    settings.write_text(
        "crawl:\n  backoff_base: 0.02\n  backoff_max: 0.2\n  max_attempts: 2\n", encoding="utf-8"
    )
    return {**os.environ, "KHABAR_SETTINGS": str(settings), "KHABAR_DB": str(tmp_path / "k.duckdb")}


@pytest.mark.slow
def test_cli_one_unreachable_source_among_healthy_ones(tmp_path, cli_env):
    sources = _registry(tmp_path, (HEALTHY, "https://kerman.behzisti.test/"), (DEAD, DEAD_URL))
    proc = _khabar("ingest", "--simweb", "--sources", str(sources), env=cli_env)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "completed_with_errors" in proc.stdout and "Traceback" not in proc.stderr
    # the simulated web's transport refuses every other host, as a failed name lookup would
    assert f"khabar: source {DEAD} failed: robots.txt unreachable: ConnectError" in proc.stderr.splitlines()
    status = _khabar("status", env=cli_env)
    assert status.returncode == 0 and f"{DEAD}: robots.txt unreachable: ConnectError" in status.stdout


@pytest.mark.slow
@pytest.mark.parametrize("command", [["ingest"], ["backfill", "--from", "1402-12-26", "--to", "1402-12-27"]])
def test_cli_every_source_unreachable(tmp_path, cli_env, command):
    sources = _registry(tmp_path, (DEAD, DEAD_URL), ("dead-too", "http://127.0.0.1:1/other/"))
    proc = _khabar(*command, "--sources", str(sources), env=cli_env)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert ": failed;" in proc.stdout and "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    for source_id in (DEAD, "dead-too"):
        assert f"khabar: source {source_id} failed: robots.txt unreachable: ConnectError" in lines, lines
    status = _khabar("status", env=cli_env)
    assert (
        status.returncode == 0 and "| failed" in status.stdout and "robots.txt unreachable" in status.stdout
    )
