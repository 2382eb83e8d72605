"""B4 dedup: docs/s, peak memory and per-record matching cost of the streaming near-duplicate clusterer.

Records are synthetic but truth-like: paragraphs and titles of 60 simulated days recombined (five paragraphs
each, plus a unique numbered sentence), 30 % of them republished copies of a recent record with a news-agency
preamble, a dropped paragraph and digit/letter/ZWNJ variants. Generation is cheap (list and string operations)
and excluded from the timings; each size runs in a fresh process so peak RSS is its own. Random paragraphs get every 6th word replaced,
so unrelated records stay unrelated however many are drawn.

``--against GIT_REV`` times ``khabar/dedup`` at that revision and today's on the same records in one process,
alternating, and says whether every fingerprint and decision is the same (a performance change must keep them):
on the shared machine only CPU-time ratios of one run compare.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date
from typing import Any

from bench.common import isolated

BATCH = 1000
_LATIN_TO_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_PREAMBLES = (
    "به گزارش خبرگزاری آوای ایران، ",
    "به گزارش پایگاه خبری نوین خبر از کرمان، ",
    "به گزارش خبرگزاری پیام ملت، ",
    "به گزارش خبرگزاری صدای استان از شیراز، ",
)


def _pool() -> tuple[list[str], list[str]]:
    from khabar.simweb.dedup_eval import iter_truth_articles

    titles, paras = [], []
    for t in iter_truth_articles(date(2022, 1, 1), date(2022, 3, 1)):
        titles.append(t.title or "")
        paras.extend(p for p in (t.body or "").split("\n\n")[1:] if len(p) > 80)
    return titles, paras


def synthetic(n: int, seed: int = 7):
    """Yield ``n`` records (dicts with url, title, body, persons) in arrival order."""
    titles, paras = _pool()
    vocab = sorted({w for p in paras[:2000] for w in p.split()})
    rng = random.Random(seed)
    recent: list[dict] = []
    for i in range(n):
        if recent and rng.random() < 0.3:
            src = rng.choice(recent)
            body = src["body"].split("\n\n")
            body = [rng.choice(_PREAMBLES) + body[0].split("، ", 1)[-1], *body[1:-1]]
            text = "\n\n".join(body)
            r = rng.random()
            if r < 0.3:
                text = text.translate(_LATIN_TO_PERSIAN)
            elif r < 0.5:
                text = text.replace("ی", "ي").replace("ک", "ك")
            elif r < 0.7:
                text = text.replace("\u200c", " ")
            rec = {"url": f"copy-{i}", "title": rng.choice(titles), "body": text, "persons": []}
        else:
            body = [f"به گزارش روابط عمومی سازمان شماره {i}، در نشست {i % 977} شهرستان {i % 131} برگزار شد."]
            for para in rng.sample(paras, 5):
                # Every 6th word replaced from a doc-specific offset: pool paragraphs recur ~250 times at 1M
                # records, and unperturbed they would make unrelated records near-duplicates of each other.
                words = para.split()
                for k in range(rng.randrange(6), len(words), 6):
                    words[k] = rng.choice(vocab)
                body.append(" ".join(words))
            rec = {"url": f"doc-{i}", "title": rng.choice(titles), "body": "\n\n".join(body), "persons": []}
            recent.append(rec)
            if len(recent) > 5000:
                recent.pop(rng.randrange(len(recent)))
        yield rec


def one_size(size: int) -> dict[str, Any]:
    """Cluster ``size`` synthetic records batch by batch (as the pipeline does) and time the matcher only."""
    from khabar.dedup.core import MatchCore
    from khabar.dedup.fingerprint import fingerprints

    core = MatchCore()
    # the gazetteers and lexicons the fingerprints read load once per process (~2 s): not a per-record cost
    fingerprints(
        [{"url": "warm-up", "title": "گزارش", "body": "علی رضایی در تهران گفت ۱۲ واحد", "persons": []}]
    )
    busy = cpu = 0.0
    per_batch: list[tuple[int, float]] = []
    batch: list[dict] = []
    copies_joined = copies = 0

    def flush() -> None:
        nonlocal busy, cpu, copies_joined, copies
        t0, c0 = time.perf_counter(), time.process_time()
        fps = fingerprints(batch)
        store = core.candidates_in_store(fps)
        for rec, fp, cands in zip(batch, fps, store, strict=True):
            m = core.match(fp, cands)
            core.add(fp, m.cluster_id if m else "c-" + rec["url"], rec["url"])
            if rec["url"].startswith("copy-"):
                copies += 1
                copies_joined += m is not None
        core.flush()
        dt = time.perf_counter() - t0
        busy += dt
        cpu += time.process_time() - c0
        per_batch.append((core.n, dt / len(batch)))
        batch.clear()

    for rec in synthetic(size):
        batch.append(rec)
        if len(batch) == BATCH:
            flush()
    if batch:
        flush()
    near10k = [us for n, us in per_batch if 9_000 <= n <= 12_000] or [per_batch[0][1]]
    last = [us for _, us in per_batch[-5:]]
    return {
        "size": size,
        "docs_per_s": round(size / busy),
        # CPU time of this process only: on the shared 2-core machine wall time also counts other jobs.
        "cpu_docs_per_s": round(size / cpu),
        "us_per_record_at_10k": round(1e6 * sum(near10k) / len(near10k), 1),
        "us_per_record_at_full": round(1e6 * sum(last) / len(last), 1),
        "copies_joined_share": round(copies_joined / max(1, copies), 4),
        "index_keys": len(core.index),
    }


def _reference_package(rev: str) -> str:
    """``khabar/dedup`` as of git ``rev``, importable as ``dedup_ref`` from a temporary directory (its own
    imports of ``khabar.dedup`` rewritten; the rest of khabar is today's). Returns the package name."""
    import re
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = Path(tempfile.mkdtemp(prefix="b4-ref-")) / "dedup_ref"
    out.mkdir()
    names = subprocess.run(
        ["git", "ls-tree", "--name-only", rev, "khabar/dedup/"],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for name in names:
        if not name.endswith(".py") or name.endswith("__init__.py"):
            continue
        src = subprocess.run(
            ["git", "show", f"{rev}:{name}"], cwd=root, check=True, capture_output=True, text=True
        )
        (out / Path(name).name).write_text(re.sub(r"\bkhabar\.dedup\b", "dedup_ref", src.stdout))
    (out / "__init__.py").write_text(f'"""khabar.dedup at {rev} (B4 comparison)."""\n')
    sys.path.insert(0, str(out.parent))
    return "dedup_ref"


def _cluster_cpu(package: str, records: list[dict]) -> tuple[float, str]:
    """CPU seconds to fingerprint and match ``records`` batch by batch with ``package``'s matcher, and a digest
    of every fingerprint and decision (equal digests: the same results)."""
    import hashlib
    import importlib

    core_mod = importlib.import_module(f"{package}.core")
    fp_mod = importlib.import_module(f"{package}.fingerprint")
    core = core_mod.MatchCore()
    fp_mod.fingerprints(
        [{"url": "warm-up", "title": "گزارش", "body": "علی رضایی در تهران ۱۲ واحد", "persons": []}]
    )
    h = hashlib.sha256()
    cpu = 0.0
    for s in range(0, len(records), BATCH):
        chunk = records[s : s + BATCH]
        c0 = time.process_time()
        fps = fp_mod.fingerprints(chunk)
        store = core.candidates_in_store(fps)
        found = []
        for rec, fp, cands in zip(chunk, fps, store, strict=True):
            m = core.match(fp, cands)
            core.add(fp, m.cluster_id if m else "c-" + rec["url"], rec["url"])
            found.append(m)
        core.flush()
        cpu += time.process_time() - c0
        for fp, m in zip(fps, found, strict=True):
            h.update(fp.signature.tobytes() + fp.keys.tobytes() + fp.guard.tobytes() + fp.sample.tobytes())
            g = m.guard if m else None
            h.update(
                repr(
                    (fp.exact, fp.n_shingles)
                    + (
                        (m.cluster_id, m.doc, m.jaccard, m.exact, m.signal, m.containment, m.containment_rev)
                        if m
                        else ()
                    )
                    + ((g.figures, g.places, g.dates, g.persons, g.shared) if g else ())
                ).encode()
            )
    return cpu, h.hexdigest()[:16]


def compare(rev: str, size: int, rounds: int = 2) -> dict[str, Any]:
    """Today's matcher against ``khabar/dedup`` at ``rev`` on the same ``size`` records in one process,
    alternating (the machine is shared: only CPU time, only ratios of one run mean anything)."""
    ref = _reference_package(rev)
    records = list(synthetic(size))
    cpu: dict[str, list[float]] = {ref: [], "khabar.dedup": []}
    digests: dict[str, str] = {}
    for r in range(rounds):
        for pkg in (ref, "khabar.dedup") if r % 2 == 0 else ("khabar.dedup", ref):
            c, d = _cluster_cpu(pkg, records)
            cpu[pkg].append(c)
            if digests.setdefault(pkg, d) != d:
                raise RuntimeError(f"{pkg} gave two different results on the same records")
    old, new = sum(cpu[ref]), sum(cpu["khabar.dedup"])
    return {
        "size": size,
        "against": rev,
        "same_results": digests[ref] == digests["khabar.dedup"],
        "cpu_s_ref": [round(x, 2) for x in cpu[ref]],
        "cpu_s_now": [round(x, 2) for x in cpu["khabar.dedup"]],
        "cpu_docs_per_s_ref": round(size * rounds / old),
        "cpu_docs_per_s_now": round(size * rounds / new),
        "cpu_ratio_now_to_ref": round(new / old, 3),
    }


def run(sizes: tuple[int, ...] | list[int] = (100_000, 1_000_000)) -> dict[str, Any]:
    """One fresh process per size; returns ``{"rows": [{size, docs_per_s, peak_rss_mb, …}, …]}``."""
    return {"rows": [isolated("bench.b4_dedup", "one_size", size=int(s)) for s in sizes]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument(
        "--against", metavar="GIT_REV", help="also time khabar/dedup at this revision, alternating"
    )
    ap.add_argument("--rounds", type=int, default=2, help="runs of each matcher with --against")
    args = ap.parse_args()
    if args.against:
        for size in args.sizes.split(","):
            print(isolated("bench.b4_dedup", "compare", rev=args.against, size=int(size), rounds=args.rounds))
        return
    for size in args.sizes.split(","):
        print(run([int(size)])["rows"][0], flush=True)


if __name__ == "__main__":
    main()
