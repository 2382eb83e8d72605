"""The crawler's clocks, injectable: the wall clock (fetch times, the revalidation schedule, Retry-After dates), the
monotonic clock (politeness spacing) and sleeping (politeness waits, retry backoff).

Why: politeness is measured in seconds between requests, and a test that checks it on the real clock sleeps those
seconds. With `FakeClock` the same gate and fetcher run on virtual time: a Crawl-delay of 30 s is checked in
milliseconds, and the gaps asserted are the gaps the gate enforced (not the loaded machine's scheduling)."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Wall time, timezone-aware (UTC)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (spacing between requests)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` on this clock."""
        ...


class SystemClock:
    """The machine's clocks: what production uses."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


SYSTEM_CLOCK = SystemClock()


class FakeClock:
    """Virtual time for tests. `sleep` parks the caller; once every other task that can run has run (the event loop
    is given `settle` turns), time jumps to the earliest wake-up and that sleeper resumes. `advance` moves time by
    hand between runs (a day later). Only code that sleeps through this clock is on virtual time."""

    def __init__(self, start: datetime | None = None, *, settle: int = 50) -> None:
        self._start = start or datetime(2024, 1, 1, tzinfo=UTC)
        self._mono = 0.0
        self._settle = settle
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._driver: asyncio.Task[None] | None = None

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._mono)

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        self._mono += seconds

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        loop = asyncio.get_running_loop()
        wake: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._sleepers, (self._mono + seconds, next(self._seq), wake))
        if self._driver is None or self._driver.done():
            self._driver = loop.create_task(self._drive())
        await wake

    async def _drive(self) -> None:
        """Wake sleepers in time order, each once the loop has nothing else to run."""
        while self._sleepers:
            for _ in range(self._settle):
                await asyncio.sleep(0)
            if not self._sleepers:
                return
            when, _, wake = heapq.heappop(self._sleepers)
            self._mono = max(self._mono, when)
            if not wake.done():  # a cancelled sleeper (a timeout) is skipped
                wake.set_result(None)


__all__ = ["SYSTEM_CLOCK", "Clock", "FakeClock", "SystemClock"]
