"""People named in a release, with their role when the text states it.

hazm ships no NER offline, so this reads the genre's patterns with lexicons from ``config/gazetteers``:
- «ROLE، [honorific] FIRST SURNAME» and «[honorific] FIRST SURNAME، ROLE» (the usual first mention),
- «FIRST SURNAME ROLE …» and «… به عنوان ROLE» (appointments, titles),
- an honorific (دکتر، مهندس، حجت‌الاسلام والمسلمین، سرهنگ …) before a name,
- a surname alone right before a role («صادق زاده مدیرکل بهزیستی») or after «در این جلسه» («رزم حسینی ضمن …»).
Later mentions by surname or title are folded into the first full mention, as annotators do.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from itertools import compress
from typing import Any

from khabar.extractors.gazetteer import person_lex, stopwords, verb_forms
from khabar.extractors.normalize import search_form, unify_letters
from khabar.extractors.tokens import Tok, next_start, start_positions, tokenize

_PREDICATES = {
    "گفت",
    "افزود",
    "اظهار",
    "عنوان",
    "بیان",
    "تصریح",
    "تاکید",
    "خاطرنشان",
    "یادآور",
    "اعلام",
    "خبر",
    "ضمن",
    "با",
    "در",
    "به",
    "از",
    "را",
    "که",
    "نیز",
    "هم",
    "همچنین",
    "طی",
    "برای",
    "تا",
    "و",
    "امروز",
    "دیروز",
    "روز",
    "صبح",
    "عصر",
    "ظهر",
    "شامگاه",
    "بامداد",
    "پیش",
    "شد",
    "است",
    "بود",
    "منصوب",
    "معرفی",
    "سخن",
    "سخنان",
    "ادامه",
    "داد",
    "کرد",
    "دانست",
    "توضیح",
    "اشاره",
    "قدردانی",
    "تقدیر",
    "گزارش",
    "پس",
    "بر",
    "ارائه",
    "هنگام",
    "حین",
    "می",
    "وی",
    "این",
    "آن",
    "جلسه",
    "نشست",
    "مراسم",
    "آیین",
    "استان",
    "شهرستان",
    "سازمان",
    "اداره",
    "پایان",
    "حضور",
    "همراه",
    "خود",
    "اینکه",
    "جمع",
    "حاشیه",
    "بخش",
    "دیدار",
    "بازدید",
    "سفر",
    "رئیس",
    "رییس",
    "معاون",
    "مدیر",
    "ها",
    "های",
}
_ROLE_STOP = {
    "گفت",
    "افزود",
    "اظهار",
    "عنوان",
    "بیان",
    "تصریح",
    "تاکید",
    "خاطرنشان",
    "یادآور",
    "اعلام",
    "خبر",
    "ضمن",
    "با",
    "را",
    "که",
    "نیز",
    "هم",
    "همچنین",
    "طی",
    "امروز",
    "دیروز",
    "صبح",
    "عصر",
    "ظهر",
    "شامگاه",
    "پیش",
    "شد",
    "است",
    "بود",
    "منصوب",
    "معرفی",
    "سخن",
    "ادامه",
    "توضیح",
    "اشاره",
    "قدردانی",
    "تقدیر",
    "برای",
    "تا",
    "پس",
    "وی",
    "هنگام",
    "حین",
    "می",
    "طبق",
    "بنا",
    "روز",
    "ساعت",
    "دانست",
    "جمعی",
    "برگزار",
    "جمع",
    "حضور",
    "کرد",
    "کردند",
    "داشت",
    "گردید",
    "پرداخت",
    "گذشته",
    "ضرورت",
}
_ROLE_STOP |= {
    "از",
    "دقایقی",
    "لحظاتی",
    "ساعاتی",
    "دیدار",
    "بازدید",
    "گفتگو",
    "گفت وگو",
    "مصاحبه",
    "نشست",
    "جلسه",
    "مراسم",
    "همایش",
    "آیین",
    "شنبه",
    "یکشنبه",
    "دوشنبه",
    "سه شنبه",
    "چهارشنبه",
    "پنجشنبه",
    "پنج شنبه",
    "یادآوری",
    "اضافه",
    "بر",
    "ابراز",
    "خواستار",
    "گفته",
    "اظهارداشت",
    "عصرامروز",
    "صبحامروز",
    "امروزه",
    "شب",
    "هفته",
    "سال",
    "ماه",
}
_ROLE_IN = {
    "در": {"مجلس"},
    "و": {
        "پرورش",
        "نقل",
        "بلوچستان",
        "بختیاری",
        "بویراحمد",
        "شهرسازی",
        "درمان",
        "دارو",
        "آموزش",
        "فناوری",
        "منابع",
        "خیریه",
        "تجارت",
        "جوانان",
        "ترافیک",
        "اجتماعی",
        "آبخیزداری",
        "فاضلاب",
        "صنایع",
        "گردشگری",
        "عمرانی",
        "امنیتی",
        "ایثارگران",
        "کار",
        "رفاه",
        "حمل",
        "بهداشتی",
        "پشتیبانی",
        "توسعه",
        "ارشاد",
        "جرگلان",
        "فرهنگی",
    },
}
_NOT_SURNAME = {"رغم", "آباد", "شهر", "دشت", "کوه", "زاده", "پور", "آبادی", "ع", "س", "عج", "ره", "ص"}
_CONTEXT_NOUNS = {"جلسه", "نشست", "مراسم", "آیین", "همایش", "دیدار", "گردهمایی"}


@functools.cache
def _name_stop() -> frozenset[str]:
    lex = person_lex()
    base = set(stopwords()) - lex.surname_suffixes - {"کل", "عالی", "خوب", "بزرگ"}
    base |= _PREDICATES
    base |= {h for h in lex.honorifics if " " not in h}
    base |= {r[0] for r in lex.role_heads}
    return frozenset(base)


@functools.cache
def _heads_by_first() -> dict[str, tuple[tuple[str, ...], ...]]:
    by: dict[str, list[tuple[str, ...]]] = {}
    for head in person_lex().role_heads:
        by.setdefault(head[0], []).append(head)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in by.items()}


@functools.cache
def _hons_by_first() -> dict[str, tuple[tuple[str, ...], ...]]:
    by: dict[str, list[tuple[str, ...]]] = {}
    for h in person_lex().honorifics:
        parts = tuple(h.split())
        by.setdefault(parts[0], []).append(parts)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in by.items()}


def _phrase_at(toks: Sequence[Tok], i: int, index: dict[str, tuple[tuple[str, ...], ...]]) -> int:
    """Tokens covered by the longest lexicon phrase starting at token ``i`` (0 if none); a token whose key has a
    space (a ZWNJ compound) counts as several words, and no clause boundary may fall inside the phrase."""
    key = toks[i].key
    sp = key.find(" ")
    cands = index.get(key if sp < 0 else key[:sp])
    if not cands:
        return 0
    n = len(toks)
    for phrase in cands:
        if sp < 0:  # fast paths for a one-word token: a one-word phrase, or a second word that differs
            if len(phrase) == 1:
                return 1
            if i + 1 >= n or toks[i][5] or toks[i + 1][3].split(" ", 1)[0] != phrase[1]:
                continue
        words: list[str] = []
        covered = 0
        while len(words) < len(phrase) and i + covered < len(toks):
            if covered and toks[i + covered - 1].closes:
                break
            words.extend(toks[i + covered].key.split(" "))
            covered += 1
        if tuple(words[: len(phrase)]) == phrase and len(words) == len(phrase):
            return covered
    return 0


def _role_head_at(toks: Sequence[Tok], i: int) -> int:
    """Length in tokens of a role head starting at ``i`` (0 if none)."""
    return _phrase_at(toks, i, _heads_by_first())


def _role_from(toks: Sequence[Tok], i: int, text: str) -> tuple[str, int] | None:
    """The role phrase from its head at ``i`` to the clause boundary: (raw role, last index)."""
    n = _role_head_at(toks, i)
    if not n:
        return None
    j = i + n - 1
    while j + 1 < len(toks) and not toks[j].closes and j - i < 16:
        nxt = toks[j + 1]
        k = nxt.key
        if k == "و" and j + 2 < len(toks) and not nxt.closes:
            after = toks[j + 2]
            ak = after.key.split(" ")[0]
            if not (
                ak in _ROLE_STOP
                or ak in _PREDICATES
                or _role_head_at(toks, j + 2)
                or _honorific_at(toks, j + 2)
                or (_first_name_at(toks, j + 2) and ak not in person_lex().ambiguous_first)
                or after.lead
                or ak[:1].isdigit()
            ):
                j += 1
                continue
            break
        if k == "با" and toks[j].key == "مبارزه" and not nxt.closes:  # «رئیس پلیس مبارزه با مواد مخدر»
            j += 1
            continue
        if k in _ROLE_IN:
            after_key = toks[j + 2].key if j + 2 < len(toks) else ""
            if after_key.split(" ")[0] in _ROLE_IN[k] and not nxt.closes:
                j += 1
                continue
            break
        if k in _ROLE_STOP or k[:1].isdigit() or nxt.lead:
            break
        if k.startswith(("می ", "نمی ")):
            break
        j += 1
    raw = text[toks[i].start : toks[j].end]
    return unify_letters(raw), j


def _honorific_at(toks: Sequence[Tok], i: int) -> int:
    return _phrase_at(toks, i, _hons_by_first())


def _first_name_at(toks: Sequence[Tok], i: int) -> int:
    """Tokens covered by a first name at ``i`` («علی», «سید علی», «حبیب الله», «محمد رضا»)."""
    lex = person_lex()
    j = i
    if toks[j].key in lex.name_prefixes and j + 1 < len(toks) and not toks[j].closes:
        j += 1
    if toks[j].key.startswith("سید") and len(toks[j].key) > 4 and " " not in toks[j].key:
        return j + 1 - i
    if toks[j].key not in lex.first_names and _compound_first(toks[j].key):
        return j + 1 - i
    if toks[j].key not in lex.first_names:
        two = f"{toks[j].key} {toks[j + 1].key}" if j + 1 < len(toks) and not toks[j].closes else ""
        if two in lex.first_names:
            return j + 2 - i
        return 0
    n = j + 1 - i
    if j + 1 < len(toks) and not toks[j].closes:
        two = f"{toks[j].key} {toks[j + 1].key}"
        # «امیر ولی پور»: the second word belongs to the surname when a surname suffix follows it
        if two in lex.first_names and not (j + 2 < len(toks) and toks[j + 2].key in lex.surname_suffixes):
            n += 1
    return n


@functools.lru_cache(maxsize=8192)
def _compound_first(key: str) -> bool:
    """«قربانعلی», «رضاعلی», «عباسعلی», «علی‌رضا»: a first name glued to «علی» is a first name."""
    lex = person_lex()
    if " " in key or len(key) < 6:
        return False
    if key.endswith("علی") and key[:-3] in lex.first_names:
        return True
    return key.startswith("علی") and key[3:] in lex.first_names and key[3:] not in lex.ambiguous_first


# first words of ZWNJ-compound titles («رئیس‌جمهوری», «نخست‌وزیر», «معاون‌وزیر»): no surname word
_COMPOUND_HEADS = frozenset({"رئیس", "رییس", "نخست", "معاون", "وزیر", "سفیر", "دبیر", "مدیر", "نایب", "قائم"})

_PREPS = frozenset({"در", "از", "به", "با", "و", "که", "را", "بر", "تا", "برای", "این", "آن"})


def _surname_tokens(toks: Sequence[Tok], j: int) -> int:
    """How many tokens after a first name form the surname (0 if none)."""
    lex = person_lex()
    stop = _name_stop()
    n = 0
    real = 0
    while j + n < len(toks) and real < 3:
        t = toks[j + n]
        k = t.key
        if t.lead or k[:1].isdigit() or not k[:1].isalpha():
            break
        nxt_key = toks[j + n + 1].key if j + n + 1 < len(toks) and not t.closes else ""
        if (
            k in stop
            and k not in lex.surname_suffixes
            and (nxt_key not in lex.surname_suffixes or k in _PREPS)
            and not (k in lex.surnames and n == 0)
        ):
            break
        if _role_head_at(toks, j + n) or _honorific_at(toks, j + n) or k in lex.reverent_titles:
            break
        if " " in k and k.split(" ", 1)[0] in _COMPOUND_HEADS:
            break  # «خاتمی رئیس‌جمهوری», «پوتین نخست‌وزیر»: a ZWNJ-compound title after the name
        if " " in k and any(x.startswith("علیه") for x in k.split(" ")):
            break  # a blessing («زهرا سلام‌الله‌علیها»)
        n += 1
        if k not in lex.surname_suffixes:
            real += 1
        if t.closes:
            break
        # a one-word surname is the rule; go on only for compounds («رزم حسینی», «صادق زاده», «حاجی علی اکبری»)
        nxt = toks[j + n].key if j + n < len(toks) else ""
        if nxt in lex.surname_suffixes:
            continue
        if k in lex.surname_prefixes or nxt in lex.surnames:
            continue
        after = toks[j + n + 1].key if j + n + 1 < len(toks) and not toks[j + n].closes else ""
        if j + n < len(toks) and not toks[j + n].lead and _second_surname(nxt, after):
            continue
        if (
            j + n + 1 < len(toks)
            and not toks[j + n].lead
            and toks[j + n + 1].key in _TIME_WORDS - {"در"}
            and nxt[:1].isalpha()
            and nxt not in stop
            and nxt not in _TIME_WORDS
            and nxt not in verb_forms()
            and not _role_head_at(toks, j + n)
            and not _honorific_at(toks, j + n)
        ):
            continue  # «محمد حسن اکبری مطلق امروز …»: a word right before the time is still the surname
        break
    if n and toks[j + n - 1].key in _NOT_SURNAME and n == 1:
        return 0
    if n and all(toks[x].key in _NOT_SURNAME for x in range(j, j + n)):
        return 0
    if n and toks[j + n - 1].key in ("آباد", "شهر", "دشت"):
        return 0
    return n


_MILITARY = ("فرمانده", "ارتش", "نیروی", "قرارگاه", "سپاه", "پایگاه", "ستاد")


def _amir_first(toks: Sequence[Tok], i: int, s: int, fn: int, role: str | None) -> bool:
    """«امیر» at ``i`` before the first name at ``s`` is part of the first name («امیر فرشاد», «امیر عباس»),
    not the army rank: not after a title, not before a compound first name («امیر علیرضا», «امیر حبیب‌الله»),
    and no military role."""
    if i and toks[i - 1].key in person_lex().honorifics:
        return False
    first = toks[s].key
    if fn > 1 or " " in first or first.endswith(("الله", "اله", "رضا", "علی")) or _compound_first(first):
        return False
    return not (role and any(w in role for w in _MILITARY))


def _clause_role_before(
    toks: Sequence[Tok], s: int, text: str, covered: list[bool] | None = None
) -> str | None:
    """«ROLE، NAME»: the role clause that ends with the comma right before the name."""
    if s == 0 or not toks[s - 1].trail.strip().startswith(("،", ",")):
        return None
    k = s - 1
    start = k
    while start > 0 and not toks[start - 1].closes and s - start < 14:
        start -= 1
    if covered is not None and start > 0 and covered[start - 1]:
        return None  # «A، ROLE، B …»: the title is A's apposition, not B's (lists)
    if any(toks[x].key in ("گزارش", "نقل") and x > 0 and toks[x - 1].key == "به" for x in range(start, s)):
        return None  # «به گزارش / به نقل از روابط عمومی …، NAME»: the source, not the person's title
    for i in range(start, s):
        if _role_head_at(toks, i):
            r = _role_from(toks, i, text)
            if r and r[1] >= s - 1:
                return unify_letters(text[toks[i].start : toks[s - 1].end])
            if r:
                return r[0]
    return None


def _as_role(toks: Sequence[Tok], e: int, text: str) -> str | None:
    """«NAME (را) به عنوان ROLE»: the role the person is appointed to."""
    j = e + 1
    if j < len(toks) and toks[j].key == "را":
        j += 1
    if j + 2 < len(toks) and toks[j].key == "به" and toks[j + 1].key == "عنوان":
        r = _role_from(toks, j + 2, text)
        return r[0] if r else None
    return None


def _role_after(toks: Sequence[Tok], e: int, text: str) -> str | None:
    """Role stated after the name: «NAME، ROLE», «NAME ROLE», «NAME (را) به عنوان ROLE»."""
    j = e + 1
    if j >= len(toks):
        return None
    if toks[j].key == "را":
        j += 1
    if j + 1 < len(toks) and toks[j].key == "به" and toks[j + 1].key == "عنوان":
        r = _role_from(toks, j + 2, text) if j + 2 < len(toks) else None
        return r[0] if r else None
    if toks[e].trail.strip()[:1] in ("،", ",", "؛", ""):
        r = _role_from(toks, e + 1, text)
        if r:
            return r[0]
    return None


_ORG_OF_HEAD = {
    "مدیرکل": "اداره کل",
    "مدیر کل": "اداره کل",
    "استاندار": "استانداری",
    "فرماندار": "فرمانداری",
    "بخشدار": "بخشداری",
    "شهردار": "شهرداری",
    "دهیار": "دهیاری",
    "دادستان": "دادسرای",
    "وزیر": "وزارت",
}
_ORG_WORDS = (
    "سازمان",
    "دانشگاه",
    "جمعیت",
    "اداره",
    "شرکت",
    "بنیاد",
    "کمیته",
    "ستاد",
    "شبکه",
    "بیمارستان",
    "مرکز",
    "دادگستری",
    "شورای",
    "شورا",
    "انجمن",
    "موسسه",
    "مؤسسه",
    "پژوهشگاه",
    "پارک",
    "صندوق",
    "بانک",
    "پلیس",
    "سپاه",
    "ناحیه",
    "هیئت",
    "هیات",
    "گروه",
    "فرماندهی",
    "نیروی",
    "بسیج",
    "دفتر",
    "کانون",
    "اتاق",
    "مجمع",
    "حوزه",
    "آموزش",
    "جهاد",
    "دامپزشکی",
    "بهزیستی",
    "اوقاف",
    "تعاون",
    "مرزبانی",
    "کتابخانه",
    "فرهنگ",
    "میراث",
    "بیمه",
    "دادسرا",
    "زندان",
    "هلال",
    "کمیساریای",
    "استانداری",
    "فرمانداری",
    "شهرداری",
    "بخشداری",
    "وزارت",
    "منابع",
)
_BODY_WORDS = (
    "سازمان",
    "دانشگاه",
    "شرکت",
    "بنیاد",
    "کمیته",
    "ستاد",
    "مرکز",
    "اداره",
    "جمعیت",
    "شبکه",
    "بانک",
)
# heads whose title names a person's mandate, not a body («نماینده مردم …», «امام جمعه …»)
_NO_ORG = ("نماینده", "امام جمعه", "امام", "عضو")
_HEAD_NORMAL = {
    "رییس": "رئیس",
    "مدیر کل": "مدیرکل",
    "مدیر عامل": "مدیرعامل",
    "مسؤول": "مسئول",
    "قائم مقام": "قائم‌مقام",
    "سخنگوی": "سخنگو",
    "معاونت": "معاون",
    "نایب رئیس": "نایب‌رئیس",
    "نایب رییس": "نایب‌رئیس",
    "رئیس کل": "رئیس",
    "رییس کل": "رئیس",
    "رئیس جمهور": "رئیس‌جمهور",
    "دبیر کل": "دبیرکل",
}


def role_head_of(role: str | None) -> str | None:
    """The normalised head of a title: «رییس پلیس راه استان ایلام» → «رئیس», «مدیر کل …» → «مدیرکل»."""
    if not role:
        return None
    words = search_form(role).split()
    for head in person_lex().role_heads:
        if tuple(words[: len(head)]) == head:
            h = " ".join(head)
            return _HEAD_NORMAL.get(h, h.replace(" ", "\u200c") if h in ("قائم مقام",) else h)
    return words[0] if words else None


def _org_from(words: list[str], raw: list[str]) -> str | None:
    """The body named in the words after a head: from an inner head («… استاندار مازندران» → «استانداری
    مازندران») or the first organisation word on; else all of them."""
    for k, w in enumerate(words):
        for head, org in _ORG_OF_HEAD.items():
            hw = head.split()
            if words[k : k + len(hw)] == hw and len(words) > k + len(hw):
                rest = raw[k + len(hw) :]
                return (
                    f"{org} {' '.join(rest)}"
                    if not words[k + len(hw)].startswith(_ORG_WORDS[:1])
                    else " ".join(rest)
                )
        if (w.startswith(_ORG_WORDS) and w not in ("آموزش",)) or (
            w == "آموزش" and k + 2 < len(words) and words[k + 1 : k + 3] == ["و", "پرورش"]
        ):
            return " ".join(raw[k:])
    return None


def organisation_of(role: str | None) -> str | None:
    """The body a title names, split from its head: «مدیرکل بهزیستی استان کرمان» → «اداره کل بهزیستی استان
    کرمان», «رییس پلیس راه استان ایلام» → «پلیس راه استان ایلام», «فرماندار بم» → «فرمانداری بم», «فرمانده
    انتظامی شهرستان مهریز» → «انتظامی شهرستان مهریز», «معاون سیاسی استاندار مازندران» → «استانداری
    مازندران»; none for a mandate («نماینده مردم …», «امام جمعه …»)."""
    if not role:
        return None
    raw = unify_letters(role).split()
    words = search_form(role).split()
    if len(words) != len(raw):  # a ZWNJ compound: work on the search form's words
        raw = words
    head = None
    for h in person_lex().role_heads:
        if tuple(words[: len(h)]) == h:
            head = h
            break
    if head is None or len(words) <= len(head):
        return None
    hs = " ".join(head)
    if hs.startswith(_NO_ORG):
        return None
    rest_w, rest_r = words[len(head) :], raw[len(head) :]
    if rest_w and rest_w[0] == "کل" and hs in ("مدیر", "رئیس", "رییس", "دبیر"):
        rest_w, rest_r = rest_w[1:], rest_r[1:]
        if not rest_w:
            return None
    if hs in _ORG_OF_HEAD:
        if rest_w[0].startswith(_BODY_WORDS) and hs in ("مدیرکل", "مدیر کل"):
            return " ".join(rest_r)
        return f"{_ORG_OF_HEAD[hs]} {' '.join(rest_r)}"
    if hs in (
        "معاون",
        "معاونت",
        "مشاور",
        "دستیار",
        "قائم مقام",
        "جانشین",
        "کارشناس مسئول",
        "سخنگوی",
        "سخنگو",
    ):
        return _org_from(rest_w, rest_r)
    return " ".join(rest_r)


def _person(name: str, role: str | None, honorific: str | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "role": role,
        "honorific": honorific,
        "organisation": organisation_of(role),
        "role_head": role_head_of(role),
    }


def _set_role(p: dict[str, Any], role: str) -> None:
    p["role"] = role
    p["organisation"] = organisation_of(role)
    p["role_head"] = role_head_of(role)


_SENT_END = (".", ":", "!", "؟", "?", "؛")
# «NAME امروز در گفت‌وگو با …», «صبح امروز NAME …»: the release's usual opening, an anchor for a name
_TIME_WORDS = frozenset(
    {
        "امروز",
        "دیروز",
        "صبح",
        "عصر",
        "ظهر",
        "شامگاه",
        "بامداد",
        "پیش",
        "شب",
        "روز",
        "شنبه",
        "یکشنبه",
        "دوشنبه",
        "سه شنبه",
        "چهارشنبه",
        "پنجشنبه",
        "پنج شنبه",
        "جمعه",
        "دقایقی",
        "لحظاتی",
        "ساعاتی",
        "عصرامروز",
        "صبحامروز",
        "ظهرامروز",
        "در",
    }
)


def _sentence_start(toks: Sequence[Tok], i: int) -> bool:
    """Token ``i`` opens a sentence or a quoted attribution («… . استاندار X گفت», «به گفته استاندار X»)."""
    if i == 0:
        return True
    trail = toks[i - 1].trail
    if any(c in trail for c in _SENT_END):
        return True
    return i >= 2 and toks[i - 2].key == "به" and toks[i - 1].key == "گفته"


def _role_subject(toks: Sequence[Tok], i: int, text: str) -> tuple[str, str] | None:
    """A sentence that opens with a title and no name («مدیرکل بیمه … اظهار داشت»): (kind, title). The kind says
    whom it describes: «role» the current speaker, «role_next» the name right after it, «role_new» another
    official (the title is followed by «نیز»)."""
    r = _role_from(toks, i, text)
    if not r:
        return None
    j = r[1] + 1
    if j < len(toks) and (_honorific_at(toks, j) or _first_name_at(toks, j)):
        return ("role_next", r[0])
    k = j
    while k < len(toks) and k - j < 15:
        if toks[k].key == "نیز":
            return ("role_new", r[0])
        if toks[k].closes or _phrase_at(toks, k, _speech_by_first()):
            break
        k += 1
    return ("role", r[0])


def persons_in(
    text: str,
    found: dict[str, dict[str, Any]],
    surnames_pending: list[tuple[str, str | None, str | None]],
    events: list[tuple[str, str]] | None = None,
) -> None:
    """Add the people of one text to ``found`` (search-form name → person), in order; ``events`` gets the
    mentions and the titles that open sentences, in text order, for attribution across sentences."""
    toks = tokenize(text)
    lex = person_lex()
    # only tokens whose first word can start a pattern are visited (persons_in self time 0.40 → 0.09 s over 14k texts)
    # one scan for both passes: tokens that may start a name pattern or a context (speech verb, apposition head)
    either = start_positions(toks, _may_start_any)
    starts = [x for x in either if _may_start(toks[x][3])]
    ctx_starts = [x for x in either if _ctx_may_start(toks[x][3])]
    epi_starts = [x for x in ctx_starts if _epi_may_start(toks[x][3])]  # ctx starts hold them: fewer to test
    covered = [False] * len(toks)
    evs: list[tuple[int, str, str]] = []
    n_pending = len(surnames_pending)
    i = 0
    weak = _weak_starts()
    while (start_at := next_start(starts, i)) is not None:
        i = start_at
        if i and toks[i][3] in weak and not _opens_name(toks, i):
            i += 1  # a name-list first name after a noun starts nothing (the same test as below, done first)
            continue
        if len(surnames_pending) > n_pending:  # a pending (surname) mention was added at an earlier token
            evs.extend((i - 1, "sur", search_form(x[0])) for x in surnames_pending[n_pending:])
            n_pending = len(surnames_pending)
        if events is not None and _role_head_at(toks, i) and _sentence_start(toks, i):
            rs = _role_subject(toks, i, text)
            if rs:
                evs.append((i, rs[0], rs[1]))
        h = _honorific_at(toks, i)
        while (
            h
            and i + h < len(toks)
            and not toks[i + h - 1].closes
            and toks[i + h].key not in lex.weak_honorifics
            and (h2 := _honorific_at(toks, i + h))
        ):
            h += h2  # «آقای دکتر», «حجت‌الاسلام والمسلمین دکتر»
        s = i + h
        if s >= len(toks):
            break
        if h and toks[i].key in lex.weak_honorifics and not _first_name_at(toks, s):
            h, s = 0, i
        fn = _first_name_at(toks, s)
        if fn and toks[s + fn - 1].closes:
            fn = 0
        # a name-list first name right after a noun («پژوهش سرای …», «در حکم …»): rejected before any other test
        if (
            fn
            and not h
            and s > 0
            and toks[s + fn - 1].key not in _sure_first()
            and toks[s].key not in _sure_first()
            and not _opens_name(toks, s)
        ):
            fn = 0
        if fn:
            sn = _surname_tokens(toks, s + fn)
            # «ژان پیر شونمان», «ژان پل سارتر»: a second foreign first name, then a foreign-looking surname
            two_firsts = (
                sn == 1
                and fn == 1
                and toks[s].key in person_lex().foreign_first
                and toks[s + 1].key in _foreign_firsts()
                and not toks[s + 1].closes
                and s + 2 < len(toks)
                and _unknown_word(toks[s + 2].key)
            )
            if two_firsts:
                sn = 2
            if sn:
                e = s + fn + sn - 1
                role = (
                    _as_role(toks, e, text)
                    or _clause_role_before(toks, i, text, covered)
                    or _role_after(toks, e, text)
                )
                first_key = toks[s + fn - 1].key
                sur_key = toks[s + fn].key
                time_after = (
                    e + 1 < len(toks)
                    and toks[e + 1].key in _TIME_WORDS
                    and not _is_place(sur_key)
                    and not _phrase_at_key(sur_key)
                    and (s == 0 or toks[s - 1].closes or toks[s - 1].key in _TIME_WORDS)
                )
                strong_sur = (
                    two_firsts
                    or sur_key in _curated_surnames()
                    or (
                        sur_key in lex.surnames
                        and sur_key not in lex.common_words
                        and sur_key not in _NISBA_STOP
                        and not sur_key.endswith("ی")
                    )
                    or _morph_surname(sur_key)
                    or (
                        first_key in _curated_first()
                        and _unknown_word(sur_key)
                        and (s == 0 or first_key not in lex.ambiguous_first or _opens_name(toks, s))
                    )
                    or (sur_key in lex.famous and first_key not in lex.ambiguous_first)  # «یاسر عرفات»
                    or (  # «داوود حسن‌زادگان», «حسین غلام‌آزاد»: a ZWNJ compound no lexicon knows
                        first_key in _curated_first()
                        and first_key not in lex.ambiguous_first
                        and _unknown_compound(sur_key)
                    )
                    or (  # «شمون پرس», «لوران بلان»: a transliterated first name that is no Persian word
                        first_key in lex.foreign_first
                        and fn == 1
                        and (not _inflected(sur_key) or _an_surname(sur_key))
                        and sur_key not in _NISBA_STOP
                        and not _is_place(sur_key)
                        and sur_key not in lex.common_words
                        and (" " not in sur_key or _morph_surname(sur_key))  # not «صدام شبیه‌تر»
                    )
                    or (  # «جعفر باباخانی», «محسن آرمین»: a sure first name, a rarer name word after it
                        first_key in _curated_first()
                        and first_key not in lex.ambiguous_first
                        and (sur_key in lex.common_surnames or sur_key in lex.first_names)
                        and sur_key not in lex.common_words
                        and sur_key not in _NISBA_STOP
                        and _namey(sur_key)
                    )
                )
                anchored = (
                    bool(h) or role is not None or strong_sur or time_after or _credit_before(toks, s)
                ) and (sur_key not in verb_forms() or sur_key in _curated_surnames())
                ambiguous = (
                    first_key in lex.ambiguous_first
                    or toks[s].key in lex.ambiguous_first
                    or sur_key in lex.ambiguous_first
                    or (
                        sur_key in lex.first_names
                        and not sur_key.endswith("ی")
                        and sur_key not in lex.surnames
                    )
                )
                first_sure = first_key not in lex.ambiguous_first and toks[s].key not in lex.ambiguous_first
                if ambiguous and not anchored and not (first_sure and _context_after(toks, e + 1)):
                    i += 1
                    continue
                if (
                    not h
                    and fn == 1
                    and e == s + 1
                    and first_key in lex.ambiguous_first
                    and first_key in lex.common_words
                    and sur_key in lex.famous
                ):
                    i += 1  # «دولت خاتمی», «عصر ناصر»: an ordinary word before a famous surname
                    continue
                # a name-list first name that is also a word («آیین معارفه», «امور اقتصادی»): every surname
                # word must look like a name, and no verb
                if (
                    not first_sure
                    and not h
                    and first_key not in _curated_first()
                    and (
                        sur_key in verb_forms() or not all(_namey(toks[x].key) for x in range(s + fn, e + 1))
                    )
                ):
                    i += 1
                    continue
                if not anchored and not (
                    sur_key in lex.famous
                    or any(_namey(toks[x].key) for x in range(s + fn, e + 1))
                    or _context_after(toks, e + 1)
                ):
                    i += 1
                    continue
                if f"{toks[s].key} {toks[s + 1].key}" in _org_bigrams():  # «جهاد کشاورزی» is an agency
                    i += 1
                    continue
                hon = unify_letters(text[toks[i].start : toks[s - 1].end]) if h else None
                if h == 1 and toks[i].key == "امیر" and _amir_first(toks, i, s, fn, role):
                    s, hon = i, None  # «امیر فرشاد ابراهیمی»: before a first name «امیر» opens a first name
                name = unify_letters(text[toks[s].start : toks[e].end])
                key = search_form(name)
                covered[s : e + 1] = [True] * (e + 1 - s)
                evs.append((s, "name", key))
                if key not in found:
                    found[key] = _person(name, role, hon)
                elif role and not found[key]["role"]:
                    _set_role(found[key], role)
                i = e + 1
                continue
        if h:
            # honorific + surname only («دکتر صادق‌زاده»): a later mention, or a person named without first name
            sn = _surname_tokens(toks, s)
            f = s
            while (  # «دکتر جان ادلر», «آقای مرادبیک ایمانعلی‌اف»: a foreign name after the title
                f < len(toks)
                and f - s < 3
                and (_foreign_like(toks[f].key) or toks[f].key in _foreign_firsts())
                and not _is_place(toks[f].key)
            ):
                f += 1
                if toks[f - 1].closes:
                    break
            if f - s >= 2 and f - s > sn:
                sn = f - s
            if sn:
                e = s + sn - 1
                name = unify_letters(text[toks[s].start : toks[e].end])
                role = _clause_role_before(toks, i, text, covered) or _role_after(toks, e, text)
                surnames_pending.append((name, role, unify_letters(text[toks[i].start : toks[s - 1].end])))
                covered[s : e + 1] = [True] * (e + 1 - s)
                i = e + 1
                continue
        # surname right before a role head, or after «در این جلسه»
        if _role_head_at(toks, i) and i > 0 and not toks[i - 1].closes:
            cand = _surname_before(toks, i)
            if cand is not None:
                a = cand
                name = unify_letters(text[toks[a].start : toks[i - 1].end])
                r = _role_from(toks, i, text)
                surnames_pending.append((name, r[0] if r else None, None))
        if toks[i].key in _CONTEXT_NOUNS and (not toks[i].closes or toks[i].trail.strip() in ("،", ",")):
            a = i + 1
            b = a
            while (
                b < len(toks)
                and b - a < 2
                and toks[b].key not in _name_stop()
                and not toks[b].key[:1].isdigit()
            ):
                if toks[b].closes:
                    break
                b += 1
            if a < b < len(toks) and toks[b].key in {"ضمن", "با", "گفت", "در", "اظهار", "عنوان", "نیز", "طی"}:
                last = toks[b - 1].key
                if last in lex.surnames or (last in lex.surname_suffixes and b - a >= 2):
                    name = unify_letters(text[toks[a].start : toks[b - 1].end])
                    surnames_pending.append((name, _role_after(toks, b - 1, text), None))
        i += 1
    if epi_starts:
        _epithet_pass(toks, text, covered, found, evs, epi_starts)
    _titled_surnames(toks, text, covered, surnames_pending)
    _opening_surnames(toks, text, covered, surnames_pending)
    _list_pass(toks, text, covered, found, evs)
    _name_lists(toks, text, covered, found, evs, surnames_pending)
    if "از" in text:
        _names_from_places(toks, text, covered, found, evs)
    _foreign_pairs(toks, text, covered, found, evs)
    if "گفته" in text:
        _according_to(toks, text, covered, surnames_pending, evs)
    if len(surnames_pending) > n_pending:
        evs.extend((len(toks), "sur", search_form(x[0])) for x in surnames_pending[n_pending:])
    n_pending = len(surnames_pending)
    ctx: list[tuple[int, str, str]] = []
    _context_pass(toks, text, covered, surnames_pending, ctx, ctx_starts)
    if any(covered):
        _coord_pass(toks, text, covered, surnames_pending, ctx)
    if events is not None:
        evs.extend(ctx)
        evs.sort(key=lambda e: e[0])
        events.extend((k, v) for _p, k, v in evs)


_MORPH = ("زاده", "پور", "نژاد", "نیا", "فر", "یان", "لو", "وند", "راد", "منش", "زهی", "کیا")
# «-ی» words that follow names but are not a second surname word (nationality, office adjectives)
_NISBA_STOP = frozenset(
    {
        "ایرانی",
        "اسلامی",
        "خارجی",
        "داخلی",
        "دولتی",
        "ملی",
        "عمومی",
        "سابق",
        "فعلی",
        "جدید",
        "قبلی",
        "آمریکایی",
        "امریکایی",
        "انگلیسی",
        "عراقی",
        "افغانی",
        "عربی",
        "ترکی",
        "روسی",
        "فرانسوی",
        "آلمانی",
        "ایتالیایی",
        "چینی",
        "ژاپنی",
        "هندی",
        "پاکستانی",
        "سعودی",
        "اسرائیلی",
        "فلسطینی",
        "لبنانی",
        "سوری",
        "مصری",
        "اروپایی",
        "آسیایی",
        "غربی",
        "شرقی",
        "شمالی",
        "جنوبی",
        "مرکزی",
        "استانی",
        "شهری",
        "روستایی",
        "کشوری",
        "لشکری",
        "نظامی",
        "انتظامی",
        "اجرایی",
        "قضایی",
        "مجلسی",
        "علمی",
        "فرهنگی",
        "ورزشی",
        "هنری",
        "سیاسی",
        "اقتصادی",
        "اجتماعی",
        "مذهبی",
        "دینی",
        "جمهوری",
        "عالی",
        "اصلی",
        "قانونی",
        "رسمی",
        "خبری",
        "تلویزیونی",
        "سینمایی",
        "تئاتری",
        "ادبی",
        "دانشگاهی",
        "خصوصی",
        "مردمی",
        "انقلابی",
        "جهانی",
        "بین",
        "المللی",
        "منطقه",
        "کنونی",
        "پیشین",
        "آینده",
        "اصفهانی پور",
    }
)
# nominalisations that end like no name («زنبورداری», «آبزی‌پروری», «سرمایه‌گذاری»)
_NOUN_ENDS = (
    "داری",
    "سازی",
    "گذاری",
    "پروری",
    "ریزی",
    "آموز",
    "آموزان",
    "یابی",
    "گیری",
    "رسانی",
    "دهی",
    "اندازی",
)
# speech contexts that open many a clause with no speaker («ضمن …», «روز …»): they need a sure name word
_WEAK_CTX = frozenset({"ضمن", "با", "در", "طی", "روز", "امروز", "دیروز"})
# «شهید باهنر», «خیابان شریعتی»: a place or body named after a person
_NAMED_AFTER = frozenset(
    {
        "شهید",
        "خیابان",
        "میدان",
        "بلوار",
        "دانشگاه",
        "بیمارستان",
        "پایگاه",
        "سالن",
        "مسجد",
        "مدرسه",
        "دبیرستان",
        "کوی",
        "شهرک",
        "فرودگاه",
        "ورزشگاه",
        "تالار",
        "بزرگراه",
        "حضرت",
    }
)
_LEFT_OK = frozenset(
    {
        "و",
        "که",
        "اما",
        "ولی",
        "با",
        "از",
        "به",
        "برای",
        "توسط",
        "را",
        "چون",
        "زیرا",
        "هم",
        "نیز",
        "آقای",
        "خانم",
        "بین",
        "میان",
        "همراه",
        "سوی",
        "نزد",
        "مانند",
        "مثل",
        "چه",
    }
)


@functools.cache
def _curated_first() -> frozenset[str]:
    from khabar.extractors.gazetteer import _load

    d = _load("gazetteers/persons.yaml")
    return frozenset(search_form(x) for x in [*d["first_names"], *d["ambiguous_first_names"]])


@functools.cache
def _sure_first() -> frozenset[str]:
    """First names that start a name anywhere, even after a noun or a number («دقیقه ۲۰ مایکل اوون»): the
    curated ones and transliterated foreign ones that are no Persian word."""
    return _curated_first() | person_lex().foreign_first


@functools.cache
def _curated_surnames() -> frozenset[str]:
    from khabar.extractors.gazetteer import _load

    return frozenset(search_form(x) for x in _load("gazetteers/persons.yaml")["surnames"])


_OPENERS = frozenset(
    {
        "و",
        "که",
        "اما",
        "ولی",
        "چون",
        "زیرا",
        "نیز",
        "هم",
        "آقای",
        "خانم",
        "توسط",
        "همراه",
        "با",
        "از",
        "به",
        "برای",
        "میان",
        "بین",
        "نزد",
        "سوی",
        "را",
    }
)


def _opens_name(toks: Sequence[Tok], s: int) -> bool:
    """What stands before token ``s`` lets a name start there: a clause boundary, a connector or preposition
    (not after «در»/«بر», which head places and topics), a time word, a speech verb."""
    prev = toks[s - 1]
    if _credit_before(toks, s):
        return True  # «به کارگردانی بهمن قبادی»
    if prev.closes or prev.key in _OPENERS or prev.key in _TIME_WORDS - {"در"}:
        return prev.key not in ("به",) or s < 2 or toks[s - 2].key not in ("اشاره", "توجه")
    return bool(_phrase_at(toks, s - 1, _speech_by_first())) or prev.key in verb_forms()


def _morph_surname(key: str) -> bool:
    """Surname morphology: «-زاده», «-پور», «-نژاد», «-نیا», «-فر», «-یان», «-لو» … on a word of 5+ letters."""
    k = key.replace(" ", "")
    return len(k) >= 5 and k.endswith(_MORPH) and key not in _name_stop()


def _second_surname(key: str, after: str = "") -> bool:
    """A word that can continue a surname («هاشمی رفسنجانی», «یوسفی کنعانی», «مسجد جامعی»)."""
    if not key or key in _name_stop() or key in _NISBA_STOP or not key[:1].isalpha():
        return False
    lex = person_lex()
    if " " in key and key.rsplit(" ", 1)[1] in ("ها", "های", "هایی"):
        return False  # «عبدی شخصیت‌های …»: a plural noun
    if key.endswith("ی") and key[-2:-1] in ("ا", "و") and key[:-1] in lex.lexicon:
        return False  # «باباخانی اعضای تیم …»: an ezafe after a vowel
    if key.endswith(("های", "هایی")) and key[: key.rindex("ها")] in lex.lexicon:
        return False  # «بروان اولویتهای …»: a plural written with no ZWNJ
    if (
        key in lex.common_surnames
        and key in lex.common_words
        and key not in lex.surnames
        and (after in verb_forms() or after in ("پیرامون", "درباره", "کرد", "کرده اند", "شد", "شده"))
    ):
        return False  # «شاپور بختیار آغاز کرد», «میثمی پیرامون …»: an ordinary word that starts the predicate
    if key in lex.surnames or key in lex.common_surnames or key in lex.famous or _morph_surname(key):
        return key not in lex.first_names or key in lex.surnames
    return len(key) >= 4 and key.endswith("ی") and key not in lex.common_words and not _is_place(key)


@functools.cache
def _speech_by_first() -> dict[str, tuple[tuple[str, ...], ...]]:
    by: dict[str, list[tuple[str, ...]]] = {}
    for ph in person_lex().speech:
        by.setdefault(ph[0], []).append(ph)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in by.items()}


@functools.cache
def _desc_by_first() -> dict[str, tuple[tuple[str, ...], ...]]:
    by: dict[str, list[tuple[str, ...]]] = {}
    for ph in person_lex().descriptors:
        by.setdefault(ph[0], []).append(ph)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in by.items()}


def _context_after(toks: Sequence[Tok], j: int) -> bool:
    """A speech verb or an apposition head follows at ``j`` (after at most a comma)."""
    if j >= len(toks):
        return False
    return bool(_phrase_at(toks, j, _speech_by_first()) or _phrase_at(toks, j, _desc_by_first()))


@functools.cache
def _place_words() -> frozenset[str]:
    from khabar.extractors.gazetteer import places

    pl = places()
    lex = person_lex()
    names = (*pl.province_names, *pl.county_to_province)
    # a multi-word name gives only its first word, and only when that is no name or ordinary word: «رضوی» of
    # «خراسان رضوی», «بختیاری», «سلیمان» of «مسجد سلیمان» are surnames and first names too
    firsts = {
        k.split()[0]
        for k in names
        if " " in k
        and k.split()[0] not in lex.first_names
        and k.split()[0] not in lex.surnames
        and k.split()[0] not in lex.common_words
    }
    provs = {w for k in pl.province_names for w in k.split() if not w.endswith("ی") and len(w) > 1}
    return frozenset({k for k in names if " " not in k} | firsts | provs | _countries())


@functools.cache
def _countries() -> frozenset[str]:
    """One-word country names and the first word of the others (``config/gazetteers/countries.yaml``)."""
    from khabar.extractors.gazetteer import _load

    return frozenset(search_form(c).split()[0] for c in _load("gazetteers/countries.yaml")["countries"])


def _is_place(key: str) -> bool:
    return key in _place_words()


@functools.lru_cache(maxsize=65536)
def _namey(key: str) -> int:
    """How a word can be part of a name: 0 never, 1 possibly (a word hazm does not know, a surname shape),
    2 surely (a name from the lexicons)."""
    if not key or not key[:1].isalpha() or key in _name_stop() or key in _NISBA_STOP:
        return 0
    lex = person_lex()
    if _phrase_at_key(key):
        return 0
    if key in lex.first_names and key not in lex.ambiguous_first:
        return 2
    if key in lex.surnames or key in lex.famous:
        return 2
    if _is_place(key) or _inflected(key):
        return 0
    if " " in key:  # a ZWNJ compound: a name only with a surname ending («صادق‌زاده», «خامنه‌ای»)
        parts = key.split(" ")
        if not any(x in lex.surname_suffixes or x == "ای" or x.endswith(_MORPH) for x in parts):
            return 0
    if key.endswith(_NOUN_ENDS):
        return 0
    if key in lex.common_surnames and key.endswith("ی"):
        return 1
    if key in lex.common_words or len(key) < 3:
        return 0
    return 1


def _inflected(key: str) -> bool:
    """A verb form, a plural, a possessive or an ezafe of a known word («گفتند», «خبرنگاران», «سخنانش», «بنای»),
    or a word of an agency's name («راهداری»): not a name."""
    if key in verb_forms() or key.startswith(("می ", "نمی ")) or key in _org_words():
        return True
    lex = person_lex().lexicon
    for end in ("هایش", "هایشان", "انش", "اش", "ش", "شان", "م", "ت", "های", "ها", "ان", "ات", "ای", "یی"):
        if key.endswith(end) and len(key) > len(end) + 1:
            stem = key[: -len(end)].rstrip()
            if stem in lex and (end != "ان" or not key.endswith("یان")):
                return end != "یی"
    return False


