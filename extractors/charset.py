"""Which charset a page is in: one detector for the fetcher, the WARC/HTML import and the extractor's decoder.

Precedence is the HTML standard's: a byte-order mark, then the HTTP ``Content-Type`` charset, then
``<meta charset>`` / ``<meta http-equiv>`` in the first 4 KB; with none of them, valid UTF-8 is UTF-8 and anything
else is sniffed by charset-normalizer among the encodings Persian sites use. Labels are read through one table
(WHATWG labels for the Arabic-script family, else Python's codec registry): ``cp1256``, ``x-cp1256``,
``windows-1256`` and ``arabic`` are all windows-1256, ``utf8`` is ``utf-8``, and an unknown label is no charset
(it used to reach ``bytes.decode`` and raise ``LookupError``)."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Labels whose meaning differs from Python's registry, or that it does not know. «arabic» is ISO-8859-6 to WHATWG
# and to Python, but ISO-8859-6 has no «پ چ ژ گ ک ی»: a Persian page labelled so is windows-1256 (both earlier
# tables read it so); a page that is not fails strict decoding and is sniffed instead.
_ALIASES = {
    "cp1256": "windows-1256",
    "x-cp1256": "windows-1256",
    "cp-1256": "windows-1256",
    "windows-1256": "windows-1256",
    "arabic": "windows-1256",
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "iso-8859-6": "iso-8859-6",
    "iso8859-6": "iso-8859-6",
    "iso_8859-6": "iso-8859-6",
    "asmo-708": "iso-8859-6",
    "ecma-114": "iso-8859-6",
}
_SNIFFED = ["cp1256", "utf_8", "iso8859_6", "cp1252"]  # what charset-normalizer may choose among


def charset_label(name: str | None) -> str | None:
    """A charset label as read in a header or a page → the codec name used throughout; None when unknown."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower().replace("_", "-")
    if label in _ALIASES:
        return _ALIASES[label]
    try:
        b"a".decode(label)  # a known text encoding (the registry also holds base64, rot13 …)
    except LookupError:
        return None
    except UnicodeDecodeError:
        pass
    return label


def bom_charset(body: bytes) -> str | None:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    return None


def header_charset(content_type: str | None) -> str | None:
    m = _HEADER.search(content_type or "")
    return charset_label(m.group(1)) if m else None


def meta_charset(body: bytes) -> str | None:
    m = _META.search(body[:4096])
    return charset_label(m.group(1).decode("ascii", "ignore")) if m else None


def declared_charset(headers: Mapping[str, str], body: bytes) -> str | None:
    """What the response says about itself: BOM, then header, then meta (a label nobody knows is skipped)."""
    return bom_charset(body) or header_charset(headers.get("content-type")) or meta_charset(body)


def is_utf8(data: bytes) -> bool:
    """Valid UTF-8, allowing a character cut at the end of a truncated sample."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def detect_charset(headers: Mapping[str, str], body: bytes) -> str | None:
    """The charset of a fetched or imported page; None when nothing is declared and sniffing finds nothing."""
    declared = declared_charset(headers, body)
    if declared is not None:
        return declared
    if is_utf8(body[:65536]):
        return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(body[:65536], cp_isolation=_SNIFFED).best()
    return charset_label(best.encoding) if best else None


__all__ = [
    "bom_charset",
    "charset_label",
    "declared_charset",
    "detect_charset",
    "header_charset",
    "is_utf8",
    "meta_charset",
]
