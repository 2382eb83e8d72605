"""B11's «another person» negatives find persons with the gazetteer lists alone (not khabar's extractor), and
only where a first name and a one-word surname stand together."""

from __future__ import annotations

import pytest

from bench.b11_republish import _person_in, _replacement_names


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("به گزارش فارس، حسین انواری ظهر امروز گفت", ("حسین", "انواری")),
        ("از تلاش‌های اصحاب رسانه تقدیر کرد و اظهار داشت", None),  # a verb, not «تقدیر» + «کرد»
        ("غلامرضا کرد زنگنه در جمع خبرنگاران گفت", None),  # the surname goes on: «کرد زنگنه»
        ("عیسی زاده در این نشست گفت", None),  # «عیسی‌زاده» written with a space: one surname
        ("مراسم بهمن مرادی برگزار شد", None),  # «بهمن» the month is no first name here
    ],
)
def test_persons_are_found_by_the_gazetteer_lists(text, want):
    assert _person_in(text) == want


def test_replacement_names_are_no_ordinary_words():
    first, last = _replacement_names()
    assert len(first) > 1000 and len(last) > 1000
    assert "کرد" not in last and "تقدیر" not in first
