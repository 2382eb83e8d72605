"""ASP.NET WebForms portals: no feed, no sitemap, and an archive whose older pages only a postback reaches.

Modelled on provincial portals (issue 16): the home page links the newest items and «آرشیو اخبار»; the archive is
one URL (``/NewsArchive.aspx``, any query ignored) whose pager posts the page's server form back with
``__EVENTTARGET``/``__EVENTARGUMENT`` (or a submit button's name). Each rendering carries its own ``__VIEWSTATE``
(the page number and the catalog's size, with a MAC), ``__VIEWSTATEGENERATOR`` and ``__EVENTVALIDATION`` (the
controls that page rendered); a post is answered only when its view state is intact, current (yesterday's view
state, rendered before new items arrived, is stale), matches its event validation, and names a control that page
rendered — otherwise HTTP 500, «Validation of viewstate MAC failed» / «Invalid postback or callback argument», as
ASP.NET answers. Pager markups (one per site, in turn): GridView numeric (``Page$N``, ``...`` blocks), ListView
DataPager (numeric and next fields, ``…$DataPager1$ctl01$ctl0K``), submit buttons (``btnNext``). Other postbacks
(language switch, search button) sit on the same form and lead nowhere useful.

robots.txt has ``Crawl-delay`` and wildcard rules (``Disallow: /*?search=``); the home page links a search URL
that only those rules keep a crawler out of. Articles are the ASP.NET family's (``tpl_aspnet``); ``?print=1``
serves the printable version declaring its ``rel=canonical``.
"""

from __future__ import annotations

import base64
import functools
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from khabar.simweb import clock
from khabar.simweb.boilerplate import MENU, e
from khabar.simweb.config import SimWebConfig
from khabar.simweb.sites import SiteProfile, build_sites, h64

if TYPE_CHECKING:
    from khabar.simweb.world import World


ARCHIVE_PATH = "/NewsArchive.aspx"
PAGER_STYLES = ("gridview", "datapager", "buttons")
_CPH = "ctl00$ContentPlaceHolder1"
_GRID = f"{_CPH}$gvNews"
_DP = f"{_CPH}$lvNews$DataPager1"
_NEXT_BTN = f"{_CPH}$btnNext"
_PREV_BTN = f"{_CPH}$btnPrev"
_LANG = "ctl00$LanguageSwitch$lnkEnglish"
_SEARCH_BTN = "ctl00$Header$btnSearch"


@functools.lru_cache(maxsize=32)
def webforms_styles(config: SimWebConfig) -> dict[int, str]:
    """site index → pager style, for the ASP.NET agency sites turned into WebForms portals."""
    aspnet = [s for s in build_sites(config) if s.template == "aspnet" and s.spec.kind == "agency"]
    return {
        s.index: PAGER_STYLES[k % len(PAGER_STYLES)]
        for k, s in enumerate(aspnet[: config.portals.webforms_sites])
    }


def robots(site: SiteProfile, config: SimWebConfig) -> str:
    return "\n".join(
        [
            "User-agent: *",
            f"Crawl-delay: {config.portals.crawl_delay:g}",
            "Disallow: /*?search=",
            "Disallow: /Admin/",
            "Disallow: /*/Print.aspx$",
            "",
            "User-agent: BadBot",
            "Disallow: /",
            "",
        ]
    )


# ------------------------------------------------------------------------------------------------ state ---
def _state(site: SiteProfile, page: int, total: int) -> str:
    return f"{site.site_id}|{page}|{total}"


def _mac(config: SimWebConfig, state: str) -> str:
    return f"{h64(config.seed, 'vsmac', state):016x}"


def viewstate(config: SimWebConfig, site: SiteProfile, page: int, total: int) -> str:
    """Opaque and different on every page (like the real one: a serialised control tree with a MAC)."""
    state = _state(site, page, total)
    filler = b"".join(h64("vsfill", state, k).to_bytes(8, "big") for k in range(24))
    return base64.b64encode(f"/wEP{state}|{_mac(config, state)}|".encode() + filler).decode()


def event_validation(
    config: SimWebConfig, site: SiteProfile, page: int, total: int, controls: list[tuple[str, str]]
) -> str:
    state = _state(site, page, total)
    parts = [h64(config.seed, "ev", state, t, a).to_bytes(8, "big") for t, a in sorted(controls)]
    return base64.b64encode(b"/wEd" + b"".join(parts)).decode()


