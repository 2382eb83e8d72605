"""Persian text normalisation: a fast search form for matching and hashing, and hazm's display form.

The extractor matches lexicons on the *search form* (one ``str.translate`` and two regexes, no hazm) so that a
page costs microseconds here; hazm's Normalizer (~1.2 s to build, ~1.7 M chars/s) is only used by
``normalise`` for display text, built once per process on first use.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import Any

ZWNJ = "\u200c"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
LATIN_DIGITS = "0123456789"

# Same-length maps (1 char → 1 char) keep offsets, so spans found on a mapped copy cut the raw text exactly.
_DIGITS_TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_DIGITS, LATIN_DIGITS * 2)
_LETTERS = {"ي": "ی", "ى": "ی", "ئ": "ئ", "ك": "ک", "ۀ": "ه", "ة": "ه", "ٱ": "ا"}
_MATCH_MAP = str.maketrans(
    {
        **{k: v for k, v in _LETTERS.items() if len(v) == 1},
        **dict(zip(PERSIAN_DIGITS + ARABIC_DIGITS, LATIN_DIGITS * 2, strict=True)),
    }
)

_DIACRITICS = (
    "".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670\u0640"
)  # harakat, superscript alef, tatweel
_INVISIBLE = "\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u00ad"
_PUNCT = {
    "،": ",",
    "؛": ";",
    "؟": "?",
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "„": '"',
    "‘": "'",
    "’": "'",
    "٫": ".",
    "٬": ",",
    "–": "-",
    "—": "-",
    "…": "...",
    "\u00a0": " ",
    ZWNJ: " ",
    "٪": "%",
}
_SEARCH_MAP = str.maketrans(
    {
        **_LETTERS,
        **dict(zip(PERSIAN_DIGITS + ARABIC_DIGITS, LATIN_DIGITS * 2, strict=True)),
        **_PUNCT,
        **dict.fromkeys(_DIACRITICS + _INVISIBLE),
    }
)
_SPACES = re.compile(r"\s+")


def to_latin_digits(text: str) -> str:
    """Persian and Arabic-Indic digits as Latin 0-9 (same length)."""
    return text.translate(_DIGITS_TO_LATIN)


def match_form(text: str) -> str:
    """Same-length form for span finding: Latin digits, ی/ک unified; ZWNJ and everything else untouched."""
    if len(text) < _SHORT or not _MATCH_REPLACE_OK:
        return text.translate(_MATCH_MAP)
    for c in set(
        _MATCH_CHARS.findall(text)
    ):  # as in search_form: cheaper than a dict translate on long texts
        text = text.replace(c, _MATCH_REPL[c])
    return text


# Fast path of search_form (same result): ``str.translate`` with a dict costs a dict lookup per character, and
# a ``\s+`` regex substitution scans the text again; on paragraphs it is ~3× cheaper to find which mapped
# characters occur (one regex pass), ``str.replace`` just those, and collapse spaces with split/join (same
# whitespace definition as ``\s``). Sequential replaces equal one translate because no replacement holds a
# mapped character other than a fixed point (checked below). B1 paragraphs: 0.19 → 0.08 ms a page.
_SEARCH_REPL = {
    chr(k): ("" if v is None else v if isinstance(v, str) else chr(v)) for k, v in _SEARCH_MAP.items()
}
_SEARCH_CHARS = re.compile("[" + re.escape("".join(_SEARCH_REPL)) + "]")
_REPLACE_OK = all(_SEARCH_REPL.get(c, c) == c for v in _SEARCH_REPL.values() for c in v)
_SHORT = 48  # below this length one translate call beats finding the characters first
_MATCH_REPL = {chr(k): chr(v) if isinstance(v, int) else v for k, v in _MATCH_MAP.items()}
_MATCH_CHARS = re.compile("[" + re.escape("".join(_MATCH_REPL)) + "]")
_MATCH_REPLACE_OK = all(_MATCH_REPL.get(c, c) == c for v in _MATCH_REPL.values() for c in v)


def search_form(text: str) -> str:
    """Normalised text for search and hashing: ی/ک unified, Latin digits, ZWNJ → space, no diacritics or tatweel,
    punctuation unified, whitespace collapsed. Idempotent."""
    if not text:
        return ""
    t = (
        text
        if text.isascii() or unicodedata.is_normalized("NFC", text)
        else unicodedata.normalize("NFC", text)
    )
    if len(t) < _SHORT or not _REPLACE_OK:
        t = t.translate(_SEARCH_MAP)
    else:
        for c in set(_SEARCH_CHARS.findall(t)):
            t = t.replace(c, _SEARCH_REPL[c])
    return " ".join(t.split()).lower()


def unify_letters(text: str) -> str:
    """ي/ك (and ى) as Persian ی/ک, nothing else changed (ZWNJ and digits kept)."""
    # Three ``in`` scans and a replace for the letters present equal the translate (ی/ک are not replaced again)
    # and skip its per-character dict lookups: most texts have none of them.
    for c, r in _UNIFY:
        if c in text:
            text = text.replace(c, r)
    return text


_UNIFY = (("ي", "ی"), ("ى", "ی"), ("ك", "ک"))


_NORMALIZER: Any = None
_LOCK = threading.Lock()


def _normalizer() -> Any:
    global _NORMALIZER
    if _NORMALIZER is None:
        with _LOCK:
            if _NORMALIZER is None:
                from hazm import Normalizer

                _NORMALIZER = Normalizer(
                    persian_numbers=False,
                    persian_style=False,
                    remove_specials_chars=False,
                    decrease_repeated_chars=False,
                )
    return _NORMALIZER


_NUMBERISH = re.compile(r"[0-9۰-۹٠-٩]+(?:[/:.٫٬,\-][0-9۰-۹٠-٩]+)*")


def normalise(text: str) -> str:
    """Display normalisation with hazm: ی/ک unified, spacing and ZWNJ fixed («آسیب های» → «آسیب‌های»); every
    ZWNJ already in the text is kept; digit runs and dates are kept exactly as written (hazm would split them)."""
    if not text:
        return ""
    nums: list[str] = []

    def _hold(m: re.Match[str]) -> str:
        nums.append(m.group(0))
        return "\ue000" + "".join(chr(0xE010 + int(c)) for c in str(len(nums) - 1)) + "\ue001"

    held = _NUMBERISH.sub(_hold, unify_letters(text))
    out = _normalizer().normalize(held)
    if nums:
        out = _HELD.sub(lambda m: nums[int("".join(str(ord(c) - 0xE010) for c in m.group(1)))], out)
    return _keep_zwnj(text, out)


_HELD = re.compile("\ue000([\ue010-\ue019]+)\ue001")


def _keep_zwnj(original: str, out: str) -> str:
    """hazm may drop a ZWNJ it judges misplaced; the contract is that none is lost, so put back any word of the
    original that had a ZWNJ and came out joined or spaced."""
    if original.count(ZWNJ) <= out.count(ZWNJ):
        return out
    for word in set(re.findall(r"\S*\u200c\S*", unify_letters(original))):
        joined = word.replace(ZWNJ, "")
        spaced = word.replace(ZWNJ, " ")
        if word in out:
            continue
        if spaced in out:
            out = out.replace(spaced, word)
        elif joined in out:
            out = re.sub(rf"(?<!\S){re.escape(joined)}(?!\S)", word, out)
    return out
