"""B1 — extraction accuracy and throughput against the simulated web's truth, khabar vs trafilatura + htmldate.

    .venv/bin/python -m bench.b1_extract [--pages N] [--seed S]

Pages are article pages of the default simulated world, spread over every site (so every template family,
encoding and digit habit) and over the whole 1398–1402 range, rendered in-process (no HTTP). Both extractors get
the same decoded page; timings cover extraction only (khabar: ``extract``; baseline: ``trafilatura.bare_extraction``
plus ``htmldate.find_date``), page by page, so every figure is reported overall and per template family
(``PageTruth.template``) from one run.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

from khabar.extractors import extract, search_form

from khabar.simweb.config import SimWebConfig
from khabar.simweb.model import PageTruth
from khabar.simweb.world import World


def sample_pages(pages: int, seed: int = 7) -> list[tuple[PageTruth, bytes, str]]:
    """``pages`` article pages, round-robin over sites, uniformly over each site's history."""
    world = World(SimWebConfig())
    rng = random.Random(seed)
    out: list[tuple[PageTruth, bytes, str]] = []
    totals = {s.site_id: world.catalog.count_through(s, world.today) for s in world.sites}
    seen: set[tuple[str, int]] = set()
    while len(out) < pages:
        for site in world.sites:
            if len(out) >= pages:
                break
            o = rng.randrange(totals[site.site_id])
            if (site.site_id, o) in seen:
                continue
            seen.add((site.site_id, o))
            item = world.catalog.item(site, o)
            if not item.is_article:
                continue
            truth = world.truth(item)
            body, charset = world.render_article(item)
            out.append((truth, body, charset))
    return out


def _tokens(text: str | None) -> Counter[str]:
    return Counter(search_form(text or "").split())


def token_f1(pred: str | None, gold: str | None) -> float:
    p, g = _tokens(pred), _tokens(gold)
    if not p and not g:
        return 1.0
    common = sum((p & g).values())
    if not common:
        return 0.0
    prec, rec = common / sum(p.values()), common / sum(g.values())
    return 2 * prec * rec / (prec + rec)


