"""Normalised tokens, shingle hashes, the exact-text key and hard-negative guard features of one record.

Everything here is deterministic across processes (CRC32 and fixed 64-bit multipliers, never ``hash()``),
because signatures and features are stored in DuckDB and compared with those computed by later runs.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import compress

import numpy as np

from khabar.extractors.jalali import JALALI_MONTHS

_MASK64 = (1 << 64) - 1
# Odd 64-bit multipliers for combining token hashes into shingle hashes (fixed forever: stored data uses them).
_MULT = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0x94D049BB133111EB,
        0xBF58476D1CE4E5B9,
    ],
    dtype=np.uint64,
)
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
# Date words: the twelve Jalali months (one list, khabar.extractors.jalali) and weekdays; part of a date run when next
# to a number.
DATE_WORDS = frozenset(
    (
        *JALALI_MONTHS,
        "امرداد",
        *(m + "ماه" for m in JALALI_MONTHS),  # «شهریورماه»: a month and «ماه» written as one word
        "شنبه",
        "یکشنبه",
        "دوشنبه",
        "سه",
        "سهشنبه",
        "چهارشنبه",
        "پنج",
        "پنجشنبه",
        "جمعه",
    )
)
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
    (" نمی ", " نمی"),
    (" می ", " می"),
    *(
        (f" {m} ", f"{m} ")
        for m in (
            "هایشان",
            "هایتان",
            "هایمان",
            "هایی",
            "هایم",
            "هایش",
            "های",
            "ها",
            "اند",
            "ایم",
            "اید",
            "ترین",
            "تر",
        )
    ),
)


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
    return int.from_bytes(
        zlib.crc32(" ".join(toks).encode()).to_bytes(4, "big")
        + zlib.adler32(" ".join(toks).encode()).to_bytes(4, "big"),
        "big",
    ) & (_MASK64 >> 1)


def _ctx(kind: int, a: int, b: int, date: bool = False) -> int:
    """32-bit context hash of two token ids (integer arithmetic: no string building per feature); its low four
    bits say what the slot holds (`K_*`, `K_DATE`), so the guard can tell a corrected figure from another place."""
    h = ((((a * 0x9E3779B1) ^ b) * 0x85EBCA77 + kind * 0xC2B2AE3D) >> 7) & _LOW32_MASK
    return (h & ~15) | kind | (K_DATE if date else 0)


# Slot kinds in the low bits of a guard context: the word after a cue, three contexts of a number run, a person
# under a role, a gazetteer place; K_DATE marks a run holding a month or weekday word.
K_CUE, K_NUM, K_NUM_BEFORE, K_NUM_AFTER, K_PERSON, K_PLACE, K_DATE = 1, 2, 3, 4, 5, 6, 8
K_PEOPLE = 7  # the set of surnames a record names
# A run of name-shaped words (`name_words`) with its neighbours as context, like a number run: the same notice
# about another person keeps the words around the name («استاندار اردبیل … صبح امروز») and changes the name,
# whether or not `extractors.persons` finds it. Kind 9 (K_DATE | K_CUE is never made otherwise).
K_NAME = 9
NAME_PREFIX = 4  # letters of a name run's value, written together: «حاتمی نسب» and «حاتمینسب» agree
# one per context of a name run: both neighbours, the two words after it
_NAME_MUL = (0x27D4EB2F, 0xD3A2646C)
PLACE_CTX = (0x5A17_0000 & ~15) | K_PLACE
MAIN_PLACE_CTX = (0x3C4D_0000 & ~15) | K_PLACE  # the places a record names most often
PEOPLE_CTX = (0x9E07_0000 & ~0x1FF) | K_PEOPLE  # | person number << 4, | 1 << 8 for a name's tails
DATE_SET_CTX = (
    0x0DA7_0000 | 15
)  # every date a record names (a run holding a digit and a month or weekday word)
# The sampled character shingles (`samples_of_codes`) of the first `HEAD_CHARS` letters and digits of a record's
# lead and body: a copy starts where its release starts (a brief, a trimmed copy, its lead kept or not), a
# follow-up story that quotes one paragraph of a release starts with its own news (see `guard_check`).
HEAD_CTX = 0x4EAD_0000 | 15
CUE_PREFIX = 4  # a cue's value is the next word's first letters: «کرمان» and «کرمانشد» (words joined) agree


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
                feats.add(_ctx(1, tid(p1), tid(toks[i])) << 32 | cue_value(toks[i + 1]))
            continue
        # A run of numbers and date words («سه شنبه 15 فروردین 1402», «4800»): one value, whose context is the
        # nearest words outside the run, so adjacent slots cannot hide each other's context.
        j = i
        while j + 1 in slots:
            j += 1
        done = j
        run = toks[i : j + 1]
        # (a run that ends the text may be cut short: a trimmed copy stops at «بالغ بر 1» of «1.5 میلیارد»)
        if j + 1 < n and any(t[0] in _DIGIT_CHARS for t in run):
            p1 = toks[i - 1] if i > 0 else BREAK
            p2 = toks[i - 2] if i > 1 else BREAK
            n1 = toks[j + 1] if j + 1 < n else BREAK
            n2 = toks[j + 2] if j + 2 < n else BREAK
            v = tid(run[0]) if len(run) == 1 else _h32(" ".join(run))
            a1, b1 = tid(p1), tid(n1)
            date = any(t in DATE_WORDS for t in run)
            feats.add(_ctx(2, a1, b1, date) << 32 | v)
            feats.add(_ctx(3, tid(p2), a1, date) << 32 | v)
            feats.add(_ctx(4, b1, tid(n2), date) << 32 | v)
            if date:
                feats.add(DATE_SET_CTX << 32 | v)
    own = person_tokens(persons)
    shaped = [name_shaped(t) or t in own for t in toks]
    brk = tid(BREAK)
    i = 0
    while i < n:
        if not shaped[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and shaped[j + 1]:
            j += 1
        p1 = toks[i - 1] if i > 0 else BREAK
        n1 = toks[j + 1] if j + 1 < n else BREAK
        n2 = toks[j + 2] if j + 2 < n else BREAK
        joined = "".join(toks[i : j + 1])
        a1, b1, b2 = tid(p1), tid(n1), tid(n2)
        # a paragraph's edge is a neighbour («¶ محسن عرب … و»), but nothing beyond it is: a brief or a trimmed
        # copy ends there
        if b1 != brk:
            feats.add(_name_ctx(_NAME_MUL[0], a1, b1) << 32 | (_h32(joined) | 1))
            if b2 != brk:
                feats.add(_name_ctx(_NAME_MUL[1], b1, b2) << 32 | name_value(joined))
        i = j + 1
    places = place_words()
    heads = place_phrases()
    named = [tid(t) for t in toks if t in places]
    named += phrase_places(toks, [i for i, t in enumerate(toks) if t in heads])
    feats.update(PLACE_CTX << 32 | v for v in named)
    feats.update(MAIN_PLACE_CTX << 32 | v for v in main_places(named))
    feats.update(person_features(persons))
    return np.array(sorted(feats), dtype=np.uint64)


def person_tokens(persons: Iterable[dict] | None) -> frozenset[str]:
    """The dedup tokens of the names a record's extracted persons have (name-shaped in that record only)."""
    out: set[str] = set()
    for p in persons or ():
        name = p.get("name")
        if name:
            out.update(t for t in tokens(name) if len(t) > 2 and t[0] not in _DIGIT_CHARS)
    return frozenset(out)


