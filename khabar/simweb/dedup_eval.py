"""Scoring clusterings against the simulated web's truth: pairwise P/R/F1, B-cubed F1, hard-negative merges.

Pure functions over ``{item: cluster}`` mappings so tests, benchmarks and notebooks score the same way. It lives
with the simulated web (test bench, never imported by production) because it reads the web's truth pages.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from khabar.simweb.model import PageTruth


def truth_record(t: PageTruth) -> dict[str, Any]:
    """A GUIDE §1.1-like record from a truth page (what a perfect extractor would emit)."""
    return {
        "url": t.url,
        "is_article": t.page_kind == "article",
        "title": t.title,
        "lead": t.lead,
        "body": t.body,
        "published_at": t.published_at,
        "published_jalali": t.published_jalali,
        "news_code": t.news_code,
        "attribution": t.attribution,
        "agency": t.agency,
        "province": t.province,
        "persons": [{"name": p.name, "role": p.role} for p in t.persons],
        "quantities": [{"value": q.value, "unit": q.unit, "text": q.text} for q in t.quantities],
        "event_type": t.event_type,
        "keywords": [],
        "language": "fa",
        "errors": [],
    }


def iter_truth_articles(start: date, end: date, **config: Any) -> Iterator[PageTruth]:
    """Article pages of the default simulated world published in ``[start, end)``."""
    from khabar.simweb.config import SimWebConfig
    from khabar.simweb.truth import iter_truth

    cfg = SimWebConfig(**config) if config else SimWebConfig()
    for t in iter_truth(cfg, start, end):
        if t.page_kind == "article" and t.cluster_id:
            yield t


def _pairs_in(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


@dataclasses.dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    items: int


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(truth: Mapping[str, str], predicted: Mapping[str, str]) -> Scores:
    """Pairwise and B-cubed scores of ``predicted`` against ``truth`` (both item → cluster, same items)."""
    items = [i for i in truth if i in predicted]
    joint = Counter((truth[i], predicted[i]) for i in items)
    t_sizes = Counter(truth[i] for i in items)
    p_sizes = Counter(predicted[i] for i in items)
    tp = _pairs_in(joint.values())
    pred_pairs, true_pairs = _pairs_in(p_sizes.values()), _pairs_in(t_sizes.values())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    # B-cubed: per item, share of its predicted cluster in its true cluster (and the reverse), averaged.
    bp = sum(n * n / p_sizes[pc] for (_, pc), n in joint.items()) / len(items) if items else 1.0
    br = sum(n * n / t_sizes[tc] for (tc, _), n in joint.items()) / len(items) if items else 1.0
    return Scores(precision, recall, _f1(precision, recall), bp, br, _f1(bp, br), len(items))


def hard_negative_false_merges(
    truth: Mapping[str, str], predicted: Mapping[str, str], templated: Iterable[str]
) -> tuple[int, int]:
    """(merged, total) over templated hard-negative items: an item counts as falsely merged when its predicted
    cluster holds any item of another true cluster."""
    members: dict[str, set[str]] = defaultdict(set)
    for i, pc in predicted.items():
        if i in truth:
            members[pc].add(truth[i])
    total = merged = 0
    for i in templated:
        if i not in predicted or i not in truth:
            continue
        total += 1
        if len(members[predicted[i]]) > 1:
            merged += 1
    return merged, total


def cluster_in_memory(records: list[dict], batch: int = 500) -> dict[str, str]:
    """Cluster records (keyed by ``url``) in arrival order with the in-memory matcher, batch by batch as the
    pipeline does; returns url → predicted cluster id."""
    from khabar.dedup.core import MatchCore
    from khabar.dedup.fingerprint import fingerprints

    core = MatchCore()
    out: dict[str, str] = {}
    for s in range(0, len(records), batch):
        chunk = records[s : s + batch]
        fps = fingerprints(chunk)
        store = core.candidates_in_store(fps)
        for rec, fp, cands in zip(chunk, fps, store, strict=True):
            m = core.match(fp, cands)
            cid = m.cluster_id if m else "c-" + rec["url"]
            core.add(fp, cid, rec["url"])
            out[rec["url"]] = cid
        core.flush()
    return out


def truth_rows(truths: Iterable[PageTruth]) -> list[Any]:
    """`ReleaseRow`s as the pipeline would build them from perfectly extracted truth pages."""
    import hashlib
    from datetime import datetime

    from khabar.dedup.text import normalise
    from khabar.urls import canonical_url
    from khabar.warehouse.releases import ReleaseRow

    rows = []
    for t in truths:
        rec = truth_record(t)
        body = " ".join(normalise(t.body or "").split())
        rows.append(
            ReleaseRow(
                record=rec,
                canonical_url=canonical_url(t.url),
                source_id=t.site_id,
                page_id=None,
                fetched_at=datetime.fromisoformat(t.published_at) if t.published_at else datetime.now(),
                extractor_version="truth",
                content_hash=hashlib.sha256(body.encode()).hexdigest()[:32],
                search_text=normalise("\n".join(x for x in (t.title, t.body) if x)),
            )
        )
    return rows
