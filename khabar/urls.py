"""URL identity: one canonical spelling per page, shared by the crawler (seen URLs) and dedup (release ids).

The canonical form is a *key*, not necessarily a fetchable address: host lower-cased with ``www.``/``m.``/
``mobile.`` dropped, path percent-encoding normalised (Persian slugs decoded then re-encoded the one way), tracking
and presentation parameters (``?print=1``, ``?amp=1``: the same release printed) and fragments dropped, remaining
query parameters sorted, a trailing slash dropped (except for the root). Fetch the URL as discovered; key everything
by ``canonical_url``.

Scheme and port: on a default port (none, 80 for http, 443 for https) the scheme is forced to https, because real
sites link their pages both ways and the two must share one key (and every database keyed so far stays valid). A
non-default port is kept together with the URL's own scheme: one port serves one scheme, and two sites on one host
(``http://127.0.0.1:8001/`` and ``:8002/``) are two sites, not one.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "ref", "ref_src", "from", "_ga", "_gl",
     "spm", "at_medium", "at_campaign"}
)  # fmt: skip
# Parameters that choose a presentation of the same page, never another page.
PRESENTATION_PARAMS = frozenset({"print", "printable", "printversion", "printmode", "amp", "amp_js_v", "usqp"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
_SAFE_PATH = "/:@!$&'()*+,;=-._~"


def host_key(host: str) -> str:
    """The site identity of a host: lower-case, no port, no www./m./mobile./amp. prefix, IDNA-safe."""
    host = (host or "").strip().lower().rstrip(".")
    if host.startswith("[") or host.count(":") > 1:
        return host  # IPv6 literal
    host = host.split(":", 1)[0]
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
            break
    return host


def is_tracking_param(name: str) -> bool:
    name = name.lower()
    return name.startswith("utm_") or name in TRACKING_PARAMS


def _dropped_from_key(name: str) -> bool:
    return is_tracking_param(name) or name.lower() in PRESENTATION_PARAMS


def _norm_path(path: str) -> str:
    # decode then re-encode: «%D8%AE%D8%A8%D8%B1», «%d8%ae…» and raw «خبر» all become the same string
    path = quote(unquote(path, errors="surrogateescape"), safe=_SAFE_PATH, errors="surrogateescape")
    while "//" in path:
        path = path.replace("//", "/")
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return path or "/"


def canonical_url(url: str) -> str:
    """The identity key of a URL (see the module docstring). Idempotent: canonical_url(canonical_url(u)) == it."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path, parts.query, ""))  # file:, urn: …
    scheme = parts.scheme.lower()
    host = host_key(parts.hostname or "")
    try:
        port = parts.port
    except ValueError:  # a junk port ("host:abc"): keep the host alone
        port = None
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"
    else:
        scheme, netloc = "https", host
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _dropped_from_key(k)]
    query.sort()
    return urlunsplit((scheme, netloc, _norm_path(parts.path), urlencode(query, doseq=True), ""))


def strip_tracking(url: str) -> str:
    """The URL as published minus tracking parameters and fragment (what we request and show)."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, doseq=True), ""))


def _site(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port == _DEFAULT_PORTS.get(parts.scheme.lower()):
        port = None
    return host_key(parts.hostname or ""), port


def same_site(url_a: str, url_b: str) -> bool:
    """True when both URLs are on one site: host identity as in `host_key`, and the same non-default port (two
    servers on one host, `:8001` and `:8002`, are two sites)."""
    return _site(url_a) == _site(url_b)


__all__ = ["PRESENTATION_PARAMS", "TRACKING_PARAMS", "canonical_url", "host_key", "is_tracking_param", "same_site", "strip_tracking"]
