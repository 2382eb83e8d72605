"""Local files as a page source: WARC records (gzipped or not) and HTML files (GUIDE §1.3).

Damage is reported, never silently skipped: a file that cannot be read, or the damaged rest of one, becomes an
`ImportProblem` (file, offset, cause), every record before it is loaded, and the other files are still read.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

import duckdb

from khabar.extractors.charset import detect_charset
from khabar.pipeline.registry import load_registry, source_for, use_registry
from khabar.pipeline.run import BatchLoader, Progress, RunSummary, run_batches
from khabar.records import RawPage
from khabar.stop import Stop


@dataclass(frozen=True)
class ImportProblem:
    """A file, or the part of it from `offset` on, that could not be read: reported, never silently skipped."""

    path: str
    cause: str
    offset: int | None = None  # byte offset of the damaged record in the file as stored (gzipped or not)

    def __str__(self) -> str:
        where = f" at offset {self.offset}" if self.offset is not None else ""
        return f"{self.path}{where}: {self.cause}"


def _checked_archive_iterator(fh: IO[bytes]) -> Any:  # warcio is untyped: its objects are Any
    """warcio's ArchiveIterator, except that a record not followed by the blank lines its Content-Length promises
    (a bad length) is remembered in `misaligned` instead of written to stderr as a warning and passed over.
    (Overrides one private method of warcio, pinned in requirements.lock; warcio is imported only when needed.)"""
    from warcio.archiveiterator import ArchiveIterator

    class Checked(ArchiveIterator):
        misaligned: int | None = None

        def _consume_blanklines(self) -> tuple[bytes | None, int]:
            empty = 0
            first = True
            while True:
                line = self.reader.readline()
                if not line:
                    return None, empty
                if not line.rstrip() or first:
                    empty += len(line)
                    if line.rstrip() and self.misaligned is None:
                        self.misaligned = self.fh.tell() - self.reader.rem_length() - empty
                    first = False
                    continue
                return line, empty

    return Checked(fh)


_HTML_START = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|meta|title|div|p|article|section|h[1-6]|table)\b", re.I
)


def sniff(path: Path) -> str:
    """`warc`, `html` or `html.gz` by content, whatever the name says; raises ValueError for anything else."""
    with path.open("rb") as fh:
        head = fh.read(65536)
    if not head:
        raise ValueError("empty file")
    text = head
    if head[:2] == b"\x1f\x8b":
        try:
            text = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 65536)
        except zlib.error as exc:
            raise ValueError(f"damaged gzip header ({exc})") from None
    if text.lstrip()[:5] in (b"WARC/", b"warc/"):
        return "warc"
    if b"\x00" not in text[:4096] and _HTML_START.search(text.removeprefix(b"\xef\xbb\xbf")):
        return "html.gz" if text is not head else "html"
    raise ValueError(f"not a WARC or HTML file (starts with {head[:16]!r})")


def gzip_damage(path: Path) -> ImportProblem | None:
    """The first gzip member of `path` that is cut short or corrupt (its offset: in a .warc.gz each record is one
    member), or None. warcio passes over a member cut inside its header without a word; this scan does not (one
    decompression pass, output discarded, bounded memory)."""
    new = partial(zlib.decompressobj, 16 + zlib.MAX_WBITS)
    d, member, pos = new(), 0, 0  # pos: compressed bytes consumed; member: where the current member starts
    with path.open("rb") as fh:
        for chunk in iter(partial(fh.read, 1 << 20), b""):
            buf = chunk
            while buf:
                try:
                    d.decompress(buf, 1 << 22)
                except zlib.error as exc:
                    return ImportProblem(str(path), f"corrupt gzip data ({exc})", member)
                if d.eof:
                    pos += len(buf) - len(d.unused_data)
                    buf, member, d = d.unused_data, pos, new()
                else:
                    pos += len(buf) - len(d.unconsumed_tail)
                    buf = d.unconsumed_tail
    if pos > member:
        return ImportProblem(
            str(path),
            f"truncated: the file ends inside the gzip member of this record"
            f" ({pos - member} bytes of it present)",
            member,
        )
    return None


def iter_warc(
    path: Path,
    *,
    source_id: str = "import",
    problems: list[ImportProblem] | None = None,
) -> Iterator[RawPage]:
    """HTTP responses from a WARC file (gzipped or not), bodies de-chunked and content-decoded by warcio.

    Damage ends the file, not the import: a record cut short, a bad Content-Length, a truncated gzip member or
    bytes that are not a record become one ImportProblem (file, offset of the damaged record, cause) and every
    record before it is kept. A record is handed on only once the next one starts cleanly, so the damaged record
    itself (its body cut by a wrong length) is never loaded. Without `problems`, damage raises ValueError."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    damage = gzip_damage(path) if gz else None
    limit = damage.offset if damage is not None and damage.offset is not None else size
    held: list[RawPage | None] = []  # the last record read: handed on once the next one starts cleanly
    offset = 0  # where the record being read starts
    problem: ImportProblem | None = None

    def bad_length() -> ImportProblem:
        held.clear()
        return ImportProblem(
            str(path), "bad record length: the record does not end where its Content-Length says", offset
        )

    with path.open("rb") as fh:
        it = _checked_archive_iterator(fh)
        try:
            for record in it:
                if it.misaligned is not None:
                    problem = bad_length()
                    break
                if held and held[0] is not None:
                    yield held[0]
                held.clear()
                offset = it.offset
                if offset >= limit:  # the damaged gzip member: reported below
                    break
                if (
                    not record.rec_type
                    or record.length is None
                    or (record.rec_type == "response" and record.http_headers is None)
                ):
                    problem = ImportProblem(
                        str(path), "not a complete WARC record (its header is cut short or damaged)", offset
                    )
                    break
                page = _warc_page(record, source_id)
                remaining = getattr(record.raw_stream, "limit", 0)
                if remaining:
                    problem = ImportProblem(
                        str(path),
                        f"truncated: the record ends {remaining} bytes short of"
                        f" its Content-Length ({record.length})",
                        offset,
                    )
                    break
                held.append(page)
            else:
                if it.misaligned is not None:
                    problem = bad_length()
                elif it.offset < size:
                    problem = ImportProblem(
                        str(path),
                        f"truncated: the file ends inside a record ({size - it.offset} bytes unread)",
                        it.offset,
                    )
        except Exception as exc:  # warcio and zlib raise many kinds on damage; each one ends this file here
            if it.misaligned is not None:
                problem = bad_length()
            else:
                cause = f"{type(exc).__name__}: {exc}"
                if isinstance(exc, EOFError | zlib.error) or "DecompressingBufferedReader" in cause:
                    cause = f"truncated or corrupt data ({cause})"
                if it.offset <= offset:  # the damage is inside the record being read: it is not kept
                    held.clear()
                problem = ImportProblem(str(path), cause, max(it.offset, offset))
    if damage is not None and (problem is None or (problem.offset or 0) >= (damage.offset or 0)):
        problem = damage
    if held and held[0] is not None:
        yield held[0]
    if problem is not None:
        if problems is None:
            raise ValueError(str(problem))
        problems.append(problem)


