"""Keep-alive pools per origin: the transport the crawler's fetcher uses, and the one the simulated web's transport
builds on. It lives below both (issue 17): the simulated web must not import the crawler to reuse it."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Callable

import httpx


class PerOriginPools(httpx.AsyncBaseTransport):
    """One small keep-alive pool per origin (scheme, host, port) instead of one big pool shared by all hosts.

    Why: httpcore scans every connection of a pool, with a poll() syscall per idle one, each time it places a
    request. One pool of 32 connections over ~80 hosts spent most of B2's fetch CPU there (cProfile: 11.7 of 30 s
    in `_assign_requests_to_connections`) and evicted keep-alive connections between visits to the same host. Here
    placement scans at most `per_host_concurrency` connections and every host keeps its own. Idle pools beyond
    `max_pools` are closed, least recently used first, so a crawl over thousands of sites keeps few sockets open."""

    def __init__(self, make: Callable[[httpx.URL], httpx.AsyncBaseTransport], max_pools: int = 128) -> None:
        self._make = make
        self.max_pools = max_pools
        self._pools: OrderedDict[tuple[str, str, int | None], httpx.AsyncBaseTransport] = OrderedDict()
        self._busy: dict[tuple[str, str, int | None], int] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = (request.url.scheme, request.url.host, request.url.port)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = self._make(request.url)
            await self._evict()
        self._pools.move_to_end(key)
        self._busy[key] = self._busy.get(key, 0) + 1
        try:
            response = await self._forward(pool, request)
        except BaseException:
            self._busy[key] -= 1
            raise
        # the connection stays in use until the body is read: release the pool only when the response is closed
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            extensions=response.extensions,
            stream=_Released(response.stream, lambda: self._release(key)),
        )

    async def _forward(self, pool: httpx.AsyncBaseTransport, request: httpx.Request) -> httpx.Response:
        return await pool.handle_async_request(request)

    def _release(self, key: tuple[str, str, int | None]) -> None:
        self._busy[key] -= 1

    async def _evict(self) -> None:
        for key in list(self._pools):
            if len(self._pools) <= self.max_pools:
                break
            if not self._busy.get(key):
                self._busy.pop(key, None)
                await self._pools.pop(key).aclose()

    async def aclose(self) -> None:
        for pool in self._pools.values():
            await pool.aclose()
        self._pools.clear()


class _Released(httpx.AsyncByteStream):
    """A response stream that tells its pool when it is closed (read to the end, or abandoned)."""

    def __init__(self, inner: httpx.AsyncByteStream | httpx.SyncByteStream, done: Callable[[], None]) -> None:
        self._inner = inner
        self._done: Callable[[], None] | None = done

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._async_inner():
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._async_inner().aclose()
        finally:
            if self._done is not None:
                done, self._done = self._done, None
                done()

    def _async_inner(self) -> httpx.AsyncByteStream:
        """Transports under an async client answer with async streams (httpx's own check, in `aiter_raw`)."""
        if not isinstance(self._inner, httpx.AsyncByteStream):
            raise TypeError("a synchronous response stream under an async transport")
        return self._inner


__all__ = ["PerOriginPools"]
