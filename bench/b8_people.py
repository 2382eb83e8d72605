"""B8 — people, roles and places on real text: Arman persons per test fold, the roles set, B1's pages/s.

    .venv/bin/python -m bench.b8_people [--no-b1] [--b1-pages N]

- Arman (``../shared/ner/arman/``, research licence: read here to measure only, never copied): each test
  sentence is one text; a predicted person is every occurrence in the sentence of a name ``extract_persons``
  returned. Strict: exact span match of gold ``pers`` spans; token: precision/recall over the tokens inside
  person spans (a name with a missed second surname word still earns the tokens it got).
- Roles set (``tests/extractors/roles/roles.yaml``, annotated by reading ``../shared/corpus``): per official, the
  name found, its role (normalised head) and organisation right; per release, the province.
- B1: extraction pages per CPU second on simulated pages, of a baseline commit (before this work: 420b2fb) and of
  this tree, alternated in one run (the other figures of B1 are its own benchmark's).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from khabar.extractors import search_form
from khabar.extractors.normalize import unify_letters
from khabar.extractors.persons import extract_persons

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ARMAN = SHARED / "ner" / "arman"
ROLES = ROOT / "tests" / "extractors" / "roles" / "roles.yaml"


def read_conll(path: Path) -> list[list[tuple[str, str]]]:
    """Sentences of (token, tag) from one Arman fold."""
    sents: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) < 2:
            if cur:
                sents.append(cur)
                cur = []
            continue
        cur.append((parts[0], parts[-1]))
    if cur:
        sents.append(cur)
    return sents


def gold_spans(sent: list[tuple[str, str]], kind: str = "pers") -> set[tuple[int, int]]:
    """Token spans [a, b) of gold entities of ``kind``."""
    out: set[tuple[int, int]] = set()
    start = None
    for i, (_tok, tag) in enumerate([*sent, ("", "O")]):
        if start is not None and tag != f"I-{kind}":
            out.add((start, i))
            start = None
        if tag == f"B-{kind}" or (tag == f"I-{kind}" and start is None):
            start = i
    return out


def predicted_spans(sent: list[tuple[str, str]]) -> set[tuple[int, int]]:
    """Token spans of every occurrence of every name khabar finds in the sentence."""
    toks = [unify_letters(t) for t, _ in sent]
    text = " ".join(toks)
    keys = [search_form(t) for t in toks]
    out: set[tuple[int, int]] = set()
    for p in extract_persons([text]):
        words = search_form(p["name"]).split()
        n = len(words)
        if not n:
            continue
        # a token key may hold a space (ZWNJ compound): compare on the joined words
        for a in range(len(keys)):
            if not keys[a]:
                continue  # a punctuation token («ـ», «_») starts no name: it would join the span for free
            joined: list[str] = []
            b = a
            while b < len(keys) and len(joined) < n:
                joined.extend(keys[b].split())
                b += 1
            if joined == words:
                out.add((a, b))
    return out


def _tokens_of(spans: set[tuple[int, int]]) -> set[int]:
    return {i for a, b in spans for i in range(a, b)}


def arman(folds: tuple[str, ...] = ("test_fold1", "test_fold2", "test_fold3")) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for fold in folds:
        path = ARMAN / f"{fold}.txt"
        if not path.is_file():
            continue
        c: Counter[str] = Counter()
        t0 = time.perf_counter()
        for sent in read_conll(path):
            g, p = gold_spans(sent), predicted_spans(sent)
            c["s_tp"] += len(g & p)
            c["s_fp"] += len(p - g)
            c["s_fn"] += len(g - p)
            gt, pt = _tokens_of(g), _tokens_of(p)
            c["t_tp"] += len(gt & pt)
            c["t_fp"] += len(pt - gt)
            c["t_fn"] += len(gt - pt)
        rows.append(
            {
                "fold": fold,
                "gold_spans": c["s_tp"] + c["s_fn"],
                "strict_p": round(c["s_tp"] / max(1, c["s_tp"] + c["s_fp"]), 4),
                "strict_r": round(c["s_tp"] / max(1, c["s_tp"] + c["s_fn"]), 4),
                "token_p": round(c["t_tp"] / max(1, c["t_tp"] + c["t_fp"]), 4),
                "token_r": round(c["t_tp"] / max(1, c["t_tp"] + c["t_fn"]), 4),
                "seconds": round(time.perf_counter() - t0, 2),
            }
        )
    if rows:
        rows.append(
            {
                "fold": "mean",
                "gold_spans": sum(r["gold_spans"] for r in rows),
                **{
                    k: round(sum(r[k] for r in rows) / len(rows), 4)
                    for k in ("strict_p", "strict_r", "token_p", "token_r")
                },
                "seconds": 0.0,
            }
        )
    return rows


def roles(path: Path = ROLES) -> dict[str, Any]:
    """Role, organisation and province accuracy on the hand-annotated roles set (corpus items by link)."""
    sys.path.insert(0, str(ROOT))
    from tests.extractors.roles.scoring import score_roles

    if not path.is_file() or not (SHARED / "corpus").is_dir():
        return {"skipped": "roles set or ../shared/corpus absent"}
    return score_roles(path, SHARED / "corpus")


_B1 = (
    "import json, sys, time\n"
    "from bench.b1_extract import sample_pages\n"
    "from khabar.extractors import extract\n"
    "pages = sample_pages(int(sys.argv[1]))\n"
    "extract(pages[0][1], url=pages[0][0].url, encoding=pages[0][2])\n"
    "best = 0.0\n"
    "for _ in range(3):\n"
    "    c0 = time.process_time()\n"
    "    for t, body, cs in pages:\n"
    "        extract(body, url=t.url, encoding=cs)\n"
    "    best = max(best, len(pages) / (time.process_time() - c0))\n"
    "print(json.dumps(best))\n"
)


def _b1_in(root: Path, pages: int) -> float:
    """B1 extraction pages per CPU second (best of 3) of the code in ``root``, in a fresh interpreter."""
    proc = subprocess.run(
        [sys.executable, "-c", _B1, str(pages)],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    return round(float(proc.stdout.strip().splitlines()[-1]), 1)


def b1_before_after(pages: int, baseline_rev: str) -> dict[str, Any]:
    """B1 pages per CPU second of ``baseline_rev`` (checked out in a temporary git worktree) and of this tree,
    alternated twice in the same run (the machine is shared: CPU time, best of each)."""
    out: dict[str, Any] = {"pages": pages, "baseline_rev": baseline_rev}
    with tempfile.TemporaryDirectory(prefix="b8-") as tmp:
        base = Path(tmp) / "base"
        try:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(base), baseline_rev],
                check=True,
                capture_output=True,
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            out["skipped"] = f"baseline {baseline_rev} not available: {exc}"
            out["after_pages_per_cpu_s"] = _b1_in(ROOT, pages)
            return out
        try:
            before = [_b1_in(base, pages), 0.0]
            after = [_b1_in(ROOT, pages), 0.0]
            before[1], after[1] = _b1_in(base, pages), _b1_in(ROOT, pages)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                check=False,
                capture_output=True,
            )
    out.update(
        before_pages_per_cpu_s=max(before),
        after_pages_per_cpu_s=max(after),
        ratio=round(max(after) / max(before), 3),
    )
    return out


def run(b1: bool = True, b1_pages: int = 600, baseline_rev: str = "420b2fb") -> dict[str, Any]:
    out: dict[str, Any] = {"arman": arman(), "roles": roles()}
    if isinstance(out["roles"], dict):
        out["roles"] = {k: v for k, v in out["roles"].items() if k != "misses"}
    if b1:
        out["b1"] = b1_before_after(b1_pages, baseline_rev)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--no-b1", action="store_true")
    ap.add_argument("--b1-pages", type=int, default=600)
    ap.add_argument("--baseline-rev", default="420b2fb", help="commit B1's before figure is measured on")
    ap.add_argument("--folds", default="test_fold1,test_fold2,test_fold3")
    args = ap.parse_args()
    if args.folds != "test_fold1,test_fold2,test_fold3":
        print(json.dumps(arman(tuple(args.folds.split(","))), ensure_ascii=False, indent=1))
        return 0
    print(json.dumps(run(not args.no_b1, args.b1_pages, args.baseline_rev), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