@functools.cache
def _org_words() -> frozenset[str]:
    from khabar.extractors.gazetteer import orgs

    return frozenset(w for pat in orgs().by_pattern for w in pat.split() if len(w) > 2) - _curated_surnames()


@functools.cache
def _org_bigrams() -> frozenset[str]:
    """First two words of every agency pattern («جهاد کشاورزی», «هلال احمر»)."""
    from khabar.extractors.gazetteer import orgs

    return frozenset(" ".join(pat.split()[:2]) for pat in orgs().by_pattern if len(pat.split()) >= 2)


def _phrase_at_key(key: str) -> bool:
    w = key.split(" ", 1)[0]
    return w in _heads_by_first() or w in _hons_by_first() or w in _desc_by_first() or w in _speech_by_first()


def _context_pass(
    toks: Sequence[Tok],
    text: str,
    covered: list[bool],
    pending: list[tuple[str, str | None, str | None]],
    evs: list[tuple[int, str, str]] | None = None,
    starts: list[int] | None = None,
) -> None:
    """Names the lexicon patterns missed, from their context: 1–3 name-like words at a clause start right before
    a speech verb («کاسترو گفت»), or before an apposition head («مادلین آلبرایت، وزیر امور خارجه»), and famous
    people named by surname alone («پوتین»). A span needs one sure word or context on both sides."""
    len(toks)
    lex = person_lex()
    if starts is None:
        starts = start_positions(toks, _ctx_may_start)  # only speech verbs, apposition heads, famous names
    j = 0
    while (start_at := next_start(starts, j)) is not None:
        j = start_at
        if covered[j]:
            j += 1
            continue
        key = toks[j].key
        m = _phrase_at(toks, j, _famous_by_first())
        if (
            m >= 2 and not any(covered[j : j + m]) and not any(toks[x].lead for x in range(j + 1, j + m))
        ):  # «ال گور», «بن لادن» written with a space, not a ZWNJ
            pending.append((unify_letters(text[toks[j].start : toks[j + m - 1].end]), None, None))
            if evs is not None:
                evs.append((j, "sur", search_form(pending[-1][0])))
            covered[j : j + m] = [True] * m
            j += m
            continue
        # a span needs a name-like word right before the context word: test that first (cached), it is cheap
        prev_ok = j > 0 and not covered[j - 1] and bool(_namey(toks[j - 1].key))
        if not prev_ok and j > 2 and key in _SPEECH_VERBS:
            _subject_of_speech(toks, text, covered, pending, evs, j)
        sp = _phrase_at(toks, j, _speech_by_first()) if prev_ok else 0
        ds = 0 if sp or not prev_ok else _phrase_at(toks, j, _desc_by_first())
        if sp or ds:
            # walk back over name-like words to a clause start
            a = j
            score = 0
            while a > 0 and j - a < 3 and not covered[a - 1]:
                prev = toks[a - 1]
                if a - 1 < j - 1 and prev.closes:
                    break
                v = _namey(prev.key)
                if not v or (prev.lead and a - 1 < j - 1):
                    break
                score = max(score, v)
                a -= 1
                if prev.lead:
                    break
            if a < j:
                left_ok = a == 0 or toks[a - 1].closes or toks[a - 1].key in _LEFT_OK or bool(toks[a].lead)
                if (
                    sp
                    and a > 0
                    and toks[a - 1].key in ("به", "از", "با", "برای", "بر", "در")
                    and not toks[a - 1].closes
                ):
                    left_ok = False  # «با اشاره به واکسیناسیون گفت»: a topic, not a speaker
                # «طباطبائی، عضو دیگر شورای مرکزی», «جان دویچ، رئیس سابق سیا»: a clause-opening surname, or a
                # first or foreign name and name words, then a comma
                if (
                    ds
                    and j - a == 1
                    and a >= 2
                    and toks[j - 1].trail.strip()[:1] in ("،", ",")
                    and not covered[a - 1]
                    and not toks[a - 1].closes
                    and toks[a - 1].key in _foreign_firsts()
                ):
                    a -= 1  # «جان دویچ، رئیس سابق سیا»: a foreign first name that is also a Persian word
                apposed = (
                    ds
                    and (a == 0 or toks[a - 1].closes or (j - a >= 2 and toks[a - 1].key in _LEFT_OK))
                    and (
                        (
                            j - a == 1
                            and toks[j - 1].trail.strip()[:1] in ("،", ",")
                            and _surname_like(toks[a].key)
                        )
                        or (
                            j - a >= 2
                            and _apposed_name(toks, a, j)
                            and (  # after a preposition only a first or foreign name, not «استعفای X»
                                a == 0
                                or toks[a - 1].closes
                                or toks[a - 1].key == "و"
                                or toks[a].key in lex.first_names
                                or toks[a].key in _foreign_firsts()
                                or _foreign_like(toks[a].key)
                            )
                        )
                    )
                )
                if (ds or toks[j].key in _WEAK_CTX) and score < 2 and not apposed:
                    left_ok = (
                        False  # «X رئیس …», «واکسیناسیون، معاون …»: an apposition needs a sure name word
                    )
                if ds and not left_ok and toks[j].key in _HEAD_TITLES and _foreign_like(toks[j - 1].key):
                    # «سقوط سوهارتو رئیس‌جمهور …»: an unknown word before such a title, and the name words before it
                    left_ok = True
                    while a < j - 1 and _word_form(toks[a].key):
                        a += 1
                if (
                    left_ok
                    and score >= 1
                    and not (score == 1 and j - a == 1 and ds and not _strong_single(toks[a].key))
                ):
                    name = unify_letters(text[toks[a].start : toks[j - 1].end])
                    key_ = search_form(name)
                    role = None
                    if ds and _role_head_at(toks, j):
                        r = _role_from(toks, j, text)
                        role = r[0] if r else None
                    if len(key_) >= 3:
                        pending.append((name, role, None))
                        if evs is not None:
                            evs.append((a, "sur", key_))
                    covered[a:j] = [True] * (j - a)
            j += max(sp, ds, 1)
            continue
        if (key in lex.famous or _foreign_shape(key)) and not (
            j
            and (
                (toks[j - 1].key in lex.first_names and toks[j - 1].key not in lex.ambiguous_first)
                or toks[j - 1].key in _NAMED_AFTER
            )
        ):
            a = j
            if j and not covered[j - 1] and not toks[j - 1].closes and _namey(toks[j - 1].key) == 2:
                a = j - 1  # «آگوستو پینوشه»
            else:
                # «بیل کلینتون», «خوان آنتونیو سامارانش», «اسلوبودان میلوشویچ»: foreign first names, unknown words
                while (
                    a > 0
                    and j - a < 2
                    and not covered[a - 1]
                    and not toks[a - 1].closes
                    and _foreign_first_word(toks[a - 1].key)
                ):
                    a -= 1
            pending.append((unify_letters(text[toks[a].start : toks[j].end]), None, None))
            if evs is not None:
                evs.append((a, "sur", search_form(pending[-1][0])))
            covered[a : j + 1] = [True] * (j + 1 - a)
        j += 1


