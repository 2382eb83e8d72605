"""Persian number words and digit scripts for the simulated web's text generator.

The generator writes amounts the way Iranian releases do («پنج», «یک هزار و ۲۰۰», «۱۲۰ میلیارد و ۵۰۰ میلیون»),
so it needs its own renderer; a small parser lets tests check that what is written reads back as the truth value.
Pure functions, no dependencies: the simulated web must not share code with the extractor it is meant to test.
"""

from __future__ import annotations

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
LATIN_DIGITS = "0123456789"

_TO_PERSIAN = str.maketrans(LATIN_DIGITS + ARABIC_INDIC_DIGITS, PERSIAN_DIGITS * 2)
_TO_ARABIC_INDIC = str.maketrans(LATIN_DIGITS + PERSIAN_DIGITS, ARABIC_INDIC_DIGITS * 2)
_TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, LATIN_DIGITS * 2)

DIGIT_SCRIPTS = ("persian", "latin", "arabic")


def to_persian_digits(text: str) -> str:
    """Every digit (Latin or Arabic-Indic) as Persian ۰-۹."""
    return text.translate(_TO_PERSIAN)


def to_latin_digits(text: str) -> str:
    """Every digit (Persian or Arabic-Indic) as Latin 0-9."""
    return text.translate(_TO_LATIN)


def to_arabic_indic_digits(text: str) -> str:
    """Every digit (Latin or Persian) as Arabic-Indic ٠-٩ (older and Arabic-keyboard sites)."""
    return text.translate(_TO_ARABIC_INDIC)


def digits(n: int | str, script: str = "persian") -> str:
    """``n`` written in the given digit script ("persian", "latin" or "arabic")."""
    s = str(n)
    if script == "latin":
        return to_latin_digits(s)
    if script == "arabic":
        return to_arabic_indic_digits(s)
    return to_persian_digits(s)


_ONES = ("", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه")
_TEENS = ("ده", "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده")
_TENS = ("", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود")
_HUNDREDS = ("", "صد", "دویست", "سیصد", "چهارصد", "پانصد", "ششصد", "هفتصد", "هشتصد", "نهصد")
SCALES = ("", "هزار", "میلیون", "میلیارد", "هزار میلیارد")
SCALE_VALUES = {"هزار": 10**3, "میلیون": 10**6, "میلیارد": 10**9, "هزار میلیارد": 10**12, "تریلیون": 10**12}


def _below_thousand(n: int) -> str:
    parts: list[str] = []
    h, rest = divmod(n, 100)
    if h:
        parts.append(_HUNDREDS[h])
    if 10 <= rest < 20:
        parts.append(_TEENS[rest - 10])
    else:
        t, o = divmod(rest, 10)
        if t:
            parts.append(_TENS[t])
        if o:
            parts.append(_ONES[o])
    return " و ".join(parts)


def _groups(n: int) -> list[tuple[int, str]]:
    """(group value, scale word) from the largest scale down, zero groups skipped."""
    out: list[tuple[int, str]] = []
    i = 0
    while n and i < len(SCALES) - 1:
        n, g = divmod(n, 1000)
        if g:
            out.append((g, SCALES[i]))
        i += 1
    if n:  # anything above 10^12 is counted in «هزار میلیارد»
        out.append((n, SCALES[-1]))
    return out[::-1]


def to_words(n: int, *, one_thousand: bool = True) -> str:
    """``n`` fully in words: 1200 → «یک هزار و دویست»; ``one_thousand=False`` gives «هزار و دویست»."""
    if n < 0:
        return "منفی " + to_words(-n, one_thousand=one_thousand)
    if n == 0:
        return "صفر"
    parts: list[str] = []
    for g, scale in _groups(n):
        if scale == "هزار" and g == 1 and not one_thousand:
            parts.append("هزار")
            continue
        words = _below_thousand(g) if g < 1000 else to_words(g, one_thousand=one_thousand)
        parts.append(f"{words} {scale}".strip())
    return " و ".join(parts)


def to_mixed(n: int, script: str = "persian", *, words_for_one: bool = True) -> str:
    """``n`` as digit groups with scale words, the news style: 1200 → «یک هزار و ۲۰۰», 12500000 → «۱۲ میلیون و ۵۰۰ هزار».

    ``words_for_one`` writes a leading lone 1 as «یک» («یک هزار و ۲۰۰»), as releases usually do.
    """
    if n == 0:
        return digits(0, script)
    parts: list[str] = []
    for i, (g, scale) in enumerate(_groups(n)):
        num = "یک" if (g == 1 and i == 0 and scale and words_for_one) else digits(g, script)
        parts.append(f"{num} {scale}".strip())
    return " و ".join(parts)


def group_digits(n: int, script: str = "persian", sep: str = "٬") -> str:
    """``n`` in digits with a thousands separator (Persian «٬» or a comma)."""
    return digits(f"{n:,}".replace(",", sep), script)


_WORD_VALUES: dict[str, int] = {"صفر": 0}
for _i, _w in enumerate(_ONES):
    if _w:
        _WORD_VALUES[_w] = _i
for _i, _w in enumerate(_TEENS):
    _WORD_VALUES[_w] = 10 + _i
for _i, _w in enumerate(_TENS):
    if _w:
        _WORD_VALUES[_w] = 10 * _i
for _i, _w in enumerate(_HUNDREDS):
    if _w:
        _WORD_VALUES[_w] = 100 * _i
_WORD_VALUES.update({"یکصد": 100, "شیش": 6, "هیجده": 18, "هژده": 18})


def parse_number(text: str) -> int:
    """Read back words, digits or a mix («یک هزار و ۲۰۰», «۱۲ میلیون و ۵۰۰ هزار», «دوازده») as an int.

    Used by tests to check the renderer; raises ValueError on anything else.
    """
    s = to_latin_digits(text).replace("٬", "").replace(",", "").replace("\u200c", " ")
    s = s.replace("هزار میلیارد", "تریلیون")
    tokens = [t for t in s.split() if t != "و"]
    if not tokens:
        raise ValueError(text)
    total = 0
    current = 0
    for tok in tokens:
        if tok.isdigit():
            current += int(tok)
        elif tok in _WORD_VALUES:
            current += _WORD_VALUES[tok]
        elif tok in SCALE_VALUES:
            scale = SCALE_VALUES[tok]
            if scale == 1000:
                # «هزار» may multiply what precedes only within the current scale group.
                current = (current or 1) * scale
            else:
                total += (current or 1) * scale
                current = 0
        else:
            raise ValueError(f"not a number word: {tok!r} in {text!r}")
    return total + current