def _name_ctx(mul: int, a: int, b: int) -> int:
    """`_ctx` for a name run (``mul`` from `_NAME_MUL`), kind `K_NAME`."""
    return ((((a * 0x9E3779B1) ^ b) * 0x85EBCA77 + mul) >> 7) & _LOW32_MASK & ~15 | K_NAME


def name_value(joined: str) -> int:
    """The guard value of a name run written together beside the two words after it: its last letters (a copy
    that joins «آیت الله» or «جمال الدین» moves the run's start). Between its two neighbours a run's value is
    all of it (`_h32` of the joined run). A context of the words before a run (as numbers have) cost recall
    on B11 (trimmed 0.904 -> 0.916 without it, no false merge more)."""
    return zlib.crc32(joined[-NAME_PREFIX:].encode()) | 1


@functools.cache
def name_words() -> frozenset[str]:
    """Words that can be (part of) a person's name: the gazetteer's first names, surnames and famous names,
    ordinary words among them included (a slot only conflicts where two records put different words between
    the same neighbours, and copies keep their words); stopwords, cue, date and place words left out."""
    from khabar.extractors.gazetteer import person_lex, stopwords

    lex = person_lex()
    names = lex.first_names | lex.ambiguous_first | lex.surnames | lex.common_surnames | lex.famous
    stop = stopwords()
    places = place_words()
    out = set()
    for n in names - stop:
        t = tokens(n)
        w = "".join(t)
        if len(w) > 2 and w not in _MARKED and w not in places and w not in stop and not w[0].isdigit():
            out.add(w)
    return frozenset(out)


@functools.cache
def _known_words() -> frozenset[str]:
    """hazm's lexicon, verbs and stopwords in dedup form (ZWNJ compounds written together)."""
    from khabar.extractors.gazetteer import person_lex, stopwords, verb_forms

    return frozenset("".join(w.split()) for w in person_lex().lexicon | verb_forms() | stopwords())


_VERB_PREFIXES = ("نمی", "می", "ن", "ب")
_AFFIXES = ("هایشان", "هایتان", "هایمان", "هایی", "هایم", "هایش", "های", "ها", "ترین", "تر", "ان", "ای", "ی")


def name_shaped(t: str) -> bool:
    """A gazetteer name (`name_words`), or a word hazm does not know, with or without a bound morpheme, and not
    two known words written together («ترامپ», «کازانتسوف»: foreign names are rarely in the lexicon)."""
    if t in name_words():
        return True
    if len(t) < 3 or t[0] in _DIGIT_CHARS or t in _MARKED:
        return False
    known = _known_words()
    if t in known:
        return False
    for prefix in _VERB_PREFIXES:  # «میشود», «نشد», «بگیرد», «نخواهد»: verbs with their prefix
        if t.startswith(prefix) and t[len(prefix) :] in known:
            return False
    if any(t.endswith(a) and t[: -len(a)] in known for a in _AFFIXES):
        return False
    # two words written together by a copy that lost its ZWNJ and spaces («برگزارشد», «تعادلبخشی»)
    return not any(t[:k] in known and t[k:] in known for k in range(2, len(t) - 1))


def cue_value(word: str) -> int:
    """The guard value of the word after a cue (see `CUE_PREFIX`)."""
    return zlib.crc32(word[:CUE_PREFIX].encode()) | 1


def _name_forms(name: str) -> tuple[str, list[str]]:
    """A name without spaces, and its tails at word boundaries («نصرالله حق پرست» → «حقپرست», «پرست»): copies
    spell a name with ZWNJ, a space or nothing, and extractors find «عباسعلی علیزاده» in one copy, «علیزاده» in
    another."""
    words = normalise(name).split()
    return "".join(words), ["".join(words[i:]) for i in range(1, len(words))]


MAX_PEOPLE = 16  # persons compared as a set per record (the first ones named)


def person_features(persons: Iterable[dict] | None) -> list[int]:
    """The guard features of persons: the name under each stated role, and every person named, as a full
    name and its tails, numbered (compared as sets, see `guard_check`)."""
    out = []
    seen: set[str] = set()
    for p in persons or ():
        role, name = p.get("role"), p.get("name")
        if not name:
            continue
        full, tails = _name_forms(name)
        if not full:
            continue
        if role:
            ctx = (_h32("p|" + "".join(normalise(role).split())) & ~15) | K_PERSON
            out.append(ctx << 32 | _h32(full))
        if full in seen or len(seen) >= MAX_PEOPLE:
            continue
        i = len(seen)
        seen.add(full)
        out.append((PEOPLE_CTX | i << 4) << 32 | _h32(full))
        out.extend((PEOPLE_CTX | 1 << 8 | i << 4) << 32 | _h32(t) for t in tails)
    return out


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


