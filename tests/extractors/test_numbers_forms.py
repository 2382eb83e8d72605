"""Every number and quantity form of issue 14 on hand-written strings: hundreds in two words, parts without «و»,
decimals and fractions in words, mixes with digits, ordinals, percentages in words, ranges, approximations kept as
qualifiers, money in rial (تومان/ریال/میلیارد/هزار میلیارد/همت) — and lists that must stay apart."""

from __future__ import annotations

import pytest
from khabar.extractors.numbers import parse_number, parse_ordinal
from khabar.extractors.quantities import quantities_of


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("سه صد", 300),
        ("پنج صد و بیست", 520),
        ("نهصد نود نه هزار", 999_000),
        ("دوازده هزار بیست دو", 12_022),
        ("دو ممیز سه", 2.3),
        ("۲ ممیز ۰۵", 2.05),
        ("یک و یک دهم", 1.1),
        ("پنج صدم", 0.05),
        ("دو و نیم", 2.5),
        ("سه چهارم", 0.75),
        ("چهارصد و ۵۰", 450),
        ("یک میلیون و هزار", 1_001_000),
        ("۱۲ میلیون و ۵۰۰ هزار", 12_500_000),
        ("۲٫۵ میلیارد", 2.5e9),
        ("هزار میلیارد", 1e12),
        ("یک‌صد", 100),
        ("یک‌هزار", 1000),
        ("بیست‌وپنج", 25),
        ("سیصد‌و‌شصت‌و‌پنج", 365),
        ("منفی سه هزار", -3000),
        ("منهای دو", -2),
        ("مثبت هفت", 7),
        ("یازده دهم", 1.1),
        ("یک ممیز یک دهم", 1.1),
    ],
)
def test_number_words(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["۲۰۰ و ۳۰۰", "سه و هزار", "بیست و سی", "سلام", "", "هزار هزار"])
def test_not_one_number(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("سوم", 3), ("بیست و سوم", 23), ("سی‌ام", 30), ("یکم", 1), ("اول", 1), ("هزارمین", 1000), ("صدمین", 100)],
)
def test_ordinals(text: str, value: int) -> None:
    assert parse_ordinal(text) == value


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier", "value_to"),
    [
        ("سه صد نفر", 300, "نفر", None, None),
        ("بیست و پنج درصد", 25, "درصد", None, None),
        ("یک و نیم درصد", 1.5, "درصد", None, None),
        ("۱۰ تا ۱۵ درصد", 10, "درصد", None, 15),
        ("بین ۱۰ تا ۱۵ هزار نفر", 10_000, "نفر", "بین", 15_000),
        ("حدود ۵۰۰ میلیون تومان", 5e9, "ریال", "حدود", None),
        ("بیش از ۲ هزار میلیارد ریال", 2e12, "ریال", "بیش از", None),
        ("نزدیک به ۳ همت", 3e13, "ریال", "نزدیک به", None),
        ("دو ممیز سه میلیارد ریال", 2.3e9, "ریال", None, None),
        ("نهصد نود نه هزار تومان", 9_990_000, "ریال", None, None),
        ("چهارصد و ۵۰ نفر", 450, "نفر", None, None),
        ("یک ریال", 1, "ریال", None, None),
        ("٪۲۵ افزایش", 25, "درصد", None, None),
        ("صد در صد", 100, "درصد", None, None),
        ("دو‌هزار نفر", 2000, "نفر", None, None),
        ("دمای هوا به منفی ۵ درجه رسید", -5, "درجه", None, None),
    ],
)
def test_quantities(
    text: str, value: float, unit: str, qualifier: str | None, value_to: float | None
) -> None:
    qs = quantities_of([text])
    assert len(qs) == 1, qs
    q = qs[0]
    assert q["value"] == pytest.approx(value) and q["unit"] == unit and q["qualifier"] == qualifier
    assert q.get("value_to") == (pytest.approx(value_to) if value_to is not None else None)
    assert q["text"] in text


@pytest.mark.parametrize(
    "text", ["سومین جلسه شورا", "بیست و سومین نشست", "از ۱۰ تا ۱۲ خرداد", "یک مدرسه", "سال ۱۴۰۲ تا ۱۴۰۳"]
)
def test_ranks_dates_and_articles_are_not_quantities(text: str) -> None:
    assert quantities_of([text]) == []


def test_lists_stay_apart() -> None:
    qs = quantities_of(["۲۰۰ و ۳۰۰ نفر", "۵ طرح و ۳ مدرسه"])
    assert [(q["value"], q["unit"]) for q in qs] == [(300.0, "نفر"), (5.0, "طرح"), (3.0, "مدرسه")]