def _read_viewstate(config: SimWebConfig, site: SiteProfile, value: str) -> tuple[int, int] | None:
    try:
        raw = base64.b64decode(value.encode(), validate=True)
        head = raw.split(b"|", 4)
        sid, page, total, mac = head[0][4:].decode(), int(head[1]), int(head[2]), head[3].decode()
    except (ValueError, IndexError, UnicodeDecodeError):
        return None
    if sid != site.site_id or mac != _mac(config, _state(site, page, total)):
        return None
    return page, total


# ------------------------------------------------------------------------------------------------ pager ---
def _window(page: int, n_pages: int, size: int) -> range:
    start = (page - 1) // size * size + 1
    return range(start, min(n_pages, start + size - 1) + 1)


def pager(style: str, page: int, n_pages: int) -> tuple[str, dict[tuple[str, str], int]]:
    """The pager's markup and its controls: (target or button name, argument or value) → page it leads to."""
    controls: dict[tuple[str, str], int] = {}
    cells: list[str] = []
    if style == "gridview":
        w = _window(page, n_pages, 10)
        if w.start > 1:
            controls[(_GRID, f"Page${w.start - 1}")] = w.start - 1
            cells.append(
                f'<td><a href="javascript:__doPostBack(&#39;{_GRID}&#39;,&#39;Page${w.start - 1}&#39;)">'
                "...</a></td>"
            )
        for p in w:
            if p == page:
                cells.append(f"<td><span>{p}</span></td>")
            else:
                controls[(_GRID, f"Page${p}")] = p
                cells.append(
                    f'<td><a href="javascript:__doPostBack(&#39;{_GRID}&#39;,&#39;Page${p}&#39;)">{p}'
                    "</a></td>"
                )
        if w.stop <= n_pages:
            controls[(_GRID, f"Page${w.stop}")] = w.stop
            cells.append(
                f'<td><a href="javascript:__doPostBack(&#39;{_GRID}&#39;,&#39;Page${w.stop}&#39;)">'
                "...</a></td>"
            )
        html = (
            f'<tr class="pgr"><td colspan="2"><table border="0"><tr>{"".join(cells)}</tr></table></td></tr>'
        )
        return html, controls
    if style == "datapager":
        if page > 1:
            controls[(f"{_DP}$ctl00$ctl00", "")] = page - 1
            cells.append(
                f"<a class=\"prev\" href=\"javascript:__doPostBack('{_DP}$ctl00$ctl00','')\">قبلی</a>"
            )
        for k, p in enumerate(_window(page, n_pages, 5)):
            if p == page:
                cells.append(f'<span class="current">{clock.d(p, "persian")}</span>')
            else:
                controls[(f"{_DP}$ctl01$ctl{k:02d}", "")] = p
                cells.append(
                    f'<a class="numer-paging" href="javascript:__doPostBack(\'{_DP}$ctl01$ctl{k:02d}\','
                    f"'')\">{clock.d(p, 'persian')}</a>"
                )
        if page < n_pages:
            controls[(f"{_DP}$ctl02$ctl00", "")] = page + 1
            cells.append(
                f"<a class=\"next\" href=\"javascript:__doPostBack('{_DP}$ctl02$ctl00','')\">بعدی</a>"
            )
        span = f'<span id="ContentPlaceHolder1_lvNews_DataPager1">{"&nbsp;".join(cells)}</span>'
        return f'<tr><td colspan="2" class="pagination">{span}</td></tr>', controls
    # buttons: previous / next submit buttons and a "page n of m" label
    if page > 1:
        controls[(_PREV_BTN, "صفحه قبل")] = page - 1
        cells.append(
            f'<input type="submit" name="{_PREV_BTN}" value="صفحه قبل" id="ContentPlaceHolder1_btnPrev" />'
        )
    cells.append(
        f'<span id="ContentPlaceHolder1_lblPage">صفحه {clock.d(page, "persian")} از '
        f"{clock.d(n_pages, 'persian')}</span>"
    )
    if page < n_pages:
        controls[(_NEXT_BTN, "صفحه بعد")] = page + 1
        cells.append(
            f'<input type="submit" name="{_NEXT_BTN}" value="صفحه بعد" id="ContentPlaceHolder1_btnNext" />'
        )
    return f'<tr><td colspan="2" class="pager">{" ".join(cells)}</td></tr>', controls


