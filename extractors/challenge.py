"""Anti-bot challenge pages: a CDN's or WAF's browser check, a captcha wall — never content.

Such a page answers 200 (or 403/503) with a line of text and a script: stored as a release, it would hide the real
article until some later re-check. Both the crawler (to record ``challenge`` in ``fetch_log`` and retry later) and
the extractor (to call it a non-article) ask this one function, so the two never disagree.

The markers are the ones the common services print (Cloudflare, ArvanCloud, Sucuri, DDoS-Guard, Imunify, generic
captcha walls); a page is a challenge only when such a marker appears *and* the page carries little visible prose, so
an article that merely mentions «کپچا» or "Cloudflare" stays an article.
"""

from __future__ import annotations

import re

# Markers in the markup (scripts, form actions, ids) that only challenge pages carry.
_MARKUP = re.compile(
    r"cdn-cgi/challenge-platform|__cf_chl_|cf-browser-verification|cf_chl_opt|challenge-form|"
    r"jschl[-_]vc|jschl[-_]answer|/\.well-known/sgcaptcha|sucuri_cloudproxy|ddos-guard|"
    r"arvancloud\.(?:com|ir)/(?:challenge|captcha)|__arvan|ar-challenge|imunify360|bot-protection|"
    r"g-recaptcha|h-captcha|hcaptcha\.com/1/api\.js|recaptcha/api\.js|captcha-container|turnstile",
    re.I,
)
# Visible phrases, Persian and English, that such pages show.
_PHRASE = re.compile(
    r"در حال بررسی (?:مرورگر|امنیت|اتصال)|بررسی مرورگر شما|لطفا? ?(?:چند لحظه|کمی) صبر کنید|"
    r"تا چند لحظه دیگر به (?:سایت|صفحه)|مرورگر شما در حال بررسی|حفاظت (?:شده )?توسط ابر ?آروان|"
    r"کد امنیتی (?:را )?وارد کنید|من ربات نیستم|"
    r"checking (?:your|if the site connection is) (?:browser|secure)|just a moment\.\.\.|"
    r"please (?:wait|stand by)[^.]{0,40}(?:redirect|verif|check)|verify(?:ing)? you are (?:a )?human|"
    r"attention required!? ?\|? ?cloudflare|ddos protection by|enable javascript and cookies to continue|"
    r"please complete the security check|access denied \| .{0,40} used cloudflare|i'?m not a robot",
    re.I,
)
# A cheap first look: every marker and phrase above contains one of these literal needles, so a page without any
# of them (nearly every article) is cleared by a few substring searches instead of the case-insensitive regexes
# (~6 ms on a 12 KB page; the crawler asks about every page it fetches). Persian needles are searched as they are,
# English ones in the page's ASCII letters lower-cased.
_FA_NEEDLES = ("مرورگر", "صبر کنید", "چند لحظه", "آروان", "امنیتی", "ربات", "در حال بررسی")
_EN_NEEDLES = tuple(
    n.encode()
    for n in (
        "cdn-cgi",
        "cf_chl",
        "cf-browser",
        "challenge",
        "jschl",
        "captcha",
        "sucuri",
        "ddos",
        "arvan",
        "imunify",
        "bot-protection",
        "turnstile",
        "checking",
        "just a moment",
        "please wait",
        "please stand by",
        "human",
        "cloudflare",
        "security check",
        "javascript and cookies",
        "not a robot",
        "im not a robot",
    )
)


def _maybe(head: str) -> bool:
    if any(n in head for n in _FA_NEEDLES):
        return True
    low = head.encode("ascii", "ignore").lower()
    return any(n in low for n in _EN_NEEDLES)


_TAGS = re.compile(r"<(script|style|noscript)\b[^>]*>.*?</\1\s*>|<[^>]+>", re.I | re.S)
_SPACES = re.compile(r"\s+")
_LETTERS = re.compile(r"[^\W\d_]", re.U)

# Below this many visible letters a page showing a challenge phrase or marker is a challenge; real articles,
# even short ones, carry far more (the shortest release in the Fars corpus has ~400 letters of body alone).
MAX_CHALLENGE_LETTERS = 600


def visible_text(html: str) -> str:
    """The page's text without scripts, styles and tags: cheap, regex-based (challenge pages are tiny)."""
    return _SPACES.sub(" ", _TAGS.sub(" ", html)).strip()


def challenge_reason(html: str, status: int | None = None) -> str | None:
    """Why this response is a challenge page (the marker found), or ``None`` when it is not one.

    ``status`` is the HTTP status when known: a 403/429/503 with a marker is a challenge whatever its length.
    """
    if not html:
        return None
    head = html[:200_000]
    if not _maybe(head):
        return None
    markup = _MARKUP.search(head)
    text = visible_text(head)
    phrase = _PHRASE.search(text)
    hit = phrase or markup
    if hit is None:
        return None
    letters = len(_LETTERS.findall(text))
    if letters <= MAX_CHALLENGE_LETTERS or status in (403, 429, 503):
        return f"challenge page ({hit.group(0).strip()[:60]})"
    return None


def is_challenge(html: str, status: int | None = None) -> bool:
    """True when the response is an anti-bot challenge rather than the page asked for."""
    return challenge_reason(html, status) is not None
