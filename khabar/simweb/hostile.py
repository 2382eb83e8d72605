"""A deliberately hostile loopback web site (issue 8): everything a crawler and an extractor must survive.

One asyncio server on 127.0.0.1 answering for the virtual host ``hostile.test`` (reach it through
``SimWebTransport(port, HostileServer.HOSTS)``). Responses are written byte by byte by hand so that they can lie:
wrong lengths, truncated bodies, resets, slow drips, bombs. ``ARTICLES`` lists the well-formed pages a crawler must
still fetch; ``TRAPS`` maps each hostile path to what it does. Nothing here imports the pipeline.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import os
import threading
import zlib
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

HOST = "hostile.test"

ARTICLE = """<!doctype html><html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>{title}</title></head>
<body><div class="menu"><a href="/">خانه</a></div><article><h1>{title}</h1>
<p>به گزارش روابط عمومی بهزیستی استان کرمان، نشست شورای هماهنگی با حضور مدیرکل برگزار شد.</p>
<p>در این نشست بیش از ۱۱ طرح اشتغال‌زایی با اعتبار ۵۰ میلیارد ریال بررسی شد. شماره {n}.</p></article>
</body></html>"""

ARTICLES = [f"/news/ok-{n}" for n in range(1, 6)]

TRAPS: dict[str, str] = {
    "/news/drip": "slow drip: 1 byte every 0.5 s, forever",
    "/news/truncated": "Content-Length 20000, 120 bytes sent, connection closed",
    "/news/too-long": "Content-Length 50, 5000 bytes sent",
    "/news/reset": "connection closed (RST) before any response",
    "/news/redirect-loop": "302 to itself",
    "/news/huge": "50 MB body, streamed (no Content-Length)",
    "/news/huge-declared": "Content-Length 52428800 declared up front",
    "/news/gzip-bomb": "Content-Encoding gzip: 200 KB that inflate to 200 MB",
    "/news/binary": "random bytes served as text/html",
    "/news/nul": "HTML with NUL bytes",
    "/news/bidi": "bidi control characters in title and body",
    "/news/long-line": "one 5 MB line",
    "/news/deep": "100,000 nested <div>s",
    "/news/unclosed": "malformed, unclosed HTML",
    "/news/wrong-charset": "says utf-8, is windows-1256",
    "/news/no-charset": "windows-1256 with no charset anywhere",
    "/news/always-500": "HTTP 500 every time",
    "/news/429": "HTTP 429 Retry-After: 1, twice, then the article",
    "/news/slow-headers": "headers after 30 s",
}

EXTERNAL_LINKS = [
    "http://10.0.0.1/news/1",
    "http://127.0.0.1/admin",
    "http://[::1]/x",
    "http://169.254.169.254/latest/meta-data/",
    "http://evil.test/news/1",
    "http://localhost/news/2",
    "file:///etc/passwd",
    "javascript:alert(1)",
]

FEED_XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
 <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<rss version="2.0"><channel><title>&lol9;</title>
{items}
<item><title>&xxe;</title><link>http://hostile.test/news/xxe</link></item>
</channel></rss>"""

SITEMAP_INDEX_LOOP = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://hostile.test/sitemap.xml</loc></sitemap>
<sitemap><loc>http://hostile.test/sitemap-b.xml</loc></sitemap>
<sitemap><loc>http://evil.test/sitemap.xml</loc></sitemap>
</sitemapindex>"""

SITEMAP_B = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://hostile.test/sitemap.xml</loc></sitemap>
<sitemap><loc>http://hostile.test/sitemap-urls.xml.gz</loc></sitemap>
</sitemapindex>"""


def _cp1256(text: str) -> bytes:
    """Old sites in windows-1256 write Arabic ي (Persian ی has no code point there)."""
    return text.replace("ی", "ي").encode("cp1256", "replace")


def _urlset(paths: list[str]) -> bytes:
    locs = "".join(f"<url><loc>http://{HOST}{p}</loc></url>" for p in paths)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'.encode()