# ------------------------------------------------------------------------------------------------ pages ---
def _page(world: World, site: SiteProfile, title: str, action: str, hidden: str, content: str) -> str:
    menu = "".join(
        f'<td class="menuitem"><a href="/Default.aspx?tabid={site.tabid + i}">{e(t)}</a></td>'
        for i, t in enumerate(MENU[:7])
    )
    popular = "".join(
        f'<li><a href="{e(link.href)}">{e(link.title)}</a></li>' for link in world.popular(site)
    )
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><html xmlns="http://www.w3.org/1999/xhtml" '
        'dir="rtl"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
        f"<title>{e(title)}</title></head><body>"
        f'<form method="post" action="{e(action)}" id="aspnetForm">{hidden}'
        "<script type=\"text/javascript\">//<![CDATA[\nvar theForm = document.forms['aspnetForm'];\n"
        "function __doPostBack(eventTarget, eventArgument) {\n if (!theForm.onsubmit || "
        "(theForm.onsubmit() != false)) {\n  theForm.__EVENTTARGET.value = eventTarget;\n"
        "  theForm.__EVENTARGUMENT.value = eventArgument;\n  theForm.submit();\n }\n}\n//]]></script>"
        f'<table width="100%" class="pagemaster"><tr><td class="header" colspan="2">'
        f'<span class="sitename">{e(site.spec.name)}</span>'
        f'<a id="LanguageSwitch_lnkEnglish" href="javascript:__doPostBack(&#39;{_LANG}&#39;,&#39;&#39;)">English</a>'
        f'<input name="ctl00$Header$txtSearch" type="text" id="Header_txtSearch" />'
        f'<input type="submit" name="{_SEARCH_BTN}" value="جستجو" id="Header_btnSearch" />'
        f'<a href="/Default.aspx?search=%D8%A7%D8%AE%D8%A8%D8%A7%D8%B1">جستجوی اخبار</a></td></tr>'
        f'<tr><td colspan="2"><table class="mainmenu"><tr>{menu}</tr></table></td></tr>'
        f'<tr><td class="contentpane" valign="top">{content}</td>'
        f'<td class="leftpane" width="190"><b>پربازدیدترین</b><ul>{popular}</ul></td></tr>'
        f'<tr><td colspan="2" class="footer">کلیه حقوق این پایگاه متعلق به {e(site.spec.name)} است.</td></tr>'
        "</table></form></body></html>"
    )


def _rows(world: World, site: SiteProfile, items: list, key: object) -> str:
    out = []
    for i in items:
        link = world._link(i, key)
        out.append(
            f'<tr><td class="NewsListTitle"><a href="{e(link.href)}">{e(link.title)}</a></td>'
            f'<td class="NewsListDate" nowrap="nowrap">{e(link.date)}</td></tr>'
        )
    return "".join(out)


def _hidden(fields: dict[str, str]) -> str:
    return "".join(f'<input type="hidden" name="{k}" id="{k}" value="{e(v)}" />' for k, v in fields.items())


def home(world: World, site: SiteProfile) -> bytes:
    config = world.config
    items = world.catalog.latest(site, world.cut, config.portals.webforms_home_items)
    total = world.catalog.count_through(site, world.cut)
    hidden = _hidden(
        {
            "__EVENTTARGET": "",
            "__EVENTARGUMENT": "",
            "__VIEWSTATE": viewstate(config, site, 0, total),
            "__VIEWSTATEGENERATOR": "CA0B0334",
        }
    )
    content = (
        f'<table class="NewsList" width="100%"><tr><td colspan="2" class="boxhead">آخرین اخبار</td></tr>'
        f'{_rows(world, site, items, ("wfhome",))}<tr><td colspan="2"><a href="{ARCHIVE_PATH}">آرشیو اخبار'
        "</a></td></tr></table>"
    )
    return _page(world, site, site.spec.name, "./Default.aspx", hidden, content).encode()


