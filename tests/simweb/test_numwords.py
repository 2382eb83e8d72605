"""The generator's number renderer: what it writes must read back as the truth value."""

from __future__ import annotations

import random

import pytest

from khabar.simweb import numwords as nw


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "صفر"),
        (5, "پنج"),
        (12, "دوازده"),
        (19, "نوزده"),
        (40, "چهل"),
        (105, "صد و پنج"),
        (250, "دویست و پنجاه"),
        (1000, "یک هزار"),
        (1200, "یک هزار و دویست"),
        (2500, "دو هزار و پانصد"),
        (12_500_000, "دوازده میلیون و پانصد هزار"),
        (120_500_000_000, "صد و بیست میلیارد و پانصد میلیون"),
        (3_000_000_000_000, "سه هزار میلیارد"),
    ],
)
def test_to_words_examples(n: int, words: str) -> None:
    assert nw.to_words(n) == words
    assert nw.parse_number(words) == n


def test_to_words_without_leading_one() -> None:
    assert nw.to_words(1200, one_thousand=False) == "هزار و دویست"
    assert nw.parse_number("هزار و دویست") == 1200


@pytest.mark.parametrize(
    ("n", "mixed"),
    [
        (1200, "یک هزار و ۲۰۰"),
        (12_500_000, "۱۲ میلیون و ۵۰۰ هزار"),
        (120_500_000_000, "۱۲۰ میلیارد و ۵۰۰ میلیون"),
        (3_000, "۳ هزار"),
    ],
)
def test_to_mixed_examples(n: int, mixed: str) -> None:
    assert nw.to_mixed(n) == mixed
    assert nw.parse_number(mixed) == n


def test_round_trip_random() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        n = int(10 ** rng.uniform(0, 13))
        assert nw.parse_number(nw.to_words(n)) == n
        assert nw.parse_number(nw.to_words(n, one_thousand=False)) == n
        for script in nw.DIGIT_SCRIPTS:
            assert nw.parse_number(nw.to_mixed(n, script)) == n
            assert nw.parse_number(nw.group_digits(n, script)) == n


def test_digit_scripts() -> None:
    assert nw.digits(2024, "persian") == "۲۰۲۴"
    assert nw.digits(2024, "latin") == "2024"
    assert nw.digits(2024, "arabic") == "٢٠٢٤"
    assert nw.to_latin_digits("۱۲٣") == "123"
    assert nw.to_persian_digits("12٣") == "۱۲۳"
    assert nw.group_digits(1234567) == "۱٬۲۳۴٬۵۶۷"


def test_parse_rejects_other_words() -> None:
    with pytest.raises(ValueError):
        nw.parse_number("چند نفر")
