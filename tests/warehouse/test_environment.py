"""Environment faults (issue 8): a locked database, a read-only data directory, a full disk. Each gives one clear
error, corrupts nothing, and the next run recovers."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import textwrap
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from khabar.cli import app
from khabar.warehouse.db import WarehouseError, open_db
from khabar.warehouse.releases import ReleaseRow, write_releases

NOW = datetime(2024, 3, 19, tzinfo=UTC)


def _rows(start: int, n: int, body_chars: int = 200) -> list[ReleaseRow]:
    text = "گزارش بهزیستی استان کرمان " * (body_chars // 26 + 1)
    return [
        ReleaseRow(
            {"url": f"https://a.test/{i}", "is_article": True, "title": f"خبر {i}", "body": f"{i} {text}"},
            f"https://a.test/{i}",
            "s",
            None,
            NOW,
            "t",
            search_text=text,
        )
        for i in range(start, start + n)
    ]


@pytest.fixture()
def tmpfs(tmp_path):
    """Mount a small tmpfs (needs root); yields (mountpoint, remount(options))."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()

    def mount(opts: str, remount: bool = False) -> None:
        args = ["mount", "-t", "tmpfs", "-o", ("remount," if remount else "") + opts, "tmpfs", str(mnt)]
        if subprocess.run(args, capture_output=True, check=False).returncode != 0:
            pytest.skip("cannot mount a tmpfs here (needs root)")

    yield mnt, mount
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True, check=False)


def test_locked_database_gives_one_clear_error(tmp_path):
    path = tmp_path / "k.duckdb"
    open_db(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(path)!r})
            print("ready", flush=True)
            sys.stdin.read()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(WarehouseError, match="in use by another khabar process"):
            open_db(path)
        result = CliRunner().invoke(app, ["sql", "--db", str(path), "SELECT 1"])
        assert result.exit_code == 1
        assert result.output.count("\n") == 1 and "in use by another khabar process" in result.output
    finally:
        holder.communicate("", timeout=30)
    con = open_db(path)  # the next run recovers
    assert con.execute("SELECT count(*) FROM releases").fetchone() == (0,)


def test_read_only_data_directory(tmpfs):
    mnt, mount = tmpfs
    mount("size=4m")
    open_db(mnt / "k.duckdb").close()
    mount("ro", remount=True)
    with pytest.raises(WarehouseError, match=r"read-only|Read-only|cannot"):
        open_db(mnt / "k.duckdb")
    with pytest.raises(WarehouseError):
        open_db(mnt / "sub" / "new.duckdb")
    result = CliRunner().invoke(app, ["reprocess", "--db", str(mnt / "k.duckdb")])
    assert result.exit_code == 1 and result.output.startswith("khabar: error:")
    mount("rw", remount=True)
    assert open_db(mnt / "k.duckdb").execute("SELECT count(*) FROM releases").fetchone() == (0,)


def test_disk_full_keeps_committed_batches_and_recovers(tmpfs):
    mnt, mount = tmpfs
    mount("size=3m")
    path = mnt / "k.duckdb"
    con = open_db(path)
    committed = 0
    with pytest.raises(Exception, match=r"(?i)space|disk|write|I/O"):
        for b in range(200):
            write_releases(con, _rows(b * 50, 50, body_chars=4000))
            con.execute("CHECKPOINT")
            committed += 50
    with contextlib.suppress(Exception):
        con.close()
    mount("size=64m", remount=True)
    con = open_db(path)
    n = con.execute("SELECT count(*) FROM releases").fetchone()[0]
    assert committed <= n <= committed + 50  # whole batches only: the failed one is all or nothing
    assert n % 50 == 0
    write_releases(con, _rows(100_000, 50))  # the next run recovers
    assert con.execute("SELECT count(*) FROM releases").fetchone()[0] == n + 50
