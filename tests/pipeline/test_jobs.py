"""Plain-Python jobs: `import` (WARC and HTML files) and `reprocess` (re-extraction with no network at all)."""

from __future__ import annotations

import io
import socket

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from khabar import extractors
from khabar.pipeline import import_files, reprocess
from khabar.warehouse.db import open_db


def _warc(pages: list[tuple[str, bytes, str]]) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, body, charset in pages:
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", f"text/html; charset={charset}")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
        )
    return buf.getvalue()


@pytest.fixture()
def no_network(monkeypatch):
    """Any socket connection fails the test: re-extraction must not touch the network."""
    calls: list[object] = []

    def refuse(self, *args, **kwargs):
        calls.append(args)
        raise AssertionError(f"network access during reprocess: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, *a))
    return calls


def test_import_warc_and_html_then_reprocess_without_network(tmp_path, articles, monkeypatch, no_network):
    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes(_warc(articles[:8]))
    html_url, html_body, _ = articles[8]
    html = tmp_path / "page.html"
    html.write_bytes(html_body)
    con = open_db(tmp_path / "k.duckdb")

    s1 = import_files(con, [str(warc)])
    s2 = import_files(con, [str(html)], url=html_url)
    assert (s1.stats.pages, s1.stats.articles, s2.stats.articles) == (8, 8, 1)
    assert con.execute("SELECT count(*) FROM releases WHERE is_article").fetchone() == (9,)
    assert con.execute("SELECT count(*) FROM releases WHERE title IS NULL OR body IS NULL").fetchone() == (0,)
    before = dict(con.execute("SELECT release_id, title FROM releases").fetchall())

    # an "extractor change": a new version that marks titles
    real_extract = extractors.extract

    def changed(*args, **kwargs):
        rec = real_extract(*args, **kwargs)
        rec["title"] = "★ " + (rec["title"] or "")
        return rec

    monkeypatch.setattr(extractors, "extract", changed)
    monkeypatch.setattr(extractors, "EXTRACTOR_VERSION", "test-changed")
    monkeypatch.setenv("KHABAR_EXTRACT_WORKERS", "0")  # the patch lives in this process only
    summary = reprocess(con)
    assert summary.stats.pages == 9 and summary.status == "completed"
    after = dict(con.execute("SELECT release_id, title FROM releases").fetchall())
    assert after.keys() == before.keys()
    assert all(after[k] == "★ " + before[k] for k in before)
    assert con.execute("SELECT DISTINCT extractor_version FROM releases").fetchall() == [("test-changed",)]
    assert no_network == []
    # importing the same files again adds nothing
    import_files(con, [str(warc)])
    assert con.execute("SELECT count(*) FROM releases").fetchone() == (9,)
    assert con.execute("SELECT count(*) FROM pages").fetchone() == (9,)


def test_import_missing_file_is_a_clear_error(tmp_path):
    """Issue 19: a missing file is one reported problem (it no longer refuses the other files); with nothing else
    to read the run is failed, exit 2 (tests/test_import_damage.py has the mixed cases)."""
    con = open_db(tmp_path / "k.duckdb")
    summary = import_files(con, [str(tmp_path / "nope.warc")])
    assert summary.extra["import_errors"] == [f"{tmp_path / 'nope.warc'}: no such file"]
    assert (summary.status, summary.exit_code) == ("failed", 2)
    assert con.execute("SELECT status FROM runs").fetchall() == [("failed",)]


def test_search_index_is_rebuilt_only_by_runs_that_write_releases(tmp_path, articles, monkeypatch):
    """The index build reads the whole archive: a run with nothing to write must not pay for it."""
    import khabar.pipeline.run as run
    from khabar.pipeline import run_batches

    builds: list[int] = []
    real = run.rebuild_search_index
    monkeypatch.setattr(run, "rebuild_search_index", lambda con: (builds.append(1), real(con)))
    con = open_db(tmp_path / "w.duckdb")
    run_batches(con, "empty", [], {})  # no index yet: built (empty) so that `khabar search` works
    assert len(builds) == 1
    run_batches(con, "empty", [], {})  # nothing written: left alone
    assert len(builds) == 1
    path = tmp_path / "a.warc.gz"
    path.write_bytes(_warc(articles[:2]))
    import_files(con, [str(path)])  # releases written: rebuilt
    assert len(builds) == 2
    assert con.execute("SELECT count(*) FROM fts_main_releases.docs").fetchone()[0] == 2
