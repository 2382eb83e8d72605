"""People, roles, organisations and places on the patterns of real releases (issue 15's cases)."""

from __future__ import annotations

import pytest
from khabar.extractors.attribution import province_of
from khabar.extractors.persons import extract_persons


def _one(parts: list[str], name: str) -> dict:
    got = {p["name"]: p for p in extract_persons(parts)}
    assert name in got, list(got)
    return got[name]


def test_honorific_name_title_and_county_province() -> None:
    text = "به گزارش فارس، سرهنگ حسین منصوری فرمانده انتظامی شهرستان مهریز گفت: محموله کشف شد."
    p = _one([text], "حسین منصوری")
    assert (p["honorific"], p["role_head"], p["organisation"]) == (
        "سرهنگ",
        "فرمانده",
        "انتظامی شهرستان مهریز",
    )
    assert province_of("فارس", None, "", [text]) == "یزد"


@pytest.mark.parametrize(
    ("text", "name", "head", "org"),
    [
        (
            "اصغر هدایت؛ فرماندار فلاورجان در این مراسم گفت: کار آغاز شد.",
            "اصغر هدایت",
            "فرماندار",
            "فرمانداری فلاورجان",
        ),
        (
            "سرهنگ علی کریمی رییس پلیس راه استان ایلام گفت: جاده باز است.",
            "علی کریمی",
            "رئیس",
            "پلیس راه استان ایلام",
        ),
        (
            "حجت‌الاسلام علی محمدی امام جمعه گالیکش دیدار با خانواده شهدا را ارزشمند دانست.",
            "علی محمدی",
            "امام جمعه",
            None,
        ),
    ],
)
def test_apposition_titles(text: str, name: str, head: str, org: str | None) -> None:
    p = _one([text], name)
    assert p["role_head"] == head and p["organisation"] == org, p
    assert "دیدار" not in (p["role"] or "")


def test_role_phrase_keeps_mobareze_ba() -> None:
    p = _one(["سرهنگ علی کریمی معاون مبارزه با مواد مخدر پلیس استان گفت: کشف شد."], "علی کریمی")
    assert p["role"].startswith("معاون مبارزه با مواد مخدر")


def test_title_in_a_later_sentence_goes_to_the_speaker() -> None:
    parts = [
        "بهمن لازمی امروز در گفتگو با خبرنگار فارس در زنجان اظهار داشت: طرح آغاز شد. وی افزود: کار ادامه دارد. "
        "مدیرکل بیمه خدمات درمانی استان زنجان با اشاره به اینکه کارت صادر شده است، اظهار داشت: پایان."
    ]
    p = _one(parts, "بهمن لازمی")
    assert p["role_head"] == "مدیرکل" and "بیمه خدمات درمانی استان زنجان" in p["organisation"]


def test_title_in_the_lead_name_in_the_body() -> None:
    parts = [
        "خبرگزاری فارس: استاندار مازندران از افتتاح ۱۰ طرح خبر داد.",
        "محمد اسلامی افزود: این طرح‌ها در ساری اجرا می‌شود.",
    ]
    assert _one(parts, "محمد اسلامی")["role_head"] == "استاندار"


def test_in_lists_a_title_stays_with_its_own_name() -> None:
    text = "در این مراسم علی احمدی، مدیرکل بهزیستی استان، حسن رضایی و مهدی کریمی، فرماندار ساری حضور داشتند."
    got = {p["name"]: p["role_head"] for p in extract_persons([text])}
    assert got == {"علی احمدی": "مدیرکل", "حسن رضایی": None, "مهدی کریمی": "فرماندار"}


def test_two_word_surname_kept() -> None:
    _one(["احمد مسجد جامعی در این نشست گفت: کار آغاز شد."], "احمد مسجد جامعی")


def test_foreign_and_context_names() -> None:
    names = {p["name"] for p in extract_persons(["ولادیمیر پوتین رئیس‌جمهور روسیه گفت: مذاکره ادامه دارد."])}
    assert "ولادیمیر پوتین" in names


@pytest.mark.parametrize(
    "text",
    [
        "به گزارش خبرگزاری فارس، رئیس اداره گفت: کار آغاز شد.",
        "خبرگزاری فارس: مدیرکل گفت: طرح اجرا شد.",
        "به گزارش فارس به نقل از روابط عمومی، طرح اجرا شد.",
    ],
)
def test_the_agency_fars_is_no_province(text: str) -> None:
    assert province_of("خبرگزاری فارس", None, "", [text]) is None


def test_province_from_attribution_before_text() -> None:
    text = "رئیس اداره گفت: مسافران تهران و اصفهان و مشهد و شیراز و مشهد استقبال کردند."
    assert province_of("روابط عمومی فرمانداری مهریز", None, "", [text]) == "یزد"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # reverent title before a famous surname or a name; a fixed epithet
        ("مراسم سالگرد امام خمینی در تهران برگزار شد.", {"امام خمینی"}),
        ("همزمان با سالروز ولادت حضرت فاطمه زهرا (س) برگزار می‌شود.", {"فاطمه زهرا"}),
        ("او به روایتی از رسول خدا اشاره کرد.", {"رسول خدا"}),
        # a famous first name alone before a speech verb
        ("به گزارش ایرنا، باراک گفت: این قطعنامه پذیرفتنی نیست.", {"باراک"}),
        # the surname that opens a speech verb's clause
        ("به گزارش ایرنا، کرباسچی در جمع خبرنگاران گفت: کار ادامه دارد.", {"کرباسچی"}),
        ("ربیعی در این دیدار گفت: همکاری ادامه دارد.", {"ربیعی"}),
        # a ZWNJ-compound title ends the name; an ordinary word before a famous surname is no first name
        ("سید محمد خاتمی رئیس‌جمهوری در این دیدار گفت: خوب است.", {"سید محمد خاتمی"}),
        ("کارنامه دولت خاتمی در ارزیابی صاحبنظران بررسی شد.", {"خاتمی"}),
        # a foreign first name after a number; coordination; a surname before a comma and an apposition
        ("در دقیقه ۲۰ امانوئل پتی گل تیم فرانسه را زد.", {"امانوئل پتی"}),
        ("فاصله دیدگاه‌های بوش و ال‌گور در امور داخلی زیاد است.", {"بوش", "ال‌گور"}),
        ("طباطبائی، عضو دیگر شورای مرکزی گفت: موافقیم.", {"طباطبائی"}),
    ],
)
def test_names_from_titles_context_and_lists(text: str, names: set[str]) -> None:
    assert {p["name"] for p in extract_persons([text])} == names


@pytest.mark.parametrize(
    "text",
    [
        "پرواز از فرودگاه امام خمینی انجام شد.",
        "در میدان‌های امام خمینی، امام حسین و انقلاب جشن برپا شد.",
        "ساخت ایستگاه آتش‌نشانی شهید مطهری تکمیل می‌شود.",
        "دولت در این زمینه گفت: برنامه آماده است.",
    ],
)
def test_places_named_after_people_and_nouns_are_no_persons(text: str) -> None:
    assert extract_persons([text]) == []
