"""Page furniture shared by the three CMS templates: menus, sidebars, share bars, related boxes, comments.

It is the noise an extractor must learn to ignore, so it is deliberately real-looking Persian text; it never
contains release text except the titles of *other* items in related / most-read boxes (as real sites do).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from html import escape

from khabar.simweb.sites import SiteProfile, h64

MENU = (
    "صفحه اصلی",
    "درباره ما",
    "اخبار",
    "اطلاعیه‌ها",
    "مناقصات و مزایدات",
    "خدمات الکترونیک",
    "گالری تصاویر",
    "ارتباط با ما",
    "نقشه سایت",
    "سامانه پیام‌رسان",
)
NEWS_MENU = (
    "صفحه نخست",
    "سیاسی",
    "اقتصادی",
    "اجتماعی",
    "فرهنگی",
    "ورزشی",
    "استان‌ها",
    "بین‌الملل",
    "عکس",
    "فیلم",
    "چندرسانه‌ای",
    "آرشیو",
)
SYSTEMS = (
    "سامانه جامع خدمات الکترونیک",
    "سامانه ثبت شکایات",
    "سامانه سامد",
    "میز خدمت الکترونیک",
    "سامانه استعلام",
    "پرتال ملی خدمات دولت هوشمند",
    "سامانه ارتباط مردم و دولت (سامد)",
)
COMMENTS = (
    ("مهدی", "دست مریزاد، امیدواریم این طرح‌ها ادامه داشته باشد."),
    ("زهرا", "لطفا به وضعیت روستاهای دورافتاده هم رسیدگی کنید."),
    ("ناشناس", "خبرهای خوب کم شنیده می‌شود، ممنون از اطلاع‌رسانی."),
    ("علیرضا", "چرا در شهرستان ما هنوز اجرا نشده است؟"),
    ("شهروند", "سلام، شماره تماس برای پیگیری را هم اعلام کنید."),
    ("فاطمه", "خدا قوت به همه همکاران زحمتکش."),
)
TAGS_EXTRA = ("استانی", "خبر ویژه", "اخبار ادارات", "گزارش")


@dataclass(frozen=True)
class Link:
    title: str
    href: str
    date: str = ""


def e(text: str | None) -> str:
    return escape(text or "", quote=True)


def menu_ul(items: tuple[str, ...], cls: str = "menu") -> str:
    lis = "".join(f'<li><a href="/fa/page/{i + 1}">{e(t)}</a></li>' for i, t in enumerate(items))
    return f'<ul class="{cls}">{lis}</ul>'


def link_list(links: list[Link], cls: str) -> str:
    lis = "".join(
        f'<li><a href="{e(link.href)}" title="{e(link.title)}">{e(link.title)}</a>'
        + (f' <span class="date">{e(link.date)}</span>' if link.date else "")
        + "</li>"
        for link in links
    )
    return f'<ul class="{cls}">{lis}</ul>'


def share_bar(url: str, title: str) -> str:
    u = e(url)
    return (
        f'<div class="share-bar"><span>اشتراک گذاری:</span>'
        f'<a class="telegram" href="https://t.me/share/url?url={u}">تلگرام</a>'
        f'<a class="whatsapp" href="https://wa.me/?text={u}">واتس‌اپ</a>'
        f'<a class="eitaa" href="https://eitaa.com/share/url?url={u}">ایتا</a>'
        f'<a class="twitter" href="https://twitter.com/intent/tweet?url={u}&amp;text={e(title)}">توییتر</a>'
        f'<a class="copy" data-url="{u}">کپی لینک</a></div>'
    )


def comments(site: SiteProfile, key: object) -> str:
    n = h64("comments", site.site_id, key) % 4
    items = "".join(
        f'<div class="comment"><span class="author">{e(COMMENTS[(h64(key, i) % len(COMMENTS))][0])}</span>'
        f"<p>{e(COMMENTS[(h64(key, i) % len(COMMENTS))][1])}</p></div>"
        for i in range(n)
    )
    return (
        f'<section class="comments"><h3>نظرات</h3>{items or "<p>نظری ثبت نشده است.</p>"}'
        '<form class="comment-form" method="post" action="/comment"><input name="name" placeholder="نام">'
        '<textarea name="body" placeholder="نظر شما"></textarea>'
        '<p class="note">نظرات حاوی توهین و افترا منتشر نمی‌شود.</p><button>ارسال نظر</button></form></section>'
    )


@functools.lru_cache(maxsize=512)
def footer(site: SiteProfile) -> str:
    addr = f"نشانی: {site.spec.province or 'تهران'}، بلوار اصلی، ساختمان شماره {h64(site.site_id) % 40 + 1}"
    return (
        f'<footer class="footer"><p>{e(addr)}</p><p>تلفن: ۰۳۴-۳۲۱{h64(site.site_id, "tel") % 90000 + 10000}</p>'
        f"<p>کلیه حقوق این سایت متعلق به {e(site.spec.name)} است.</p>"
        f"<p>استفاده از مطالب با ذکر منبع بلامانع است.</p>{menu_ul(MENU, 'footer-menu')}</footer>"
    )


def padding(n_bytes: int) -> str:
    """Filler for the oversized-page fault: an enormous comments archive (boilerplate, not article text)."""
    block = (
        '<div class="comment old"><span class="author">کاربر</span><p>'
        + "نظر بایگانی شده " * 20
        + "</p></div>"
    )
    return '<section class="comments-archive">' + block * (n_bytes // len(block.encode()) + 1) + "</section>"
