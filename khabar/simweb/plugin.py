"""The simulated web as a `khabar.webs` plug-in (entry point ``simweb``): an httpx transport and a clock.

Production code reaches it only through `khabar.plugins.open_web("simweb", options)`; options (all strings, so
they pass through Prefect parameters and the command line): ``port`` — a `khabar simweb serve` already listening
there (else a server is started in-process for the run); ``today`` — the simulated web's current day (Gregorian
or Jalali); ``speed`` — run the clock live at this many simulated seconds per real second (issue 22: pages appear
as their publication instant comes, at the bursty per-site rates of ``SimWebConfig.with_live_rates``), from
``start`` (ISO 8601, Tehran when no offset; default 07:00 on the web's current day). A live web is for one
long-lived opening (``khabar watch --simweb`` opens it once for the whole watch): every opening starts its clock
again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from khabar.extractors.jalali import parse_day
from khabar.plugins import Web
from khabar.simweb.config import SimWebConfig


@dataclass(frozen=True)
class SimWeb:
    """Crawl the built-in simulated web: start it in-process (optionally at a given day), or use a running one."""

    today: date | None = None
    port: int | None = None  # a `khabar simweb serve` already listening on this port
    speed: float | None = None  # a live clock at this speed (None: the fixed day)
    start: datetime | None = None  # … from this instant

    @classmethod
    def from_options(cls, options: Mapping[str, str]) -> SimWeb:
        port, today, speed, start = (options.get(k) for k in ("port", "today", "speed", "start"))
        at = datetime.fromisoformat(start) if start else None
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=ZoneInfo("Asia/Tehran"))
        rate = float(speed) if speed else None
        if rate is not None and not rate > 0:
            raise ValueError(f"speed={speed!r}: expected a positive number")
        if rate is not None and port:
            raise ValueError("a live clock (speed) runs in a web started here: drop port")
        return cls(
            today=parse_day(today) if today else None, port=int(port) if port else None, speed=rate, start=at
        )

    def config(self) -> SimWebConfig:
        base = SimWebConfig() if self.today is None else SimWebConfig(today=self.today)
        return base.with_live_rates() if self.speed is not None else base

    def live_start(self) -> datetime:
        day = self.today or SimWebConfig().today
        return self.start or datetime.combine(day, time(7, 0), ZoneInfo("Asia/Tehran"))

    def now(self) -> datetime:
        """The simulated web's clock: the end of its current day in Tehran (what is visible there)."""
        day = self.today or SimWebConfig().today
        return datetime.combine(day + timedelta(days=1), time(0), ZoneInfo("Asia/Tehran")) - timedelta(
            minutes=1
        )

    @contextmanager
    def open(self) -> Iterator[Web]:
        """The transport to the running server at `port`, or to one started for as long as this is open."""
        from khabar.simweb.server import SimWebServer
        from khabar.simweb.sites import all_hosts
        from khabar.simweb.transport import SimWebTransport

        if self.port is not None:
            yield Web(SimWebTransport(self.port, all_hosts(SimWebConfig())), self.now())
            return
        with SimWebServer(self.config()) as srv:
            if self.speed is None:
                yield Web(SimWebTransport(srv.port, srv.hosts), self.now())
                return
            srv.set_live(self.live_start(), self.speed)
            yield Web(SimWebTransport(srv.port, srv.hosts), srv.now, self.speed)


def open_web(options: Mapping[str, str]) -> AbstractContextManager[Web]:
    """The entry point: `SimWeb.open` for the given options (see the module docstring)."""
    return SimWeb.from_options(options).open()


__all__ = ["SimWeb", "open_web"]
