"""Nastooh-like news-agency family (the CMS of IRNA, ISNA, Mehr, Khabaronline, Hamshahri Online).

Imitates a saved Mehr News article page found in the public code corpus (``find_string`` «summary introtext»;
news code 6017630): ``<article id="item" class="box item full-img">`` five ``div`` levels deep in a Bootstrap
grid (``container > row > col-12 col-lg-9 main-content > row > col-12 col-sm-8``), a hidden ``print-header``
repeating date and «کد خبر», ``item-header > item-nav row`` with breadcrumb, ``item-date`` and a share list,
``item-title`` with ``h4.subtitle.kicker`` (ru-titr) and ``h1.title``, ``item-summary`` holding the figure and
``p.summary.introtext[itemprop=description]`` (the lead), ``item-body > div[itemprop=articleBody].item-text``
then ``div.item-code`` right after it. Scrapers of IRNA in the same corpus read the same classes and fall back
to ``div.item-text.old`` for old pages, whose text has no ``<p>`` (``<br>``-separated here). The code is in the
URL (``/fa/news/{code}/{slug}``) and in a «کد خبر» box; related and most-visited blocks are long lists of other
headlines with their leads. ISNA-style pages end the body with «انتهای پیام».
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from khabar.simweb import clock, quirks
from khabar.simweb.boilerplate import NEWS_MENU, comments, e, footer, menu_ul, padding
from khabar.simweb.sites import h64
from khabar.simweb.urls import archive_path, feed_path
from khabar.simweb.views import ArticleView, ListingView

if TYPE_CHECKING:
    from khabar.simweb.boilerplate import Link
    from khabar.simweb.sites import SiteProfile


def _grid_open() -> str:
    return (
        '<main class="mainbody"><div class="container"><div class="row"><div class="col-12 col-lg-9 main-content">'
        '<div class="row"><div class="col-12 col-sm-8">'
    )


def _head(site: SiteProfile, title: str, extra: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8">'
        f'<meta http-equiv="X-UA-Compatible" content="IE=edge">'
        f"<title>{e(title)}</title>"
        f'<link rel="alternate" type="application/rss+xml" title="{e(site.spec.name)}" href="{feed_path(site)}">'
        f'<link rel="stylesheet" href="/resources/theme/default/css/main.css?v=1.24">{extra}</head>'
    )


def _header(site: SiteProfile) -> str:
    return (
        f'<body class="rtl {"full" if h64("wide", site.site_id) % 2 else "box"}"><header class="header">'
        f'<div class="container"><a class="logo" href="/"><img src="/resources/theme/default/img/logo.png" '
        f'alt="{e(site.spec.name)}"></a><nav class="menu">{menu_ul(NEWS_MENU, "nav navbar-nav")}</nav>'
        f'<form class="search-form" action="/page/search.xhtml"><input name="q" placeholder="جستجو"></form>'
        f"</div></header>"
    )


def _list_items(links: list[Link], cls: str, with_img: bool) -> str:
    out = []
    for i, link in enumerate(links):
        img = (
            f'<figure><a href="{e(link.href)}"><img src="/d/2023/{i + 1}.jpg" alt="{e(link.title)}"></a></figure>'
            if with_img
            else ""
        )
        date = f"<time>{e(link.date)}</time>" if link.date else ""
        out.append(
            f'<li class="{cls}">{img}<div class="desc"><h3><a href="{e(link.href)}">{e(link.title)}</a></h3>'
            f"{date}</div></li>"
        )
    return "".join(out)


def article(v: ArticleView) -> str:
    site = v.site
    pub_iso = clock.iso(v.published_at)
    upd = quirks.updated_at(site.site_id, v.code, v.published_at, v.modified_at)
    mod_iso = clock.iso(upd or v.published_at)
    code_txt = clock.d(int(v.code), "persian")
    desc = v.lead or (v.paragraphs[0][:160] if v.paragraphs else v.title)
    is_video = v.kind == "video"
    short = f"{site.origin}/x{int(v.code) % 999983:x}"
    ld = {
        "@context": "https://schema.org",
        "@type": "VideoObject" if is_video else "NewsArticle",
        "mainEntityOfPage": short,
        "headline": v.title,
        "description": desc,
        "datePublished": pub_iso,
        "dateModified": mod_iso,
        "inLanguage": "fa",
        "publisher": {"@type": "Organization", "name": site.spec.name, "url": site.origin},
    }
    meta = (
        f'<meta name="description" content="{e(desc)}"><meta name="keywords" content="{e(", ".join(v.keywords))}">'
        f'<meta property="og:type" content="{"video.other" if is_video else "article"}">'
        f'<meta property="og:title" content="{e(v.title)}"><meta property="og:description" content="{e(desc)}">'
        f'<meta property="og:url" content="{e(short)}"><meta property="og:site_name" content="{e(site.spec.name)}">'
        f'<meta name="twitter:card" content="summary_large_image"><link rel="canonical" href="{e(v.url)}">'
        f'<link rel="shortlink" href="{short}">'
        '<script type="application/ld+json">'
        + json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
        + "</script>"
    )
    byline = clock.byline_words(v.published_at, "persian").replace(" - ", "، ")
    crumbs = (
        f'<ol class="breadcrumb"><li><a rel="index" href="/service/provinces">استان‌ها</a></li>'
        f'<li><a rel="index" href="/service/provinces/{h64(site.site_id) % 40}">'
        f"{e(site.spec.province or 'ایران')}</a></li></ol>"
    )
    upd_html = (
        f'<span class="item-update">بروزرسانی: {clock.byline_words(upd, "persian").replace(" - ", "، ")}</span>'
        if upd
        else ""
    )
    share = (
        '<ul class="header-sharing">'
        + "".join(
            f'<li><a href="https://{s}/share?url={e(short)}"><i class="icon-{s.split(".")[0]}"></i></a></li>'
            for s in ("telegram.me", "twitter.com", "eitaa.com", "rubika.ir")
        )
        + "</ul>"
    )
    kicker = site.spec.province or (v.keywords[-1] if v.keywords else "")
    old = v.published_at.year < 2020 and h64("old", site.site_id) % 2 == 0
    end = h64("end", site.site_id) % 2 == 0
    if is_video:
        body = (
            f'<div class="item-body"><div class="item-text"><div class="video-container"><video controls '
            f'poster="/d/video/{v.code}.jpg"><source src="/d/video/{v.code}.mp4" type="video/mp4"></video></div>'
            f"</div></div>"
        )
    elif v.kind == "app":
        body = (
            '<div class="item-body"><div class="item-text app-download"><a href="https://cafebazaar.ir/app/x">'
            '<img src="/resources/theme/default/img/bazaar.png" alt="دریافت از بازار"></a>'
            '<a href="https://myket.ir/app/x"><img src="/resources/theme/default/img/myket.png" alt="مایکت"></a>'
            "</div></div>"
        )
    else:
        if old:
            text = "<br><br>".join(e(p) for p in v.paragraphs) + ("<br><br>انتهای پیام" if end else "")
            inner = f'<div itemprop="articleBody" class="item-text old">{text}</div>'
        else:
            paras = "".join(f"<p>{e(p)}</p>" for p in v.paragraphs) + ("<p>انتهای پیام</p>" if end else "")
            inner = f'<div itemprop="articleBody" class="item-text">{paras}</div>'
        tags = "".join(f'<li><a rel="tag" href="/tag/{e(k)}">{e(k)}</a></li>' for k in v.keywords)
        body = (
            f'<div class="item-body">{inner}<div class="item-code"><span>کد خبر</span> <span>{code_txt}</span>'
            f'</div><div class="item-footer"><div class="tags"><i class="icon-tag"></i><ul>{tags}</ul></div>'
            f'<div class="short-link"><input readonly value="{short}"></div></div></div>'
        )
    lead = f'<p class="summary introtext" itemprop="description">{e(v.lead)}</p>' if v.lead else ""
    art = (
        f'<article id="item" class="box item full-img" itemscope itemtype="http://schema.org/NewsArticle">'
        f'<div class="print-header" style="display: none;"><div class="meta"><ul><li class="url">{short}</li>'
        f'<li class="date">{byline}</li><li class="id">کد خبر <span>{v.code}</span></li></ul></div></div>'
        f'<div class="item-header"><div class="item-nav row"><div class="col-6 col-sm-4">{crumbs}</div>'
        f'<div class="col-6 col-sm-4 item-date"><span>{byline}</span>{upd_html}</div>'
        f'<div class="d-none d-sm-block col-4">{share}</div></div>'
        f'<div class="item-title"><h4 class="subtitle kicker">{e(kicker)}</h4>'
        f'<h1 class="title" itemprop="headline"><a href="{e(v.url)}">{e(v.title)}</a></h1></div></div>'
        f'<div class="item-summary"><figure class="item-img"><img src="/d/{v.code}.jpg" alt="{e(v.title)}" '
        f'itemprop="image"></figure>{lead}</div>{body}</article>'
    )
    if v.printable:
        return _head(site, v.title, meta) + f'<body class="print">{art}</body></html>'
    related = (
        f'<section class="box related"><header><h2>اخبار مرتبط</h2></header><div><ul>'
        f"{_list_items(v.related + v.popular, 'news', True)}</ul></div></section>"
    )
    most = (
        f'<section class="box most-visited"><header><h2>پربازدیدترین</h2></header><ul>'
        f"{_list_items(v.popular, 'news', False)}</ul></section>"
    )
    return (
        _head(site, f"{site.spec.name} | {v.title}", meta)
        + _header(site)
        + _grid_open()
        + art
        + related
        + comments(site, v.code)
        + '</div><div class="col-12 col-sm-4">'
        + most
        + "</div></div></div>"
        + f'<aside class="col-12 col-lg-3 sidebar">{most}</aside></div></div></main>'
        + (padding(v.pad_bytes) if v.pad_bytes else "")
        + footer(site)
        + "</body></html>"
    )


def listing(v: ListingView) -> str:
    site = v.site
    items = "".join(
        f'<li class="news"><figure><a href="{e(link.href)}"><img src="/d/{i}.jpg" alt=""></a></figure>'
        f'<div class="desc"><h3><a href="{e(link.href)}">{e(link.title)}</a></h3>'
        + (f"<p>{e(v.leads[i])}</p>" if i < len(v.leads) and v.leads[i] else "")
        + f"<time>{e(link.date)}</time></div></li>"
        for i, link in enumerate(v.items)
    )
    if v.is_home:
        more = f'<a class="more" href="{archive_path(site, 1)}">آرشیو اخبار</a>'
    else:
        parts = [
            f'<li class="page-item{" active" if p == v.page else ""}"><a class="page-link" '
            f'href="{archive_path(site, p)}">{clock.d(p, "persian")}</a></li>'
            for p in range(max(1, v.page - 4), min(v.n_pages, v.page + 4) + 1)
        ]
        if v.page < v.n_pages:
            parts.append(
                f'<li class="page-item"><a class="page-link" rel="next" href="{archive_path(site, v.page + 1)}">'
                "بعدی</a></li>"
            )
        more = f'<ul class="pagination">{"".join(parts)}</ul>'
    title = site.spec.name if v.is_home else f"{site.spec.name} | {v.heading}"
    return (
        _head(site, title)
        + _header(site)
        + _grid_open()
        + f'<section class="box list"><header><h2>{e(v.heading)}</h2></header><ul>{items}</ul>{more}</section>'
        + "</div></div></div></div></div></main>"
        + footer(site)
        + "</body></html>"
    )
