"""Government-portal family: Jalali numeric byline (the site's digits), breadcrumbs, heavy sidebars, no JSON-LD."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from khabar.simweb import clock
from khabar.simweb.boilerplate import (
    MENU,
    SYSTEMS,
    comments,
    e,
    footer,
    link_list,
    menu_ul,
    padding,
    share_bar,
)
from khabar.simweb.sites import h64
from khabar.simweb.urls import archive_path, feed_path
from khabar.simweb.views import ArticleView, ListingView

if TYPE_CHECKING:
    from khabar.simweb.boilerplate import Link
    from khabar.simweb.sites import SiteProfile


def _head(site: SiteProfile, title: str, extra: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="fa-IR" dir="rtl"><head>'
        f'<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        f"<title>{e(title)}</title>"
        f'<link rel="alternate" type="application/atom+xml" title="اخبار" href="{feed_path(site)}">'
        f'<link rel="stylesheet" href="/themes/portal/style.css">{extra}</head>'
    )


@functools.lru_cache(maxsize=512)
def _top(site: SiteProfile) -> str:
    return (
        f'<body><div id="wrapper"><div id="header"><div class="banner"><img src="/themes/portal/banner.jpg" '
        f'alt="{e(site.spec.name)}"><span class="site-title">{e(site.spec.name)}</span></div>'
        f'<div id="topmenu">{menu_ul(MENU, "topnav")}</div></div>'
    )


@functools.lru_cache(maxsize=512)
def _sidebar_right(site: SiteProfile) -> str:
    systems = "".join(f'<li><a href="/fa/system/{i}">{e(s)}</a></li>' for i, s in enumerate(SYSTEMS))
    return (
        f'<div id="sidebar-right" class="sidebar"><div class="block"><h3>سامانه‌ها</h3><ul>{systems}</ul></div>'
        '<div class="block"><h3>پیوندهای مفید</h3><ul><li><a href="https://www.president.ir">ریاست جمهوری</a></li>'
        '<li><a href="https://www.dolat.ir">پایگاه اطلاع‌رسانی دولت</a></li>'
        '<li><a href="/fa/links">سایر پیوندها</a></li></ul></div>'
        '<div class="block poll"><h3>نظرسنجی</h3><p>کیفیت خدمات الکترونیک را چگونه ارزیابی می‌کنید؟</p>'
        '<label><input type="radio" name="poll">عالی</label><label><input type="radio" name="poll">خوب</label>'
        '<label><input type="radio" name="poll">متوسط</label></div></div>'
    )


def _sidebar_left(site: SiteProfile, popular: list[Link]) -> str:
    return (
        f'<div id="sidebar-left" class="sidebar"><div class="block"><h3>پربازدیدترین اخبار</h3>'
        f'{link_list(popular, "popular")}</div><div class="block"><h3>اوقات شرعی</h3>'
        f"<p>اذان صبح ۰۵:۱۲ — اذان ظهر ۱۲:۱۸ — اذان مغرب ۱۸:۴۶</p></div>"
        f'<div class="block"><h3>آمار بازدید</h3><p>بازدید امروز: {clock.d(h64(site.site_id) % 900 + 100, "persian")}</p>'
        f"</div></div>"
    )


def article(v: ArticleView) -> str:
    site = v.site
    script = site.script
    crumbs = (
        f'<div class="breadcrumb"><a href="/">صفحه اصلی</a> » <a href="{archive_path(site, 1)}">اخبار</a> » '
        f"<span>{e(v.title[:60])}</span></div>"
    )
    info = (
        f'<div class="news-info"><span class="date">تاریخ انتشار: {clock.byline_numeric(v.published_at, script)}'
        f'</span> | <span class="code">شناسه خبر: {clock.d(int(v.code), script)}</span> | '
        f'<span class="views">تعداد بازدید: {clock.d(h64("views", v.code) % 3000 + 20, script)}</span>'
        + (
            f' | <span class="updated">آخرین ویرایش: {clock.byline_numeric(v.modified_at, script)}</span>'
            if v.modified_at
            else ""
        )
        + "</div>"
    )
    meta = f'<meta property="og:title" content="{e(v.title)}"><meta name="keywords" content="{e("، ".join(v.keywords))}">'
    if v.kind == "video":
        body = (
            f'<div class="news-video"><embed src="/media/video/{v.code}.flv" width="480" height="360"></div>'
            f'<p class="caption">فیلم: {e(v.title)}</p>'
        )
    elif v.kind == "app":
        body = (
            '<div class="app-box"><p>نسخه جدید اپلیکیشن همراه سازمان منتشر شد. برای دریافت کلیک کنید.</p>'
            '<a href="/files/app/latest.apk">دریافت مستقیم</a></div>'
        )
    else:
        body = '<div class="news-text">' + "".join(f"<p>{e(p)}</p>" for p in v.paragraphs) + "</div>"
    lead = f'<div class="news-summary">{e(v.lead)}</div>' if v.lead else ""
    tools = (
        f'<div class="news-tools"><a href="/print/{v.code}">چاپ</a> <a href="/fa/sendtofriend/{v.code}">ارسال به '
        f"دوستان</a></div>{share_bar(v.url, v.title)}"
    )
    detail = (
        f'<div class="news-detail">{info}<h1 class="news-title">{e(v.title)}</h1>{lead}'
        f'<div class="news-image"><img src="/images/news/{v.code}.jpg" alt=""></div>{body}{tools}</div>'
    )
    if v.printable:
        return _head(site, v.title, meta) + f'<body onload="window.print()">{detail}</body></html>'
    related = (
        f'<div class="related"><h3>اخبار مرتبط</h3>{link_list(v.related, "related-list")}</div>'
        if v.related
        else ""
    )
    return (
        _head(site, f"{site.spec.name} - {v.title}", meta)
        + _top(site)
        + crumbs
        + f'<div id="main">{_sidebar_right(site)}<div id="content">{detail}{related}'
        f"{comments(site, v.code)}</div>{_sidebar_left(site, v.popular)}</div>"
        + (padding(v.pad_bytes) if v.pad_bytes else "")
        + footer(site)
        + "</div></body></html>"
    )


def listing(v: ListingView) -> str:
    site = v.site
    items = "".join(
        f'<div class="news-row"><a href="{e(link.href)}">{e(link.title)}</a><span class="date">{e(link.date)}</span>'
        + (f'<div class="summary">{e(v.leads[i])}</div>' if i < len(v.leads) and v.leads[i] else "")
        + "</div>"
        for i, link in enumerate(v.items)
    )
    pager = ""
    if not v.is_home:
        parts = []
        if v.page < v.n_pages:
            parts.append(f'<a href="{archive_path(site, v.page + 1)}">صفحه بعد</a>')
        if v.page > 1:
            parts.append(f'<a href="{archive_path(site, v.page - 1)}">صفحه قبل</a>')
        parts.append(f"<span>صفحه {clock.d(v.page, site.script)} از {clock.d(v.n_pages, site.script)}</span>")
        pager = f'<div class="pager">{" ".join(parts)}</div>'
    else:
        pager = f'<a class="archive-link" href="{archive_path(site, 1)}">آرشیو اخبار</a>'
    crumbs = f'<div class="breadcrumb"><a href="/">صفحه اصلی</a> » <span>{e(v.heading)}</span></div>'
    return (
        _head(site, site.spec.name if v.is_home else f"{site.spec.name} - {v.heading}")
        + _top(site)
        + crumbs
        + f'<div id="main">{_sidebar_right(site)}<div id="content"><h2>{e(v.heading)}</h2>'
        f'<div class="news-list">{items}</div>{pager}</div>{_sidebar_left(site, v.popular)}</div>'
        + footer(site)
        + "</div></body></html>"
    )
