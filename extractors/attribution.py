"""Who reports («به گزارش …»), which agency issued the release and which province it is about.

Attribution is the body named after «به گزارش» up to the comma, «به نقل از», «از <place>» — or, when the
writer left the comma out (the seed release does), up to the end of the first place name. Agency and province are
normalised against ``config/gazetteers``: the attribution and a quoted source («به نقل از …») weigh most, then
mentions in the title and text (officials' titles name their agency and province).
"""

from __future__ import annotations

import re
from collections import defaultdict

from khabar.extractors.gazetteer import org_index, place_index, places, text_words
from khabar.extractors.normalize import search_form, unify_letters

_ATTR = re.compile(r"به\s+گزارش\s+(?P<rest>[^\n]{2,200})")
_CUT = re.compile(r"\s*(?:[،,:؛]|\s+به\s+نقل\s+از\s+|\s+از\s+(?=\S)|\s+و\s+به\s+نقل\s+|\s*-\s+)")
_QUOTED = re.compile(r"به\s+نقل\s+از\s+(?P<src>[^،,:\n]{2,120})")


def attribution_of(first_paragraph: str) -> str | None:
    """The reporting body named in «به گزارش …» in the first paragraph(s), as written (letters unified)."""
    if not first_paragraph:
        return None
    m = _ATTR.search(first_paragraph[:600])
    if not m:
        return None
    rest = m.group("rest")
    cut = _CUT.search(rest)
    cand = rest[: cut.start()] if cut else rest
    if not cut or len(cand.split()) > 5:
        cand = _cut_at_place(cand, keep=cut is not None)
    cand = cand.strip(" .«»\"'")
    if not cand or len(cand.split()) > 18:
        return None
    return unify_letters(cand)


_ATTR_STOP = {
    "در",
    "دراین",
    "ضمن",
    "با",
    "طی",
    "که",
    "امروز",
    "دیروز",
    "صبح",
    "عصر",
    "روز",
    "دکتر",
    "مهندس",
    "آقای",
    "خانم",
    "سرهنگ",
    "سردار",
    "حجت الاسلام",
    "حجت",
    "گفت",
    "مدیرکل",
    "استاندار",
    "فرماندار",
    "معاون",
    "رئیس",
    "رییس",
    "مدیرعامل",
    "شهردار",
    "سرپرست",
    "مدیر",
}


def _cut_at_place(rest: str, keep: bool = False) -> str:
    """No comma: end the attribution after the last province/county name before the clause goes on (a name,
    «در این جلسه», a verb), or after 6 words."""
    words = rest.split()
    limit = len(words)
    for i, w in enumerate(words[:20]):
        if i >= 2 and search_form(w) in _ATTR_STOP:
            limit = i
            break
    words = words[: min(limit, 16)]
    pl = places()
    best = 0
    n = 1
    while n <= len(words):
        hit = 0
        for width in (3, 2, 1):
            if n - width < 0:
                continue
            chunk = search_form(" ".join(words[n - width : n]))
            if chunk in pl.province_names or (chunk in pl.county_to_province and chunk not in pl.ambiguous):
                hit = width
                break
        if hit:
            ext = n
            for more in (1, 2):
                if (
                    n + more <= len(words)
                    and search_form(" ".join(words[n - hit : n + more])) in pl.province_names
                ):
                    ext = n + more
            best = ext
            n = ext + 1
            continue
        n += 1
    if best:
        return " ".join(words[:best])
    if keep:
        return " ".join(words)
    # no place: end after a known agency or outlet named at the start («خبرگزاری فارس تیم ملی …»)
    sf_words = [search_form(w) for w in words]
    for a, b, _p, _org in org_index().find(sf_words):
        if a <= 3:
            return " ".join(words[:b])
        break
    return " ".join(words[: min(len(words), 6)])


def quoted_source(text: str) -> str | None:
    m = _QUOTED.search(text[:600])
    return unify_letters(m.group("src").strip()) if m else None


_OUTLET_WORDS = {"خبرگزاری", "گزارش", "سایت", "خبری"}


def _sources(weighted: list[tuple[str | None, float]], text: str | list[str]) -> list[tuple[str, float]]:
    paras = [text] if isinstance(text, str) else text
    return [(s, w) for s, w in weighted if s] + [(p, 1.0) for p in paras if p]


