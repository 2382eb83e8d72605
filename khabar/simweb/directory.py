"""Who exists in the simulated web: provinces and agency types (shared by the site and content generators).

Kept apart from the extractor's gazetteers in ``config/`` on purpose: the simulated web's truth must not be
derived from the data the extractor uses.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Province:
    slug: str  # Latin, used in host names
    name: str  # canonical Persian name, as in «استان کرمان» → "کرمان"
    capital: str  # provincial capital (Persian)


PROVINCES: tuple[Province, ...] = (
    Province("kerman", "کرمان", "کرمان"),
    Province("esfahan", "اصفهان", "اصفهان"),
    Province("fars", "فارس", "شیراز"),
    Province("khorasan-razavi", "خراسان رضوی", "مشهد"),
    Province("azarbaijan-sharghi", "آذربایجان شرقی", "تبریز"),
    Province("khuzestan", "خوزستان", "اهواز"),
    Province("gilan", "گیلان", "رشت"),
    Province("mazandaran", "مازندران", "ساری"),
    Province("yazd", "یزد", "یزد"),
    Province("hamedan", "همدان", "همدان"),
    Province("kermanshah", "کرمانشاه", "کرمانشاه"),
    Province("sistan-baluchestan", "سیستان و بلوچستان", "زاهدان"),
    Province("tehran", "تهران", "تهران"),
    Province("qom", "قم", "قم"),
    Province("markazi", "مرکزی", "اراک"),
    Province("golestan", "گلستان", "گرگان"),
    Province("lorestan", "لرستان", "خرم‌آباد"),
    Province("ardabil", "اردبیل", "اردبیل"),
    Province("zanjan", "زنجان", "زنجان"),
    Province("semnan", "سمنان", "سمنان"),
    Province("bushehr", "بوشهر", "بوشهر"),
    Province("hormozgan", "هرمزگان", "بندرعباس"),
    Province("kordestan", "کردستان", "سنندج"),
    Province("azarbaijan-gharbi", "آذربایجان غربی", "ارومیه"),
    Province("ilam", "ایلام", "ایلام"),
    Province("qazvin", "قزوین", "قزوین"),
    Province("alborz", "البرز", "کرج"),
    Province("chaharmahal-bakhtiari", "چهارمحال و بختیاری", "شهرکرد"),
    Province("kohgiluyeh-boyerahmad", "کهگیلویه و بویراحمد", "یاسوج"),
    Province("khorasan-shomali", "خراسان شمالی", "بجنورد"),
    Province("khorasan-jonoubi", "خراسان جنوبی", "بیرجند"),
)
PROVINCE_BY_SLUG = {p.slug: p for p in PROVINCES}


@dataclass(frozen=True)
class AgencyType:
    key: str  # Latin key, also the second label of the host: {province}.{host_label}.test
    host_label: str
    agency: str  # canonical national agency name
    unit: str  # provincial unit, "{province}" replaced by the province name
    attribution: str  # as written after «به گزارش», "{province}" replaced
    head_role: str  # the unit head's role, "{province}" replaced
    template: str  # default CMS family: "portal" | "aspnet" | "newsagency"


AGENCY_TYPES: tuple[AgencyType, ...] = (
    AgencyType(
        "welfare",
        "behzisti",
        "سازمان بهزیستی",
        "اداره کل بهزیستی استان {province}",
        "روابط عمومی بهزیستی استان {province}",
        "مدیرکل بهزیستی استان {province}",
        "portal",
    ),
    AgencyType(
        "governorate",
        "ostandari",
        "استانداری",
        "استانداری {province}",
        "پایگاه اطلاع‌رسانی استانداری {province}",
        "استاندار {province}",
        "portal",
    ),
    AgencyType(
        "medical-university",
        "mui",
        "دانشگاه علوم پزشکی",
        "دانشگاه علوم پزشکی {province}",
        "روابط عمومی دانشگاه علوم پزشکی {province}",
        "رئیس دانشگاه علوم پزشکی {province}",
        "aspnet",
    ),
    AgencyType(
        "education",
        "medu",
        "آموزش و پرورش",
        "اداره کل آموزش و پرورش استان {province}",
        "روابط عمومی اداره کل آموزش و پرورش استان {province}",
        "مدیرکل آموزش و پرورش استان {province}",
        "aspnet",
    ),
    AgencyType(
        "agriculture",
        "jahad",
        "جهاد کشاورزی",
        "سازمان جهاد کشاورزی استان {province}",
        "روابط عمومی سازمان جهاد کشاورزی استان {province}",
        "رئیس سازمان جهاد کشاورزی استان {province}",
        "portal",
    ),
    AgencyType(
        "municipality",
        "shahrdari",
        "شهرداری",
        "شهرداری {capital}",
        "اداره ارتباطات و امور بین‌الملل شهرداری {capital}",
        "شهردار {capital}",
        "portal",
    ),
    AgencyType(
        "red-crescent",
        "rcs",
        "جمعیت هلال احمر",
        "جمعیت هلال احمر استان {province}",
        "روابط عمومی جمعیت هلال احمر استان {province}",
        "مدیرعامل جمعیت هلال احمر استان {province}",
        "aspnet",
    ),
    AgencyType(
        "roads",
        "rmto",
        "اداره کل راهداری و حمل و نقل جاده‌ای",
        "اداره کل راهداری و حمل و نقل جاده‌ای استان {province}",
        "روابط عمومی اداره کل راهداری و حمل و نقل جاده‌ای استان {province}",
        "مدیرکل راهداری و حمل و نقل جاده‌ای استان {province}",
        "portal",
    ),
)
AGENCY_TYPE_BY_KEY = {a.key: a for a in AGENCY_TYPES}


@dataclass(frozen=True)
class NewsAgency:
    key: str
    host: str
    name: str  # as in «به گزارش خبرگزاری …»
    template: str = "newsagency"


# Fictional news agencies (no real outlet is impersonated); they republish agency releases.
NEWS_AGENCIES: tuple[NewsAgency, ...] = (
    NewsAgency("avaye-iran", "www.avayeiran.test", "خبرگزاری آوای ایران"),
    NewsAgency("payam-mellat", "payammellat.test", "خبرگزاری پیام ملت"),
    NewsAgency("novin-khabar", "www.novinkhabar.test", "پایگاه خبری نوین خبر"),
    NewsAgency("sedaye-ostan", "sedayeostan.test", "خبرگزاری صدای استان"),
)
