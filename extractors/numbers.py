"""Persian numbers as people write them: digits in any script with «٬»/«,» groups and «٫»/«.»/«/» decimals, number
words («دوازده», «بیست و پنج», «یکصد», «سه صد»), parts without «و» («نهصد نود نه هزار»), scale words («هزار»,
«میلیون», «میلیارد», «هزار میلیارد», «یک میلیون و هزار»), mixes («یک هزار و ۲۰۰», «چهارصد و ۵۰», «۲٫۵ میلیارد»),
decimals in words («دو ممیز سه», «یک و یک دهم», «پنج صدم», «دو و نیم»), ordinals («سوم», «بیست و سوم», «سی‌ام»,
«هزارمین») and fractions («سه چهارم»).

A phrase is judged whole (``parse_keys``): the running-text reader takes the longest run of number tokens that
parses, so «۲۰۰ و ۳۰۰» (a list) and «۵ طرح و ۳ مدرسه» stay apart.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

_ONES = {
    "یک": 1,
    "یه": 1,
    "دو": 2,
    "سه": 3,
    "چهار": 4,
    "پنج": 5,
    "شش": 6,
    "شیش": 6,
    "هفت": 7,
    "هشت": 8,
    "نه": 9,
}
_TEENS = {
    "ده": 10,
    "یازده": 11,
    "دوازده": 12,
    "سیزده": 13,
    "چهارده": 14,
    "پانزده": 15,
    "پونزده": 15,
    "شانزده": 16,
    "هفده": 17,
    "هجده": 18,
    "هیجده": 18,
    "هژده": 18,
    "نوزده": 19,
}
_TENS = {"بیست": 20, "سی": 30, "چهل": 40, "پنجاه": 50, "شصت": 60, "هفتاد": 70, "هشتاد": 80, "نود": 90}
_HUNDREDS = {
    "صد": 100,
    "یکصد": 100,
    "دویست": 200,
    "سیصد": 300,
    "چهارصد": 400,
    "پانصد": 500,
    "ششصد": 600,
    "هفتصد": 700,
    "هشتصد": 800,
    "نهصد": 900,
}
_HUNDREDS.update({"شیشصد": 600, "چارصد": 400, "پونصد": 500})  # «یک‌صد» has the search key «یک صد»
WORDS: dict[str, int] = {**_ONES, **_TEENS, **_TENS, **_HUNDREDS}
SCALES = {"هزار": 10**3, "میلیون": 10**6, "میلیارد": 10**9, "بیلیون": 10**9, "تریلیون": 10**12}
_ZERO = "صفر"
_NEG = frozenset({"منفی", "منهای"})
_POS = frozenset({"مثبت"})
_POINT = frozenset({"ممیز", "مميز"})
_HALF = "نیم"
# ordinal word → cardinal key («سوم» → «سه», «سی ام» → «سی», «اول» → «یک»); suffixes ‑م, ‑مین, ‑ام, ‑امین
_ORD_SPECIAL = {
    "اول": "یک",
    "اولین": "یک",
    "نخست": "یک",
    "نخستین": "یک",
    "سوم": "سه",
    "سومین": "سه",
    "سیم": "سی",
    "سی ام": "سی",
    "سی امین": "سی",
    "سیام": "سی",
    "سیامین": "سی",
    "یکم": "یک",
    "یکمین": "یک",
}
_DENOMINATOR_SCALES = {"هزارم": 10**3, "میلیونم": 10**6, "میلیونیم": 10**6, "میلیاردم": 10**9}


@functools.lru_cache(maxsize=4096)
def ordinal_base(key: str) -> str | None:
    """The cardinal key of an ordinal word («بیست و سوم» is read word by word: this maps «سوم»), or None."""
    if key in _ORD_SPECIAL:
        return _ORD_SPECIAL[key]
    for suffix in ("امین", " امین", "مین", " ام", "ام", "م"):
        if key.endswith(suffix) and len(key) > len(suffix):
            base = key[: -len(suffix)]
            if base in WORDS or base in SCALES or base == _ZERO:
                return base
    return None


_NUMBER_KEYS = frozenset({*WORDS, *SCALES, _ZERO, _HALF, *_POINT, "و", "ام", "امین"})


@functools.lru_cache(maxsize=65536)
def is_number_key(k: str) -> bool:
    return k in _NUMBER_KEYS or (
        digit_value(k) is not None if k[:1].isdigit() else ordinal_base(k) is not None
    )


_DIGITS = re.compile(r"^(?:\d{1,3}(?:[٬,]\d{3})+|\d+)(?:[٫.](\d+)|/(\d{1,2}))?$")


@functools.lru_cache(
    maxsize=16384
)  # called on most tokens read around numbers; keys repeat (B1: 47k calls a 2k pages)
def digit_value(key: str) -> float | None:
    """Value of a digit token (already Latin digits): «12٬500», «1,200», «2٫5», «2.5», «12/5»."""
    m = _DIGITS.match(key)
    if not m:
        return None
    whole = re.split(r"[٫./]", key, maxsplit=1)[0].replace("٬", "").replace(",", "")
    frac = m.group(1) or m.group(2)
    return float(f"{int(whole)}.{frac}") if frac else float(int(whole))


@functools.lru_cache(maxsize=4096)
def split_key(k: str) -> tuple[str, ...]:
    """The words of a ZWNJ-joined key, with a glued «و» split off («بیست وپنج» → بیست، و، پنج)."""
    out: list[str] = []
    for w in k.split(" "):
        if len(w) > 1 and w[0] == "و" and w not in _NUMBER_KEYS and w[1:] in _NUMBER_KEYS:
            out.extend(("و", w[1:]))
        else:
            out.append(w)
    return tuple(out)


@functools.lru_cache(maxsize=65536)
def _may_continue(k: str) -> bool:
    """A number that is one digit group may go on into a token with this key («۱۲ میلیون», «۲ ممیز ۵», «۳ هزارم»)."""
    return (
        (k in _NUMBER_KEYS and not k[:1].isdigit())
        or ordinal_base(k) is not None
        or (" " in k and all(map(is_number_key, split_key(k))))
    )


@functools.lru_cache(maxsize=4096)
def _may_follow(prev: str, k: str) -> bool:
    """Whether ``k`` may directly follow ``prev`` inside one number (a cheap cut of the run before parsing):
    «هزار میلیارد» yes, «هزار هزار» no; «نهصد نود» yes, «سه سه» no."""
    if prev in SCALES and k in SCALES:
        return prev == "هزار" and SCALES[k] > 1000
    if prev in WORDS and k in WORDS:
        return WORDS[k] < _slot(WORDS[prev]) or (k == "صد" and prev in _ONES)
    return True


def _word_value(k: str) -> int | None:
    if k in WORDS:
        return WORDS[k]
    return 0 if k == _ZERO else None


def _slot(v: float) -> float:
    """The place the next part must stay under («چهارصد» → 100: «و ۵۰» fits, «و ۲۰۰» does not)."""
    if v >= 100:
        return 100 if v % 100 == 0 and v < 1000 else 0
    if v >= 20:
        return 10 if v % 10 == 0 else 0
    return 0


def _integer(keys: Sequence[str]) -> float | None:
    """The value of ``keys`` read as one cardinal (digits, words, scales, «و», «نیم», «ممیز»), or None."""
    if not keys:
        return None
    total = 0.0
    group: float | None = None  # the part below the current scale
    slot = 0.0
    prev = ""  # "", "num", "scale", "and"
    before_and = ""
    group_digit = False
    group_pure_one = False  # the group so far is one ones-word («سه»), so «صد» may follow («سه صد»)
    last_scale = float("inf")
    kilo: float | None = None  # thousands waiting for a larger scale («سه هزار میلیارد») or for the rest
    n = len(keys)
    i = 0
    while i < n:
        k = keys[i]
        dv = digit_value(k) if k[:1].isdigit() else None
        wv = _word_value(k) if dv is None else None
        v = dv if dv is not None else float(wv) if wv is not None else None
        if k == "و":
            if prev not in ("num", "scale") or i == n - 1:
                return None
            before_and, prev = prev, "and"
        elif v is not None:
            if prev == "" or prev == "scale" or (prev == "and" and before_and == "scale"):
                if prev and v >= (1000 if kilo is not None else last_scale):
                    return None
                group, slot, group_digit = (
                    v,
                    (_slot(v) if dv is None else _slot(v) if v < 1000 else 0),
                    dv is not None,
                )
                group_pure_one = dv is None and 1 <= v <= 9
            elif prev == "num" and dv is None and k in ("صد",) and group_pure_one:
                group, slot, group_pure_one = (group or 0) * 100, 100, False  # «سه صد», «پنج صد»
            elif (prev == "num" and dv is None and not group_digit) or (prev == "and" and not group_digit):
                if not (v < slot):
                    return None  # «سه و هزار», «بیست و سی», «۲۰۰ و ۳۰۰»
                group = (group or 0) + v
                slot = _slot(v) if dv is None else 0
                group_pure_one = False
                if dv is not None:
                    group_digit = True
            else:
                return None
            prev = "num"
        elif k in SCALES:
            s = SCALES[k]
            if prev == "num":
                base = group if group is not None else 1.0
            elif prev == "" or (prev == "and" and before_and == "scale"):
                base = 1.0  # «هزار», «یک میلیون و هزار»
            elif prev == "scale" and kilo is not None and group is None and s > 1000:
                base = None  # «هزار میلیارد»: the thousands multiply the larger scale
            else:
                return None
            if base is None:
                if s >= last_scale:
                    return None
                assert kilo is not None  # base is None only below thousands waiting for this scale
                total += kilo * s
                kilo, last_scale = None, s
            elif s == 1000:
                if kilo is not None or last_scale <= 1000:
                    return None
                kilo, group = base * 1000, None
            else:
                if s >= last_scale:
                    return None
                total += ((kilo or 0.0) + base if prev == "num" and kilo is not None else base) * s
                kilo, group, last_scale = None, None, s
            prev, group_digit, group_pure_one, slot = "scale", False, False, 0
        elif k == _HALF:
            if prev == "and" and before_and == "scale":
                if kilo is not None:
                    kilo += 500
                else:
                    total += last_scale / 2
                prev = "half_end"
            elif prev == "and" and before_and == "num":
                group = (group or 0) + 0.5
                prev = "num"
                slot = 0
                group_digit = True  # nothing but a scale may follow («یک و نیم میلیون»)
            elif prev == "":
                group, prev, slot, group_digit = 0.5, "num", 0, True
            else:
                return None
        elif k in _POINT:
            if prev != "num" or group is None or i == n - 1:
                return None
            j = i + 1
            while j < n and keys[j] not in SCALES:
                j += 1
            frac_keys = keys[i + 1 : j]
            den = _denominator(frac_keys)
            if den is not None and len(frac_keys) > den[1]:
                f = _parse_keys(tuple(frac_keys))  # «یک ممیز یک دهم»: the fraction said in words
                if f is None or not 0 <= f < 1:
                    return None
                group = group + f
                prev, group_digit, slot = "num", True, 0
                i = j
                continue
            if len(frac_keys) == 1 and frac_keys[0].isdigit():
                digits = frac_keys[0]
            else:
                f = _integer(frac_keys)
                if f is None or f != int(f):
                    return None
                digits = str(int(f))
            group = group + int(digits) / 10 ** len(digits)
            prev, group_digit, slot = "num", True, 0
            i = j
            continue
        else:
            return None
        i += 1
    if prev not in ("num", "scale", "half_end"):
        return None
    return total + (kilo or 0.0) + (group or 0.0)


def _denominator(keys: Sequence[str]) -> tuple[int, int] | None:
    """(denominator, number of keys) of a fraction's last word(s): «دهم», «صدم», «هزارم», «ده هزارم», «صد میلیونم»,
    or a small ordinal («چهارم» in «سه چهارم»)."""
    if not keys:
        return None
    last = keys[-1]
    if last in _DENOMINATOR_SCALES:
        d = _DENOMINATOR_SCALES[last]
        if len(keys) >= 2 and keys[-2] in ("ده", "صد"):
            return d * (10 if keys[-2] == "ده" else 100), 2
        return d, 1
    if last in ("دهم", "صدم"):
        return (10 if last == "دهم" else 100), 1
    base = ordinal_base(last)
    if base is not None and base in _ONES and last.endswith("م") and base != "یک":
        return _ONES[base], 1
    if last == "یکم":
        return 1, 1
    return None


def parse_keys(keys: Sequence[str]) -> float | None:
    """The value of a whole phrase of search-form keys as a cardinal or a fraction; None if it is not one."""
    return _parse_keys(tuple(keys)) if keys else None


@functools.lru_cache(maxsize=16384)  # running text repeats the same short phrases («۲۵ درصد», «هزار نفر»)
def _parse_keys(keys: tuple[str, ...]) -> float | None:
    if not keys:
        return None
    sign = 1.0
    if keys[0] in _NEG or keys[0] in _POS:
        sign, keys = (-1.0 if keys[0] in _NEG else 1.0), keys[1:]
        if not keys:
            return None
    if keys[0][:1] in "-−+" and keys[0][1:2].isdigit():
        sign, keys = (sign if keys[0][0] == "+" else -sign), (keys[0][1:], *keys[1:])  # «-999», «+۹»
    den = _denominator(keys)
    if den is not None and len(keys) > den[1] and not any(k in _POINT for k in keys):
        d, width = den
        num_keys = keys[:-width]
        whole = _integer(num_keys)
        if whole is not None and num_keys[-1] != "و" and (whole < d or d < 10):
            return sign * whole / d  # «یک هزار و یک ده هزارم» = 1001/10000, «هشت پنجم» = 8/5
        for k in range(len(num_keys)):
            if num_keys[k] != "و":
                continue
            left, right = _integer(num_keys[:k]), _integer(num_keys[k + 1 :])
            if left is not None and right is not None and right < d:
                return sign * (left + right / d)  # «یک و یک دهم», «پانزده و هفت هزارم»
        if whole is not None and num_keys[-1] != "و":
            return sign * whole / d  # «یازده دهم» = 1.1
        return None
    v = _integer(keys)
    return None if v is None else sign * v


def parse_ordinal_keys(keys: Sequence[str]) -> int | None:
    """An ordinal phrase («بیست و سوم», «سی ام», «یک میلیونم», «منفی سه هزارمین»), or None."""
    return _parse_ordinal_keys(tuple(keys)) if keys else None


@functools.lru_cache(maxsize=16384)
def _parse_ordinal_keys(keys: tuple[str, ...]) -> int | None:
    if not keys:
        return None
    sign = 1
    if keys[0] in _NEG:
        sign, keys = -1, keys[1:]
    if not keys:
        return None
    if len(keys) >= 2 and keys[-1] in ("ام", "امین") and keys[-2] in WORDS:
        keys = (*keys[:-2], keys[-2] + " ام")  # «سی اُم» written as two words
    base = ordinal_base(keys[-1])
    if base is None:
        return None
    if base == _ZERO and len(keys) == 1:
        return 0
    v = _integer([*keys[:-1], base])
    return None if v is None or v != int(v) else sign * int(v)


def _keys(text: str) -> list[str]:
    from khabar.extractors.tokens import tokenize

    return [w for t in tokenize(text) for w in (split_key(t.key) if " " in t.key else (t.key,)) if w]


def parse_number(text: str) -> float | None:
    """The number a whole text states («سه صد و پنجاه», «۱۲ میلیون و ۵۰۰ هزار», «دو ممیز سه»), or None."""
    keys = _keys(text)
    return parse_keys(keys) if keys else None


def parse_ordinal(text: str) -> int | None:
    """The ordinal a whole text states («سوم», «بیست و سوم», «سی‌ام»), or None."""
    keys = _keys(text)
    return parse_ordinal_keys(keys) if keys else None


@dataclass(frozen=True)
class Number:
    value: float
    first: int  # index of the first token
    last: int  # index of the last token (inclusive)
    words_only: bool  # written fully in words
    ordinal: bool = False  # «سومین», «بیست و سوم»: a rank, not an amount


_MAX_RUN = 32


class NumberToken(Protocol):
    """What `read_number` reads of a token: a `Tok`, or dedup's bare word key (khabar.dedup.text)."""

    @property
    def key(self) -> str: ...

    @property
    def closes(self) -> bool: ...