def agency_of(
    attribution: str | None, quoted: str | None, title: str, text: str | list[str], first: str = ""
) -> str | None:
    """The issuing agency (gazetteer name): attribution or quoted source first, else the most mentioned agency;
    a news outlet only when no government agency is named."""
    idx = org_index()
    scores: defaultdict[str, float] = defaultdict(float)  # weighted mentions
    outlets: defaultdict[str, float] = defaultdict(float)
    for src, w in _sources([(attribution, 10.0), (quoted, 10.0), (title, 2.0), (first, 2.0)], text):
        for _a, _b, _p, org in idx.find(text_words(src)):
            if org.is_outlet:
                outlets[org.name] += w
            else:
                scores[org.name] += w * org.weight
    if scores:
        return max(scores.items(), key=lambda kv: kv[1])[0]
    if outlets:
        return max(outlets.items(), key=lambda kv: kv[1])[0]
    return None


_TITLE_WORDS = frozenset(
    {
        "استاندار",
        "فرماندار",
        "بخشدار",
        "شهردار",
        "مدیرکل",
        "کل",
        "رئیس",
        "رییس",
        "فرمانده",
        "دادستان",
        "نماینده",
        "امام",
        "معاون",
        "سرپرست",
        "مدیر",
        "مدیرعامل",
        "استانداری",
        "فرمانداری",
        "اداره",
        "سازمان",
        "شرکت",
        "دانشگاه",
        "دادگستری",
        "انتظامی",
        "سپاه",
    }
)


def _place_hits(words: tuple[str, ...], w: float) -> list[tuple[str, float, bool]]:
    """(province, weight, in an official's title or an agency's name) for each place named in ``words``;
    a news outlet's name («خبرگزاری فارس», «به گزارش فارس», «خلیج فارس») is no place."""
    pl = places()
    out: list[tuple[str, float, bool]] = []
    for a, _b, name, _v in place_index().find(words):
        prev = words[a - 1] if a else ""
        if (
            prev in _OUTLET_WORDS
            or prev == "خلیج"
            or (a >= 2 and words[a - 2] == "نقل" and prev == "از" and name == "فارس")
        ):
            continue
        if (
            name == "فارس"
            and (a == 0 or prev in ("و", "از", "به"))
            and (a + 1 >= len(words) or words[a + 1] != "استان")
        ) and not (a >= 1 and prev == "استان"):
            continue  # «فارس» alone at the start or after a preposition is the agency
        after_ostan = prev == "استان"
        after_county = prev == "شهرستان"
        titled = any(x in _TITLE_WORDS for x in words[max(0, a - 7) : a])
        if name in pl.province_names and not after_county:
            if name in pl.weak_provinces and not after_ostan:
                continue
            out.append((pl.province_names[name], w * (3.0 if after_ostan else 2.0), titled))
        elif name in pl.county_to_province:
            if name in pl.ambiguous and not after_county:
                continue
            out.append((pl.county_to_province[name], w * (1.5 if after_county else 1.0), titled))
    return out


def province_of(attribution: str | None, quoted: str | None, title: str, text: str | list[str]) -> str | None:
    """The province the release is about, in order: a place in the attribution or quoted source («به گزارش
    روابط عمومی فرمانداری مهریز» → یزد); else a place in an official's title or an agency's name
    («فرمانده انتظامی شهرستان مهریز»); else the places of title and text. Within a tier the province with the
    most weight wins («استان X» and province names 3 or 2, counties 1); a tie goes to the one named first."""
    tiers: list[list[tuple[str, float, bool]]] = [[], [], []]
    for src in (attribution, quoted):
        if src:
            tiers[0].extend(_place_hits(text_words(src), 1.0))
    for src, w in [(title, 2.0), *((p, 1.0) for p in ([text] if isinstance(text, str) else text) if p)]:
        for hit in _place_hits(text_words(src), w):
            tiers[1 if hit[2] else 2].append(hit)
    for tier in tiers:
        if not tier:
            continue
        scores: dict[str, float] = {}
        for prov, w, _t in tier:  # insertion order = first mention, so max() keeps the first on a tie
            scores[prov] = scores.get(prov, 0.0) + w
        return max(scores.items(), key=lambda kv: kv[1])[0]
    return None
