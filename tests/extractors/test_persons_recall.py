"""Recall patterns of issue 15 (persons): lists read backwards, credits, titles with a surname alone, foreign first
names, sentence-opening surnames. Sentences written for khabar; each pattern has a near miss that must stay out."""

from __future__ import annotations

import pytest
from khabar.extractors.persons import extract_persons


def _names(text: str) -> set[str]:
    return {p["name"] for p in extract_persons([text])}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # alone «صادق خرازی به فینال رسید» names no one (both words are ordinary words): the list makes it a name
        ("صادق خرازی و جاوید رمضان‌پور به فینال رسیدند.", "صادق خرازی"),
        ("این فیلم به کارگردانی بهمن قبادی اجرا شد.", "بهمن قبادی"),
        ("این دیدار به داوری جلال مرادی انجام شد.", "جلال مرادی"),
        ("بااین‌حال، دکتر باوند به سنت موجود در دانشگاه پایبند ماند.", "باوند"),
        ("مرحوم طالقانی در سال‌های پیش از انقلاب زندانی شد.", "طالقانی"),
        ("مربی تیم: حسن میرزاآقابیک.", "حسن میرزاآقابیک"),
        ("این سند در دیدار بیل کلینتون با رهبران منطقه امضا شد.", "بیل کلینتون"),
        ("نمایندگان با اسلوبودان میلوشویچ دیدار کردند.", "اسلوبودان میلوشویچ"),
        ("جلسه آغاز شد. یونسی با بیان این که طرح آماده است از همکاری استقبال کرد.", "یونسی"),
        ("مایکل اوون دو گل زد.", "مایکل اوون"),
    ],
)
def test_recall_patterns(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text",
    [
        "ساخت ایستگاه آتش‌نشانی شهید مطهری تکمیل می‌شود.",  # a facility named after a person
        "دانشجویان دانشگاه شهید بهشتی در این مراسم حضور داشتند.",
        "جلسه تمام شد. نگاهی به اسناد نشان می‌دهد که طرح قدیمی است.",  # «-ی» of a noun, not a surname
        "صادق خرازی به فینال رسید.",
        "زمانی که کار تمام شد همه رفتند.",
    ],
)
def test_near_misses_name_no_one(text: str) -> None:
    assert _names(text) == set()