def _apposed_name(toks: Sequence[Tok], a: int, j: int) -> bool:
    """Tokens [a, j) before an apposition comma look like a full name: a first name (or a foreign or unknown
    word) first, and name words after it."""
    lex = person_lex()
    k0, last = toks[a].key, toks[j - 1].key
    if _is_place(k0) or not all(_namey(toks[x].key) and not _is_place(toks[x].key) for x in range(a + 1, j)):
        return False
    if k0 in lex.first_names or k0 in _foreign_firsts() or _foreign_like(k0):
        return True
    if last.endswith("ی") and last[:-1] in lex.lexicon and last not in lex.surnames:
        return False  # «شناسایی مخفیگاه احتمالی»: an adjective of a known word
    return bool(_namey(k0)) and (_surname_like(last) and (last not in lex.lexicon or _morph_surname(last)))


_PERSIAN_WORD = re.compile("^[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]{4,}$")
# endings of Persian inflections and derivations (comparatives, ezafe, plurals, verbs)
_WORD_ENDS = ("ترین", "تر", "ای", "یی", "ها", "ان", "گان", "ند", "ید", "یم", "ات", "یه", "ین")


@functools.lru_cache(maxsize=65536)
def _foreign_like(key: str) -> bool:
    """A one-part word hazm's lexicon lacks that has no Persian inflection or derivation («سوهارتو», «اجویت»;
    not «هواپیمای», «تخصصی», «نمایندگان», «امتیازآورترین»)."""
    if not _PERSIAN_WORD.match(key) or not _unknown_word(key) or key.endswith(_WORD_ENDS):
        return False
    return not (key.endswith("ی") and key[:-1] in person_lex().lexicon)


