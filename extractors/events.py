"""Event type and keywords.

Event types (documented list, same as ``khabar/simweb/model.py`` EVENT_TYPES): meeting (نشست، جلسه),
visit (بازدید), inauguration (افتتاح، بهره‌برداری، کلنگ‌زنی), agreement (تفاهم‌نامه، قرارداد), programme (اجرای
طرح، پویش), announcement (اطلاعیه، آمار، گزارش عملکرد، نشست خبری), appointment (انتصاب، معارفه، تودیع),
ceremony (مراسم، بزرگداشت، تجلیل). Phrases and weights live in ``config/extract/events.yaml``.

Keywords: the page's own tags when it has them, else the most frequent content words (hazm stopwords removed).
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from khabar.extractors.gazetteer import event_index, setting_lex, stopwords, text_words
from khabar.extractors.normalize import search_form, unify_letters

EVENT_TYPES: tuple[str, ...] = (
    "meeting",
    "visit",
    "inauguration",
    "agreement",
    "programme",
    "announcement",
    "appointment",
    "ceremony",
)
_SECTION_WEIGHTS = (3.0, 2.0, 2.0, 1.0)  # title, lead, first paragraph, rest
_APPOINTED = re.compile(
    r"(?:رئیس|رییس|مدیر|مدیرکل|سرپرست|معاون|فرماندار|بخشدار|شهردار|دبیر|مدیرعامل)\b.*\bشد$"
)
_HELD = re.compile(
    r"برگزار|افتتاح|اجرا|امضا|آغاز|تجلیل|بهره برداری|اعلام|پرداخت|اضافه|برطرف|منعقد|بازدید|مجهز"
)


def event_type(title: str | None, lead: str | None, paragraphs: list[str]) -> str | None:
    sections = [[title or ""], [lead or ""], paragraphs[:1], paragraphs[1:]]
    idx = event_index()
    scores = dict.fromkeys(EVENT_TYPES, 0.0)
    for texts, w in zip(sections, _SECTION_WEIGHTS, strict=True):
        seen: Counter[str] = Counter()
        for text in texts:
            if not text:
                continue
            for _a, _b, phrase, hits in idx.find(text_words(text)):
                seen[phrase] += 1
                if seen[phrase] > 3:
                    continue
                for typ, pw in hits:
                    scores[typ] += pw * w
    if paragraphs:
        for typ, v in setting_votes(paragraphs[0]).items():
            scores[typ] += 12.0 * v
    # «X رئیس اداره … شد»: a title naming a new office holder is an appointment
    t = search_form(title or "")
    if _APPOINTED.search(t) and not _HELD.search(t) and ":" not in t and not any(c.isdigit() for c in t):
        scores["appointment"] += 20.0
    # «نشست خبری» is an announcement, not a meeting
    best = max(EVENT_TYPES, key=lambda t: (scores[t], -EVENT_TYPES.index(t)))
    return best if scores[best] > 0 else None


def setting_votes(first_paragraph: str) -> dict[str, float]:
    """Votes from the setting of the opening sentence: «در <head> <up to 6 words>» (before the first comma)."""
    heads, words = setting_lex()
    text = first_paragraph
    if text.startswith("به گزارش") and "،" in text:
        text = text.split("،", 1)[1]
    ws = text_words(text.split(":", 1)[0])[:80]
    votes: dict[str, float] = {}
    for a, b, _h, default in heads.find(ws):
        if a == 0 or ws[a - 1] not in ("در", "این"):
            continue
        for typ, w in default.items():
            votes[typ] = votes.get(typ, 0.0) + w
        for _a, _b, _p, types in words.find(ws[b : b + 6]):
            for typ in types:
                votes[typ] = votes.get(typ, 0.0) + 1.0
        break
    return votes


_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|\u200c)+[^\W\d_]")


def keywords(tags: list[str], title: str | None, paragraphs: list[str], limit: int = 8) -> list[str]:
    """Page tags when present, else frequent content words of title and body (hazm stopwords removed).
    Terms keep their ZWNJ («استان‌ها»), with ی/ک unified; duplicates are judged on the search form."""
    out: list[str] = []
    seen: set[str] = set()
    for t in tags:
        term = " ".join(unify_letters(t).split())
        k = search_form(term)
        if k and k not in seen:
            seen.add(k)
            out.append(term)
    if out:
        return out[: limit * 2]
    counts: Counter[str] = Counter()
    form: dict[str, str] = {}
    for i, text in enumerate([title or "", *paragraphs]):
        for w in _WORD.findall(unify_letters(text)):
            key = _content_key(w)
            if key is None:
                continue
            form.setdefault(key, w)
            counts[key] += 3 if i == 0 else 1
    return [form[k] for k, n in counts.most_common(limit) if n > 1]


@functools.lru_cache(maxsize=32768)
def _content_key(word: str) -> str | None:
    """Search form of a content word, None for a stopword or a short word. Cached: words repeat across pages
    and a search_form call per word was most of ``keywords`` (B1 pages: 0.21 → 0.1 ms a page)."""
    k = search_form(word)
    stop = stopwords()
    if len(k) < 3 or k in stop or k.startswith(("می ", "نمی ")) or (" " in k and k.split()[0] in stop):
        return None
    return k
