"""Score khabar's persons, roles, organisations and province against the hand-annotated roles set.

Shared by the test (tests/extractors/roles/test_roles.py) and bench B8. An official counts as found when a person
has the same name (search form, spaces ignored, so «محمدعلی» = «محمد علی»); the role is right when the
normalised head matches (``role_head``, or the head of ``role`` for records that have none); the organisation is
right when its words and the annotated ones overlap by Jaccard ≥ 0.5, ignoring «اداره», «کل» and the
punctuation (so «اداره کل اوقاف و امور خیریه مازندران» = «اوقاف و امور خیریه مازندران»), counted only for
officials whose organisation is annotated.
"""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path
from typing import Any

import yaml
from khabar.extractors import extract, search_form

_GENERIC = {"اداره", "کل", "و", "،", ","}
_HEADS = (
    "مدیرکل",
    "مدیر کل",
    "معاون",
    "رئیس",
    "رییس",
    "فرماندار",
    "استاندار",
    "بخشدار",
    "شهردار",
    "دهیار",
    "امام جمعه",
    "نماینده",
    "فرمانده",
    "مدیرعامل",
    "مدیر عامل",
    "مدیر",
    "سرپرست",
    "دبیرکل",
    "دبیر",
    "وزیر",
    "دادستان",
    "مشاور",
    "قائم مقام",
    "جانشین",
    "مسئول",
    "مسؤول",
    "سخنگو",
    "عضو",
)


def page_of(item: dict[str, Any]) -> str:
    """The corpus item as a plain article page (the same shape as tests/extractors/test_corpus.py builds)."""
    paras = "".join(f"<p>{escape(p)}</p>" for p in item["paragraphs"])
    return (
        f'<html lang="fa"><head><meta charset="utf-8"><title>{escape(item["title"])} - خبرگزاری فارس</title>'
        f'</head><body><h1>{escape(item["title"])}</h1><p class="lead">{escape(item["abstract"])}</p>'
        f'<div class="body">{paras}</div><footer>انتهای پیام</footer></body></html>'
    )


def news_id(link: str) -> str:
    return link.split("/news/", 1)[1].split("/", 1)[0]


def head_of(role: str | None) -> str | None:
    """The normalised head of a role phrase («رییس اداره …» → «رئیس», «مدیر کل …» → «مدیرکل»)."""
    if not role:
        return None
    sf = search_form(role)
    for h in _HEADS:
        if sf == h or sf.startswith(h + " "):
            return {"رییس": "رئیس", "مدیر کل": "مدیرکل", "مدیر عامل": "مدیرعامل", "مسؤول": "مسئول"}.get(h, h)
    return sf.split()[0]


def _words(org: str | None) -> set[str]:
    return {w for w in re.split(r"[\s،,]+", search_form(org or "")) if w and w not in _GENERIC}


def org_match(pred: str | None, gold: str | None) -> bool:
    p, g = _words(pred), _words(gold)
    return bool(p and g) and len(p & g) / len(p | g) >= 0.5


def _key(name: str) -> str:
    return search_form(name).replace(" ", "")


def load_corpus(folder: Path) -> dict[str, dict[str, Any]]:
    items: dict[str, dict[str, Any]] = {}
    for f in sorted(folder.glob("*.json")):
        for it in json.loads(f.read_text(encoding="utf-8")):
            items[news_id(it["link"])] = it
    return items


def score_roles(path: Path, corpus_dir: Path) -> dict[str, Any]:
    gold = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = load_corpus(corpus_dir)
    n = found = role_ok = org_seen = org_ok = prov_ok = 0
    misses: list[dict[str, Any]] = []
    for nid, want in gold.items():
        item = items[str(nid)]
        rec = extract(page_of(item), url=item["link"])
        prov_ok += rec["province"] == want["province"]
        if rec["province"] != want["province"]:
            misses.append({"id": str(nid), "province": rec["province"], "want": want["province"]})
        by_key = {_key(p["name"]): p for p in rec["persons"]}
        for off in want["officials"]:
            n += 1
            p = by_key.get(_key(off["name"]))
            if off.get("organisation"):
                org_seen += 1
            if p is None:
                misses.append({"id": str(nid), "missing": off["name"]})
                continue
            found += 1
            head = p.get("role_head") or head_of(p.get("role"))
            ok_r = head == off["role"]
            role_ok += ok_r
            ok_o = bool(off.get("organisation")) and org_match(p.get("organisation"), off["organisation"])
            org_ok += ok_o
            if not ok_r or (off.get("organisation") and not ok_o):
                misses.append(
                    {
                        "id": str(nid),
                        "name": off["name"],
                        "role": p.get("role"),
                        "head": head,
                        "want_role": off["role"],
                        "org": p.get("organisation"),
                        "want_org": off.get("organisation"),
                    }
                )
    return {
        "releases": len(gold),
        "officials": n,
        "name_found": round(found / n, 4),
        "role_right": round(role_ok / n, 4),
        "organisation_right": round(org_ok / max(1, org_seen), 4),
        "officials_with_organisation": org_seen,
        "province_right": round(prov_ok / len(gold), 4),
        "misses": misses,
    }
