"""Every date form of issue 14 on hand-written strings and pages: day words, Gregorian months in Persian, old years,
times in words, `۱۴۰۰-فروردین-۱۵`, two-digit years, no year, relative days with their time, parts of the day, any
digits, bylines and meta tags, historical Tehran offsets — and non-dates that must stay «no date found»."""

from __future__ import annotations

from datetime import datetime

import pytest
from khabar.extractors import extract
from khabar.extractors.dates import TEHRAN, find_dates, parse_iso, read_date, to_iso, to_jalali

FETCHED = datetime(2024, 3, 1, 12, 0, tzinfo=TEHRAN)  # Jalali 1402-12-11


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        # the day as an ordinal word
        ("سه‌شنبه سوم مهر ۱۴۰۲", "2023-09-25T00:00:00+03:30"),
        ("بیست و سوم اردیبهشت ۱۳۸۹", "2010-05-13T00:00:00+04:30"),
        ("بیست‌وسوم اردیبهشت ۱۳۸۹", "2010-05-13T00:00:00+04:30"),
        ("سی‌ام اسفند ۱۳۸۷", "2009-03-20T00:00:00+03:30"),
        ("یکم فروردین ۱۴۰۲", "2023-03-21T00:00:00+03:30"),
        ("اول فروردین ۱۴۰۲", "2023-03-21T00:00:00+03:30"),
        ("نهم دی ماه سال ۱۳۵۷", "1978-12-30T00:00:00+03:30"),
        # Gregorian months in Persian, any digits
        ("۲۵ ژانویه ۲۰۲۴", "2024-01-25T00:00:00+03:30"),
        ("3 فوریه 2024", "2024-02-03T00:00:00+03:30"),
        ("٥ مارس ٢٠٢٣", "2023-03-05T00:00:00+03:30"),
        ("۱۰ آوریل ۲۰۲۱", "2021-04-10T00:00:00+04:30"),
        ("۱۰ مه ۲۰۲۱", "2021-05-10T00:00:00+04:30"),
        ("۱۰ می ۲۰۲۱", "2021-05-10T00:00:00+04:30"),
        ("۱ ژوئن ۲۰۱۹", "2019-06-01T00:00:00+04:30"),
        ("۱ ژوئیه ۲۰۱۹", "2019-07-01T00:00:00+04:30"),
        ("۱ جولای ۲۰۱۹", "2019-07-01T00:00:00+04:30"),
        ("۱ اوت ۲۰۱۹", "2019-08-01T00:00:00+04:30"),
        ("۱ آگوست ۲۰۱۹", "2019-08-01T00:00:00+04:30"),
        ("۱ سپتامبر ۲۰۲۳", "2023-09-01T00:00:00+03:30"),
        ("۱ اکتبر ۲۰۲۳", "2023-10-01T00:00:00+03:30"),
        ("۱ نوامبر ۲۰۲۳", "2023-11-01T00:00:00+03:30"),
        ("۱ دسامبر ۲۰۲۳", "2023-12-01T00:00:00+03:30"),
        # years before 1369 (archives), with the offset of their day (+05:00 in the summer of 1978)
        ("۲۲ بهمن ۱۳۵۷", "1979-02-11T00:00:00+03:30"),
        ("۱۵ خرداد ۱۳۵۷", "1978-06-05T00:00:00+05:00"),
        ("۱۳۶۷/۰۲/۱۴", "1988-05-04T00:00:00+03:30"),
        # times in digits and words, parts of the day
        ("۲۶ شهریور ۱۳۹۴ ساعت ۱۱ و ۰۱ دقیقه", "2015-09-17T11:01:00+04:30"),
        ("۲۶ شهریور ۱۳۹۴ ساعت ۱۷ و بیست و سه دقیقه", "2015-09-17T17:23:00+04:30"),
        ("۱۲ مرداد ۱۴۰۲ ساعت ۶ عصر", "2023-08-03T18:00:00+03:30"),
        ("۱۲ مرداد ۱۴۰۲ ساعت ۸ شب", "2023-08-03T20:00:00+03:30"),
        ("۱۲ مرداد ۱۴۰۲ ساعت ۱ ظهر", "2023-08-03T13:00:00+03:30"),
        ("۱۲ مرداد ۱۴۰۲ ساعت ۹ صبح", "2023-08-03T09:00:00+03:30"),
        ("۱۲ مرداد ۱۴۰۲ ساعت ۵ و نیم عصر", "2023-08-03T17:30:00+03:30"),
        ("۷ آذر ۱۳۹۵ ۱۰:۱۳ ب.ظ", "2016-11-27T22:13:00+03:30"),
        ("۷ آذر ۱۳۹۵ ۱۰:۱۳ ق.ظ", "2016-11-27T10:13:00+03:30"),
        ("۷ آذر ۱۳۹۵ ۱۲:۱۳ ق.ظ", "2016-11-27T00:13:00+03:30"),
        # `۱۴۰۰-فروردین-۱۵`, two-digit years, Arabic-Indic digits
        ("۱۴۰۰-فروردین-۱۵", "2021-04-04T00:00:00+04:30"),
        ("۹۵/۰۳/۰۱", "2016-05-21T00:00:00+04:30"),
        ("۱۴ مهر ۹۴", "2015-10-06T00:00:00+03:30"),
        ("٢ تير ١٣٩٩", "2020-06-22T00:00:00+04:30"),
        # the day as a cardinal word (with a year or a weekday), other separators, Gregorian day-first / month-first
        ("دوازده مرداد ۱۴۰۲", "2023-08-03T00:00:00+03:30"),
        ("روز سه شنبه دو مرداد ۱۴۰۲", "2023-07-24T00:00:00+03:30"),
        ("۱۴۰۲٫۰۵٫۱۲", "2023-08-03T00:00:00+03:30"),
        ("03/08/2023", "2023-08-03T00:00:00+03:30"),
        ("11.24.2016", "2016-11-24T00:00:00+03:30"),
        ("ساعت ۱۴:۳۵ - ۱۲ مرداد ۱۴۰۲", "2023-08-03T14:35:00+03:30"),
        ("در ساعت ۴:۴۵ روز ۲۲ آذرماه ۱۴۰۲", "2023-12-13T04:45:00+03:30"),
        ("ش فرو ۰۱ ۱۳۸۰", "2001-03-21T00:00:00+03:30"),  # month first after a weekday, as ctime writes it
        # ISO with Persian digits
        ("۲۰۲۳-۰۸-۰۳T۱۴:۳۵:۰۰+۰۳:۳۰", "2023-08-03T14:35:00+03:30"),
    ],
)
def test_date_forms(text: str, iso: str) -> None:
    got = read_date(text, FETCHED)
    assert got is not None and to_iso(got) == iso


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("۵ اسفند", "2024-02-24T00:00:00+03:30"),  # no year: this year's (before the fetch)
        ("۲۰ اسفند", "2023-03-11T00:00:00+03:30"),  # would be after the fetch: last year's
        ("پنجشنبه ۱۰ اسفند - ۱۴:۰۵", "2024-02-29T14:05:00+03:30"),
        ("مراسم ۱۲ بهمن‌ماه امسال در دانشگاه برگزار شد", "2024-02-01T00:00:00+03:30"),
        ("۲۲ آذرماه سال گذشته", "2022-12-13T00:00:00+03:30"),
        ("امروز", "2024-03-01T00:00:00+03:30"),
        ("امروز ساعت ۱۰:۳۰", "2024-03-01T10:30:00+03:30"),
        ("دیروز ساعت ۶ عصر", "2024-02-29T18:00:00+03:30"),  # the stated time is kept
        ("پریروز", "2024-02-28T00:00:00+03:30"),
        ("۲ ساعت پیش", "2024-03-01T10:00:00+03:30"),
        ("سه روز پیش", "2024-02-27T12:00:00+03:30"),
        ("لحظاتی پیش", "2024-03-01T12:00:00+03:30"),
        ("ساعتی پیش", "2024-03-01T11:00:00+03:30"),
        ("امروز صبح", "2024-03-01T00:00:00+03:30"),
    ],
)
def test_dates_against_the_fetch_time(text: str, iso: str) -> None:
    got = read_date(text, FETCHED)
    assert got is not None and to_iso(got) == iso


