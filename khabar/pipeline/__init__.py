"""The one pipeline: page sources feeding one run loop of bounded, atomic batches.

Layout (each module imports only those above it in this list):

- ``workers``: extraction in worker processes (another core than fetching and loading);
- ``registry``: the sources file as a run uses it (the warehouse's ``sources`` table, and a ``Registry`` value
  each batch is given: the sources' URLs and print/amp shapes);
- ``batch``: one batch, archive → extract → cluster → load, in one transaction (``process_batch``);
- ``run``: the run loop (``run_source``: run bookkeeping in ``runs``, stats, progress, stop handling) and the
  ``PageSource`` / ``BatchLoader`` protocols;
- page sources: ``crawl_source`` (the daily ingest and backfills), ``import_source`` (WARC and HTML files),
  ``reprocess_source`` (the raw archive).

Flows, the CLI, the demo and benchmarks call what is exported here; none of it needs Prefect.
"""

from __future__ import annotations

from khabar.pipeline.batch import (
    BatchStats,
    build_rows,
    clusterer_for,
    page_row,
    prefer_source_scheme,
    process_batch,
)
from khabar.pipeline.crawl_source import CrawlOptions, IngestError, load_crawl_batch, run_backfill, run_ingest
from khabar.pipeline.import_source import ImportProblem, import_files, iter_import, iter_warc, sniff
from khabar.pipeline.registry import (
    Registry,
    RegistryError,
    default_sources_path,
    load_registry,
    source_for,
    use_registry,
)
from khabar.pipeline.reprocess_source import reprocess
from khabar.pipeline.run import (
    BatchLoader,
    Pages,
    PageSource,
    Progress,
    RunSummary,
    new_run_id,
    recorded_run,
    run_batches,
    run_source,
)

__all__ = [
    "BatchLoader",
    "BatchStats",
    "CrawlOptions",
    "ImportProblem",
    "IngestError",
    "PageSource",
    "Pages",
    "Progress",
    "Registry",
    "RegistryError",
    "RunSummary",
    "build_rows",
    "clusterer_for",
    "default_sources_path",
    "import_files",
    "iter_import",
    "iter_warc",
    "load_crawl_batch",
    "load_registry",
    "new_run_id",
    "page_row",
    "prefer_source_scheme",
    "process_batch",
    "recorded_run",
    "reprocess",
    "run_backfill",
    "run_batches",
    "run_ingest",
    "run_source",
    "sniff",
    "source_for",
    "use_registry",
]
