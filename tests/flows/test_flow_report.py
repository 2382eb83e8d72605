"""The report step of the crawl flows (issue 20): a backfill and a daily run each write the HTML report next to the
database and publish a markdown summary artifact and a link artifact to the file."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.timeout(600)


def test_crawl_flows_publish_the_report(prefect_api, tmp_path):
    from khabar.flows import backfill, daily_ingest
    from prefect.artifacts import Artifact

    from khabar.simweb.config import SimWebConfig
    from khabar.simweb.server import SimWebServer

    db = tmp_path / "flows.duckdb"
    with SimWebServer(SimWebConfig()) as srv:
        b = backfill(
            start="1402-12-28",
            end="1402-12-29",
            db=str(db),
            web="simweb",
            web_options={"port": str(srv.port)},
        )
        d = daily_ingest(db=str(db), web="simweb", web_options={"port": str(srv.port)})
    assert b["articles"] > 0 and d["status"] == "completed"
    ranged = tmp_path / "reports" / "backfill-1402-12-28-1402-12-29.html"
    daily = tmp_path / "reports" / "daily-ingest.html"
    for path, key in ((ranged, "backfill"), (daily, "daily-ingest")):
        html = path.read_text(encoding="utf-8")
        assert '<html lang="fa" dir="rtl">' in html
        link = Artifact.get(f"{key}-report")
        assert link is not None and path.as_uri() in str(link.data)
        summary = Artifact.get(f"{key}-report-summary")
        assert summary is not None and "Releases (unique)" in str(summary.data)
        assert path.as_uri() in str(summary.data)
    assert "1402-12-28 .. 1402-12-28 (per day)" in str(Artifact.get("backfill-report-summary").data)
