"""`khabar simweb …` commands: serve the simulated web, export its truth, list its hosts and sources."""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from khabar.simweb.config import SimWebConfig

# `khabar simweb …`: contributed to the CLI through the `khabar.commands` entry point (khabar.plugins).
app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="The simulated agency web (loopback HTTP, ground truth)."
)


PORTALS_HELP = (
    "Add the provincial-portal features: WebForms portals with postback-only archives, a site challenging "
    "first visits, a blocked site (issue 16)."
)


def _config(
    seed: int,
    today: str | None,
    sites: int | None,
    news: int | None = None,
    faults: bool = False,
    portals: bool = False,
) -> SimWebConfig:
    from dataclasses import replace

    from khabar.extractors.jalali import parse_day
    from khabar.simweb.config import SimWebConfig

    cfg = SimWebConfig(seed=seed)
    if today:
        cfg = replace(cfg, today=parse_day(today))
    if sites:
        cfg = replace(cfg, n_agency_sites=sites)
    if news is not None:
        cfg = replace(cfg, n_news_sites=news)
    cfg = cfg.with_portals() if portals else cfg
    return cfg.with_faults() if faults else cfg


@app.command("serve")
def serve(
    port: int = typer.Option(8765, help="Port on 127.0.0.1 (0 = any free port)."),
    seed: int = typer.Option(42, help="World seed."),
    today: str | None = typer.Option(None, help="Current day, Gregorian 2024-03-19 or Jalali 1402-12-29."),
    faults: bool = typer.Option(
        False, "--faults", help="Enable the fault preset (5xx, 429, timeouts, resets…)."
    ),
    sites: int | None = typer.Option(None, help="Number of agency sites (default 16)."),
    news: int | None = typer.Option(None, help="Number of news-agency sites (default 4)."),
    log: str | None = typer.Option(None, help="Append the request log to this JSON Lines file."),
    portals: bool = typer.Option(False, "--portals", help=PORTALS_HELP),
    speed: float | None = typer.Option(
        None,
        help="Run the clock live at this speed (1 = real time, 60 = a simulated hour per minute); "
        "pages appear as their publication instant comes. Default: a fixed day.",
    ),
    start: str | None = typer.Option(
        None,
        help="With --speed: the simulated instant to start from (ISO 8601, Tehran if no offset); "
        "default: today at the current Tehran time of day.",
    ),
    live_rates: bool = typer.Option(
        False, "--live-rates", help="Bursty releases and per-site rates from twice a week to dozens a day."
    ),
) -> None:
    """Serve the simulated agency web on loopback (virtual hosts by Host header)."""
    import asyncio
    from datetime import datetime

    from khabar.simweb.clock import TEHRAN
    from khabar.simweb.server import SimWebServer

    cfg = _config(seed, today, sites, news, faults, portals)
    srv = SimWebServer(cfg.with_live_rates() if live_rates else cfg, port, log_path=log)
    if speed is not None:
        if start:
            at = datetime.fromisoformat(start)
            at = at if at.tzinfo is not None else at.replace(tzinfo=TEHRAN)
        else:
            wall = datetime.now(TEHRAN)
            at = datetime.combine(srv.today, wall.time(), tzinfo=TEHRAN)
        srv.set_live(at, speed)

    async def main() -> None:
        await srv.start_async()
        first = srv.world.sites[0].host
        clock_state = f"live ×{speed:g} from {srv.now}" if speed is not None else f"today {srv.today}"
        typer.echo(
            f"simweb: {len(srv.world.sites)} sites on 127.0.0.1:{srv.port}, {clock_state} "
            f"(faults {'on' if faults else 'off'})",
            err=True,
        )
        typer.echo(f"  try: curl --connect-to ::127.0.0.1:{srv.port} http://{first}/", err=True)
        assert srv._server is not None
        await srv._server.serve_forever()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())


@app.command("export-truth")
def export_truth(
    date_from: str | None = typer.Option(None, "--from", help="First day (inclusive), Gregorian or Jalali."),
    date_to: str | None = typer.Option(None, "--to", help="Last day (exclusive), Gregorian or Jalali."),
    seed: int = typer.Option(42, help="World seed."),
    today: str | None = typer.Option(None, help="The world's current day (edits due by then are applied)."),
    sites: int | None = typer.Option(None, help="Number of agency sites."),
    news: int | None = typer.Option(None, help="Number of news-agency sites."),
    faults: bool = typer.Option(
        False, "--faults", help="World with the fault preset (adds video/app pages)."
    ),
) -> None:
    """Print the ground truth of every page as JSON Lines (one PageTruth per line)."""
    from khabar.extractors.jalali import parse_day
    from khabar.simweb.truth import iter_truth, truth_to_json

    cfg = _config(seed, today, sites, news, faults)
    start = parse_day(date_from) if date_from else None
    end = parse_day(date_to) if date_to else None
    out = sys.stdout
    for t in iter_truth(cfg, start, end):
        out.write(truth_to_json(t) + "\n")


@app.command("sources")
def sources(
    seed: int = typer.Option(42, help="World seed."),
    sites: int | None = typer.Option(None, help="Number of agency sites."),
    news: int | None = typer.Option(None, help="Number of news-agency sites."),
    rate_limit: float = typer.Option(2.0, help="rate_limit written for every source (requests/s)."),
    portals: bool = typer.Option(False, "--portals", help=PORTALS_HELP),
) -> None:
    """Print the YAML source registry for the simulated hosts (config/sources.simweb.yaml; with --portals
    config/sources.simweb-portals.yaml)."""
    from khabar.simweb.sources import sources_yaml

    typer.echo(sources_yaml(_config(seed, None, sites, news, portals=portals), rate_limit), nl=False)


@app.command("hosts")
def hosts(
    seed: int = typer.Option(42, help="World seed."),
    sites: int | None = typer.Option(None, help="Number of agency sites."),
    news: int | None = typer.Option(None, help="Number of news-agency sites."),
    etc_hosts: bool = typer.Option(False, "--etc-hosts", help="Print /etc/hosts lines (127.0.0.1 host)."),
) -> None:
    """List every host name the simulated web answers (for /etc/hosts or curl --connect-to)."""
    from khabar.simweb.sites import all_hosts

    for h in all_hosts(_config(seed, None, sites, news)):
        typer.echo(f"127.0.0.1 {h}" if etc_hosts else h)