def _word_form(key: str) -> bool:
    """A lexicon word that is no first name, or an ezafe or inflection of one («استعفای», «سفرهای»)."""
    lex = person_lex()
    if key in lex.first_names or key in _foreign_firsts():
        return False
    return key in lex.lexicon or _inflected(key) or (key.endswith("ی") and key[:-1] in lex.lexicon)


# titles only a person bears right after the name («سوهارتو رئیس‌جمهور», «اجویت نخست‌وزیر»)
_HEAD_TITLES = frozenset(
    search_form(w)
    for w in (
        "رئیس‌جمهور",
        "رئیس‌جمهوری",
        "رییس‌جمهور",
        "رییس‌جمهوری",
        "نخست‌وزیر",
        "صدراعظم",
        "پادشاه",
        "ولیعهد",
        "دبیرکل",
        "سفیر",
        "سناتور",
        "وزیر",
        "سخنگوی",
        "کاردار",
        "سرمربی",
        "مربی",
        "بازیکن",
        "مهاجم",
        "کارگردان",
        "بازیگر",
        "نویسنده",
        "شاعر",
    )
)

# speech verbs proper (not the statement contexts «ضمن», «در دیدار»): their subject opens the clause
_SPEECH_VERBS = frozenset(
    {
        "گفت",
        "افزود",
        "تصریح",
        "اظهار",
        "خاطرنشان",
        "یادآور",
        "ادامه",
        "اضافه",
        "تاکید",
        "تأکید",
        "توضیح",
        "عنوان",
        "بیان",
        "اعلام",
        "هشدار",
        "نوشت",
        "گفتند",
        "افزودند",
    }
)
# what may follow the subject before the rest of the clause («X در این دیدار گفت», «X به خبرنگار ایرنا گفت»)
_SUBJECT_NEXT = frozenset(
    {
        "در",
        "به",
        "با",
        "طی",
        "ضمن",
        "امروز",
        "دیروز",
        "روز",
        "نیز",
        "همچنین",
        "پس",
        "هم",
        "آنگاه",
        "سپس",
        "بار",
        "درباره",
        "بر",
        "ابتدا",
        "همچنان",
    }
)


