"""`khabar sources check [URL…]` on loopback: the simulated web (healthy, blocked and robots-disallowed pages), a
dead port, an unresolvable name, a server that never answers, and hand-made sites (httpx.MockTransport) for what
the simulated web never does (no surfaces at all, a failing feed, a Crawl-delay)."""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import date

import httpx
import pytest
from typer.testing import CliRunner

from khabar.cli import app
from khabar.crawl.check import check_urls, exit_code, source_for_url
from khabar.crawl.settings import CrawlSettings
from khabar.crawl.sources import Source
from khabar.simweb.challenge import blocked_sites
from khabar.simweb.config import PortalConfig, SimWebConfig
from khabar.simweb.server import SimWebServer
from khabar.simweb.sites import build_sites
from khabar.simweb.sources import source_entries
from khabar.simweb.transport import SimWebTransport

TODAY = date(2023, 9, 12)
CONFIG = SimWebConfig(today=TODAY, portals=PortalConfig(blocked_sites=1))
ENTRIES = source_entries(CONFIG)
BLOCKED = sorted(blocked_sites(CONFIG))
# one source per site template, so every kind of site the crawler knows is checked
_TEMPLATES: dict[str, int] = {}
for _site in build_sites(CONFIG):
    if _site.index not in BLOCKED and _site.index < len(ENTRIES):
        _TEMPLATES.setdefault(_site.spec.template, _site.index)
HEALTHY = sorted(_TEMPLATES.values())


@pytest.fixture(scope="module")
def srv():
    with SimWebServer(CONFIG) as server:
        yield server


def run(srv, sources, **settings):
    transport = SimWebTransport(srv.port, srv.hosts) if srv is not None else None
    return asyncio.run(check_urls(sources, CrawlSettings.fast(max_attempts=2, **settings), transport))


def test_one_source_per_template_is_found():
    assert len(HEALTHY) >= 4, _TEMPLATES


@pytest.mark.parametrize("index", HEALTHY, ids=lambda i: ENTRIES[i]["id"])
def test_a_healthy_site_shows_robots_surfaces_and_an_extracted_article(srv, index):
    src = Source(**ENTRIES[index])
    # the bare URL, as a user would type it: nothing configured, everything discovered
    (c,) = run(srv, [source_for_url(src.url)])
    assert c.verdict == "ok", (c.reason, c.surfaces)
    assert c.robots is not None and c.robots.found and c.robots.status == 200 and c.robots.page_allowed
    assert c.robots.sitemaps, "the simulated robots.txt declares its sitemap index"
    kinds = {s.kind: s for s in c.surfaces}
    assert kinds["home"].status == 200 and kinds["home"].error is None
    assert any(s.links > 0 for s in c.surfaces if s.kind in ("feed", "sitemap", "listing"))
    s = c.sample
    assert s is not None and s.is_article and s.error is None, s
    assert s.title and s.body_chars > 200 and s.published_at, s
    assert s.url.startswith(src.url.rstrip("/")) or src.allows(s.url)
    assert exit_code([c]) == 0
    assert json.loads(json.dumps(c.as_dict(), ensure_ascii=False))["sample"]["is_article"] is True


def test_a_feed_or_a_sitemap_given_as_the_url_is_read_as_one(srv):
    (home,) = run(srv, [source_for_url(ENTRIES[HEALTHY[0]]["url"])])
    feed = next(s.url for s in home.surfaces if s.kind == "feed" and s.links)
    sitemap = next(s.url for s in home.surfaces if s.kind == "sitemap" and s.links)
    for url, kind in ((feed, "feed"), (sitemap, "sitemap")):
        (c,) = run(srv, [source_for_url(url)])
        first = c.surfaces[0]
        assert (first.kind, first.url, first.note.startswith("the URL given")) == (kind, url, True), (
            c.surfaces
        )
        assert first.links > 0 and not any(s.kind == "home" for s in c.surfaces)
        assert c.sample is not None and c.sample.via == kind and c.sample.is_article, c.sample
        assert c.verdict == "ok", c.reason


def test_the_registry_mode_uses_the_configured_source(srv):
    src = Source(**ENTRIES[HEALTHY[0]])
    (c,) = run(srv, [src])
    assert c.source_id == src.id and c.verdict == "ok", c.reason


