"""Generalisation gate: ``extractors/`` may not key on a class or id name that only one page family uses.

A name the extractor code mentions (a string literal, a CSS selector in one, an alternative of a regex in one)
that occurs in the class / id markup of exactly one simulated template family and in no real saved page
(``tests/extractors/real/**/*.html``) is a selector learnt from our own template, not from the genre: such
per-site knowledge belongs in per-source ``config/`` hints. Names no family uses (``utf``, ``script``, Persian
cues) are not markup names and are ignored; names two or more families use (``comment``, ``share``) are genre
vocabulary. Occurrence is by case-insensitive substring of a class token or id, because extractors test class
strings with ``in`` and regexes (``comment|share``) as well as with exact selectors.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from khabar.simweb.config import SimWebConfig
from khabar.simweb.model import TEMPLATE_FAMILIES
from khabar.simweb.sites import h64
from khabar.simweb.world import _TEMPLATES, World

ROOT = Path(__file__).resolve().parents[2]
EXTRACTORS = ROOT / "extractors"
REAL = Path(__file__).parent / "real"


def _docstring_nodes(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


_SEL_NAME = re.compile(r"[.#]([A-Za-z_][\w-]*)|\[(?:class|id)\s*[~|^$*]?=\s*[\"']?([A-Za-z_][\w-]*)")
_MARKUP_LIKE = re.compile(
    r"^[A-Za-z_][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)+$|^[a-z]+[A-Z]\w*$"
)  # item-text, lblNewsID
_FILE = re.compile(r"\.(?:txt|json|ya?ml|csv|tsv|py|html?|gz|xml)\b|/")
_ALT = re.compile(r"^[A-Za-z_]\w*\??(?:-\??\w+\??)*$")


def _regex_alternatives(s: str) -> list[str]:
    """The alternatives of a regex that is a plain word list (``date|time|news-?info``), else nothing."""
    if "|" not in s:
        return []
    core = re.sub(r"\(\?:|\(\?[aiLmsux]+\)|\\b|[()^$]", "", s)
    alts = core.split("|")
    if not all(_ALT.match(a) for a in alts):
        return []
    return [a.replace("?", "") for a in alts]


def names_in_source(source: str) -> set[str]:
    """Class / id names the string literals of one module (docstrings excluded) mention: names in CSS
    selectors (``div.news-code > p``, ``[id$=lblNewsID]``), literals that are one markup-like name (``item-text``,
    ``lblNewsID``; a plain word such as ``url`` is a key, not a selector), and the words of a regex that is a word
    list (``comment|share|sidebar``), which extractors test against class and id strings."""
    tree = ast.parse(source)
    skip = _docstring_nodes(tree)
    out: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in skip:
            continue
        s = node.value.strip()
        if _MARKUP_LIKE.match(s):
            out.add(s)
            continue
        alts = _regex_alternatives(s)
        if alts:
            out.update(a for a in alts if len(a) >= 3)
            continue
        if _FILE.search(s):  # a file name or glob (``*.txt``), not a selector
            continue
        if any(c in s for c in ".#[") and not re.search(r"[\u0600-\u06ff]", s):
            out.update(a or b for a, b in _SEL_NAME.findall(s))
    return out


def markup_names(html: str | bytes) -> set[str]:
    """Every class token and id value of a page, lower-cased."""
    tree = LexborHTMLParser(html)
    out: set[str] = set()
    for node in tree.css("[class], [id]"):
        attrs = node.attributes
        out.update(t.lower() for t in (attrs.get("class") or "").split())
        if attrs.get("id"):
            out.add(attrs["id"].lower())
    return out


def occurs(name: str, tokens: Iterable[str]) -> bool:
    n = name.lower()
    return any(n in t for t in tokens)


def violations(names: Iterable[str], families: dict[str, set[str]], real: set[str]) -> dict[str, str]:
    """``{name: family}`` for each name found in exactly one family's markup and in no real page."""
    out = {}
    for name in sorted(set(names)):
        where = [f for f, toks in families.items() if occurs(name, toks)]
        if len(where) == 1 and not occurs(name, real):
            out[name] = where[0]
    return out


@cache
def family_markup() -> dict[str, frozenset[str]]:
    """Class / id names of each family: article, video and app pages of every site, its home and an archive
    page (deterministic sample)."""
    from dataclasses import replace

    from khabar.simweb.config import FaultConfig

    world = World(replace(SimWebConfig(), faults=FaultConfig(non_article_share=0.05)))
    out: dict[str, set[str]] = {f: set() for f in TEMPLATE_FAMILIES}
    for site in world.sites:
        toks = out[site.family]
        total = world.catalog.count_through(site, world.today)
        for k in range(12):
            item = world.catalog.item(site, h64("gate", site.site_id, k) % total)
            body, charset = world.render_article(item)
            toks |= markup_names(body.decode(charset))
        toks |= markup_names(world.handle(site.host, "GET", "/").body)
        toks |= markup_names(_TEMPLATES[site.family].listing(world.listing_view(site, 2)))
    return {f: frozenset(t) for f, t in out.items()}


def real_markup() -> set[str]:
    out: set[str] = set()
    for p in sorted(REAL.rglob("*.html")) if REAL.is_dir() else []:
        out |= markup_names(p.read_bytes())
    return out


def test_extractors_key_on_no_single_family_class_or_id() -> None:
    names: dict[str, set[str]] = {}
    for path in sorted(EXTRACTORS.glob("*.py")):
        for n in names_in_source(path.read_text(encoding="utf-8")):
            names.setdefault(n, set()).add(path.name)
    fams = {f: set(t) for f, t in family_markup().items()}
    bad = violations(names, fams, real_markup())
    report = [
        f"{n!r} (only in {fam} markup; used in {', '.join(sorted(names[n]))})" for n, fam in bad.items()
    ]
    assert not bad, "template-specific selectors in extractors/ (move them to config/ hints):\n" + "\n".join(
        report
    )


def test_every_family_has_markup_to_compare_against() -> None:
    fams = family_markup()
    assert set(fams) == set(TEMPLATE_FAMILIES)
    assert all(len(t) >= 15 for t in fams.values()), {f: len(t) for f, t in fams.items()}


def test_the_gate_catches_a_single_family_selector() -> None:
    src = (
        '"""Docstring mentioning lblOnlyInDocs."""\nSEL = "div.news-code > span, [id$=lblNewsID]"\n'
        'BOILER = re.compile(r"(?:comment|share|side-?bar)")\nKEY = "url"\nTEXT = re.compile(r"please (?:wait|stand)")\n'
        'CLS = "hfNewsID"\nMETA = "og:type"\n'
    )
    names = names_in_source(src)
    assert names == {"news-code", "lblNewsID", "comment", "share", "side-bar", "hfNewsID"}
    families = {
        "a": {"news-code", "comments", "share-bar"},
        "b": {"side-bar-left", "share", "comment-form"},
        "c": {"dnn_ctr1_lblnewsid", "hfnewsid"},
    }
    assert violations(names, families, real=set()) == {
        "lblNewsID": "c",
        "news-code": "a",
        "side-bar": "b",
        "hfNewsID": "c",
    }
    assert violations(names, families, real={"article-news-code", "side-bar", "x-hfnewsid"}) == {
        "lblNewsID": "c"
    }
