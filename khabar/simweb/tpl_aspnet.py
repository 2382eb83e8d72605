"""Old ASP.NET (DotNetNuke-like) family: table layout, __VIEWSTATE, 12-hour Jalali dates with ق.ظ / ب.ظ,
the news id in a hidden form field, ``windows-1256`` on some sites' older pages."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from khabar.simweb import clock
from khabar.simweb.boilerplate import MENU, comments, e, link_list, padding
from khabar.simweb.sites import h64
from khabar.simweb.urls import archive_path, feed_path
from khabar.simweb.views import ArticleView, ListingView

if TYPE_CHECKING:
    from khabar.simweb.boilerplate import Link
    from khabar.simweb.sites import SiteProfile


_DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
)


def _head(site: SiteProfile, title: str, charset: str) -> str:
    return (
        f'{_DOCTYPE}<html xmlns="http://www.w3.org/1999/xhtml" dir="rtl"><head>'
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" />'
        f"<title>{e(title)}</title>"
        f'<link rel="alternate" type="application/rss+xml" title="RSS" href="{feed_path(site)}" />'
        f'<link href="/Portals/_default/default.css" rel="stylesheet" type="text/css" /></head>'
    )


def _viewstate(key: object) -> str:
    raw = h64("vs", key).to_bytes(8, "big") * 12
    return base64.b64encode(raw).decode()


def _frame_top(site: SiteProfile, action: str, key: object) -> str:
    menu = "".join(
        f'<td class="menuitem"><a href="/Default.aspx?tabid={site.tabid + i}">{e(t)}</a></td>'
        for i, t in enumerate(MENU[:8])
    )
    return (
        f'<body><form name="Form" method="post" action="{e(action)}" id="Form">'
        f'<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{_viewstate(key)}" />'
        f'<table width="100%" border="0" cellpadding="0" cellspacing="0" class="pagemaster">'
        f'<tr><td class="header" colspan="3"><img src="/Portals/0/header.jpg" alt="" />'
        f'<span class="sitename">{e(site.spec.name)}</span></td></tr>'
        f'<tr><td colspan="3"><table class="mainmenu"><tr>{menu}</tr></table></td></tr><tr>'
    )


def _left(site: SiteProfile, popular: list[Link]) -> str:
    return (
        f'<td class="leftpane" width="190" valign="top"><table class="box"><tr><td class="boxhead">آخرین اخبار'
        f"</td></tr><tr><td>{link_list(popular, 'lastnews')}</td></tr></table>"
        '<table class="box"><tr><td class="boxhead">پیوندها</td></tr><tr><td><a href="/Default.aspx?tabid=1">'
        'وزارت متبوع</a><br /><a href="/Default.aspx?tabid=2">سامانه اتوماسیون اداری</a><br />'
        '<a href="/Default.aspx?tabid=3">پست الکترونیک</a></td></tr></table></td>'
    )


def _bottom(site: SiteProfile) -> str:
    return (
        '</tr><tr><td colspan="3" class="footer">کلیه حقوق مادی و معنوی این پایگاه متعلق به '
        f"{e(site.spec.name)} می‌باشد. | طراحی و اجرا: واحد فناوری اطلاعات</td></tr></table></form></body></html>"
    )


def article(v: ArticleView) -> str:
    site = v.site
    ctr = f"dnn_ctr{site.tabid + 300}_ArticleView"
    old = v.charset == "windows-1256"  # cp1256 has no Persian digits: old pages wrote dates in Latin digits
    code_txt = clock.d(int(v.code), "latin" if old or h64("aspcode", site.site_id) % 2 else "persian")
    script = "latin" if old else "persian"
    if v.kind == "video":
        body = (
            f'<object width="400" height="300"><param name="movie" value="/Portals/0/Video/{v.code}.swf" />'
            f"</object><br />{e(v.title)}"
        )
    elif v.kind == "app":
        body = '<b>اپلیکیشن موبایل</b><br />برای دریافت نرم افزار اندروید <a href="/Portals/0/app.apk">اینجا</a> کلیک کنید.'
    else:
        body = "".join(f'<p style="text-align: justify">{e(p)}</p>' for p in v.paragraphs)
    lead = (
        f'<tr><td class="NewsLead"><span id="{ctr}_lblLead" class="Normal">{e(v.lead)}</span></td></tr>'
        if v.lead
        else ""
    )
    edited = (
        f'<br /><span id="{ctr}_lblModified">ویرایش: {clock.byline_aspnet(v.modified_at, script)}</span>'
        if v.modified_at
        else ""
    )
    table = (
        f'<table class="NewsTable" width="100%" cellpadding="4">'
        f'<tr><td class="NewsTitle"><h1><span id="{ctr}_lblTitle">{e(v.title)}</span></h1></td></tr>'
        f'<tr><td class="NewsDate"><span id="{ctr}_lblDate">{clock.byline_aspnet(v.published_at, script)}</span>'
        f'&nbsp;&nbsp; کد خبر: <span id="{ctr}_lblNewsID">{code_txt}</span>{edited}</td></tr>{lead}'
        f'<tr><td class="NewsBody"><div id="{ctr}_divBody" class="Normal">{body}</div></td></tr>'
        f'<tr><td class="NewsTools"><a href="/print/{v.code}">نسخه قابل چاپ</a> | '
        f'<a href="/Default.aspx?tabid={site.tabid}&amp;SendID={v.code}">ارسال به دوستان</a></td></tr></table>'
        f'<input type="hidden" name="hfNewsID" id="hfNewsID" value="{v.code}" />'
    )
    title = f"{site.spec.name} > اخبار > {v.title}"
    if v.printable:
        return _head(site, title, v.charset) + f"<body>{table}</body></html>"
    related = (
        (
            f'<table class="box"><tr><td class="boxhead">اخبار مرتبط</td></tr><tr><td>'
            f"{link_list(v.related, 'related')}</td></tr></table>"
        )
        if v.related
        else ""
    )
    return (
        _head(site, title, v.charset)
        + _frame_top(site, v.url.split(site.host, 1)[-1], v.code)
        + f'<td class="contentpane" valign="top">{table}{related}{comments(site, v.code)}'
        + (padding(v.pad_bytes) if v.pad_bytes else "")
        + "</td>"
        + _left(site, v.popular)
        + _bottom(site)
    )


def listing(v: ListingView, charset: str = "utf-8") -> str:
    site = v.site
    rows = "".join(
        f'<tr><td class="NewsListTitle"><a href="{e(link.href)}">{e(link.title)}</a></td>'
        f'<td class="NewsListDate" nowrap="nowrap">{e(link.date)}</td></tr>'
        for link in v.items
    )
    pager = ""
    if not v.is_home:
        cells = []
        for p in range(max(1, v.page - 5), min(v.n_pages, v.page + 5) + 1):
            cells.append(f"<b>{p}</b>" if p == v.page else f'<a href="{archive_path(site, p)}">{p}</a>')
        if v.page < v.n_pages:
            cells.append(f'<a href="{archive_path(site, v.page + 1)}">&gt;&gt;</a>')
        pager = f'<tr><td colspan="2" class="pager">{" ".join(cells)}</td></tr>'
    else:
        pager = f'<tr><td colspan="2"><a href="{archive_path(site, 1)}">آرشیو اخبار</a></td></tr>'
    title = site.spec.name if v.is_home else f"{site.spec.name} > {v.heading}"
    return (
        _head(site, title, charset)
        + _frame_top(site, "/Default.aspx", v.page)
        + f'<td class="contentpane" valign="top"><table class="NewsList" width="100%"><tr><td colspan="2" '
        f'class="boxhead">{e(v.heading)}</td></tr>{rows}{pager}</table></td>'
        + _left(site, v.popular)
        + _bottom(site)
    )
