"""The simulated web's text generator: deterministic, truthful (every truth span is in the text), varied, and
with republished copies that are near-duplicates and templated siblings that only look like them."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from khabar.simweb import content
from khabar.simweb import numwords as nw
from khabar.simweb.directory import AGENCY_TYPES, NEWS_AGENCIES, PROVINCES
from khabar.simweb.model import EVENT_TYPES, Release, SiteSpec
from khabar.simweb.vocab import COUNTIES, JALALI_MONTHS, WEEKDAYS

TEHRAN = ZoneInfo("Asia/Tehran")
T0 = datetime(2024, 10, 1, 9, 30, tzinfo=TEHRAN)


def _agency_site(at, prov) -> SiteSpec:
    def f(x: str) -> str:
        return x.replace("{province}", prov.name).replace("{capital}", prov.capital)

    return SiteSpec(
        site_id=f"{prov.slug}-{at.host_label}",
        host=f"{prov.slug}.{at.host_label}.test",
        kind="agency",
        template=at.template,
        name=f(at.unit),
        agency=at.agency,
        agency_unit=f(at.unit),
        province=prov.name,
        attribution=f(at.attribution),
        releases_per_day=2.0,
    )


AGENCY_SITES = [_agency_site(at, p) for p in PROVINCES for at in AGENCY_TYPES]
NEWS_SITES = [
    SiteSpec(
        site_id=n.key,
        host=n.host,
        kind="news",
        template="newsagency",
        name=n.name,
        agency=n.name,
        agency_unit=None,
        province=None,
        attribution=n.name,
        releases_per_day=20,
    )
    for n in NEWS_AGENCIES
]


def _releases(n: int, seed: int = 1) -> list[Release]:
    out = []
    for i in range(n):
        site = AGENCY_SITES[(i * 7) % len(AGENCY_SITES)]
        out.append(
            content.generate_release(
                seed, site, T0 + timedelta(days=i // 5, hours=i % 5), i % 5, arabic_letters=(i % 9 == 0)
            )
        )
    return out


def _text(r: Release) -> str:
    return "\n".join([r.title, r.lead or "", *r.paragraphs])


_MONEY_SCALES = {"هزار میلیارد": 10**12, "میلیارد": 10**9, "میلیون": 10**6, "هزار": 10**3}


def _read_quantity(text: str, unit: str) -> float:
    """Read a truth span back to its value (money in rial) with the generator's own number parser."""
    t = text.replace("ي", "ی").replace("ك", "ک")
    if unit == "ریال":
        mult = 10 if t.endswith("تومان") else 1
        t = t.rsplit(" ", 1)[0]
        m = re.fullmatch(r"([0-9۰-۹٠-٩]+)[٫./]([0-9۰-۹٠-٩]) (میلیارد|میلیون)", t)
        if m:
            whole, frac = int(nw.to_latin_digits(m.group(1))), int(nw.to_latin_digits(m.group(2)))
            return (whole + frac / 10) * _MONEY_SCALES[m.group(3)] * mult
        return nw.parse_number(t) * mult

    def canon(x: str) -> str:
        return x.replace("ي", "ی").replace("ك", "ک").replace("\u200c", "").replace(" ", "")

    toks = t.split(" ")
    for k in range(1, len(toks)):
        if canon(" ".join(toks[-k:])) == canon(unit):
            return nw.parse_number(" ".join(toks[:-k]))
    raise AssertionError((text, unit))


def _check_truth(r: Release) -> None:
    text = _text(r)
    for p in r.persons:
        assert p.name in text, (p, r.cluster_id)
    for q in r.quantities:
        assert q.text in text, (q, r.cluster_id)
        if q.qualifier:
            assert f"{q.qualifier} {q.text}" in text, (q, r.cluster_id)
        assert _read_quantity(q.text, q.unit) == pytest.approx(q.value), q


_NORM_RE = re.compile(r"[^\w\s]")


def _norm_tokens(text: str) -> list[str]:
    t = text.replace("ي", "ی").replace("ك", "ک").replace("\u200c", " ")
    t = _NORM_RE.sub(" ", nw.to_latin_digits(t))
    t = re.sub(r"(?<!\S)(ن?می) ", r"\1", t)
    t = re.sub(r" (ها|های|هایی|ای|اند|ایم|ام)(?!\S)", r"\1", t)
    return t.split()


