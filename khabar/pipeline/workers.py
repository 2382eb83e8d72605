"""Extraction in worker processes, so that it runs on another core than fetching, clustering and loading.

Why: extraction is pure CPU in Python (~4-9 ms a page); in the crawler's process it holds the GIL that the event loop
needs for fetching, so one core did everything. With workers the crawler's process keeps fetching and loading while
the pages of a batch are extracted elsewhere (B2 in bench/ measures the difference).

`KHABAR_EXTRACT_WORKERS`: `auto` (default: one fewer than the CPUs, at most 4; none on one CPU), `0` to extract in
process, or a number. Small batches (re-extraction of a few pages, tests) stay in process: a worker costs a few
seconds of imports once. Workers are spawned (never forked: the parent has DuckDB and event-loop threads) and reused
for the life of the process; a broken pool falls back to extracting in process, so a batch is never lost to it.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from importlib.machinery import ModuleSpec
from multiprocessing import get_context
from typing import TypeVar

from khabar.settings import load as load_settings

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 32  # fewer items than this are not worth the hand-off
CHUNK = 8  # items per hand-off: amortises pickling and queue round trips

log = logging.getLogger("khabar")
_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_aborted = threading.Event()


class ExtractionAborted(Exception):
    """The pool was killed by `abort()` (a hard stop): the batch is dropped, not extracted in process."""


def worker_count() -> int:
    raw = load_settings().extract_workers.strip().lower()
    if raw == "auto":
        return min(4, (os.cpu_count() or 1) - 1)
    try:
        n = int(raw)
    except ValueError:
        raise ValueError(f"KHABAR_EXTRACT_WORKERS={raw!r}: expected auto or a number of processes") from None
    return max(0, n)


def _watch_parent(parent: int) -> None:
    """Worker initializer: exit when the parent dies. A SIGKILLed crawler cannot shut its pool down, and an idle
    worker blocked on its queue would otherwise live on as an orphan (observed).

    Stop signals are ignored here: Ctrl-C reaches the whole foreground process group (and systemd or Prefect's
    runner signal the whole group), and a worker dying of it prints a traceback and breaks the pool under the batch
    in flight. The parent decides: it shuts the pool down on a graceful stop and kills it on a hard one."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _get_pool(n: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    if _pool is None or _pool_size != n:
        shutdown()
        _pool = ProcessPoolExecutor(
            max_workers=n, mp_context=get_context("spawn"), initializer=_watch_parent, initargs=(os.getpid(),)
        )
        _pool_size = n
    return _pool


def shutdown() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


def abort() -> None:
    """Kill the workers now (a hard stop; safe from a signal handler or another thread): the batch they were
    extracting fails with ExtractionAborted, and nothing of it was written. Later batches extract again."""
    pool = _pool
    if pool is None:
        return
    _aborted.set()
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        with suppress(OSError, AttributeError):
            proc.kill()


atexit.register(shutdown)


@contextmanager
def _main_not_rerun() -> Iterator[None]:
    """While workers start: a spawned process re-imports the parent's main *script* (not a `-m` module), so a user's
    script that calls khabar at top level, without `if __name__ == "__main__":`, would run again in every worker
    (observed: a whole second backfill per worker). Workers only need khabar's own modules, so for that moment the
    script is presented as `__main__` by name, which spawn skips, as it does for `python -m`."""
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None or not getattr(main, "__file__", None):
        yield
        return
    main.__spec__ = ModuleSpec("__main__", None)
    try:
        yield
    finally:
        main.__spec__ = None


def _apply(fn: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    return [fn(x) for x in chunk]


def map_items(fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`[fn(x) for x in items]`, in worker processes when there are enough items; `fn` must be a module-level
    function (it is pickled by name). Order is kept."""
    n = worker_count()
    if n < 1 or len(items) < MIN_ITEMS or multiprocessing.parent_process() is not None:
        return [fn(x) for x in items]  # (never a pool from inside a worker)
    chunks = [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
    try:
        with _main_not_rerun():
            parts = list(_get_pool(n).map(_apply, [fn] * len(chunks), chunks))
    except (
        BrokenProcessPool
    ) as exc:  # a worker died (OOM killer, signal): this batch is extracted here instead
        shutdown()
        if _aborted.is_set():
            _aborted.clear()
            raise ExtractionAborted("extraction stopped") from None
        log.warning("extraction workers failed (%s): extracting in process", exc)
        return [fn(x) for x in items]
    return [r for part in parts for r in part]


__all__ = ["ExtractionAborted", "abort", "map_items", "shutdown", "worker_count"]
