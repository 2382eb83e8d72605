"""Postback pagination: the archives of ASP.NET WebForms portals, which only a form post reaches.

Many provincial portals have no feed and no sitemap; their archive pager is a row of links such as
``javascript:__doPostBack('ctl00$ContentPlaceHolder1$GridView1','Page$2')`` or submit buttons
``<input type="submit" name="ctl00$ContentPlaceHolder1$btnNext">``. Clicking one posts the page's one server form
back to its action with every hidden field (``__VIEWSTATE``, ``__VIEWSTATEGENERATOR``, ``__EVENTVALIDATION``, …)
and the control in ``__EVENTTARGET``/``__EVENTARGUMENT`` (a button instead sends its own name=value). The server
checks the view state against the page it rendered, so every post is built from the page just received: the hidden
fields of page *n* lead to page *n + 1*, never those of an earlier page.

Pure functions (no I/O): the crawler fetches, these read pages and build the next request. Pager markups
recognised (from real WebForms pages and scrapers, see tests/crawl/test_postback.py):

- GridView numeric/next pagers: ``__doPostBack('…$GridView1','Page$3')``, ``'Page$Next'``, the ``...`` link to
  the next block of page numbers (``'Page$11'``), the current page a ``<span>``;
- ListView DataPager: numeric fields ``__doPostBack('…$DataPager1$ctl01$ctl02','')`` labelled by the page number,
  next/previous fields (``…$DataPager1$ctl02$ctl00`` labelled «بعدی», "Next", ">>") or, with ButtonType=Button,
  ``<input type="submit" name="…$DataPager1$ctl00$lnkNext" value="Next">``;
- custom pagers: LinkButtons in a Repeater (``…$rptPager$ctl03$lnkPage`` labelled "3"), a pager control with
  the page in the argument (``__doPostBack('…$FriendPager','4')``, ``'Next'``), submit and image buttons
  (``btnNext``), in ``href`` or ``onclick``, and ``WebForm_DoPostBackWithOptions(new
  WebForm_PostBackOptions("…$lnkNext", "", …))``.

Other postbacks on such pages (language switches, log-out links, menus, calendars, search buttons) are not pagers
and are never followed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

_DO_POSTBACK = re.compile(r"""__doPostBack\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]*)['"]\s*\)""")
_POSTBACK_OPTIONS = re.compile(r"""WebForm_PostBackOptions\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]*)['"]""")
_GRID_PAGE = re.compile(r"^Page\$(\d+)$", re.I)
_GRID_MOVE = re.compile(r"^Page\$(Next|Prev|First|Last)$", re.I)
_PAGERISH = re.compile(r"pager|paging|pagination|page|pg\b|next|prev|nav|grid|list|repeater|rpt", re.I)
_NOT_PAGER = re.compile(
    r"calendar|login|logout|signin|signout|lang|search|culture|menu|treeview|captcha", re.I
)
_NEXT_TEXT = re.compile(
    r"^\s*(?:بعدی|صفحه\s*(?:ی\s*)?بعد(?:ی)?|بعد|next(?:\s*page)?|›|»|>|>>|&gt;|&gt;&gt;|sau\s*>>|"
    r"(?:بعدی|next)\s*(?:>>|»|›))\s*$",
    re.I,
)
_NEXT_NAME = re.compile(r"(?:btn|lnk|lb|img|cmd)?next(?:page)?(?:button|btn)?$", re.I)
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


@dataclass(frozen=True)
class PostbackForm:
    """The page's server form: where it posts, and the fields a browser would send with it."""

    action: str
    fields: dict[str, str]

    @property
    def is_webforms(self) -> bool:
        return "__VIEWSTATE" in self.fields or "__EVENTVALIDATION" in self.fields


@dataclass(frozen=True)
class PagerControl:
    """One pager control: a postback link (target, argument) or a submit button (name, value)."""

    target: str
    argument: str
    label: str
    page: int | None = None  # the page it leads to, when the markup says (Page$3, a label "3")
    next: bool = False  # a "next page" control
    button: str | None = None  # "submit" or "image" for <input> buttons, None for __doPostBack links


def _page_number(text: str) -> int | None:
    t = text.strip().translate(_DIGITS)
    return int(t) if t.isdigit() and 0 < len(t) <= 5 else None


def parse_form(html: str, base: str) -> PostbackForm | None:
    """The first form carrying ASP.NET state (else the first form): its absolute action and the values a browser
    posts — hidden and text inputs, checked boxes, selected options; buttons only when clicked."""
    tree = LexborHTMLParser(html)
    forms = tree.css("form")
    if not forms:
        return None
    form = next((f for f in forms if f.css_first('input[name="__VIEWSTATE"]') is not None), forms[0])
    fields: dict[str, str] = {}
    for node in form.css("input, select, textarea"):
        a = node.attributes
        name = a.get("name")
        if not name or "disabled" in a:
            continue
        if node.tag == "select":
            opt = node.css_first("option[selected]") or node.css_first("option")
            if opt is not None:
                fields[name] = opt.attributes.get("value") or opt.text(deep=True).strip()
            continue
        if node.tag == "textarea":
            fields[name] = node.text(deep=True)
            continue
        kind = (a.get("type") or "text").lower()
        if kind in ("submit", "image", "button", "reset", "file"):
            continue
        if kind in ("checkbox", "radio") and "checked" not in a:
            continue
        fields[name] = a.get("value") or ("on" if kind in ("checkbox", "radio") else "")
    action = (form.attributes.get("action") or "").strip()
    return PostbackForm(urljoin(base, unescape(action)) if action else base, fields)


def _classify(target: str, argument: str, label: str) -> PagerControl | None:
    if _NOT_PAGER.search(target):
        return None
    m = _GRID_PAGE.match(argument)
    if m:
        return PagerControl(target, argument, label, page=int(m.group(1)))
    m = _GRID_MOVE.match(argument)
    if m:
        return PagerControl(target, argument, label, next=m.group(1).lower() == "next")
    number = _page_number(label)
    pagerish = bool(_PAGERISH.search(target))
    if number is not None and (pagerish or argument in ("", label.strip())):
        return PagerControl(target, argument, label, page=number)
    arg_number = _page_number(argument)
    if arg_number is not None and pagerish:
        return PagerControl(target, argument, label, page=arg_number)
    if _NEXT_TEXT.match(label) or argument.lower() == "next" or (pagerish and _NEXT_NAME.search(target)):
        return PagerControl(target, argument, label, next=True)
    return None


def find_pager(html: str) -> list[PagerControl]:
    """The pager controls of a listing page, in document order (see the module docstring for the markups)."""
    if (
        "__doPostBack" not in html
        and "WebForm_PostBackOptions" not in html
        and 'type="submit"' not in html.lower()
        and "type=submit" not in html.lower()
        and "type='submit'" not in html.lower()
    ):
        return []
    tree = LexborHTMLParser(html)
    out: list[PagerControl] = []
    seen: set[tuple[str, str]] = set()
    for a in tree.css("a[href], a[onclick], span[onclick], td[onclick]"):
        code = unescape((a.attributes.get("href") or "") + " " + (a.attributes.get("onclick") or ""))
        m = _DO_POSTBACK.search(code) or _POSTBACK_OPTIONS.search(code)
        if m is None:
            continue
        label = " ".join(a.text(deep=True).split()) or (a.attributes.get("title") or "")
        if not label:
            img = a.css_first("img")
            label = (img.attributes.get("alt") or "") if img is not None else ""
        c = _classify(m.group(1), m.group(2), label)
        if c is not None and (c.target, c.argument) not in seen:
            seen.add((c.target, c.argument))
            out.append(c)
    for b in tree.css("input[name], button[name]"):
        attrs = b.attributes
        kind = (attrs.get("type") or ("submit" if b.tag == "button" else "text")).lower()
        if kind not in ("submit", "image") or "disabled" in attrs:
            continue
        name = attrs.get("name") or ""
        value = (
            attrs.get("value")
            or (b.text(deep=True).strip() if b.tag == "button" else "")
            or attrs.get("alt")
            or ""
        )
        if _NOT_PAGER.search(name):
            continue
        number = _page_number(value)
        if number is not None and _PAGERISH.search(name):
            c = PagerControl(name, value, value, page=number, button=kind)
        elif _NEXT_TEXT.match(value) or _NEXT_NAME.search(name):
            c = PagerControl(name, value, value, next=True, button=kind)
        else:
            continue
        if (c.target, c.argument) not in seen:
            seen.add((c.target, c.argument))
            out.append(c)
    return out


def next_control(
    controls: list[PagerControl], current: int, target: str | None = None
) -> PagerControl | None:
    """The control that leads from page `current` to the next one: the link to page `current + 1` when the pager
    numbers its pages, else its "next" control. `target` (from the source's config) restricts to one pager."""
    if target:
        controls = [c for c in controls if c.target.startswith(target)]
    numbered = [c for c in controls if c.page == current + 1]
    if numbered:
        return numbered[0]
    nexts = [c for c in controls if c.next]
    return nexts[0] if nexts else None


def form_data(form: PostbackForm, control: PagerControl) -> dict[str, str]:
    """What the browser posts when the control is clicked (event target and argument, or the button itself)."""
    data = dict(form.fields)
    if control.button is None:
        data["__EVENTTARGET"] = control.target
        data["__EVENTARGUMENT"] = control.argument
    else:
        data.setdefault("__EVENTTARGET", "")
        data.setdefault("__EVENTARGUMENT", "")
        if control.button == "image":
            data[control.target + ".x"] = "1"
            data[control.target + ".y"] = "1"
        else:
            data[control.target] = control.argument
    return data


def next_request(
    html: str, base: str, current: int, target: str | None = None
) -> tuple[str, dict[str, str], PagerControl] | None:
    """(action URL, form data, control) for the page after `current`, or None when the page has no postback pager
    leading further (the last page, or not a WebForms listing)."""
    control = next_control(find_pager(html), current, target)
    if control is None:
        return None
    form = parse_form(html, base)
    if form is None or (control.button is None and "__doPostBack" in html and not form.fields):
        return None
    return form.action, form_data(form, control), control


def has_pager(html: str) -> bool:
    """True when the page carries a postback pager (a listing whose older pages only a form post reaches)."""
    return next_control(find_pager(html), 1) is not None


__all__ = [
    "PagerControl",
    "PostbackForm",
    "find_pager",
    "form_data",
    "has_pager",
    "next_control",
    "next_request",
    "parse_form",
]
