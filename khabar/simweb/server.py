"""The simulated web's HTTP server: one loopback socket, virtual hosts by ``Host`` header, faults, a request log.

A minimal asyncio HTTP/1.1 server (keep-alive, Content-Length, gzip on ``Accept-Encoding: gzip``, ETag /
Last-Modified with 304 on conditional GET) rather than a framework, because faults need byte-level control
(truncated bodies, resets, dripped bodies) and a page must cost well under a millisecond of server overhead.

Run in the foreground (``khabar simweb serve``) or in a background thread for tests::

    with SimWebServer(SimWebConfig()) as srv:
        client = httpx.Client(transport=SimWebSyncTransport(srv.port, srv.hosts))

Humans: ``curl --connect-to ::127.0.0.1:8765 http://kerman.behzisti.test/`` (``https://`` URLs are served on the
same plain-HTTP socket by the transport; with curl use ``http://``). The clock moves with
``curl --connect-to ::127.0.0.1:8765 -X POST 'http://control.simweb.test/clock?today=1402-05-01'``; it runs live
(accelerated 60×) with ``-X POST 'http://control.simweb.test/clock?now=2024-03-19T07:00&speed=60'``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from khabar.simweb import challenge
from khabar.simweb.config import SimWebConfig
from khabar.simweb.faults import ELIGIBLE, Fault, decide
from khabar.simweb.sites import CONTROL_HOST, all_hosts
from khabar.simweb.urls import route
from khabar.simweb.world import Response, World

_REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    304: "Not Modified",
    307: "Temporary Redirect",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass(frozen=True)
class LogEntry:
    """One request as the server saw it (the crawler's politeness tests read per-host timing from these).

    Logged when the response starts (before any byte is written), so the log is complete as soon as a client
    has its answer; ``status``/``bytes`` are what the server sends (0 for resets and timeouts)."""

    wall: float  # time.time() when the request head was read
    mono: float  # time.monotonic() at the same moment
    host: str
    method: str
    path: str  # request-target as sent (path + query)
    status: int  # 0 when no status line was sent (reset, timeout)
    bytes: int  # body bytes written
    fault: str | None
    kind: str  # article, listing, feed, sitemap, robots, …
    attempt: int  # how many times this URL had been requested, this one included


class SimWebServer:
    """The simulated web on 127.0.0.1; ``port=0`` picks a free port (read it from ``.port`` after start)."""

    def __init__(
        self,
        config: SimWebConfig | None = None,
        port: int = 0,
        *,
        bind: str = "127.0.0.1",
        log_path: str | Path | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or SimWebConfig()
        self.world = World(self.config, monotonic)  # the real clock a live clock runs on (tests inject one)
        self.bind = bind
        self.port = port
        self.request_log: list[LogEntry] = []
        self._attempts: dict[str, int] = {}
        self._log_file = open(log_path, "a", encoding="utf-8") if log_path else None  # noqa: SIM115
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._tasks: set[asyncio.Task] = set()
        self._lock = threading.Lock()

    # ------------------------------------------------------------------------------------ API
    @property
    def hosts(self) -> tuple[str, ...]:
        return all_hosts(self.config)

    @property
    def today(self) -> date:
        return self.world.today

    def set_today(self, d: date) -> None:
        """Move the clock: items published up to the end of ``d`` (Tehran) become visible, edits due appear."""
        self.world.set_today(d)
        self.config = self.world.config

    def set_live(self, start: datetime, speed: float = 1.0) -> None:
        """Run the clock live from ``start`` at ``speed`` (60 = a simulated hour per real minute): from then on an
        item is visible once its publication instant has come. ``set_today`` returns to the fixed day."""
        self.world.set_live(start, speed)
        self.config = self.world.config

    @property
    def now(self) -> datetime | None:
        """The live clock's instant now (None on a fixed day)."""
        return self.world.tick()

    def clear_log(self) -> None:
        self.request_log.clear()

    def base_url(self, host: str) -> str:
        return f"http://{host}/"

    # ------------------------------------------------------------------------------------ lifecycle
    async def start_async(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(
            self._conn, self.bind, self.port, backlog=512, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def serve_forever(self) -> None:
        await self.start_async()
        assert self._server is not None
        async with self._server:
            await self._server.serve_forever()

    def start(self) -> SimWebServer:
        """Serve in a background daemon thread; returns once the socket listens."""

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            loop.run_until_complete(self.start_async())
            self._ready.set()
            loop.run_forever()
            for t in list(self._tasks):
                t.cancel()
            loop.run_until_complete(asyncio.sleep(0))
            loop.close()

        self._thread = threading.Thread(target=run, name="simweb-server", daemon=True)
        self._thread.start()
        self._ready.wait(30)
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is not None and self._thread is not None:

            async def shutdown() -> None:
                if self._server is not None:
                    self._server.close()
                for t in list(self._tasks):
                    t.cancel()
                loop.stop()

            asyncio.run_coroutine_threadsafe(shutdown(), loop)
            self._thread.join(10)
            self._thread = None
        if self._log_file:
            self._log_file.close()
            self._log_file = None

    def __enter__(self) -> SimWebServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------------------------ HTTP
    async def _conn(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    break
                wall, mono = time.time(), time.monotonic()
                lines = head.decode("latin-1").split("\r\n")
                try:
                    method, target, version = lines[0].split(" ", 2)
                except ValueError:
                    break
                headers: dict[str, str] = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                n = int(headers.get("content-length", "0") or 0)
                body = await reader.readexactly(n) if n else b""
                keep = headers.get("connection", "").lower() != "close" and version == "HTTP/1.1"
                if not await self._serve_one(writer, method, target, headers, keep, wall, mono, body):
                    break
                if not keep:
                    break
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            if task is not None:
                self._tasks.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    def _log(self, entry: LogEntry) -> None:
        with self._lock:
            self.request_log.append(entry)
        if self._log_file:
            self._log_file.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
            self._log_file.flush()

    async def _serve_one(
        self,
        writer: asyncio.StreamWriter,
        method: str,
        target: str,
        headers: dict[str, str],
        keep: bool,
        wall: float,
        mono: float,
        body: bytes = b"",
    ) -> bool:
        """Answer one request; False when the connection must be dropped."""
        host = headers.get("host", "").split(":", 1)[0].lower()
        scheme = headers.get("x-forwarded-proto", "http")
        site = self.world.by_host.get(host)
        key = f"{site.site_id if site else host}{target}"
        with self._lock:
            attempt = self._attempts.get(key, 0) + 1
            self._attempts[key] = attempt
        fault: Fault | None = None
        challenged: int | None = None
        if site is not None and host != CONTROL_HOST:
            parts = urlsplit(target)
            r = route(site, unquote(parts.path), parts.query)
            if r.kind in ELIGIBLE:
                fault = decide(self.config.faults, self.config.seed, key, attempt)
            challenged = challenge.decide(self.config, site, r.kind, r.code, attempt)

        def log(status: int, nbytes: int, kind: str) -> None:
            self._log(
                LogEntry(
                    wall,
                    mono,
                    host,
                    method,
                    target,
                    status,
                    nbytes,
                    fault.kind if fault else None,
                    kind,
                    attempt,
                )
            )

        if fault is not None and fault.kind in ("timeout", "reset", "5xx", "429", "redirect"):
            return await self._fault(writer, fault, target, keep, log)
        if method not in ("GET", "HEAD", "POST"):
            resp = Response(405, b"", [("Allow", "GET, HEAD")], "error", False)
        elif challenged is not None and site is not None:
            resp = Response(
                challenged,
                challenge.page(self.config, site, target, challenged),
                [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")],
                "challenge",
                False,
            )
        else:
            resp = self.world.handle(host, method, target, scheme, body)
            if host == CONTROL_HOST:
                self.config = self.world.config
        resp = _conditional(resp, headers)
        body = resp.body
        hdrs = list(resp.headers)
        if (
            body
            and len(body) > 1024
            and "gzip" in headers.get("accept-encoding", "")
            and not any(v == "application/x-gzip" for _, v in hdrs)
        ):
            body = gzip.compress(body, compresslevel=1, mtime=0)
            hdrs += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        send = b"" if method == "HEAD" else body
        if fault is not None and fault.kind == "truncated" and len(send) > 64:
            log(resp.status, len(send) // 2, resp.kind)
            writer.write(_head(resp.status, hdrs, len(send), keep=False) + send[: len(send) // 2])
            await writer.drain()
            return False
        if fault is not None and fault.kind == "slow":
            log(resp.status, len(send), resp.kind)
            writer.write(_head(resp.status, hdrs, len(body), keep))
            chunks = 10
            step = max(1, -(-len(send) // chunks))
            for i in range(0, len(send), step):
                writer.write(send[i : i + step])
                await writer.drain()
                await asyncio.sleep(self.config.faults.slow_s / chunks)
            return True
        log(resp.status, len(send), resp.kind)
        writer.write(_head(resp.status, hdrs, len(body), keep) + send)
        await writer.drain()
        return True

    async def _fault(
        self,
        writer: asyncio.StreamWriter,
        fault: Fault,
        target: str,
        keep: bool,
        log: Callable[[int, int, str], None],
    ) -> bool:
        if fault.kind == "timeout":
            log(0, 0, "fault")
            await asyncio.sleep(self.config.faults.timeout_s)
            return False
        if fault.kind == "reset":
            sock = writer.get_extra_info("socket")
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            log(0, 0, "fault")
            writer.transport.abort()
            return False
        if fault.kind == "redirect":
            loc = f"/r/{fault.hops - 2}?to={quote(target, safe='')}"  # hops redirects in all
            hdrs = [("Location", loc), ("Content-Type", "text/html; charset=utf-8")]
            log(fault.status, 0, "redirect")
            writer.write(_head(fault.status, hdrs, 0, keep))
            await writer.drain()
            return True
        body = (
            f"<html><body><h1>{fault.status} {_REASONS.get(fault.status, '')}</h1></body></html>"
        ).encode()
        hdrs = [("Content-Type", "text/html")]
        if fault.retry_after:
            hdrs.append(("Retry-After", str(fault.retry_after)))
        log(fault.status, len(body), "fault")
        writer.write(_head(fault.status, hdrs, len(body), keep) + body)
        await writer.drain()
        return True


def _head(status: int, headers: list[tuple[str, str]], length: int, keep: bool) -> bytes:
    lines = [
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}",
        "Server: simweb",
        f"Content-Length: {length}",
        f"Connection: {'keep-alive' if keep else 'close'}",
    ]
    lines += [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _conditional(resp: Response, headers: dict[str, str]) -> Response:
    """304 when the client's validators still match (ETag first, then Last-Modified)."""
    if resp.status != 200:
        return resp
    h = dict(resp.headers)
    inm = headers.get("if-none-match")
    if inm is not None:
        if h.get("ETag") and h["ETag"] in [t.strip() for t in inm.split(",")]:
            return _not_modified(resp)
        return resp
    ims = headers.get("if-modified-since")
    if ims and h.get("Last-Modified"):
        try:
            if parsedate_to_datetime(h["Last-Modified"]) <= parsedate_to_datetime(ims):
                return _not_modified(resp)
        except (TypeError, ValueError):
            pass
    return resp


def _not_modified(resp: Response) -> Response:
    keep = [(k, v) for k, v in resp.headers if k in ("ETag", "Last-Modified")]
    return Response(304, b"", keep, resp.kind, resp.fault_eligible, resp.url_key)