@functools.cache
def place_words() -> frozenset[str]:
    """Gazetteer provinces and counties that are one dedup token and not also common words (the gazetteer's
    ambiguous and weak names, month and cue words are left out): a copy names a subset of its release's places,
    the same notice for another city names another place."""
    from khabar.extractors.gazetteer import places

    pl = places()
    names = (set(pl.county_to_province) - pl.ambiguous) | (set(pl.province_names) - pl.weak_provinces)
    out = set()
    for n in names:
        t = tokens(n)
        if len(t) == 1 and len(t[0]) > 1 and t[0] not in _MARKED:  # «قم», «بم» are places too
            out.add(t[0])
        elif len(t) > 1:  # «خرمآباد», written as one word
            out.add("".join(t))
    return frozenset(out)


@functools.cache
def place_phrases() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Gazetteer places of several dedup tokens («خراسان جنوبی», «خور و بیابانک», «آق قلا»), by first token,
    longest first; ambiguous ones left out as in `place_words`. Their value is the token id of the words
    written together, so «خرم آباد», «خرم‌آباد» and «خرمآباد» (a single place word) agree."""
    from khabar.extractors.gazetteer import places

    pl = places()
    names = (set(pl.county_to_province) - pl.ambiguous) | (set(pl.province_names) - pl.weak_provinces)
    out: dict[str, list[tuple[str, ...]]] = {}
    for n in names:
        t = tuple(tokens(n))
        if len(t) > 1 and not any(w in _MARKED for w in t[:1]):
            out.setdefault(t[0], []).append(t)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


def phrase_places(toks: list[str], heads: list[int]) -> list[int]:
    """Place values (see `place_phrases`) of the phrases starting at positions ``heads`` of ``toks``."""
    phrases = place_phrases()
    out = []
    for i in heads:
        for ph in phrases[toks[i]]:
            if tuple(toks[i : i + len(ph)]) == ph:
                out.append(zlib.crc32("".join(ph).encode()) | 1)
                break
    return out


def main_places(named: list[int]) -> list[int]:
    """The places named most often (all of them on a tie)."""
    if not named:
        return []
    counts: dict[int, int] = {}
    for v in named:
        counts[v] = counts.get(v, 0) + 1
    top = max(counts.values())
    return [v for v, k in counts.items() if k == top]


@dataclass(frozen=True)
class GuardCheck:
    """What the guard found between two records: figures that differ in a shared context (a corrected figure is
    one), and differing places, dates, persons, or openings (another release, however close the texts)."""

    figures: int
    places: int
    dates: int
    persons: int
    shared: int  # contexts both records have
    story: int = 0  # 1: neither record holds the other and they start apart (a follow-up story)

    @property
    def hard(self) -> int:
        return self.places + self.dates + self.persons + self.story

    def as_dict(self) -> dict[str, int]:
        return {
            "figures": self.figures,
            "places": self.places,
            "dates": self.dates,
            "persons": self.persons,
            "story": self.story,
            "shared_contexts": self.shared,
        }


def _split_guard(
    g: np.ndarray | list[int],
) -> tuple[set[int], set[int], set[int], set[int], set[int], set[int]]:
    """A record's guard features by kind, in one pass: (slot features, place values, main-place features,
    date-set features, contexts of the slot features, head samples); person features (`PEOPLE_CTX`) are left
    out. Why: eleven set comprehensions over both records: `guard_check` 92 → 72 µs per call on the 2,917
    calls of B4 at 10k (CPU time, ~90 features a side; numpy set routines were slower, 165 µs)."""
    rest: set[int] = set()
    places: set[int] = set()
    main: set[int] = set()
    dates: set[int] = set()
    ctx: set[int] = set()
    head: set[int] = set()
    for x in set(g.tolist() if isinstance(g, np.ndarray) else g):
        c = x >> 32
        if c == PLACE_CTX:
            places.add(x & _LOW32)
        elif c == MAIN_PLACE_CTX:
            main.add(x)
        elif c & ~0x1F0 == PEOPLE_CTX:
            pass
        elif c == DATE_SET_CTX:
            dates.add(x)
        elif c == HEAD_CTX:
            head.add(x)
        else:
            rest.add(x)
            ctx.add(c)
    return rest, places, main, dates, ctx, head


SUBSET_SLACK = 0.03  # containment shares this close: records as long as each other (either may be the copy)
# Neither record this contained in the other: two copies that each dropped something, or two stories sharing a
# paragraph; copies then start alike, stories apart (fewer than MIN_HEAD_SHARED head samples in common). On B11
# (seeds 11-13) every join of two records below this share had ≥ 2 of ~25 head samples in common, and each
# follow-up joined to the release it quoted had 0 or 1.
NEARLY_CONTAINED = 0.9
MIN_HEAD_SHARED = 2


def guard_check(
    a: np.ndarray | list[int],
    b: np.ndarray | list[int],
    ca: float | None = None,
    cb: float | None = None,
) -> GuardCheck:
    """`conflicts` by kind of slot, and the places, dates and persons each record names, compared as sets.

    ``ca``/``cb`` are the shares of a's and b's containment samples found in the other record: the record more
    contained is the copy (a brief, a trimmed or partial copy), and a copy names no place, date or person of its
    own, however the rest of the text was edited; when both are (nearly) equally contained, each must name
    what the other does. Without shares (records too short to sample), only the symmetric rule: places differ
    when neither names the other's main place. Persons are the name runs (`K_NAME`) that differ between the same
    neighbours: the extracted persons' sets and role names are not compared (extraction differs on copies whose
    words were joined, and misses the substituted name of another notice). When neither record is nearly
    contained in the other (`NEARLY_CONTAINED`), they must also start alike (`HEAD_CTX`): else one is a
    follow-up story that quotes a paragraph of the other (``story``)."""
    sa, pa, ma, da, ctx_a, ha = _split_guard(a)
    sb, pb, mb, db, ctx_b, hb = _split_guard(b)
    # a story that quotes the other (or is quoted by it) without either holding the other: its opening differs
    story = int(
        ca is not None
        and cb is not None
        and max(ca, cb) < NEARLY_CONTAINED
        and bool(ha)
        and bool(hb)
        and len(ha & hb) < MIN_HEAD_SHARED
    )
    main_a, main_b = {x & _LOW32 for x in ma}, {x & _LOW32 for x in mb}
    if ca is None or cb is None:
        # copies drop paragraphs (and the places in them), each its own: only the main place must be named by both
        place = int(bool(pa and pb and not main_a & pb and not main_b & pa))
        dates = int(bool(da - db and db - da))
    else:
        if abs(ca - cb) <= SUBSET_SLACK:  # as long as each other: the same text, or a template filled anew
            place = int(bool(pa - pb and pb - pa))
            dates = int(bool(da - db and db - da))
        else:  # the more contained record is the copy
            own_p, other_p, own_d, other_d = (pa, pb, da, db) if ca > cb else (pb, pa, db, da)
            place = int(bool(own_p - other_p))
            dates = int(bool(own_d - other_d))
    common = sa & sb
    agreeing = {x >> 32 for x in common}
    fig: set[int] = set()
    cdates: set[int] = set()
    cues: set[int] = set()
    names: set[int] = set()
    for x in sa - common:
        c = x >> 32
        if c in ctx_b and c not in agreeing:
            k = c & 7
            if c & 15 == K_NAME:
                names.add(x & _LOW32)
            elif k != K_PERSON:  # a role's name: extraction differs on copies, the name runs decide
                (cdates if c & K_DATE else cues if k == K_CUE else fig).add(x & _LOW32)
    return GuardCheck(
        len(fig),
        place + len(cues),
        max(dates, len(cdates)),
        len(names),
        len(ctx_a & ctx_b),
        story,
    )


# ------------------------------------------------------------------------------------------ batch fast path
# `fingerprint.fingerprints` tokenises a whole batch at once instead of calling `tokens` / `tokens_with_breaks` /
# `token_ids` / `guard_features` per record. Results are bit-identical to the per-record functions above (checked
# on ~15k synthetic, simulated-truth, real Fars News and fuzzed records, and in tests/dedup); the per-record
# functions stay the reference and the fallback. Why: B4 profile at 20k records, per record: tokenising 189 µs
# (≈80 `str.replace` / `in` scans of 2-byte-per-char Persian text, each ~1 ns/char), token ids 52 µs, guard
# features 136 µs (Python calls per token). Batched: one numpy table lookup per character for every
# single-character map, the morpheme glue replayed on space-separated pieces (`_piece_glue`), one dict lookup per
# piece that yields id and token class together. B4 at 100k records: 1,709 → 2,982 docs/s (same load).

SEP = "\ue000"  # private-use: never produced by normalisation; neither cased nor case-ignorable, so it also
# bounds `str.lower`'s final-sigma context exactly like the end of a string does
F_DIGIT, F_DATE, F_CUE, F_BREAK, F_SEP = (1 << 32, 1 << 33, 1 << 34, 1 << 35, 1 << 36)
F_SLOT = F_DIGIT | F_DATE
_GLUE_SHIFT = 37  # bits 37-41: 1 + index in `_GLUE` of a glue word, 16 for the empty piece
_EMPTY_CODE = 16
F_GAP = 1 << 42  # "" and "\n" pieces: whitespace, never a token
F_PLACE = 1 << 43  # a gazetteer place (`place_words`)
F_NUMW = 1 << 44  # a number or scale word (`numbers_to_values`)
F_PLACE_HEAD = 1 << 45  # the first word of a place of several words (`place_phrases`)
F_NAME = 1 << 46  # a name-shaped word (`name_words`)
_DROP_CODE = 0xFFFFFFFF


class _TokenVals(dict):
    """token → CRC32 id (as `token_ids`) | class flags << 32; filled on first sight."""

    def __missing__(self, t: str) -> int:
        v = zlib.crc32(t.encode()) | 1
        if t[0] in _DIGIT_CHARS:
            v |= F_DIGIT
        if t in DATE_WORDS:
            v |= F_DATE
        if t in CUE_WORDS:
            v |= F_CUE
        if t == BREAK:
            v |= F_BREAK
        if t in place_words():
            v |= F_PLACE
        if t in place_phrases():
            v |= F_PLACE_HEAD
        if t in _number_pattern()[0]:
            v |= F_NUMW
        if name_shaped(t):
            v |= F_NAME
        v |= _GLUE_WORD.get(t, 0) << _GLUE_SHIFT
        self[t] = v
        return v


def _new_vals() -> _TokenVals:
    d = _TokenVals()
    d[SEP] = (zlib.crc32(BREAK.encode()) | 1) | F_BREAK | F_SEP  # neighbours beyond a text read as BREAK
    d[""] = _EMPTY_CODE << _GLUE_SHIFT | F_GAP
    d["\n"] = F_GAP
    return d


_GLUE_WORD = {src.strip(): i for i, (src, _) in enumerate(_GLUE, 1)}


_VALS = _new_vals()
_LUTS: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
_OTHER_WS = np.zeros(0x110000, dtype=bool)  # whitespace but " " and "\n" (all in the BMP); set by `_luts`
_BIG = 0x200000  # above every code point: marks characters the fast table cannot map alone
_NL_BODY = 0xE001  # private-use stand-in for a body line break until it becomes " ¶ "


def _luts() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-code-point tables (built once, ~30 ms): ``norm`` is `normalise`'s replacements and drops; ``fast``
    composes them with ASCII lower-casing and `_glued`'s punctuation, and maps dropped characters and those
    `str.lower` changes beyond A-Z (astral ones assumed to) to ``_BIG | c``; ``punct`` is the punctuation only."""
    global _LUTS
    if _LUTS is None:
        ident = np.arange(0x110000, dtype=np.uint32)
        norm = ident.copy()
        for src, dst in _REPLACE:
            norm[ord(src)] = ord(dst)
        norm[[c for c in range(0x10000) if _DROP.match(chr(c))]] = _DROP_CODE
        punct = ident.copy()
        punct[[ord(c) for c in _PUNCT]] = ord(" ")
        lower_ascii = ident.copy()
        lower_ascii[ord("A") : ord("Z") + 1] += 32
        fast = norm.copy()
        kept = fast != _DROP_CODE
        fast[kept] = punct[lower_ascii[fast[kept]]]
        slow = np.ones(0x110000, dtype=bool)
        slow[:0x10000] = [chr(c).lower() != chr(c) for c in range(0x10000)]
        slow[ord("A") : ord("Z") + 1] = False
        slow[norm != ident] = False  # replaced or dropped before lower-casing
        slow[_NL_BODY] = True  # in the text it would pass for a line break: such batches take the slow path
        fast[slow] = _BIG | ident[slow]
        _OTHER_WS[[c for c in range(0x10000) if chr(c).isspace() and c not in (0x20, 0x0A)]] = True
        _LUTS = norm, fast, punct
    return _LUTS