def _surname_like(key: str) -> bool:
    """A word that names a person on its own when it is the subject of a speech verb: a listed surname, surname
    morphology, a famous surname, or a word hazm does not know (a foreign or rare name)."""
    lex = person_lex()
    if not _namey(key) or (key in lex.first_names and key not in lex.surnames and not key.endswith("ی")):
        return False
    return (
        key in lex.surnames
        or key in lex.common_surnames
        or key in lex.famous_ambiguous
        or _morph_surname(key)
        or (key not in lex.lexicon and len(key) >= 3)
        or (len(key) >= 5 and key.endswith("ی") and " " not in key and key not in lex.common_words)
    )


def _subject_of_speech(
    toks: Sequence[Tok],
    text: str,
    covered: list[bool],
    pending: list[tuple[str, str | None, str | None]],
    evs: list[tuple[int, str, str]] | None,
    j: int,
) -> None:
    """«ربیعی در این دیدار گفت», «خانی به خبرنگار ایرنا گفت»: the one or two words that open the clause of a
    speech verb, right before a preposition or time word, are its speaker when they look like a surname."""
    c = j
    while c > 0 and j - c < 12 and not toks[c - 1].closes:
        c -= 1
    if j - c < 2 or (c > 0 and toks[c - 1].trail.strip()[:1] not in (".", "!", "؟", "?", ":", "؛", "،", ",")):
        return
    for m in (1, 2):
        if c + m >= j or any(covered[c : c + m]) or toks[c + m].key not in _SUBJECT_NEXT:
            continue
        if any(toks[x].closes for x in range(c, c + m)):
            return
        words = [toks[x].key for x in range(c, c + m)]
        if not _surname_like(words[-1]) or (m == 2 and not _namey(words[0])):
            return
        if _phrase_at_key(words[0]) or _is_place(words[-1]):
            return
        name = unify_letters(text[toks[c].start : toks[c + m - 1].end])
        pending.append((name, None, None))
        if evs is not None:
            evs.append((c, "sur", search_form(name)))
        covered[c : c + m] = [True] * m
        return


_LIST_SEP = frozenset({"", "_", "-", "ـ", "–"})


def _coord_pass(
    toks: Sequence[Tok],
    text: str,
    covered: list[bool],
    pending: list[tuple[str, str | None, str | None]],
    evs: list[tuple[int, str, str]] | None,
) -> None:
    """Coordination of surnames: in «بوش و ال‌گور», «رجائی و باهنر», «کدیور، اکبر گنجی، عمادالدین باقی» a
    surname-like word (see ``_surname_like``) listed right beside a person found is a person too."""
    n = len(toks)

    def sep_before(k: int) -> bool:  # a person, then a list separator, then token k
        if k >= 2 and covered[k - 2] and not toks[k - 2].closes and not toks[k - 1].closes:
            return toks[k - 1].key == "و" or toks[k - 1].key in _LIST_SEP
        return k >= 1 and covered[k - 1] and toks[k - 1].trail.strip()[:1] in ("،", ",")

    def sep_after(k: int) -> bool:  # token k, then a list separator, then a person
        if toks[k].closes:
            return toks[k].trail.strip()[:1] in ("،", ",") and k + 1 < n and covered[k + 1]
        return (
            k + 2 < n
            and (toks[k + 1].key == "و" or toks[k + 1].key in _LIST_SEP)
            and not toks[k + 1].closes
            and covered[k + 2]
        )

    def ends(k: int) -> bool:  # the list item is one word
        return (
            toks[k].closes
            or k + 1 >= n
            or toks[k + 1].key in ("و", "که")
            or toks[k + 1].key in _LIST_SEP
            or _context_after(toks, k + 1)
        )

    def starts(k: int) -> bool:
        return k == 0 or toks[k - 1].closes or toks[k - 1].key in ("و",) or toks[k - 1].key in _LIST_SEP

    for _sweep in range(2):
        changed = False
        # only the two tokens on each side of a person can be a list neighbour (no loop over every token)
        near = {k for i in compress(range(n), covered) for k in (i - 2, i - 1, i + 1, i + 2) if 0 <= k < n}
        for k in sorted(near):
            if covered[k] or not toks[k].key[:1].isalpha():
                continue
            if not ((sep_before(k) and ends(k)) or (sep_after(k) and starts(k))):
                continue
            key = toks[k].key
            if not (_surname_like(key) or (key in person_lex().famous_ambiguous and len(key) >= 4)):
                continue  # «عرفات و باراک»: a famous surname that is also a word or first name, beside a person
            if _is_place(key) or _role_head_at(toks, k) or _phrase_at_key(key):
                continue
            name = unify_letters(text[toks[k].start : toks[k].end])
            pending.append((name, None, None))
            if evs is not None:
                evs.append((k, "sur", search_form(name)))
            covered[k] = True
            changed = True
        if not changed:
            break


