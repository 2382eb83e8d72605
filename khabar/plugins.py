"""Plug-ins found through package entry points, so production code never imports what plugs into it.

Two groups (declared in pyproject.toml, `[project.entry-points]`):

- ``khabar.webs``: a stand-in web to crawl instead of the internet. Each entry point names a callable taking the
  options (a mapping of strings) and returning a context manager that yields a `Web`: an httpx transport and,
  when that web keeps its own time, its clock. The simulated web (`khabar.simweb`) is one: ``khabar ingest
  --simweb``, and the flows' ``web="simweb"`` parameter, reach it only through here.
- ``khabar.commands``: extra CLI commands; each entry point names a `typer.Typer` added under its name (the
  simulated web contributes ``demo`` and ``simweb``). `khabar.cli` loads them when the command line is parsed.

Why entry points and not an import: the registry of what is installed is the package metadata, so the layers stay
one-way (import-linter checks it) and a wheel without the simulated web still runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import EntryPoint, entry_points

import httpx

WEBS = "khabar.webs"
COMMANDS = "khabar.commands"


class PluginError(Exception):
    """A plug-in named by the user is not installed, or does not load: one clear message."""


@dataclass(frozen=True)
class Web:
    """What a stand-in web gives a crawl: where requests go, and the web's own clock (None: the real one): its
    instant when opened and, for a clock that runs (a live simulated web), its speed in simulated seconds per
    real second (None: the web's time stands still)."""

    transport: httpx.AsyncBaseTransport
    now: datetime | None = None
    speed: float | None = None


WebOpener = Callable[[Mapping[str, str]], AbstractContextManager[Web]]


def plugins(group: str) -> list[EntryPoint]:
    """The installed entry points of `group`, by name (one per name: the first installed wins)."""
    seen: dict[str, EntryPoint] = {}
    for ep in entry_points(group=group):
        seen.setdefault(ep.name, ep)
    return [seen[k] for k in sorted(seen)]


def open_web(name: str, options: Mapping[str, str] | None = None) -> AbstractContextManager[Web]:
    """The stand-in web `name` (entry point group ``khabar.webs``) opened with `options`."""
    found = {ep.name: ep for ep in plugins(WEBS)}
    if name not in found:
        known = ", ".join(found) or "none installed"
        raise PluginError(f"no web plug-in {name!r} (entry point group {WEBS}: {known})")
    try:
        opener: WebOpener = found[name].load()
    except Exception as exc:  # an installed plug-in that cannot be imported: say which and why
        raise PluginError(f"web plug-in {name!r} does not load: {type(exc).__name__}: {exc}") from exc
    return opener({k: str(v) for k, v in (options or {}).items()})


__all__ = ["COMMANDS", "WEBS", "PluginError", "Web", "WebOpener", "open_web", "plugins"]
