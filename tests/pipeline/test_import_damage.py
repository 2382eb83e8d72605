"""Issue 19: `khabar import` of damaged and unreadable input tells the truth.

A truncated gzip or WARC, a record with a bad length, a file that is neither WARC nor HTML, a directory, a file
that cannot be read: each is reported with its file name, the offset of the damaged record and the cause; the
records before the damage are loaded; the run is `completed_with_errors` (exit 1), or `failed` (exit 2) when
nothing could be read; one bad file never stops the others.
"""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from khabar.pipeline import ImportProblem, import_files, iter_import, iter_warc
from khabar.warehouse.db import open_db

ROOT = Path(__file__).resolve().parents[2]


def warc(pages: list[tuple[str, bytes, str]], *, gz: bool) -> tuple[bytes, list[int]]:
    """The archive and the offset where each record ends."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    ends = []
    for url, body, charset in pages:
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", f"text/html; charset={charset}")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
        )
        ends.append(buf.tell())
    return buf.getvalue(), ends


def small_pages(n: int = 4) -> list[tuple[str, bytes, str]]:
    rnd = random.Random(19)
    return [
        (
            f"https://example.test/news/{i}",
            (
                f"<html><body><p>خبر {i}</p><p>"
                + "".join(rnd.choice("ابپت ث") for _ in range(400))
                + "</p></body></html>"
            ).encode(),
            "utf-8",
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_every_cut_keeps_the_whole_records_before_it_and_says_where(tmp_path, gz):
    """Cut the archive at (nearly) every byte: never an exception, exactly the complete records come out, and
    unless the cut falls between records a problem names the file and an offset at or before the cut."""
    pages = small_pages()
    data, ends = warc(pages, gz=gz)
    bodies = [body for _, body, _ in pages]
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    cuts = sorted(
        set(range(1, len(data), 5))
        | {e + d for e in ends for d in (-5, -4, -1, 0, 1) if 0 < e + d < len(data)}
    )
    for cut in cuts:
        path.write_bytes(data[:cut])
        problems: list[ImportProblem] = []
        got = [p.body for p in iter_warc(path, problems=problems)]
        complete = sum(e <= cut for e in ends)
        # in an uncompressed WARC the 4 bytes closing a record may be missing: the record itself is whole
        tail_only = not gz and any(e - 4 <= cut < e for e in ends)
        assert got == bodies[:complete] or (tail_only and got == bodies[: complete + 1]), (
            cut,
            len(got),
            complete,
        )
        if cut in ends or tail_only:
            continue
        assert len(problems) == 1, (cut, problems)
        assert problems[0].path == str(path) and problems[0].offset is not None
        assert problems[0].offset <= cut and (complete == 0 or problems[0].offset >= ends[complete - 1] - 4)


def _length_changed(data: bytes, ends: list[int], record: int, new: int) -> bytes:
    start = 0 if record == 0 else ends[record - 1]
    i = data.index(b"Content-Length: ", start)
    j = data.index(b"\r\n", i)
    return data[:i] + f"Content-Length: {new}".encode() + data[j:]


def _declared(data: bytes, ends: list[int], record: int) -> int:
    start = 0 if record == 0 else ends[record - 1]
    i = data.index(b"Content-Length: ", start) + len(b"Content-Length: ")
    return int(data[i : data.index(b"\r\n", i)])


@pytest.mark.parametrize("delta", [-60, 60, 10**6], ids=["too-short", "too-long", "past-the-end"])
def test_a_bad_record_length_keeps_the_records_before_it(tmp_path, delta):
    pages = small_pages()
    data, ends = warc(pages, gz=False)
    path = tmp_path / "bad-length.warc"
    path.write_bytes(_length_changed(data, ends, 2, _declared(data, ends, 2) + delta))
    problems: list[ImportProblem] = []
    got = [p.body for p in iter_warc(path, problems=problems)]
    assert got == [body for _, body, _ in pages[:2]]
    assert [(p.path, p.offset) for p in problems] == [(str(path), ends[1])]
    assert "Content-Length" in problems[0].cause


def _cases(tmp_path: Path, pages: list[tuple[str, bytes, str]]) -> dict[str, tuple[Path, int, str | None]]:
    """name -> (path, pages that must load, a word the cause must contain)."""
    gz, gz_ends = warc(pages, gz=True)
    cut = next(i for i, e in enumerate(gz_ends) if e > 30_000)  # «a .warc.gz cut after 30 KB»
    (tmp_path / "cut-30k.warc.gz").write_bytes(gz[:30_000])
    plain, ends = warc(pages[:5], gz=False)
    (tmp_path / "bad-length.warc").write_bytes(
        _length_changed(plain, ends, 3, _declared(plain, ends, 3) + 500)
    )
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    (tmp_path / "named.warc").write_bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00")
    (tmp_path / "a-directory").mkdir()
    good, _ = warc(pages[6:9], gz=True)
    (tmp_path / "good.warc.gz").write_bytes(good)
    (tmp_path / "page.html").write_bytes(pages[10][1])
    return {
        "cut-30k.warc.gz": (tmp_path / "cut-30k.warc.gz", cut, "truncated"),
        "bad-length.warc": (tmp_path / "bad-length.warc", 3, "Content-Length"),
        "report.pdf": (tmp_path / "report.pdf", 0, "not a WARC or HTML"),
        "named.warc": (tmp_path / "named.warc", 0, "not a WARC or HTML"),
        "a-directory": (tmp_path / "a-directory", 0, "directory"),
        "missing.warc.gz": (tmp_path / "missing.warc.gz", 0, "no such file"),
        "good.warc.gz": (tmp_path / "good.warc.gz", 3, None),
        "page.html": (tmp_path / "page.html", 1, None),
    }


def test_mixed_batch_loads_every_good_file_and_reports_each_bad_one(tmp_path, articles):
    cases = _cases(tmp_path, articles)
    con = open_db(tmp_path / "k.duckdb")
    summary = import_files(con, [str(p) for p, _, _ in cases.values()])
    assert summary.status == "completed_with_errors" and summary.exit_code == 1
    assert summary.stats.pages == sum(n for _, n, _ in cases.values())
    errors = summary.extra["import_errors"]
    bad = {name: c for name, c in cases.items() if c[2] is not None}
    assert len(errors) == len(bad), errors
    for name, (path, _, word) in bad.items():
        line = next(e for e in errors if e.startswith(f"{path}:") or e.startswith(f"{path} at offset"))
        assert word in line, line
        if name.endswith((".warc", ".warc.gz")) and word != "no such file" and name != "named.warc":
            assert " at offset " in line, line
    status, cause = con.execute("SELECT status, json_extract_string(stats, '$.cause') FROM runs").fetchone()
    assert status == "completed_with_errors" and str(cases["cut-30k.warc.gz"][0]) in cause
    # the records before each damage are in the archive (files share pages: count URLs)
    cut = cases["cut-30k.warc.gz"][1]
    want = {u for u, _, _ in articles[: max(cut, 3)] + articles[6:9]} | {
        cases["page.html"][0].resolve().as_uri()
    }
    assert {u for (u,) in con.execute("SELECT DISTINCT url FROM pages").fetchall()} == want


def test_nothing_readable_fails_the_run(tmp_path):
    (tmp_path / "x.bin").write_bytes(bytes(range(256)))
    con = open_db(tmp_path / "k.duckdb")
    summary = import_files(con, [str(tmp_path / "x.bin"), str(tmp_path / "nope.html")])
    assert (summary.status, summary.exit_code, summary.stats.pages) == ("failed", 2, 0)
    assert con.execute("SELECT status FROM runs").fetchone() == ("failed",)


def test_unreadable_file_is_reported_and_the_next_one_read(tmp_path, articles, monkeypatch):
    locked = tmp_path / "locked.warc.gz"
    locked.write_bytes(warc(articles[:2], gz=True)[0])
    good = tmp_path / "good.html"
    good.write_bytes(articles[3][1])
    if os.geteuid() == 0:  # root reads anything: deny this one file the way the kernel would
        real_open = Path.open

        def deny(self, *args, **kwargs):
            if self == locked:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", deny)
    else:
        locked.chmod(0)
    problems: list[ImportProblem] = []
    pages = list(iter_import([locked, good], problems=problems))
    assert len(pages) == 1 and [str(p) for p in problems] == [f"{locked}: permission denied"]


def test_cli_exit_codes_and_messages(tmp_path, articles):
    cases = _cases(tmp_path, articles)
    db = tmp_path / "cli.duckdb"

    def khabar(*paths: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "khabar.cli", "import", *map(str, paths), "--db", str(db)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    mixed = khabar(cases["good.warc.gz"][0], cases["cut-30k.warc.gz"][0], cases["report.pdf"][0])
    assert mixed.returncode == 1, mixed.stderr[-2000:]
    assert "completed_with_errors" in mixed.stdout and "Traceback" not in mixed.stderr
    lines = [x for x in mixed.stderr.splitlines() if x.startswith("khabar: import: ")]
    assert len(lines) == 2 and f"{cases['cut-30k.warc.gz'][0]} at offset " in lines[0], mixed.stderr
    assert f"{cases['report.pdf'][0]}: not a WARC or HTML file" in lines[1]
    nothing = khabar(cases["a-directory"][0], cases["missing.warc.gz"][0])
    assert nothing.returncode == 2 and "failed" in nothing.stdout, (nothing.stdout, nothing.stderr)
    ok = khabar(cases["page.html"][0])
    assert ok.returncode == 0 and not ok.stderr.strip(), ok.stderr
    con = duckdb.connect(str(db), read_only=True)
    runs = con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()
    con.close()
    assert runs == [("completed_with_errors",), ("failed",), ("completed",)]
    status = subprocess.run(
        [sys.executable, "-m", "khabar.cli", "status", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert status.returncode == 0 and "completed_with_errors" in status.stdout
    assert "cut-30k.warc.gz" in status.stdout and "not a WARC" not in status.stdout.split("Source health")[1]
