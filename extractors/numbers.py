"""Persian numbers: digits in any script with «٬»/«,» groups and «٫»/«.»/«/» decimals, number words
(«دوازده», «بیست و پنج», «یکصد»), scale words («هزار», «میلیون», «میلیارد», «هزار میلیارد») and mixes
(«یک هزار و ۲۰۰», «۱۲ میلیون و ۵۰۰ هزار», «۲٫۵ میلیارد»).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from extractors.tokens import Tok

_ONES = {"یک": 1, "دو": 2, "سه": 3, "چهار": 4, "پنج": 5, "شش": 6, "شیش": 6, "هفت": 7, "هشت": 8, "نه": 9}
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
WORDS: dict[str, int] = {**_ONES, **_TEENS, **_TENS, **_HUNDREDS}
SCALES = {"هزار": 10**3, "میلیون": 10**6, "میلیارد": 10**9, "بیلیون": 10**9, "تریلیون": 10**12}
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


def _magnitude(v: float) -> int:
    return 1000 if v >= 1000 else 100 if v >= 100 else 10 if v >= 10 else 1


@dataclass(frozen=True)
class Number:
    value: float
    first: int  # index of the first token
    last: int  # index of the last token (inclusive)
    words_only: bool  # written fully in words


def read_number(toks: list[Tok], i: int) -> Number | None:
    """The number phrase starting at token ``i``, or None. Joins with «و» only where Persian does
    (after a scale word, or between word numerals of falling size), so «۵ طرح و ۳ مدرسه» stays two numbers."""
    key = toks[i].key
    total = 0.0
    current: float | None = None
    last_kind = ""
    last_small = 0.0
    words_only = True
    j = i
    end = i - 1
    while j < len(toks):
        k = toks[j].key
        dv = digit_value(k)
        if dv is not None or k in WORDS:
            v = dv if dv is not None else float(WORDS[k])
            if last_kind == "num":
                break
            if (
                last_kind == "and"
                and current is not None
                and last_small
                and _magnitude(v) >= _magnitude(last_small)
            ):
                break
            if dv is not None:
                words_only = False
            current = (current or 0.0) + v
            last_small = v
            last_kind = "num"
            end = j
        elif k in SCALES and last_kind in ("num", "scale", "") and not (last_kind == "" and k != "هزار"):
            scale = SCALES[k]
            if scale == 1000:
                current = (current if current is not None else 1.0) * scale
            else:
                total += (current if current is not None else 1.0) * scale
                current = None
            last_small = 0.0
            last_kind = "scale"
            end = j
        elif k == "و" and last_kind in ("num", "scale") and j + 1 < len(toks) and not toks[j - 1].closes:
            nk = toks[j + 1].key
            if digit_value(nk) is None and nk not in WORDS:
                break
            if last_kind == "num" and (
                digit_value(toks[j - 1].key) is not None or digit_value(nk) is not None
            ):
                break  # «۲۰۰ و ۳۰۰» is a list, not a sum
            last_kind = "and"
        else:
            break
        if toks[j].closes:
            break
        j += 1
    if end < i:
        return None
    value = total + (current or 0.0)
    if key == "یک" and end == i:
        return None  # a lone «یک» is usually the article «a»
    return Number(value, i, end, words_only)
