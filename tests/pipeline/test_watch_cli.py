"""`khabar watch` on the built-in simulated web: one cycle crawls the source, prints what it did and when the
next check is due, and leaves the schedule in the warehouse; unknown source ids refuse to start (exit 2)."""

from __future__ import annotations

from datetime import datetime, timedelta

from typer.testing import CliRunner

from khabar.cli import app
from khabar.warehouse.db import open_db
from khabar.warehouse.watch_state import load_schedule

SOURCE = "kerman-behzisti"  # in the default registry, served by the simulated web


def test_one_cycle_crawls_prints_and_saves_the_schedule(tmp_path) -> None:
    db = tmp_path / "k.duckdb"
    out = CliRunner().invoke(app, ["watch", "--simweb", "--db", str(db), "-s", SOURCE, "--cycles", "1"])
    assert out.exit_code == 0, out.output
    line = out.stdout.strip().splitlines()[-1]
    assert f"{SOURCE} new;" in line and "releases written" in line
    nxt = datetime.fromisoformat(line.rsplit("next check ", 1)[1])
    con = open_db(db)
    rows = load_schedule(con)[SOURCE]
    assert {r.kind for r in rows} >= {"home", "feed"}  # the surfaces the crawl found are scheduled too
    assert all(r.last_outcome == "new" and r.consecutive_failures == 0 for r in rows)
    assert min(r.next_check for r in rows).replace(microsecond=0) == nxt
    assert con.execute("SELECT count(*) FROM releases WHERE source_id = ?", [SOURCE]).fetchone()[0] > 0
    con.close()
    status = CliRunner().invoke(app, ["status", "--db", str(db)])
    assert status.exit_code == 0, status.output
    schedule = status.output.split("Watch schedule")[1]
    assert "interval_min" in schedule and any(ln.startswith(SOURCE) for ln in schedule.splitlines())


def test_unknown_sources_exit_2(tmp_path) -> None:
    out = CliRunner().invoke(app, ["watch", "--simweb", "--db", str(tmp_path / "k.duckdb"), "-s", "nope"])
    assert out.exit_code == 2 and "unknown source id(s) nope" in out.output


def test_simweb_watch_runs_on_the_live_simulated_clock(tmp_path) -> None:
    """`--simweb` opens one live simulated web for the whole watch and plans on its clock: cycles are stamped
    with simulated instants, the next check is planned on that clock and the second cycle waits for it, and no
    release is from the simulated future."""
    db = tmp_path / "k.duckdb"
    args = ["watch", "--simweb", "--speed", "600", "--start", "2024-03-19T09:00", "--rate-limit", "200"]
    args += ["--db", str(db)]  # politeness is real seconds: lifted, or each request is 10 simulated minutes
    out = CliRunner().invoke(app, [*args, "-s", SOURCE, "--cycles", "2"])
    assert out.exit_code == 0, out.output
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("watch: simulated web live ×600 from 2024-03-19T09:0")
    first, second = (datetime.fromisoformat(ln.split(" ", 2)[1].rstrip(":")) for ln in lines[1:3])
    planned = datetime.fromisoformat(lines[1].rsplit("next check ", 1)[1])
    assert first - datetime.fromisoformat("2024-03-19T09:00:00+03:30") < timedelta(minutes=10)
    # planned on the web's clock (within an hour of the check), and the next cycle not before it; how much later
    # depends on the machine: the first crawl's real seconds are simulated minutes at this speed
    assert first < planned <= first + timedelta(hours=1) and planned <= second
    con = open_db(db)
    newest = con.execute("SELECT max(published_at) FROM releases WHERE source_id = ?", [SOURCE]).fetchone()
    con.close()
    assert newest is not None and newest[0] is not None and newest[0] <= second


def test_simweb_watch_rejects_a_bad_start(tmp_path) -> None:
    out = CliRunner().invoke(
        app, ["watch", "--simweb", "--start", "not-a-date", "--db", str(tmp_path / "k.duckdb"), "-s", SOURCE]
    )
    assert out.exit_code == 2 and "--simweb" in out.output