def _warc_page(record: Any, source_id: str) -> RawPage | None:  # record: warcio ArcWarcRecord
    if record.rec_type != "response" or record.http_headers is None:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    if not url:
        return None
    date = record.rec_headers.get_header("WARC-Date")
    fetched = datetime.fromisoformat(date.replace("Z", "+00:00")) if date else datetime.now(UTC)
    headers = {k.lower(): v for k, v in record.http_headers.headers}
    status = int(record.http_headers.get_statuscode() or 0)
    body = record.content_stream().read()
    return RawPage(
        url=url,
        final_url=url,
        source_id=source_id,
        status=status,
        headers=headers,
        body=body,
        fetched_at=fetched,
        discovered_via="import",
        encoding=detect_charset(headers, body),
    )


def iter_html(path: Path, *, url: str | None = None, source_id: str = "import") -> RawPage:
    body = path.read_bytes()
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.decompress(body)
        except (EOFError, OSError, zlib.error) as exc:
            raise ValueError(f"truncated or corrupt gzip ({exc})") from None
    fetched = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    page_url = url or path.resolve().as_uri()
    return RawPage(
        url=page_url,
        final_url=page_url,
        source_id=source_id,
        status=200,
        headers={"content-type": "text/html"},
        body=body,
        fetched_at=fetched,
        discovered_via="import",
    )


def iter_import(
    paths: Iterable[str | Path], *, url: str | None = None, problems: list[ImportProblem] | None = None
) -> Iterator[RawPage]:
    """Pages from local files: WARC records (gzipped or not) or HTML files, told apart by content (`--url`
    applies to a single file). With `problems`, a file that cannot be read, or the damaged rest of one, is
    recorded there and the next file is read; without it, the first problem raises ValueError."""
    for raw in paths:
        path = Path(raw)
        try:
            if path.is_dir():
                raise ValueError("is a directory (give the files in it, e.g. DIR/*.warc.gz)")
            if not path.exists():
                raise ValueError("no such file")
            kind = sniff(path)
            if kind == "warc":
                yield from iter_warc(path, problems=problems)
            else:
                yield iter_html(path, url=url)
        except (OSError, ValueError) as exc:
            cause = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            if problems is None:
                raise ValueError(f"{path}: {cause}") from None
            problems.append(ImportProblem(str(path), cause.lower() if isinstance(exc, OSError) else cause))


def import_files(
    con: duckdb.DuckDBPyConnection,
    paths: list[str],
    *,
    url: str | None = None,
    batch_size: int = 200,
    progress: Progress | None = None,
    loader: BatchLoader[list[RawPage]] | None = None,
    stop: Stop | None = None,
    sources_path: str | Path | None = None,
) -> RunSummary:
    """Import WARC and HTML files as one run. One bad file never stops the others: the run is `completed` when
    every file was read whole, `completed_with_errors` (exit 1) when some were damaged or unreadable, `failed`
    (exit 2) when nothing could be read; `import_errors` lists each problem with its file and offset. The sources
    file (`sources_path`; None: the settings' registry when present, else none, see `registry.load_registry`) is
    loaded first, as by every run."""
    sources = load_registry(sources_path)
    registry = use_registry(con, sources)
    owner = source_for(sources)
    problems: list[ImportProblem] = []

    def finish(summary: RunSummary) -> None:
        if not problems:
            return
        summary.extra["import_errors"] = [str(p) for p in problems]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        summary.extra["cause"] = f"{problems[0]}{more}"
        if summary.stats.pages == 0:
            summary.status = "failed"
            summary.extra["unreadable"] = True
        else:
            summary.status = "completed_with_errors"

    return run_batches(
        con,
        "import",
        (
            replace(p, source_id=owner(p.url) or p.source_id)
            for p in iter_import(paths, url=url, problems=problems)
        ),
        {"paths": paths, "url": url},
        registry=registry,
        batch_size=batch_size,
        progress=progress,
        loader=loader,
        stop=stop,
        finish=finish,
    )


__all__ = ["ImportProblem", "import_files", "iter_html", "iter_import", "iter_warc", "sniff"]
