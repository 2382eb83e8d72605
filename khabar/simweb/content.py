"""The text of the simulated web: original releases, templated hard negatives, republished copies and edits.

Every function is a pure function of its arguments (seeded ``random.Random`` from a blake2b hash, never ``hash()``),
so a page can be regenerated on demand by the server and its truth recomputed anywhere. The truth is built while
the text is written (each person and quantity is recorded where it is rendered) and then re-checked against the
final strings, so a truth span always occurs verbatim in the title, lead or paragraphs.

Truth conventions (what a page shows, not a normalised form, except where said):
- ``Person.name`` is first name + surname as written (no honorific; ZWNJ/letter variants applied); ``role`` and
  ``organisation`` are normalised Persian. Later mentions by surname or title are not listed again.
- ``Quantity.text`` runs from the number to the unit word («۱۲ هزار و ۵۰۰ نفر», «۲٫۵ میلیون تومان»), the
  qualifier («بیش از») excluded and kept in ``qualifier``; ``value`` is in rial for money (1 تومان = 10 ریال);
  ``unit`` is normalised («ریال», «نفر», «دانش‌آموز»). Dates, years, phone lines («۱۲۳») are not quantities.
- ``Release.attribution`` is the body named after «به گزارش» as the first paragraph writes it.
- ``variant_tags`` name the spelling habits and edits of this copy: ``latin_digits``, ``arabic_digits``,
  ``persian_digits``, ``arabic_letters``, ``zwnj_space``/``zwnj_none``/``zwnj_all_space``, and for copies
  ``preamble_*``, ``trimmed``, ``merged``, ``sentence_cut``, ``title_*``, ``lead_*``; edits add ``edit_*``;
  templated releases carry ``templated`` and their family key.
"""

from __future__ import annotations

import functools
import hashlib
import math
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from khabar.simweb import numwords as nw
from khabar.simweb.directory import AGENCY_TYPE_BY_KEY, AGENCY_TYPES, PROVINCES, AgencyType
from khabar.simweb.model import EVENT_TYPES, Person, Quantity, Release, SiteSpec
from khabar.simweb.vocab import (
    COUNTIES,
    FACILITY_NAMES,
    FEMALE_FIRST_NAMES,
    HONORIFICS_CLERIC,
    HONORIFICS_MALE,
    HONORIFICS_MILITARY,
    JALALI_MONTHS,
    MALE_FIRST_NAMES,
    SURNAMES,
    VILLAGE_NAMES,
    VILLAGE_STEMS,
    WEEKDAYS,
)
from khabar.simweb.vocab import events as ev
from khabar.simweb.vocab import templated as tp
from khabar.simweb.vocab.agencies import AGENCY_VOCAB, GENERIC_CLAIMS, AgencyVocab

__all__ = [
    "EVENT_TYPE_LABELS",
    "QUANTITY_KINDS",
    "edit_release",
    "generate_release",
    "generate_templated_release",
    "gregorian_to_jalali",
    "republish",
    "site_text_style",
]

EVENT_TYPE_LABELS: dict[str, str] = dict(ev.EVENT_TYPE_LABELS)

ZWNJ = "\u200c"
_ARABIC_LETTERS = str.maketrans({"ی": "ي", "ک": "ك"})
_PERSIAN_LETTERS = str.maketrans({"ي": "ی", "ك": "ک"})

# kind → (unit word as written, normalised unit, low, high)
QUANTITY_KINDS: dict[str, tuple[str, str, int, int]] = {
    "people": ("نفر", "نفر", 12, 250_000),
    "household": ("خانوار", "خانوار", 10, 40_000),
    "project": ("طرح", "طرح", 2, 400),
    "projectp": ("پروژه", "پروژه", 2, 120),
    "resolution": ("مصوبه", "مصوبه", 2, 60),
    "mou": ("تفاهم‌نامه", "تفاهم‌نامه", 2, 30),
    "article": ("ماده", "ماده", 3, 25),
    "ton_s": ("تن", "تن", 5, 2_000),
    "percent": ("درصد", "درصد", 2, 98),
    "center": ("مرکز", "مرکز", 2, 150),
    "base": ("پایگاه", "پایگاه", 2, 90),
    "point": ("نقطه", "نقطه", 3, 200),
    "case": ("مورد", "مورد", 3, 60_000),
    "unit": ("واحد", "واحد", 5, 6_000),
    "unit_s": ("واحد", "واحد", 3, 300),
    "people_s": ("نفر", "نفر", 10, 900),
    "student": ("دانش‌آموز", "دانش‌آموز", 50, 900_000),
    "pupil": ("نوآموز", "نوآموز", 50, 90_000),
    "teacher": ("معلم", "معلم", 10, 12_000),
    "doctor": ("پزشک", "پزشک", 10, 3_000),
    "child": ("کودک", "کودک", 20, 150_000),
    "elder": ("سالمند", "سالمند", 10, 5_000),
    "tourist": ("گردشگر", "گردشگر", 500, 3_000_000),
    "passenger": ("مسافر", "مسافر", 500, 2_000_000),
    "volunteer": ("داوطلب", "داوطلب", 20, 40_000),
    "roadman": ("راهدار", "راهدار", 20, 3_000),
    "school": ("مدرسه", "مدرسه", 2, 600),
    "class": ("کلاس درس", "کلاس درس", 3, 2_000),
    "sqm": ("متر مربع", "متر مربع", 100, 250_000),
    "hectare": ("هکتار", "هکتار", 10, 60_000),
    "head": ("راس", "راس", 100, 900_000),
    "colony": ("کلنی", "کلنی", 100, 90_000),
    "ton": ("تن", "تن", 5, 900_000),
    "km": ("کیلومتر", "کیلومتر", 2, 900),
    "vehicle": ("دستگاه", "دستگاه", 2, 400),
    "mission": ("ماموریت", "ماموریت", 10, 60_000),
    "village": ("روستا", "روستا", 3, 600),
    "bed": ("تخت", "تخت", 10, 600),
    "plant": ("اصله", "اصله", 1_000, 5_000_000),
    "day": ("روز", "روز", 3, 90),
    "minute": ("دقیقه", "دقیقه", 6, 25),
    "month": ("ماه", "ماه", 2, 9),
    "year": ("سال", "سال", 2, 5),
    "county": ("شهرستان", "شهرستان", 3, 23),
    "trip": ("سفر", "سفر", 1_000, 900_000),
    "accident": ("فقره", "فقره", 3, 160),
    "unitblood": ("واحد", "واحد", 50, 6_000),
    "call": ("تماس", "تماس", 50, 30_000),
    "dose": ("دوز", "دوز", 500, 400_000),
    # Narrow ranges for the templated families, chosen so that «از این تعداد …» parts stay below their totals.
    "injured": ("نفر", "نفر", 4, 95),
    "killed": ("نفر", "نفر", 1, 3),
    "trip_day": ("سفر", "سفر", 60_000, 900_000),
    "call_115": ("تماس", "تماس", 2_500, 9_000),
    "dispatch": ("ماموریت", "ماموریت", 350, 1_400),
    "transferred": ("نفر", "نفر", 90, 340),
    "call_123": ("تماس", "تماس", 300, 2_400),
    "case_s": ("مورد", "مورد", 12, 280),
    "mission_s": ("ماموریت", "ماموریت", 15, 140),
    "helped": ("نفر", "نفر", 150, 900),
    "hospitalised": ("نفر", "نفر", 10, 140),
    "donor": ("نفر", "نفر", 3_000, 6_000),
    "blood_unit": ("واحد", "واحد", 1_500, 2_900),
    "farmer": ("نفر", "نفر", 1_500, 90_000),
    "inspection": ("مورد", "مورد", 300, 3_000),
    "student_l": ("دانش‌آموز", "دانش‌آموز", 40_000, 900_000),
    "pct_low": ("درصد", "درصد", 5, 35),
    "pct_mid": ("درصد", "درصد", 20, 60),
    "pct_high": ("درصد", "درصد", 60, 99),
}

