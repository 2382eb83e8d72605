"""Challenge pages (CDN/WAF browser checks, captcha walls) are recognised; articles that mention them are not."""

from __future__ import annotations

import pytest
from khabar.extractors.challenge import challenge_reason, is_challenge

ARVAN = """<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>در حال بررسی مرورگر</title>
<script>setTimeout(function(){document.cookie="__arvan_chk=1";location.reload()},3000)</script></head>
<body><div class="box"><h1>در حال بررسی مرورگر شما</h1><p>لطفا چند لحظه صبر کنید…</p></div></body></html>"""
CLOUDFLARE = """<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>
<div id="challenge-form"><noscript>Enable JavaScript and cookies to continue</noscript></div>
<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=1"></script></body></html>"""
CAPTCHA = """<html><body><form><div class="g-recaptcha" data-sitekey="x"></div>
<p>لطفا کد امنیتی را وارد کنید</p><button>ادامه</button></form></body></html>"""
ARTICLE = (
    "<html><body><h1>کپچای جدید سامانه</h1><p>" + "سامانه ثبت‌نام بهزیستی از امروز با کد امنیتی تازه کار "
    "می‌کند و کاربران باید پیش از ورود بررسی مرورگر شما را تأیید کنند. " * 20 + "</p></body></html>"
)


@pytest.mark.parametrize("html", [ARVAN, CLOUDFLARE, CAPTCHA], ids=["arvan", "cloudflare", "captcha"])
def test_challenge_pages_are_recognised(html: str) -> None:
    assert is_challenge(html)
    assert challenge_reason(html, 200).startswith("challenge page")


def test_long_article_mentioning_checks_is_not_a_challenge() -> None:
    assert not is_challenge(ARTICLE)


def test_forbidden_with_marker_is_a_challenge_whatever_its_length() -> None:
    assert is_challenge(ARTICLE.replace("<body>", '<body><div class="g-recaptcha"></div>'), 403)


def test_plain_small_page_is_not_a_challenge() -> None:
    assert not is_challenge("<html><body><p>سلام</p></body></html>")
    assert not is_challenge("")


# One small page per marker and phrase the recogniser knows: the cheap substring pre-check (which clears ordinary
# articles without running the regexes) must let every one of them through.
SHAPES = [
    '<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/jsch/v1"></script>',
    "<script>window.__CF$cv$params={};var __cf_chl_tk='x'</script>",
    '<div class="cf-browser-verification cf-im-under-attack"></div>',
    "<script>window._cf_chl_opt={cvId:'3'}</script>",
    '<input type="hidden" name="jschl_vc" value="1"/><input name="jschl_answer"/>',
    '<meta http-equiv="refresh" content="0;/.well-known/sgcaptcha/?r=%2F">',
    "<script>document.cookie='sucuri_cloudproxy_uuid_1=2'</script>",
    '<div id="ddos-guard-check"></div>',
    '<iframe src="https://arvancloud.ir/challenge/x"></iframe>',
    '<div class="imunify360-webshield"></div>',
    '<div id="bot-protection"></div>',
    '<div class="h-captcha" data-sitekey="k"></div>',
    '<script src="https://js.hcaptcha.com/1/api.js" async></script>',
    '<div class="cf-turnstile"></div>',
    "<h1>در حال بررسی امنیت اتصال شما</h1>",
    "<p>تا چند لحظه دیگر به سایت منتقل می‌شوید</p>",
    "<p>حفاظت شده توسط ابر آروان</p>",
    "<p>من ربات نیستم</p>",
    "<h2>Checking if the site connection is secure</h2>",
    "<p>Please wait while we verify your browser, you will be redirected</p>",
    "<p>Verifying you are human. This may take a few seconds.</p>",
    "<title>Attention Required! | Cloudflare</title>",
    "<p>DDoS protection by DDoS-Guard</p>",
    "<h2>Please complete the security check to access the site</h2>",
    "<label>I'm not a robot</label>",
]


@pytest.mark.parametrize("snippet", SHAPES)
def test_every_known_shape_passes_the_pre_check(snippet: str) -> None:
    assert is_challenge(f"<html><head></head><body>{snippet}</body></html>"), snippet
