"""Issue 8, hostile input through the whole pipeline (`process_batch`: archive → extract → cluster → load) into a
real DuckDB file: NUL bytes, bidi controls, a wrong or a missing charset, unclosed and binary HTML. Every record
loads, no text column holds a NUL, ZWNJ survives in the stored text, and loading the same batch again doubles
nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from khabar.pipeline import process_batch
from khabar.records import RawPage
from khabar.warehouse.db import open_db

ZWNJ = "\u200c"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
NOW = datetime(2024, 3, 19, 8, 0, tzinfo=UTC)
BODY = (
    f"<p>به گزارش روابط عمومی بهزیستی استان کرمان، نشست شورای هماهنگی برگزار شد و طرح{ZWNJ}ها بررسی"
    f" می{ZWNJ}شوند.</p><p>در این نشست طرح{ZWNJ}های اشتغال{ZWNJ}زایی با حضور مدیرکل و معاونان بررسی شد.</p>"
)
TEXT_COLUMNS = ("title", "lead", "body", "search_text", "attribution", "agency", "province", "news_code")


def html(title: str, body: str, meta: str = '<meta charset="utf-8">') -> str:
    return (
        f'<!doctype html><html lang="fa" dir="rtl"><head>{meta}<title>{title}</title></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def cp1256(text: str) -> bytes:
    return text.replace("ی", "ي").encode("cp1256")  # windows-1256 has Arabic yeh only


# name -> (body bytes, encoding the crawler would report, is an article; None: either)
PAGES: dict[str, tuple[bytes, str | None, bool | None]] = {
    "nul": (html("خبر\x00 با\x00 نول", BODY.replace("نشست", "نش\x00ست")).encode(), "utf-8", True),
    "nul-raw": (b"\x00" * 64 + html("خبر نول در آغاز", BODY).encode() + b"\x00" * 64, "utf-8", True),
    "bidi": (
        html("\u202eخبر\u202c \u2067دوجهته\u2069", BODY + "<p>\u202bمتن\u202c \u200fهفت</p>").encode(),
        "utf-8",
        True,
    ),
    "wrong-charset": (cp1256(html("خبر با کدگذاری اشتباه", BODY)), "utf-8", True),  # says utf-8, is cp1256
    "no-charset": (cp1256(html("خبر بدون کدگذاری", BODY, meta="")), None, True),
    "unclosed": (f"<html><body><h1>خبر ناقص<p>{BODY}<b><i>روابط عمومی<table><tr><td>".encode(), None, None),
    "bad-utf8": (
        html("خبر با بایت خراب", BODY).encode().replace("نشست".encode(), b"\xff\xfe\xc3("),
        "utf-8",
        True,
    ),
    "binary": (bytes(range(256)) * 256, None, False),
}


def raw(name: str) -> RawPage:
    body, enc, _ = PAGES[name]
    url = f"http://h.test/news/{name}"
    return RawPage(
        url=url,
        final_url=url,
        source_id="h",
        status=200,
        headers={"content-type": "text/html"},
        body=body,
        fetched_at=NOW,
        run_id="t",
        discovered_via="listing",
        encoding=enc,
    )


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    con = open_db(tmp_path_factory.mktemp("pipe") / "p.duckdb")
    stats = process_batch(con, [raw(n) for n in PAGES])
    yield con, stats
    con.close()


def release(con, name: str) -> dict:
    cur = con.execute("SELECT * FROM releases WHERE url = ?", [f"http://h.test/news/{name}"])
    cols = [d[0] for d in cur.description]
    row = cur.fetchone()
    assert row is not None, f"{name} was not loaded"
    return dict(zip(cols, row, strict=True))


def test_every_record_loads(loaded):
    con, stats = loaded
    assert stats.pages == len(PAGES) and stats.releases_written == len(PAGES)
    for name, (_, _, article) in PAGES.items():
        assert article is None or release(con, name)["is_article"] is article, name


@pytest.mark.parametrize("name", list(PAGES))
def test_no_nul_anywhere(loaded, name):
    rec = release(loaded[0], name)
    for col in TEXT_COLUMNS:
        assert "\x00" not in (rec[col] or ""), (name, col)
    assert all("\x00" not in k for k in rec["keywords"] or [])


@pytest.mark.parametrize("name", ["nul", "nul-raw", "bidi", "wrong-charset", "no-charset", "unclosed"])
def test_text_survives_and_zwnj_is_kept(loaded, name):
    rec = release(loaded[0], name)
    text = (rec["body"] or "") + (rec["title"] or "")
    assert "روابط عمومی" in rec["search_text"], (
        name,
        rec["search_text"][:80],
    )  # decoded right, letters unified
    if rec["is_article"]:
        assert ZWNJ in rec["body"], name  # stored text keeps ZWNJ (the search form maps it to a space)
    assert "\ufffd" not in text, name


def test_charset_lies_are_decoded(loaded):
    con = loaded[0]
    assert "کدگذار" in release(con, "wrong-charset")["search_text"]
    assert "بدون کدگذار" in release(con, "no-charset")["search_text"]


def test_bidi_controls_do_not_reach_the_search_text(loaded):
    rec = release(loaded[0], "bidi")
    assert not set(BIDI) & set(rec["search_text"])
    assert "دوجهته" in rec["title"]


def test_loading_the_same_batch_again_doubles_nothing(loaded):
    con = loaded[0]
    before = con.execute("SELECT count(*), count(DISTINCT canonical_url) FROM releases").fetchone()
    pages_before = con.execute("SELECT count(*) FROM pages").fetchone()[0]
    process_batch(con, [raw(n) for n in PAGES])
    assert con.execute("SELECT count(*), count(DISTINCT canonical_url) FROM releases").fetchone() == before
    assert before[0] == before[1] == len(PAGES)
    assert con.execute("SELECT count(*) FROM pages").fetchone()[0] == pages_before


def test_unclosed_title_does_not_swallow_the_page(tmp_path):
    con = open_db(tmp_path / "t.duckdb")
    body = f"<html><head><title>خبر ناقص<body><p>{BODY}</p>".encode()
    page = RawPage(
        url="http://h.test/t",
        final_url="http://h.test/t",
        source_id="h",
        status=200,
        headers={},
        body=body,
        fetched_at=NOW,
        encoding="utf-8",
    )
    process_batch(con, [page])
    title = con.execute("SELECT title FROM releases").fetchone()[0] or ""
    con.close()
    assert "<" not in title and len(title) <= 300, title[:120]


def test_a_few_bad_bytes_do_not_garble_a_utf8_page(loaded):
    rec = release(loaded[0], "bad-utf8")
    assert "روابط عمومی" in rec["search_text"], rec["search_text"][:80]
    assert "بایت خراب" in rec["title"]
