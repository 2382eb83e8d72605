"""The run's sources (khabar.pipeline.registry): read from the settings' registry when none is named, and handed to
each batch as a value (`Registry`), so that nothing about one run's sources outlives it in the process."""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar.crawl.sources import parse_sources
from khabar.pipeline import CrawlOptions, IngestError, Registry, load_registry, run_ingest
from khabar.urls import parse_variant
from khabar.warehouse.db import open_db

TWO = """sources:
  - id: a
    url: https://a.ir/
    variants: ['/print/{id} -> /news/{id}']
  - id: b
    url: http://b.ir/
"""


def test_registry_of_sources_keeps_urls_and_only_declared_variants():
    registry = Registry.of(parse_sources(TWO, "s.yaml"))
    assert registry.urls == {"a": "https://a.ir/", "b": "http://b.ir/"}
    assert registry.variants == {"a": (parse_variant("/print/{id} -> /news/{id}"),)}
    assert registry.variants_of("b") == () and registry.variants_of(None) == ()
    assert registry.url_of("c") is None and registry.url_of(None) is None


@pytest.mark.parametrize(("present", "ids"), [(True, ["a", "b"]), (False, [])])
def test_no_registry_named_means_the_settings_one(tmp_path, monkeypatch, present, ids):
    """`KHABAR_SOURCES` (khabar.settings) names the default; absent, an import or reprocess runs without one."""
    path = tmp_path / "mine.yaml"
    if present:
        path.write_text(TWO, encoding="utf-8")
    monkeypatch.setenv("KHABAR_SOURCES", str(path))
    assert [s.id for s in load_registry(None)] == ids


def test_ingest_default_registry_comes_from_the_settings_not_the_working_directory(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere" / "sources.yaml"
    monkeypatch.setenv("KHABAR_SOURCES", str(missing))
    con = open_db(tmp_path / "k.duckdb")
    with pytest.raises(IngestError, match="nowhere"):
        run_ingest(con, CrawlOptions())
    assert con.execute("SELECT count(*) FROM runs").fetchone() == (0,)  # refused before its run row


def test_gazetteer_override_is_read_once(tmp_path, monkeypatch):
    from khabar import settings

    settings.gazetteer_override.cache_clear()
    monkeypatch.setenv("KHABAR_GAZETTEERS", str(tmp_path))
    try:
        assert settings.gazetteer_override() == Path(tmp_path)
        monkeypatch.setenv("KHABAR_GAZETTEERS", str(tmp_path / "other"))
        assert settings.gazetteer_override() == Path(tmp_path)  # not re-read for every data file
    finally:
        settings.gazetteer_override.cache_clear()


def test_run_summary_accessors_read_what_the_sources_wrote():
    from khabar.pipeline import RunSummary

    s = RunSummary("r", "import", extra={"cause": "x: truncated", "import_errors": ["x: truncated"]})
    assert (s.cause, s.import_errors, s.failed_sources) == ("x: truncated", ["x: truncated"], {})
    s = RunSummary("r", "daily_ingest", extra={"crawl": {"failed_sources": {"a": "ConnectError"}}})
    assert (s.cause, s.import_errors, s.failed_sources) == (None, [], {"a": "ConnectError"})