def archive(world: World, site: SiteProfile, page: int, style: str) -> bytes | None:
    config = world.config
    size = config.listing_page_size
    total = world.catalog.count_through(site, world.cut)
    n_pages = max(1, -(-total // size))
    if not 1 <= page <= n_pages:
        return None
    items = world.catalog.latest(site, world.cut, size, (page - 1) * size)
    markup, controls = pager(style, page, n_pages)
    ev_controls = [*controls, (_LANG, ""), (_SEARCH_BTN, "جستجو")]
    hidden = _hidden(
        {
            "__EVENTTARGET": "",
            "__EVENTARGUMENT": "",
            "__LASTFOCUS": "",
            "__VIEWSTATE": viewstate(config, site, page, total),
            "__VIEWSTATEGENERATOR": "5D6A8F0E",
            "__EVENTVALIDATION": event_validation(config, site, page, total, ev_controls),
        }
    )
    grid = (
        '<table class="NewsList" id="ContentPlaceHolder1_gvNews" width="100%" cellspacing="0" rules="all" '
        'border="1"><tr><th scope="col">عنوان خبر</th><th scope="col">تاریخ</th></tr>'
        f"{_rows(world, site, items, ('wf', page))}{markup}</table>"
    )
    title = f"{site.spec.name} > آرشیو اخبار"
    return _page(world, site, title, "./NewsArchive.aspx", hidden, grid).encode()


def postback_page(world: World, site: SiteProfile, style: str, body: bytes) -> tuple[int, bytes]:
    """Answer a post of the archive's form: the page its control leads to, or ASP.NET's 500 for a bad post."""
    config = world.config
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
    vs = _read_viewstate(config, site, form.get("__VIEWSTATE", ""))
    total = world.catalog.count_through(site, world.cut)
    if vs is None or vs[1] != total or "__VIEWSTATEGENERATOR" not in form:
        return 500, _error(
            "Validation of viewstate MAC failed. If this application is hosted by a Web Farm or "
            "cluster, ensure that <machineKey> configuration specifies the same validationKey."
        )
    page, _ = vs
    if page == 0:  # the home page's form: nothing there pages
        return 200, home(world, site)
    size = config.listing_page_size
    n_pages = max(1, -(-total // size))
    _, controls = pager(style, page, n_pages)
    ev = event_validation(config, site, page, total, [*controls, (_LANG, ""), (_SEARCH_BTN, "جستجو")])
    if form.get("__EVENTVALIDATION") != ev:
        return 500, _error(
            "Invalid postback or callback argument. Event validation is enabled using "
            '<pages enableEventValidation="true"/>.'
        )
    target, argument = form.get("__EVENTTARGET", ""), form.get("__EVENTARGUMENT", "")
    dest = controls.get((target, argument))
    if dest is None:
        dest = next(
            (p for (name, value), p in controls.items() if form.get(name) == value and not target), None
        )
    if dest is None:  # another postback (language, search): this portal shows its first archive page again
        dest = 1 if target in (_LANG, "") else None
    if dest is None:
        return 500, _error("Invalid postback or callback argument.")
    return 200, archive(world, site, dest, style) or b""


def _error(message: str) -> bytes:
    return (
        f"<html><head><title>{e(message[:60])}</title></head><body><h1>Server Error in '/' Application.</h1>"
        f"<h2><i>{e(message)}</i></h2></body></html>"
    ).encode()


def print_with_canonical(body: bytes, charset: str, canonical: str) -> bytes:
    """The printable article declares the article as its canonical address."""
    tag = f'<link rel="canonical" href="{canonical}" />'.encode()
    return body.replace(b"</head>", tag + b"</head>", 1)


def wants_print(target: str) -> bool:
    q = {k.lower(): v for k, v in parse_qs(urlsplit(target).query).items()}
    return q.get("print", [""])[0] in ("1", "true")


def last_modified(world: World, site: SiteProfile) -> datetime:
    last = world.catalog.latest(site, world.cut, 1)
    return world.catalog.modified_at(last[0], world.cut) if last else clock.end_of_day(world.config.start_day)


__all__ = [
    "ARCHIVE_PATH",
    "PAGER_STYLES",
    "archive",
    "home",
    "pager",
    "postback_page",
    "robots",
    "viewstate",
    "webforms_styles",
]
