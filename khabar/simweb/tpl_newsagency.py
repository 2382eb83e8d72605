"""News-agency CMS family: ru-titr, lead, «کد خبر», JSON-LD NewsArticle, ``og:`` / ``article:`` meta, «انتهای پیام»."""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING

from khabar.simweb import clock
from khabar.simweb.boilerplate import NEWS_MENU, comments, e, footer, link_list, menu_ul, padding, share_bar
from khabar.simweb.sites import h64
from khabar.simweb.urls import archive_path, feed_path
from khabar.simweb.views import ArticleView, ListingView

if TYPE_CHECKING:
    from khabar.simweb.sites import SiteProfile


def _head(site: SiteProfile, title: str, extra: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title>"
        f'<link rel="alternate" type="application/rss+xml" title="{e(site.spec.name)}" '
        f'href="{feed_path(site)}">'
        f'<link rel="stylesheet" href="/static/css/main.css?v=3.2">{extra}</head>'
    )


@functools.lru_cache(maxsize=512)
def _header(site: SiteProfile) -> str:
    return (
        f'<body class="rtl"><header class="site-header"><a class="logo" href="/">'
        f'<img src="/static/img/logo.png" alt="{e(site.spec.name)}"></a>'
        f'<nav class="main-nav">{menu_ul(NEWS_MENU, "nav")}</nav>'
        f'<div class="header-date">{e(site.spec.name)}</div>'
        f'<form class="search" action="/search"><input name="q" placeholder="جستجو"></form></header>'
        f'<div class="ticker"><span>خبر فوری</span><a href="{archive_path(site, 1)}">آخرین اخبار</a></div>'
    )


def article(v: ArticleView) -> str:
    site = v.site
    pub_iso = clock.iso(v.published_at)
    mod_iso = clock.iso(v.modified_at or v.published_at)
    code_txt = clock.d(int(v.code), "persian")
    desc = v.lead or (v.paragraphs[0][:160] if v.paragraphs else v.title)
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle" if v.kind != "video" else "VideoObject",
        "headline": v.title,
        "description": desc,
        "datePublished": pub_iso,
        "dateModified": mod_iso,
        "mainEntityOfPage": {"@type": "WebPage", "@id": v.url},
        "url": v.url,
        "identifier": v.code,
        "inLanguage": "fa-IR",
        "keywords": "، ".join(v.keywords),
        "publisher": {
            "@type": "Organization",
            "name": site.spec.name,
            "logo": {"@type": "ImageObject", "url": f"{site.origin}/static/img/logo.png"},
        },
        "author": {"@type": "Organization", "name": site.spec.name},
    }
    meta = (
        f'<meta name="description" content="{e(desc)}"><link rel="canonical" href="{e(v.url)}">'
        f'<meta property="og:type" content="{"video.other" if v.kind == "video" else "article"}">'
        f'<meta property="og:title" content="{e(v.title)}"><meta property="og:description" content="{e(desc)}">'
        f'<meta property="og:url" content="{e(v.url)}"><meta property="og:site_name" content="{e(site.spec.name)}">'
        f'<meta property="og:locale" content="fa_IR"><meta property="og:image" content="{site.origin}/files/{v.code}.jpg">'
        f'<meta property="article:published_time" content="{pub_iso}">'
        f'<meta property="article:modified_time" content="{mod_iso}">'
        f'<meta property="article:section" content="استان‌ها">'
        + "".join(f'<meta property="article:tag" content="{e(k)}">' for k in v.keywords[:6])
        + f'<meta name="twitter:card" content="summary_large_image"><meta name="twitter:title" content="{e(v.title)}">'
        + '<script type="application/ld+json">'
        + json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
        + "</script>"
    )
    rutitr = site.spec.province or (v.keywords[-1] if v.keywords else "استان‌ها")
    byline = clock.byline_words(v.published_at, "persian", weekday=h64(v.code) % 2 == 0)
    if v.kind == "video":
        body = (
            f'<div class="video-player"><video controls poster="/files/{v.code}.jpg">'
            f'<source src="/files/video/{v.code}.mp4" type="video/mp4"></video></div>'
            f'<p class="video-caption">{e(v.title)}</p>'
        )
    elif v.kind == "app":
        body = (
            '<div class="app-promo"><p>اپلیکیشن رسمی را از بازار یا مایکت دریافت کنید و از آخرین اخبار باخبر شوید.'
            '</p><a class="bazaar" href="https://cafebazaar.ir/app/ir.simweb.news">دریافت از بازار</a>'
            '<a class="myket" href="https://myket.ir/app/ir.simweb.news">دریافت از مایکت</a></div>'
        )
    else:
        paras = "".join(f"<p>{e(p)}</p>" for p in v.paragraphs)
        body = (
            f'<div class="item-text" itemprop="articleBody">{paras}<p class="news-end">انتهای پیام/</p></div>'
        )
    lead = f'<p class="lead summary" itemprop="description">{e(v.lead)}</p>' if v.lead else ""
    tags = "".join(f'<a rel="tag" href="/fa/tag/{e(k)}">{e(k)}</a>' for k in v.keywords)
    modified = (
        (
            f'<span class="updated">به‌روزرسانی: <time datetime="{mod_iso}">'
            f"{clock.byline_words(v.modified_at, 'persian')}</time></span>"
        )
        if v.modified_at
        else ""
    )
    short = f"{site.origin}/x/{int(v.code):x}"
    art = (
        f'<article class="news-item" itemscope itemtype="https://schema.org/NewsArticle">'
        f'<div class="item-header"><div class="news-meta"><span class="news-code">کد خبر: {code_txt}</span>'
        f'<time datetime="{pub_iso}" itemprop="datePublished">{byline}</time>{modified}</div>'
        f'<div class="rutitr">{e(rutitr)}</div><h1 class="title" itemprop="headline">{e(v.title)}</h1>{lead}</div>'
        f'<figure class="item-img"><img src="/files/{v.code}.jpg" alt="{e(v.title)}"></figure>'
        f"{body}"
        f'<div class="tags"><span>برچسب‌ها:</span>{tags}</div>'
        f'<div class="short-link">لینک کوتاه: <input readonly value="{short}"></div>'
        f'{share_bar(v.url, v.title)}<a class="print" href="/print/{v.code}">نسخه چاپی</a></article>'
    )
    if v.printable:
        return (
            _head(site, v.title, meta) + f'<body class="print">{art}<p>{e(site.spec.name)}</p></body></html>'
        )
    aside = (
        f'<aside class="sidebar"><section class="box most-viewed"><h3>پربازدیدترین‌ها</h3>'
        f"{link_list(v.popular, 'list')}</section>"
        f'<section class="box ads"><a href="/ads/1"><img src="/static/ads/banner1.gif" alt="تبلیغات"></a></section>'
        f"</aside>"
    )
    related = (
        f'<section class="related-news"><h3>اخبار مرتبط</h3>{link_list(v.related, "related")}</section>'
        if v.related
        else ""
    )
    return (
        _head(site, f"{v.title} - {site.spec.name}", meta)
        + _header(site)
        + f'<main class="container"><div class="content">{art}{related}{comments(site, v.code)}</div>{aside}</main>'
        + (padding(v.pad_bytes) if v.pad_bytes else "")
        + footer(site)
        + "</body></html>"
    )


