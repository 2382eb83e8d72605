"""Body extraction on real pages of sites nobody here wrote: khabar vs trafilatura, token F1, in one run.

    .venv/bin/python -m bench.real_pages [--readability DIR] [--json OUT]

Ground truth: Mozilla Readability's test pages (``test/test-pages/<name>/{source,expected}.html`` of
github.com/mozilla/readability, Apache-2.0), whose ``expected.html`` is the article as a human-checked extractor
keeps it. ``--readability`` points at a folder of such page folders; by default the committed real fixtures that
carry an ``expected.html`` (tests/extractors/real/pages/) are used, plus the fetched mirror when present.

khabar's text is its lead plus body (the ground truth holds both); trafilatura's is ``trafilatura.extract`` with
its defaults. Both get the same decoded page. Tokens are the search form's words (``extractors.search_form``),
F1 over multisets per page, then averaged; an "empty" body is one with no token while the truth has some.
Figures are given over every page and over the real-site pages (source of at least ``REAL_SITE_BYTES``; the
smaller ones are Readability's synthetic unit-test snippets).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from khabar.extractors import extract, search_form
from selectolax.lexbor import LexborHTMLParser

REAL = Path(__file__).resolve().parents[1] / "tests" / "extractors" / "real" / "pages"
# Readability's folder also holds unit-test snippets (a 200-byte «<ol><li>…»): pages this small are not sites
REAL_SITE_BYTES = 8_000
MIRROR = Path("/work/.mirror/mozilla+readability/repo")


def _read(path: Path) -> str:
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return data.decode("utf-8", "replace")


def _find(folder: Path, stem: str) -> Path | None:
    for name in (f"{stem}.html", f"{stem}.html.gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def load_pages(root: Path | None) -> list[tuple[str, str, str]]:
    """(name, source html, expected text) for every page folder with both files."""
    out: list[tuple[str, str, str]] = []
    roots = [root] if root is not None else [REAL]
    for r in roots:
        if not r.is_dir():
            continue
        for folder in sorted(p for p in r.iterdir() if p.is_dir()):
            src, exp = _find(folder, "source"), _find(folder, "expected")
            if src is None or exp is None:
                continue
            gold = LexborHTMLParser(_read(exp)).text(deep=True, separator=" ")
            out.append((folder.name, _read(src), gold))
    return out


def mirror_pages() -> list[tuple[str, str, str]]:
    """The readability test pages read straight from a fetched bare git mirror (no work tree)."""
    import subprocess

    if not MIRROR.is_dir():
        return []
    git = ["git", "--git-dir", str(MIRROR)]
    names = subprocess.run(
        [*git, "ls-tree", "--name-only", "HEAD", "test/test-pages/"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    out = []
    for n in names:
        try:
            src = subprocess.run(
                [*git, "show", f"HEAD:{n}/source.html"], capture_output=True, check=True
            ).stdout
            exp = subprocess.run(
                [*git, "show", f"HEAD:{n}/expected.html"], capture_output=True, check=True
            ).stdout
        except subprocess.CalledProcessError:
            continue
        gold = LexborHTMLParser(exp.decode("utf-8", "replace")).text(deep=True, separator=" ")
        out.append((n.rsplit("/", 1)[-1], src.decode("utf-8", "replace"), gold))
    return out


def _tokens(text: str | None) -> Counter[str]:
    return Counter(search_form(text or "").split())


def f1(pred: str | None, gold: str) -> float:
    p, g = _tokens(pred), _tokens(gold)
    if not p and not g:
        return 1.0
    common = sum((p & g).values())
    if not common:
        return 0.0
    prec, rec = common / sum(p.values()), common / sum(g.values())
    return 2 * prec * rec / (prec + rec)


def khabar_text(html: str) -> str:
    rec = extract(html)
    return "\n\n".join(x for x in (rec["lead"], rec["body"]) if x)


def trafilatura_text(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


def run(pages: list[tuple[str, str, str]]) -> dict[str, Any]:
    result: dict[str, Any] = {"pages": len(pages), "per_page": {}}
    for name, fn in (("khabar", khabar_text), ("trafilatura", trafilatura_text)):
        scores, empty, t = [], [], 0.0
        for _, html, _ in pages[:5]:  # warm-up: gazetteers, models and caches load once, outside the timing
            fn(html)
        for page, html, gold in pages:
            t0 = time.perf_counter()
            text = fn(html)
            t += time.perf_counter() - t0
            s = f1(text, gold)
            scores.append(s)
            result["per_page"].setdefault(page, {})[name] = round(s, 3)
            if not _tokens(text) and _tokens(gold):
                empty.append(page)
        result[name] = {
            "f1": round(sum(scores) / max(1, len(scores)), 4),
            "empty": len(empty),
            "empty_pages": empty,
            "pages_per_s": round(len(pages) / t, 1) if t else None,
        }
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--readability", type=Path, help="folder of <page>/{source,expected}.html folders")
    ap.add_argument(
        "--mirror", action="store_true", help="also read every page of the fetched readability mirror"
    )
    ap.add_argument("--json", type=Path, help="write the full result here")
    ap.add_argument("--worst", type=int, default=10, help="print the pages where khabar trails most")
    args = ap.parse_args(argv)
    pages = load_pages(args.readability)
    if args.mirror:
        have = {p[0] for p in pages}
        pages += [p for p in mirror_pages() if p[0] not in have]
    if not pages:
        print("no pages found", file=sys.stderr)
        return 2
    res = run(pages)
    real = {p[0] for p in pages if len(p[1].encode("utf-8")) >= REAL_SITE_BYTES}
    for name in ("khabar", "trafilatura"):
        r = res[name]
        sub = [s[name] for page, s in res["per_page"].items() if page in real]
        r["f1_real_sites"] = round(sum(sub) / max(1, len(sub)), 4)
        r["empty_real_sites"] = len([p for p in r["empty_pages"] if p in real])
        print(
            f"{name:12s} all {len(pages)} pages: F1 {r['f1']:.4f}, empty {r['empty']:3d} | "
            f"{len(real)} real-site pages: F1 {r['f1_real_sites']:.4f}, empty {r['empty_real_sites']:3d} | "
            f"{r['pages_per_s']} pages/s"
        )
    gaps = sorted(res["per_page"].items(), key=lambda kv: kv[1]["khabar"] - kv[1]["trafilatura"])
    for page, s in gaps[: args.worst]:
        print(f"  {page:40s} khabar {s['khabar']:.3f}  trafilatura {s['trafilatura']:.3f}")
    print(f"khabar empty: {res['khabar']['empty_pages']}")
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
