"""One charset detector for the fetcher, the import and the extractor: the labels the two old alias tables read
differently (the fetcher's `windows-1256` vs the extractor's `cp1256`; `x-cp1256` known to one only), the byte-order
mark, and header-over-meta precedence."""

from __future__ import annotations

import pytest
from khabar.extractors.charset import charset_label, declared_charset, detect_charset
from khabar.extractors.html import decode

PERSIAN = "به گزارش روابط عمومی بهزیستی استان کرمان، «نشست» برگزار شد"
CP1256 = ("<html><body><p>" + PERSIAN * 20 + "</p>").replace("ی", "ي").encode("cp1256")


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("windows-1256", "windows-1256"),
        ("Windows-1256", "windows-1256"),
        ("cp1256", "windows-1256"),
        ("CP1256", "windows-1256"),
        ("x-cp1256", "windows-1256"),
        ("cp-1256", "windows-1256"),
        ("arabic", "windows-1256"),
        ("utf8", "utf-8"),
        ("UTF-8", "utf-8"),
        ("utf_8", "utf-8"),
        ("ISO-8859-6", "iso-8859-6"),
        ("iso-8859-1", "iso-8859-1"),
        ("no-such-charset", None),
        ("base64", None),  # a codec, but not a text encoding
        ("", None),
    ],
)
def test_labels(label, codec):
    assert charset_label(label) == codec


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ({"content-type": "text/html; charset=windows-1256"}, b"", "windows-1256"),
        ({"content-type": "text/html; charset=cp1256"}, b"", "windows-1256"),
        ({}, b'<meta charset="windows-1256">', "windows-1256"),
        ({}, b'<meta http-equiv="Content-Type" content="text/html; charset=arabic">', "windows-1256"),
        # the header outranks the page's <meta>; a byte-order mark outranks both
        ({"content-type": "text/html; charset=utf-8"}, b'<meta charset="windows-1256">', "utf-8"),
        (
            {"content-type": "text/html; charset=windows-1256"},
            b"\xef\xbb\xbf<meta charset=windows-1256>",
            "utf-8",
        ),
        # an unknown header label is skipped: the <meta> speaks
        ({"content-type": "text/html; charset=bogus"}, b'<meta charset="cp1256">', "windows-1256"),
        ({}, f"<p>{PERSIAN}</p>".encode(), "utf-8"),
        ({}, CP1256, "windows-1256"),
    ],
)
def test_detect_charset(headers, body, expected):
    assert detect_charset(headers, body) == expected


def test_utf8_cut_mid_character_in_the_sample_is_still_utf8():
    body = ("<p>" + PERSIAN * 2000 + "</p>").encode()
    assert len(body) > 65536 and detect_charset({}, body) == "utf-8"


@pytest.mark.parametrize("hint", ["windows-1256", "cp1256", "x-cp1256", "arabic", None])
def test_extractor_decodes_what_the_detector_names(hint):
    """The extractor reads a hint (the fetcher's label) through the same table: every spelling decodes cleanly."""
    text, _, errors = decode(CP1256, hint)
    assert PERSIAN.replace("ی", "ي") in text and errors == []


def test_extractor_bom_beats_a_wrong_hint_and_no_bom_character_is_kept():
    body = "\ufeff<p>خبر\u200cها</p>".encode()
    text, codec, _ = decode(body, "windows-1256")
    assert text == "<p>خبر\u200cها</p>" and codec == "utf-8"


def test_a_wrong_header_label_falls_back_to_the_meta_in_the_extractor():
    body = b'<meta charset="windows-1256">' + CP1256
    assert declared_charset({"content-type": "text/html; charset=utf-8"}, body) == "utf-8"
    text, codec, _ = decode(body, "utf-8")  # the header lied: strict utf-8 fails, the meta decodes cleanly
    assert codec == "windows-1256" and PERSIAN.replace("ی", "ي") in text
