"""ASP.NET WebForms article family: a master page with ``ctl00_`` control ids, ``__VIEWSTATE`` /
``__EVENTVALIDATION`` hidden fields and ``__doPostBack`` links, the article drawn by a ``FormView`` of
``asp:Label`` controls (``lblTitle``, ``SaveDateLabel`` / ``SaveTimeLabel``, ``NewsIDLabel``, ``lblLead``,
``lblBody``), the body a single ``<span>`` of ``<br />``-separated text with no ``<p>``.

Imitates what Persian ASP.NET news modules render. Seen in the public code corpus (``find_string`` for «کد خبر»):
a Persian news page's ``.aspx`` markup with ``<asp:Label ID="SaveDateLabel" … Text='<%# Eval("SaveDate") %>'>``,
``SaveTimeLabel`` and «کد خبر: <asp:Label ID="NewsIDLabel" …>`` separated by ``&nbsp;`` runs, and another with
«کد خبر» / «تاریخ خبر» labels around ``Eval("NewsID")`` / ``Eval("NewsDate")``; WebForms renders such labels as
``<span id="ctl00_ContentPlaceHolder1_FormView1_SaveDateLabel">``. ``PersianCalendar`` output is ``1402/12/05``
with the time in its own label. Some sites serve old pages in ``windows-1256`` (``SiteProfile.cp1256``).
The postback-only archive of such portals belongs to the "Real sites" issue; this module draws article and
listing pages on the ASP.NET platform's URLs.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from khabar.simweb import clock, quirks
from khabar.simweb.boilerplate import MENU, e, padding
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
_CP = "ctl00_ContentPlaceHolder1"
_FV = f"{_CP}_FormView1"


def _b64(key: object, n: int) -> str:
    return base64.b64encode(b"\xff\x01" + h64("vs", key).to_bytes(8, "big") * n).decode()


def hidden_fields(key: object) -> str:
    """The hidden state every WebForms page posts back (also used by portal pages of this family)."""
    return (
        '<div class="aspNetHidden">'
        '<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />'
        '<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />'
        f'<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUK{_b64(key, 40)}" /></div>'
        "<script type=\"text/javascript\">\n//<![CDATA[\nvar theForm = document.forms['aspnetForm'];\n"
        "if (!theForm) { theForm = document.aspnetForm; }\nfunction __doPostBack(eventTarget, eventArgument) {\n"
        "    if (!theForm.onsubmit || (theForm.onsubmit() != false)) {\n"
        "        theForm.__EVENTTARGET.value = eventTarget;\n        theForm.__EVENTARGUMENT.value = eventArgument;\n"
        "        theForm.submit();\n    }\n}\n//]]>\n</script>"
    )


def _validation(key: object) -> str:
    return (
        '<div class="aspNetHidden">'
        f'<input type="hidden" name="__VIEWSTATEGENERATOR" id="__VIEWSTATEGENERATOR" value="{h64("gen", key) % 16**8:08X}" />'
        f'<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="/wEdAA{_b64(("ev", key), 6)}" />'
        "</div>"
    )


def _head(site: SiteProfile, title: str, charset: str) -> str:
    return (
        f'{_DOCTYPE}<html xmlns="http://www.w3.org/1999/xhtml" dir="rtl"><head id="ctl00_Head1">'
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" /><title>\n\t{e(title)}\n</title>'
        f'<link href="../App_Themes/Default/StyleSheet.css" type="text/css" rel="stylesheet" />'
        f'<link rel="alternate" type="application/rss+xml" title="RSS" href="{feed_path(site)}" /></head>'
    )


def _top(site: SiteProfile, action: str, key: object) -> str:
    menu = "".join(
        f'<td><a id="ctl00_Menu1_lnk{i}" href="javascript:__doPostBack(&#39;ctl00$Menu1$lnk{i}&#39;,&#39;&#39;)">'
        f"{e(t)}</a></td>"
        for i, t in enumerate(MENU[:8])
    )
    return (
        f'<body><form name="aspnetForm" method="post" action="{e(action)}" id="aspnetForm">{hidden_fields(key)}'
        f'<div id="ctl00_pnlHeader" class="Header"><img id="ctl00_imgLogo" src="../Images/logo.gif" alt="" />'
        f'<span id="ctl00_lblSiteName" class="SiteName">{e(site.spec.name)}</span></div>'
        f'<table id="ctl00_Menu1_tblMenu" class="MainMenu"><tr>{menu}</tr></table>'
        '<table id="ctl00_tblMain" width="100%" cellspacing="0" cellpadding="0"><tr>'
    )


def _side(site: SiteProfile, popular: list[Link]) -> str:
    rows = "".join(
        f'<tr><td><a id="ctl00_ucLastNews_dlNews_ctl{i:02d}_hlTitle" href="{e(link.href)}">{e(link.title)}'
        f"</a></td></tr>"
        for i, link in enumerate(popular)
    )
    return (
        f'<td id="ctl00_tdSide" class="SidePane" valign="top"><div class="BoxTitle">آخرین اخبار</div>'
        f'<table id="ctl00_ucLastNews_dlNews" cellspacing="0" border="0">{rows}</table>'
        '<div class="BoxTitle">نظرسنجی</div><span id="ctl00_ucPoll_lblQuestion">آیا از خدمات الکترونیک راضی هستید؟'
        '</span><table id="ctl00_ucPoll_rblOptions"><tr><td><input id="ctl00_ucPoll_rblOptions_0" type="radio" '
        'name="ctl00$ucPoll$rblOptions" value="1" /><label for="ctl00_ucPoll_rblOptions_0">بله</label></td></tr>'
        '<tr><td><input id="ctl00_ucPoll_rblOptions_1" type="radio" name="ctl00$ucPoll$rblOptions" value="2" />'
        '<label for="ctl00_ucPoll_rblOptions_1">خیر</label></td></tr></table>'
        '<input type="submit" name="ctl00$ucPoll$btnVote" value="ثبت رای" id="ctl00_ucPoll_btnVote" /></td>'
    )


def _bottom(site: SiteProfile, key: object) -> str:
    return (
        '</tr></table><div id="ctl00_pnlFooter" class="Footer"><span id="ctl00_lblCopyright">'
        f'کلیه حقوق برای {e(site.spec.name)} محفوظ است.</span> <span id="ctl00_lblVisitors">تعداد بازدید: '
        f"{h64('visits', site.site_id) % 900000 + 10000}</span></div>{_validation(key)}</form></body></html>"
    )


def _comments(site: SiteProfile, key: object) -> str:
    n = h64("wfcomments", site.site_id, key) % 3
    rows = "".join(
        f'<tr><td><span id="{_CP}_gvComments_ctl{i + 2:02d}_lblName">کاربر</span></td>'
        f'<td><span id="{_CP}_gvComments_ctl{i + 2:02d}_lblComment">با تشکر از اطلاع رسانی.</span></td></tr>'
        for i in range(n)
    )
    return (
        f'<div id="{_CP}_pnlComments" class="Comments"><div class="BoxTitle">نظرات</div>'
        f'<table id="{_CP}_gvComments" cellspacing="0" rules="all" border="1">{rows}</table>'
        f'<span id="{_CP}_lblNameCaption">نام:</span><input name="ctl00$ContentPlaceHolder1$txtName" type="text" '
        f'id="{_CP}_txtName" /><textarea name="ctl00$ContentPlaceHolder1$txtComment" rows="4" cols="40" '
        f'id="{_CP}_txtComment"></textarea><input type="submit" name="ctl00$ContentPlaceHolder1$btnSend" '
        f'value="ارسال نظر" id="{_CP}_btnSend" /></div>'
    )


def article(v: ArticleView) -> str:
    site = v.site
    old = v.charset == "windows-1256"  # cp1256 has no Persian digits: dates in Latin digits
    script = "latin" if old or h64("wfdigits", site.site_id) % 3 else site.script
    day, hour = quirks.jalali_slash(v.published_at, script)
    code_txt = clock.d(int(v.code), script)
    if v.kind == "video":
        body = (
            f'<span id="{_FV}_lblMedia" class="NewsBody"><embed src="../Video/{v.code}.flv" width="400" '
            f'height="300" /><br />{e(v.title)}</span>'
        )
    elif v.kind == "app":
        body = (
            f'<span id="{_FV}_lblMedia" class="NewsBody">نرم افزار موبایل سازمان<br />'
            '<a href="../Download/app.apk">دریافت نسخه اندروید</a></span>'
        )
    else:
        body = (
            f'<span id="{_FV}_lblBody" class="NewsBody">'
            + "<br /><br />".join(e(p) for p in v.paragraphs)
            + "</span>"
        )
    lead = f'<span id="{_FV}_lblLead" class="NewsLead">{e(v.lead)}</span><br />' if v.lead else ""
    upd = quirks.updated_at(site.site_id, v.code, v.published_at, v.modified_at)
    upd_txt = ""
    if upd is not None:
        ud, uh = quirks.jalali_slash(upd, script)
        upd_txt = f'<br /><span id="{_FV}_lblEditDate" class="EditDate">بروزرسانی: {ud} - {uh}</span>'
    rutitr = site.spec.province or "اخبار"
    panel = (
        f'<div id="{_CP}_pnlNews" class="NewsPanel"><table id="{_FV}" cellspacing="0" border="0" '
        f'style="width:100%;border-collapse:collapse;"><tr><td colspan="2">'
        f'<span id="{_FV}_lblRootTitle" class="RootTitle">{e(rutitr)}</span>'
        f'<h2 class="NewsTitle"><span id="{_FV}_lblTitle">{e(v.title)}</span></h2>'
        f'<div class="NewsInfo">تاریخ: <span id="{_FV}_SaveDateLabel">{day}</span>&nbsp;&nbsp;&nbsp;&nbsp;'
        f'ساعت: <span id="{_FV}_SaveTimeLabel">{hour}</span>&nbsp;&nbsp;&nbsp;&nbsp; کد خبر: '
        f'<span id="{_FV}_NewsIDLabel">{code_txt}</span>&nbsp;&nbsp;&nbsp;&nbsp;'
        f'<input type="image" name="ctl00$ContentPlaceHolder1$FormView1$imgBtnPrintNews" '
        f'id="{_FV}_imgBtnPrintNews" src="../Images/img/Print.png" style="height:15px;" />{upd_txt}</div>'
        f'<img id="{_FV}_imgNews" src="../NewsImages/{v.code}.jpg" style="width:250px;" />{lead}'
        f"{body}"
        f'<br /><span id="{_FV}_lblVisit" class="Visit">تعداد بازدید: {h64("visit", v.code) % 2000 + 15}</span>'
        "</td></tr></table></div>"
    )
    title = f"{site.spec.name} - {v.title}"
    if v.printable:
        return _head(site, title, v.charset) + f'<body onload="window.print();">{panel}</body></html>'
    rel = "".join(
        f'<tr><td><a id="{_CP}_dlRelated_ctl{i:02d}_hlTitle" href="{e(link.href)}">{e(link.title)}</a>'
        f"</td></tr>"
        for i, link in enumerate(v.related)
    )
    related = (
        f'<div class="BoxTitle">اخبار مرتبط</div><table id="{_CP}_dlRelated" cellspacing="0">{rel}</table>'
        if v.related
        else ""
    )
    action = f"./ShowNews.aspx?Code={v.code}"
    return (
        _head(site, title, v.charset)
        + _top(site, action, v.code)
        + f'<td id="ctl00_tdContent" class="ContentPane" valign="top">{panel}{related}{_comments(site, v.code)}'
        + (padding(v.pad_bytes) if v.pad_bytes else "")
        + "</td>"
        + _side(site, v.popular)
        + _bottom(site, v.code)
    )


def listing(v: ListingView) -> str:
    site = v.site
    rows = "".join(
        f'<tr><td><a id="{_CP}_gvNews_ctl{i + 2:02d}_hlTitle" href="{e(link.href)}">{e(link.title)}</a></td>'
        f'<td><span id="{_CP}_gvNews_ctl{i + 2:02d}_lblDate">{e(link.date)}</span></td></tr>'
        for i, link in enumerate(v.items)
    )
    if v.is_home:
        pager = f'<a id="{_CP}_hlArchive" href="{archive_path(site, 1)}">آرشیو اخبار</a>'
    else:
        cells = [
            f"<span>{p}</span>" if p == v.page else f'<a href="{archive_path(site, p)}">{p}</a>'
            for p in range(max(1, v.page - 5), min(v.n_pages, v.page + 5) + 1)
        ]
        if v.page < v.n_pages:
            cells.append(f'<a id="{_CP}_lnkNext" href="{archive_path(site, v.page + 1)}">بعدی</a>')
        pager = f'<div class="Pager">{" ".join(cells)}</div>'
    title = site.spec.name if v.is_home else f"{site.spec.name} - {v.heading}"
    return (
        _head(site, title, "utf-8")
        + _top(site, "./Default.aspx", ("list", v.page))
        + f'<td id="ctl00_tdContent" class="ContentPane" valign="top"><div class="BoxTitle">{e(v.heading)}</div>'
        f'<table id="{_CP}_gvNews" cellspacing="0" rules="all" border="1" style="width:100%;">{rows}</table>'
        f"{pager}</td>" + _side(site, v.popular) + _bottom(site, ("list", v.page))
    )