class PR:
    """Micro-averaged precision/recall over multisets."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, pred: Iterable[Any], gold: Iterable[Any]) -> None:
        p, g = Counter(pred), Counter(gold)
        tp = sum((p & g).values())
        self.tp += tp
        self.fp += sum(p.values()) - tp
        self.fn += sum(g.values()) - tp

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


def _qkey(value: float, unit: str) -> tuple[float, str]:
    return round(float(value), 3), search_form(unit)


def score_khabar(recs: list[dict[str, Any]], truths: list[PageTruth]) -> dict[str, float]:
    n = len(truths)
    persons, quants = PR(), PR()
    c: Counter[str] = Counter()
    f1 = 0.0
    for rec, t in zip(recs, truths, strict=True):
        c["title"] += (rec["title"] or "").strip() == t.title
        c["date"] += (rec["published_at"] or "")[:10] == (
            t.published_day.isoformat() if t.published_day else ""
        )
        c["jalali"] += rec["published_jalali"] == t.published_jalali
        c["news_code"] += rec["news_code"] == t.news_code
        c["lead"] += (rec["lead"] or None) == t.lead
        c["attribution"] += search_form(rec["attribution"] or "") == search_form(t.attribution or "")
        c["agency"] += rec["agency"] == t.agency
        c["province"] += rec["province"] == t.province
        c["event_type"] += rec["event_type"] == t.event_type
        c["is_article"] += bool(rec["is_article"])
        f1 += token_f1(rec["body"], t.body)
        persons.add(
            {search_form(p["name"]) for p in rec["persons"]}, {search_form(p.name) for p in t.persons}
        )
        by_name = {search_form(p["name"]): p for p in rec["persons"]}
        for p in t.persons:
            got = by_name.get(search_form(p.name))
            if got is not None:
                c["roles_seen"] += 1
                c["roles_ok"] += search_form(got["role"] or "") == search_form(p.role)
        quants.add(
            [_qkey(q["value"], q["unit"]) for q in rec["quantities"]],
            [_qkey(q.value, q.unit) for q in t.quantities],
        )
    out = {
        k: c[k] / n
        for k in (
            "title",
            "date",
            "jalali",
            "news_code",
            "lead",
            "attribution",
            "agency",
            "province",
            "event_type",
            "is_article",
        )
    }
    out.update(
        body_f1=f1 / n,
        persons_p=persons.precision,
        persons_r=persons.recall,
        person_role=c["roles_ok"] / max(1, c["roles_seen"]),
        quantities_p=quants.precision,
        quantities_r=quants.recall,
    )
    return out


def run_baseline(pages: list[tuple[PageTruth, bytes, str]]) -> tuple[list[dict[str, Any]], list[float]]:
    import logging

    import htmldate
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    texts = [body.decode(charset, "replace") for _, body, charset in pages]
    out: list[dict[str, Any]] = []
    secs: list[float] = []
    for html in texts:
        t0 = time.perf_counter()
        doc = trafilatura.bare_extraction(html, with_metadata=True)
        try:
            date = htmldate.find_date(html)
        except Exception:
            date = None
        title = getattr(doc, "title", None) if doc is not None else None
        text = getattr(doc, "text", None) if doc is not None else None
        secs.append(time.perf_counter() - t0)
        out.append({"title": title, "date": date, "body": text})
    return out, secs


def score_baseline(recs: list[dict[str, Any]], truths: list[PageTruth]) -> dict[str, float]:
    n = len(truths)
    c: Counter[str] = Counter()
    f1 = 0.0
    for rec, t in zip(recs, truths, strict=True):
        c["title"] += (rec["title"] or "").strip() == t.title
        c["date"] += (rec["date"] or "")[:10] == (t.published_day.isoformat() if t.published_day else "")
        f1 += token_f1(rec["body"], t.body)
    return {
        "title": c["title"] / n,
        "date": c["date"] / n,
        "news_code": 0.0,
        "body_f1": f1 / n,
        "persons_p": 0.0,
        "persons_r": 0.0,
        "quantities_p": 0.0,
        "quantities_r": 0.0,
    }


def _score(
    recs: list[dict[str, Any]], truths: list[PageTruth], secs: list[float], idx: list[int], scorer: Any
) -> dict[str, float]:
    return {
        "pages_per_s": len(idx) / max(1e-9, sum(secs[i] for i in idx)),
        **scorer([recs[i] for i in idx], [truths[i] for i in idx]),
    }


def run(pages: int = 2000, seed: int = 7, baseline: bool = True) -> dict[str, Any]:
    """Render ``pages`` simulated article pages, extract them with khabar (and the baseline), score both, overall
    and per template family."""
    sample = sample_pages(pages, seed)
    truths = [t for t, _, _ in sample]
    extract(
        sample[0][1], url=truths[0].url, encoding=sample[0][2]
    )  # warm the lexicons (read once per process)
    recs: list[dict[str, Any]] = []
    k_secs: list[float] = []
    for t, body, charset in sample:
        t0 = time.perf_counter()
        recs.append(extract(body, url=t.url, encoding=charset))
        k_secs.append(time.perf_counter() - t0)
    everything = list(range(len(sample)))
    by_family: dict[str, list[int]] = {}
    for i, t in enumerate(truths):
        by_family.setdefault(t.template, []).append(i)
    result: dict[str, Any] = {
        "pages": len(sample),
        "templates": dict(Counter(t.template for t in truths)),
        "encodings": dict(Counter(t.encoding for t in truths)),
        "years": dict(sorted(Counter(t.published_jalali[:4] for t in truths if t.published_jalali).items())),
        "khabar": _score(recs, truths, k_secs, everything, score_khabar),
        "families": {
            f: {"pages": len(idx), "khabar": _score(recs, truths, k_secs, idx, score_khabar)}
            for f, idx in sorted(by_family.items())
        },
    }
    if baseline:
        b_recs, b_secs = run_baseline(sample)
        result["baseline"] = _score(b_recs, truths, b_secs, everything, score_baseline)
        result["speedup"] = result["khabar"]["pages_per_s"] / result["baseline"]["pages_per_s"]
        for f, idx in by_family.items():
            fam = result["families"][f]
            fam["baseline"] = _score(b_recs, truths, b_secs, idx, score_baseline)
            fam["speedup"] = fam["khabar"]["pages_per_s"] / fam["baseline"]["pages_per_s"]
    return result


_ROWS = (
    "pages_per_s",
    "title",
    "date",
    "body_f1",
    "news_code",
    "is_article",
    "persons_p",
    "persons_r",
    "quantities_p",
    "quantities_r",
    "jalali",
    "lead",
    "attribution",
    "agency",
    "province",
    "event_type",
    "person_role",
)


def table(result: dict[str, Any]) -> str:
    k, b = result["khabar"], result.get("baseline", {})
    lines = [
        f"B1 extraction over {result['pages']} simulated article pages {result['templates']} {result['encodings']}",
        f"{'metric':<14}{'khabar':>10}{'trafilatura+htmldate':>24}",
    ]
    for row in _ROWS:
        kv = k.get(row)
        bv = b.get(row)
        fmt = "{:>10.1f}" if row == "pages_per_s" else "{:>10.4f}"
        bfmt = "{:>24.1f}" if row == "pages_per_s" else "{:>24.4f}"
        lines.append(
            f"{row:<14}"
            + (fmt.format(kv) if kv is not None else f"{'-':>10}")
            + (bfmt.format(bv) if bv is not None else f"{'n/a':>24}")
        )
    if "speedup" in result:
        lines.append(f"speed-up: {result['speedup']:.1f}x")
    lines.append("")
    lines.append(family_table(result))
    return "\n".join(lines)


# Per-family columns: (label, side, key); "k" = khabar, "b" = trafilatura + htmldate.
_FAMILY_COLS = (
    ("title", "k", "title"),
    ("title_b", "b", "title"),
    ("date", "k", "date"),
    ("date_b", "b", "date"),
    ("body_f1", "k", "body_f1"),
    ("body_b", "b", "body_f1"),
    ("code", "k", "news_code"),
    ("is_art", "k", "is_article"),
    ("pers_p", "k", "persons_p"),
    ("pers_r", "k", "persons_r"),
    ("qty_p", "k", "quantities_p"),
    ("qty_r", "k", "quantities_r"),
    ("pg/s", "k", "pages_per_s"),
    ("pg/s_b", "b", "pages_per_s"),
)


def family_table(result: dict[str, Any]) -> str:
    """Every figure per template family (``_b`` columns: trafilatura + htmldate in the same run)."""
    head = (
        f"{'family':<12}{'pages':>6}"
        + "".join(f"{label:>9}" for label, _, _ in _FAMILY_COLS)
        + f"{'speed-up':>10}"
    )
    lines = ["B1 per template family", head]
    rows = [
        *result["families"].items(),
        (
            "ALL",
            {
                "pages": result["pages"],
                "khabar": result["khabar"],
                "baseline": result.get("baseline"),
                "speedup": result.get("speedup"),
            },
        ),
    ]
    for fam, d in rows:
        cells = []
        for _, side, key in _FAMILY_COLS:
            src = d.get("khabar" if side == "k" else "baseline") or {}
            v = src.get(key)
            cells.append(
                f"{'n/a':>9}" if v is None else (f"{v:>9.1f}" if key == "pages_per_s" else f"{v:>9.4f}")
            )
        sp = d.get("speedup")
        lines.append(
            f"{fam:<12}{d['pages']:>6}" + "".join(cells) + (f"{sp:>9.1f}x" if sp else f"{'n/a':>10}")
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument(
        "--json", metavar="FILE", help="also write the full result (overall and per family) as JSON"
    )
    args = ap.parse_args(argv)
    result = run(args.pages, args.seed, baseline=not args.no_baseline)
    print(table(result))
    if args.json:
        import json

        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
