"""Sites behind a CDN/WAF browser check: a challenge page instead of the page asked for.

Provincial portals sit behind CDNs whose browser check answers a first visit with a few lines of text and a
script («در حال بررسی مرورگر شما … لطفا چند لحظه صبر کنید»), HTTP 200, 403 or 503 alike (issue 16). Two kinds of
site (``PortalConfig``):

- *challenge sites* answer the first visit of some of their articles (``challenge_share``, chosen per article, so
  every URL variant of a chosen article is challenged on its own first visit) with a challenge; the next visit of
  the same URL gets the article, as a browser that passed the check would;
- *blocked sites* answer every request but robots.txt with a challenge, however often asked.

Deterministic: which articles, which status and which of the three page styles follow from the seed and the URL;
"first visit" is the server's own per-URL attempt count.
"""

from __future__ import annotations

import functools

from khabar.simweb.config import SimWebConfig
from khabar.simweb.sites import SiteProfile, build_sites, h64

_STATUSES = (200, 403, 503)

_PAGES = (
    # ArvanCloud-like Persian browser check (HTTP 200 on the real thing, too)
    '<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>در حال بررسی مرورگر</title>'
    '<meta http-equiv="refresh" content="5"></head><body><div class="ar-challenge"><h1>در حال بررسی مرورگر شما'
    "</h1><p>لطفا چند لحظه صبر کنید…</p><p>حفاظت شده توسط ابر آروان</p></div><script>setTimeout(function(){"
    "document.cookie='__arvan_chk={token};path=/';location.reload();},4000);</script></body></html>",
    # captcha wall
    '<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>بررسی امنیتی</title></head>'
    '<body><form method="post" action="/.well-known/captcha"><p>برای ادامه، کد امنیتی را وارد کنید.</p>'
    '<div class="g-recaptcha" data-sitekey="{token}"></div><input type="checkbox" name="human"> من ربات نیستم'
    '<button type="submit">ادامه</button></form><script src="https://www.google.com/recaptcha/api.js"></script>'
    "</body></html>",
    # Cloudflare-like interstitial
    '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title><meta http-equiv="Content-Type" '
    'content="text/html; charset=UTF-8"></head><body><div class="main-wrapper"><h1>Checking your browser before '
    "accessing the site.</h1><p>This process is automatic. Your browser will redirect to your requested content "
    "shortly.</p><noscript>Enable JavaScript and cookies to continue</noscript></div><script>(function(){window."
    "_cf_chl_opt={{cRay:'{token}'}};var a=document.createElement('script');a.src='/cdn-cgi/challenge-platform/h/b/"
    "orchestrate/chl_page/v1?ray={token}';document.head.appendChild(a);}}());</script></body></html>",
)


@functools.lru_cache(maxsize=32)
def _sites(config: SimWebConfig) -> tuple[frozenset[int], frozenset[int]]:
    """(challenge site indexes, blocked site indexes): agency sites that are not WebForms portals, in order."""
    from khabar.simweb.webforms_site import webforms_styles

    taken = set(webforms_styles(config))
    pool = [s.index for s in build_sites(config) if s.spec.kind == "agency" and s.index not in taken]
    p = config.portals
    challenge = pool[: p.challenge_sites]
    blocked = pool[p.challenge_sites : p.challenge_sites + p.blocked_sites]
    return frozenset(challenge), frozenset(blocked)


def challenge_sites(config: SimWebConfig) -> frozenset[int]:
    return _sites(config)[0]


def blocked_sites(config: SimWebConfig) -> frozenset[int]:
    return _sites(config)[1]


def decide(
    config: SimWebConfig, site: SiteProfile, route_kind: str, code: str | None, attempt: int
) -> int | None:
    """The status of the challenge page this request gets, or None for the real response."""
    challenge, blocked = _sites(config)
    if site.index in blocked:
        return None if route_kind == "robots" else _STATUSES[h64(config.seed, "blocked", site.site_id) % 3]
    if site.index not in challenge or route_kind != "article" or attempt > 1 or code is None:
        return None
    hv = h64(config.seed, "challenge", site.site_id, code)
    if (hv % 10_000) / 10_000 >= config.portals.challenge_share:
        return None
    return _STATUSES[(hv >> 20) % 3]


def page(config: SimWebConfig, site: SiteProfile, target: str, status: int) -> bytes:
    """The challenge page of the style that answers with `status` (a Persian browser check with 200, a captcha
    wall with 403, an interstitial with 503), with a per-request token as the real ones carry."""
    token = f"{h64(config.seed, 'chpage', site.site_id, target):016x}"
    text = _PAGES[_STATUSES.index(status)]
    return text.replace("{token}", token).replace("{{", "{").replace("}}", "}").encode()


__all__ = ["blocked_sites", "challenge_sites", "decide", "page"]