def batch_tokens(titles: list[str], bodies: list[str]) -> tuple[list[str], list[int] | None] | None:
    """Tokens of all titles (as `tokens`) then all bodies (as `tokens_with_breaks`) in one list, each text
    followed by two `SEP` tokens. Returns None when the batch cannot take the fast path (text containing `SEP`
    or lone surrogates): the caller then uses the per-record functions."""
    norm, fast, punct = _luts()
    raw = SEP.join(titles) + SEP
    n_title = len(raw)
    raw += SEP.join(bodies) + SEP
    try:
        a = np.frombuffer(raw.encode("utf-32-le"), dtype="<u4")
    except UnicodeEncodeError:
        return None
    if np.count_nonzero(a == ord(SEP)) != len(titles) + len(bodies):
        return None
    m = fast[a]
    if m.max() >= _BIG:
        if (m == _BIG | _NL_BODY).any():
            return None
        dropped = m == _DROP_CODE
        if np.count_nonzero(m >= _BIG) > np.count_nonzero(dropped):
            # `normalise` exactly: replacements and drops, then the real `str.lower` (final sigma, «İ» → 2 chars)
            mn = norm[a]
            t, b = mn[:n_title], mn[n_title:]
            low_t = t[t != _DROP_CODE].tobytes().decode("utf-32-le").lower()
            low_b = b[b != _DROP_CODE].tobytes().decode("utf-32-le").lower()
            n_title = len(low_t)
            m = punct[np.frombuffer((low_t + low_b).encode("utf-32-le"), dtype="<u4")]
        else:
            n_title -= int(np.count_nonzero(dropped[:n_title]))
            m = m[~dropped]
    body = m[n_title:]
    body[body == 10] = _NL_BODY
    if _OTHER_WS[m].any():  # whitespace other than " " and "\n" in the text: the string glue below
        return _string_glue(m), None
    # "\n" → " \n " in titles (as `_glued`), " ¶ " in bodies (as `tokens_with_breaks`); each SEP → the text's
    # closing pad, two SEP tokens and the next text's opening pad.
    s = " " + m.tobytes().decode("utf-32-le")
    s = s.replace("\n", " \n ").replace(chr(_NL_BODY), f" {BREAK} ").replace(SEP, f" {SEP} {SEP} ")
    return _piece_glue(s.split(" "))


