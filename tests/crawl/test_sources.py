from __future__ import annotations

import pytest

from khabar.crawl.dates import parse_range
from khabar.crawl.sources import SourcesError, load_sources, parse_sources


def test_shipped_registries_validate():
    assert len(load_sources("config/sources.yaml")) >= 20
    assert len(load_sources("config/sources.example.yaml")) >= 10


def test_id_and_url_are_enough():
    (src,) = parse_sources("sources:\n  - id: kerman-behzisti\n    url: https://www.kerman.behzisti.ir/\n")
    assert src.allowed_domains == ("kerman.behzisti.ir",)
    assert src.allows("http://kerman.behzisti.ir/fa/news/1") and src.allows("https://m.kerman.behzisti.ir/x")
    assert (
        not src.allows("http://evil.ir/")
        and not src.allows("http://10.0.0.1/")
        and not src.allows("file:///x")
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "sources:\n  - id: a\n    url: http://x.ir/\n    rate_limt: 1\n",
            "s.yaml:4: sources.0.rate_limt (source 'a'): unknown key 'rate_limt'",
        ),
        (
            "sources:\n  - id: a\n    url: http://x.ir/\n  - id: b\n    url: x.ir\n",
            "s.yaml:5: sources.1.url (source 'b')",
        ),
        ("sources:\n  - id: a\n    url: http://x.ir/\n    rate_limit: 0\n", "s.yaml:4: sources.0.rate_limit"),
        ("sources:\n  - url: http://x.ir/\n", "s.yaml:2: sources.0.id: Field required"),
        ("sources:\n  - id: a\n    url: http://x.ir/\n    archive: /fa/archive\n", "must contain {page}"),
        ("sources: [\n", "s.yaml:2: not valid YAML"),
        (
            "sources:\n  - id: a\n    url: http://x.ir/\n  - id: a\n    url: http://y.ir/\n",
            "duplicate source id 'a'",
        ),
        ("srcs: []\n", "unknown key 'srcs'"),
    ],
)
def test_errors_name_file_line_and_field(text, message):
    with pytest.raises(SourcesError) as err:
        parse_sources(text, "s.yaml")
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_file():
    with pytest.raises(SourcesError, match="no such sources file"):
        load_sources("nope.yaml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1402-01-01..1403-01-01", ("2023-03-21", "2024-03-20")),
        ("۱۴۰۲/۰۱/۰۱..۱۴۰۲/۰۱/۰۲", ("2023-03-21", "2023-03-22")),
        ("2023-03-21..2024-03-19", ("2023-03-21", "2024-03-19")),
    ],
)
def test_backfill_ranges_jalali_or_gregorian(text, expected):
    a, b = parse_range(text)
    assert (a.isoformat(), b.isoformat()) == expected


@pytest.mark.parametrize("bad", ["1402-01-01", "1402-13-01..1403-01-01", "2024-01-02..2024-01-01", "x..y"])
def test_bad_ranges(bad):
    with pytest.raises(ValueError):
        parse_range(bad)


def test_shipped_settings_are_the_defaults():
    from khabar.crawl.settings import CrawlSettings, load_settings

    assert load_settings("config/settings.yaml") == CrawlSettings()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("crawl:\n  rate_limt: 2\n", "crawl.rate_limt: Extra inputs are not permitted"),
        ("crawl:\n  rate_limit: -1\n", "crawl.rate_limit: Input should be greater than 0"),
        ("crowl: {}\n", "unknown section(s) crowl (expected: crawl)"),
    ],
)
def test_settings_errors(tmp_path, text, message):
    from khabar.crawl.settings import load_settings

    p = tmp_path / "settings.yaml"
    p.write_text(text)
    with pytest.raises(ValueError) as err:
        load_settings(str(p))
    assert str(err.value) == f"{p}: {message}"


def test_archive_as_a_postback_or_pages_mapping():
    (pb, pages, legacy) = parse_sources(
        "sources:\n"
        "- {id: a, url: 'http://a.test/', archive: {kind: postback, url: /NewsArchive.aspx, target: ctl00$cph$gv}}\n"
        "- {id: b, url: 'http://b.test/', archive: {url: '/fa/archive?page={page}'}}\n"
        "- {id: c, url: 'http://c.test/', archive: 'http://c.test/list?p={page}'}\n"
    )
    assert pb.archive_start == "http://a.test/NewsArchive.aspx" and pb.postback_target == "ctl00$cph$gv"
    assert pb.archive_page(2) is None
    assert pages.archive_start == "http://b.test/fa/archive?page=1" and pages.archive_page(3).endswith(
        "page=3"
    )
    assert legacy.archive_page(2) == "http://c.test/list?p=2" and legacy.postback_target is None


def test_a_pages_archive_needs_its_page_number():
    with pytest.raises(SourcesError, match=r"\{page\}"):
        parse_sources("sources:\n- {id: a, url: 'http://a.test/', archive: {kind: pages, url: /archive}}\n")