def _strong_single(key: str) -> bool:
    """One unsure word alone before an apposition head: only an unknown or surname-shaped word."""
    lex = person_lex()
    return key not in lex.lexicon or _morph_surname(key) or key in lex.common_surnames


def _an_surname(key: str) -> bool:
    """«عنان», «بلان», «بوکانان»: a word ending in «-ان» that reads as a plural but is no frequent word, plural of
    one, verb or agency word; after a transliterated first name, a surname."""
    return (
        len(key) >= 4
        and " " not in key
        and key.endswith("ان")
        and key not in person_lex().common_words
        # a word of its own («عنان»), or the plural of a rare one («بوکانان»), not of a frequent one («کودکان»)
        and (key in person_lex().lexicon or key[:-2] not in person_lex().common_words)
        and key not in verb_forms()
        and key not in _org_words()
        and key not in _name_stop()
        and not _is_place(key)
    )


def _unknown_word(key: str) -> bool:
    """A word hazm's lexicon lacks that is no verb form («میرزاآقابیک», «آورند» is a verb): a rare or foreign name."""
    return (
        len(key) >= 4
        and " " not in key
        and key not in person_lex().lexicon
        and key not in verb_forms()
        and key[1:] not in verb_forms()
        and not _is_place(key)
        and not _inflected(key)
    )


_COMPOUND_TAILS = frozenset(
    {"ها", "های", "هایی", "ای", "ی", "تر", "ترین", "ام", "اش", "ات", "اند", "ایم", "اید"}
)


def _unknown_compound(key: str) -> bool:
    """A ZWNJ compound («غلام‌آزاد», «شاخ‌وندی») that hazm's lexicon lacks, written either way, and no verb,
    plural, comparative or agency word: after a curated first name, a compound surname."""
    parts = key.split(" ")
    if len(parts) < 2 or not all(x.isalpha() for x in parts):
        return False  # also «وحیدزاده،با»: a comma with no space after it
    lex = person_lex()
    if key in lex.lexicon or key.replace(" ", "") in lex.lexicon or parts[-1] in _COMPOUND_TAILS:
        return False
    if parts[0] in _COMPOUND_HEADS or parts[0] in ("می", "نمی", "بی") or key in verb_forms():
        return False
    if any(x.startswith("علیه") for x in parts):
        return False  # a blessing after the name («زهرا سلام‌الله‌علیها»)
    return not (_inflected(key) or _is_place(key) or key in _name_stop())


_SENT_OPENERS = frozenset({".", "!", "؟", "?", "؛"})
# what follows a sentence-opening surname («یونسی با بیان …», «کواشنین بر کاهش …»)
_OPENING_NEXT = frozenset(
    {"در", "به", "با", "طی", "ضمن", "نیز", "همچنین", "پس", "هم", "درباره", "بر", "سپس", "آنگاه", "روز"}
)


def _opening_surnames(
    toks: Sequence[Tok], text: str, covered: list[bool], pending: list[tuple[str, str | None, str | None]]
) -> None:
    """A surname-like word that opens the sentence, right before a preposition or a colon («یونسی با بیان …»,
    «ربیعی: …»): its subject, a person named by surname."""
    n = len(toks)
    opens = [0, *(x + 1 for x, t in enumerate(toks) if t.trail and t.trail.strip()[:1] in _SENT_OPENERS)]
    lex = person_lex()
    for i in opens:
        if i >= n - 1 or covered[i]:
            continue
        t = toks[i]
        k = t.key
        colon = t.trail.strip()[:1] == ":"
        if not (colon or (not t.closes and toks[i + 1].key in _OPENING_NEXT)):
            continue
        if k in lex.first_names and not k.endswith("ی"):
            continue
        if not _surname_like(k) or _is_place(k) or _phrase_at_key(k) or _role_head_at(toks, i):
            continue
        stem = k[:-2] if k.endswith(("ئی", "یی")) else k[:-1]
        if (
            k.endswith("ی")
            and k not in lex.surnames
            and stem in lex.lexicon
            and (stem not in lex.first_names or stem in lex.common_words)
            and not _is_place(stem)
        ):
            continue  # «نگاهی به …», «جریانی …»: a noun with the indefinite «-ی»
        pending.append((unify_letters(text[t.start : t.end]), None, None))
        covered[i] = True


@functools.cache
def _foreign_firsts() -> frozenset[str]:
    """Every transliterated foreign first name of the lexicons, also those that are Persian words («بیل»)."""
    from khabar.extractors.gazetteer import _load, foreign_names

    x = _load("gazetteers/names_extra.yaml")
    names = [*x["foreign_first_names"], *foreign_names()["sure_first_names"]]
    return frozenset(search_form(v) for v in names) - {"تیم"}  # «تیم ایپسویچ» is a team


def _foreign_first_word(key: str) -> bool:
    """Before a famous foreign surname: a foreign first name or a word hazm does not know."""
    return key in _foreign_firsts() or (_unknown_word(key) and not _is_place(key))


# titles that name a person by surname alone («دکتر باوند», «مرحوم طالقانی», «خانم پوریامین»)
_SURNAME_TITLES = frozenset(
    {"آقای", "آقا", "خانم", "استاد", "مرحوم", "شهید", "علامه", "روانشاد", "دکتر", "مهندس"}
)

_PLACE_TITLES = frozenset({"شهید", "علامه"})  # also in the names of streets, schools, halls


def _titled_surnames(
    toks: Sequence[Tok], text: str, covered: list[bool], pending: list[tuple[str, str | None, str | None]]
) -> None:
    """A title and one surname-like word the honorific patterns left («دکتر باوند»): a mention by surname, unless
    a facility is named after the person («دانشگاه شهید بهشتی», «بزرگراه شهید محلاتی»)."""
    lex = person_lex()
    for i in [x for x, t in enumerate(toks[:-1]) if t.key in _SURNAME_TITLES]:
        t = toks[i]
        if t.closes or covered[i + 1] or _named_after_before(toks, i):
            continue
        if t.key in _PLACE_TITLES and not (i == 0 or toks[i - 1].closes or toks[i - 1].key in _OPENERS):
            continue  # «ایستگاه آتش‌نشانی شهید مطهری»: a facility word further back
        k = toks[i + 1].key
        if (
            not (_surname_like(k) or (k in lex.first_names and _namey(k)))
            or _is_place(k)
            or _role_head_at(toks, i + 1)
        ):
            continue
        name = unify_letters(text[toks[i + 1].start : toks[i + 1].end])
        pending.append((name, None, unify_letters(t.raw)))
        covered[i + 1] = True
    _ranked_names(toks, text, covered, pending)


# titles of rank, office or church that stand right before a full name («ملکه الیزابت دوم», «ژنرال سوکارنو»)
_NAME_TITLES = frozenset(
    {"ژنرال", "سناتور", "ملکه", "شاهزاده", "پاپ", "قاضی", "کاردینال", "اسقف", "پرنس", "ملک", "سلطان", "شیخ"}
)
_ORDINALS = frozenset({"اول", "دوم", "سوم", "چهارم", "پنجم", "ششم", "دوازدهم", "شانزدهم"})


def _ranked_names(
    toks: Sequence[Tok], text: str, covered: list[bool], pending: list[tuple[str, str | None, str | None]]
) -> None:
    """A title of rank before one to three name words and maybe an ordinal («ملکه الیزابت دوم», «قاضی خوان
    گازمن», «شیخ زائد بن سلطان»): the words are a person; «ملک» stays in the name («ملک عبدالله»)."""
    lex = person_lex()
    n = len(toks)
    for i in [x for x, t in enumerate(toks[:-1]) if t.key in _NAME_TITLES]:
        if toks[i].closes or covered[i + 1] or (i and covered[i - 1]) or _named_after_before(toks, i):
            continue
        a = b = i + 1
        while b < n and b - a < 3 and not covered[b]:
            k = toks[b].key
            ok = k in lex.first_names or k in lex.famous or _foreign_like(k) or _surname_like(k) or k == "بن"
            stem = k[:-2] if k.endswith(("ئی", "یی")) else k[:-1]
            if (
                not ok
                or _is_place(k)
                or _phrase_at_key(k)
                or k in verb_forms()
                or k in _NISBA_STOP
                or (k.endswith("ی") and (stem in lex.lexicon or _is_place(stem)) and k not in lex.surnames)
                or k in _name_stop() - {"بن"}
            ):
                break  # «پادشاه», «یهودی», «آمریکائی»: a title or an adjective of origin, not a name
            b += 1
            if toks[b - 1].closes:
                break
        if b == a or toks[b - 1].key == "بن":
            continue
        k0 = toks[a].key
        if not (k0 in lex.first_names or k0 in lex.famous or _foreign_like(k0) or _surname_like(k0)):
            continue
        if toks[i].key in ("ملک", "قاضی", "شیخ", "سلطان") and not (
            k0 in lex.first_names and k0 not in lex.ambiguous_first
        ):
            continue  # «ملک ببیند», «قاضی تراز اسلام»: also ordinary words; a first name must follow
        if b < n and not toks[b - 1].closes and toks[b].key in _ORDINALS:
            b += 1
        if toks[i].key == "ملک" and k0 in lex.first_names:
            a = i
        pending.append((unify_letters(text[toks[a].start : toks[b - 1].end]), None, None))
        covered[a:b] = [True] * (b - a)


# credits before a name («به کارگردانی رجبعلی فلاح», «به داوری جلال مرادی», «توسط …»): an anchor like a title
_CREDITS = frozenset(
    search_form(w)
    for w in (
        "مدیریت",
        "کارگردانی",
        "سرپرستی",
        "ریاست",
        "داوری",
        "نویسندگی",
        "کوشش",
        "همت",
        "ترجمه",
        "ساخته",
        "توسط",
        "سروده",
        "قضاوت",
        "تهیه‌کنندگی",
        "آهنگسازی",
        "رهبری",
        "اجرای",
        "روایت",
    )
)


def _credit_before(toks: Sequence[Tok], s: int) -> bool:
    """A credit («به کارگردانی …») or «به نام» («راننده‌ای به نام محمدجعفر مهدوی») stands right before ``s``."""
    if s < 1 or toks[s - 1].closes:
        return False
    k = toks[s - 1].key
    return k in _CREDITS or (k == "نام" and s >= 2 and toks[s - 2].key == "به")


def _claim(
    toks: Sequence[Tok],
    text: str,
    covered: list[bool],
    found: dict[str, dict[str, Any]],
    evs: list[tuple[int, str, str]],
    a: int,
    b: int,
    min_key: int = 0,
) -> None:
    """Tokens [a, b) are a person's name: record it (first mention wins), mark the tokens, note the evidence;
    nothing when its search form is shorter than `min_key` letters."""
    name = unify_letters(text[toks[a].start : toks[b - 1].end])
    key = search_form(name)
    if len(key) < min_key:
        return
    found.setdefault(key, _person(name, None, None))
    covered[a:b] = [True] * (b - a)
    evs.append((a, "name", key))