def _string_glue(m: np.ndarray) -> list[str]:
    """`_glued` on the whole batch string (SEP tokens apart by a non-space whitespace: no glue pattern reaches
    across), then `split`."""
    s = " " + m.tobytes().decode("utf-32-le")
    s = s.replace("\n", " \n ").replace(chr(_NL_BODY), f" {BREAK} ").replace(SEP, f" \x1f{SEP}\x1f{SEP}\x1f ")
    for src, dst in _GLUE:
        if src in s:
            s = s.replace(src, dst)
            if src in s:  # overlapping runs («می می»): one more pass
                s = s.replace(src, dst)
    return s.split()


def _piece_glue(pieces: list[str]) -> tuple[list[str], list[int]]:
    """`_glued`'s chained `str.replace` calls replayed on the pieces between single spaces (``s.split(" ")``,
    "" for each extra space): " X " is a piece X with a piece on either side; replacing it deletes the space
    after X (« می ») or before it (morphemes), i.e. merges two neighbouring pieces; overlapping occurrences
    (X X) are taken alternately, as `str.replace` scans left to right. A merge with "" keeps the other piece's
    text; any other merge yields no glue word of a later pattern (checked over `_GLUE`), so merged pieces need
    no text until the end. Returns the final tokens and their `_VALS`. Why: the string passes cost ~57 µs per
    record (15 patterns × up to 3 scans of 2-byte text) plus a 20 µs `split`; this ~25 µs."""
    pv = list(map(_VALS.__getitem__, pieces))
    arr = np.array(pv, dtype=np.uint64)
    code = ((arr >> np.uint64(_GLUE_SHIFT)) & np.uint64(31)).astype(np.int8)
    lo = np.arange(len(pieces))  # each live piece: first original piece of its span
    for gi, (_, dst) in enumerate(_GLUE, 1):
        pre = dst.startswith(" ")  # « X » → « X»: merge with the next piece, else with the previous
        for _ in range(2):  # as `_glued`: a second pass for overlapping runs
            k = np.flatnonzero(code == gi)
            k = k[(k > 0) & (k < len(code) - 1)]
            if not len(k):
                break
            chain = np.zeros(len(k), dtype=bool)
            chain[1:] = k[1:] == k[:-1] + 1
            if chain.any():
                idx = np.arange(len(k))
                first = np.maximum.accumulate(np.where(chain, 0, idx))
                k = k[((idx - first) & 1) == 0]
            other = k + 1 if pre else k - 1
            code[k if pre else other] = np.where(code[other] == _EMPTY_CODE, gi, 0)
            keep = np.ones(len(code), dtype=bool)
            keep[k + 1 if pre else k] = False
            code, lo = code[keep], lo[keep]
    n = len(pieces)
    hi = np.empty_like(lo)
    hi[:-1] = lo[1:] - 1
    hi[-1] = n - 1
    keep = np.zeros(n, dtype=bool)
    keep[lo] = True
    keep &= (arr & np.uint64(F_GAP)) == 0
    merged = np.flatnonzero(hi > lo)
    special = []
    if len(merged):
        starts = lo[merged]
        keep[starts] = True  # a merge always holds a glue word: never empty, even from a "" piece
        texts = [
            "".join(pieces[a : b + 1]) for a, b in zip(starts.tolist(), hi[merged].tolist(), strict=True)
        ]
        for a, t in zip(starts.tolist(), texts, strict=True):
            pieces[a] = t
        for a, v in zip(starts.tolist(), map(_VALS.__getitem__, texts), strict=True):
            pv[a] = v
        whole = "".join(texts)
        if SEP in whole or "\n" in whole:
            special = [(a, t) for a, t in zip(starts.tolist(), texts, strict=True) if SEP in t or "\n" in t]
    kb = keep.tobytes()  # compress() walks bytes in C; a bool list costs ~8 µs per record to build
    toks, vals = list(compress(pieces, kb)), list(compress(pv, kb))
    if special:  # a merge across a text boundary or a title line break: split as `str.split` would
        at = np.cumsum(keep)
        for a, t in reversed(special):
            extra = t.replace(SEP, f" {SEP} ").split()
            i = int(at[a]) - 1
            toks[i : i + 1] = extra
            vals[i : i + 1] = map(_VALS.__getitem__, extra)
    return toks, vals


