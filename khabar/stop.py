"""Stopping a run on request (Ctrl-C, SIGTERM from systemd, a container runtime or Prefect's cancellation).

Why a separate object rather than KeyboardInterrupt: an exception raised at a random point of the event loop closes
the HTTP client under requests still running (they then fail with «client has been closed») and the run reads as a
crash. Instead, the first signal only *asks*: the crawler stops discovering and fetching at the top of its loops,
the requests in flight end, the batches already fetched are loaded (each one commits whole), and the run is recorded
as `interrupted`. A second signal stops at once: the query in flight is interrupted (its transaction rolls back),
the extraction workers are killed, and `Interrupted` unwinds the run, which is still recorded as `interrupted`.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """A second stop signal: unwind now. A KeyboardInterrupt so that asyncio re-raises it out of the loop at once
    (an ordinary BaseException would be stored in whichever task was running)."""


class Stop:
    """A stop request shared by the CLI, the run loop and the crawler (an Event: readable from any thread)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signum: int | None = None
        self.hard = False
        self.graceful = False  # a run is listening: a first signal asks, it does not interrupt
        self.run: Any = None  # the run being stopped (set by jobs.recorded_run): for its counts
        self.done = False  # a stopped run has been recorded: later signals are ignored
        self.unwinds_itself = False  # an event loop runs the job: a hard stop cancels it (callback), no raise
        self._on_hard: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    @contextmanager
    def accepting(self) -> Iterator[Stop]:
        """While a run can stop at a batch boundary: a first signal sets the event instead of raising."""
        self.graceful = True
        try:
            yield self
        finally:
            self.graceful = False
            self.done = self.requested  # the stopped run is recorded: what is left is printing and exiting

    @contextmanager
    def unwinding_itself(self) -> Iterator[Stop]:
        """While an event loop runs the job: an exception raised by the signal handler inside a task would be
        stored in that task («Task exception was never retrieved») instead of unwinding the loop, so a hard stop
        only runs the callbacks, one of which cancels the loop's main task."""
        self.unwinds_itself = True
        try:
            yield self
        finally:
            self.unwinds_itself = False

    @property
    def requested(self) -> bool:
        return self.event.is_set()

    @property
    def exit_code(self) -> int:
        """The shell's convention: 128 + the signal number (130 for SIGINT, 143 for SIGTERM)."""
        return 128 + (self.signum or signal.SIGINT)

    @property
    def cause(self) -> str:
        name = signal.Signals(self.signum).name if self.signum else "stop requested"
        return f"{name}{' (twice: stopped at once)' if self.hard else ''}"

    def on_hard_stop(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Run `callback` (from the signal handler) when a second signal asks to stop at once; returns an
        unregister function. Callbacks must be safe from any thread: DuckDB's `interrupt()`, killing workers."""
        with self._lock:
            self._on_hard.append(callback)

        def remove() -> None:
            with self._lock:
                if callback in self._on_hard:
                    self._on_hard.remove(callback)

        return remove

    def request(self, signum: int = signal.SIGINT) -> bool:
        """Ask the run to stop; True the first time. A later request is a hard stop (callbacks run)."""
        if not self.event.is_set():
            self.signum = signum
            self.event.set()
            return True
        if not self.hard:
            self.hard = True
            with self._lock:
                callbacks = list(self._on_hard)
            for cb in callbacks:
                with suppress(Exception):  # a callback failing must not keep the others from running
                    cb()
        return False


@contextmanager
def stop_on_signals(stop: Stop, notice: Callable[[str], None] | None = None) -> Iterator[Stop]:
    """Install SIGINT/SIGTERM handlers feeding `stop` for the duration of the block (main thread only; elsewhere
    the block runs unchanged). Inside `stop.accepting()` the first signal prints `notice` and only sets the event;
    the next one, or any signal outside a run, raises `Interrupted` (once)."""
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    say = notice or (lambda text: print(text, file=sys.stderr, flush=True))

    raised = False

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal raised
        if stop.done:
            return
        if stop.graceful and stop.request(signum):
            again = "press Ctrl-C again" if signum == signal.SIGINT else "send it again"
            say(
                f"khabar: {signal.Signals(signum).name}: stopping after the batch in flight ({again} to stop"
                " at once)"
            )
            return
        stop.request(signum)  # records the signal, or runs the hard-stop callbacks
        if stop.unwinds_itself and stop.hard:
            return
        if not raised:  # once: a third signal must not interrupt the recording of the run
            raised = True
            raise Interrupted(signum)

    previous = {s: signal.signal(s, handler) for s in SIGNALS}
    try:
        yield stop
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


__all__ = ["Interrupted", "Stop", "stop_on_signals"]
