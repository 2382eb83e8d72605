"""Postback pager recognition on the markups ASP.NET WebForms renders (khabar.crawl.postback).

The snippets are written here in the shape ASP.NET 2.0–4.x renders its controls (GridView numeric and next/previous
pagers, ListView DataPager numeric and next fields in link and button form, Repeater LinkButton pagers, submit and
image buttons, WebForm_DoPostBackWithOptions); the shapes were checked against public WebForms pages and scrapers
found in the code corpus (e.g. nguyentoan1102/PagingWithStoreProcedure PaginInWebForms/PagingIndex.aspx — a
Repeater of LinkButtons; bsdeveloper-3/BabajiShivram_UAT DynamicData/Content/GridViewPager.ascx — ImageButtons with
CommandArgument Next/Prev; rendered DataPager output `…$DataPager1$ctl01$ctl01` / `…$ctl02$ctl00` "Sau >>"). No text
is copied from them."""

from __future__ import annotations

import pytest

from khabar.crawl.postback import find_pager, form_data, has_pager, next_request, parse_form

BASE = "http://portal.example.ir/NewsArchive.aspx"
FORM = (
    '<form method="post" action="./NewsArchive.aspx?tabid=12" id="aspnetForm">'
    '<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />'
    '<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />'
    '<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1Mg9kFgJmD2QWAgIDD2QWAgIBDw==" />'
    '<input type="hidden" name="__VIEWSTATEGENERATOR" id="__VIEWSTATEGENERATOR" value="CA0B0334" />'
    '<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="/wEdAAS0PQ3oNv9Qk7w==" />'
    '<input name="ctl00$txtSearch" type="text" value="" /><input type="checkbox" name="ctl00$chkAll" />'
    '<select name="ctl00$ddlSize"><option value="10">10</option><option selected="selected" value="20">20</option>'
    "</select>{pager}"
    '<a href="javascript:__doPostBack(&#39;ctl00$LanguageWUC1$EnglishBtn&#39;,&#39;&#39;)">English</a>'
    '<a href="javascript:__doPostBack(&#39;ctl00$LoginStatus1$ctl00&#39;,&#39;&#39;)">خروج</a>'
    '<input type="submit" name="ctl00$btnSearch" value="جستجو" />'
    '<table id="ctl00_Calendar1"><tr><td><a href="javascript:__doPostBack(&#39;ctl00$Calendar1&#39;,&#39;8523&#39;)">'
    "3</a></td></tr></table></form>"
)