@dataclass
class HostileServer:
    """Start with ``with HostileServer() as srv:``; ``srv.port``; ``srv.hits[path]`` counts requests per path."""

    HOSTS: tuple[str, ...] = (HOST,)
    port: int = 0
    hits: dict[str, int] = field(default_factory=dict)
    hosts_seen: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._bomb: bytes | None = None

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> HostileServer:
        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            self._server = loop.run_until_complete(asyncio.start_server(self._conn, "127.0.0.1", self.port))
            self.port = self._server.sockets[0].getsockname()[1]
            self._ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name="hostile-server", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        loop = self._loop
        if loop is not None:

            async def shutdown() -> None:
                if self._server is not None:
                    self._server.close()
                tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                loop.stop()

            asyncio.run_coroutine_threadsafe(shutdown(), loop)
        if self._thread is not None:
            self._thread.join(10)

    # ------------------------------------------------------------------ HTTP
    async def _conn(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                _method, target, _ = lines[0].split(" ", 2)
                headers = {
                    k.strip().lower(): v.strip()
                    for k, v in (ln.split(":", 1) for ln in lines[1:] if ":" in ln)
                }
                self.hosts_seen.add(headers.get("host", ""))
                path = unquote(urlsplit(target).path)
                self.hits[path] = self.hits.get(path, 0) + 1
                keep = await self._respond(path, writer)
                await writer.drain()
                if not keep:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError, ValueError):
            pass
        finally:
            with contextlib.suppress(RuntimeError):
                writer.close()

    @staticmethod
    def _head(status: str, headers: dict[str, str]) -> bytes:
        lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _send(
        self,
        writer: asyncio.StreamWriter,
        body: bytes,
        ctype: str = "text/html; charset=utf-8",
        status: str = "200 OK",
        extra: dict[str, str] | None = None,
    ) -> bool:
        headers = {"Content-Type": ctype, "Content-Length": str(len(body)), **(extra or {})}
        writer.write(self._head(status, headers) + body)
        return True

    def _home(self) -> bytes:
        links = "".join(f'<li><a href="{p}">خبر {p}</a></li>' for p in [*ARTICLES, *TRAPS])
        links += "".join(f'<li><a href="{u}">بیرون</a></li>' for u in EXTERNAL_LINKS)
        return (
            f'<!doctype html><html lang="fa"><head><meta charset="utf-8"><title>سایت خصمانه</title>'
            f'<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>'
            f'<body><ul>{links}</ul><a href="/archive?page=2">بعدی</a></body></html>'
        ).encode()

    def _gzip_bomb(self) -> bytes:
        if self._bomb is None:
            comp = zlib.compressobj(9, zlib.DEFLATED, 31)
            chunk = b"\0" * (1 << 20)
            self._bomb = b"".join(comp.compress(chunk) for _ in range(200)) + comp.flush()
        return self._bomb

    async def _respond(self, path: str, writer: asyncio.StreamWriter) -> bool:
        if path == "/":
            return self._send(writer, self._home())
        if path == "/archive":  # a listing that links to itself forever
            return self._send(
                writer, b'<html><body><a href="/archive?page=2">2</a><a href="/news/ok-1">1</a></body></html>'
            )
        if path == "/robots.txt":
            return self._send(
                writer,
                os.urandom(300) + b"\nUser-agent: *\nDisallow: /\x00\xff\nCrawl-delay: -5e999\n",
                "text/plain",
            )
        if path == "/feed.xml":
            items = "".join(f"<item><title>خبر</title><link>http://{HOST}{p}</link></item>" for p in ARTICLES)
            return self._send(writer, FEED_XXE.format(items=items).encode(), "application/rss+xml")
        if path == "/sitemap.xml":
            return self._send(writer, SITEMAP_INDEX_LOOP.encode(), "application/xml")
        if path == "/sitemap-b.xml":
            return self._send(writer, SITEMAP_B.encode(), "application/xml")
        if path == "/sitemap-urls.xml.gz":
            return self._send(writer, gzip.compress(_urlset([*ARTICLES, "/news/xxe"])), "application/gzip")
        if path.startswith("/news/ok-"):
            n = path.rsplit("-", 1)[1]
            return self._send(writer, ARTICLE.format(title=f"نشست شورای هماهنگی بهزیستی {n}", n=n).encode())
        if path == "/news/drip":
            writer.write(self._head("200 OK", {"Content-Type": "text/html; charset=utf-8"}))
            for _ in range(10_000):
                writer.write(b"<")
                await writer.drain()
                await asyncio.sleep(0.5)
            return False
        if path == "/news/slow-headers":
            await asyncio.sleep(30)
            return self._send(writer, b"<html></html>")
        if path == "/news/truncated":
            writer.write(
                self._head("200 OK", {"Content-Type": "text/html; charset=utf-8", "Content-Length": "20000"})
                + ARTICLE.encode()[:120]
            )
            return False
        if path == "/news/too-long":
            writer.write(
                self._head("200 OK", {"Content-Type": "text/html; charset=utf-8", "Content-Length": "50"})
                + b"x" * 5000
            )
            return False
        if path == "/news/reset":
            transport = writer.transport
            sock = transport.get_extra_info("socket")
            if sock is not None:
                import socket
                import struct

                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
            return False
        if path == "/news/redirect-loop":
            writer.write(
                self._head(
                    "302 Found", {"Location": f"http://{HOST}/news/redirect-loop", "Content-Length": "0"}
                )
            )
            return True
        if path in ("/news/huge", "/news/huge-declared"):
            headers = {"Content-Type": "text/html; charset=utf-8"}
            if path.endswith("declared"):
                headers["Content-Length"] = str(50 * 1024 * 1024)
            writer.write(self._head("200 OK", headers) + b"<html><body>")
            block = ("<p>" + "خبر " * 2000 + "</p>").encode()
            sent = 0
            while sent < 50 * 1024 * 1024:
                writer.write(block)
                sent += len(block)
                await writer.drain()
            return False
        if path == "/news/gzip-bomb":
            return self._send(writer, self._gzip_bomb(), extra={"Content-Encoding": "gzip"})
        if path == "/news/binary":
            return self._send(writer, os.urandom(64 * 1024))
        if path == "/news/nul":
            return self._send(writer, ARTICLE.format(title="خبر\x00 با\x00 نول", n="\x00").encode())
        if path == "/news/bidi":
            return self._send(
                writer, ARTICLE.format(title="\u202eخبر\u202c \u2067دوجهته\u2069", n="\u200f7").encode()
            )
        if path == "/news/long-line":
            return self._send(
                writer, ARTICLE.format(title="خط بلند", n="ا" * (5 * 1024 * 1024 // 2)).encode()
            )
        if path == "/news/deep":
            return self._send(
                writer, b"<html><body>" + b"<div>" * 100_000 + "عمیق".encode() + b"</body></html>"
            )
        if path == "/news/unclosed":
            return self._send(
                writer, "<html><body><h1>خبر ناقص<p>به گزارش <b><i>روابط عمومی<table><tr><td>".encode()
            )
        if path == "/news/wrong-charset":
            return self._send(writer, _cp1256(ARTICLE.format(title="خبر با کدگذاری اشتباه", n="9")))
        if path == "/news/no-charset":
            body = ARTICLE.replace('<meta charset="utf-8">', "").format(title="خبر بدون کدگذاری", n="8")
            return self._send(writer, _cp1256(body), "text/html")
        if path == "/news/always-500":
            return self._send(writer, b"oops", status="500 Internal Server Error")
        if path == "/news/429":
            if self.hits[path] <= 2:
                return self._send(
                    writer, b"slow down", status="429 Too Many Requests", extra={"Retry-After": "1"}
                )
            return self._send(writer, ARTICLE.format(title="خبر پس از ۴۲۹", n="429").encode())
        return self._send(writer, b"<html><body>not found</body></html>", status="404 Not Found")


__all__ = ["ARTICLES", "EXTERNAL_LINKS", "HOST", "TRAPS", "HostileServer"]
