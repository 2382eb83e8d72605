"""Word tokens with raw offsets and a search-form key, shared by the number, quantity and person readers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.normalize import search_form

_TOKEN = re.compile(r"[^\s]+")
_LEAD_P = "«\"'(“[{‹"
_TRAIL_P = "،,.:;؛!?؟»\"')”]}›…"


@dataclass(frozen=True, slots=True)
class Tok:
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


def tokenize(text: str) -> list[Tok]:
    out: list[Tok] = []
    for m in _TOKEN.finditer(text):
        w = m.group(0)
        s, e = 0, len(w)
        while s < e and w[s] in _LEAD_P:
            s += 1
        while e > s and w[e - 1] in _TRAIL_P:
            # keep a decimal point or a trailing % inside numbers («۲.۵», «۲۵٪» are handled by the number reader)
            e -= 1
        core = w[s:e]
        if not core:
            if out and w.strip(_LEAD_P):  # a lone «،» closes the previous word's clause
                prev = out[-1]
                out[-1] = Tok(prev.start, prev.end, prev.raw, prev.key, prev.lead, prev.trail + w)
            continue
        out.append(Tok(m.start() + s, m.start() + e, core, search_form(core), w[:s], w[e:]))
    return out
