"""Sentence templates per event type, in the register of provincial press releases.

Slots (filled by ``content._Ctx``): ``{S}`` the current speaker (full name and title at first mention, then the
surname or the title), ``{O}`` another official who becomes the speaker, ``{R}`` the head's title (no name, for
titles and leads), ``{claim}`` a topical clause, ``{need}`` an object of «ضرورت/تاکید بر», ``{setting}`` the
event-specific setting, ``{partner}`` another provincial body, ``{occasion}`` a commemoration, ``{qre}`` a quantity
already stated in the body (reused in titles and leads), ``{when}``, ``{date}`` and the place/topic slots of
``agencies.py``. Templates that start with «وی» are only used after the speaker has been introduced.
"""

from __future__ import annotations

EVENT_TYPE_LABELS: dict[str, str] = {
    "meeting": "نشست",
    "visit": "بازدید",
    "inauguration": "افتتاح",
    "agreement": "تفاهم‌نامه",
    "programme": "اجرای طرح",
    "announcement": "اطلاعیه",
    "appointment": "انتصاب",
    "ceremony": "مراسم",
}

# Where the event happened, as a complement of «در …» in the opening sentence.
SETTINGS: dict[str, tuple[str, ...]] = {
    "meeting": (
        "نشست شورای هماهنگی {topic} استان", "جلسه کارگروه {topic} {county}", "نشست تخصصی {topic}",
        "جلسه ستاد {topic} استان", "نشست هم‌اندیشی مدیران {short} استان", "جلسه شورای اداری {county}",
        "نشست مشترک با مدیران {partner}", "جلسه بررسی مسائل {topic} در {county}",
        "نشست شورای معاونان {short} استان", "جلسه کمیسیون {topic} شورای برنامه‌ریزی استان",
        "نشست با فعالان حوزه {topic} {county}", "جلسه کمیته {topic} فرمانداری {county}",
    ),
    "visit": (
        "بازدید از {fac} در {county}", "بازدید از روند اجرای {prog} در {county}", "سفر یک‌روزه به {county}",
        "بازدید سرزده از {fac}", "بازدید از طرح‌های {topic} روستای {village}",
        "بازدید از پروژه‌های در دست اجرای {county2}", "سفر به شهرستان {county} و بازدید از {fac}",
        "بازدید میدانی از وضعیت {topic} در {county}", "بازدید از {fac} و گفت‌وگو با کارکنان",
    ),
    "inauguration": (
        "آیین افتتاح {fac} در {county}", "مراسم بهره‌برداری از {fac}", "آیین کلنگ‌زنی {fac} در {county}",
        "آیین افتتاح {q:project} {topic} در {county2}", "مراسم آغاز عملیات اجرایی {fac}",
        "آیین بهره‌برداری از طرح‌های {topic} روستای {village}", "مراسم افتتاح همزمان طرح‌های دهه فجر در {county}",
        "آیین افتتاح فاز نخست {fac}",
    ),
    "agreement": (
        "آیین امضای تفاهم‌نامه همکاری با {partner}", "مراسم انعقاد قرارداد {topic} با {partner}",
        "آیین امضای تفاهم‌نامه سه‌جانبه میان {short}، {partner} و فرمانداری {county}",
        "نشست امضای تفاهم‌نامه اجرای {prog}", "مراسم امضای قرارداد همکاری با خیران {county}",
        "آیین امضای موافقت‌نامه {topic} با {partner}",
    ),
    "programme": (
        "آیین آغاز {prog} در استان", "مراسم آغاز رسمی {prog} در {county}", "حاشیه اجرای {prog}",
        "آیین آغاز پویش {topic} در {county}", "نشست تشریح {prog}", "مراسم اجرای استانی {prog} در {county2}",
        "آیین افتتاحیه اجرای {prog} در روستای {village}",
    ),
    "announcement": (
        "گفت‌وگو با خبرنگاران", "نشست خبری با اصحاب رسانه", "جمع خبرنگاران", "گفت‌وگو با رسانه‌های استان",
        "نشست خبری به مناسبت {occasion}", "ارائه گزارش عملکرد {short} در حوزه {topic}",
        "نشست خبری تشریح عملکرد {short} استان", "برنامه رادیویی گفت‌وگوی ویژه خبری صدا و سیمای مرکز {prov}",
    ),
    "appointment": (
        "آیین تودیع و معارفه {newrole}", "مراسم معارفه {newrole}", "آیین معارفه سرپرست {newrole}",
        "جلسه معارفه {newrole} با حضور مدیران {short}",
    ),
    "ceremony": (
        "مراسم بزرگداشت {occasion}", "آیین گرامیداشت {occasion} در {county}", "مراسم تجلیل از {benef} به مناسبت {occasion}",
        "همایش {occasion} در سالن اجتماعات {short} استان", "آیین تجلیل از خیران {topic} در {county}",
        "مراسم تجلیل از کارکنان نمونه {short} به مناسبت {occasion}", "جشن {occasion} با حضور {benef} {county}",
    ),
}

