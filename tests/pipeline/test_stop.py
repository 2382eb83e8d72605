"""khabar.stop and the run loop: a first signal asks (the run ends at a batch boundary, `interrupted`), a second
stops at once (the batch in flight rolls back whole), and the run row says which, with its counts."""

from __future__ import annotations

import os
import signal
from datetime import UTC, datetime

import pytest

from khabar.pipeline import process_batch, run_batches
from khabar.records import RawPage
from khabar.stop import Interrupted, Stop, stop_on_signals
from khabar.warehouse.db import open_db, transaction
from khabar.warehouse.raw import write_pages


def _pages(n: int) -> list[RawPage]:
    when = datetime(2024, 3, 16, tzinfo=UTC)
    return [
        RawPage(
            url=f"https://example.test/{i}",
            final_url=f"https://example.test/{i}",
            source_id="s",
            status=404,
            headers={},
            body=f"gone {i}".encode(),
            fetched_at=when,
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_first_signal_ends_the_run_at_a_batch_boundary(tmp_path, sig):
    con = open_db(tmp_path / "k.duckdb")
    stop = Stop()

    def load(c, batch, registry):
        stats = process_batch(c, batch, registry)
        stop.request(sig)  # as the signal handler does, while the first batch is loading
        return stats

    summary = run_batches(con, "import", _pages(10), {}, batch_size=4, loader=load, stop=stop)
    assert (summary.status, summary.stats.batches, summary.stats.pages) == ("interrupted", 1, 4)
    assert summary.exit_code == 128 + sig
    assert summary.interrupted_line() == (
        "interrupted: 1 batch committed, 4 pages; run the same command again to continue"
    )
    assert con.execute("SELECT count(*) FROM pages").fetchone() == (4,)
    status, cause = con.execute("SELECT status, json_extract_string(stats, '$.cause') FROM runs").fetchone()
    assert status == "interrupted" and cause == f"{sig.name} after 1 batch, 4 pages"


def test_a_second_signal_rolls_the_batch_in_flight_back_and_still_records_the_run(tmp_path):
    con = open_db(tmp_path / "k.duckdb")
    stop = Stop()
    interrupted: list[bool] = []
    stop.on_hard_stop(lambda: interrupted.append(True))
    calls = []

    def load(c, batch, registry):
        calls.append(len(batch))
        if len(calls) == 1:
            return process_batch(c, batch, registry)
        with transaction(c):
            write_pages(c, batch)  # half a batch written when the second signal lands
            stop.request(signal.SIGINT)
            stop.request(signal.SIGINT)
            raise Interrupted(signal.SIGINT)

    with pytest.raises(Interrupted):
        run_batches(con, "import", _pages(10), {}, batch_size=4, loader=load, stop=stop)
    assert interrupted == [True] and stop.hard
    assert con.execute("SELECT count(*) FROM pages").fetchone() == (
        4,
    )  # the first batch, whole; none of the 2nd
    status, cause = con.execute("SELECT status, json_extract_string(stats, '$.cause') FROM runs").fetchone()
    assert status == "interrupted" and cause.startswith("SIGINT (twice: stopped at once) after 1 batch")


def test_signal_handlers_ask_inside_a_run_and_interrupt_outside(capsys):
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    stop = Stop()
    notices: list[str] = []
    with stop_on_signals(stop, notice=notices.append):
        with stop.accepting():
            os.kill(os.getpid(), signal.SIGTERM)
            assert stop.requested and stop.signum == signal.SIGTERM and not stop.hard
            assert notices and "SIGTERM" in notices[0]
            with pytest.raises(Interrupted):
                os.kill(os.getpid(), signal.SIGINT)
            assert stop.hard and stop.exit_code == 143  # the first signal names the stop
        other = Stop()
    with stop_on_signals(other), pytest.raises(Interrupted):
        os.kill(os.getpid(), signal.SIGINT)  # no run listening: a signal interrupts at once
    assert other.exit_code == 130
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before  # restored
