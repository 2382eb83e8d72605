"""Documented print/amp variants (issue 16): a source's `variants:` make its print pages aliases of the article,
even when the print page declares no rel=canonical. Parsing unit tests, then a loopback test on the simulated web
(the ASP.NET family's /print/{code} pages carry no rel=canonical)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from khabar.crawl.sources import SourcesError, parse_sources
from khabar.urls import canonical_url, parse_variant, url_key, variant_article

MATCHES = [
    (
        "/print/{id} -> /Default.aspx?tabid=3&ArticleID={id}",
        "http://x.ir/print/12",
        "http://x.ir/Default.aspx?tabid=3&ArticleID=12",
    ),
    (
        "/Print/{id} -> /News/ShowNews.aspx?Code={id}",
        "http://x.ir/print/12/",
        "http://x.ir/News/ShowNews.aspx?Code=12",
    ),
    (
        "/amp/{path}",
        "https://x.ir/amp/fa/news/1/%D8%AE%D8%A8%D8%B1?p=2",
        "https://x.ir/fa/news/1/%D8%AE%D8%A8%D8%B1?p=2",
    ),
    (
        "/fa/news/{id}/{slug}/amp -> /fa/news/{id}/{slug}",
        "https://x.ir/fa/news/7/slug/amp",
        "https://x.ir/fa/news/7/slug",
    ),
    ("?view=print", "https://x.ir/news.php?id=3&view=Print", "https://x.ir/news.php?id=3"),
    ("?output", "https://x.ir/news.php?output=amp&id=3", "https://x.ir/news.php?id=3"),
]
NOT_VARIANTS = [
    ("/print/{id} -> /Default.aspx?ArticleID={id}", "http://x.ir/print/12/more"),  # {id} is one segment
    ("/amp/{path}", "https://x.ir/fa/news/1"),
    ("?view=print", "https://x.ir/news.php?id=3&view=full"),  # another value: another page
]
BAD = [
    ("print", "must start with / (a path) or ? (a query parameter)"),
    ("/print/{id}", "give the article shape"),
    ("/p/{id} -> /n/{code}", "uses {code}, which the variant does not name"),
    ("?a=1&b=2", "one parameter"),
    ("/p/{id} -> n/{id}", "must be a path"),
]


@pytest.mark.parametrize(("spec", "url", "article"), MATCHES)
def test_variant_names_its_article(spec, url, article):
    assert variant_article(url, [parse_variant(spec)]) == article


@pytest.mark.parametrize(("spec", "url"), NOT_VARIANTS)
def test_other_pages_are_not_variants(spec, url):
    assert variant_article(url, [parse_variant(spec)]) is None


@pytest.mark.parametrize(("spec", "message"), BAD)
def test_bad_variant_is_a_registry_error_naming_the_line(spec, message):
    with pytest.raises(ValueError) as exc:
        parse_variant(spec)
    assert message in str(exc.value)
    text = f"sources:\n  - id: x\n    url: http://x.ir/\n    variants:\n      - {spec!r}\n"
    with pytest.raises(SourcesError) as err:
        parse_sources(text, "s.yaml")
    assert "s.yaml:" in str(err.value) and "variants" in str(err.value) and message in str(err.value)


def test_print_page_without_canonical_joins_its_article_on_the_simulated_web(tmp_path):
    """Loopback: the article and its /print/ page fetched from the simulated ASP.NET site are one release (the
    documented variant), two without it; the address keeps the http the site serves."""
    from khabar.pipeline import Registry, process_batch
    from khabar.records import RawPage
    from khabar.simweb.config import SimWebConfig
    from khabar.simweb.server import SimWebServer
    from khabar.simweb.sites import build_sites
    from khabar.simweb.transport import SimWebSyncTransport
    from khabar.simweb.truth import iter_truth
    from khabar.warehouse.db import open_db

    config = SimWebConfig()
    sites = {s.site_id: s for s in build_sites(config)}
    item = next(
        t
        for t in iter_truth(config, config.today - timedelta(days=3), config.today)
        if t.page_kind == "article" and sites[t.site_id].template == "aspnet"
    )
    site = sites[item.site_id]
    [source] = parse_sources(
        f"sources:\n  - id: {site.site_id}\n    url: {site.origin}/\n"
        f"    variants: ['/print/{{id}} -> /Default.aspx?tabid={site.tabid}&ArticleID={{id}}']\n"
    )
    pages = []
    with SimWebServer(config) as srv, httpx.Client(transport=SimWebSyncTransport(srv.port, srv.hosts)) as c:
        code = srv.world.code(srv.world.item_for_url(item.url))
        for url in (f"{site.origin}/print/{code}", item.url):
            r = c.get(url)
            assert r.status_code == 200, url
            pages.append(
                RawPage(
                    url=url,
                    final_url=url,
                    source_id=site.site_id,
                    status=200,
                    headers=dict(r.headers),
                    body=r.content,
                    fetched_at=datetime.now(UTC),
                )
            )
    assert b'rel="canonical"' not in pages[0].body  # nothing but the documented shape joins them

    def releases(db: str, variants) -> list[tuple]:
        con = open_db(tmp_path / db)
        process_batch(con, pages, Registry(variants={site.site_id: variants}))
        rows = con.execute("SELECT canonical_url FROM releases ORDER BY 1").fetchall()
        aliases = con.execute("SELECT alias_url, canonical_url, via FROM url_aliases").fetchall()
        con.close()
        return rows, aliases

    rows, aliases = releases("with.duckdb", source.parsed_variants)
    assert rows == [(canonical_url(item.url),)] and rows[0][0].startswith("http://")
    assert aliases == [(url_key(pages[0].url), canonical_url(item.url), "variant")]
    rows, _ = releases("without.duckdb", ())
    assert (
        len(rows) == 2
    )  # the control: without the documented variant the print page is a release of its own