def test_a_blocked_site_says_challenge(srv):
    (c,) = run(srv, [source_for_url(ENTRIES[BLOCKED[0]]["url"])])
    assert c.verdict == "unreachable" and "challenge" in (c.reason or ""), c.reason
    assert c.robots is not None and c.robots.found  # robots.txt itself is served, the pages are not
    assert exit_code([c]) == 2


def test_a_page_robots_disallows_is_not_fetched(srv):
    url = (
        ENTRIES[HEALTHY[0]]["url"].rstrip("/") + "/search?q=x"
    )  # every simulated robots.txt disallows /search
    srv.clear_log()
    (c,) = run(srv, [source_for_url(url)])
    assert c.verdict == "unreachable" and "robots.txt disallows" in (c.reason or ""), c.reason
    assert c.robots is not None and not c.robots.page_allowed
    assert all("/search" not in e.path for e in srv.request_log), "a disallowed page was requested"


def test_an_http_error_page_says_its_status(srv):
    (c,) = run(srv, [source_for_url(ENTRIES[HEALTHY[0]]["url"].rstrip("/") + "/no/such/page-here")])
    assert c.verdict == "unreachable" and "HTTP 404" in (c.reason or ""), c.reason


def test_a_dead_port_says_connection_refused():
    (c,) = run(None, [source_for_url("http://127.0.0.1:1/")])
    assert c.verdict == "unreachable" and "connection refused" in (c.reason or ""), c.reason
    assert c.robots is not None and c.robots.error == "ConnectError"
    assert exit_code([c]) == 2


def test_a_name_that_does_not_resolve_says_dns():
    (c,) = run(None, [source_for_url("http://no-such-agency.invalid/")])  # .invalid never resolves (RFC 6761)
    assert c.verdict == "unreachable" and (c.reason or "").startswith("robots.txt: dns:"), c.reason


def test_a_server_that_never_answers_says_timeout():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)  # the kernel accepts connections; nothing ever reads or answers them
        port = sock.getsockname()[1]
        (c,) = run(None, [source_for_url(f"http://127.0.0.1:{port}/")], read_timeout=0.3, total_timeout=1.0)
    assert c.verdict == "unreachable" and "timeout" in (c.reason or ""), c.reason


# ------------------------------------------------------------------------------ hand-made sites (MockTransport) ---

ARTICLE = (
    "<html lang='fa'><head><title>{t}</title><meta property='article:published_time' content='2023-09-10T08:00:00"
    "+03:30'></head><body><h1>{t}</h1><div class='body'>"
    + "<p>به گزارش روابط عمومی اداره کل، نشست هماهنگی طرح‌های عمرانی استان با حضور مدیران برگزار شد و "
    "درباره پیشرفت پروژه‌ها گفتگو شد.</p>" * 6 + "</div></body></html>"
)


