"""httpx transports that route requests for simulated hosts to the loopback server (and nothing else anywhere).

A request for a known simulated host (http or https, with or without ``www.``) is sent over a real socket to
127.0.0.1:port with its ``Host`` header kept and ``X-Forwarded-Proto`` saying which scheme was asked for. Any
other host raises ``httpx.ConnectError``, as a DNS failure would, which also guarantees that a crawler wired to
this transport never leaves the machine.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx

from khabar.pools import PerOriginPools


def _known(hosts: frozenset[str], host: str) -> bool:
    host = host.lower().rstrip(".")
    alt = host[4:] if host.startswith("www.") else f"www.{host}"
    return host in hosts or alt in hosts


def _rewrite(request: httpx.Request, port: int, hosts: frozenset[str]) -> httpx.Request:
    if not _known(hosts, request.url.host):
        raise httpx.ConnectError(
            f"simweb: unknown host {request.url.host!r} (name resolution failed)", request=request
        )
    url = request.url.copy_with(scheme="http", host="127.0.0.1", port=port)
    headers = httpx.Headers(request.headers)
    headers["Host"] = request.url.host
    headers["X-Forwarded-Proto"] = request.url.scheme
    return httpx.Request(
        request.method, url, headers=headers, stream=request.stream, extensions=request.extensions
    )


class SimWebTransport(PerOriginPools):
    """Async transport: ``httpx.AsyncClient(transport=SimWebTransport(srv.port, srv.hosts))``.

    Connections are pooled per simulated origin, as they would be with one server per host on the real web (all of
    them reach the same loopback socket here, but a keep-alive connection is never shared between two hosts)."""

    def __init__(self, port: int, hosts: Iterable[str], **kwargs: Any) -> None:
        kwargs.setdefault(
            "verify", httpx.create_ssl_context()
        )  # one CA bundle load, not one per simulated host
        super().__init__(lambda url: httpx.AsyncHTTPTransport(**kwargs))
        self.port = port
        self.hosts = frozenset(h.lower() for h in hosts)

    async def _forward(self, pool: httpx.AsyncBaseTransport, request: httpx.Request) -> httpx.Response:
        return await pool.handle_async_request(_rewrite(request, self.port, self.hosts))


class SimWebSyncTransport(httpx.BaseTransport):
    """Sync twin: ``httpx.Client(transport=SimWebSyncTransport(srv.port, srv.hosts))``."""

    def __init__(self, port: int, hosts: Iterable[str], **kwargs: Any) -> None:
        self.port = port
        self.hosts = frozenset(h.lower() for h in hosts)
        self._inner = httpx.HTTPTransport(**kwargs)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._inner.handle_request(_rewrite(request, self.port, self.hosts))

    def close(self) -> None:
        self._inner.close()
