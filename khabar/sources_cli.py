"""`khabar sources list|check`: the registry, and what each source's discovery surfaces yield right now."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, NoReturn

import typer

from khabar.settings import default_sources

if TYPE_CHECKING:
    from khabar.crawl.sources import Source

app = typer.Typer(
    help="The source registry: list it, or check each source's feeds, sitemaps and listings.",
    no_args_is_help=True,
)

SOURCES = typer.Option(default_sources, "--sources", help="Sources registry (YAML).")


def _load(path: str) -> list:
    from khabar.crawl.sources import SourcesError, load_sources

    try:
        return load_sources(path)
    except SourcesError as exc:
        typer.echo(f"khabar: error: {exc}", err=True)
        raise typer.Exit(2) from None  # a bad registry is bad usage (README exit codes)


@app.command("list", help="List the sources of the registry (validated).")
def list_command(sources: str = SOURCES) -> None:
    from khabar.warehouse.query import format_rows

    rows = [
        (s.id, s.kind, s.agency or "", s.province or "", s.url, s.rate_limit or "") for s in _load(sources)
    ]
    typer.echo(format_rows(["id", "kind", "agency", "province", "url", "rate_limit"], rows, "table"))


@app.command(
    "check",
    help="Check what sites offer the crawler: robots.txt rules, feeds, sitemaps, listings and a sample article "
    "extracted, or why a site cannot be read. URLs given: those sites; none: every source of the registry. "
    "Exit 0 all read, 1 partly (a surface failed, no article found, some unreachable), 2 none readable or bad usage.",
)
def check_command(
    urls: list[str] = typer.Argument(None, help="http(s) URLs to check (default: the registry)."),
    sources: str = SOURCES,
    only: list[str] = typer.Option([], "--source", "-s", help="Only these registry source ids (repeatable)."),
    simweb: bool = typer.Option(False, "--simweb", help="Check the built-in simulated web (loopback)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON array of per-target results (for scripts)."),
) -> None:
    import json

    from khabar.crawl.check import check_urls, exit_code, source_for_url
    from khabar.crawl.settings import load_settings

    if urls and only:
        _usage("give URLs or --source ids, not both")
    if urls:
        srcs: list[Source] = []
        for i, url in enumerate(urls):
            try:
                srcs.append(
                    source_for_url(url, i if any(s.id == source_for_url(url).id for s in srcs) else 0)
                )
            except ValueError as exc:
                _usage(str(exc))
    else:
        srcs = [s for s in _load(sources) if not only or s.id in only]
        unknown = sorted(set(only) - {s.id for s in srcs})
        if unknown:
            _usage(f"unknown source id(s) in {sources}: {', '.join(unknown)}")
        if not srcs:
            _usage(f"no sources to check in {sources}")
    try:
        settings = load_settings()
    except ValueError as exc:
        _usage(str(exc))
    # a check, not a crawl: one retry is enough to tell a flaky answer from a dead host
    settings = settings.model_copy(update={"max_attempts": min(settings.max_attempts, 2)})
    if simweb:  # the khabar.webs plug-in of that name (khabar.plugins)
        from khabar.plugins import PluginError, open_web

        try:
            web = open_web("simweb")
        except PluginError as exc:
            _usage(str(exc))
        with web as opened:
            checks = asyncio.run(
                check_urls(srcs, settings.model_copy(update={"rate_limit": 20.0}), opened.transport)
            )
    else:
        checks = asyncio.run(check_urls(srcs, settings))
    if as_json:
        typer.echo(json.dumps([c.as_dict() for c in checks], ensure_ascii=False, indent=2))
    else:
        typer.echo(render_checks(checks))
    for c in checks:
        if c.verdict != "ok":
            typer.echo(f"khabar: sources check: {c.target}: {c.verdict}: {c.reason}", err=True)
    raise typer.Exit(exit_code(checks))


def _usage(message: str) -> NoReturn:
    typer.echo(f"khabar: error: {message}", err=True)
    raise typer.Exit(2)


def render_checks(checks: list) -> str:
    """A block per target: verdict, robots.txt rules, a table of surfaces, the sample article."""
    from urllib.parse import unquote

    from khabar.warehouse.query import format_rows

    blocks = []
    for c in checks:
        head = f"{c.target}" + (f"  [{c.source_id}]" if c.source_id else "") + f"  — {c.verdict.upper()}"
        lines = [head + (f": {c.reason}" if c.reason else "")]
        r = c.robots
        if r is not None:
            if r.found:
                rules = [f"page {'allowed' if r.page_allowed else 'DISALLOWED'} for {r.agent}"]
                rules.append(
                    f"crawl-delay {r.crawl_delay:g}s" if r.crawl_delay is not None else "no crawl-delay"
                )
                if r.request_rate:
                    rules.append(f"request-rate {r.request_rate}")
                rules.append(f"{len(r.sitemaps)} sitemap(s) declared")
                lines.append(f"  robots.txt {r.status}: " + "; ".join(rules))
            else:
                why = r.error or (f"HTTP {r.status}" if r.status else "not fetched")
                lines.append(
                    f"  robots.txt: none read ({why}); "
                    + ("everything allowed" if r.page_allowed else "the crawler stays away")
                )
        if c.surfaces:
            rows = [(s.kind, s.status or "", s.links, s.error or "", s.note, s.url) for s in c.surfaces]
            table = format_rows(["surface", "status", "links", "error", "note", "url"], rows, "table")
            lines += ["  " + line for line in table.splitlines()]
        s = c.sample
        if s is not None:
            if s.error:
                lines.append(f"  sample ({s.via}) {unquote(s.url)}: {s.error}")
            else:
                kind = "article" if s.is_article else "NOT an article"
                when = s.published_jalali or s.published_at or "no date"
                lines.append(
                    f"  sample ({s.via}) {unquote(s.url)}: {kind}; title «{s.title or ''}»; {when}; "
                    f"body {s.body_chars} chars"
                )
                if s.errors:
                    lines.append("    extractor: " + "; ".join(s.errors[:4]))
        lines.append(f"  {c.requests} request(s)")
        blocks.append("\n".join(lines))
    ok = sum(c.verdict == "ok" for c in checks)
    part = sum(c.verdict == "partial" for c in checks)
    blocks.append(f"{len(checks)} checked: {ok} ok, {part} partial, {len(checks) - ok - part} unreachable")
    return "\n\n".join(blocks)
