"""Gazetteers and lexicons from ``config/`` (provinces with counties, agencies, people, units, events).

The repository's ``config/`` installs as the package ``khabar.config``; its files are read with
``importlib.resources`` (so a wheel extracts anywhere), each replaceable by the user's copy under the
``gazetteers`` settings directory (``KHABAR_GAZETTEERS``, see khabar.settings). Read once, lazily, on first use;
everything is keyed by the search form so lookups ignore ی/ک and ZWNJ habits.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from khabar.extractors.normalize import search_form


def _file(rel: str) -> Traversable:
    """A gazetteer or lexicon file (``gazetteers/provinces.yaml``): the user's copy, else the packaged one."""
    from khabar.settings import data_file  # pydantic is imported on first use only, not with the extractors

    return data_file(rel)


def _load(rel: str) -> Any:
    return yaml.safe_load(_file(rel).read_text(encoding="utf-8"))


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
    extra = _load("gazetteers/counties.yaml")
    for prov, cs in [
        *((k, v) for k, v in extra.items() if not k.startswith("_")),
        *extra["_variants"].items(),
    ]:
        for c in cs:
            counties.setdefault(search_form(c), prov)
    ambiguous = {search_form(x) for x in [*data.get("ambiguous", ()), *extra.get("_ambiguous", ())]}
    alts = sorted(set(names) | set(counties), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(a) for a in alts) + r")(?![\w])")
    return Places(
        names,
        frozenset(search_form(x) for x in data.get("weak_province_names", ())),
        counties,
        frozenset(ambiguous),
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
    ambiguous_first: frozenset[str]  # also ordinary words: a name only with an anchor
    surnames: frozenset[str]  # curated and name-list surnames that are not ordinary words
    common_surnames: frozenset[str]  # name-list surnames that are also ordinary words
    surname_suffixes: frozenset[str]
    surname_prefixes: frozenset[str]
    role_heads: tuple[tuple[str, ...], ...]  # token tuples, longest first
    famous: frozenset[str]  # people named by surname alone that are not ordinary words
    famous_ambiguous: frozenset[str]  # the same, also ordinary words (need context)
    speech: tuple[tuple[str, ...], ...]  # speech verbs and statement contexts, token tuples, longest first
    descriptors: tuple[tuple[str, ...], ...]  # apposition heads (officials' roles and other descriptions)
    common_words: frozenset[str]  # hazm lexicon entries with a corpus frequency >= 200k (not names)
    lexicon: frozenset[str]  # every hazm lexicon entry (an unknown word is often a foreign name)
    epithets: tuple[tuple[str, ...], ...] = ()  # fixed references to one person («رسول خدا»), longest first
    reverent_titles: frozenset[str] = frozenset()  # «امام», «حضرت» + a name or famous surname
    foreign_first: frozenset[str] = (
        frozenset()
    )  # transliterated foreign first names that are no ordinary word


def _name_file(rel: str) -> tuple[set[str], set[str]]:
    """(strong, common) search forms of a ``[strong]``/``[common]`` name file."""
    strong: set[str] = set()
    common: set[str] = set()
    cur = strong
    path = _file(rel)
    if not path.is_file():
        return strong, common
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line in ("[strong]", "[common]"):
            cur = strong if line == "[strong]" else common
            continue
        cur.add(search_form(line))
    return strong, common


def _hazm_data(name: str) -> Path:
    """A file of hazm's ``data/`` directory, found without importing hazm (its import pulls in nltk and costs
    about 1.1 s per process; only its word lists are read here). Raises OSError when hazm is absent."""
    spec = importlib.util.find_spec("hazm")
    if spec is None or not spec.origin:
        raise OSError("hazm is not installed")
    return Path(spec.origin).parent / "data" / name


def hazm_lexicon() -> dict[str, int]:
    """hazm's lexicon (``data/words.dat``): search form → corpus frequency (0 when hazm gives none)."""
    out: dict[str, int] = {}
    try:
        path = _hazm_data("words.dat")
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 2:
                k = search_form(parts[0])
                f = int(parts[1]) if parts[1].isdigit() else 0
                if f >= out.get(k, -1):
                    out[k] = f
    except (ImportError, OSError):
        pass
    return out


@functools.cache
def verb_forms() -> frozenset[str]:
    """Simple past and present forms of hazm's verbs (``data/verbs.dat``): «گفتند», «کرد», «دارد» are no names."""
    out: set[str] = set()
    try:
        path = _hazm_data("verbs.dat")
        for line in path.read_text(encoding="utf-8").splitlines():
            past, _, present = line.partition("#")
            for stem, ends in ((past, ("", "م", "یم", "ید", "ند", "ه")), (present, ("د", "یم", "ید", "ند"))):
                stem = search_form(stem)
                if len(stem) >= 2:
                    out.update(stem + e for e in ends)
    except (ImportError, OSError):
        pass
    return frozenset(out)


@functools.cache
def foreign_names() -> dict[str, list[str]]:
    """``foreign_names.yaml``: transliterated foreign first names that are never a Persian word."""
    return {"sure_first_names": list(_load("gazetteers/foreign_names.yaml").get("sure_first_names") or [])}


@functools.cache
def person_lex() -> PersonLex:
    d = _load("gazetteers/persons.yaml")
    x = _load("gazetteers/names_extra.yaml")

    def sf(xs: list[str]) -> list[str]:
        return [search_form(v) for v in xs]

    hz = hazm_lexicon()  # read once here and not kept: only the two sets below stay in memory
    lexicon = frozenset(hz)
    common_words = frozenset(k for k, f in hz.items() if f >= 200_000)
    del hz
    curated_first = set(sf(d["first_names"]))
    curated_amb = set(sf(d["ambiguous_first_names"]))
    fn_strong, fn_common = _name_file("gazetteers/first_names.txt")
    pgd_strong, _ = _name_file("gazetteers/first_names_pgd.txt")  # persian-gender-detection (MIT)
    pn_strong, pn_common = _name_file("gazetteers/first_names_pn.txt")  # persian-names (MIT)
    sn_strong, sn_common = _name_file("gazetteers/surnames.txt")
    # a common word that is also a surname («معین», «نیکو») stays a surname: read as a first name it cuts names
    fn_strong, fn_common = fn_strong | pgd_strong | pn_strong, fn_common | (pn_common - sn_strong - sn_common)
    sure_foreign = set(sf(foreign_names()["sure_first_names"]))
    foreign = set(sf(x["foreign_first_names"])) | sure_foreign
    foreign_common = {
        n for n in foreign if n in common_words or (n in lexicon and len(n) <= 3)
    } - sure_foreign
    first = (
        (curated_first | fn_strong | fn_common | foreign)
        - set(sf(d.get("not_first_names") or []))
        - (stopwords() - curated_first)
        - {h for h in sf(d["role_heads"]) if " " not in h}
        - (set(sf(d["honorifics"])) - set(sf(d["weak_honorifics"])))
    )
    ambiguous = (
        curated_amb | ((fn_common | foreign_common) - curated_first - (foreign - foreign_common))
    ) - sure_foreign
    curated_sn = set(sf(d["surnames"]))
    famous = set(sf(x["famous_surnames"]))
    famous_amb = {n for n in famous if len(n) <= 2} | set(sf(x["famous_ambiguous"]))

    def phrases(xs: list[str]) -> tuple[tuple[str, ...], ...]:
        return tuple(sorted({tuple(v.split()) for v in sf(xs)}, key=len, reverse=True))

    return PersonLex(
        honorifics=tuple(sorted(set(sf(d["honorifics"])), key=len, reverse=True)),
        weak_honorifics=frozenset(sf(d["weak_honorifics"])),
        name_prefixes=frozenset(sf(d["name_prefixes"])),
        first_names=frozenset(first),
        ambiguous_first=frozenset(ambiguous),
        surnames=frozenset(curated_sn | (sn_strong - first - verb_forms() - common_words)),
        common_surnames=frozenset(sn_common - curated_sn),
        surname_suffixes=frozenset(sf(d["surname_suffixes"])),
        surname_prefixes=frozenset(sf(d["surname_prefixes"])),
        role_heads=phrases(d["role_heads"]),
        famous=frozenset(famous - famous_amb),
        famous_ambiguous=frozenset(famous_amb),
        speech=phrases(x["speech_verbs"]),
        descriptors=phrases(x["descriptor_heads"] + d["role_heads"]),
        common_words=common_words,
        lexicon=lexicon,
        epithets=phrases(x.get("person_epithets") or []),
        reverent_titles=frozenset(sf(x.get("reverent_titles") or [])),
        foreign_first=frozenset((foreign - foreign_common - ambiguous) & first),
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
        path = _hazm_data("stopwords.dat")
        words.update(search_form(w) for w in path.read_text(encoding="utf-8").split("\n") if w.strip())
    except (ImportError, OSError):
        pass
    extra = _file("extract/stopwords_extra.txt")
    if extra.is_file():
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
