"""Crawling on several machines with Prefect's own machinery (issue 21).

- `khabar_shard` (flow `khabar-shard`, deployment `khabar-shard` on the `process` work pool `khabar`, prefect.yaml):
  one shard of the registry (`khabar.pipeline.shards`: by registrable domain, so each host is crawled by exactly one
  shard and politeness stays local) through the ordinary pipeline — `run_ingest` / `run_backfill` with only the
  shard's sources, one Prefect task per batch with retries (`load_crawl_batch_task`), Prefect's logger and a
  run-summary artifact.
- `fan_out`: what `daily_ingest` / `backfill` do when given `shards > 1`: one `run_deployment` of `khabar-shard`
  per shard, all started at once, waited for, their summaries (artifacts) added up into one.
- Writers are capped by Prefect's global concurrency limit `khabar-writers`. The embedded single-file DuckDB has
  one writer per file, so there a shard holds a slot from opening the warehouse to closing it, with the limit at 1
  (created so when missing): the shards queue for the file while Prefect shows them waiting.

Every flow here is callable as plain Python (with Prefect's temporary local server, as the tests do).
"""

# No `from __future__ import annotations`: see flows/ingest.py (served flows are sent by value).

import json
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any, cast
from uuid import UUID

from khabar.flows.artifacts import publish_summary
from khabar.flows.ingest import crawl_run
from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey
from prefect.client.schemas.objects import FlowRun
from prefect.concurrency.sync import concurrency
from prefect.context import FlowRunContext
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
from prefect.states import Failed, State

from khabar.pipeline import run_backfill, run_ingest
from khabar.pipeline.registry import load_registry
from khabar.pipeline.shards import shard_sources

SHARD_FLOW = "khabar-shard"
SHARD_DEPLOYMENT = f"{SHARD_FLOW}/khabar-shard"
WRITERS = "khabar-writers"  # Prefect global concurrency limit: how many shards write at once
RESULT_KEY = "khabar-shard-result"  # the table artifact a shard leaves for the fan-out to read
JOBS = ("daily", "backfill")
COUNTERS = (
    "pages",
    "articles",
    "non_articles",
    "skipped",
    "releases_written",
    "extraction_errors",
    "batches",
)
# worst first: the fan-out's status is the worst of its shards'
STATUSES = ("crashed", "failed", "interrupted", "completed_with_errors", "completed", "empty")


def writers_limit() -> int:
    """Writers allowed at once: 1 for the embedded single-file warehouse (DuckDB: one writer per file).
    `KHABAR_WRITERS` sets it for a warehouse that takes several (the DuckLake catalog)."""
    return max(1, int(os.environ.get("KHABAR_WRITERS") or 1))


def lease_seconds() -> float:
    """How long a writer slot outlives a holder that died without releasing it (SIGKILL, power loss): Prefect
    renews the lease while the holder lives and reclaims it this long after the last renewal (its API takes 60 s
    at least)."""
    return max(60.0, float(os.environ.get("KHABAR_WRITER_LEASE_SECONDS") or 300))


def ensure_writers_limit(limit: int | None = None) -> None:
    """Create the `khabar-writers` limit when it is missing (several shards may race: the loser's create is a
    conflict, which is fine). Without it Prefect's `concurrency` would not limit at all."""
    with get_client(sync_client=True) as client:
        with suppress(ObjectNotFound):
            client.read_global_concurrency_limit_by_name(WRITERS)
            return
        with suppress(ObjectAlreadyExists):
            client.create_global_concurrency_limit(
                GlobalConcurrencyLimitCreate(name=WRITERS, limit=limit or writers_limit())
            )


@contextmanager
def writer_slot(label: str) -> Iterator[None]:
    """Hold one `khabar-writers` slot (waiting for it as long as it takes) for the duration of the block."""
    logger = get_run_logger()
    ensure_writers_limit()
    t0 = time.monotonic()
    with concurrency(WRITERS, occupy=1, lease_duration=lease_seconds(), strict=True):
        waited = time.monotonic() - t0
        if waited > 1:
            logger.info("%s: waited %.0f s for a %s slot", label, waited, WRITERS)
        yield


def _empty(index: int, count: int) -> dict[str, object]:
    return {
        "run_id": None,
        "status": "empty",
        "shard": index,
        "shards": count,
        "sources": [],
    } | dict.fromkeys(COUNTERS, 0)


