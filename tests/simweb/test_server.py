"""HTTP behaviour: virtual hosts, transports, keep-alive, gzip, conditional GET, HEAD, control host, request log."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from khabar.simweb.server import SimWebServer
from khabar.simweb.transport import SimWebSyncTransport, SimWebTransport


def test_unknown_host_is_a_connect_error(server: SimWebServer, client: httpx.Client) -> None:
    with pytest.raises(httpx.ConnectError):
        client.get("https://www.example.com/")
    with pytest.raises(httpx.ConnectError):
        client.get("http://127.0.0.1/")


def test_www_and_https_variants_resolve(server: SimWebServer, client: httpx.Client) -> None:
    for site in server.world.sites[:6]:
        for host in (site.host, site.host.removeprefix("www."), "www." + site.host.removeprefix("www.")):
            for scheme in ("http", "https"):
                r = client.get(f"{scheme}://{host}/robots.txt")
                if host in site.hosts:
                    assert r.status_code == 200 and "Sitemap:" in r.text
                else:
                    assert (
                        r.status_code == 404
                    )  # transport lets www toggles through; the server knows no alias


def test_conditional_get_and_gzip(world, client: httpx.Client) -> None:
    site = world.sites[0]
    url = world.url(world.catalog.latest(site, world.today, 1)[0])
    for u in (url, site.origin + "/sitemap.xml", site.origin + "/"):
        r = client.get(u)
        assert r.status_code == 200 and r.headers.get("content-encoding") == "gzip"
        etag, lm = r.headers["etag"], r.headers["last-modified"]
        assert client.get(u, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(u, headers={"If-Modified-Since": lm}).status_code == 304
        assert client.get(u, headers={"If-None-Match": '"other"'}).status_code == 200
    h = client.head(url)
    assert h.status_code == 200 and h.content == b""


def test_request_log_and_keepalive(server: SimWebServer, client: httpx.Client) -> None:
    server.clear_log()
    site = server.world.sites[1]
    for _ in range(3):
        client.get(site.origin + "/robots.txt")
    entries = [e for e in server.request_log if e.host == site.host]
    assert [e.attempt for e in entries] == [1, 2, 3] or len(entries) == 3
    assert all(e.status == 200 and e.kind == "robots" and e.fault is None for e in entries)
    assert entries[0].mono <= entries[1].mono <= entries[2].mono


def test_async_transport(server: SimWebServer) -> None:
    async def main() -> list[int]:
        async with httpx.AsyncClient(transport=SimWebTransport(server.port, server.hosts)) as c:
            rs = await asyncio.gather(*(c.get(s.origin + "/") for s in server.world.sites))
            return [r.status_code for r in rs]

    assert set(asyncio.run(main())) == {200}


def test_persian_pages_in_three_templates(server: SimWebServer) -> None:
    with httpx.Client(transport=SimWebSyncTransport(server.port, server.hosts)) as c:
        for tpl in ("newsagency", "portal", "aspnet"):
            site = next(s for s in server.world.sites if s.template == tpl)
            r = c.get(site.origin + "/")
            assert r.status_code == 200 and "اخبار" in r.text and 'dir="rtl"' in r.text


def test_control_host(client: httpx.Client, server: SimWebServer) -> None:
    before = server.today
    try:
        r = client.post("http://control.simweb.test/clock?today=2024-03-01")
        assert r.json() == {"today": "2024-03-01", "jalali": "1402-12-11"}
        assert client.get("http://control.simweb.test/clock").json()["today"] == "2024-03-01"
        assert client.post("http://control.simweb.test/clock?today=bad").status_code == 400
    finally:
        server.set_today(before)
