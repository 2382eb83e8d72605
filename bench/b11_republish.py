"""B11 republication: clustering of real releases republished the way agencies do it, against a MinHash-LSH baseline.

Builds its own hard set from ``../shared/corpus/`` (900 real Fars News articles; never copied into the repo;
skipped when absent). Each article long enough is a release; copies of it are made with one edit type each
(brief, trimmed below 60 %, paragraphs dropped, ZWNJ lost and words joined, numbers in words, new headline,
preamble and closing added, lead merged into the body or removed, Arabic letters, and a few edits combined), and
hard negatives are made from it that are *other* releases: the same template for another city with other figures,
another date, another person, other figures written in words (with a copy in digits), and a follow-up story that
keeps one paragraph of the release and adds new content; each release gets the first of these kinds, in turn, that
its opening admits. «Another person» swaps a first name + surname that the gazetteer name lists find in the opening
(`_person_in`), so where a person is named is decided without khabar's extractor. Records arrive shuffled, batch by batch as in the
pipeline, with persons extracted as the pipeline does (outside the timings).

Reports pairwise and B-cubed P/R/F1 overall and per edit type (the release plus its copies of that type), copy
recall per edit type, false merges per negative type (records of a negative cluster whose predicted cluster also
holds another release's records), and docs/s — for khabar's matcher and for a datasketch MinHash-LSH baseline
(word 5-shingles, 128 permutations, threshold 0.5) in the same run.
"""

from __future__ import annotations

import argparse
import ast
import functools
import json
import random
import re
import time
from pathlib import Path
from typing import Any

from khabar.extractors.jalali import JALALI_MONTHS

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
BATCH = 500
EDITS = (
    "brief",
    "trimmed",
    "dropped",
    "zwnj_joined",
    "numbers_words",
    "new_headline",
    "preamble",
    "lead_merged",
    "lead_removed",
    "arabic",
    "combined",
)
NEGATIVES = ("other_city", "other_date", "other_person", "figures_in_words", "follow_up")

_ONES = ["", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه"]
_TEENS = ["ده", "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده"]
_TENS = ["", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود"]
_HUNDREDS = ["", "یکصد", "دویست", "سیصد", "چهارصد", "پانصد", "ششصد", "هفتصد", "هشتصد", "نهصد"]
_MONTHS = JALALI_MONTHS
_PREAMBLES = (
    "به گزارش خبرنگار اقتصادی خبرگزاری پیام ملت به نقل از روابط عمومی {org}، ",
    "به گزارش پایگاه خبری نوین خبر از {city}، ",
    "به گزارش گروه استان‌های خبرگزاری صدای استان، ",
    "به گزارش خبرنگار ما، به نقل از پایگاه اطلاع‌رسانی {org}، ",
)
_CLOSINGS = (
    "انتهای پیام/",
    "انتهای پیام",
    "پایان خبر. خبرگزاری پیام ملت، نخستین خبرگزاری مستقل استان‌ها",
    "/ انتهای خبر /",
)
_ATTRIBUTION = re.compile(r"^به گزارش [^،]{0,80}،\s*")
_HEAD_DECOR = ("+ تصاویر", "| فیلم", "/ جزئیات", "؛ گزارش تصویری")
_JOINABLE = re.compile(
    r"(?<=\S) (?=(?:ها|های|هایی|ای|تر|ترین|اند|ایم|شود|شد|کند|کرد)\b)|(?<=\bمی) |(?<=\bنمی) "
)


def _words3(n: int) -> str:
    h, t, o = n // 100, n // 10 % 10, n % 10
    out = [_HUNDREDS[h]] if h else []
    if t == 1:
        out.append(_TEENS[o])
    else:
        if t:
            out.append(_TENS[t])
        if o:
            out.append(_ONES[o])
    return " و ".join(out)


def number_words(n: int) -> str:
    """A non-negative integer in Persian words («۲۵۰۰» → «دو هزار و پانصد»); for building copies only."""
    if n == 0:
        return "صفر"
    parts = []
    for scale, name in ((10**9, "میلیارد"), (10**6, "میلیون"), (10**3, "هزار"), (1, "")):
        k = n // scale % 1000
        if k:
            parts.append((_words3(k) + (" " + name if name else "")).strip())
    return " و ".join(parts)


_NUM = re.compile(r"(?<![\d٫./,٬])(\d{1,9})(?![\d٫./,٬])")


def _latin(text: str) -> str:
    return text.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2))


