"""Extraction in worker processes: same rows as in process, order kept, a dying worker loses nothing."""

from __future__ import annotations

import multiprocessing
import os
from datetime import date
from pathlib import Path

import pytest

from khabar.pipeline import BatchStats, build_rows, workers
from khabar.records import RawPage
from khabar.simweb.config import SimWebConfig
from khabar.simweb.truth import iter_truth
from khabar.simweb.world import World

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pages() -> list[RawPage]:
    from datetime import UTC, datetime

    config = SimWebConfig()
    world = World(config)
    out = []
    for truth in iter_truth(config, date(2023, 8, 3), date(2023, 8, 6)):
        item = world.item_for_url(truth.url) if truth.page_kind == "article" else None
        if item is None:
            continue
        body, charset = world.render_article(item)
        out.append(
            RawPage(
                url=truth.url,
                final_url=truth.url,
                source_id="s",
                status=200,
                headers={},
                body=body,
                fetched_at=datetime(2023, 8, 6, tzinfo=UTC),
                encoding=charset,
            )
        )
        if len(out) == 40:
            break
    out.append(
        RawPage(
            url="http://x.test/gone",
            final_url="http://x.test/gone",
            source_id="s",
            status=404,
            headers={},
            body=b"",
            fetched_at=datetime(2023, 8, 6, tzinfo=UTC),
        )
    )
    return out


def test_rows_from_workers_equal_rows_in_process(pages, monkeypatch):
    monkeypatch.setenv("KHABAR_EXTRACT_WORKERS", "0")
    here_stats, there_stats = BatchStats(), BatchStats()
    here = build_rows(pages, here_stats)
    monkeypatch.setenv("KHABAR_EXTRACT_WORKERS", "1")
    try:
        there = build_rows(pages, there_stats)
        assert workers._pool is not None  # the batch did go to a worker
    finally:
        workers.shutdown()
    assert len(here) == 40 and here == there
    assert (here_stats.pages, here_stats.skipped, here_stats.articles) == (41, 1, there_stats.articles)
    assert there_stats.skipped == 1


def _die_in_worker(x: int) -> int:
    if multiprocessing.parent_process() is not None:
        os._exit(3)  # a worker killed mid-batch (OOM killer, signal)
    return x * 2


def test_a_dying_worker_loses_nothing(monkeypatch):
    monkeypatch.setenv("KHABAR_EXTRACT_WORKERS", "1")
    items = list(range(workers.MIN_ITEMS + 5))
    try:
        assert workers.map_items(_die_in_worker, items) == [x * 2 for x in items]
    finally:
        workers.shutdown()


@pytest.mark.parametrize(
    ("value", "expected"), [("0", 0), ("3", 3), ("auto", min(4, (os.cpu_count() or 1) - 1))]
)
def test_worker_count_setting(monkeypatch, value, expected):
    monkeypatch.setenv("KHABAR_EXTRACT_WORKERS", value)
    assert workers.worker_count() == expected


def test_worker_count_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("KHABAR_EXTRACT_WORKERS", "many")
    with pytest.raises(ValueError, match="KHABAR_EXTRACT_WORKERS='many'"):
        workers.worker_count()


def test_workers_exit_when_their_parent_is_killed(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    code = (
        "import os, time\n"
        "os.environ['KHABAR_EXTRACT_WORKERS'] = '1'\n"
        "from khabar.pipeline import workers\n"
        "workers.map_items(abs, list(range(64)))\n"
        "print(*[p.pid for p in workers._pool._processes.values()], flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert pids
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.2)
    assert not any(_alive(p) for p in pids), "an orphaned worker outlived its killed parent"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_script_without_main_guard_is_not_run_again_by_the_workers(tmp_path):
    import subprocess
    import sys

    marker = tmp_path / "runs.txt"
    script = tmp_path / "user_script.py"
    script.write_text(
        "import os\n"
        "os.environ['KHABAR_EXTRACT_WORKERS'] = '1'\n"
        f"with open({str(marker)!r}, 'a') as fh:\n"
        "    fh.write('run\\n')\n"
        "from khabar.pipeline import workers\n"
        "assert workers.map_items(abs, list(range(-40, 40))) == [abs(x) for x in range(-40, 40)]\n"
        "assert workers._pool is not None\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=str(tmp_path),
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert marker.read_text().count("run") == 1


def _slow_pid(x: int) -> int:
    import time

    time.sleep(0.05)
    return os.getpid()


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_workers_ignore_stop_signals(monkeypatch, sig):
    """Ctrl-C reaches the whole process group, and systemd or Prefect's runner signal all of it: a worker must
    neither die of it (a traceback, and a broken pool under the batch in flight) nor leave the parent to decide."""
    import signal

    monkeypatch.setenv("KHABAR_EXTRACT_WORKERS", "1")
    try:
        pids = set(workers.map_items(_slow_pid, list(range(40))))
        assert len(pids) == 1 and os.getpid() not in pids
        (pid,) = pids
        os.kill(pid, getattr(signal, sig))
        assert set(workers.map_items(_slow_pid, list(range(40)))) == {pid}  # the same worker, still serving
    finally:
        workers.shutdown()


def test_abort_kills_the_workers_and_drops_the_batch(monkeypatch):
    """A hard stop: the batch in the workers fails with ExtractionAborted (not re-extracted in process), and the
    next batch gets a fresh pool."""
    import threading

    monkeypatch.setenv("KHABAR_EXTRACT_WORKERS", "1")
    try:
        workers.map_items(_slow_pid, list(range(40)))  # the pool is up
        timer = threading.Timer(0.5, workers.abort)
        timer.start()
        with pytest.raises(workers.ExtractionAborted):
            workers.map_items(_slow_pid, list(range(400)))  # 20 s of work in the worker
        timer.join()
        assert len(set(workers.map_items(_slow_pid, list(range(40))))) == 1
    finally:
        workers.shutdown()
