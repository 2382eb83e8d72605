"""URL identity (khabar.urls): one key per page, ports and presentation variants included (issue 16)."""

from __future__ import annotations

import pytest

from khabar.urls import canonical_url, same_site, url_key

CASES = [
    # a non-default port is part of the site, and the scheme served on it is kept
    ("http://127.0.0.1:8765/fa/news/12", "http://127.0.0.1:8765/fa/news/12"),
    ("http://127.0.0.1:8765/", "http://127.0.0.1:8765/"),
    (
        "https://portal.example.ir:8443/News/ShowNews.aspx?Code=5",
        "https://portal.example.ir:8443/News/ShowNews.aspx?Code=5",
    ),
    ("HTTP://WWW.Example.IR:8080/a/b/", "http://example.ir:8080/a/b"),
    ("http://[::1]:8080/a", "http://[::1]:8080/a"),
    # default ports (none, 80, 443): one key for the http and https spellings of a page, as before
    ("http://example.ir/fa/news/1", "https://example.ir/fa/news/1"),
    ("http://example.ir:80/fa/news/1", "https://example.ir/fa/news/1"),
    ("https://www.example.ir:443/fa/news/1/", "https://example.ir/fa/news/1"),
    # print / amp presentations of an article are the article
    (
        "http://example.ir/Default.aspx?tabid=3&ArticleID=9&print=1",
        "https://example.ir/Default.aspx?ArticleID=9&tabid=3",
    ),
    ("https://example.ir/fa/news/1?amp=1&utm_source=tg", "https://example.ir/fa/news/1"),
    ("https://example.ir/news.php?id=4&printable=true", "https://example.ir/news.php?id=4"),
    (
        "https://example.ir/news.php?id=4&page=2",
        "https://example.ir/news.php?id=4&page=2",
    ),  # not a presentation
    ("http://example.ir:notaport/a", "https://example.ir/a"),  # junk port: the host alone
]


@pytest.mark.parametrize(("url", "key"), CASES)
def test_url_key(url, key):
    assert url_key(url) == key
    assert url_key(key) == key  # idempotent
    assert url_key(canonical_url(url)) == key  # the address and the URL share one identity


# the canonical address keeps the scheme the site served; only a default port is dropped
ADDRESSES = [
    ("http://example.ir/fa/news/1", "http://example.ir/fa/news/1"),
    ("http://example.ir:80/fa/news/1/", "http://example.ir/fa/news/1"),
    ("https://www.example.ir:443/fa/news/1/", "https://example.ir/fa/news/1"),
    (
        "HTTP://Example.IR/Default.aspx?tabid=3&ArticleID=9&print=1",
        "http://example.ir/Default.aspx?ArticleID=9&tabid=3",
    ),
    ("http://127.0.0.1:8765/fa/news/12?utm_source=tg", "http://127.0.0.1:8765/fa/news/12"),
    ("https://example.ir:80/a", "https://example.ir:80/a"),  # https on port 80 is not the default: kept
    ("http://example.ir:notaport/a", "http://example.ir/a"),
]


@pytest.mark.parametrize(("url", "address"), ADDRESSES)
def test_canonical_url_keeps_the_served_scheme(url, address):
    assert canonical_url(url) == address
    assert canonical_url(address) == address  # idempotent


def test_http_and_https_spellings_are_one_identity_two_addresses():
    a, b = "http://example.ir/fa/news/1", "https://www.example.ir/fa/news/1/"
    assert url_key(a) == url_key(b)
    assert canonical_url(a) != canonical_url(b)


def test_two_sites_on_one_host_keep_apart():
    a, b = "http://127.0.0.1:8001/fa/news/1", "http://127.0.0.1:8002/fa/news/1"
    assert canonical_url(a) != canonical_url(b) and url_key(a) != url_key(b)
    assert not same_site(a, b)
    assert same_site("http://www.example.ir/x", "https://example.ir:443/y")
    assert same_site("http://127.0.0.1:8001/x", "http://127.0.0.1:8001/y")


def test_resolve_canonical_keeps_the_port_and_joins_print_pages():
    from khabar.dedup import resolve_canonical

    page = "http://127.0.0.1:8765/Default.aspx?tabid=3&ArticleID=9&print=1"
    assert (
        resolve_canonical(page, "/Default.aspx?tabid=3&ArticleID=9")
        == "http://127.0.0.1:8765/Default.aspx?ArticleID=9&tabid=3"
    )
    assert resolve_canonical(page, None) == resolve_canonical(page, "/Default.aspx?tabid=3&ArticleID=9")
    # a declaration pointing at another port is another site's claim: ignored
    assert resolve_canonical(page, "http://127.0.0.1:9999/other").startswith("http://127.0.0.1:8765/")