def _list_pass(
    toks: Sequence[Tok],
    text: str,
    covered: list[bool],
    found: dict[str, dict[str, Any]],
    evs: list[tuple[int, str, str]],
) -> None:
    """Coordination: in «A، B و C» a first name and one more word right after a person named in the list
    («مهدی کریمی، مجید بصیرت و رضا بینش») is a person too, even when its surname is also an ordinary word."""
    n = len(toks)
    stop = _name_stop()
    k = 1
    while k < n - 1:
        if covered[k] or (not covered[k - 1] and not (k >= 2 and covered[k - 2] and toks[k - 1].key == "و")):
            k += 1
            continue
        sep_comma = covered[k - 1] and toks[k - 1].trail.strip()[:1] in ("،", ",")
        sep_and = k >= 2 and covered[k - 2] and toks[k - 1].key == "و" and not toks[k - 1].closes
        if not (sep_comma or sep_and):
            k += 1
            continue
        fn = _first_name_at(toks, k)
        j = k + fn
        if not fn or toks[j - 1].closes or j >= n:
            k += 1
            continue
        sur = toks[j]
        end_ok = (
            sur.closes
            or j + 1 >= n
            or toks[j + 1].key in ("و", "که")
            or _context_after(toks, j + 1)
            or (_namey(sur.key) >= 1 and not _namey(toks[j + 1].key))  # «… و پریوش نظریه خواهد بود»
            # «احمد سعیدی و محمدرضا اسلامی به دیدار …»: a sure first name, a word that ends the name
            or (
                sep_and
                and _sure_list_first(toks, k, fn)
                and _word_surname(sur.key)
                and not _namey(toks[j + 1].key)
            )
        )
        if (
            sur.key[:1].isalpha()
            and sur.key not in stop
            and sur.key not in verb_forms()
            and not _role_head_at(toks, j)
            and not _is_place(sur.key)
            and end_ok
        ):
            _claim(toks, text, covered, found, evs, k, j + 1)
            k = j + 1
            continue
        k += 1
    _list_back(toks, text, covered, found, evs)


_ITEM_END = (".", "!", "؟", "?", "؛", ":")
# what may follow a name inside a list item («رحمان دادمان از تبریز», «فرید مروارید با رکورد …»)
_ITEM_TAIL = frozenset({"از", "با", "در", "به", "نماینده", "عضو"})


def _list_items(toks: Sequence[Tok]) -> list[list[tuple[int, int]]]:
    """Coordinated lists of the text: runs of items [a, b) separated by commas, «و» or dashes, each run ending
    at a sentence end or a colon."""
    lists: list[list[tuple[int, int]]] = []
    cur: list[tuple[int, int]] = []
    a = 0
    for i, t in enumerate(toks):
        k = t.key
        if k == "و" or k in _LIST_SEP or k[:1].isdigit():
            if a < i:
                cur.append((a, i))
            a = i + 1
            if t.trail.strip()[:1] in _ITEM_END or (t.trail and t.trail.strip()[:1] not in ("،", ",")):
                if len(cur) >= 2:
                    lists.append(cur)
                cur = []
            continue
        if t.trail:
            c = t.trail.strip()[:1]
            cur.append((a, i + 1))
            a = i + 1
            if c not in ("،", ","):
                if len(cur) >= 2:
                    lists.append(cur)
                cur = []
    if a < len(toks):
        cur.append((a, len(toks)))
    if len(cur) >= 2:
        lists.append(cur)
    return lists


def _item_kind(toks: Sequence[Tok], covered: list[bool], a: int, b: int) -> tuple[str, int]:
    """What a list item is: («person», end) when found already, («name», end) for a first name and one or two
    name words, («sur», end) for one surname-like word, («other», 0); the end excludes a tail («از تبریز»)."""
    c = a
    while c < b and covered[c]:
        c += 1
    if c > a and (c == b or (toks[c].key in _ITEM_TAIL and b - c <= 4 and not any(covered[c:b]))):
        return "person", c  # a person found, maybe with a tail («عباس خرسند از اسفراین»)
    if any(covered[a:b]):
        return "other", 0
    lex = person_lex()
    stop = _name_stop()
    e = a
    while e < b and e - a < 4:
        k = toks[e].key
        if (
            not "\u0621" <= k[:1] <= "\u06cc"
            or (k in stop and k not in lex.surname_suffixes)
            or k in verb_forms()
            or _role_head_at(toks, e)
            or _phrase_at_key(k)
            or (e > a and _is_place(k))
        ):
            break
        e += 1
    if e == a or (e < b and toks[e].key not in _ITEM_TAIL and not _role_head_at(toks, e)):
        return "other", 0
    if b - e > 4 or any(toks[x].key in verb_forms() for x in range(e, b)):
        return "other", 0  # a clause, not a name with a short tail
    if e - a == 1:
        k = toks[a].key
        if not _surname_like(k) or _is_place(k) or (_plural_of_word(k) and k not in lex.surnames):
            return "other", 0  # «دانشمندانی»: a plural of a known word
        return "sur", e
    fn = _first_name_at(toks, a)
    if fn and fn < e - a <= fn + 2:
        if any(toks[x].key in lex.ambiguous_first for x in range(a, a + fn)) and not all(
            _namey(toks[x].key) for x in range(a + fn, e)
        ):
            return "other", 0
        return "name", e
    if e - a <= 3 and all(_namey(toks[x].key) for x in range(a, e)) and _foreign_first_word(toks[a].key):
        return ("name" if toks[a].key in _foreign_firsts() else "weak"), e
    return "other", 0


def _plural_of_word(key: str) -> bool:
    """«دانشمندانی»: «-ی» on a plural of a word of hazm's lexicon."""
    if not key.endswith("انی") or " " in key:
        return False
    return key[:-3] in person_lex().lexicon


def _name_lists(
    toks: Sequence[Tok],
    text: str,
    covered: list[bool],
    found: dict[str, dict[str, Any]],
    evs: list[tuple[int, str, str]],
    pending: list[tuple[str, str | None, str | None]],
) -> None:
    """Lists of names with no seed («محمدرضا فروتن، ستاره اسکندری، شبنم طلوعی …», results «رحمان دادمان از
    تبریز، …»): when at least two items of a list are persons or a first name and name words, and they are half
    the items at least, every such item is a person, and a surname-like word alone in it too."""
    for items in _list_items(toks):
        kinds = [_item_kind(toks, covered, a, b) for a, b in items]
        good = sum(k in ("person", "name") for k, _e in kinds)
        weak = sum(k == "weak" for k, _e in kinds)
        if good < 2 or 3 * (good + weak) < len(items):
            continue
        for (a, _b), (kind, e) in zip(items, kinds, strict=True):
            if kind in ("name", "weak"):
                _claim(toks, text, covered, found, evs, a, e)
            elif kind == "sur" and good >= 2:
                pending.append((unify_letters(text[toks[a].start : toks[e - 1].end]), None, None))
                covered[a:e] = [True] * (e - a)


# what may follow «از» after a name in results and delegations («از کرواسی», «از تیم سایپا»)
_FROM_HEADS = frozenset({"تیم", "کشور", "دانشگاه", "استان", "شهرستان", "باشگاه"})


def _names_from_places(
    toks: Sequence[Tok],
    text: str,
    covered: list[bool],
    found: dict[str, dict[str, Any]],
    evs: list[tuple[int, str, str]],
) -> None:
    """«گوران ماریچ از کرواسی», «شاهین آورند از تیم سایپا»: a first (or foreign) name and name words that open an
    item, right before «از» and a place, a country or a team, are a person."""
    for p in [x for x, t in enumerate(toks) if t.key == "از" and 2 <= x < len(toks) - 1]:
        nxt = toks[p + 1].key
        if not (_is_place(nxt) or nxt in _FROM_HEADS) or covered[p - 1] or toks[p - 1].closes:
            continue
        for m in (2, 3):
            a = p - m
            if a < 0 or any(covered[a:p]) or any(toks[x].closes for x in range(a, p - 1)):
                continue
            if not (a == 0 or toks[a - 1].closes or toks[a - 1].key in _LIST_SEP or toks[a - 1].key == "و"):
                continue
            fn = _first_name_at(toks, a)
            first_ok = bool(fn) or _foreign_like(toks[a].key)
            first_ok = first_ok or toks[a].key in _foreign_firsts()
            rest = range(a + max(fn, 1), p)
            if not first_ok or not rest or not all(_namey(toks[x].key) for x in rest):
                continue
            if any(_is_place(toks[x].key) or toks[x].key in verb_forms() for x in range(a, p)):
                continue
            _claim(toks, text, covered, found, evs, a, p)
            break


_ARABIC_ONLY = frozenset("ةإؤأًٌٍَُِّْ")
_PAIR_LEFT = frozenset({"و", "از", "با", "به", "توسط", "میان", "بین"})
_PAIR_RIGHT = frozenset({"و", "از", "در", "به", "با", "که", "را", "نیز", "هم", "یکی"})


def _foreign_pairs(
    toks: Sequence[Tok],
    text: str,
    covered: list[bool],
    found: dict[str, dict[str, Any]],
    evs: list[tuple[int, str, str]],
) -> None:
    """Two words no lexicon knows, with no Persian inflection, between clause edges («، ماساکی یامادا یکی از»,
    «و کنی هاو از»): a transliterated foreign name; the first must be a known foreign first name, or both words
    foreign-like."""
    n = len(toks)
    for a in range(n - 1):
        if covered[a] or covered[a + 1] or toks[a].closes:
            continue
        k0, k1 = toks[a].key, toks[a + 1].key
        if not _foreign_like(k1) or not (_foreign_like(k0) or k0 in _foreign_firsts()):
            continue
        if not (a == 0 or toks[a - 1].closes or toks[a - 1].key in _PAIR_LEFT):
            continue
        if not (
            toks[a + 1].closes or a + 2 >= n or toks[a + 2].key in _PAIR_RIGHT or _context_after(toks, a + 2)
        ):
            continue
        if _is_place(k0) or _is_place(k1) or any(c in _ARABIC_ONLY for c in toks[a].raw + toks[a + 1].raw):
            continue
        if (k0.startswith("ال") or k1.startswith("ال")) and k0 not in person_lex().first_names:
            continue  # «مکتبه الداوری», «یهلک الحرث»: an Arabic phrase, not a name
        _claim(toks, text, covered, found, evs, a, a + 2)


def _according_to(
    toks: Sequence[Tok],
    text: str,
    covered: list[bool],
    pending: list[tuple[str, str | None, str | None]],
    evs: list[tuple[int, str, str]],
) -> None:
    """«به گفته سوهارتو، …»: one to three name words between «به گفته» and a comma are the speaker."""
    lex = person_lex()
    n = len(toks)
    for g in range(1, n - 1):
        if toks[g].key != "گفته" or toks[g - 1].key != "به" or toks[g].closes or covered[g + 1]:
            continue
        a = b = g + 1
        while b < n and b - a < 3 and not covered[b]:
            k = toks[b].key
            if not (k in lex.first_names or _surname_like(k) or _foreign_like(k)) or _is_place(k):
                break
            if k in _name_stop() or _phrase_at_key(k):
                break
            b += 1
            if toks[b - 1].closes:
                break
        if a < b and toks[b - 1].trail.strip()[:1] in ("،", ","):
            # a mention, maybe by surname alone («به گفته آذرپور،»): folded into the full name like the others
            name = unify_letters(text[toks[a].start : toks[b - 1].end])
            if len(search_form(name)) >= 3:
                pending.append((name, None, None))  # its event is added with the other pending mentions
                covered[a:b] = [True] * (b - a)


def _sure_list_first(toks: Sequence[Tok], a: int, fn: int) -> bool:
    """The first name at ``a`` (``fn`` tokens) is curated or foreign and no ordinary word: beside a person in a
    list it makes the next word a surname even when that word is also a word («آرش مظلوم», «لوران بلان»)."""
    lex = person_lex()
    keys = [toks[x].key for x in range(a, a + fn)]
    return keys[-1] in _sure_first() and not any(k in lex.ambiguous_first for k in keys)


def _word_surname(key: str) -> bool:
    """An ordinary word that can still be a listed person's surname: no verb, function word, title, place,
    plural or agency word («مظلوم», «صدر», «اسلامی»; not «گفت», «کارکنان», «استان»)."""
    if len(key) < 2 or not key[:1].isalpha() or key in _name_stop() or key in verb_forms():
        return False
    if key.startswith(("می ", "نمی ")) or key in _org_words() or _is_place(key) or _phrase_at_key(key):
        return False
    if key.endswith(("ها", "های", "هایی", "ترین")) or _plural_of_word(key):
        return False
    return not (key.endswith(("ان", "ات")) and key[:-2] in person_lex().lexicon)