def _result_row(summary: Mapping[str, object]) -> dict[str, object]:
    """The scalar part of a summary (what adds up across shards), plus the sources, the failures and the cause."""
    crawl = summary.get("crawl")
    failed = crawl.get("failed_sources", {}) if isinstance(crawl, dict) else {}
    row = {k: summary.get(k) for k in ("run_id", "status", "shard", "shards", "cause")}
    row |= {k: summary.get(k, 0) for k in COUNTERS}
    row["sources"] = ",".join(str(s) for s in summary.get("sources") or [])  # type: ignore[attr-defined]
    row["failed_sources"] = json.dumps(failed, ensure_ascii=False)
    return row


@flow(name=SHARD_FLOW, retries=1, retry_delay_seconds=60, log_prints=True)
def khabar_shard(
    index: int = 0,
    count: int = 1,
    job: str = "daily",
    start: str | None = None,
    end: str | None = None,
    sources_path: str | None = None,
    db: str | None = None,
    web: str | None = None,
    web_options: dict[str, str] | None = None,
    sources: list[str] | None = None,
) -> Mapping[str, object] | State:
    """Shard `index` of `count` of the registry: the daily ingest (`job="daily"`) or a backfill of [start, end)
    of its sources only. The whole registry still goes to the `sources` table (the canonical-copy rule needs
    every source), and a shard with no source does nothing. `sources` narrows the run to those of its
    sources listed (an unknown id is an error, as for `khabar ingest --source`). Cancelled, it stops at a batch boundary."""
    logger = get_run_logger()
    if job not in JOBS:
        raise ValueError(f"job must be one of {', '.join(JOBS)}, not {job!r}")
    if job == "backfill" and not (start and end):
        raise ValueError("a backfill shard needs start and end")
    registry = load_registry(sources_path)
    ids = shard_sources(registry, index, count)
    if sources:
        unknown = sorted(set(sources) - {s.id for s in registry})
        if unknown:
            raise ValueError(f"unknown source id(s) {', '.join(unknown)}")
        ids = [i for i in ids if i in set(sources)]
    label = f"shard {index + 1}/{count}"
    if not ids:
        logger.info("%s: no source falls in this shard", label)
        summary: Mapping[str, object] = _empty(index, count)
    else:
        logger.info("%s: %d sources: %s", label, len(ids), ", ".join(ids))
        with writer_slot(label):
            if job == "daily":
                run = crawl_run(run_ingest, db, sources_path, ids, web, web_options)
            else:
                lo, hi = str(start), str(end)
                run = crawl_run(
                    lambda con, options: run_backfill(con, lo, hi, options),
                    db,
                    sources_path,
                    ids,
                    web,
                    web_options,
                )
        if isinstance(run, State):
            return run
        summary = run.as_dict() | {"shard": index, "shards": count, "sources": ids}
        logger.info(
            "%s %s: %s pages, %s releases written",
            label,
            run.run_id,
            run.stats.pages,
            run.stats.releases_written,
        )
    publish_summary(f"khabar-shard-{index}-of-{count}", f"Shard {index + 1} of {count} ({job})", summary)
    create_table_artifact(key=RESULT_KEY, table=[_result_row(summary)], description=f"{label} result")
    if summary.get("status") == "interrupted":
        from khabar.flows.stops import outcome

        return outcome(summary, f"{label} interrupted")
    return summary


def _shard_result(client: Any, run: FlowRun, index: int, count: int) -> dict[str, object]:
    """A finished shard's result: its table artifact, or what its final state says when it left none."""
    arts = client.read_artifacts(
        artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[run.id]), key=ArtifactFilterKey(any_=[RESULT_KEY])
        )
    )
    state = run.state
    if arts:
        data = arts[-1].data
        rows = json.loads(data) if isinstance(data, str) else data
        if rows:
            return dict(rows[0]) | {"flow_run": str(run.id), "state": state.type.value if state else None}
    status = "interrupted" if state is not None and state.is_cancelled() else "failed"
    if state is not None and state.is_crashed():
        status = "crashed"
    return _empty(index, count) | {
        "status": status,
        "cause": state.message if state is not None else "no state",
        "flow_run": str(run.id),
        "state": state.type.value if state else None,
    }