# ------------------------------------------------------------------------------------------ republication forms
# What republishers change and the release never had: a preamble clause («به گزارش خبرنگار … به نقل از روابط
# عمومی …،»), the agency's prefix on the lead («خبرگزاری فارس: »), closings («انتهای پیام»), a last line naming or
# describing the agency, and numbers written in words. `prepare` removes or rewrites them on the normalised text
# before anything is fingerprinted, so a copy and its release give the same tokens there.
# On the raw text (ي/ی, ك/ک, ZWNJ or space all accepted): `batch_tokens` normalises afterwards in one pass.
_S = "[ \u200c]"
_PREAMBLE = (
    re.compile(  # one clause or several («به گزارش خبرنگار ما، به نقل از روابط عمومی استانداری تهران،»)
        r"(?m)^[ \t]*(?:(?:به گزارش|بنا بر گزارش|بنابر گزارش|به نقل از)\b[^،,\n]{0,160}[،,][ \t]*)+"
    )
)
_LEAD_PREFIX = re.compile(
    r"(?m)^[ \t]*[^:\n]{0,40}(?:خبرگزار[یيى]|پا[یيى]گاه خبر[یيى]|روزنامه)[^:\n]{0,40}:[ \t]*"
)
_CLOSING = re.compile(
    rf"(?m)^[ \t/\-–—*]*(?:انتها[یيى]{_S}?پ[یيى]ام|انتها[یيى]{_S}?خبر|پا[یيى]ان{_S}خبر|"
    rf"پا[یيى]ان{_S}پ[یيى]ام)\b[^\n]{{0,120}}$"
)
_CLOSING_TAIL = re.compile(rf"(?:انتها[یيى]{_S}?پ[یيى]ام|انتها[یيى]{_S}?خبر|پا[یيى]ان{_S}خبر)[ \t/\-–—*.]*$")
_AGENCY_LINE = re.compile(
    rf"(?:خبرگزار[یيى]|پا[یيى]گاه{_S}خبر[یيى]|پا[یيى]گاه{_S}اطلاع{_S}?رسان[یيى]|"
    rf"روابط{_S}عموم[یيى]|[کك]د{_S}خبر|منبع:)"
)
_NUMBER_WORDS: frozenset[str] | None = None
_NUM_RUN: re.Pattern[str] | None = None


def _number_pattern() -> tuple[frozenset[str], re.Pattern[str]]:
    global _NUMBER_WORDS, _NUM_RUN
    if _NUM_RUN is None:
        from khabar.extractors.numbers import SCALES, WORDS

        words = sorted(set(WORDS) | set(SCALES), key=len, reverse=True)
        alt = "|".join(words)
        num = rf"(?:{alt}|\d+(?:[.,٬]\d+)*)"
        _NUMBER_WORDS = frozenset(words)
        # a run holding a number word (a leading digit group allowed: «6 هزار و 127»), or a grouped number
        _NUM_RUN = re.compile(
            rf"(?<![\w.,٬])(?:(?:\d+(?:[.,٬]\d+)*[ \t]+)?(?:{alt})(?:[ \t]+(?:و[ \t]+)?{num})*"
            rf"|\d{{1,3}}(?:[٬,]\d{{3}})+)(?![\w])"
        )
    assert _NUMBER_WORDS is not None
    return _NUMBER_WORDS, _NUM_RUN


_UNGROUP = re.compile(r"\b\d{1,3}(?:[٬,]\d{3})+\b")


class _Key:
    """The part of `extractors.tokens.Tok` that `extractors.numbers.read_number` reads."""

    __slots__ = ("key",)
    closes = False

    def __init__(self, key: str) -> None:
        self.key = key