QUALIFIERS: tuple[str, ...] = (
    "بیش از",
    "حدود",
    "نزدیک به",
    "کمتر از",
    "افزون بر",
    "بالغ بر",
    "بیش از",
    "حدود",
)


# --------------------------------------------------------------------------------------------------- helpers


def _rng(*parts: object) -> random.Random:
    """A ``random.Random`` seeded by a stable hash of ``parts`` (``hash()`` is salted per process)."""
    key = "|".join(str(p) for p in parts).encode()
    return random.Random(int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big"))


def _h(*parts: object) -> int:
    key = "|".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")


def gregorian_to_jalali(gy: int, gm: int, gd: int) -> tuple[int, int, int]:
    """Solar Hijri (Jalali) date of a Gregorian date; the text mentions dates the Iranian way."""
    g_d_m = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
    gy2 = gy + 1 if gm > 2 else gy
    days = 355666 + 365 * gy + (gy2 + 3) // 4 - (gy2 + 99) // 100 + (gy2 + 399) // 400 + gd + g_d_m[gm - 1]
    jy = -1595 + 33 * (days // 12053)
    days %= 12053
    jy += 4 * (days // 1461)
    days %= 1461
    if days > 365:
        jy += (days - 1) // 365
        days = (days - 1) % 365
    if days < 186:
        jm, jd = 1 + days // 31, 1 + days % 31
    else:
        jm, jd = 7 + (days - 186) // 30, 1 + (days - 186) % 30
    return jy, jm, jd


_PROVINCE_BY_NAME = {p.name: p for p in PROVINCES}
_AGENCY_BY_NAME = {a.agency: a for a in AGENCY_TYPES}
_AGENCY_BY_LABEL = {a.host_label: a for a in AGENCY_TYPES}


def _agency_type(site_agency: str, host: str = "") -> AgencyType:
    """The agency type of a site, from its canonical agency name or, failing that, its host label."""
    at = _AGENCY_BY_NAME.get(site_agency)
    if at is not None:
        return at
    for label in host.split("."):
        if label in _AGENCY_BY_LABEL:
            return _AGENCY_BY_LABEL[label]
    for a in AGENCY_TYPES:
        if a.agency in site_agency or site_agency in a.agency:
            return a
    return AGENCY_TYPE_BY_KEY["governorate"]


def _fmt(pattern: str, province: str, capital: str) -> str:
    return pattern.replace("{province}", province).replace("{capital}", capital)


# ---------------------------------------------------------------------------------------------- officials


class _Official:
    """A named office holder; the same (seed, role, term) always gives the same person."""

    __slots__ = ("first", "hon", "last", "org", "role")

    def __init__(self, first: str, last: str, hon: str | None, role: str, org: str | None) -> None:
        self.first, self.last, self.hon, self.role, self.org = first, last, hon, role, org

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@functools.lru_cache(maxsize=1 << 16)
def _official(
    seed: int, role: str, months: int, *, kind: str = "civil", shift: int = 0, org: str | None = None
) -> _Official:
    """Office holder of ``role`` at month index ``months``; terms of 2–4 years, staggered per role.

    Cached (the server asks for the same officials on every page), so callers must not mutate the result.
    """
    period = 24 + _h("period", role) % 25
    phase = _h("phase", role) % period
    term = (months + phase) // period + shift
    r = _rng(seed, "official", role, term)
    female = kind == "civil" and r.random() < 0.12
    first = r.choice(FEMALE_FIRST_NAMES if female else MALE_FIRST_NAMES)
    last = r.choice(SURNAMES)
    if kind == "cleric":
        hon: str | None = HONORIFICS_CLERIC
    elif kind == "military":
        hon = r.choice(HONORIFICS_MILITARY)
    elif female:
        hon = r.choice(("دکتر", "خانم", "مهندس", None))
    else:
        hon = r.choice((*HONORIFICS_MALE, None, None))
    return _Official(first, last, hon, role, org)


# ------------------------------------------------------------------------------------------ text context

_SLOT_RE = re.compile(r"\{([A-Za-z_0-9]+)(?::([a-z_0-9]+))?\}")
_COMPILED: dict[str, tuple[tuple[str, str | None, str | None], ...]] = {}


def _compile(template: str) -> tuple[tuple[str, str | None, str | None], ...]:
    """Split a template once into (literal, slot, arg) triples; cached because templates are reused."""
    parts = _COMPILED.get(template)
    if parts is None:
        out: list[tuple[str, str | None, str | None]] = []
        pos = 0
        for m in _SLOT_RE.finditer(template):
            out.append((template[pos : m.start()], m.group(1), m.group(2)))
            pos = m.end()
        out.append((template[pos:], None, None))
        parts = tuple(out)
        _COMPILED[template] = parts
    return parts


class _Site:
    """What the generator needs to know about an agency site, derived once per call."""

    __slots__ = (
        "agency",
        "at",
        "attribution",
        "capital",
        "counties",
        "head_role",
        "province",
        "short",
        "site_id",
        "unit",
        "voc",
    )

    def __init__(
        self,
        site_id: str,
        agency: str,
        province: str | None,
        unit: str | None,
        attribution: str,
        host: str = "",
    ) -> None:
        self.site_id = site_id
        self.at = _agency_type(agency, host)
        self.voc: AgencyVocab = AGENCY_VOCAB[self.at.key]
        self.province = province or "تهران"
        prov = _PROVINCE_BY_NAME.get(self.province)
        self.capital = prov.capital if prov else self.province
        self.counties = COUNTIES.get(self.province, (self.capital,))
        self.head_role = _fmt(self.at.head_role, self.province, self.capital)
        self.unit = unit or _fmt(self.at.unit, self.province, self.capital)
        self.attribution = attribution
        self.agency = agency
        self.short = self.voc.short

    def deputy_role(self, dep: str) -> str:
        """Normalised role of a deputy: «معاون توانبخشی بهزیستی استان کرمان», «معاون … استاندار کرمان»."""
        if "استاندار" in dep:
            return f"{dep} {self.province}"
        if dep.endswith("شهرداری"):
            return f"{dep} {self.capital}"
        return f"{dep} {self.unit.replace('اداره کل ', '').replace('سازمان ', '')}"


class _Ctx:
    """State while writing one release: who was mentioned, which quantities were rendered, the scene."""

    def __init__(
        self,
        seed: int,
        site: _Site,
        published_at: datetime,
        rng: random.Random,
        *,
        script: str = "persian",
        dec_sep: str = "٫",
    ) -> None:
        self.seed, self.site, self.rng, self.script, self.dec_sep = seed, site, rng, script, dec_sep
        self.published_at = published_at
        self.months = published_at.year * 12 + published_at.month
        jy, jm, jd = gregorian_to_jalali(published_at.year, published_at.month, published_at.day)
        self.jy, self.jm, self.jd = jy, jm, jd
        self.persons: dict[str, Person] = {}
        self.quantities: list[Quantity] = []
        self.rendered_q: list[tuple[str, str]] = []  # (kind, qualifier + text), for reuse in titles/leads
        self.mentioned: set[str] = set()
        self.used: set[str] = set()  # templates already used in this release
        self._head: _Official | None = None
        self.speaker: _Official | None = None
        self.title_mode = False
        self.no_qualifier = False
        self.event = "meeting"
        self.fixed_style = False  # templated releases: always plain digits
        voc = site.voc
        self.topic, self.topic_kw = rng.choice(voc.topics)
        self.keywords: list[str] = [self.topic_kw]
        counties = site.counties
        self.county = site.capital if rng.random() < 0.35 else rng.choice(counties)
        self.prog = rng.choice(voc.programmes)
        self.fac = rng.choice(voc.facilities).replace("{name}", rng.choice(FACILITY_NAMES))
        self.village = self._new_village()
        self.partner = self._new_partner()
        self.benef = rng.choice(voc.beneficiaries)
        occ = ev.OCCASIONS.get(site.at.key, ev.OCCASIONS["governorate"])
        self.occasion = rng.choice(occ)
        self.newrole = ""
        self.new_off: _Official | None = None
        self.old_off: _Official | None = None
        self.prevrole = ""

    # -- scene values
    def _new_village(self) -> str:
        r = self.rng
        if r.random() < 0.5:
            return r.choice(VILLAGE_NAMES)
        return r.choice(VILLAGE_STEMS) + "‌آباد" if r.random() < 0.3 else r.choice(VILLAGE_STEMS) + "آباد"

    def _new_partner(self) -> str:
        others = [a for a in AGENCY_TYPES if a.key != self.site.at.key]
        a = self.rng.choice(others)
        return _fmt(a.unit, self.site.province, self.site.capital)

    def other_county(self) -> str:
        """A county of the province other than the release's main one."""
        counties = self.site.counties
        c = self.rng.choice(counties)
        while c == self.county and len(counties) > 1:
            c = self.rng.choice(counties)
        return c

    # -- officials
    def head(self) -> _Official:
        if self._head is None:
            self._head = _official(self.seed, self.site.head_role, self.months, org=self.site.unit)
        return self._head

    def other_official(self) -> _Official:
        """Another official, preferably one not yet named and not sharing a surname with anyone named."""
        taken = {self.head().last}
        taken.update(o.last for o in (self.new_off, self.old_off) if o is not None)
        taken.update(p.name.rsplit(" ", 1)[-1] for p in self.persons.values())
        off = self._draw_official()
        for _ in range(3):
            if off.name not in self.mentioned and off.last not in taken:
                break
            off = self._draw_official()
        return off

    def _draw_official(self) -> _Official:
        """An official other than the head, weighted towards the ones who appear in provincial releases."""
        r = self.rng
        s = self.site
        x = r.random()
        county = self.county if r.random() < 0.7 else self.other_county()
        if x < 0.22:
            return _official(self.seed, s.deputy_role(r.choice(s.voc.deputies)), self.months, org=s.unit)
        if x < 0.38:
            return _official(self.seed, f"فرماندار {county}", self.months, org=f"فرمانداری {county}")
        if x < 0.52:
            role = s.voc.county_head.replace("{county}", county).replace("{capital}", s.capital)
            role = role.replace("{district}", nw.to_words(1 + _h(county) % 12))
            if "{" in role:
                role = role.split("{")[0].strip()
            return _official(self.seed, role, self.months)
        if x < 0.62:
            return _official(self.seed, f"استاندار {s.province}", self.months, org=f"استانداری {s.province}")
        if x < 0.72:
            return _official(self.seed, f"نماینده مردم {county} در مجلس شورای اسلامی", self.months)
        if x < 0.79:
            return _official(self.seed, f"امام جمعه {county}", self.months, kind="cleric")
        if x < 0.85:
            return _official(self.seed, f"بخشدار مرکزی {county}", self.months)
        if x < 0.91:
            return _official(self.seed, f"شهردار {county}", self.months, org=f"شهرداری {county}")
        if x < 0.95:
            return _official(self.seed, f"فرمانده انتظامی استان {s.province}", self.months, kind="military")
        return _official(self.seed, s.voc.national_head, self.months)

    def mention(self, off: _Official) -> str:
        """Full name and title at first mention; then the surname, the title or honorific + surname."""
        self.speaker = off
        r = self.rng
        if off.name not in self.mentioned:
            self.mentioned.add(off.name)
            self.persons.setdefault(off.name, Person(off.name, off.role, off.hon, off.org))
            if self.fixed_style:  # templated families: the same wording every day
                return f"{off.role}، {off.hon + ' ' if off.hon else ''}{off.name}"
            hon = f"{off.hon} " if off.hon and r.random() < 0.7 else ""
            if r.random() < 0.6:
                return f"{off.role}، {hon}{off.name}"
            return f"{hon}{off.name}، {off.role}"
        x = r.random()
        if x < 0.55:
            return off.last
        if x < 0.85:
            return off.role
        return f"{off.hon} {off.last}" if off.hon and off.hon != "آقای" else off.last

    def named(self, off: _Official) -> str:
        """A person named without title (appointments): full name first, surname later."""
        if off.name not in self.mentioned:
            self.mentioned.add(off.name)
            self.persons.setdefault(off.name, Person(off.name, off.role, off.hon, off.org))
            return f"{off.hon} {off.name}" if off.hon and self.rng.random() < 0.5 else off.name
        return off.last

    def role_only(self) -> str:
        role = self.site.head_role
        if self.rng.random() < 0.5:
            role = role.replace("استان ", "")
        return role

    # -- quantities
    def _number(self, n: int, allow_words: bool = True) -> str:
        r = self.rng
        sc = self.script
        if self.fixed_style:
            return nw.digits(n, sc)
        x = r.random()
        if allow_words and n <= 20 and x < 0.4:
            return nw.to_words(n)
        if n >= 1000 and x < 0.45:
            return nw.to_mixed(n, sc)
        if n >= 10000 and x < 0.55:
            return nw.group_digits(n, sc, "٬" if sc != "latin" else ",")
        if allow_words and n >= 1000 and n % 1000 == 0 and x < 0.6 and n <= 20_000:
            return nw.to_words(n)
        return nw.digits(n, sc)

    def _value(self, lo: int, hi: int) -> int:
        r = self.rng
        v = math.exp(r.uniform(math.log(lo), math.log(hi + 1)))
        n = int(v)
        if n >= 100 and r.random() < 0.6:
            mag = 10 ** (len(str(n)) - 2)
            n = max(lo, (n // mag) * mag)
        return max(lo, min(hi, n))

    def quantity(self, kind: str) -> str:
        if kind == "money":
            text, value = self._money(small=False)
            unit = "ریال"
        elif kind == "money_small":
            text, value = self._money(small=True)
            unit = "ریال"
        else:
            word, unit, lo, hi = QUANTITY_KINDS.get(kind, QUANTITY_KINDS["people"])
            n = self.rng.randint(lo, hi) if unit == "درصد" else self._value(lo, hi)
            text = f"{self._number(n, kind not in ('percent',) or n <= 20)} {word}"
            value = n
        qual = None
        if not self.no_qualifier and not self.fixed_style and self.rng.random() < 0.22:
            qual = self.rng.choice(QUALIFIERS)
        self.quantities.append(Quantity(float(value), unit, text, qual))
        shown = f"{qual} {text}" if qual else text
        self.rendered_q.append((kind, shown))
        return shown

    def _money(self, small: bool) -> tuple[str, int]:
        r = self.rng
        sc = self.script
        cur = "ریال" if r.random() < 0.62 else "تومان"
        mult = 10 if cur == "تومان" else 1
        if self.fixed_style:  # templated: one currency per site, plain digits
            cur = "ریال" if _h("currency", self.site.site_id) % 3 == 0 else "تومان"
            mult = 10 if cur == "تومان" else 1
            if small:
                n = r.randint(12, 95) * 1000
                return f"{nw.digits(n, sc)} {cur}", n * mult
            n = r.randint(2, 900)
            return f"{nw.digits(n, sc)} میلیارد {cur}", n * 10**9 * mult
        x = r.random()
        if small:
            if x < 0.35:
                n = r.randint(2, 95) * 10
                return f"{self._number(n)} هزار {cur}", n * 1000 * mult
            if x < 0.6:
                whole, frac = r.randint(1, 9), r.randint(1, 9)
                return (
                    f"{nw.digits(whole, sc)}{self.dec_sep}{nw.digits(frac, sc)} میلیون {cur}",
                    (whole * 10 + frac) * 100_000 * mult,
                )
            n = self._value(2, 900)
            return f"{self._number(n)} میلیون {cur}", n * 10**6 * mult
        if x < 0.45:
            n = self._value(2, 990)
            return f"{self._number(n)} میلیارد {cur}", n * 10**9 * mult
        if x < 0.58:
            b, m = self._value(2, 900), r.randint(1, 9) * 100
            return f"{self._number(b)} میلیارد و {nw.digits(m, sc)} میلیون {cur}", (
                b * 10**9 + m * 10**6
            ) * mult
        if x < 0.71:
            whole, frac = r.randint(1, 99), r.randint(1, 9)
            return (
                f"{nw.digits(whole, sc)}{self.dec_sep}{nw.digits(frac, sc)} میلیارد {cur}",
                (whole * 10 + frac) * 10**8 * mult,
            )
        if x < 0.77:
            n = r.randint(1, 3) * 1000 + r.randint(1, 9) * 100
            return f"{nw.to_mixed(n, sc)} میلیارد {cur}", n * 10**9 * mult
        if x < 0.94:
            n = self._value(100, 990)
            return f"{self._number(n)} میلیون {cur}", n * 10**6 * mult
        n = r.randint(1, 12)
        return f"{self._number(n)} هزار میلیارد {cur}", n * 10**12 * mult

    # -- dates
    def date_phrase(self) -> str:
        r = self.rng
        d = self.published_at.date() + timedelta(days=r.randint(-60, 40))
        _, jm, jd = gregorian_to_jalali(d.year, d.month, d.day)
        month = JALALI_MONTHS[jm - 1]
        if r.random() < 0.4:
            month += "ماه" if r.random() < 0.5 else " ماه"
        return f"{nw.digits(jd, self.script)} {month}"

    def when(self) -> str:
        r = self.rng
        if r.random() < 0.25:
            wd = (self.published_at.weekday() + 2) % 7  # Monday=0 → دوشنبه index 2 in Saturday-first list
            name = WEEKDAYS[wd] if wd < len(WEEKDAYS) else "جمعه"
            return f"روز {name}" if r.random() < 0.5 else f"{name} {self.date_phrase()}"
        return r.choice(ev.WHEN)

    # -- filling
    def claim(self) -> str:
        """A topical clause, not repeating a template already used in this release."""
        r = self.rng
        pool = self.site.voc.claims if r.random() < 0.72 else GENERIC_CLAIMS
        t = r.choice(pool)
        for _ in range(4):
            if t not in self.used:
                break
            t = r.choice(pool)
        self.used.add(t)
        return self.fill(t)

    def pick(self, pool: tuple[str, ...]) -> str:
        """A template from ``pool``, avoiding ones already used in this release when possible."""
        r = self.rng
        t = r.choice(pool)
        for _ in range(3):
            if t not in self.used:
                break
            t = r.choice(pool)
        self.used.add(t)
        return t

    def fill(self, template: str) -> str:
        out: list[str] = []
        for lit, slot, arg in _compile(template):
            out.append(lit)
            if slot is not None:
                out.append(self._slot(slot, arg))
        return "".join(out)

    def _slot(self, slot: str, arg: str | None) -> str:
        r = self.rng
        s = self.site
        if slot == "q":
            return self.quantity(arg or "people")
        if slot == "claim":
            return self.claim()
        if slot == "topic":
            return self.topic
        if slot == "topic2":
            t, kw = r.choice(s.voc.topics)
            if kw not in self.keywords and len(self.keywords) < 5:
                self.keywords.append(kw)
            return t
        if slot == "county":
            return self.county if self.fixed_style or r.random() < 0.75 else self.other_county()
        if slot == "district":
            return nw.to_words(r.randint(1, 12))
        if slot == "county2":
            return self.other_county()
        if slot == "prov":
            return s.province
        if slot == "capital":
            return s.capital
        if slot == "village":
            return self.village
        if slot == "fac":
            return self.fac
        if slot == "prog":
            return self.prog
        if slot == "benef":
            return self.benef
        if slot == "partner":
            return self.partner
        if slot == "short":
            return s.short
        if slot == "unit":
            return s.unit
        if slot == "need":
            return r.choice(ev.NEEDS)
        if slot == "occasion":
            return self.occasion
        if slot == "date":
            return self.date_phrase()
        if slot == "when":
            return self.when()
        if slot == "year":
            return nw.digits(self.jy, self.script)
        if slot == "setting":
            return self.fill(r.choice(ev.SETTINGS[self.event]))
        if slot == "eventnoun":
            return r.choice(ev.EVENT_NOUNS[self.event])
        if slot == "S":
            if self.title_mode:
                return self.role_only()
            return self.mention(self.speaker or self.head())
        if slot == "O":
            if self.title_mode:
                return self.role_only()
            return self.mention(self.other_official())
        if slot == "R":
            return self.role_only()
        if slot == "Rname":
            return self.head().last
        if slot == "qre":
            kind = arg or "project"
            same = [shown for k, shown in self.rendered_q if k == kind]
            if same and (self.fixed_style or r.random() < 0.85):
                return r.choice(same)
            return self.quantity(kind)
        if slot in ("newrole", "newrole2"):
            return self.newrole
        if slot == "newname":
            return self.named(self.new_off) if self.new_off else ""
        if slot == "oldname":
            return self.named(self.old_off) if self.old_off else ""
        if slot == "prevrole":
            return self.prevrole
        return ""


# ------------------------------------------------------------------------------------------ finishing

_DIGIT_CHARS = "0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩"


def _occurs(span: str, text: str) -> bool:
    """``span`` occurs in ``text`` as a whole (not the tail of a longer number, nor «… و پنج مدرسه»)."""
    start = text.find(span)
    while start >= 0:
        ok = True
        if start > 0:
            prev = text[start - 1]
            if (
                prev in _DIGIT_CHARS
                or prev in "٫./,٬"
                or prev.isalpha()
                or (start >= 2 and text[start - 2 : start] in ("و ", "و\u200c"))
            ):
                ok = False
        end = start + len(span)
        if ok and end < len(text) and (text[end].isalpha() or text[end] in _DIGIT_CHARS):
            ok = False
        if ok:
            return True
        start = text.find(span, start + 1)
    return False


def _truth_in(
    text: str, persons: tuple[Person, ...] | list[Person], quantities: tuple[Quantity, ...] | list[Quantity]
) -> tuple[tuple[Person, ...], tuple[Quantity, ...]]:
    """Keep only the persons and quantities still present in ``text`` (after cuts), deduplicated."""
    ps: list[Person] = []
    seen: set[str] = set()
    for p in persons:
        if p.name not in seen and _occurs(p.name, text):
            seen.add(p.name)
            ps.append(p)
    qs: list[Quantity] = []
    qseen: set[tuple[float, str, str]] = set()
    for q in quantities:
        key = (q.value, q.unit, q.text)
        span = f"{q.qualifier} {q.text}" if q.qualifier else q.text
        if key not in qseen and _occurs(span, text):
            qseen.add(key)
            qs.append(q)
    return tuple(ps), tuple(qs)


_ZWNJ_SPACE_RE = re.compile(r"(?<=\bمی)\u200c|(?<=\bنمی)\u200c|\u200c(?=(?:ها|های|هایی|ای|اند|ایم|ام)\b)")


def _zwnj_variant(text: str, style: str) -> str:
    """Common ZWNJ habits: «می‌شود» → «می شود» (space), → «میشود» (none), or every ZWNJ as a space."""
    if style == "space":
        return _ZWNJ_SPACE_RE.sub(" ", text)
    if style == "none":
        return _ZWNJ_SPACE_RE.sub("", text)
    if style == "all_space":
        return text.replace(ZWNJ, " ")
    return text


def _apply(
    fn: Callable[[str], str],
    title: str,
    lead: str | None,
    paras: list[str],
    persons: Sequence[Person],
    quantities: Sequence[Quantity],
) -> tuple[str, str | None, list[str], list[Person], list[Quantity]]:
    """Apply a text edit to the text and to the truth spans alike, so spans stay verbatim."""
    title = fn(title)
    lead = fn(lead) if lead else lead
    paras = [fn(p) for p in paras]
    persons = [replace(p, name=fn(p.name)) for p in persons]
    quantities = [
        replace(q, text=fn(q.text), qualifier=fn(q.qualifier) if q.qualifier else None) for q in quantities
    ]
    return title, lead, paras, persons, quantities


def site_text_style(seed: int, site_id: str) -> tuple[str, str, str]:
    """(digit script, decimal separator, ZWNJ style) of a site: most write Persian digits and ZWNJ.

    Public so the renderer can write a site's dates and codes with the same habits as its release text.
    """
    h = _h(seed, "style", site_id)
    d = h % 100
    script = "latin" if d < 25 else ("arabic" if d < 30 else "persian")
    dec = "." if script == "latin" else ("٫" if (h >> 8) % 3 else "/")
    z = (h >> 16) % 100
    zstyle = "zwnj" if z < 70 else ("space" if z < 88 else ("all_space" if z < 95 else "none"))
    return script, dec, zstyle


def _as_written(attribution: str, tags: list[str] | tuple[str, ...]) -> str:
    """The attribution as the first paragraph shows it, after the ZWNJ and letter variants in ``tags``."""
    for t in tags:
        if t.startswith("zwnj_"):
            attribution = _zwnj_variant(attribution, t[5:])
    if "arabic_letters" in tags:
        attribution = attribution.translate(_ARABIC_LETTERS)
    return attribution


def _finish(
    ctx: _Ctx,
    title: str,
    lead: str | None,
    paras: list[str],
    *,
    arabic_letters: bool,
    zstyle: str,
    tags: list[str],
) -> tuple[str, str | None, tuple[str, ...], tuple[Person, ...], tuple[Quantity, ...]]:
    persons: list[Person] = list(ctx.persons.values())
    quantities: list[Quantity] = list(ctx.quantities)
    if ctx.script != "persian":  # fixed numbers in templates («خط ۱۲۳») follow the page's digits too
        fn = nw.to_latin_digits if ctx.script == "latin" else nw.to_arabic_indic_digits
        title, lead, paras, persons, quantities = _apply(fn, title, lead, paras, persons, quantities)
    if zstyle != "zwnj":
        title, lead, paras, persons, quantities = _apply(
            lambda t: _zwnj_variant(t, zstyle), title, lead, paras, persons, quantities
        )
        tags.append(f"zwnj_{zstyle}")
    if arabic_letters:
        title, lead, paras, persons, quantities = _apply(
            lambda t: t.translate(_ARABIC_LETTERS), title, lead, paras, persons, quantities
        )
        tags.append("arabic_letters")
    if ctx.script != "persian":
        tags.append(f"{ctx.script}_digits")
    full = "\n".join([title, lead or "", *paras])
    ps, qs = _truth_in(full, persons, quantities)
    return title, lead, tuple(paras), ps, qs


# ------------------------------------------------------------------------------------------ originals

_EVENT_WEIGHTS: dict[str, int] = {
    "meeting": 24,
    "visit": 14,
    "inauguration": 10,
    "agreement": 7,
    "programme": 13,
    "announcement": 16,
    "appointment": 6,
    "ceremony": 10,
}
_EVENTS = tuple(e for e in EVENT_TYPES if e in _EVENT_WEIGHTS)
_EVENT_W = tuple(_EVENT_WEIGHTS[e] for e in _EVENTS)


@functools.lru_cache(maxsize=4096)
def _site_of(site: SiteSpec) -> _Site:
    return _Site(site.site_id, site.agency, site.province, site.agency_unit, site.attribution, site.host)


def _setup_appointment(ctx: _Ctx) -> None:
    r = ctx.rng
    s = ctx.site
    if r.random() < 0.5:
        county = ctx.other_county()
        role = s.voc.county_head.replace("{county}", county).replace("{capital}", s.capital)
        role = role.replace("{district}", nw.to_words(1 + _h(county) % 12))
        prev_county = ctx.other_county()
        prev = s.voc.county_head.replace("{county}", prev_county).replace("{capital}", s.capital)
        prev = prev.replace("{district}", nw.to_words(2 + _h(prev_county) % 11))
    else:
        role = s.deputy_role(r.choice(s.voc.deputies))
        prev = (
            s.deputy_role(r.choice(s.voc.deputies))
            if r.random() < 0.5
            else s.voc.county_head.replace("{county}", ctx.other_county()).replace("{capital}", s.capital)
        )
        prev = prev.replace("{district}", nw.to_words(3))
    ctx.newrole = role
    ctx.prevrole = prev
    ctx.old_off = _official(ctx.seed, role, ctx.months)
    ctx.new_off = _official(ctx.seed, role, ctx.months, shift=1)
    if ctx.new_off.name == ctx.old_off.name:
        ctx.new_off = _official(ctx.seed, role + "*", ctx.months)
        o = ctx.new_off
        ctx.new_off = _Official(o.first, o.last, o.hon, role, o.org)


def _body(ctx: _Ctx) -> list[str]:
    r = ctx.rng
    event = ctx.event
    head = ctx.head()
    ctx.speaker = head
    opener = ctx.fill(r.choice(ev.OPENERS))
    # A few releases omit the comma after the attribution, as the seed release does.
    sep = " " if r.random() < 0.04 else "، "
    first = f"به گزارش {ctx.site.attribution}{sep}{opener}"
    if event == "appointment":
        first += " " + ctx.fill(
            r.choice(
                (
                    "وی در این مراسم با تقدیر از تلاش‌های {oldname}، {newname} را به عنوان {newrole} معرفی کرد.",
                    "در این آیین، {newname} به عنوان {newrole} معرفی و از زحمات {oldname} قدردانی شد.",
                    "با حکم {R}، {newname} به عنوان {newrole} منصوب شد.",
                )
            )
        )
    elif r.random() < 0.4:
        first += " " + ctx.fill(ctx.pick(ev.FOLLOW_NEXT))
    paras = [first]
    n = r.randint(3, 8)
    other_used = 0
    for i in range(1, n):
        x = r.random()
        narrative = False
        if x < 0.2 and other_used < 2:
            other_used += 1
            p = ctx.fill(ctx.pick(ev.OTHER_SPEAKER))
        elif x < 0.42:
            narrative = True  # no speaker, so no «وی …» sentence may follow
            p = ctx.fill(ctx.pick(ev.EVENT_SENTENCES[event]))
        else:
            if ctx.speaker is not head and r.random() < 0.5:
                ctx.speaker = head
            p = ctx.fill(ctx.pick(ev.FOLLOW_FIRST))
        k = 0 if narrative else (r.choice((0, 0, 1, 1, 2)) if i < n - 1 else r.choice((0, 1)))
        for _ in range(k):
            p += " " + ctx.fill(ctx.pick(ev.FOLLOW_NEXT))
        paras.append(p)
    if len(paras) < 8 and r.random() < 0.35:
        paras.append(ctx.fill(ctx.pick(ev.EVENT_SENTENCES[event])))
    return paras


def generate_release(
    seed: int, site: SiteSpec, published_at: datetime, serial: int, *, arabic_letters: bool = False
) -> Release:
    """An original release issued by an agency site; the text is a function of (seed, site, day, serial)."""
    day = published_at.strftime("%Y%m%d")
    rng = _rng(seed, "release", site.site_id, day, serial)
    script, dec, zstyle = site_text_style(seed, site.site_id)
    if script != "arabic" and rng.random() < 0.1:
        script = "latin" if script == "persian" else "persian"
        dec = "." if script == "latin" else "٫"
    s = _site_of(site)
    ctx = _Ctx(seed, s, published_at, rng, script=script, dec_sep=dec)
    ctx.event = rng.choices(_EVENTS, _EVENT_W)[0]
    if ctx.event == "appointment":
        _setup_appointment(ctx)
    paras = _body(ctx)
    ctx.title_mode = True
    ctx.no_qualifier = True
    title = ctx.fill(rng.choice(ev.TITLES[ctx.event]))
    lead = ctx.fill(rng.choice(ev.LEADS)) if rng.random() < 0.55 else None
    ctx.title_mode = False
    if ctx.event == "appointment" and ctx.new_off and "{newname}" not in title and rng.random() < 0.3:
        title = f"{ctx.new_off.name} {ctx.newrole} شد"
    tags: list[str] = []
    title, lead, ptuple, persons, quantities = _finish(
        ctx, title, lead, paras, arabic_letters=arabic_letters, zstyle=zstyle, tags=tags
    )
    kws = [*ctx.keywords, s.short]
    if ctx.county not in kws:
        kws.append(ctx.county)
    return Release(
        cluster_id=f"r-{site.site_id}-{day}-{serial}",
        site_id=site.site_id,
        origin_site_id=site.site_id,
        title=title,
        lead=lead,
        paragraphs=ptuple,
        published_at=published_at,
        persons=persons,
        quantities=quantities,
        event_type=ctx.event,
        province=site.province,
        agency=site.agency,
        attribution=_as_written(site.attribution, tags),
        keywords=tuple(dict.fromkeys(kws)),
        variant_tags=tuple(tags),
    )


# ------------------------------------------------------------------------------------------ templated


def generate_templated_release(
    seed: int, site: SiteSpec, published_at: datetime, serial: int, *, arabic_letters: bool = False
) -> Release:
    """A templated release (daily statistics, weekly prices): the family's wording is fixed, only numbers,
    dates, places and named people change, so siblings are near-duplicates that must not be merged."""
    day = published_at.strftime("%Y%m%d")
    rng = _rng(seed, "templated", site.site_id, day, serial)
    script, dec, zstyle = site_text_style(seed, site.site_id)
    s = _site_of(site)
    ctx = _Ctx(seed, s, published_at, rng, script=script, dec_sep=dec)
    ctx.fixed_style = True
    ctx.no_qualifier = True
    ctx.event = "announcement"
    families = tp.FAMILIES_BY_AGENCY.get(s.at.key) or tp.FAMILIES_BY_AGENCY["governorate"]
    fam = families[_h(seed, "family", site.site_id, serial) % len(families)]
    ctx.county = rng.choice(s.counties)
    jy, jm, jd = ctx.jy, ctx.jm, ctx.jd
    wd = (published_at.weekday() + 2) % 7
    ctx_date = f"{nw.digits(jd, script)} {JALALI_MONTHS[jm - 1]} {nw.digits(jy, script)}"
    spokes = _official(seed, fam.speaker_role(s), ctx.months, org=s.unit)
    ctx.speaker = spokes

    def fill(t: str) -> str:
        t = t.replace("{jdate}", ctx_date).replace("{weekday}", WEEKDAYS[wd] if wd < 6 else "جمعه")
        return ctx.fill(t)

    paras = [f"به گزارش {s.attribution}، " + fill(fam.paragraphs[0])]
    paras += [fill(p) for p in fam.paragraphs[1:]]
    title = fill(fam.title)
    lead = fill(fam.lead) if fam.lead else None
    tags: list[str] = ["templated", fam.key]
    title, lead, ptuple, persons, quantities = _finish(
        ctx, title, lead, paras, arabic_letters=arabic_letters, zstyle=zstyle, tags=tags
    )
    return Release(
        cluster_id=f"t-{site.site_id}-{day}-{serial}",
        site_id=site.site_id,
        origin_site_id=site.site_id,
        title=title,
        lead=lead,
        paragraphs=ptuple,
        published_at=published_at,
        persons=persons,
        quantities=quantities,
        event_type="announcement",
        province=site.province,
        agency=site.agency,
        attribution=_as_written(site.attribution, tags),
        keywords=(*fam.keywords, s.short),
        is_templated=True,
        variant_tags=tuple(tags),
    )


# ------------------------------------------------------------------------------------------ republication

_SENT_END_RE = re.compile(r"(?<=[.!؟])\s+")
_PREAMBLE_RE = re.compile(r"^به گزارش [^،]+،\s*")


def _split_sentences(p: str) -> list[str]:
    return [x for x in _SENT_END_RE.split(p) if x]


def _news_city(original: Release, rng: random.Random) -> str:
    prov = _PROVINCE_BY_NAME.get(original.province or "")
    if prov is None:
        return original.province or "تهران"
    return prov.capital if rng.random() < 0.7 else rng.choice(COUNTIES.get(prov.name, (prov.capital,)))


def _new_title(original: Release, paras: list[str], rng: random.Random) -> tuple[str, str]:
    """A news agency's own headline: a quote from the body, the lead, or the original reworded."""
    x = rng.random()
    role = None
    for p in original.persons:
        role = p.role
        break
    if x < 0.45:
        for para in paras[:3]:
            m = re.search(
                r"(?:گفت|افزود|اظهار کرد|اظهار داشت|تصریح کرد|عنوان کرد|خاطرنشان کرد): ([^.]+)\.", para
            )
            if m:
                quote = m.group(1)
                if len(quote.split()) > 16:
                    quote = quote.split("، ")[0]
                if 4 <= len(quote.split()) <= 16:
                    who = role.replace("استان ", "") if role else original.attribution
                    return f"{who}: {quote}", "title_quote"
    if x < 0.65 and original.lead:
        lead = original.lead.rstrip(".")
        if len(lead.split()) <= 22:
            return lead, "title_from_lead"
    prov = original.province or ""
    if x < 0.85 and prov and prov not in original.title:
        return (
            f"{original.title} در {prov}" if rng.random() < 0.5 else f"{prov}؛ {original.title}",
            "title_province",
        )
    return (
        f"{original.title}{rng.choice((' +عکس', ' + تصاویر', '/ فیلم', ' + جزئیات'))}".strip(),
        "title_suffix",
    )


def republish(original: Release, target: SiteSpec, published_at: datetime, seed: int) -> Release:
    """A copy of ``original`` on a news-agency site, with the edits such copies get; truth recomputed."""
    rng = _rng(seed, "republish", original.cluster_id, original.version, target.site_id)
    tags: list[str] = []
    paras = list(original.paragraphs)
    # Normalise the original's letters for editing; re-apply variants below.
    was_arabic = "arabic_letters" in original.variant_tags
    persons = list(original.persons)
    quantities = list(original.quantities)
    title, lead = original.title, original.lead
    if was_arabic:
        title, lead, paras, persons, quantities = _apply(
            lambda t: t.translate(_PERSIAN_LETTERS), title, lead, paras, persons, quantities
        )

    # Preamble.
    att = original.attribution.translate(_PERSIAN_LETTERS) if was_arabic else original.attribution
    prefix = f"به گزارش {att}"
    if paras[0].startswith(prefix):
        first = paras[0][len(prefix) :].lstrip("،").lstrip()
    else:
        first = _PREAMBLE_RE.sub("", paras[0], count=1)
    src = original.attribution
    x = rng.random()
    if x < 0.45:
        pre = f"به گزارش {target.name} از {_news_city(original, rng)}، "
        tags.append("preamble_city")
    elif x < 0.85:
        pre = f"به گزارش {target.name} به نقل از {src}، "
        tags.append("preamble_quoted")
    else:
        pre = f"به گزارش {target.name}، "
        tags.append("preamble_plain")
    paras[0] = pre + first

    # Trim later paragraphs (never the first two).
    if len(paras) > 3 and rng.random() < 0.6:
        keep = max(3, len(paras) - rng.randint(1, max(1, len(paras) // 3)))
        if keep < len(paras):
            paras = paras[:keep]
            tags.append("trimmed")
    # Merge two adjacent paragraphs.
    if len(paras) > 3 and rng.random() < 0.35:
        i = rng.randint(1, len(paras) - 2)
        paras[i : i + 2] = [paras[i] + " " + paras[i + 1]]
        tags.append("merged")
    # Cut one sentence from a multi-sentence paragraph (not the first paragraph).
    if rng.random() < 0.35:
        cands = [i for i in range(1, len(paras)) if len(_split_sentences(paras[i])) > 1]
        if cands:
            i = rng.choice(cands)
            sents = _split_sentences(paras[i])
            del sents[rng.randrange(1, len(sents))]
            paras[i] = " ".join(sents)
            tags.append("sentence_cut")

    new_title, ttag = _new_title(original, paras, rng)
    if was_arabic:
        new_title = new_title.translate(_PERSIAN_LETTERS)
    tags.append(ttag)
    if lead is not None and rng.random() < 0.3:
        lead = None
        tags.append("lead_dropped")
    elif lead is None and rng.random() < 0.3:
        s0 = _split_sentences(first)
        if s0:
            lead = s0[0]
            tags.append("lead_added")

    # Character-level variants, applied to text and truth alike.
    d = rng.random()
    if d < 0.3:
        fn = nw.to_latin_digits
        tags.append("latin_digits")
    elif d < 0.42:
        fn = nw.to_arabic_indic_digits
        tags.append("arabic_digits")
    elif d < 0.75:
        fn = nw.to_persian_digits
        tags.append("persian_digits")
    else:
        fn = None
    if fn is not None:
        new_title, lead, paras, persons, quantities = _apply(fn, new_title, lead, paras, persons, quantities)
    z = rng.random()
    if z < 0.25:
        zstyle = "space"
    elif z < 0.35:
        zstyle = "none"
    elif z < 0.42:
        zstyle = "all_space"
    else:
        zstyle = "zwnj"
    if zstyle != "zwnj":
        new_title, lead, paras, persons, quantities = _apply(
            lambda t: _zwnj_variant(t, zstyle), new_title, lead, paras, persons, quantities
        )
        tags.append(f"zwnj_{zstyle}")
    if rng.random() < (0.5 if was_arabic else 0.15):
        new_title, lead, paras, persons, quantities = _apply(
            lambda t: t.translate(_ARABIC_LETTERS), new_title, lead, paras, persons, quantities
        )
        tags.append("arabic_letters")

    full = "\n".join([new_title, lead or "", *paras])
    ps, qs = _truth_in(full, persons, quantities)
    return Release(
        cluster_id=original.cluster_id,
        site_id=target.site_id,
        origin_site_id=original.origin_site_id,
        title=new_title,
        lead=lead,
        paragraphs=tuple(paras),
        published_at=published_at,
        persons=ps,
        quantities=qs,
        event_type=original.event_type,
        province=original.province,
        agency=original.agency,
        attribution=_as_written(target.name, tags),
        keywords=original.keywords,
        version=1,
        is_republication=True,
        is_templated=original.is_templated,
        variant_tags=tuple(tags),
    )


# ------------------------------------------------------------------------------------------ edits


def _text_variant(text: str, tags: list[str] | tuple[str, ...]) -> str:
    """``text`` with the ZWNJ, digit and letter habits recorded in ``tags`` (used for text added by an edit)."""
    for t in tags:
        if t.startswith("zwnj_"):
            text = _zwnj_variant(text, t[5:])
    if "arabic_digits" in tags:
        text = nw.to_arabic_indic_digits(text)
    if "arabic_letters" in tags:
        text = text.translate(_ARABIC_LETTERS)
    return text


def edit_release(release: Release, seed: int) -> Release:
    """The same release edited after publication (same URL, version + 1): a corrected figure, a replaced
    sentence or an added sentence; the truth follows the new text."""
    rng = _rng(seed, "edit", release.cluster_id, release.site_id, release.version)
    title, lead, paras = release.title, release.lead, list(release.paragraphs)
    persons, quantities = list(release.persons), list(release.quantities)
    tags = [t for t in release.variant_tags if not t.startswith("edit_")]
    joined = "".join(paras)
    script = "latin" if any(c in "0123456789" for c in joined) else "persian"
    if any(c in nw.ARABIC_INDIC_DIGITS for c in joined):
        script = "arabic"
        if "arabic_digits" not in tags:
            tags.append("arabic_digits")
    body = "\n".join(paras)
    # Candidates for correction: plain-digit counts that occur exactly once in the body.
    cands = [
        q
        for q in quantities
        if q.unit not in ("ریال", "درصد")
        and re.fullmatch(r"[0-9۰-۹٠-٩]+ (?:\S+ )?\S+", q.text)
        and body.count(q.text) == 1
        and q.text.split(" ", 1)[1].translate(_PERSIAN_LETTERS) == q.unit
        and q.text not in title
        and (lead is None or q.text not in lead)
    ]
    x = rng.random()
    if cands and x < 0.45:
        q = rng.choice(cands)
        num, unit_word = q.text.split(" ", 1)
        old = int(nw.to_latin_digits(num))
        new = max(1, old + rng.choice((-1, 1)) * max(1, int(old * rng.uniform(0.05, 0.3))))
        if new == old:
            new = old + 1
        new_text = f"{nw.digits(new, script)} {unit_word}"
        paras = [p.replace(q.text, new_text) for p in paras]
        quantities = [replace(x, value=float(new), text=new_text) if x is q else x for x in quantities]
        tags.append("edit_corrected_figure")
    else:
        # New text written for the release's own agency and place, in the page's spelling habits.
        s = _Site(release.origin_site_id, release.agency, release.province, None, release.attribution)
        ctx = _Ctx(
            seed,
            s,
            release.published_at,
            rng,
            script="latin" if script == "latin" else "persian",
            dec_sep="." if script == "latin" else "٫",
        )
        sentence = _text_variant(ctx.fill(rng.choice(ev.EDIT_SENTENCES)), tags)
        added = [
            replace(
                q,
                text=_text_variant(q.text, tags),
                qualifier=_text_variant(q.qualifier, tags) if q.qualifier else None,
            )
            for q in ctx.quantities
        ]
        multi = [i for i in range(1, len(paras)) if len(_split_sentences(paras[i])) > 1]
        if multi and x < 0.7:
            i = rng.choice(multi)
            sents = _split_sentences(paras[i])
            sents[-1] = sentence
            paras[i] = " ".join(sents)
            tags.append("edit_changed_sentence")
        elif rng.random() < 0.5:
            paras[-1] = paras[-1] + " " + sentence
            tags.append("edit_added_sentence")
        else:
            paras.append(sentence)
            tags.append("edit_added_sentence")
        quantities += added
    full = "\n".join([title, lead or "", *paras])
    ps, qs = _truth_in(full, persons, quantities)
    return replace(
        release,
        paragraphs=tuple(paras),
        persons=ps,
        quantities=qs,
        version=release.version + 1,
        variant_tags=tuple(tags),
    )