def read_number(toks: Sequence[NumberToken], i: int) -> Number | None:
    """The number phrase starting at token ``i``, or None: the longest run of number tokens (up to a clause
    boundary) that reads as one number, so «۵ طرح و ۳ مدرسه» and «۲۰۰ و ۳۰۰» stay two numbers. A token whose key
    holds a space (ZWNJ in «یک‌هزار», «بیست‌وپنج») is read word by word."""
    n = len(toks)
    k0 = toks[i].key
    if k0[:1].isdigit() and (i + 1 >= n or toks[i].closes or not _may_continue(toks[i + 1].key)):
        dv = digit_value(k0)  # the usual case, «۱۱ طرح»: one digit group and no number word after it
        return Number(dv, i, i, False) if dv is not None else None
    j = i
    keys: list[str] = []
    ends: list[int] = []  # token index of each key, for keys that end a token
    while j < n and len(keys) < _MAX_RUN:
        k = toks[j].key
        if keys and (k == "و") == (keys[-1] == "و") and k[:1].isdigit() and keys[-1][:1].isdigit():
            break  # «۱ ۲»: two digit groups in a row are never one number
        if keys and k == "و" and keys[-1] == "و":
            break
        if keys and not _may_follow(keys[-1], k):
            break
        if is_number_key(k):
            keys.append(k)
            ends.append(j)
        elif " " in k and all(map(is_number_key, parts := split_key(k))):
            keys.extend(parts)
            ends.extend([-1] * (len(parts) - 1) + [j])
        else:
            break
        if toks[j].closes:
            break
        j += 1
    if not keys:
        return None
    for m in range(len(keys), 0, -1):
        if keys[m - 1] == "و" or ends[m - 1] < 0:
            continue
        sub = keys[:m]
        value = parse_keys(sub)
        ordinal = False
        if value is None:
            o = parse_ordinal_keys(sub)
            if o is None:
                continue
            value, ordinal = float(o), True
        if m == 1 and keys[0] in ("یک", "یه"):
            return None  # a lone «یک» is usually the article «a»
        if m == 1 and keys[0] in SCALES and keys[0] != "هزار":
            return None  # «میلیون‌ها» / a lone scale word is not an amount in running text
        words_only = not any(k[:1].isdigit() for k in sub)
        return Number(value, i, ends[m - 1], words_only, ordinal)
    return None