def _number_value(m: re.Match[str]) -> str:
    from khabar.extractors.numbers import read_number

    words, _ = _number_pattern()
    parts = m.group(0).split()
    if not any(p in words for p in parts):
        return _UNGROUP.sub(lambda g: g.group(0).replace("٬", "").replace(",", ""), m.group(0))
    toks = [_Key(p.replace("٬", "").replace(",", "")) for p in parts]
    out: list[str] = []
    i = 0
    while i < len(toks):
        n = read_number(toks, i) if parts[i] != "نه" or i + 1 < len(toks) else None  # lone «نه» is «no»
        if n is None:
            out.append(parts[i])
            i += 1
            continue
        v = n.value
        out.append(str(int(v)) if v == int(v) else f"{v:g}")
        i = n.last + 1
    return " ".join(out)


def canonical_numbers(norm: str) -> str:
    """Numbers written in words, or mixing words and digits, as digits of their value («شش هزار و یکصد و
    بیست و هفت», «6 هزار و 127» → «6127») on normalised text (the text form of `numbers_to_values`)."""
    toks = norm.split(" ")
    return (
        " ".join(numbers_to_values(toks)[0])
        if "\n" not in norm
        else "\n".join(" ".join(numbers_to_values(line.split(" "))[0]) for line in norm.split("\n"))
    )


class _Keys:
    """A read-only view of tokens as `_Key`s from ``start`` (read_number reads only a few of them)."""

    __slots__ = ("_start", "_toks", "top")

    def __init__(self, toks: list[str], start: int) -> None:
        self._toks, self._start = toks, start
        self.top = (
            -1
        )  # the furthest token read: `numbers_to_values` caches what depends on fewer than `_WINDOW`

    def __len__(self) -> int:
        return len(self._toks) - self._start

    def __getitem__(self, j: int) -> _Key:
        if j > self.top:
            self.top = j
        return _Key(self._toks[self._start + j])


# `read_number` is a pure function of the tokens it reads and of the comparisons of their positions with the
# length: a phrase decided within `_WINDOW` tokens gives the same result for the same window (and the length
# capped at `_WINDOW` + 1). Number phrases recur across a batch («دو», «هزار», «سه شنبه»): cached,
# `numbers_to_values` 29 → 26 µs per B4 record (CPU time, batches of 1,000; the rest is splicing the lists).
_WINDOW = 12
_NUMBER_CACHE: dict[tuple[tuple[str, ...], int], tuple[str, int] | None] = {}


def numbers_to_values(
    toks: list[str], hits: list[int] | None = None, vals: list[int] | None = None
) -> tuple[list[str], bool, list[int] | None]:
    """Tokens with each number phrase holding a number word replaced by one token, the digits of its value;
    ``hits`` (positions of number words) when the caller already knows them, ``vals`` (their `_VALS`) spliced
    alongside. Returns (tokens, changed, vals). Token-level on purpose: a regex over the text for ~45 number
    words cost ~120 µs a 2 KB record."""
    from khabar.extractors.numbers import SCALES, read_number

    words, _ = _number_pattern()
    if hits is None:
        if words.isdisjoint(toks):
            return toks, False, vals
        hits = [i for i, t in enumerate(toks) if t in words]
    out: list[str] = []
    out_v: list[int] = []
    pos = 0
    for i in hits:
        if i < pos:
            continue
        start = i - 1 if i > pos and toks[i] in SCALES and toks[i - 1][:1].isdigit() else i
        if start == i and i + 1 < len(toks) and toks[i + 1] == "شنبه":  # «سه شنبه» is «سه‌شنبه», a weekday
            value = toks[i] + "شنبه"
            out.extend(toks[pos:i])
            out.append(value)
            if vals is not None:
                out_v.extend(vals[pos:i])
                out_v.append(_VALS[value])
            pos = i + 2
            continue
        ck = (tuple(toks[start : start + _WINDOW]), min(len(toks) - start, _WINDOW + 1))
        found: tuple[str, int] | None
        if ck in _NUMBER_CACHE:
            found = _NUMBER_CACHE[ck]
        else:
            view = _Keys(toks, start)
            n = read_number(view, 0)  # type: ignore[arg-type]
            if n is None or (n.last == 0 and toks[start] == "نه"):  # a lone «نه» is «no»
                found = None
            else:
                v = n.value
                found = (str(int(v)) if v == int(v) else f"{v:g}", n.last)
            if view.top < _WINDOW:
                if len(_NUMBER_CACHE) > 200_000:
                    _NUMBER_CACHE.clear()
                _NUMBER_CACHE[ck] = found
        if found is None:
            continue
        value, last = found
        out.extend(toks[pos:start])
        out.append(value)
        if vals is not None:
            out_v.extend(vals[pos:start])
            out_v.append(_VALS[value])
        pos = start + last + 1
    if not pos:
        return toks, False, vals
    out.extend(toks[pos:])
    if vals is not None:
        out_v.extend(vals[pos:])
        return out, True, out_v
    return out, True, None


def strip_boilerplate(norm: str) -> str:
    """The lead/body without the openings and closings republishers add (see above)."""
    if "گزارش" in norm or "نقل" in norm:
        norm = _PREAMBLE.sub("", norm)
    if ":" in norm:
        head, sep, rest = norm.partition("\n")
        norm = _LEAD_PREFIX.sub("", head, count=1) + sep + rest
    if "انتها" in norm or "پایان" in norm or "پايان" in norm:
        norm = _CLOSING.sub("", norm)
        tail = len(norm) - 120
        if tail > 0:
            m = _CLOSING_TAIL.search(norm, tail)
            if m:
                norm = norm[: m.start()]
        else:
            norm = _CLOSING_TAIL.sub("", norm)
    lines = norm.rstrip().split("\n")
    if len(lines) >= 3 and len(lines[-1].split()) <= 20 and _AGENCY_LINE.search(lines[-1]):
        norm = "\n".join(lines[:-1])
    return norm