@pytest.mark.parametrize(
    "text",
    [
        "میدان ۱۵ خرداد تهران",  # a day and month in running text is a name
        "ورزشگاه ۱۷ شهریور مشهد میزبان مسابقه بود",
        "وقتی میای مه می‌گیره",
        "۳ تیره",
        "کد خبر: 13670214",
        "۱۲۳۴/۵۶/۷۸",
        "۳۲ اسفند ۱۴۰۲",  # no such day
        "۱۰ آبان ۱۴۰۹",  # after the fetch
        "چند روز پیش",  # too vague to date
        "یک دی جی قبل بهار آزادی",  # «دی» after a number word, no year
        "تیر ۱۲ ۱۴۰۲",  # month first without a weekday
        "سپتامبر ۱۹۳۹",  # a month is not a day
        "امروز در نشست شورای اداری استان که با حضور استاندار برگزار شد گفت",  # «امروز» in a story
        "",
    ],
)
def test_non_dates_read_no_date(text: str) -> None:
    assert read_date(text, FETCHED) is None


def test_a_weekday_must_fit_the_inferred_year() -> None:
    fetched = datetime(2023, 7, 23, 12, tzinfo=TEHRAN)  # 1402-05-01
    assert read_date("پنجشنبه ۱۲ مرداد", fetched) is None  # a coming event: not 1401-05-12 (a Wednesday)
    assert to_jalali(read_date("سه‌شنبه ۲۷ تیر", fetched)) == "1402-04-27"


