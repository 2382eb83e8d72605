"""`watch_cycle`: the `khabar-watch` deployment, one watch cycle per scheduled run (every few minutes, Asia/Tehran).

The work is `khabar.pipeline.watch.run_cycle`, the same function `khabar watch` loops over: a run finds which
sources are due in the saved schedule, crawls only those, and saves their next checks, so runs every 5 minutes
check each source on its own learnt interval (a run with nothing due does nothing but read the schedule). Here
only Prefect concerns: the batch loader as a task, cancellation as a graceful stop, a summary artifact per cycle
(every cycle, one with nothing due included: the UI shows the watch is alive).
"""

# No `from __future__ import annotations`: served deployments pickle the flow by value (see flows/ingest.py).

from collections.abc import Mapping

from khabar.flows.artifacts import summary_markdown
from khabar.flows.stops import graceful_stop, outcome, stopped_at_once
from khabar.flows.tasks import load_crawl_batch_task
from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.states import State

from khabar.pipeline import CrawlOptions
from khabar.pipeline.watch import CycleResult, WatchOptions, run_cycle
from khabar.stop import Stop
from khabar.warehouse.db import open_db

WATCH_CRON = "*/5 * * * *"
ARTIFACT_KEY = "watch-cycle-summary"


def cycle_markdown(result: CycleResult, summary: Mapping[str, object] | None) -> str:
    """The cycle's artifact: what was due and how each source went (its next check, interval and why), then the
    run's own summary; a cycle with nothing due says so and when the next check is, so every cycle has one."""
    title = f"Watch cycle {result.now.isoformat(timespec='seconds')}"
    nxt = result.next_check.isoformat(timespec="seconds") if result.next_check else "none"
    if summary is None:
        return f"# {title}\n\nNothing due; no request made. Next check {nxt}."
    lines = [
        summary_markdown(title, summary),
        "",
        f"## Sources checked ({len(result.due)}); next check {nxt}",
        "",
        "| source | outcome | interval (min) | next check | reason |",
        "|---|---|---|---|---|",
    ]
    first: dict[str, object] = {}
    for p in sorted(result.plans, key=lambda p: (p.source_id, p.next_check)):
        if p.source_id in first:
            continue
        first[p.source_id] = p
        lines.append(
            f"| {p.source_id} | {result.outcomes.get(p.source_id, '')} | {p.interval.total_seconds() / 60:.1f}"
            f" | {p.next_check.isoformat(timespec='seconds')} | {p.reason} |"
        )
    for sid in result.due:
        if sid not in first:  # interrupted: nothing planned, still due
            lines.append(f"| {sid} | {result.outcomes.get(sid, 'interrupted')} | | | |")
    return "\n".join(lines)


@flow(name="watch-cycle", log_prints=True)
def watch_cycle(
    sources_path: str | None = None,
    sources: list[str] | None = None,
    db: str | None = None,
    web: str | None = None,
    web_options: dict[str, str] | None = None,
) -> Mapping[str, object] | State:
    """One watch cycle: crawl the sources due now (their adaptive schedule in the warehouse), save their next
    checks. Returns what was checked, each source's outcome and the earliest next check."""
    logger = get_run_logger()
    con = open_db(db)
    stop = Stop()
    crawl = CrawlOptions(
        sources_path=sources_path,
        only=sources,
        web=web,
        web_options=web_options,
        loader=load_crawl_batch_task,
        stop=stop,
    )
    try:
        with graceful_stop(stop):
            result = run_cycle(con, WatchOptions(crawl))
    except BaseException as exc:
        if (cancelled := stopped_at_once(stop, exc)) is None:
            raise
        return cancelled
    finally:
        con.close()
    cycle: dict[str, object] = {
        "now": result.now.isoformat(),
        "due": result.due,
        "outcomes": result.outcomes,
        "next_check": result.next_check.isoformat() if result.next_check else None,
    }
    logger.info(
        "watch cycle at %s: %s; next check %s",
        cycle["now"],
        result.outcomes or "nothing due",
        cycle["next_check"],
    )
    summary = None if result.summary is None else {**result.summary.as_dict(), **cycle}
    create_markdown_artifact(
        key=ARTIFACT_KEY, markdown=cycle_markdown(result, summary), description=f"Watch cycle {cycle['now']}"
    )
    if result.summary is None or summary is None:
        return cycle
    return outcome(summary, result.summary.interrupted_line())