def listing(v: ListingView) -> str:
    site = v.site
    items = "".join(
        f'<li class="news"><a class="title" href="{e(link.href)}">{e(link.title)}</a>'
        f"<time>{e(link.date)}</time>"
        + (f'<p class="lead">{e(v.leads[i])}</p>' if i < len(v.leads) and v.leads[i] else "")
        + "</li>"
        for i, link in enumerate(v.items)
    )
    pager = _pager(site, v.page, v.n_pages)
    title = site.spec.name if v.is_home else f"{v.heading} - {site.spec.name}"
    archive = f'<a class="more" href="{archive_path(site, 1)}">آرشیو اخبار</a>' if v.is_home else pager
    return (
        _head(site, title)
        + _header(site)
        + f'<main class="container"><section class="news-list"><h2>{e(v.heading)}</h2>'
        f'<ul class="archive">{items}</ul>{archive}</section>'
        f'<aside class="sidebar"><section class="box"><h3>پربازدیدترین‌ها</h3>{link_list(v.popular, "list")}'
        f"</section></aside></main>" + footer(site) + "</body></html>"
    )


def _pager(site: SiteProfile, page: int, n_pages: int) -> str:
    parts = []
    if page > 1:
        parts.append(f'<a rel="prev" href="{archive_path(site, page - 1)}">قبلی</a>')
    for p in range(max(1, page - 3), min(n_pages, page + 3) + 1):
        parts.append(
            f'<span class="current">{clock.d(p, "persian")}</span>'
            if p == page
            else f'<a href="{archive_path(site, p)}">{clock.d(p, "persian")}</a>'
        )
    if page < n_pages:
        parts.append(f'<a rel="next" href="{archive_path(site, page + 1)}">بعدی</a>')
    return f'<div class="pagination">{"".join(parts)}</div>'