def mock(routes: dict[str, tuple[int, str, str]]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        key = request.url.path + (f"?{request.url.query.decode()}" if request.url.query else "")
        status, ctype, body = routes.get(key, (404, "text/html", "<html><body>not found</body></html>"))
        return httpx.Response(status, headers={"content-type": ctype}, text=body)

    return httpx.MockTransport(handler)


def run_mock(routes, url="https://site.test/"):
    settings = CrawlSettings.fast(max_attempts=1)
    return asyncio.run(check_urls([source_for_url(url)], settings, mock(routes)))[0]


def test_a_page_with_nothing_to_crawl_is_partial():
    c = run_mock(
        {"/": (200, "text/html", "<html><body><p>خوش آمدید</p><a href='/about'>درباره</a></body></html>")}
    )
    assert c.verdict == "partial", c.reason
    assert "no feed, sitemap or listing yields article links" in (c.reason or "")
    assert c.robots is not None and not c.robots.found and c.robots.status == 404 and c.robots.page_allowed
    guessed = [s for s in c.surfaces if s.kind == "sitemap"]
    assert guessed and guessed[0].guessed and guessed[0].status == 404 and "absent" in guessed[0].note
    assert exit_code([c]) == 1


def test_robots_rules_for_our_agent_and_a_failing_feed():
    title = "برگزاری نشست هماهنگی طرح‌های عمرانی استان با حضور مدیران"
    home = (
        "<html><head><link rel='alternate' type='application/rss+xml' href='/rss'>"
        "<link rel='alternate' type='application/atom+xml' href='/atom'></head><body>"
        f"<a href='/news/12/slug'>{title}</a></body></html>"
    )
    rss = (
        "<rss><channel><item><title>t</title><link>https://site.test/news/12/slug</link>"
        "<pubDate>Sun, 10 Sep 2023 08:00:00 +0330</pubDate></item></channel></rss>"
    )
    robots = "User-agent: *\nCrawl-delay: 0.01\nDisallow: /private\nRequest-rate: 10/1s\nSitemap: https://site.test/sm.xml\n"
    c = run_mock(
        {
            "/robots.txt": (200, "text/plain", robots),
            "/": (200, "text/html", home),
            "/rss": (200, "application/rss+xml", rss),
            "/atom": (500, "text/html", "oops"),
            "/sm.xml": (
                200,
                "application/xml",
                "<urlset><url><loc>https://site.test/news/12/slug</loc></url></urlset>",
            ),
            "/news/12/slug": (200, "text/html", ARTICLE.format(t=title)),
        }
    )
    assert c.robots is not None and c.robots.found
    assert c.robots.crawl_delay == pytest.approx(0.01) and c.robots.request_rate == "10/1s"
    assert c.robots.sitemaps == ["https://site.test/sm.xml"]
    by_url = {s.url: s for s in c.surfaces}
    assert by_url["https://site.test/rss"].links == 1 and by_url["https://site.test/sm.xml"].links == 1
    assert by_url["https://site.test/atom"].error == "HTTP 500"
    assert c.sample is not None and c.sample.is_article and c.sample.via == "feed", c.sample
    assert c.verdict == "partial" and "feed https://site.test/atom: HTTP 500" in (c.reason or ""), c.reason


def test_a_redirect_to_another_site_says_where_it_went():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(301, headers={"location": "https://elsewhere.test/fa/"})

    settings = CrawlSettings.fast(max_attempts=1)
    (c,) = asyncio.run(
        check_urls([source_for_url("https://site.test/")], settings, httpx.MockTransport(handler))
    )
    assert c.verdict == "unreachable" and "redirect-outside-source" in (c.reason or ""), c.reason
    assert "https://elsewhere.test/fa/" in (c.reason or "")


def test_an_article_url_given_alone_is_sampled_itself():
    title = "برگزاری نشست هماهنگی طرح‌های عمرانی استان با حضور مدیران"
    c = run_mock({"/news/7": (200, "text/html", ARTICLE.format(t=title))}, url="https://site.test/news/7")
    assert c.sample is not None and c.sample.via == "page" and c.sample.is_article and c.sample.title == title
    assert c.verdict == "partial"  # the article reads, but nothing would lead the crawler to the next one


# ------------------------------------------------------------------------------------------------------- CLI ---

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        (["ftp://x.test/"], 2, "not an absolute http(s) URL"),
        (["--source", "no-such-source"], 2, "unknown source id"),
        (["--source", "x", "https://x.test/"], 2, "not both"),
        (["http://127.0.0.1:1/"], 2, "connection refused"),
    ],
)
def test_cli_usage_and_unreachable_exit_codes(args, code, stderr):
    result = runner.invoke(app, ["sources", "check", *args])
    assert result.exit_code == code, result.output
    assert stderr in result.output


def test_cli_json_on_the_simulated_web_mixes_ok_and_unreachable():
    ok = ENTRIES[HEALTHY[0]]["url"]
    result = runner.invoke(app, ["sources", "check", "--simweb", "--json", ok, "https://not-simulated.test/"])
    assert result.exit_code == 1, result.output
    out = json.loads(result.stdout)
    assert [c["verdict"] for c in out] == ["ok", "unreachable"]
    assert out[0]["sample"]["is_article"] and out[0]["robots"]["found"]
    assert "ConnectError" in out[1]["reason"]


def test_cli_table_names_every_surface_and_the_sample():
    result = runner.invoke(app, ["sources", "check", "--simweb", ENTRIES[HEALTHY[0]]["url"]])
    assert result.exit_code == 0, result.output
    for word in ("robots.txt 200", "home", "feed", "sitemap", "listing", "sample (", ": article;", "1 ok"):
        assert word in result.stdout, word
