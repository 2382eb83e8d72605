"""Provincial-office portal family: an old Joomla 1.5-style table layout as many provincial directorates still
run, drawn on the portal platform's URLs.

Imitates Joomla 1.5's ``com_content`` article view (``table.contentpaneopen`` twice: ``td.contentheading`` with
the print / e-mail buttons, then ``td.createdate``, the text cell and ``td.modifydate`` «آخرین بروزرسانی در …»),
``div.moduletable`` side modules (``latestnews``, ``mostread``), and text pasted from Word into the editor: the
body is a run of ``<div style="text-align: justify;">`` blocks or ``<br />``-separated lines in the table cell,
never a ``<p>``; the lead is the bold ``introtext`` block. The news code appears as «کد خبر» in a small cell.
Quirks: a bogus ``charset=windows-utf-8`` label on UTF-8 bytes on some sites, Persian digits as numeric character
references without semicolons (``&#1777&#1779``, as FrontPage-era editors saved them) on some sites, Arabic ي/ك
in older items (the catalog's portal rule), a creation date and a different «آخرین بروزرسانی» date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from khabar.simweb import clock, quirks
from khabar.simweb.boilerplate import MENU, SYSTEMS, e, link_list, padding
from khabar.simweb.sites import h64
from khabar.simweb.urls import archive_path, feed_path
from khabar.simweb.views import ArticleView, ListingView

if TYPE_CHECKING:
    from khabar.simweb.boilerplate import Link
    from khabar.simweb.sites import SiteProfile


def _bogus_charset(site: SiteProfile) -> bool:
    return h64("bogus-charset", site.site_id) % 2 == 0


def _ncr(site: SiteProfile) -> bool:
    return h64("ncr", site.site_id) % 3 != 1


def _br_body(site: SiteProfile, code: str) -> bool:
    return h64("brbody", site.site_id, code) % 2 == 0


def _head(site: SiteProfile, title: str) -> str:
    cs = "windows-utf-8" if _bogus_charset(site) else "utf-8"
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="fa-ir" lang="fa-ir" dir="rtl"><head>'
        f'<meta http-equiv="content-type" content="text/html; charset={cs}" />'
        '<meta name="robots" content="index, follow" />'
        '<meta name="generator" content="Joomla! 1.5 - Open Source Content Management" />'
        f"<title>{e(title)}</title>"
        f'<link href="{feed_path(site)}" rel="alternate" type="application/atom+xml" title="Atom 1.0" />'
        '<link rel="stylesheet" href="/templates/ja_purity/css/template_rtl.css" type="text/css" /></head>'
    )


def _module(title: str, inner: str) -> str:
    return f'<div class="moduletable"><h3>{e(title)}</h3>{inner}</div>'


def _frame(site: SiteProfile, popular: list[Link], content: str) -> str:
    menu = "".join(
        f'<li class="item{i + 1}"><a href="/index.php?option=com_content&amp;view=section&amp;id={i + 1}">'
        f"<span>{e(t)}</span></a></li>"
        for i, t in enumerate(MENU)
    )
    systems = "".join(
        f'<li><a href="/index.php?option=com_wrapper&amp;Itemid={60 + i}">{e(s)}</a></li>'
        for i, s in enumerate(SYSTEMS)
    )
    left = (
        _module("آخرین اخبار", link_list(popular, "latestnews"))
        + _module("سامانه‌ها", f'<ul class="menu">{systems}</ul>')
        + _module(
            "آمار بازدید",
            f'<div class="counter">بازدید امروز: {clock.d(h64("v", site.site_id) % 700 + 40, "persian")}'
            "</div>",
        )
    )
    right = _module("پربازدیدترین‌ها", link_list(popular[::-1], "mostread")) + _module(
        "جستجو",
        '<form action="/index.php" method="post"><input name="searchword" class="inputbox" />'
        '<input type="hidden" name="option" value="com_search" /></form>',
    )
    return (
        f'<body id="bd" class="fs3"><div id="ja-wrapper"><div id="ja-headerwrap"><div id="ja-header">'
        f'<h1 class="logo"><a href="/"><span>{e(site.spec.name)}</span></a></h1></div></div>'
        f'<div id="ja-mainnavwrap"><ul class="menu">{menu}</ul></div>'
        '<table id="ja-containerwrap" width="100%" cellpadding="0" cellspacing="0"><tr>'
        f'<td id="ja-col1" valign="top" width="200">{left}</td>'
        f'<td id="ja-mainbody" valign="top">{content}</td>'
        f'<td id="ja-col2" valign="top" width="200">{right}</td></tr></table>'
        f'<div id="ja-footer"><small>کلیه حقوق متعلق به {e(site.spec.name)} می‌باشد.</small> '
        "<small>طراحی: شرکت فناوران</small></div></div></body></html>"
    )


def article(v: ArticleView) -> str:
    site = v.site
    ncr = quirks.ncr_digits if _ncr(site) else (lambda s: s)
    script = site.script

    def t(s: str | None) -> str:
        return ncr(e(s))

    created = quirks.byline_joomla(v.published_at, script)
    upd = quirks.updated_at(site.site_id, v.code, v.published_at, v.modified_at)
    if v.kind == "video":
        text = (
            f'<div style="text-align: center;"><object width="425" height="350"><param name="movie" '
            f'value="/images/stories/video/{v.code}.swf" /><embed src="/images/stories/video/{v.code}.swf" '
            f'width="425" height="350"></embed></object></div><div>{t(v.title)}</div>'
        )
    elif v.kind == "app":
        text = (
            '<div style="text-align: center;">نسخه جدید نرم افزار همراه منتشر شد.</div>'
            '<div><a href="/images/stories/app.apk">دریافت</a></div>'
        )
    elif _br_body(site, v.code):
        text = "<br /><br />".join(t(p) for p in v.paragraphs)
    else:
        text = "".join(f'<div style="text-align: justify;">{t(p)}</div>' for p in v.paragraphs)
    lead = f'<div class="introtext"><strong>{t(v.lead)}</strong></div><br />' if v.lead else ""
    code = f'<span class="small">کد خبر: {ncr(clock.d(int(v.code), script))}</span>'
    modify = (
        (
            f'<tr><td colspan="2" align="right" class="modifydate">آخرین بروزرسانی در '
            f"{ncr(quirks.byline_joomla(upd, script))}</td></tr>"
        )
        if upd
        else ""
    )
    buttons = (
        f'<td align="right" width="100%" class="buttonheading"><a href="/print/{v.code}" title="چاپ">'
        f'<img src="/images/M_images/printButton.png" alt="چاپ" /></a></td>'
        f'<td align="right" width="100%" class="buttonheading"><a href="/index.php?option=com_mailto&amp;'
        f'tmpl=component&amp;link={v.code}" title="ایمیل"><img src="/images/M_images/emailButton.png" '
        f'alt="ایمیل" /></a></td>'
    )
    tables = (
        f'<table class="contentpaneopen"><tr><td class="contentheading" width="100%">{t(v.title)}</td>'
        f"{buttons}</tr></table>"
        f'<table class="contentpaneopen"><tr><td valign="top" class="createdate">{ncr(created)}</td>'
        f'<td valign="top" class="newsid">{code}</td></tr>'
        f'<tr><td valign="top" colspan="2"><img src="/images/stories/news/{v.code}.jpg" align="left" '
        f'border="0" hspace="6" alt="" />{lead}{text}</td></tr>{modify}</table><span class="article_separator">'
        "&nbsp;</span>"
    )
    title = f"{v.title} - {site.spec.name}"
    if v.printable:
        return _head(site, title) + f'<body class="contentpane">{tables}</body></html>'
    related = (
        f'<div class="jcomments-links"><h4>مطالب مرتبط</h4>{link_list(v.related, "relateditems")}</div>'
        if v.related
        else ""
    )
    content = (
        f'<div id="ja-pathway"><span class="breadcrumbs pathway"><a href="/" class="pathway">صفحه اصلی</a> '
        f'<img src="/templates/ja_purity/images/arrow.png" alt="" /> <a href="{archive_path(site, 1)}" '
        f'class="pathway">اخبار</a></span></div>{tables}{related}'
        + (padding(v.pad_bytes) if v.pad_bytes else "")
    )
    return _head(site, title) + _frame(site, v.popular, content)


def listing(v: ListingView) -> str:
    site = v.site
    rows = "".join(
        f'<tr class="sectiontableentry{i % 2 + 1}"><td headers="tableOrdering"><a href="{e(link.href)}">'
        f'{e(link.title)}</a></td><td headers="tableOrdering2">{e(link.date)}</td></tr>'
        for i, link in enumerate(v.items)
    )
    if v.is_home:
        pager = f'<a class="readon" href="{archive_path(site, 1)}">آرشیو اخبار</a>'
    else:
        parts = []
        if v.page > 1:
            parts.append(f'<a href="{archive_path(site, v.page - 1)}" class="pagenav">قبلی</a>')
        parts.append(f'<span class="pagenav">{clock.d(v.page, site.script)}</span>')
        if v.page < v.n_pages:
            parts.append(f'<a href="{archive_path(site, v.page + 1)}" class="pagenav">بعدی</a>')
        pager = f'<div class="pagination">{" ".join(parts)}</div>'
    title = site.spec.name if v.is_home else f"{v.heading} - {site.spec.name}"
    content = (
        f'<div class="componentheading">{e(v.heading)}</div><table width="100%" class="category">{rows}'
        f"</table>{pager}"
    )
    return _head(site, title) + _frame(site, v.popular, content)