def _shingles(text: str, k: int = 5) -> set[tuple[str, ...]]:
    toks = _norm_tokens(text)
    return {tuple(toks[i : i + k]) for i in range(max(1, len(toks) - k + 1))}


def _jaccard(a: str, b: str) -> float:
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) / len(sa | sb)


def _body(r: Release) -> str:
    return "\n\n".join(r.paragraphs)


# ------------------------------------------------------------------------------------------------ tests


def test_deterministic() -> None:
    site = AGENCY_SITES[0]
    a = content.generate_release(3, site, T0, 2)
    b = content.generate_release(3, site, T0, 2)
    assert a == b
    assert content.generate_release(4, site, T0, 2) != a
    assert content.generate_release(3, site, T0, 3).cluster_id != a.cluster_id
    assert content.republish(a, NEWS_SITES[0], T0 + timedelta(hours=2), 3) == content.republish(
        a, NEWS_SITES[0], T0 + timedelta(hours=2), 3
    )
    assert content.edit_release(a, 3) == content.edit_release(a, 3)
    t1 = content.generate_templated_release(3, site, T0, 0)
    assert t1 == content.generate_templated_release(3, site, T0, 0)


def test_original_shape() -> None:
    for r in _releases(200):
        assert r.paragraphs[0].startswith(f"به گزارش {r.attribution}")
        assert 3 <= len(r.paragraphs) <= 8
        assert r.event_type in EVENT_TYPES
        assert r.cluster_id.startswith(f"r-{r.site_id}-")
        assert not r.is_republication and not r.is_templated and r.version == 1
        assert r.persons, r.cluster_id
        assert r.quantities
        assert r.keywords
        assert "انتهای پیام" not in _body(r)
        assert "{" not in _text(r) and "}" not in _text(r)


def test_truth_spans_verbatim_and_values() -> None:
    rels = _releases(300)
    for i, r in enumerate(rels):
        _check_truth(r)
        c = content.republish(r, NEWS_SITES[i % len(NEWS_SITES)], r.published_at + timedelta(hours=3), 1)
        _check_truth(c)
        _check_truth(content.edit_release(r, 1))
    for i, site in enumerate(AGENCY_SITES[:80]):
        t = content.generate_templated_release(1, site, T0 + timedelta(days=i), 0, arabic_letters=i % 5 == 0)
        _check_truth(t)
        _check_truth(content.republish(t, NEWS_SITES[0], t.published_at + timedelta(hours=1), 1))


def test_arabic_letters() -> None:
    site = AGENCY_SITES[5]
    r = content.generate_release(1, site, T0, 0, arabic_letters=True)
    text = _text(r)
    assert "ی" not in text and "ک" not in text
    assert "ي" in text
    for p in r.persons:
        assert "ی" not in p.name and "ک" not in p.name
    for q in r.quantities:
        assert "ی" not in q.text and "ک" not in q.text


def test_officials_recur_on_a_site_and_change_over_years() -> None:
    site = AGENCY_SITES[0]
    heads = Counter()
    for d in range(0, 60, 3):
        r = content.generate_release(1, site, T0 + timedelta(days=d), 0)
        for p in r.persons:
            if p.role.startswith(site.agency_unit.split(" استان")[0].replace("اداره کل ", "مدیرکل ")):
                heads[p.name] += 1
    assert heads and heads.most_common(1)[0][1] >= 5
    names_by_year = set()
    for y in range(6):
        r = content.generate_release(1, site, T0 + timedelta(days=365 * y), 0)
        names_by_year |= {p.name for p in r.persons if p.role.startswith("مدیرکل")}
    assert len(names_by_year) >= 2