OCCASIONS: dict[str, tuple[str, ...]] = {
    "welfare": ("هفته بهزیستی", "روز جهانی افراد دارای معلولیت", "روز جهانی سالمند", "روز ملی کودک",
                "هفته ملی سلامت روان"),
    "governorate": ("هفته دولت", "دهه فجر", "روز ملی شوراها", "هفته بسیج", "روز ملی مبارزه با مواد مخدر"),
    "medical-university": ("روز پزشک", "روز پرستار", "هفته سلامت", "روز جهانی دیابت", "هفته ملی سلامت مردان"),
    "education": ("هفته معلم", "آغاز سال تحصیلی", "هفته مشاور", "روز دانش‌آموز", "روز ملی سوادآموزی"),
    "agriculture": ("هفته منابع طبیعی", "روز جهانی غذا", "روز ملی درختکاری", "هفته جهاد کشاورزی", "روز ملی خرما"),
    "municipality": ("روز ملی شوراها", "روز آتش‌نشان", "هفته هوای پاک", "روز جهانی شهرها", "هفته محیط زیست"),
    "red-crescent": ("هفته هلال احمر", "روز جهانی صلیب سرخ و هلال احمر", "روز ملی داوطلب", "روز جهانی اهدای خون",
                     "روز ملی ایمنی در برابر زلزله"),
    "roads": ("روز ملی حمل و نقل", "هفته ایمنی جاده", "روز راهداری", "هفته حمل و نقل", "روز ملی راننده"),
}

TITLES: dict[str, tuple[str, ...]] = {
    "meeting": (
        "نشست شورای هماهنگی {topic} در {county} برگزار شد", "{R}: {claim}", "بررسی مسائل {topic} در {county}",
        "تاکید بر {need} در نشست {topic}", "{R}: {need} ضروری است", "جلسه کارگروه {topic} استان {prov} برگزار شد",
        "راهکارهای {topic} در {county} بررسی شد", "مدیران {short} {prov} بر {need} تاکید کردند",
        "نشست تخصصی {topic} با حضور {R} برگزار شد", "{qre} در حوزه {topic} {county} بررسی شد",
    ),
    "visit": (
        "بازدید {R} از {fac}", "{R} از روند اجرای {prog} در {county} بازدید کرد", "{R} در {county}: {claim}",
        "بازدید سرزده از {fac} {county}", "روند اجرای طرح‌های {topic} در {county2} بررسی شد",
        "{R}: {need} در {county} در دستور کار است", "سفر {R} به {county} و بازدید از طرح‌های {topic}",
        "{R} از طرح‌های {topic} روستای {village} بازدید کرد",
    ),
    "inauguration": (
        "{fac} در {county} افتتاح شد", "بهره‌برداری از {fac} با اعتبار {qre}", "کلنگ {fac} در {county} به زمین زده شد",
        "افتتاح {qre} {topic} در {county2}", "{R}: {claim}", "آغاز عملیات اجرایی {fac} در {county}",
        "{fac} با حضور {R} به بهره‌برداری رسید", "طرح‌های {topic} روستای {village} افتتاح شد",
    ),
    "agreement": (
        "امضای تفاهم‌نامه همکاری {short} و {partner}", "تفاهم‌نامه {topic} در {prov} امضا شد",
        "{R}: {claim}", "قرارداد اجرای {prog} منعقد شد", "همکاری {short} و {partner} برای {topic}",
        "تفاهم‌نامه سه‌جانبه {topic} در {county} به امضا رسید", "{qre} برای {topic} در {county} هزینه می‌شود",
    ),
    "programme": (
        "آغاز {prog} در {prov}", "{prog} در {county} اجرا می‌شود", "{R}: {claim}", "اجرای {prog} در {q:county}",
        "پویش {topic} در {county} آغاز شد", "{prog} در روستای {village} کلید خورد",
        "{qre} زیر پوشش {prog} قرار گرفتند", "اجرای مرحله جدید {prog} در استان {prov}",
    ),
    "announcement": (
        "{R}: {claim}", "{qre} در حوزه {topic} در {prov}", "عملکرد {short} {prov} در حوزه {topic} اعلام شد",
        "آمار {topic} در {prov} اعلام شد", "{R} خبر داد: {qre} در {topic}", "گزارش عملکرد {topic} {county}",
        "افزایش {qre} در {topic} استان {prov}", "{claim}",
    ),
    "appointment": (
        "{newrole} منصوب شد", "معارفه {newrole}", "تودیع و معارفه {newrole}", "سرپرست جدید {newrole2} معرفی شد",
        "{newname} {newrole} شد", "با حکم {R}، {newname} {newrole} شد",
    ),
    "ceremony": (
        "تجلیل از {benef} به مناسبت {occasion}", "مراسم {occasion} در {county} برگزار شد", "{R}: {claim}",
        "گرامیداشت {occasion} در {prov}", "{qre} از {benef} {county} تجلیل شدند", "آیین {occasion} با حضور {R} برگزار شد",
        "تقدیر از خیران {topic} در {county}",
    ),
}

