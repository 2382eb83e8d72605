"""The report step of the crawl flows (issue 20): after a run, write the HTML report next to the database and
publish a markdown summary artifact and a link artifact to the file.

A report that cannot be written is logged and left out: the run's data is already committed, and a broken report
must not turn a good ingest into a failed (and retried) one."""

from __future__ import annotations

from pathlib import Path

from prefect import get_run_logger
from prefect.artifacts import create_link_artifact, create_markdown_artifact

from khabar.report import make_filter, write_report
from khabar.warehouse.db import default_db_path


def report_path(db: str | None, name: str) -> Path:
    """`<database folder>/reports/<name>.html`: one file per flow (or backfill range), replaced by each run."""
    return Path(db or default_db_path()).resolve().parent / "reports" / f"{name}.html"


def publish_report(
    db: str | None, key: str, title: str, start: str | None = None, end: str | None = None
) -> Path | None:
    """Write the report (the [start, end) range when given, else everything) and publish both artifacts."""
    logger = get_run_logger()
    name = key if start is None else f"{key}-{start}-{end}"
    try:
        result = write_report(db, report_path(db, name), make_filter(start, end))
    except Exception as exc:  # any failure: logged, the run stands (see the module docstring)
        logger.exception("report not written: %s: %s", type(exc).__name__, exc)
        return None
    create_markdown_artifact(key=f"{key}-report-summary", markdown=result.markdown(), description=title)
    create_link_artifact(
        key=f"{key}-report",
        link=result.path.as_uri(),
        link_text=f"{title}: {result.path.name}",
        description=f"{title} — offline HTML report",
    )
    logger.info("report: %s (%.2f MB, %.1f s)", result.path, result.bytes / 1e6, result.seconds)
    return result.path
