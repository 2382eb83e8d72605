"""Markup quirks real Iranian sites show, shared by the newer page families (Nastooh, WordPress, provincial
portal, WebForms): numeric character references without semicolons, Jalali dates written into meta tags meant
for ISO 8601, an «بروزرسانی» instant that differs from the byline's, and the Joomla-style worded byline.

Each quirk is decided from a hash of the site or page, so the simulated web stays deterministic.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from khabar.simweb import clock
from khabar.simweb.clock import JALALI_MONTHS, TEHRAN, WEEKDAYS
from khabar.simweb.numwords import digits as _digits
from khabar.simweb.sites import h64

_FA_DIGIT = re.compile(r"[\u06f0-\u06f9\u0660-\u0669](?![0-9;])")


def ncr_digits(escaped_html: str) -> str:
    """Persian / Arabic-Indic digits as decimal character references without the semicolon (``&#1777&#1779``),
    as old editors and FrontPage-era pages wrote them. A digit followed by a Latin digit or ``;`` is left alone
    (a reference would swallow the next digit), so the decoded text is exactly the original."""
    return _FA_DIGIT.sub(lambda m: f"&#{ord(m.group())}", escaped_html)


def updated_at(site_id: str, code: str, published: datetime, modified: datetime | None) -> datetime | None:
    """The instant a page shows as «بروزرسانی»: the real edit when there was one, else on about half the pages a
    touch 20 minutes to 30 hours after publication (often the next day), as CMSs record any save."""
    if modified is not None:
        return modified
    hv = h64("updated", site_id, code)
    if hv % 2:
        return None
    return published + timedelta(minutes=20 + (hv >> 8) % (30 * 60))


def jalali_pseudo_iso(dt: datetime, script: str = "persian") -> str:
    """``۱۴۰۲-۱۲-۰۵T۱۰:۳۰:۰۰+۰۳:۳۰``: a Jalali date in an ISO-shaped string, as a Jalali date plugin leaves it in
    ``article:published_time`` and JSON-LD ``datePublished`` (the year is not Gregorian)."""
    t = dt.astimezone(TEHRAN)
    y, m, d = clock.jalali(t.date())
    off = t.strftime("%z")
    s = f"{y:04d}-{m:02d}-{d:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}{off[:3]}:{off[3:]}"
    return _digits(s, script)


def byline_joomla(dt: datetime, script: str = "persian") -> str:
    """Joomla 1.5 (Persian pack) style: ``پنجشنبه ، ۲۴ مرداد ۱۳۹۲ ساعت ۰۹:۴۲``."""
    t = dt.astimezone(TEHRAN)
    y, m, d = clock.jalali(t.date())
    return (
        f"{WEEKDAYS[t.weekday()]} ، {clock.d(d, script)} {JALALI_MONTHS[m - 1]} {clock.d(y, script)} ساعت "
        f"{clock.d(t.hour, script, 2)}:{clock.d(t.minute, script, 2)}"
    )


def jalali_slash(dt: datetime, script: str = "latin") -> tuple[str, str]:
    """ASP.NET ``PersianCalendar`` output split in two labels: ``1402/12/05`` and ``10:30``."""
    t = dt.astimezone(TEHRAN)
    y, m, d = clock.jalali(t.date())
    return (
        f"{clock.d(y, script)}/{clock.d(m, script, 2)}/{clock.d(d, script, 2)}",
        f"{clock.d(t.hour, script, 2)}:{clock.d(t.minute, script, 2)}",
    )
