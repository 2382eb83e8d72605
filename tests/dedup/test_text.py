"""The batch shortcuts of khabar.dedup.text give what the plain definitions give (their values are stored)."""

from __future__ import annotations

import numpy as np
import pytest

from khabar.dedup import text
from khabar.dedup.text import CHAR_SHINGLE, SAMPLE_SHIFT, containment_samples, numbers_to_values, tokens

_B = 0x100000001B3 | 1
_M = (1 << 64) - 1


def _reference_sample(t: str) -> list[int]:
    """The definition: alphanumeric BMP characters only, a polynomial hash of every 14-character window
    (sum of c·B^j mod 2^64), kept when its top four bits are zero, as the 32 bits below them."""
    cs = [ord(c) for c in t if ord(c) < 0x10000 and c.isalnum()]
    out = set()
    for i in range(len(cs) - CHAR_SHINGLE + 1):
        w = sum(c * pow(_B, j, 1 << 64) for j, c in enumerate(cs[i : i + CHAR_SHINGLE])) & _M
        if w >> SAMPLE_SHIFT == 0:
            out.add(w >> (SAMPLE_SHIFT - 32))
    return sorted(out)


_RELEASE = (
    "به گزارش روابط عمومی استانداری کرمان، نشست شورای برنامه ریزی استان با حضور استاندار برگزار شد و "
    "۱۲ طرح عمرانی به ارزش ۴۵۰ میلیارد ریال تصویب شد. مدیرکل راه و شهرسازی گفت: این طرح‌ها تا پایان سال "
    "به بهره‌برداری می‌رسند."
)


@pytest.mark.parametrize(
    "texts",
    [
        [_RELEASE],
        [_RELEASE, "", _RELEASE[40:300]],  # an empty text between two: nothing of either leaks into it
        ["", "", ""],
        ["کوتاه", _RELEASE[:200]],  # shorter than a shingle: no sample
        ["😀" * 20 + _RELEASE[:400] + "𝔘" * 5, _RELEASE[100:]],  # astral characters are not alphanumeric here
        [_RELEASE[i : i + 60] for i in range(0, 360, 30)],  # many short texts: windows never cross a boundary
    ],
)
def test_containment_samples_follow_the_definition(texts):
    got = containment_samples(texts)
    assert len(got) == len(texts)
    for t, g in zip(texts, got, strict=True):
        assert g.dtype == np.uint32
        assert g.tolist() == _reference_sample(t)


@pytest.mark.parametrize(
    "phrase",
    [
        "بودجه شش هزار و یکصد و بیست و هفت میلیارد ریال است",
        "سه شنبه گذشته دو هزار نفر آمدند",
        "یک دو سه چهار پنج شش هفت هشت نه ده یازده دوازده سیزده چهارده",  # longer than the cached window
        "مبلغ بیست و پنج",  # the phrase ends the text: the length is part of the cached key
        "نه",
    ],
)
def test_cached_number_phrases_read_as_uncached(phrase):
    toks = tokens(phrase)
    extra = [*toks, "در", "سال"]
    text._NUMBER_CACHE.clear()
    fresh = numbers_to_values(toks)
    text._NUMBER_CACHE.clear()
    fresh_extra = numbers_to_values(extra)
    text._NUMBER_CACHE.clear()
    numbers_to_values(extra)  # fills the cache with windows that do not end the text
    assert numbers_to_values(toks) == fresh
    numbers_to_values(toks)
    assert numbers_to_values(extra) == fresh_extra
    assert fresh[1] == (phrase != "نه")  # every phrase but a lone «نه» holds a number in words
