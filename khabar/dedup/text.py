"""Normalised tokens, shingle hashes, the exact-text key and hard-negative guard features of one record.

Everything here is deterministic across processes (CRC32 and fixed 64-bit multipliers, never ``hash()``),
because signatures and features are stored in DuckDB and compared with those computed by later runs.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

import numpy as np

_MASK64 = (1 << 64) - 1
# Odd 64-bit multipliers for combining token hashes into shingle hashes (fixed forever: stored data uses them).
_MULT = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                  0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
                 dtype=np.uint64)  # fmt: skip
# Words after which the next token names a place or a person: templated notices vary exactly there.
CUE_WORDS = frozenset(
    [
        "شهرستان",
        "استان",
        "شهر",
        "روستای",
        "روستا",
        "بخش",
        "دهستان",
        "منطقه",
        "آقای",
        "خانم",
        "دکتر",
        "مهندس",
        "سرهنگ",
        "سردار",
        "سرتیپ",
        "حجت",
        "الاسلام",
        "والمسلمین",
        "استاندار",
        "فرماندار",
        "بخشدار",
        "شهردار",
        "مدیرکل",
        "رئیس",
    ]
)
# Jalali months and weekdays (normalised, glued): part of a date run when next to a number.
DATE_WORDS = frozenset(
    ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "امرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن",
     "اسفند", "شنبه", "یکشنبه", "دوشنبه", "سه", "سهشنبه", "چهارشنبه", "پنج", "پنجشنبه", "جمعه")
)  # fmt: skip
_MARKED = DATE_WORDS | CUE_WORDS
_LOW32_MASK = 0xFFFFFFFF
_TOKEN_CACHE: dict[str, int] = {}
_DIGIT_CHARS = "0123456789"


_REPLACE: tuple[tuple[str, str], ...] = (
    *zip("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2, strict=True),
    ("ي", "ی"),
    ("ى", "ی"),
    ("ك", "ک"),
    ("ۀ", "ه"),
    ("ة", "ه"),
    ("ٱ", "ا"),
    ("\u200c", " "),
    ("٫", "."),
)
_DROP = re.compile("[\u064b-\u065f\u0670\u0640\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")


def normalise(text: str) -> str:
    """Same unification as `extractors.search_form` (ی/ک, digits, ZWNJ) but ~10× faster: chained `str.replace`
    (C memchr loops) instead of `str.translate`, which walks a dict per character on non-Latin text."""
    if not text:
        return ""
    for src, dst in _REPLACE:
        if src in text:
            text = text.replace(src, dst)
    if _DROP.search(text):
        text = _DROP.sub("", text)
    return text.lower()


_PUNCT = "،؛:.؟?!«»\"'()[]{}-–—_/\\,;…*+=<>|#%٪٬•“”‘’\t\r\u00a0"
# Bound morphemes written with ZWNJ, a space or nothing at all: glued to their word so all spellings agree.
_GLUE: tuple[tuple[str, str], ...] = (
    (" نمی ", " نمی"), (" می ", " می"),
    *((f" {m} ", f"{m} ") for m in ("هایشان", "هایتان", "هایمان", "هایی", "هایم", "هایش", "های", "ها", "اند",
                                     "ایم", "اید", "ترین", "تر")),
)  # fmt: skip


def _glued(norm: str) -> str:
    """Punctuation as spaces and bound morphemes joined to their word («می شود» → «میشود», «آسیب های» →
    «آسیبهای»), with chained `str.replace` (a regex pass here cost 3-4× more)."""
    for c in _PUNCT:
        if c in norm:
            norm = norm.replace(c, " ")
    norm = " " + norm.replace("\n", " \n ") + " "
    for src, dst in _GLUE:
        if src in norm:
            norm = norm.replace(src, dst)
            if src in norm:  # overlapping runs («می می»): one more pass
                norm = norm.replace(src, dst)
    return norm


def tokens(text: str) -> list[str]:
    """Words and numbers of the normalised text, punctuation dropped (copies re-punctuate freely) and bound
    morphemes glued, so ZWNJ, space and no-space spellings give the same tokens."""
    return _glued(normalise(text)).split()


BREAK = "¶"  # line-break token: guard contexts never run across paragraphs


def tokens_with_breaks(text: str) -> list[str]:
    """`tokens` with a `BREAK` token at every line break (one normalisation pass for the whole text)."""
    return _glued(normalise(text).replace("\n", " ¶ ")).split()


def _new_id(t: str) -> int:
    v = _TOKEN_CACHE[t] = zlib.crc32(t.encode()) | 1
    return v


def token_ids(toks: list[str]) -> np.ndarray:
    """Stable 32-bit ids (CRC32) of tokens, cached per process."""
    cache = _TOKEN_CACHE
    if len(cache) > 2_000_000:
        cache.clear()
    return np.array([cache[t] if t in cache else _new_id(t) for t in toks], dtype=np.uint64)


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads combined token ids over all 64 bits."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def shingle_hashes(ids: np.ndarray, k: int) -> np.ndarray:
    """Distinct 64-bit hashes of the word k-shingles (the whole text as one shingle when shorter than k)."""
    n = len(ids)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    k = min(k, n)
    with np.errstate(over="ignore"):
        h = np.zeros(n - k + 1, dtype=np.uint64)
        for j in range(k):
            h += ids[j : n - k + 1 + j] * _MULT[j]
        return np.unique(_mix(h))


def exact_key(toks: list[str]) -> int:
    """Exact-duplicate key: 63-bit hash of the normalised token stream (identical text up to variants)."""
    return int.from_bytes(zlib.crc32(" ".join(toks).encode()).to_bytes(4, "big") +
                          zlib.adler32(" ".join(toks).encode()).to_bytes(4, "big"), "big") & (_MASK64 >> 1)  # fmt: skip


def _ctx(kind: int, a: int, b: int) -> int:
    """32-bit context hash of two token ids (integer arithmetic: no string building per feature)."""
    return ((((a * 0x9E3779B1) ^ b) * 0x85EBCA77 + kind * 0xC2B2AE3D) >> 7) & _LOW32_MASK


def _h32(s: str) -> int:
    return zlib.crc32(s.encode())


def guard_features(toks: list[str], persons: Iterable[dict] | None = None) -> np.ndarray:
    """(context, value) pairs at the slots templated notices vary: numbers and dates (with their neighbouring
    words as context), the word after a place/person cue word, and the name under each stated role.

    ``toks`` come from `tokens_with_breaks`. Two records conflict when they share a context but never the value
    there (see `conflicts`). Encoded as uint64 ``context << 32 | value``, sorted: storage is a byte string.
    """
    feats: set[int] = set()
    n = len(toks)
    cache = _TOKEN_CACHE

    def tid(t: str) -> int:
        return cache[t] if t in cache else _new_id(t)

    marks = [i for i, t in enumerate(toks) if t[0] in _DIGIT_CHARS or t in _MARKED]
    slots = {i for i in marks if toks[i][0] in _DIGIT_CHARS or toks[i] in DATE_WORDS}
    done = -1
    for i in marks:
        if i <= done:
            continue
        if i not in slots:  # a cue word: the next word names a place or a person
            if i + 1 < n and i + 1 not in slots and toks[i + 1] != BREAK:
                p1 = toks[i - 1] if i > 0 else BREAK
                feats.add(_ctx(1, tid(p1), tid(toks[i])) << 32 | tid(toks[i + 1]))
            continue
        # A run of numbers and date words («سه شنبه 15 فروردین 1402», «4800»): one value, whose context is the
        # nearest words outside the run, so adjacent slots cannot hide each other's context.
        j = i
        while j + 1 in slots:
            j += 1
        done = j
        run = toks[i : j + 1]
        if any(t[0] in _DIGIT_CHARS for t in run):
            p1 = toks[i - 1] if i > 0 else BREAK
            p2 = toks[i - 2] if i > 1 else BREAK
            n1 = toks[j + 1] if j + 1 < n else BREAK
            n2 = toks[j + 2] if j + 2 < n else BREAK
            v = tid(run[0]) if len(run) == 1 else _h32(" ".join(run))
            a1, b1 = tid(p1), tid(n1)
            feats.add(_ctx(2, a1, b1) << 32 | v)
            feats.add(_ctx(3, tid(p2), a1) << 32 | v)
            feats.add(_ctx(4, b1, tid(n2)) << 32 | v)
    for p in persons or ():
        role, name = p.get("role"), p.get("name")
        if role and name:
            # Spaces dropped altogether: names are spelt with ZWNJ, a space or nothing («شجاع‌پور»).
            feats.add(
                _h32("p|" + "".join(normalise(role).split())) << 32 | _h32("".join(normalise(name).split()))
            )
    return np.array(sorted(feats), dtype=np.uint64)


_LOW32 = 0xFFFFFFFF


def conflicts(a: np.ndarray | list[int], b: np.ndarray | list[int]) -> int:
    """How many distinct values of ``a`` sit in contexts both records have but never with a common value:
    0 for copies of one release, 1 for a release whose single figure was corrected later, several for
    templated siblings (every figure, the date and the place differ). Plain Python sets: on ~40 features
    they are ~10× faster than numpy's set routines."""
    if len(a) == 0 or len(b) == 0:
        return 0
    sa = set(a.tolist() if isinstance(a, np.ndarray) else a)
    sb = set(b.tolist() if isinstance(b, np.ndarray) else b)
    common = sa & sb
    agreeing = {x >> 32 for x in common}
    ctx_b = {x >> 32 for x in sb}
    return len({x & _LOW32 for x in sa - common if (c := x >> 32) in ctx_b and c not in agreeing})