def test_plausibility_follows_the_fetch_time_not_a_floor() -> None:
    old = datetime(1990, 1, 1, tzinfo=TEHRAN)
    assert find_dates("۲۲ بهمن ۱۳۵۷", FETCHED)
    assert find_dates("۱ فروردین ۱۳۶۹", old) == []  # after a 1990 fetch
    assert find_dates("۲۰ آذر ۱۳۶۸", old)  # 1989-12-11


def test_meta_values_with_persian_digits_and_byline_forms() -> None:
    assert to_iso(parse_iso("۲۰۲۳-۰۸-۰۳T۱۴:۳۵:۰۰+۰۳:۳۰")) == "2023-08-03T14:35:00+03:30"
    assert to_jalali(parse_iso("۱۴۰۲/۰۵/۱۲ ۱۴:۳۵", FETCHED)) == "1402-05-12"
    assert to_iso(parse_iso("1402-05-12T14:35:00")) == "2023-08-03T14:35:00+03:30"


PAGE = (
    '<html><head><meta charset="utf-8">{meta}</head><body><div class="menu"><a href="/">خانه</a></div>'
    '<article><h1>بازدید مدیرکل از طرح‌های اشتغال</h1><div class="news-date">{byline}</div>'
    "<p>به گزارش روابط عمومی بهزیستی استان کرمان، مدیرکل در این بازدید از ۱۵ طرح اشتغال‌زایی در شهرستان‌های "
    "استان بازدید کرد و گفت این طرح‌ها از ۱۲ فروردین ۱۴۰۱ آغاز شده است.</p>"
    "<p>وی افزود: بیش از ۲۵۰ خانوار از این طرح‌ها بهره‌مند شده‌اند و کار ادامه دارد.</p></article></body></html>"
)


@pytest.mark.parametrize(
    ("byline", "meta", "jalali", "iso"),
    [
        ("دوشنبه بیست و سوم بهمن ۱۴۰۲ - ۱۰:۳۰", "", "1402-11-23", "2024-02-12T10:30:00+03:30"),
        ("۱۲ فوریه ۲۰۲۴", "", "1402-11-23", "2024-02-12T00:00:00+03:30"),
        ("دیروز ساعت ۶ عصر", "", "1402-12-10", "2024-02-29T18:00:00+03:30"),
        ("۲ ساعت پیش", "", "1402-12-11", "2024-03-01T10:00:00+03:30"),
        (
            "",
            '<meta property="article:published_time" content="۱۴۰۲-۱۱-۲۳T۱۰:۳۰:۰۰+۰۳:۳۰">',
            "1402-11-23",
            "2024-02-12T10:30:00+03:30",
        ),
    ],
)
def test_pages_take_the_byline_or_meta_date(byline: str, meta: str, jalali: str, iso: str) -> None:
    rec = extract(
        PAGE.format(byline=byline, meta=meta), url="https://kerman.behzisti.ir/news/1", fetched_at=FETCHED
    )
    assert rec["published_jalali"] == jalali and rec["published_at"] == iso, rec["errors"]


def test_a_page_without_a_date_says_so() -> None:
    html = PAGE.format(byline="اخبار استان", meta="").replace("از ۱۲ فروردین ۱۴۰۱ ", "")
    rec = extract(html, url="https://kerman.behzisti.ir/news/1", fetched_at=FETCHED)
    assert rec["published_at"] is None and "no date found" in " ".join(rec["errors"])
