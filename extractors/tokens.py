"""Word tokens with raw offsets and a search-form key, shared by the number, quantity and person readers."""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from extractors.normalize import search_form

_TOKEN = re.compile(r"[^\s]+")
_LEAD_P = "«\"'(“[{‹"
_TRAIL_P = "،,.:;؛!?؟»\"')”]}›…"


class Tok(NamedTuple):
    start: int          # raw offsets of the word without its edge punctuation
    end: int
    raw: str
    key: str            # search form (ZWNJ → space, so «صادق‌زاده» has key «صادق زاده»)
    lead: str           # punctuation glued before the word
    trail: str          # punctuation glued after the word

    @property
    def closes(self) -> bool:
        """A clause boundary follows this word (comma, full stop, colon …)."""
        return bool(self.trail)


@functools.lru_cache(maxsize=65536)
def _key(core: str) -> str:
    return search_form(core)


@functools.lru_cache(maxsize=512)
def tokenize(text: str) -> tuple[Tok, ...]:
    """Words of ``text`` (cached: persons and quantities read the same paragraphs)."""
    return tuple(_tokenize(text))


_LEAD_CHARS = _LEAD_P + "\u200c"
_TRAIL_CHARS = _TRAIL_P + "\u200c"


def _tokenize(text: str) -> list[Tok]:
    out: list[Tok] = []
    for m in _TOKEN.finditer(text):
        w = m.group(0)
        rest = w.lstrip(_LEAD_CHARS)
        core = rest.rstrip(_TRAIL_CHARS)
        if not core:
            if out and rest:  # a lone «،» closes the previous word's clause
                prev = out[-1]
                out[-1] = Tok(prev.start, prev.end, prev.raw, prev.key, prev.lead, prev.trail + rest)
            continue
        s = m.start() + len(w) - len(rest)
        trail = rest[len(core):].replace("\u200c", "")
        out.append(Tok(s, s + len(core), core, _key(core), w[:len(w) - len(rest)], trail))  # tuple: cheap
    return out
