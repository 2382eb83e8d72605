"""Normalisation, dates, numbers and quantities on hand-written Persian strings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from khabar.extractors import normalise, search_form
from khabar.extractors.dates import find_dates, find_relative, parse_iso, to_iso, to_jalali
from khabar.extractors.persons import extract_persons
from khabar.extractors.quantities import quantities_of

ZWNJ = "\u200c"


def test_search_form_unifies_letters_digits_zwnj_and_punctuation() -> None:
    s = search_form("آسیب‌های اجتماعي  در ۱۴۰۲/٠٥/12، «كرمان» ـــ مُدیر")
    assert s == 'آسیب های اجتماعی در 1402/05/12, "کرمان" مدیر'
    assert search_form(s) == s
    assert search_form("") == ""


def test_normalise_keeps_zwnj_unifies_letters_and_keeps_numbers() -> None:
    out = normalise("آسیب های اجتماعي می‌شود در سال 1402/05/12 و ۱۲۳ مورد")
    assert "آسیب\u200cهای" in out and "می\u200cشود" in out
    assert "ي" not in out
    assert "1402/05/12" in out and "۱۲۳" in out
    text = "صادق‌زاده و رزم‌حسینی در نشست‌ها گفتند"
    assert normalise(text).count(ZWNJ) >= text.count(ZWNJ)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("پنجشنبه ۱۲ مرداد ۱۴۰۲ - ۱۴:۳۵", "2023-08-03T14:35:00+03:30"),
        ("1399/04/02 - 12:09", "2020-06-22T12:09:00+04:30"),
        ("۲ تیر ۱۳۹۹ - ۱۲:۰۹:۰۸ ب.ظ", "2020-06-22T12:09:08+04:30"),
        ("۲ تیر ۱۳۹۹ - ۰۹:۰۵:۰۰ ق.ظ", "2020-06-22T09:05:00+04:30"),
        ("٢ تير ١٣٩٩", "2020-06-22T00:00:00+04:30"),
        ("۱۲ امرداد ۱۴۰۲ ساعت ۱۰:۰۰", "2023-08-03T10:00:00+03:30"),
        ("۱۲ اسد ۱۴۰۲", "2023-08-03T00:00:00+03:30"),
        ("سه‌شنبه ۵ دی ۱۳۹۶", "2017-12-26T00:00:00+03:30"),
    ],
)
def test_jalali_bylines(text: str, iso: str) -> None:
    found = find_dates(text, datetime(2024, 3, 19, tzinfo=UTC))
    assert found and to_iso(found[0]) == iso


def test_iso_meta_with_a_jalali_year_and_offsets() -> None:
    assert to_jalali(parse_iso("1402-05-12T14:35:00+03:30")) == "1402-05-12"
    assert to_iso(parse_iso("2020-06-22T07:39:08Z")) == "2020-06-22T12:09:08+04:30"
    assert parse_iso("2090-01-01T00:00:00Z", datetime(2024, 1, 1, tzinfo=UTC)) is None  # sanity window


def test_relative_dates_use_the_fetch_time() -> None:
    fetched = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    assert to_iso(find_relative("۲ ساعت پیش", fetched)) == "2024-03-01T13:30:00+03:30"
    assert to_jalali(find_relative("دیروز", fetched)) == "1402-12-10"
    assert find_relative("۲ ساعت پیش", None) is None


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("تهیه بیش از 11 طرح", 11, "طرح", "بیش از"),
        ("یک هزار و ۲۰۰ نفر", 1200, "نفر", None),
        ("۱۲ میلیون و ۵۰۰ هزار نفر", 12_500_000, "نفر", None),
        ("۵۰ میلیارد ریال", 50e9, "ریال", None),
        ("حدود ۲٫۵ میلیون تومان", 25e6, "ریال", "حدود"),
        ("۳ هزار میلیارد تومان", 3e13, "ریال", None),
        ("بیست و پنج کلاس درس", 25, "کلاس درس", None),
        ("۱۲۰٬۰۰۰ دانش‌آموز", 120_000, "دانش\u200cآموز", None),
        ("۱۲۰٬۰۰۰ دانش آموز", 120_000, "دانش\u200cآموز", None),
        ("۲۵ درصد", 25, "درصد", None),
        ("۴۰٪", 40, "درصد", None),
        ("٣٠٠ هكتار", 300, "هکتار", None),
    ],
)
def test_quantities(text: str, value: float, unit: str, qualifier: str | None) -> None:
    qs = quantities_of([text])
    assert len(qs) == 1, qs
    assert qs[0]["value"] == value and qs[0]["unit"] == unit and qs[0]["qualifier"] == qualifier
    assert qs[0]["text"] in text


@pytest.mark.parametrize(
    "text",
    [
        "در سال ۱۴۰۲ برگزار شد",
        "۱۲ مرداد ماه",
        "با سامانه ۱۱۱ تماس بگیرند",
        "یک مدرسه",
        "۵ طرح و ۳ مدرسه تا ۸ تیر 1402 مرکز",
    ],
)
def test_not_quantities(text: str) -> None:
    assert all(q["unit"] in ("طرح", "مدرسه") for q in quantities_of([text]))


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        (
            "مدیرکل بهزیستی استان کرمان، دکتر علی صادق‌زاده در نشست گفت: کار.",
            "علی صادق‌زاده",
            "مدیرکل بهزیستی استان کرمان",
        ),
        (
            "حجت‌الاسلام والمسلمین سیدعلی موسوی، امام جمعه بم در این مراسم گفت: سلام.",
            "سیدعلی موسوی",
            "امام جمعه بم",
        ),
        ("با حکم مدیرکل، مریم کریمی به عنوان معاون توانبخشی منصوب شد.", "مریم کریمی", "معاون توانبخشی"),
        (
            "نماینده مردم کهنوج در مجلس شورای اسلامی، خلیل پورمحمدی گفت",
            "خلیل پورمحمدی",
            "نماینده مردم کهنوج در مجلس شورای اسلامی",
        ),
        (
            "در ادامه، سرهنگ رضا احمدی، فرمانده انتظامی استان کرمان گفت",
            "رضا احمدی",
            "فرمانده انتظامی استان کرمان",
        ),
        (
            "آقای امیر ولی پور، مدیرکل بهزیستی استان کرمان در نشست",
            "امیر ولی پور",
            "مدیرکل بهزیستی استان کرمان",
        ),
    ],
)
def test_persons_with_roles(text: str, name: str, role: str) -> None:
    ps = extract_persons([text])
    assert [p["name"] for p in ps] == [name]
    assert ps[0]["role"] == role


def test_later_mentions_are_not_new_persons() -> None:
    ps = extract_persons(
        [
            "استاندار کرمان، دکتر علی صادق‌زاده گفت: خوب.",
            "دکتر صادق‌زاده افزود: بد.",
            "صادق‌زاده همچنین گفت",
            "بازدید از بیمارستان شهید بهشتی و امام رضا (ع) در حسین آباد",
        ]
    )
    assert [p["name"] for p in ps] == ["علی صادق‌زاده"]


def test_news_codes_from_labels_fields_and_urls() -> None:
    from khabar.extractors.newscode import code_from_fields, code_from_text, code_from_url
    from selectolax.lexbor import LexborHTMLParser

    assert code_from_text("کد خبر: ۱۲۳۴۵۶") == "123456"
    assert code_from_text("شناسه خبر : ٩٨٧٦٥") == "98765"
    assert code_from_text("کد مطلب 4455 | بازدید 12") == "4455"
    assert code_from_text("تاریخ انتشار ۱۴۰۲/۰۵/۱۲") is None
    tree = LexborHTMLParser('<form><input type="hidden" name="hfNewsID" value="3302"></form>')
    assert code_from_fields(tree.root) == "3302"
    assert code_from_url("http://x.test/Default.aspx?tabid=310&ArticleID=3302") == "3302"
    assert code_from_url("https://x.test/fa/news/156758/%D9%85%D8%AF") == "156758"
    assert code_from_url("https://x.test/about") is None


@pytest.mark.parametrize(
    ("first", "attribution"),
    [
        (
            "به گزارش روابط عمومی بهزیستی استان کرمان دراین جلسه رزم حسینی ضمن تقدیر",
            "روابط عمومی بهزیستی استان کرمان",
        ),
        ("به گزارش خبرگزاری آوای ایران از کرمان، متن", "خبرگزاری آوای ایران"),
        ("به گزارش خبرگزاری آوای ایران به نقل از روابط عمومی بهزیستی، متن", "خبرگزاری آوای ایران"),
        (
            "به گزارش اداره ارتباطات و امور بین‌الملل شهرداری شیراز، صبح",
            "اداره ارتباطات و امور بین‌الملل شهرداری شیراز",
        ),
        (
            "به گزارش روابط عمومی دانشگاه علوم پزشکی مازندران رئیس دانشگاه گفت، x",
            "روابط عمومی دانشگاه علوم پزشکی مازندران",
        ),
        ("به گزارش خبرگزاری فارس تیم ملی قطر در بازی امروز برد", "خبرگزاری فارس"),
        ("به گزارش ايسنا، سلام", "ایسنا"),
    ],
)
def test_attribution(first: str, attribution: str) -> None:
    from khabar.extractors.attribution import attribution_of

    assert attribution_of(first) == attribution