def test_republish_is_near_duplicate() -> None:
    rels = _releases(200, seed=2)
    sims = []
    for i, r in enumerate(rels):
        target = NEWS_SITES[i % len(NEWS_SITES)]
        c = content.republish(r, target, r.published_at + timedelta(hours=2), 2)
        assert c.cluster_id == r.cluster_id
        assert c.is_republication and c.site_id == target.site_id and c.origin_site_id == r.site_id
        assert c.paragraphs[0].startswith(f"به گزارش {c.attribution}")
        first = c.paragraphs[0].replace("ي", "ی").replace("ك", "ک")
        assert first.startswith("به گزارش " + target.name.replace("ي", "ی").replace("ك", "ک"))
        assert c.title != r.title
        assert c.variant_tags
        sims.append(_jaccard(_body(r), _body(c)))
    sims.sort()
    assert sims[len(sims) // 20] >= 0.45, sims[:10]
    assert sum(0.5 <= s <= 0.97 for s in sims) / len(sims) >= 0.9, sims
    assert sum(s < 0.95 for s in sims) / len(sims) >= 0.5  # copies are edited, not verbatim


def test_templated_siblings_look_alike_but_differ() -> None:
    site = AGENCY_SITES[7]  # roads
    sibs = [content.generate_templated_release(1, site, T0 + timedelta(days=d), 0) for d in range(6)]
    assert len({s.cluster_id for s in sibs}) == len(sibs)
    assert all(s.is_templated for s in sibs)
    places = {w for cs in COUNTIES.values() for c in cs for w in _norm_tokens(c)}
    allowed = places | set(WEEKDAYS) | set(JALALI_MONTHS) | {"سه", "شنبه", "پنج", "جمعه"}
    for a in sibs:
        for b in sibs:
            if a is b:
                continue
            assert _jaccard(_body(a), _body(b)) > 0.6
            assert _body(a) != _body(b)
            diff = set(_norm_tokens(_body(a))) ^ set(_norm_tokens(_body(b)))
            names = {w for r in (a, b) for p in r.persons for w in _norm_tokens(p.name)}
            extra = {w for w in diff if not any(c.isdigit() for c in w)} - allowed - names
            assert not extra, extra


@pytest.mark.parametrize("at_index", range(len(AGENCY_TYPES)))
def test_every_agency_has_templated_families(at_index: int) -> None:
    site = next(s for s in AGENCY_SITES if s.agency == AGENCY_TYPES[at_index].agency)
    a = content.generate_templated_release(5, site, T0, 1)
    b = content.generate_templated_release(5, site, T0 + timedelta(days=1), 1)
    assert a.is_templated and "templated" in a.variant_tags and a.variant_tags[1] == b.variant_tags[1]
    assert _jaccard(_body(a), _body(b)) > 0.6


def test_edit_release() -> None:
    for r in _releases(60, seed=4):
        e = content.edit_release(r, 4)
        assert e.version == r.version + 1
        assert e.cluster_id == r.cluster_id and e.site_id == r.site_id
        assert e.paragraphs != r.paragraphs
        assert any(t.startswith("edit_") for t in e.variant_tags)
        e2 = content.edit_release(e, 4)
        assert e2.version == 3


def test_variety() -> None:
    rels = _releases(1000, seed=9)
    sentences: Counter[str] = Counter()
    for r in rels:
        for p in r.paragraphs[1:]:
            for s in re.split(r"(?<=[.؟!])\s+", p):
                if s:
                    sentences[s] += 1
    total = sum(sentences.values())
    top, count = sentences.most_common(1)[0]
    assert count / total < 0.01, (top, count, total)
    titles = Counter(r.title for r in rels)
    assert len(titles) / len(rels) >= 0.9
    assert len({r.event_type for r in rels}) == len(EVENT_TYPES)


def test_every_template_slot_is_known() -> None:
    from khabar.simweb.vocab import agencies, events, templated

    known = {
        "q",
        "qre",
        "claim",
        "topic",
        "topic2",
        "county",
        "county2",
        "prov",
        "capital",
        "village",
        "fac",
        "prog",
        "benef",
        "partner",
        "short",
        "need",
        "occasion",
        "date",
        "when",
        "year",
        "setting",
        "eventnoun",
        "S",
        "O",
        "R",
        "Rname",
        "newrole",
        "newrole2",
        "newname",
        "oldname",
        "prevrole",
        "district",
        "jdate",
        "weekday",
        "unit",
    }
    texts: list[str] = [
        *events.LEADS,
        *events.OPENERS,
        *events.FOLLOW_FIRST,
        *events.FOLLOW_NEXT,
        *events.OTHER_SPEAKER,
        *events.EDIT_SENTENCES,
        *agencies.GENERIC_CLAIMS,
    ]
    for d in (events.TITLES, events.SETTINGS, events.EVENT_SENTENCES):
        for v in d.values():
            texts.extend(v)
    for v in agencies.AGENCY_VOCAB.values():
        texts.extend(v.claims)
    for f in templated.FAMILIES:
        texts.extend([f.title, f.lead or "", *f.paragraphs])
    for t in texts:
        for name, arg in re.findall(r"\{(\w+)(?::(\w+))?\}", t):
            assert name in known, (name, t)
            if name in ("q", "qre"):
                assert arg in content.QUANTITY_KINDS or arg in ("money", "money_small"), (arg, t)


def test_quantity_forms_cover_the_genre() -> None:
    qs = [q for r in _releases(400, seed=12) for q in r.quantities]
    texts = [q.text for q in qs]
    assert any("تومان" in t for t in texts) and any("ریال" in t for t in texts)
    assert any(re.search(r"[0-9۰-۹][٫./][0-9۰-۹] (?:میلیون|میلیارد)", t) for t in texts)  # «۲٫۵ میلیون تومان»
    assert any(re.search(r"میلیارد و [0-9۰-۹]+ میلیون", t) for t in texts)  # «۱۲۰ میلیارد و ۵۰۰ میلیون ریال»
    assert any(t.startswith("یک هزار و ") for t in texts)
    assert any(re.fullmatch(r"[^\d۰-۹]+ \S+", t) for t in texts)  # all in words: «پنج مدرسه»
    assert any(re.search(r"[0-9]", t) for t in texts) and any(re.search(r"[۰-۹]", t) for t in texts)
    quals = Counter(q.qualifier for q in qs if q.qualifier)
    assert {"بیش از", "حدود", "نزدیک به", "کمتر از"} <= set(quals)
    assert all(q.unit == "ریال" for q in qs if "تومان" in q.text)
    assert len({q.unit for q in qs}) >= 20


def test_republish_applies_each_kind_of_edit() -> None:
    tags: Counter[str] = Counter()
    for i, r in enumerate(_releases(200, seed=13)):
        tags.update(content.republish(r, NEWS_SITES[i % 4], r.published_at, 13).variant_tags)
    for t in (
        "preamble_city",
        "preamble_quoted",
        "trimmed",
        "merged",
        "sentence_cut",
        "latin_digits",
        "arabic_digits",
        "zwnj_space",
        "zwnj_none",
        "arabic_letters",
        "title_quote",
    ):
        assert tags[t] > 0, (t, tags)


def test_templated_families_differ_from_each_other() -> None:
    site = next(s for s in AGENCY_SITES if s.agency == "جمعیت هلال احمر")
    by_family: dict[str, Release] = {}
    for serial in range(12):
        t = content.generate_templated_release(1, site, T0, serial)
        by_family.setdefault(t.variant_tags[1], t)
    assert len(by_family) == 2
    a, b = by_family.values()
    assert _jaccard(_body(a), _body(b)) < 0.2


def test_site_text_style_is_stable() -> None:
    styles = {content.site_text_style(1, s.site_id) for s in AGENCY_SITES}
    assert content.site_text_style(1, "x") == content.site_text_style(1, "x")
    assert {s[0] for s in styles} == {"persian", "latin", "arabic"}


def test_republish_replaces_the_whole_attribution() -> None:
    """The copy's first paragraph is the news agency's preamble followed by the original's whole text."""
    for i, r in enumerate(_releases(300, seed=14)):
        c = content.republish(r, NEWS_SITES[i % 4], r.published_at, 14)
        rest = _norm_tokens(r.paragraphs[0][len("به گزارش " + r.attribution) :])
        copy = _norm_tokens(c.paragraphs[0])
        assert copy[-len(rest) :] == rest, (r.paragraphs[0], c.paragraphs[0])


def test_templated_family_alike_across_sites() -> None:
    roads = [s for s in AGENCY_SITES if s.agency.startswith("اداره کل راهداری")]
    a = content.generate_templated_release(1, roads[0], T0, 0)
    b = content.generate_templated_release(1, roads[9], T0 + timedelta(days=3), 0)
    assert a.variant_tags[1] == b.variant_tags[1] == "road_accidents"
    assert _jaccard(_body(a), _body(b)) > 0.6