LEADS: tuple[str, ...] = (
    "{R} از {qre} در حوزه {topic} خبر داد.",
    "{R} گفت: {claim}.",
    "{R} با اشاره به {topic} گفت: {claim}.",
    "{R} بر {need} تاکید کرد.",
    "{R} گفت: {claim} و {claim}.",
    "{R} با بیان اینکه {claim}، گفت: {claim}.",
    "{R} از اجرای {prog} در {county} خبر داد و گفت: {claim}.",
)

# First paragraph: «به گزارش {attr}، …» is prepended by the generator.
OPENERS: tuple[str, ...] = (
    "{S} {when} در {setting} با اشاره به {topic} گفت: {claim}.",
    "{S} {when} در {setting} اظهار کرد: {claim}.",
    "{S} در {setting} که {when} برگزار شد، با بیان اینکه {claim}، افزود: {claim}.",
    "{S} {when} در {setting} با تاکید بر {need} عنوان کرد: {claim}.",
    "{S} در {setting} با اشاره به اینکه {claim}، اظهار داشت: {claim}.",
    "{S} {when} در {setting}، {topic} را از اولویت‌های {short} دانست و گفت: {claim}.",
    "{S} در {setting} ضمن تقدیر از تلاش‌های فعالان حوزه {topic}، گفت: {claim}.",
    "{S} {date} در {setting} با بیان اینکه {claim}، تصریح کرد: {claim}.",
)

# A paragraph's first sentence (introduces or re-mentions the speaker {S}).
FOLLOW_FIRST: tuple[str, ...] = (
    "{S} با بیان اینکه {claim}، افزود: {claim}.",
    "{S} در ادامه با اشاره به {topic2} گفت: {claim}.",
    "{S} با تاکید بر {need} خاطرنشان کرد: {claim}.",
    "{S} همچنین گفت: {claim}.",
    "{S} در بخش دیگری از سخنان خود با اشاره به {topic2} اظهار داشت: {claim}.",
    "{S} یادآور شد: {claim}.",
    "{S} با اشاره به اینکه {claim}، تصریح کرد: {claim}.",
    "{S} در ادامه عنوان کرد: {claim}.",
    "{S} ضمن قدردانی از همکاری {partner}، گفت: {claim}.",
    "{S} با بیان اینکه {need} یک ضرورت است، افزود: {claim}.",
    "به گفته {S}، {claim}.",
    "{S} با ارائه گزارشی از وضعیت {topic2} در {county}، گفت: {claim}.",
    "{S} در پایان سخنان خود بر {need} تاکید کرد و گفت: {claim}.",
)