def prepare(text: str, *, body: bool = True) -> str:
    """The text with boilerplate (lead/body only) removed and digit groups joined («2٬500» → «2500»): the input
    of every fingerprint, still raw (`batch_tokens` normalises it; numbers in words become values on its tokens,
    `numbers_to_values`)."""
    norm = text or ""
    if body:
        norm = strip_boilerplate(norm)
    if "٬" in norm or "," in norm:
        norm = _UNGROUP.sub(lambda g: g.group(0).replace("٬", "").replace(",", ""), norm)
    return norm


# ------------------------------------------------------------------------------------------ containment samples
# Character shingles of the prepared lead and body with every space, ZWNJ and punctuation removed: «می‌شود»,
# «می شود» and «میشود», «آسیب‌های» and «آسیبهای» give the same characters, so a copy whose words lost their
# ZWNJ and were joined keeps its shingles. A fixed share of them is kept by hash value (not position), so
# the kept shingles of a copy and of its release are samples of one set and |A∩B|/|A| estimates containment.
CHAR_SHINGLE = 14  # ~3 Persian words without their spaces
SAMPLE_SHIFT = 60  # keep a shingle when its hash's top four bits are zero: 1 in 16
_CH_B = 0x100000001B3 | 1
_CH_BINV = pow(_CH_B, -1, 1 << 64)
_ALNUM: np.ndarray | None = None
_POW: tuple[np.ndarray, np.ndarray] = (np.ones(0, dtype=np.uint64), np.ones(0, dtype=np.uint64))


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """B^i and B^-i (mod 2^64) for i < n, cached and grown by doubling."""
    global _POW
    if len(_POW[0]) < n:
        m = max(n, 2 * len(_POW[0]), 1 << 16)
        with np.errstate(over="ignore"):
            p = np.cumprod(np.full(m, _CH_B, dtype=np.uint64)) * np.uint64(_CH_BINV)
            q = np.cumprod(np.full(m, _CH_BINV, dtype=np.uint64)) * np.uint64(_CH_B)
        _POW = (p, q)
    return _POW[0][:n], _POW[1][:n]


def containment_samples(texts: list[str]) -> list[np.ndarray]:
    """Per text, the sorted distinct sampled character-shingle hashes (uint32), in one numpy pass for the batch:
    a polynomial hash of every window from prefix sums, ``(H[i+k] - H[i]) · B^-i`` (mod 2^64)."""
    return samples_and_heads(*text_codes(texts))[0]


def text_codes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The code points of ``texts`` joined by `SEP` (and one after the last: every text's first character,
    even an empty text's, is inside the array), and where each text starts: the input of `samples_and_heads`."""
    n = len(texts)
    a = np.frombuffer((SEP.join(texts) + SEP).encode("utf-32-le", "surrogatepass"), dtype="<u4")
    at = np.zeros(n, dtype=np.int64)
    if n > 1:
        at[1:] = np.cumsum(np.fromiter(map(len, texts[:-1]), dtype=np.int64, count=n - 1) + 1)
    return a, at


def samples_of_codes(a: np.ndarray, at: np.ndarray) -> list[np.ndarray]:
    """`containment_samples` of texts given as one array of code points ``a`` (each text followed by a
    non-alphanumeric separator) and the position of each text's first character ``at``."""
    return samples_and_heads(a, at)[0]


HEAD_CHARS = 400  # letters and digits of a record's opening (~25 sampled shingles; see `HEAD_CTX`)


def samples_and_heads(a: np.ndarray, at: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """`samples_of_codes`, and per text the part of its sample whose windows start within its first
    `HEAD_CHARS` letters and digits (sorted distinct uint32, as the samples)."""
    global _ALNUM
    if _ALNUM is None:
        _ALNUM = np.zeros(0x110000, dtype=bool)
        _ALNUM[:0x10000] = [chr(c).isalnum() for c in range(0x10000)]
    n = len(at)
    keep = _ALNUM[a]
    c = a[keep].astype(np.uint64)
    k = CHAR_SHINGLE
    empty = np.zeros(0, dtype=np.uint32)
    if len(c) < k:
        return [empty] * n, [empty] * n
    # where each text starts among the kept characters (a text and its SEP are one stretch of ``a``)
    fb = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.add.reduceat(keep, at, dtype=np.int64), out=fb[1:])
    p, q = _powers(len(c))
    with np.errstate(over="ignore"):
        h = np.empty(len(c) + 1, dtype=np.uint64)
        h[0] = 0
        np.cumsum(c * p, out=h[1:])
        w = (h[k:] - h[:-k]) * q[: len(c) - k + 1]
    # sampled windows first (1 in 16), then those inside one text: the text of each end by binary search
    # instead of a text number per character (B4 batches: 31 → 19 µs per record, CPU time, same samples)
    idx = np.flatnonzero(w < np.uint64(1 << SAMPLE_SHIFT))
    di = np.searchsorted(fb, idx, "right") - 1
    ok = di == np.searchsorted(fb, idx + (k - 1), "right") - 1
    key = di[ok].astype(np.uint64) << np.uint64(32) | w[idx[ok]] >> np.uint64(SAMPLE_SHIFT - 32)
    in_head = (idx[ok] - fb[di[ok]]) < HEAD_CHARS
    return _per_text(key, n), _per_text(key[in_head], n)


def _per_text(key: np.ndarray, n: int) -> list[np.ndarray]:
    """Text number << 32 | value keys → per text its sorted distinct values."""
    key = np.sort(key)  # by text, then value (as a lexsort of the two)
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    key = key[first]
    vals = (key & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    docs = (key >> np.uint64(32)).astype(np.int64)
    b = np.searchsorted(docs, np.arange(n + 1)).tolist()
    return [vals[b[i] : b[i + 1]] for i in range(n)]


def head_features(heads: np.ndarray) -> np.ndarray:
    """Guard features (`HEAD_CTX`) of a record's head samples (`samples_and_heads`)."""
    return np.uint64(HEAD_CTX) << np.uint64(32) | heads.astype(np.uint64)
