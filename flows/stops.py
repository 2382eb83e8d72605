"""Prefect cancellation as a graceful stop: the runner cancels a flow run by sending SIGTERM to its process group
(then SIGKILL after a grace period). Prefect's own handler would raise at a random point of the crawl, closing the
HTTP client under requests still running; here SIGTERM (and SIGINT) instead ask the run to stop at a batch boundary
(khabar.stop), the run is recorded `interrupted`, and the flow ends in Prefect's `Cancelled` state."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from prefect import get_run_logger
from prefect.states import Cancelled, State

from khabar.stop import Stop, stop_on_signals


@contextmanager
def graceful_stop(stop: Stop) -> Iterator[Stop]:
    """Stop signals feed `stop` for the duration of the job (in the flow's main thread; elsewhere Prefect's
    handling stays as it is). The first asks, the second stops at once; both end the run `interrupted`."""
    logger = get_run_logger()
    with stop_on_signals(stop, notice=logger.warning), stop.accepting():
        yield stop


def stopped_at_once(stop: Stop, exc: BaseException) -> State | None:
    """The flow's end after a hard stop (the run was recorded `interrupted` on the way out), else None: the
    exception is a real failure and goes on."""
    if stop.requested and (stop.hard or isinstance(exc, KeyboardInterrupt)):
        return Cancelled(message="stopped at once (second signal); the batch in flight was rolled back")
    return None


def outcome(summary: Mapping[str, object], line: str) -> Mapping[str, object] | State:
    """The flow's return: the summary, or a Cancelled state when the run was interrupted (Prefect then shows the
    run as cancelled, which is what happened, with the counts in its message)."""
    if summary.get("status") == "interrupted":
        return Cancelled(message=line)
    return summary
