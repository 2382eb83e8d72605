"""Gazetteers and lexicons from ``config/`` (provinces with counties, agencies, people, units, events).

Read once, lazily, on first use; everything is keyed by the search form so lookups ignore ی/ک and ZWNJ habits.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from extractors.normalize import search_form

CONFIG = Path(__file__).resolve().parents[1] / "config"


def _load(rel: str) -> Any:
    with open(CONFIG / rel, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@dataclass(frozen=True)
class Places:
    province_names: dict[str, str]  # search form of a province name or alias → canonical name
    weak_provinces: frozenset[str]  # search forms counted only after «استان»
    county_to_province: dict[str, str]  # search form of a county → canonical province
    ambiguous: frozenset[str]  # counties counted only as «شهرستان X»
    pattern: re.Pattern[str]  # every province and county name, longest first, on the search form


@functools.cache
def places() -> Places:
    data = _load("gazetteers/provinces.yaml")
    names: dict[str, str] = {}
    counties: dict[str, str] = {}
    for p in data["provinces"]:
        names[search_form(p["name"])] = p["name"]
        for a in p.get("aliases") or ():
            names[search_form(a)] = p["name"]
        for c in [p["capital"], *p.get("counties", ())]:
            counties.setdefault(search_form(c), p["name"])
    alts = sorted(set(names) | set(counties), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(a) for a in alts) + r")(?![\w])")
    return Places(
        names,
        frozenset(search_form(x) for x in data.get("weak_province_names", ())),
        counties,
        frozenset(search_form(x) for x in data.get("ambiguous", ())),
        pattern,
    )


@dataclass(frozen=True)
class Org:
    name: str
    weight: float
    is_outlet: bool


@dataclass(frozen=True)
class Orgs:
    by_pattern: dict[str, Org]  # search-form pattern → org
    pattern: re.Pattern[str]


@functools.cache
def orgs() -> Orgs:
    data = _load("gazetteers/agencies.yaml")
    by: dict[str, Org] = {}
    for key, outlet in (("agencies", False), ("news_outlets", True)):
        for a in data[key]:
            org = Org(a["name"], float(a.get("weight", 1.0)), outlet)
            for pat in a["patterns"]:
                by[search_form(pat)] = org
    alts = sorted(by, key=len, reverse=True)
    return Orgs(by, re.compile(r"(?<![\w])(?:" + "|".join(re.escape(a) for a in alts) + r")(?![\w])"))


@dataclass(frozen=True)
class PersonLex:
    honorifics: tuple[str, ...]  # search forms, longest first (multi-word)
    weak_honorifics: frozenset[str]
    name_prefixes: frozenset[str]
    first_names: frozenset[str]  # search forms (a ZWNJ compound becomes two words, kept as such)
    ambiguous_first: frozenset[str]
    surnames: frozenset[str]
    surname_suffixes: frozenset[str]
    surname_prefixes: frozenset[str]
    role_heads: tuple[tuple[str, ...], ...]  # token tuples, longest first


@functools.cache
def person_lex() -> PersonLex:
    d = _load("gazetteers/persons.yaml")

    def sf(xs: list[str]) -> list[str]:
        return [search_form(x) for x in xs]

    return PersonLex(
        honorifics=tuple(sorted(set(sf(d["honorifics"])), key=len, reverse=True)),
        weak_honorifics=frozenset(sf(d["weak_honorifics"])),
        name_prefixes=frozenset(sf(d["name_prefixes"])),
        first_names=frozenset(sf(d["first_names"])),
        ambiguous_first=frozenset(sf(d["ambiguous_first_names"])),
        surnames=frozenset(sf(d["surnames"])),
        surname_suffixes=frozenset(sf(d["surname_suffixes"])),
        surname_prefixes=frozenset(sf(d["surname_prefixes"])),
        role_heads=tuple(sorted({tuple(x.split()) for x in sf(d["role_heads"])}, key=len, reverse=True)),
    )


@dataclass(frozen=True)
class UnitLex:
    forms: dict[
        tuple[str, ...], tuple[str, float | None]
    ]  # token tuple → (canonical unit, rial factor or None)
    max_len: int
    qualifiers: tuple[tuple[str, ...], ...]  # token tuples, longest first


@functools.cache
def unit_lex() -> UnitLex:
    d = _load("extract/units.yaml")
    forms: dict[tuple[str, ...], tuple[str, float | None]] = {}
    for u in d["money"]:
        for f in u["forms"]:
            forms[tuple(search_form(f).split())] = (u["unit"], float(u["rial_factor"]))
    for u in d["units"]:
        for f in u["forms"]:
            forms.setdefault(tuple(search_form(f).split()), (u["unit"], None))
    quals = tuple(sorted({tuple(search_form(q).split()) for q in d["qualifiers"]}, key=len, reverse=True))
    return UnitLex(forms, max(len(k) for k in forms), quals)


@functools.cache
def event_lex() -> dict[str, dict[str, float]]:
    d = _load("extract/events.yaml")
    return {t: {search_form(p): float(w) for p, w in v["phrases"].items()} for t, v in d["types"].items()}


@functools.cache
def stopwords() -> frozenset[str]:
    """hazm's stopword list (read from its data file, no Normalizer needed) plus ours."""
    words: set[str] = set()
    try:
        import hazm

        path = Path(hazm.__file__).parent / "data" / "stopwords.dat"
        words.update(search_form(w) for w in path.read_text(encoding="utf-8").split("\n") if w.strip())
    except (ImportError, OSError):
        pass
    extra = CONFIG / "extract" / "stopwords_extra.txt"
    if extra.exists():
        words.update(
            search_form(w)
            for w in extra.read_text(encoding="utf-8").split("\n")
            if w.strip() and not w.startswith("#")
        )
    return frozenset(words)