# Further sentences in the same paragraph, same speaker.
FOLLOW_NEXT: tuple[str, ...] = (
    "وی افزود: {claim}.",
    "وی خاطرنشان کرد: {claim}.",
    "وی تصریح کرد: {claim}.",
    "وی با بیان اینکه {claim}، گفت: {claim}.",
    "وی همچنین از {need} خبر داد.",
    "وی ادامه داد: {claim}.",
    "وی گفت: {claim} و {claim}.",
    "وی با اشاره به {topic2} عنوان کرد: {claim}.",
    "به گفته وی، {claim}.",
    "وی بیان کرد: {claim}.",
    "وی اظهار داشت: {claim}.",
    "وی در عین حال بر {need} تاکید کرد.",
)

# A second official speaks; {O} becomes the speaker.
OTHER_SPEAKER: tuple[str, ...] = (
    "در ادامه این نشست، {O} نیز با اشاره به {topic2} گفت: {claim}.",
    "{O} نیز در این {eventnoun} با بیان اینکه {claim}، افزود: {claim}.",
    "در ادامه، {O} با ارائه گزارشی از وضعیت {topic} در {county} گفت: {claim}.",
    "{O} هم در سخنانی با تاکید بر {need} اظهار کرد: {claim}.",
    "{O} نیز در این {eventnoun} گفت: {claim}.",
    "همچنین {O} با قدردانی از تلاش‌های {short} گفت: {claim}.",
)

# Event-specific narrative sentences (no quote).
EVENT_SENTENCES: dict[str, tuple[str, ...]] = {
    "meeting": (
        "در این نشست راهکارهای {need} بررسی و تصمیمات لازم اتخاذ شد.",
        "در پایان این جلسه مقرر شد گزارش پیشرفت {prog} هر ماه به کارگروه ارائه شود.",
        "در این جلسه {q:resolution} در حوزه {topic} به تصویب رسید.",
        "در ادامه این نشست، کارشناسان حاضر به تشریح فعالیت‌های انجام‌شده در حوزه {topic} پرداختند.",
        "این نشست با حضور مدیران {short} و نمایندگان {partner} در {county} برگزار شد.",
        "اعضای کارگروه در این نشست بر {need} تاکید کردند.",
        "مقرر شد {partner} ظرف {q:day} گزارش اقدامات خود را ارائه کند.",
        "در این جلسه مشکلات {benef} {county} در حوزه {topic} بررسی شد.",
    ),
    "visit": (
        "در این بازدید روند اجرای طرح‌های {topic} {county} بررسی شد.",
        "{S} در جریان این بازدید در جمع کارکنان {fac} حضور یافت و از نزدیک در جریان مشکلات قرار گرفت.",
        "این بازدید با حضور {O} و جمعی از مدیران شهرستان انجام شد.",
        "در پایان این بازدید دستورات لازم برای تسریع در اجرای طرح صادر شد.",
        "پیشرفت فیزیکی این طرح هم‌اکنون {q:percent} است.",
        "در این سفر از {q:project} {topic} در {county} و روستای {village} بازدید شد.",
    ),
    "inauguration": (
        "این طرح با اعتبار {q:money} و در زمینی به مساحت {q:sqm} احداث شده است.",
        "با بهره‌برداری از این طرح برای {q:people} به صورت مستقیم اشتغال ایجاد شد.",
        "عملیات اجرایی این طرح از {date} سال گذشته آغاز شده بود.",
        "این طرح در زمینی به مساحت {q:sqm} و با زیربنای {q:sqm} ساخته شده است.",
        "در این آیین همچنین کلنگ ساخت {fac} نیز به زمین زده شد.",
        "از اعتبار این طرح {q:money} از محل اعتبارات ملی و مابقی از محل مشارکت خیران تامین شده است.",
        "این طرح به {q:people} از {benef} {county} خدمات ارائه می‌دهد.",
    ),
    "agreement": (
        "بر اساس این تفاهم‌نامه، {partner} متعهد شد {need} را در دستور کار قرار دهد.",
        "این تفاهم‌نامه به مدت {q:year} اعتبار دارد.",
        "بر پایه این قرارداد {q:money} برای {topic} در {county} هزینه می‌شود.",
        "در قالب این تفاهم‌نامه {q:people} از {benef} زیر پوشش خدمات مشترک قرار می‌گیرند.",
        "این تفاهم‌نامه به امضای {S} و {O} رسید.",
        "نظارت بر اجرای مفاد این تفاهم‌نامه بر عهده کمیته‌ای مشترک خواهد بود.",
    ),
    "programme": (
        "این طرح تا {date} در همه شهرستان‌های استان اجرا می‌شود.",
        "در مرحله نخست این طرح {q:people} از {benef} زیر پوشش قرار می‌گیرند.",
        "اجرای این طرح در {q:village} استان نیز پیش‌بینی شده است.",
        "{q:volunteer} در اجرای این طرح مشارکت دارند.",
        "هزینه اجرای این طرح {q:money} برآورد شده است.",
        "علاقه‌مندان می‌توانند برای اطلاع بیشتر به ادارات {short} شهرستان‌ها مراجعه کنند.",
    ),
    "announcement": (
        "بر اساس این گزارش، شاخص‌های {topic} در {county} نسبت به سال گذشته بهبود یافته است.",
        "این آمار مربوط به {q:month} نخست سال جاری است.",
        "بیشترین آمار مربوط به {county} و کمترین آن مربوط به {county2} بوده است.",
        "بر پایه این گزارش، {q:percent} از تعهدات {short} در حوزه {topic} محقق شده است.",
        "شهروندان می‌توانند پیشنهادها و شکایات خود را از طریق سامانه ۱۱۱ با {short} در میان بگذارند.",
    ),
    "appointment": (
        "در این مراسم از خدمات {oldname} در دوران مسئولیت تقدیر شد.",
        "{newname} پیش از این {prevrole} بود.",
        "در حکم {newname} بر {need} تاکید شده است.",
        "{oldname} به مدت {q:year} {newrole} بود.",
    ),
    "ceremony": (
        "در پایان این مراسم از {q:people} از {benef} با اهدای لوح تقدیر تجلیل شد.",
        "این مراسم با حضور {O} و جمعی از مسئولان استانی برگزار شد.",
        "در این مراسم همچنین از کارکنان نمونه {short} تقدیر شد.",
        "اجرای برنامه‌های فرهنگی و هنری از دیگر بخش‌های این مراسم بود.",
        "به مناسبت {occasion} برنامه‌های متنوعی در {q:county} استان تدارک دیده شده است.",
    ),
}