def _wait(client: Any, ids: list[UUID], poll: float, timeout: float | None) -> list[FlowRun]:
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        runs = [client.read_flow_run(i) for i in ids]
        if all(r.state is not None and r.state.is_final() for r in runs):
            return runs
        if deadline is not None and time.monotonic() > deadline:
            late = [str(r.id) for r in runs if not (r.state and r.state.is_final())]
            raise TimeoutError(f"shard runs not finished after {timeout:.0f} s: {', '.join(late)}")
        time.sleep(poll)


def _count(value: object) -> int:
    """A counter as a shard reported it (JSON numbers from its artifact; nothing there counts as 0)."""
    return int(value) if isinstance(value, int | float) else 0


def aggregate(results: Sequence[Mapping[str, object]]) -> dict[str, object]:
    """The shards' results as one summary: counters added up, the worst status, each shard's line."""
    statuses = [str(r.get("status")) for r in results]
    worst = min(statuses, key=lambda s: STATUSES.index(s) if s in STATUSES else 0, default="empty")
    out: dict[str, object] = {"run_id": ",".join(str(r["run_id"]) for r in results if r.get("run_id"))}
    out["status"] = "completed" if worst == "empty" else worst
    for k in COUNTERS:
        out[k] = sum(_count(r.get(k)) for r in results)
    causes = [f"shard {r.get('shard')}: {r['cause']}" for r in results if r.get("cause")]
    if causes:
        out["cause"] = "; ".join(causes)
    out["shards"] = [dict(r) for r in results]
    return out


def fan_out(
    job: str,
    count: int,
    start: str | None = None,
    end: str | None = None,
    sources_path: str | None = None,
    db: str | None = None,
    web: str | None = None,
    web_options: dict[str, str] | None = None,
    sources: list[str] | None = None,
    deployment: str = SHARD_DEPLOYMENT,
    poll_seconds: float = 2.0,
    timeout_seconds: float | None = None,
) -> dict[str, object]:
    """One `khabar-shard` deployment run per shard, started together, waited for; the summed summary. Called
    from a flow the runs are its subflows; on a retry of that flow they are started afresh (the idempotency key
    carries the attempt). A shard that crashed, failed or was cancelled makes the whole `failed`, naming it."""
    logger = get_run_logger()
    ctx = FlowRunContext.get()
    parent = f"{ctx.flow_run.id}-{ctx.flow_run.run_count}" if ctx and ctx.flow_run else None
    started: list[FlowRun] = []
    for i in range(count):
        params: dict[str, Any] = {"index": i, "count": count, "job": job, "start": start, "end": end}
        params |= {"sources_path": sources_path, "db": db, "web": web, "web_options": web_options}
        params["sources"] = sources
        run = run_deployment(
            deployment,
            parameters=params,
            timeout=0,
            flow_run_name=f"{job}-shard-{i + 1}-of-{count}",
            tags=["khabar", f"shard-{i}"],
            idempotency_key=f"{parent}-{i}" if parent else None,
        )
        started.append(cast(FlowRun, run))  # called from sync code: the run, not a coroutine
    logger.info("started %d shard runs of %s: %s", count, deployment, ", ".join(str(r.id) for r in started))
    with get_client(sync_client=True) as client:
        runs = _wait(client, [r.id for r in started], poll_seconds, timeout_seconds)
        results = [_shard_result(client, r, i, count) for i, r in enumerate(runs)]
    summary = aggregate(results)
    for r in results:
        logger.info(
            "shard %s: %s, %s pages (%s)", r.get("shard"), r.get("status"), r.get("pages"), r.get("sources")
        )
    return summary


def fan_out_outcome(summary: dict[str, object], title: str, key: str) -> dict[str, object] | State:
    """Publish the summed summary; a shard that did not end well fails the fan-out with its cause."""
    publish_summary(key, title, summary)
    shards = summary.get("shards")
    rows = [s for s in shards if isinstance(s, dict)] if isinstance(shards, list) else []
    bad = [s for s in rows if s.get("status") in ("crashed", "failed", "interrupted")]
    if bad:
        shown = "; ".join(f"shard {s.get('shard')} {s.get('status')}: {s.get('cause') or ''}" for s in bad)
        return Failed(message=f"{len(bad)} of {len(rows)} shard(s) did not complete: {shown}")
    return summary


__all__ = [
    "SHARD_DEPLOYMENT",
    "WRITERS",
    "aggregate",
    "ensure_writers_limit",
    "fan_out",
    "khabar_shard",
    "writer_slot",
]