def _list_back(
    toks: Sequence[Tok],
    text: str,
    covered: list[bool],
    found: dict[str, dict[str, Any]],
    evs: list[tuple[int, str, str]],
) -> None:
    """Coordination backwards: in «بیوک شریف و جاوید رمضان‌پور», «FIRST SURNAME، PERSON» a first name and one
    name-like word right before «و» or a comma and a person found is a person too."""
    stop = _name_stop()
    for k in [x for x in range(2, len(toks)) if covered[x] and not covered[x - 1]]:
        prev = toks[k - 1]
        if prev.key == "و" and not prev.closes:
            j = k - 2
            if toks[j].closes:
                continue
        elif prev.trail.strip()[:1] in ("،", ","):
            j = k - 1
        else:
            continue
        sur = toks[j]
        if (
            covered[j]
            or not sur.key[:1].isalpha()
            or sur.key in stop
            or sur.key in verb_forms()
            or _is_place(sur.key)
            or _role_head_at(toks, j)
        ):
            continue
        for fn in (1, 2):
            a = j - fn
            if a < 0 or any(covered[a:j]) or _first_name_at(toks, a) != fn or toks[j - 1].closes:
                continue
            if not (a == 0 or toks[a - 1].closes or toks[a - 1].key in _OPENERS or covered[a - 1]):
                continue
            # «عبدالکریم سروش و محسن کدیور»: after a sure first name a surname may also be a word
            if not _namey(sur.key) and not (_sure_list_first(toks, a, fn) and _word_surname(sur.key)):
                continue
            _claim(toks, text, covered, found, evs, a, j + 1)
            break


@functools.lru_cache(maxsize=65536)
def _may_start_any(key: str) -> bool:
    return _may_start(key) or _ctx_may_start(key)


@functools.cache
def _epithets_by_first() -> dict[str, tuple[tuple[str, ...], ...]]:
    by: dict[str, list[tuple[str, ...]]] = {}
    for ph in person_lex().epithets:
        by.setdefault(ph[0], []).append(ph)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in by.items()}


@functools.lru_cache(maxsize=65536)
def _epi_may_start(key: str) -> bool:
    """The token can open an epithet («مقام معظم رهبری») or be a reverent title («امام», «حضرت», «شهید»)."""
    return key.split(" ", 1)[0] in _epithets_by_first() or key in person_lex().reverent_titles


# nouns a facility or body is named with before «امام …» («ایستگاه», «مصلای», «کمیته امداد امام خمینی»)
_FACILITY = frozenset(
    {
        "ایستگاه",
        "مصلی",
        "مصلای",
        "پادگان",
        "کتابخانه",
        "بندر",
        "امداد",
        "کمیته",
        "مجتمع",
        "مرکز",
        "پارک",
        "بوستان",
        "حرم",
        "آستان",
        "ستاد",
        "بنیاد",
        "هتل",
        "سرای",
        "پل",
        "تونل",
        "سد",
        "نیروگاه",
        "پالایشگاه",
        "اسکله",
        "منطقه",
        "ناحیه",
        "پایانه",
        "درمانگاه",
        "آموزشگاه",
        "هنرستان",
        "حسینیه",
        "موسسه",
        "مؤسسه",
        "دانشکده",
        "مجموعه",
        "گلزار",
        "اردوگاه",
        "قرارگاه",
        "لشکر",
        "تیپ",
        "ناو",
        "جاده",
        "شهرک",
        "روستای",
        "دبستان",
        "مدارس",
        "ورزشگاه",
        "استادیوم",
        "مسجد",
        "مسجدالنبی",
        "طرح",
        "جشنواره",
        "نمایشگاه",
    }
)


def _named_after_before(toks: Sequence[Tok], j: int) -> bool:
    """A facility noun stands right before ``j`` or heads the list ``j`` is in («بیمارستان شهید بهشتی و امام
    رضا», «میدان‌های امام حسین، انقلاب»): a place named after a person, not the person."""
    named = _NAMED_AFTER | _FACILITY

    def facility(key: str) -> bool:
        w = key.split(" ", 1)[0]
        return w in named or any(w.endswith(e) and w[: -len(e)].rstrip() in named for e in ("ها", "های"))

    if j and facility(toks[j - 1].key) and toks[j - 1].key != "حضرت":
        return True
    if not j or not (toks[j - 1].key == "و" or toks[j - 1].trail.strip()[:1] in ("،", ",")):
        return False
    for k in range(j - 2, max(-1, j - 6), -1):
        if toks[k].trail.strip()[:1] in (".", "!", "؟", "?", ":", "؛"):
            return False
        if facility(toks[k].key):
            return True
    return False


def _epithet_pass(
    toks: Sequence[Tok],
    text: str,
    covered: list[bool],
    found: dict[str, dict[str, Any]],
    evs: list[tuple[int, str, str]],
    starts: list[int],
) -> None:
    """Fixed references to one person («مقام معظم رهبری», «رسول خدا») and a reverent title before a name or a
    famous surname («امام خمینی», «حضرت فاطمه زهرا», «شهید مطهری»): the surname alone is ambiguous
    («خمینی», «مطهری» are also words of places), the title makes it a person. After a noun that names a place or
    a body after the person («فرودگاه امام خمینی», «خیابان شهید بهشتی») it is no mention."""
    lex = person_lex()
    n = len(toks)
    for j in starts:
        if covered[j]:
            continue
        m = _phrase_at(toks, j, _epithets_by_first())
        a = b = j
        if m:
            b = j + m
        elif toks[j].key in lex.reverent_titles and j + 1 < n and not toks[j].closes and not covered[j + 1]:
            if _named_after_before(toks, j):
                continue
            a = j + 1
            k1 = toks[a].key
            if k1 in lex.famous or k1 in lex.famous_ambiguous or k1 in lex.surnames:
                b = a + 1
            elif k1 in lex.first_names and k1 not in lex.ambiguous_first and k1 not in _TIME_WORDS:
                b = a + 1
                if b < n and not toks[a].closes and not covered[b]:
                    k2 = toks[b].key
                    if k2 in lex.famous or k2 in lex.famous_ambiguous or k2 in lex.surnames:
                        b += 1  # «امام موسی صدر»
                    elif k2 in lex.first_names and k2 not in lex.ambiguous_first:
                        b += 1  # «فاطمه زهرا»
            else:
                continue
            if toks[j].key == "امام":
                a = j  # «امام خمینی», «امام علی»: the title is part of how the person is named
        else:
            continue
        _claim(toks, text, covered, found, evs, a, b, min_key=3)


@functools.cache
def _weak_starts() -> frozenset[str]:
    """Start words that are only name-list first names (not curated, no honorific, title or context noun)."""
    lex = person_lex()
    other = set(_hons_by_first()) | set(_heads_by_first()) | _CONTEXT_NOUNS | set(lex.name_prefixes)
    return frozenset(w for w in lex.first_names if " " not in w and w not in _sure_first() and w not in other)


@functools.cache
def _famous_by_first() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Famous names of several words («بن لادن», «بان کی مون»), by first word."""
    lex = person_lex()
    by: dict[str, list[tuple[str, ...]]] = {}
    for name in lex.famous | lex.famous_ambiguous:
        if " " in name:
            by.setdefault(name.split(" ", 1)[0], []).append(tuple(name.split(" ")))
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in by.items()}


@functools.lru_cache(maxsize=65536)
def _ctx_may_start(key: str) -> bool:
    """The token can be what the context pass looks for (a speech verb, an apposition head, a famous name)."""
    w = key.split(" ", 1)[0]
    return (
        w in _speech_by_first()
        or w in _desc_by_first()
        or w in _famous_by_first()
        or key in person_lex().famous
        or _foreign_shape(key)
        or _epi_may_start(key)
    )


_FOREIGN_ENDS = ("وف", "یف", "یچ", "ویچ", "اشتاین", "برگ")


@functools.lru_cache(maxsize=65536)
def _foreign_shape(key: str) -> bool:
    """A Slavic or German surname shape on a word hazm does not know («اداموف», «یوکوویچ», «گینزبرگ»):
    Persian words do not end so, and on Arman such words are persons 20 times in 22."""
    return (
        len(key) >= 5
        and " " not in key
        and key.endswith(_FOREIGN_ENDS)
        and key not in person_lex().lexicon
        and not _is_place(key)
    )


@functools.cache
def _start_words() -> frozenset[str]:
    """First words of anything a person pattern can start with: most tokens are skipped on one set lookup."""
    lex = person_lex()
    words = {w.split(" ", 1)[0] for w in lex.first_names | lex.name_prefixes}
    words |= set(_hons_by_first()) | set(_heads_by_first()) | _CONTEXT_NOUNS
    return frozenset(words)


@functools.lru_cache(maxsize=65536)
def _may_start(key: str) -> bool:
    """The token's first word can start a person pattern (``_start_words`` holds single words)."""
    starts = _start_words()
    return key in starts or (" " in key and key.split(" ", 1)[0] in starts) or _compound_first(key)


def _surname_before(toks: Sequence[Tok], r: int) -> int | None:
    """Start index of a surname that ends right before the role head at ``r`` («صادق زاده مدیرکل»)."""
    lex = person_lex()
    k = r - 1
    key = toks[k].key
    if key in lex.surname_suffixes and k >= 1 and not toks[k - 1].closes:
        prev = toks[k - 1].key
        if prev not in _name_stop() and prev.isalpha():
            return k - 1
        return None
    if key.endswith((" زاده", " پور", " نژاد", " نیا")) or key in lex.surnames:
        if k >= 1 and toks[k - 1].key in lex.surname_prefixes and not toks[k - 1].closes:
            return k - 1
        return k
    return None


def extract_persons(parts: list[str]) -> list[dict[str, Any]]:
    """People in title, lead and paragraphs: ``[{name, role, role_head, organisation, honorific}]`` in order of
    first full mention. A title that opens a sentence with no name («مدیرکل بیمه … اظهار داشت») goes to the
    official last named (the speaker «وی», «این مقام مسئول» refer to), or, before any name, to the next one named
    («استاندار مازندران …» in the lead, «محمد اسلامی افزود» in the body)."""
    found: dict[str, dict[str, Any]] = {}
    pending: list[tuple[str, str | None, str | None]] = []
    events: list[tuple[str, str]] = []
    for part in parts:
        if part:
            persons_in(part, found, pending, events)
    full_keys = list(found)
    alias: dict[str, str] = {}
    for name, role, hon in pending:
        key = search_form(name)
        # a first name alone is no mention of a person; name-list first names that are also surnames are
        if not key or key in _name_stop() or key in _curated_first() or key.startswith("سید"):
            continue
        if key in person_lex().first_names and not (
            hon is not None  # «دکتر باوند», «آقا مصطفی»: a title makes it a mention
            or key in person_lex().famous
            or key in person_lex().famous_ambiguous
            or key.endswith(("ی", "زاده", "پور"))
        ):
            continue
        full = next(
            (
                k
                for k in full_keys
                if k == key or k.endswith(" " + key) or k.replace(" ", "").endswith(key.replace(" ", ""))
            ),
            None,
        )
        if full is not None:
            alias[key] = full
            if role and not found[full]["role"] and full != key:
                _set_role(found[full], role)
            continue
        if key in found:
            if role and not found[key]["role"]:
                _set_role(found[key], role)
            continue
        found[key] = _person(name, role, hon)
        full_keys.append(key)
    _attribute_titles(events, found, alias)
    return list(found.values())


def _attribute_titles(
    events: list[tuple[str, str]], found: dict[str, dict[str, Any]], alias: dict[str, str]
) -> None:
    """Walk mentions and sentence-opening titles in text order (see ``extract_persons``)."""
    last: str | None = None
    stash: str | None = None
    for kind, value in events:
        if kind in ("name", "sur"):
            key = alias.get(value, value)
            if key not in found:
                continue
            last = key
            if stash and not found[key]["role"]:
                _set_role(found[key], stash)
            stash = None
        elif kind == "role":
            if last is None:
                stash = stash or value
            elif not found[last]["role"]:
                _set_role(found[last], value)
        elif kind == "role_next":
            stash = value
        elif kind == "role_new":  # another official («… نیز گفت»): maybe the next one named
            last, stash = None, value
