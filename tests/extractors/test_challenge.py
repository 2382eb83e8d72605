"""Challenge pages (CDN/WAF browser checks, captcha walls) are recognised; articles that mention them are not."""

from __future__ import annotations

import pytest

from extractors.challenge import challenge_reason, is_challenge

ARVAN = """<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>در حال بررسی مرورگر</title>
<script>setTimeout(function(){document.cookie="__arvan_chk=1";location.reload()},3000)</script></head>
<body><div class="box"><h1>در حال بررسی مرورگر شما</h1><p>لطفا چند لحظه صبر کنید…</p></div></body></html>"""
CLOUDFLARE = """<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>
<div id="challenge-form"><noscript>Enable JavaScript and cookies to continue</noscript></div>
<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=1"></script></body></html>"""
CAPTCHA = """<html><body><form><div class="g-recaptcha" data-sitekey="x"></div>
<p>لطفا کد امنیتی را وارد کنید</p><button>ادامه</button></form></body></html>"""
ARTICLE = ("<html><body><h1>کپچای جدید سامانه</h1><p>" + "سامانه ثبت‌نام بهزیستی از امروز با کد امنیتی تازه کار "
           "می‌کند و کاربران باید پیش از ورود بررسی مرورگر شما را تأیید کنند. " * 20 + "</p></body></html>")


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
