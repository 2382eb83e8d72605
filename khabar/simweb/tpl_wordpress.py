"""WordPress family (Persian WordPress with a Jalali-date plugin, Yoast SEO, and either Elementor or a classic
theme), drawn on the portal platform's URLs (``/fa/news/{post id}/{slug}``: a ``/%post_id%/%postname%/``
permalink).

Imitates what the public code corpus shows of such pages (``find_string`` «elementor-widget-container»,
«l-sidebar-fixed», «itemprop="articleBody"»): Elementor's nesting ``elementor-section > elementor-container >
elementor-column > elementor-widget-wrap > elementor-element elementor-widget-… > elementor-widget-container``
with the post text directly in the ``theme-post-content`` widget's container; a classic theme's
``article.post > header.entry-header > h1.entry-title`` + ``div.entry-content`` (``itemprop="articleBody"`` in
some themes); a layout row ``l-segment l-sidebar-fixed > l-col__main`` that *contains* the article (a saved
Verge page), and wrapper classes such as ``PageBuilder-pageRow`` and ``has-section-nav`` — names that contain
"pager", "widget", "sidebar", "nav" as substrings, so a boilerplate-word test on ancestors throws the body away.
Quirks: ``dir="ltr"`` on a Persian page (a theme that is not RTL-ready), the Jalali plugin's Persian-digit
Jalali date inside ``article:published_time`` / JSON-LD ``datePublished`` on some sites, AddToAny share buttons
and Jetpack related posts inside the content container, no «کد خبر» (the id is in the URL, ``?p=`` shortlink and
``postid-`` body class).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from khabar.simweb import clock, quirks
from khabar.simweb.boilerplate import MENU, e, footer, link_list, menu_ul, padding
from khabar.simweb.sites import h64
from khabar.simweb.urls import archive_path, feed_path
from khabar.simweb.views import ArticleView, ListingView

if TYPE_CHECKING:
    from khabar.simweb.boilerplate import Link
    from khabar.simweb.sites import SiteProfile


def _elementor(site: SiteProfile) -> bool:
    """Elementor on every other site in site order, a classic theme on the rest (both in any world)."""
    return site.index % 2 == 1


def _jalali_meta(site: SiteProfile) -> bool:
    return h64("wp-jalali-meta", site.site_id) % 3 != 2


def _head(site: SiteProfile, title: str, extra: str = "") -> str:
    return (
        f'<!DOCTYPE html><html dir="ltr" lang="fa-IR"><head><meta charset="UTF-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(title)}</title>'
        f'<link rel="alternate" type="application/rss+xml" title="{e(site.spec.name)} &raquo; خوراک" '
        f'href="{feed_path(site)}">'
        f"<link rel='stylesheet' id='hello-elementor-css' href='/wp-content/themes/hello-elementor/style.min.css?ver=2.6.1' media='all' />"
        f"<link rel='stylesheet' id='elementor-frontend-css' href='/wp-content/plugins/elementor/assets/css/frontend.min.css?ver=3.14.1' media='all' />"
        f'<meta name="generator" content="WordPress 6.2.2" />{extra}</head>'
    )


def _masthead(site: SiteProfile) -> str:
    return (
        f'<div id="page" class="site"><a class="skip-link screen-reader-text" href="#content">پرش به محتوا</a>'
        f'<header id="masthead" class="site-header"><div class="site-branding"><p class="site-title">'
        f'<a href="/" rel="home">{e(site.spec.name)}</a></p><p class="site-description">پایگاه خبری</p></div>'
        f'<nav id="site-navigation" class="main-navigation">{menu_ul(MENU, "menu nav-menu")}</nav></header>'
    )


def _widgets(site: SiteProfile, popular: list[Link]) -> str:
    return (
        f'<aside id="secondary" class="widget-area"><section id="search-2" class="widget widget_search">'
        f'<form role="search" method="get" class="search-form" action="/"><input type="search" name="s" '
        f'placeholder="جستجو &hellip;"></form></section><section id="recent-posts-2" class="widget '
        f'widget_recent_entries"><h2 class="widget-title">نوشته‌های تازه</h2>{link_list(popular, "")}</section>'
        f'<section id="categories-2" class="widget widget_categories"><h2 class="widget-title">دسته‌ها</h2>'
        f'<ul><li class="cat-item"><a href="/category/news/">اخبار</a></li><li class="cat-item">'
        f'<a href="/category/notice/">اطلاعیه‌ها</a></li></ul></section></aside>'
    )


def _el(widget: str, inner: str, eid: object) -> str:
    return (
        f'<div class="elementor-element elementor-element-{h64("el", eid) % 16**7:07x} elementor-widget '
        f'elementor-widget-{widget}" data-element_type="widget" data-widget_type="{widget}.default">'
        f'<div class="elementor-widget-container">{inner}</div></div>'
    )


def _addtoany(url: str, title: str) -> str:
    return (
        '<div class="addtoany_share_save_container addtoany_content addtoany_content_bottom">'
        '<div class="a2a_kit a2a_kit_size_32 addtoany_list" data-a2a-url="'
        + e(url)
        + '" data-a2a-title="'
        + e(title)
        + '"><a class="a2a_button_telegram" href="https://www.addtoany.com/add_to/telegram">Telegram</a>'
        '<a class="a2a_button_whatsapp" href="https://www.addtoany.com/add_to/whatsapp">WhatsApp</a>'
        '<a class="a2a_dd addtoany_share_save addtoany_share" href="https://www.addtoany.com/share"></a></div></div>'
    )


def _jp_related(links: list[Link]) -> str:
    items = "".join(
        f'<div class="jp-relatedposts-post"><h4 class="jp-relatedposts-post-title">'
        f'<a href="{e(link.href)}">{e(link.title)}</a></h4></div>'
        for link in links[:3]
    )
    return (
        f'<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>مرتبط</em>'
        f'</h3><div class="jp-relatedposts-items">{items}</div></div>'
    )


def article(v: ArticleView) -> str:
    site = v.site
    jal = _jalali_meta(site)
    pub_meta = quirks.jalali_pseudo_iso(v.published_at) if jal else clock.iso(v.published_at)
    upd = quirks.updated_at(site.site_id, v.code, v.published_at, v.modified_at)
    mod_meta = (quirks.jalali_pseudo_iso(upd) if jal else clock.iso(upd)) if upd else pub_meta
    desc = v.lead or (v.paragraphs[0][:155] if v.paragraphs else v.title)
    is_video = v.kind == "video"
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "Article",
                "@id": f"{v.url}#article",
                "headline": v.title,
                "datePublished": pub_meta,
                "dateModified": mod_meta,
                "mainEntityOfPage": {"@id": v.url},
                "inLanguage": "fa-IR",
                "author": {"name": "مدیر سایت"},
            }
            if not is_video and v.kind != "app"
            else {"@type": "WebPage", "@id": v.url, "name": v.title},
            {
                "@type": "WebSite",
                "@id": f"{site.origin}/#website",
                "url": site.origin,
                "name": site.spec.name,
            },
        ],
    }
    og_type = "article" if v.kind not in ("video", "app") else "website"
    meta = (
        f'<meta name="description" content="{e(desc)}"><link rel="canonical" href="{e(v.url)}">'
        f"<link rel='shortlink' href='{site.origin}/?p={v.code}' />"
        f'<meta property="og:locale" content="fa_IR"><meta property="og:type" content="{og_type}">'
        f'<meta property="og:title" content="{e(v.title)} - {e(site.spec.name)}">'
        f'<meta property="og:description" content="{e(desc)}"><meta property="og:url" content="{e(v.url)}">'
        + (
            f'<meta property="article:published_time" content="{pub_meta}">'
            f'<meta property="article:modified_time" content="{mod_meta}">'
            if og_type == "article"
            else ""
        )
        + '<script type="application/ld+json" class="yoast-schema-graph">'
        + json.dumps(graph, ensure_ascii=False).replace("</", "<\\/")
        + "</script>"
    )
    day = clock.byline_words(v.published_at, "persian").split(" - ")
    upd_txt = clock.byline_words(upd, "persian").split(" - ")[0] if upd else ""
    if is_video:
        paras = (
            f'<figure class="wp-block-video"><video controls src="/wp-content/uploads/{v.code}.mp4"></video>'
            f"<figcaption>{e(v.title)}</figcaption></figure>"
        )
    elif v.kind == "app":
        paras = (
            '<div class="wp-block-buttons"><div class="wp-block-button"><a class="wp-block-button__link" '
            'href="/wp-content/uploads/app.apk">دانلود اپلیکیشن</a></div></div>'
        )
    else:
        paras = "".join(f"<p>{e(p)}</p>" for p in v.paragraphs)
    extras = _addtoany(v.url, v.title) + (_jp_related(v.related) if v.related else "")
    body_class = (
        f"post-template-default single single-post postid-{v.code} single-format-standard "
        f"{'elementor-default elementor-kit-7 elementor-page elementor-page-' + v.code if _elementor(site) else 'wp-embed-responsive'}"
        " has-section-nav"
    )
    if _elementor(site):
        info = (
            f'<ul class="elementor-inline-items elementor-icon-list-items elementor-post-info">'
            f'<li class="elementor-icon-list-item elementor-inline-item" itemprop="datePublished">'
            f'<span class="elementor-icon-list-text elementor-post-info__item elementor-post-info__item--type-date">'
            f'{day[0]}</span></li><li class="elementor-icon-list-item elementor-inline-item">'
            f'<span class="elementor-post-info__item--type-time">{day[1]}</span></li>'
            + (
                f'<li class="elementor-icon-list-item"><span class="elementor-post-info__item--type-custom">'
                f"بروزرسانی: {upd_txt}</span></li>"
                if upd
                else ""
            )
            + "</ul>"
        )
        cols = (
            _el(
                "theme-post-title",
                f'<h1 class="elementor-heading-title elementor-size-default">{e(v.title)}</h1>',
                (v.code, 1),
            )
            + _el("post-info", info, (v.code, 2))
            + (_el("theme-post-excerpt", e(v.lead), (v.code, 3)) if v.lead else "")
            + _el(
                "theme-post-featured-image",
                f'<img src="/wp-content/uploads/{v.code}.jpg" alt="">',
                (v.code, 4),
            )
            + _el("theme-post-content", paras + extras, (v.code, 5))
        )
        main = (
            f'<div data-elementor-type="single-post" data-elementor-id="{h64("eid", site.site_id) % 900 + 100}" '
            f'class="elementor elementor-{v.code} elementor-location-single post-{v.code} post type-post '
            f'status-publish format-standard has-post-thumbnail hentry category-news">'
            f'<section class="elementor-section elementor-top-section elementor-section-boxed">'
            f'<div class="elementor-container elementor-column-gap-default"><div class="elementor-column '
            f'elementor-col-100 elementor-top-column"><div class="elementor-widget-wrap elementor-element-populated">'
            f"{cols}</div></div></div></section></div>"
        )
    else:
        lead = f'<div class="entry-summary"><p>{e(v.lead)}</p></div>' if v.lead else ""
        upd_time = (
            f'<time class="updated" datetime="{clock.iso(upd)}">بروزرسانی: {upd_txt}</time>' if upd else ""
        )
        main = (
            f'<article id="post-{v.code}" class="post-{v.code} post type-post status-publish format-standard '
            f'hentry category-news" itemscope itemtype="https://schema.org/BlogPosting">'
            f'<header class="entry-header"><h1 class="entry-title" itemprop="headline">{e(v.title)}</h1>'
            f'<div class="entry-meta"><span class="posted-on">ارسال شده در <time class="entry-date published" '
            f'datetime="{pub_meta}">{day[0]}</time>{upd_time}</span> <span class="byline">توسط '
            f'<span class="author vcard">مدیر سایت</span></span></div></header>{lead}'
            f'<div class="entry-content" itemprop="articleBody">{paras}{extras}</div>'
            f'<footer class="entry-footer"><span class="cat-links">دسته‌بندی: <a href="/category/news/" '
            f'rel="category tag">اخبار</a></span></footer></article>'
        )
    if v.printable:
        return _head(site, v.title, meta) + f'<body class="{body_class} print">{main}</body></html>'
    nav = (
        '<nav class="navigation post-navigation" aria-label="نوشته‌ها"><div class="nav-links">'
        + "".join(
            f'<div class="nav-previous"><a href="{e(link.href)}" rel="prev">{e(link.title)}</a></div>'
            for link in v.related[:1]
        )
        + "</div></nav>"
    )
    comments_area = (
        '<div id="comments" class="comments-area"><div id="respond" class="comment-respond">'
        '<h3 id="reply-title" class="comment-reply-title">دیدگاهتان را بنویسید</h3>'
        '<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">'
        '<p class="comment-notes">نشانی ایمیل شما منتشر نخواهد شد.</p><textarea id="comment" '
        'name="comment"></textarea><input name="submit" type="submit" id="submit" value="فرستادن دیدگاه">'
        "</form></div></div>"
    )
    return (
        _head(site, f"{v.title} - {site.spec.name}", meta)
        + f'<body class="{body_class}">'
        + _masthead(site)
        + '<div id="content" class="site-content"><div class="PageBuilder-pageRow"><div class="l-segment '
        f'l-sidebar-fixed"><div class="l-col__main"><main id="main" class="site-main">{main}{nav}'
        f'{comments_area}</main></div><div class="l-col__sidebar">{_widgets(site, v.popular)}</div></div></div>'
        + (padding(v.pad_bytes) if v.pad_bytes else "")
        + "</div>"
        + footer(site)
        + "</div></body></html>"
    )


def listing(v: ListingView) -> str:
    site = v.site
    posts = "".join(
        f'<article class="post type-post status-publish hentry"><header class="entry-header"><h2 class="entry-title">'
        f'<a href="{e(link.href)}" rel="bookmark">{e(link.title)}</a></h2><div class="entry-meta"><span '
        f'class="posted-on">{e(link.date)}</span></div></header>'
        + (
            f'<div class="entry-summary"><p>{e(v.leads[i])}</p></div>'
            if i < len(v.leads) and v.leads[i]
            else ""
        )
        + "</article>"
        for i, link in enumerate(v.items)
    )
    if v.is_home:
        pager = f'<a class="more-link" href="{archive_path(site, 1)}">آرشیو اخبار</a>'
    else:
        links = []
        if v.page > 1:
            links.append(f'<a class="prev page-numbers" href="{archive_path(site, v.page - 1)}">قبلی</a>')
        links.append(
            f'<span aria-current="page" class="page-numbers current">{clock.d(v.page, "persian")}</span>'
        )
        if v.page < v.n_pages:
            links.append(f'<a class="next page-numbers" href="{archive_path(site, v.page + 1)}">بعدی</a>')
        pager = f'<nav class="navigation pagination"><div class="nav-links">{"".join(links)}</div></nav>'
    title = site.spec.name if v.is_home else f"{v.heading} - {site.spec.name}"
    return (
        _head(site, title)
        + '<body class="archive category has-section-nav">'
        + _masthead(site)
        + f'<div id="content" class="site-content"><div class="l-segment l-sidebar-fixed"><div class="l-col__main">'
        f'<main id="main" class="site-main"><header class="page-header"><h1 class="page-title">{e(v.heading)}</h1>'
        f'</header>{posts}{pager}</main></div><div class="l-col__sidebar">{_widgets(site, v.popular)}</div></div>'
        "</div>" + footer(site) + "</div></body></html>"
    )
