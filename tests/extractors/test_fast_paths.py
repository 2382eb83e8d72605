"""The extractor's fast paths give exactly what the plain code they replaced gave (kept here as references)."""

from __future__ import annotations

import random

from extractors.tokens import _LEAD_CHARS, _TOKEN, _TRAIL_CHARS, Tok, _key, _tokenize

_ALPHABET = ("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكۀة" "0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣" "«»\"'()“”[]{}‹›،,.:;؛!?؟…%٪"
             "\u200c\u200c\u200f\u0640\u064b  \n\t\u00a0-/ab")


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
        trail = rest[len(core):].replace("\u200c", "")
        out.append(Tok(s, s + len(core), core, _key(core), w[:len(w) - len(rest)], trail))
    return out


def _random_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(0, 60))) for _ in range(n)]


def test_tokenize_matches_reference() -> None:
    texts = [*_random_texts(5000, 1), "", " ", "«»", "، ،", "«سلام»، «دنیا».", "\u200cالف\u200c", "x" * 5000 + "،"]
    for text in texts:
        got = _tokenize(text)
        assert got == _tokenize_reference(text), text
        assert all(type(t) is Tok for t in got)