class PhraseIndex:
    """Multi-word phrase lookup over a list of search-form words: one dict lookup per word for the misses,
    which is most words (far faster than one big regex alternation)."""

    def __init__(self, phrases: dict[str, Any]) -> None:
        by: dict[str, list[tuple[tuple[str, ...], str, Any]]] = {}
        for phrase, value in phrases.items():
            words = tuple(phrase.split())
            if words:
                by.setdefault(words[0], []).append((words, phrase, value))
        self.by_first = {k: sorted(v, key=lambda x: len(x[0]), reverse=True) for k, v in by.items()}

    def find(self, words: list[str] | tuple[str, ...]) -> list[tuple[int, int, str, Any]]:
        """Greedy longest, non-overlapping matches: (first word, end word exclusive, phrase, value)."""
        # Same greedy scan, but the words that start no phrase (most) are skipped by one comprehension rather
        # than a Python loop step each. B1 pages (cProfile, 17k calls): 0.35 → 0.16 s with the comprehension.
        out: list[tuple[int, int, str, Any]] = []
        by_first = self.by_first
        i = 0
        for c in [c for c, w in enumerate(words) if w in by_first]:
            if c < i:
                continue
            for phrase_words, phrase, value in by_first[words[c]]:
                k = len(phrase_words)
                if tuple(words[c : c + k]) == phrase_words:
                    out.append((c, c + k, phrase, value))
                    i = c + k
                    break
        return out


_WORD_EDGE = re.compile(r"[^\w\s%]")


def words_of(sf: str) -> list[str]:
    """Words of a search-form text with punctuation dropped (so «کرمان،» matches «کرمان»)."""
    return _WORD_EDGE.sub(" ", sf).split()


@functools.lru_cache(maxsize=256)
def text_words(text: str) -> tuple[str, ...]:
    """``words_of(search_form(text))``, cached: agency, province and event readers scan the same paragraphs."""
    return tuple(words_of(search_form(text)))


@functools.cache
def place_index() -> PhraseIndex:
    pl = places()
    phrases: dict[str, Any] = {}
    for k, v in pl.county_to_province.items():
        phrases[k] = ("county", v)
    for k, v in pl.province_names.items():
        phrases[k] = ("province", v)
    return PhraseIndex(phrases)


@functools.cache
def org_index() -> PhraseIndex:
    return PhraseIndex(dict(orgs().by_pattern))


@functools.cache
def event_index() -> PhraseIndex:
    phrases: dict[str, list[tuple[str, float]]] = {}
    for typ, ph in event_lex().items():
        for p, w in ph.items():
            phrases.setdefault(p, []).append((typ, w))
    return PhraseIndex(phrases)


@functools.cache
def setting_lex() -> tuple[PhraseIndex, PhraseIndex]:
    """(heads → default votes, words → event type) for the opening sentence's setting."""
    d = _load("extract/events.yaml")
    heads = {
        search_form(h): {t: float(w) for t, w in (v or {}).items()} for h, v in d["setting_heads"].items()
    }
    words: dict[str, list[str]] = {}
    for typ, ws in d["setting_words"].items():
        for w in ws:
            words.setdefault(search_form(w), []).append(typ)
    return PhraseIndex(heads), PhraseIndex(words)