EVENT_NOUNS: dict[str, tuple[str, ...]] = {
    "meeting": ("نشست", "جلسه"),
    "visit": ("بازدید", "سفر"),
    "inauguration": ("آیین", "مراسم"),
    "agreement": ("آیین", "نشست"),
    "programme": ("مراسم", "آیین"),
    "announcement": ("نشست", "گفت‌وگو"),
    "appointment": ("مراسم", "آیین"),
    "ceremony": ("مراسم", "آیین"),
}

NEEDS: tuple[str, ...] = (
    "همکاری بین‌بخشی", "استفاده از ظرفیت خیران", "تسریع در اجرای طرح‌های نیمه‌تمام", "شفافیت در ارائه خدمات",
    "هوشمندسازی فرآیندها", "توجه به مناطق کم‌برخوردار", "جلب مشارکت‌های مردمی", "تکمیل طرح‌های در دست اجرا",
    "رفع موانع اجرایی", "ارتقای کیفیت خدمات", "جذب اعتبارات ملی", "استفاده از ظرفیت رسانه‌ها",
    "آموزش نیروی انسانی", "پیگیری مطالبات مردم", "توسعه عدالت اجتماعی", "صرفه‌جویی در هزینه‌ها",
    "تقویت نظارت میدانی", "ساماندهی امور", "حمایت از تولید داخلی", "پاسخگویی به مردم",
    "انسجام میان دستگاه‌های اجرایی", "برنامه‌ریزی دقیق", "به‌کارگیری نیروهای متخصص", "کاهش بروکراسی اداری",
)

WHEN: tuple[str, ...] = (
    "صبح امروز", "عصر امروز", "امروز", "عصر دیروز", "روز گذشته", "ظهر امروز", "صبح دیروز", "شامگاه دیروز",
)

# Short text edits for a revised release (same URL, later version).
EDIT_SENTENCES: tuple[str, ...] = (
    "گفتنی است، {claim}.",
    "یادآور می‌شود {claim}.",
    "بر اساس اعلام {short}، {claim}.",
    "همچنین {claim}.",
)
