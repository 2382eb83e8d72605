"""Run-summary artifacts: what a run did, readable in the Prefect UI next to its logs."""

from __future__ import annotations

from collections.abc import Mapping

from prefect.artifacts import create_markdown_artifact

_ROWS = (
    ("status", "Status"),
    ("pages", "Pages processed"),
    ("articles", "Articles"),
    ("non_articles", "Non-article pages"),
    ("skipped", "Non-200 responses (archived only)"),
    ("releases_written", "Release rows written"),
    ("extraction_errors", "Records with extraction errors"),
)


def summary_markdown(title: str, summary: Mapping[str, object]) -> str:
    lines = [f"# {title}", "", f"Run `{summary.get('run_id')}`", "", "| | |", "|---|---|"]
    lines += [f"| {label} | {summary.get(key, '')} |" for key, label in _ROWS]
    crawl = summary.get("crawl")
    if isinstance(crawl, dict):
        lines += [f"| crawl: {k} | {v} |" for k, v in crawl.items() if not isinstance(v, dict | list)]
        if crawl.get("blocked_sources"):  # every page a challenge (CDN/WAF browser check): nothing read
            lines.append(f"| **blocked sources** | {', '.join(crawl['blocked_sources'])} |")
    samples = summary.get("error_samples")
    if isinstance(samples, list) and samples:
        lines += ["", "## Extraction errors (sample)", ""] + [f"- {s}" for s in samples[:10]]
    return "\n".join(lines)


def publish_summary(key: str, title: str, summary: Mapping[str, object]) -> None:
    create_markdown_artifact(key=key, markdown=summary_markdown(title, summary), description=title)
