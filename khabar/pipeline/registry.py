"""The source registry as the pipeline uses it: loaded at the start of every run and handed to each batch.

Every run (ingest, backfill, import, reprocess) starts by writing the sources file's entries into the warehouse's
`sources` table (the canonical-copy rule reads it) and by building a `Registry`: each source's configured URL and
documented print/amp shapes, which the batch loader needs to name a page's release. The `Registry` is an explicit
value passed to every batch, not a process global, so two runs in one process cannot see each other's sources.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from khabar.urls import Variant
from khabar.warehouse.sources import SourceRow, upsert_sources

if TYPE_CHECKING:
    from khabar.crawl.sources import Source


@dataclass(frozen=True)
class Registry:
    """What a batch needs to know of the run's sources (empty: no registry, e.g. an import of loose files)."""

    urls: dict[str, str] = field(default_factory=dict)  # source id → its configured home URL (its scheme)
    variants: dict[str, tuple[Variant, ...]] = field(default_factory=dict)  # source id → print/amp shapes

    @classmethod
    def of(cls, sources: Sequence[Source]) -> Registry:
        return cls(
            urls={s.id: s.url for s in sources},
            variants={s.id: s.parsed_variants for s in sources if s.parsed_variants},
        )

    def variants_of(self, source_id: str | None) -> tuple[Variant, ...]:
        return self.variants.get(source_id or "", ())

    def url_of(self, source_id: str | None) -> str | None:
        return self.urls.get(source_id or "")


class RegistryError(Exception):
    """The sources file given cannot be read or is invalid: the run does not start (one clear message)."""


def default_sources_path() -> Path:
    """The registry a run reads when none is named: the settings' (`KHABAR_SOURCES`, the settings file, else
    config/sources.yaml, else the packaged copy; see khabar.settings)."""
    from khabar.settings import load

    return load().sources_path


def load_registry(path: str | Path | None) -> list[Source]:
    """The sources file's entries. `path` None: the default file (`default_sources_path`) when there is one, else
    none at all — an import or reprocess without a registry still runs, and its canonical copies follow the
    documented fallback (a source with no row in `sources` is a news agency when its attribution starts with
    «خبرگزاری»)."""
    from khabar.crawl.sources import SourcesError, load_sources

    if path is None:
        path = default_sources_path()
        if not path.is_file():
            return []
    try:
        return load_sources(Path(path))
    except (SourcesError, OSError) as exc:
        raise RegistryError(str(exc)) from exc


def source_for(sources: Sequence[Source]) -> Callable[[str], str | None]:
    """The registry source an imported page belongs to (the one whose domains allow its URL; of several, the one
    whose entry URL is the longest prefix of it), or None: an imported page of a registered site is chosen
    between like a crawled one."""
    ranked = sorted(sources, key=lambda s: len(s.url), reverse=True)

    def owner(url: str) -> str | None:
        allowed = [s for s in ranked if s.allows(url)]
        best = next((s for s in allowed if url.startswith(s.url)), allowed[0] if allowed else None)
        return best.id if best is not None else None

    return owner


def use_registry(con: duckdb.DuckDBPyConnection, sources: Sequence[Source]) -> Registry:
    """The start of every run: the sources file's entries into the warehouse's `sources` table, which the
    canonical-copy rule reads (the agency's own page before a news agency's copy); returns what the run's
    batches need of them."""
    upsert_sources(con, [SourceRow(s.id, s.kind, s.agency, s.province, s.url) for s in sources])
    return Registry.of(sources)


__all__ = ["Registry", "RegistryError", "default_sources_path", "load_registry", "source_for", "use_registry"]
