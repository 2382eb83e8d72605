"""khabar.ingest run status: a source whose crawl raises never stops the others, but the run must not read as clean:
`completed_with_errors`, its cause naming the source, exit code 1 (README «Exit codes»)."""

from __future__ import annotations

from khabar.crawl import CrawlSettings
from khabar.crawl.crawler import Crawler
from khabar.ingest import SimWeb, run_ingest
from khabar.simweb.config import SimWebConfig
from khabar.simweb.server import SimWebServer
from khabar.simweb.transport import SimWebTransport
from khabar.warehouse.db import open_db

HEALTHY, BROKEN = "kerman-behzisti", "broken"
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
        summary = run_ingest(con, sources_path=sources, transport=SimWebTransport(sim.port, sim.hosts),
                             settings=CrawlSettings.fast(), now=SimWeb().now())  # fmt: skip
    assert summary.status == "completed_with_errors" and summary.exit_code == 1
    assert summary.extra["cause"] == f"1 source(s) failed: {BROKEN}: RuntimeError: parser bug on this site"
    assert summary.stats.articles > 0  # the healthy source loaded all the same
    assert con.execute("SELECT status FROM runs").fetchall() == [("completed_with_errors",)]
