from __future__ import annotations

from datetime import UTC, datetime

import pytest

from khabar.warehouse.db import WarehouseError, open_db
from khabar.warehouse.query import open_readonly
from khabar.warehouse.releases import ReleaseRow, write_releases
from khabar.warehouse.search import rebuild_search_index, search

NOW = datetime(2024, 3, 19, tzinfo=UTC)


def _row(url: str, text: str) -> ReleaseRow:
    record = {"url": url, "is_article": True, "title": text.split("\n")[0]}
    return ReleaseRow(record, url, "s", None, NOW, "t", search_text=text)


def test_search_finds_persian_words_with_zwnj(tmp_path):
    path = tmp_path / "k.duckdb"
    con = open_db(path)
    write_releases(
        con,
        [
            _row("http://a.test/1", "نشست تخصصی بهزیستی استان کرمان درباره آسیب‌های اجتماعی"),
            _row("http://a.test/2", "افتتاح مدرسه در شیراز با حضور استاندار فارس و 120 دانش‌آموز"),
        ],
    )
    with pytest.raises(WarehouseError, match="no search index"):
        search(con, "کرمان")
    rebuild_search_index(con)
    assert [r[5] for r in search(con, "بهزیستی کرمان")] == ["http://a.test/1"]
    assert [r[5] for r in search(con, "آسیب‌های")] == ["http://a.test/1"]
    assert [r[5] for r in search(con, "دانش‌آموز 120")] == ["http://a.test/2"]
    assert search(con, "تهران") == []
    con.close()
    ro = open_readonly(path)  # the read-only SQL connection can search too
    assert [r[5] for r in search(ro, "استاندار")] == ["http://a.test/2"]
