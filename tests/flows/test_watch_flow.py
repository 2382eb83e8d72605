"""The `khabar-watch` deployment's flow for real (a local temporary Prefect API): a first cycle crawls the source
and publishes its summary artifact; a second one right after finds nothing due (its next check is minutes away),
crawls nothing and says so in its own artifact; both run the same `run_cycle` as `khabar watch`."""

from __future__ import annotations

import duckdb
import pytest

pytestmark = pytest.mark.timeout(600)

SOURCE = "kerman-behzisti"


def test_watch_cycles_crawl_what_is_due_and_only_that(prefect_api, tmp_path):
    from khabar.flows import watch_cycle
    from prefect.artifacts import Artifact

    from khabar.simweb.config import SimWebConfig
    from khabar.simweb.server import SimWebServer

    db = tmp_path / "watch.duckdb"
    with SimWebServer(SimWebConfig()) as srv:
        web = {"db": str(db), "sources": [SOURCE], "web": "simweb", "web_options": {"port": str(srv.port)}}
        first = watch_cycle(**web)
        art = Artifact.get("watch-cycle-summary")
        assert art is not None and "Pages processed" in str(art.data)
        assert f"| {SOURCE} | new |" in str(art.data)  # the source's outcome, interval and next check
        second = watch_cycle(**web)
    assert (
        first["due"] == [SOURCE] and first["outcomes"] == {SOURCE: "new"} and first["status"] == "completed"
    )
    assert first["releases_written"] > 0 and first["next_check"] > first["now"]
    assert second["due"] == [] and second["next_check"] == first["next_check"]
    art = Artifact.get("watch-cycle-summary")
    assert art is not None and "Nothing due" in str(art.data)  # every cycle publishes one
    con = duckdb.connect(str(db), read_only=True)
    runs = con.execute("SELECT flow, status FROM runs").fetchall()
    surfaces = con.execute("SELECT count(*) FROM watch_surfaces WHERE source_id = ?", [SOURCE]).fetchone()
    con.close()
    assert runs == [("daily_ingest", "completed")] and surfaces is not None and surfaces[0] >= 2
