"""The extractor's fast paths give exactly what the plain code they replaced gave (kept here as references)."""

from __future__ import annotations

import random

from khabar.extractors.tokens import _LEAD_CHARS, _TOKEN, _TRAIL_CHARS, Tok, _key, _tokenize

_ALPHABET = (
    "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكۀة"
    "0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣"
    "«»\"'()“”[]{}‹›،,.:;؛!?؟…%٪"
    "\u200c\u200c\u200f\u0640\u064b  \n\t\u00a0-/ab"
)


def _tokenize_reference(text: str) -> list[Tok]:
    """The former word loop: ``lstrip``/``rstrip`` of edge punctuation per ``[^\\s]+`` match."""
    out: list[Tok] = []
    for m in _TOKEN.finditer(text):
        w = m.group(0)
        rest = w.lstrip(_LEAD_CHARS)
        core = rest.rstrip(_TRAIL_CHARS)
        if not core:
            if out and rest:
                prev = out[-1]
                out[-1] = Tok(prev.start, prev.end, prev.raw, prev.key, prev.lead, prev.trail + rest)
            continue
        s = m.start() + len(w) - len(rest)
        trail = rest[len(core) :].replace("\u200c", "")
        out.append(Tok(s, s + len(core), core, _key(core), w[: len(w) - len(rest)], trail))
    return out


def _random_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(0, 60))) for _ in range(n)]


def test_tokenize_matches_reference() -> None:
    texts = [
        *_random_texts(5000, 1),
        "",
        " ",
        "«»",
        "، ،",
        "«سلام»، «دنیا».",
        "\u200cالف\u200c",
        "x" * 5000 + "،",
    ]
    for text in texts:
        got = _tokenize(text)
        assert got == _tokenize_reference(text), text
        assert all(type(t) is Tok for t in got)


def _search_form_reference(text: str) -> str:
    """The former search_form: one ``translate`` and a ``\\s+`` substitution."""
    import re
    import unicodedata

    from khabar.extractors.normalize import _SEARCH_MAP

    if not text:
        return ""
    t = (
        text
        if text.isascii() or unicodedata.is_normalized("NFC", text)
        else unicodedata.normalize("NFC", text)
    )
    return re.sub(r"\s+", " ", t.translate(_SEARCH_MAP)).strip().lower()


def test_search_form_matches_reference() -> None:
    from khabar.extractors.normalize import _SEARCH_REPL, _SHORT, search_form

    mapped = "".join(_SEARCH_REPL)
    rng = random.Random(2)
    alphabet = _ALPHABET + mapped + "\u2028\u3000\x1c\x85ABCİ\u0301e"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 4 * _SHORT))) for _ in range(5000)]
    texts += [mapped, mapped * 3, " " * 100, "ﻙ" * 60]
    for text in texts:
        assert search_form(text) == _search_form_reference(text), text


def test_match_form_matches_translate() -> None:
    from khabar.extractors.normalize import _MATCH_MAP, _MATCH_REPL, _SHORT, match_form

    rng = random.Random(3)
    alphabet = _ALPHABET + "".join(_MATCH_REPL)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 4 * _SHORT))) for _ in range(3000)]
    for text in texts:
        assert match_form(text) == text.translate(_MATCH_MAP), text
        assert len(match_form(text)) == len(text)


def test_unify_letters_matches_translate() -> None:
    from khabar.extractors.normalize import unify_letters

    table = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})
    rng = random.Random(4)
    for _ in range(3000):
        text = "".join(rng.choice(_ALPHABET + "يىكﻙ") for _ in range(rng.randrange(0, 80)))
        assert unify_letters(text) == text.translate(table), text