GRID = ("ctl00$ContentPlaceHolder1$GridView1", "Page$2")
CASES = {
    # GridView, numeric pager: the current page is a <span>, the others links with Page$N
    "gridview-numeric": (
        '<tr class="pgr"><td><table><tr><td><span>1</span></td>'
        '<td><a href="javascript:__doPostBack(&#39;ctl00$ContentPlaceHolder1$GridView1&#39;,&#39;Page$2&#39;)">2</a></td>'
        '<td><a href="javascript:__doPostBack(&#39;ctl00$ContentPlaceHolder1$GridView1&#39;,&#39;Page$3&#39;)">3</a></td>'
        '<td><a href="javascript:__doPostBack(&#39;ctl00$ContentPlaceHolder1$GridView1&#39;,&#39;Page$11&#39;)">...</a></td>'
        "</tr></table></td></tr>",
        GRID,
        None,
    ),
    # GridView NextPrevious mode
    "gridview-next": (
        '<a href="javascript:__doPostBack(&#39;ctl00$MainContent$gvList&#39;,&#39;Page$Next&#39;)">&gt;</a>'
        '<a href="javascript:__doPostBack(&#39;ctl00$MainContent$gvList&#39;,&#39;Page$Last&#39;)">&gt;&gt;</a>',
        ("ctl00$MainContent$gvList", "Page$Next"),
        None,
    ),
    # ListView DataPager, numeric field: empty argument, the page number as the label (Persian digits too)
    "datapager-numeric": (
        '<span id="ctl00_cph_DataPager1"><span class="current">۱</span>&nbsp;'
        "<a href=\"javascript:__doPostBack('ctl00$cph$lvNews$DataPager1$ctl01$ctl01','')\">۲</a>&nbsp;"
        "<a href=\"javascript:__doPostBack('ctl00$cph$lvNews$DataPager1$ctl01$ctl02','')\">۳</a></span>",
        ("ctl00$cph$lvNews$DataPager1$ctl01$ctl01", ""),
        None,
    ),
    # DataPager next field only (NextPreviousPagerField), labelled in Vietnamese/English/Persian on real sites
    "datapager-next": (
        '<span><a disabled="disabled">&lt;&lt; Prev</a>&nbsp;<a class="btn" '
        "href=\"javascript:__doPostBack('ctl00$Main$DataList1$DataPager1$ctl02$ctl00','')\">بعدی</a></span>",
        ("ctl00$Main$DataList1$DataPager1$ctl02$ctl00", ""),
        None,
    ),
    # DataPager with ButtonType=Button: a submit button posts its own name=value
    "datapager-button": (
        '<input type="submit" name="ctl00$MainContent$lstJoblist$DataPager1$ctl00$lnkNext" value="Next" />',
        ("ctl00$MainContent$lstJoblist$DataPager1$ctl00$lnkNext", "Next"),
        "submit",
    ),
    # Repeater of LinkButtons, one per page number
    "repeater-linkbuttons": (
        '<a id="rptPager_lnkPage_0" href="javascript:__doPostBack(&#39;ctl00$cph$rptPager$ctl00$lnkPage&#39;,&#39;&#39;)">1</a>'
        '<a id="rptPager_lnkPage_1" href="javascript:__doPostBack(&#39;ctl00$cph$rptPager$ctl01$lnkPage&#39;,&#39;&#39;)">2</a>',
        ("ctl00$cph$rptPager$ctl01$lnkPage", ""),
        None,
    ),
    # a custom pager control with the page in the argument
    "custom-argument": (
        '<a href="javascript:__doPostBack(&#39;ctl00$ContentBody$FriendPager&#39;,&#39;2&#39;)">2</a>'
        '<a href="javascript:__doPostBack(&#39;ctl00$ContentBody$FriendPager&#39;,&#39;Next&#39;)">Next</a>',
        ("ctl00$ContentBody$FriendPager", "2"),
        None,
    ),
    # previous/next submit buttons in Persian
    "submit-persian": (
        '<input type="submit" name="ctl00$ContentPlaceHolder1$btnPrev" value="صفحه قبل" disabled="disabled" />'
        '<input type="submit" name="ctl00$ContentPlaceHolder1$btnNext" value="صفحه بعد" />',
        ("ctl00$ContentPlaceHolder1$btnNext", "صفحه بعد"),
        "submit",
    ),
    # an image button (GridViewPager.ascx style): posts name.x / name.y
    "image-button": (
        '<input type="image" name="ctl00$cph$GridView1$ctl13$ImageButtonNext" src="PgNext.gif" alt="Next page" />',
        ("ctl00$cph$GridView1$ctl13$ImageButtonNext", "Next page"),
        "image",
    ),
    # a LinkButton whose postback goes through WebForm_DoPostBackWithOptions (validators on the page), in onclick
    "postback-options": (
        '<a id="lnkNext" href="#" onclick="javascript:WebForm_DoPostBackWithOptions(new '
        "WebForm_PostBackOptions(&quot;ctl00$cph$lnkNext&quot;, &quot;&quot;, true, &quot;&quot;, "
        '&quot;&quot;, false, true))">صفحه بعد</a>',
        ("ctl00$cph$lnkNext", ""),
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_pager_markups_lead_to_page_two(name):
    pager, (target, argument), button = CASES[name]
    html = FORM.format(pager=pager)
    got = next_request(html, BASE, 1)
    assert got is not None, find_pager(html)
    action, data, control = got
    assert action == "http://portal.example.ir/NewsArchive.aspx?tabid=12"
    assert data["__VIEWSTATE"].startswith("/wEPDwUK") and data["__VIEWSTATEGENERATOR"] == "CA0B0334"
    assert data["__EVENTVALIDATION"] == "/wEdAAS0PQ3oNv9Qk7w=="
    assert data["ctl00$ddlSize"] == "20" and data["ctl00$txtSearch"] == "" and "ctl00$chkAll" not in data
    assert "ctl00$btnSearch" not in data  # an unclicked button is never sent
    assert control.target == target
    if button is None:
        assert (data["__EVENTTARGET"], data["__EVENTARGUMENT"]) == (target, argument)
    elif button == "submit":
        assert data[target] == argument and data["__EVENTTARGET"] == ""
    else:
        assert data[target + ".x"] == "1" and data[target + ".y"] == "1"


def test_other_postbacks_are_not_pagers():
    html = FORM.format(pager="")
    assert find_pager(html) == []
    assert not has_pager(html) and next_request(html, BASE, 1) is None


def test_numbered_pager_follows_the_page_after_the_current_one():
    links = (
        "".join(
            f'<a href="javascript:__doPostBack(&#39;ctl00$c$GridView1&#39;,&#39;Page${p}&#39;)">{p}</a>'
            for p in (1, 2, 4, 5)
        )
        + "<span>3</span>"
    )
    html = FORM.format(pager=links)
    _, data, _ = next_request(html, BASE, 3)
    assert data["__EVENTARGUMENT"] == "Page$4"
    assert next_request(FORM.format(pager="<span>9</span>"), BASE, 9) is None  # the last page


def test_form_without_action_posts_back_to_the_page_and_entities_are_decoded():
    html = (
        '<form method="post" id="form1"><input type="hidden" name="__VIEWSTATE" value="a&amp;b" />'
        '<a href="javascript:__doPostBack(&#39;gv&#39;,&#39;Page$2&#39;)">2</a></form>'
    )
    form = parse_form(html, BASE)
    assert form is not None and form.action == BASE and form.fields == {"__VIEWSTATE": "a&b"}
    assert form_data(form, find_pager(html)[0])["__EVENTARGUMENT"] == "Page$2"


def test_a_home_page_that_pages_itself_by_postback():
    """No archive link at all: the home page's own GridView pages back. The crawler finds that by itself, posts
    page after page with the view state of the page just read, and a quiet daily re-run asks for the home page
    once (304) and posts nothing."""
    import asyncio
    from datetime import UTC, datetime, timedelta

    import httpx

    from khabar.crawl import Crawler, CrawlSettings, Incremental
    from khabar.crawl.sources import Source
    from khabar.crawl_records import CrawlState, SurfaceState

    now = datetime(2024, 3, 1, 12, tzinfo=UTC)
    n_pages, per_page = 3, 4

    def render(page: int) -> str:
        rows = "".join(
            f'<tr><td><a href="/News.aspx?id={page * 10 + k}">خبر شماره {page * 10 + k} درباره طرح‌های استانی جدید</a>'
            f"</td><td>{(now - timedelta(hours=page * 10 + k)).strftime('%Y-%m-%d')}</td></tr>"
            for k in range(per_page)
        )
        pager = "".join(
            f"<td><span>{p}</span></td>"
            if p == page
            else f'<td><a href="javascript:__doPostBack(&#39;ctl00$cph$gvNews&#39;,&#39;Page${p}&#39;)">{p}</a></td>'
            for p in range(1, n_pages + 1)
        )
        return (
            f'<html><body><form method="post" action="./" id="aspnetForm">'
            f'<input type="hidden" name="__VIEWSTATE" value="vs-{page}" />'
            f'<input type="hidden" name="__EVENTVALIDATION" value="ev-{page}" />'
            f"<table>{rows}<tr><td><table><tr>{pager}</tr></table></td></tr></table></form></body></html>"
        )

    requests: list[tuple[str, str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/robots.txt":
            return httpx.Response(404)
        if path.startswith("/sitemap"):
            return httpx.Response(404)
        if path == "/" and request.method == "POST":
            form = dict(x.split("=", 1) for x in request.content.decode().split("&"))
            page = int(form["__EVENTARGUMENT"].split("%24")[1])
            current = int(form["__VIEWSTATE"].split("-")[1])
            requests.append(("POST", f"{current}->{page}", ""))
            assert form["__EVENTVALIDATION"] == f"ev-{current}"
            return httpx.Response(200, html=render(page))
        requests.append((request.method, path, request.headers.get("if-none-match", "")))
        if path == "/":
            if request.headers.get("if-none-match") == '"home-1"':
                return httpx.Response(304)
            return httpx.Response(200, html=render(1), headers={"etag": '"home-1"'})
        body = "<html><body><h1>خبر</h1>" + "<p>متن خبر درباره طرح‌های استانی.</p>" * 30 + "</body></html>"
        return httpx.Response(200, html=body)

    src = Source(id="wf", url="http://wf.test/")
    settings = CrawlSettings.fast(initial_lookback_days=10, recheck_policy="never")
    state = CrawlState()

    def sink(batch):
        for u in batch.urls:
            if u.ok:
                state.seen.setdefault(u.source_id, set()).add(u.key)
        for sf in batch.surfaces:
            state.surfaces[sf.url] = SurfaceState(
                sf.url, sf.source_id, sf.kind, sf.last_fetched, sf.etag, sf.last_modified
            )
        for so in batch.sources:
            state.sources[so.source_id] = so

    report = asyncio.run(
        Crawler([src], settings, transport=httpx.MockTransport(handler), state=state, now=now).run(
            Incremental(), sink
        )
    )
    assert [r[1] for r in requests if r[0] == "POST"] == ["1->2", "2->3"]  # fresh view state each time
    assert report.as_dict()["fetched"] == n_pages * per_page and report.as_dict()["postbacks"] == 2
    requests.clear()
    asyncio.run(
        Crawler([src], settings, transport=httpx.MockTransport(handler), state=state, now=now).run(
            Incremental(), sink
        )
    )
    assert requests == [("GET", "/", '"home-1"')]  # the home page once, conditionally; nothing posted