def _in_words(text: str) -> str:
    return _NUM.sub(lambda m: number_words(int(m.group(1))), _latin(text))


def _new_figures(text: str, rng: random.Random) -> str:
    def repl(m: re.Match) -> str:
        v = int(m.group(1))
        if 1300 <= v <= 1405 or 1900 <= v <= 2030 or v == 0:  # years are the date, not a figure
            return m.group(1)
        return str(v + rng.randint(1, max(3, v // 3)))

    return _NUM.sub(repl, _latin(text))


def _load() -> list[dict[str, Any]]:
    from khabar.extractors.normalize import unify_letters

    items = []
    for f in sorted(CORPUS.glob("fars-news-*.json")):
        for it in json.loads(f.read_text(encoding="utf-8")):
            paras = it.get("paragraphs") or []
            if isinstance(paras, str):
                try:
                    paras = ast.literal_eval(paras)
                except (ValueError, SyntaxError):
                    continue
            paras = [unify_letters(" ".join(p.split())) for p in paras if p and len(p.split()) >= 6]
            items.append(
                {
                    "title": unify_letters(it.get("title") or ""),
                    "lead": unify_letters(it.get("abstract") or ""),
                    "paras": paras,
                    "link": it.get("link") or "",
                }
            )
    return _distinct(items)


def _distinct(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The corpus holds some stories twice (re-crawled, or re-issued with another headline): truth would call
    two copies of one text two releases. The first item of each title, lead or opening paragraph is kept."""
    from khabar.dedup.text import tokens

    seen: set[str] = set()
    out = []
    for it in items:
        keys = {"t:" + " ".join(tokens(it["title"]))} | {
            "p:" + " ".join(tokens(p)) for p in [it["lead"], *it["paras"][:2]] if p
        }
        if keys & seen:
            continue
        seen |= keys
        out.append(it)
    return out


def _rec(url: str, title: str, lead: str, paras: list[str]) -> dict[str, Any]:
    return {
        "url": url,
        "title": title,
        "lead": lead,
        "body": "\n\n".join(p for p in paras if p),
        "persons": [],
    }


def _edit(kind: str, rel: dict, rng: random.Random, titles: list[str]) -> dict[str, Any]:
    """One copy of release ``rel`` with edit ``kind``."""
    title, lead, paras = rel["title"], rel["lead"], list(rel["paras"])
    if kind == "brief":
        return _rec("", title, "", paras[:2])
    if kind == "trimmed":  # under 60 % of the words, cut at a sentence end where there is one
        words = " ".join(paras).split()
        keep = " ".join(words[: max(30, int(len(words) * rng.uniform(0.35, 0.55)))])
        cut = keep.rfind(".")
        return _rec("", title, lead, [keep[: cut + 1] if cut > len(keep) // 2 else keep])
    if kind == "dropped":
        k = max(1, len(paras) // 3)
        drop = set(rng.sample(range(1, len(paras)), min(k, len(paras) - 1)))
        return _rec("", title, lead, [p for i, p in enumerate(paras) if i not in drop])
    if kind == "zwnj_joined":
        f = lambda s: _JOINABLE.sub("", s.replace("\u200c", ""))  # noqa: E731
        return _rec("", f(title), f(lead), [f(p) for p in paras])
    if kind == "numbers_words":
        return _rec("", title, _in_words(lead), [_in_words(p) for p in paras])
    if kind == "new_headline":
        other = rng.choice(titles).split()
        head = " ".join(lead.split()[rng.randint(0, 3) :][:9]) or " ".join(other[:6])
        return _rec("", f"{head} {rng.choice(_HEAD_DECOR)}", lead, paras)
    if kind == "preamble":
        org = rng.choice(("استانداری تهران", "اداره کل راه و شهرسازی", "شرکت آب منطقه‌ای", "فرمانداری"))
        pre = rng.choice(_PREAMBLES).format(org=org, city=rng.choice(("کرمان", "شیراز", "تبریز")))
        first = _ATTRIBUTION.sub("", paras[0])
        return _rec("", title, lead, [pre + first, *paras[1:], rng.choice(_CLOSINGS)])
    if kind == "lead_merged":
        return _rec("", title, "", [lead, *paras])
    if kind == "lead_removed":
        return _rec("", title, "", paras)
    if kind == "arabic":
        f = lambda s: s.replace("ی", "ي").replace("ک", "ك")  # noqa: E731
        return _rec("", f(title), f(lead), [f(p) for p in paras])
    if kind == "combined":  # preamble + ZWNJ lost + a paragraph dropped + new headline
        c = _edit("preamble", rel, rng, titles)
        c = _edit(
            "zwnj_joined",
            {"title": c["title"], "lead": c["lead"], "paras": c["body"].split("\n\n")},
            rng,
            titles,
        )
        ps = c["body"].split("\n\n")
        if len(ps) > 3:
            del ps[rng.randrange(1, len(ps) - 1)]
        return _rec("", f"{' '.join(c['title'].split()[::-1][:7])}", c["lead"], ps)
    raise ValueError(kind)


GAZETTEERS = Path(__file__).resolve().parents[1] / "config" / "gazetteers"
_WORD_END = "،؛:.؟!«»\"'()[]/-"


def _name_file(name: str) -> tuple[set[str], set[str]]:
    """([strong], [common]) entries of a gazetteer name file, as written (one word or several)."""
    strong: set[str] = set()
    common: set[str] = set()
    cur = strong
    for line in (GAZETTEERS / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line in ("[strong]", "[common]"):
            cur = strong if line == "[strong]" else common
        elif line and not line.startswith("#"):
            cur.add(line)
    return strong, common


@functools.cache
def _name_lists() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(first names, surnames, surname suffixes) where the «another person» negative looks for a person: the
    gazetteer files read here directly (`first_names.txt`, `surnames.txt`: farsi-faker 1.9.0, MIT; the curated
    lists of `persons.yaml`), never khabar's person extractor, so the set does not grade khabar with its own
    output. A first name counts when it is no ordinary word ([strong], or curated and not «ambiguous»: «تقدیر
    کرد» is a verb, «بهمن» a month); any surname counts after one, unless it is a first name too («محمد حسن»)
    or a verb form (hazm's `verbs.dat`: «کرد», which the surname alone would replace in «عنوان کرد»)."""
    import yaml
    from khabar.extractors.gazetteer import verb_forms

    lex = yaml.safe_load((GAZETTEERS / "persons.yaml").read_text(encoding="utf-8"))
    fs, fc = _name_file("first_names.txt")
    ss, sc = _name_file("surnames.txt")
    titles = {*lex["not_first_names"], *lex["honorifics"], *lex["name_prefixes"], *JALALI_MONTHS}
    suffixes = frozenset(lex["surname_suffixes"])
    any_first = fs | fc | set(lex["first_names"]) | set(lex["ambiguous_first_names"])
    first = (fs | set(lex["first_names"])) - set(lex["ambiguous_first_names"]) - titles
    last = (ss | sc | set(lex["surnames"])) - titles - any_first - suffixes - verb_forms()
    return (
        frozenset(w for w in first if " " not in w),
        frozenset(w for w in last if " " not in w),
        suffixes,
    )


@functools.cache
def _replacement_names() -> tuple[list[str], list[str]]:
    """First names and surnames another person is given: [strong] entries (no ordinary word), sorted (the
    seeded choice is reproducible)."""
    fs, _ = _name_file("first_names.txt")
    ss, _ = _name_file("surnames.txt")
    first, last, _ = _name_lists()
    return sorted(w for w in fs if w in first), sorted(w for w in ss if w in last)


def _person_in(text: str) -> tuple[str, str] | None:
    """The first «first name + surname» of ``text`` found in the gazetteer lists (`_name_lists`), but where a
    suffix or another surname follows («حسین علی زاده», «غلامرضا کرد زنگنه»: the surname is longer)."""
    first, last, suffixes = _name_lists()
    words = [w.strip(_WORD_END) for w in text.split()] + [""]
    for a, b, c in zip(words, words[1:], words[2:], strict=False):
        if a in first and b in last and c not in suffixes and c not in last:
            return a, b
    return None


def _places_in(text: str) -> list[str]:
    """Gazetteer places named in ``text``, longest first; those the gazetteer calls ambiguous are left out
    («نور» of «پیام نور», «بهار» the season, «اندیشه» the word: swapping them makes no other release)."""
    from khabar.extractors.gazetteer import places

    pl = places()
    found = {m.group(0) for m in pl.pattern.finditer(text)} - pl.ambiguous
    return sorted(found, key=len, reverse=True)


def _negative(
    kind: str,
    rel: dict,
    rng: random.Random,
    pool: list[dict],
    all_places: list[str],
) -> dict[str, Any] | None:
    """Another release built from ``rel``, or None when ``rel`` has nothing that kind can change in its opening
    paragraph. Templated notices differ where they say who, where, when and how much: in the opening. A sibling
    that differed only in a later paragraph would have the same brief («the first two paragraphs») as ``rel``,
    and a brief of one text is a copy of both: no matcher can tell which it belongs to."""
    from khabar.dedup.text import tokens

    other = _sibling(kind, rel, rng, pool, all_places)
    if other is None or kind == "follow_up":
        return other
    # the opening must say something else: not only write its numbers in words, nor only name another place in
    # its attribution clause («به گزارش خبرگزاری فارس از همدان،»), which republishers rewrite anyway
    first = tokens(_ATTRIBUTION.sub("", other["body"].split("\n\n")[0]))
    own = _ATTRIBUTION.sub("", rel["paras"][0])
    if first in (tokens(own), tokens(_in_words(own))):
        return None
    return other


def _sibling(
    kind: str,
    rel: dict,
    rng: random.Random,
    pool: list[dict],
    all_places: list[str],
) -> dict[str, Any] | None:
    """Another release built from ``rel`` (None when ``rel`` has nothing that kind can change)."""
    title, lead, paras = rel["title"], rel["lead"], list(rel["paras"])
    text = "\n".join([title, lead, *paras])
    if kind in ("other_city", "figures_in_words"):
        # places of the body past its attribution clause (never «فارس» of «خبرگزاری فارس»)
        found = [p for p in _places_in(" ".join(paras)[60:]) if p != "فارس"]
        if not found or not _NUM.search(_latin(" ".join(paras))):
            return None
        swap = {p: rng.choice([q for q in all_places if q not in found and len(q) > 2]) for p in found}

        def f(s: str) -> str:
            for p, q in swap.items():
                s = re.sub(rf"(?<![\w\u200c]){re.escape(p)}(?![\w\u200c])", q, s)
            s = _new_figures(s, rng)
            return _in_words(s) if kind == "figures_in_words" else s

        return _rec("", f(title), f(lead), [f(p) for p in paras])
    if kind == "other_date":
        pat = re.compile(r"(\d{1,2}|[۰-۹]{1,2}) (" + "|".join(_MONTHS) + ")")
        if not pat.search(text):
            return None

        def f(s: str) -> str:
            return pat.sub(
                lambda m: (
                    f"{int(_latin(m.group(1))) % 28 + 1} {_MONTHS[(_MONTHS.index(m.group(2)) + 3) % 12]}"
                ),
                s,
            )

        return _rec("", title, f(lead), [f(p) for p in paras])
    if kind == "other_person":
        found = _person_in(paras[0])
        if found is None:
            return None
        src_first, src_last = found
        first_pool, last_pool = _replacement_names()
        dst_last = rng.choice([s for s in last_pool if s != src_last and s not in text])
        dst_first = rng.choice([f for f in first_pool if f != src_first])

        def g(x: str) -> str:
            x = re.sub(
                rf"(?<![\w\u200c]){re.escape(src_first)} {re.escape(src_last)}(?![\w\u200c])",
                f"{dst_first} {dst_last}",
                x,
            )
            return re.sub(rf"(?<![\w\u200c]){re.escape(src_last)}(?![\w\u200c])", dst_last, x)

        return _rec("", g(title), g(lead), [g(p) for p in paras])
    if kind == "follow_up":  # the same event, days later: one background paragraph kept, new content added
        other = pool.pop() if pool else None  # an article that is not a release of the set, used once
        if other is None:
            return None
        return _rec("", "ادامه " + title, other["lead"], [*other["paras"][:3], paras[0]])
    raise ValueError(kind)


def build(seed: int = 11, limit: int | None = None) -> tuple[list[dict], dict[str, str], dict[str, str]]:
    """(records in arrival order, url → true release, url → edit or negative type, "release" for originals)."""
    from khabar.extractors.persons import extract_persons

    items = [
        it for it in _load() if len(it["paras"]) >= 4 and it["lead"] and len(" ".join(it["paras"])) >= 900
    ]
    fillers = items[4::5]  # never releases: the new content of follow-up stories
    items = [it for i, it in enumerate(items) if i % 5 != 4]
    if limit:
        items = items[:limit]
    titles = [it["title"] for it in items]
    from khabar.extractors.gazetteer import places

    pl = places()
    all_places = sorted(set(pl.county_to_province) - pl.ambiguous)
    records, truth, kind = [], {}, {}

    def put(rec: dict, rel: str, k: str) -> None:
        rec["url"] = f"{k}/{len(records)}"
        records.append(rec)
        truth[rec["url"]] = rel
        kind[rec["url"]] = k

    for n, it in enumerate(items):
        rel = f"r{n}"
        # one generator per release: changing how one kind of copy is made leaves the other releases' as they were
        rng = random.Random(f"{seed}/{n}")
        put(_rec("", it["title"], it["lead"], it["paras"]), rel, "release")
        for e in rng.sample(EDITS, 4):  # four copies per release, each with one edit type
            put(_edit(e, it, rng, titles), rel, e)
        # one negative per release: the first kind, in turn from the release's number, that it admits (a
        # release naming no person, date or place gives another kind rather than none)
        for k in range(len(NEGATIVES)):
            neg = NEGATIVES[(n + k) % len(NEGATIVES)]
            other = _negative(neg, it, rng, fillers, all_places)
            if other is not None:
                break
        if other is not None:  # another release, and a copy of it: a cluster of its own
            put(other, f"{rel}-{neg}", neg)
            oth = {"title": other["title"], "lead": other["lead"], "paras": other["body"].split("\n\n")}
            put(
                _edit(rng.choice(("preamble", "arabic", "new_headline")), oth, rng, titles),
                f"{rel}-{neg}",
                neg,
            )
    random.Random(seed).shuffle(records)
    for r in records:
        r["persons"] = extract_persons([r["title"], r["lead"], *r["body"].split("\n\n")])
    return records, truth, kind


# ------------------------------------------------------------------------------------------------ matchers
def khabar_clusters(records: list[dict]) -> dict[str, str]:
    from khabar.simweb.dedup_eval import cluster_in_memory

    return cluster_in_memory(records, batch=BATCH)


def baseline_clusters(records: list[dict], threshold: float = 0.5, num_perm: int = 128) -> dict[str, str]:
    """datasketch MinHash-LSH over word 5-shingles of the normalised plain text; a record joins the cluster of
    its most similar earlier candidate above the threshold."""
    from datasketch import MinHash, MinHashLSH

    from khabar.dedup.text import tokens

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    sigs: dict[str, MinHash] = {}
    out: dict[str, str] = {}
    for r in records:
        toks = tokens("\n".join(x for x in (r["title"], r["lead"], r["body"]) if x))
        sh = {" ".join(toks[i : i + 5]).encode() for i in range(max(1, len(toks) - 4))}
        m = MinHash(num_perm=num_perm)
        m.update_batch(list(sh))
        cands = lsh.query(m)
        best = max(cands, key=lambda c: m.jaccard(sigs[c]), default=None)
        out[r["url"]] = out[best] if best is not None else r["url"]
        lsh.insert(r["url"], m)
        sigs[r["url"]] = m
    return out


# ------------------------------------------------------------------------------------------------ scoring
def report(truth: dict[str, str], kind: dict[str, str], pred: dict[str, str]) -> dict[str, Any]:
    from khabar.simweb.dedup_eval import hard_negative_false_merges, score

    s = score(truth, pred)
    out: dict[str, Any] = {
        "pairwise": [round(x, 4) for x in (s.precision, s.recall, s.f1)],
        "bcubed": [round(x, 4) for x in (s.bcubed_precision, s.bcubed_recall, s.bcubed_f1)],
    }
    originals = {truth[u]: u for u, k in kind.items() if k == "release"}
    per = []
    for e in EDITS:
        copies = [u for u, k in kind.items() if k == e]
        items = set(copies) | {originals[truth[u]] for u in copies}
        sub = score({u: truth[u] for u in items}, {u: pred[u] for u in items})
        joined = sum(pred[u] == pred[originals[truth[u]]] for u in copies)
        per.append(
            {
                "edit": e,
                "copies": len(copies),
                "recall": round(joined / max(1, len(copies)), 4),
                "pair_f1": round(sub.f1, 4),
                "bcubed_f1": round(sub.bcubed_f1, 4),
                "pair_p": round(sub.precision, 4),
            }
        )
    out["edits"] = per
    negs = []
    for ng in NEGATIVES:
        members = [u for u, k in kind.items() if k == ng]
        merged, total = hard_negative_false_merges(truth, pred, members)
        negs.append({"negative": ng, "records": total, "false_merges": merged})
    out["negatives"] = negs
    out["false_merges"] = sum(x["false_merges"] for x in negs)
    return out


def run(limit: int | None = None, seed: int = 11) -> dict[str, Any]:
    if not CORPUS.is_dir() or not any(CORPUS.glob("fars-news-*.json")):
        return {"skipped": f"no corpus at {CORPUS}"}
    records, truth, kind = build(seed, limit)
    res: dict[str, Any] = {"records": len(records), "releases": len(set(truth.values()))}
    rows = []
    for name, fn in (("khabar", khabar_clusters), ("minhash_lsh", baseline_clusters)):
        t0 = time.perf_counter()
        pred = fn([dict(r) for r in records])
        dt = time.perf_counter() - t0
        rep = report(truth, kind, pred)
        res[name] = rep
        rows.append(
            {
                "matcher": name,
                "docs_per_s": round(len(records) / dt),
                "pair_p_r_f1": rep["pairwise"],
                "bcubed_p_r_f1": rep["bcubed"],
                "false_merges": rep["false_merges"],
                "min_edit_recall": min(x["recall"] for x in rep["edits"]),
            }
        )
    res["rows"] = rows
    res["edits"] = [
        {
            "edit": a["edit"],
            "copies": a["copies"],
            "khabar_recall": a["recall"],
            "khabar_bcubed_f1": a["bcubed_f1"],
            "lsh_recall": b["recall"],
            "lsh_bcubed_f1": b["bcubed_f1"],
        }
        for a, b in zip(res["khabar"]["edits"], res["minhash_lsh"]["edits"], strict=True)
    ]
    res["negatives"] = [
        {
            "negative": a["negative"],
            "records": a["records"],
            "khabar_false_merges": a["false_merges"],
            "lsh_false_merges": b["false_merges"],
        }
        for a, b in zip(res["khabar"]["negatives"], res["minhash_lsh"]["negatives"], strict=True)
    ]
    return res


def main() -> None:
    from bench.common import table

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--limit", type=int, default=None, help="releases to use (default: all eligible)")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    res = run(args.limit, args.seed)
    if "skipped" in res:
        print(res["skipped"])
        return
    print(f"records {res['records']}, releases {res['releases']}")
    for key in ("rows", "edits", "negatives"):
        print(table(res[key]))


if __name__ == "__main__":
    main()
