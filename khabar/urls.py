"""URL identity: one canonical spelling per page, shared by the crawler (seen URLs) and dedup (release ids).

The normal form: host lower-cased with ``www.``/``m.``/
``mobile.`` dropped, path percent-encoding normalised (Persian slugs decoded then re-encoded the one way), tracking
and presentation parameters (``?print=1``, ``?amp=1``: the same release printed) and fragments dropped, remaining
query parameters sorted, a trailing slash dropped (except for the root). Fetch the URL as discovered; key everything
by ``url_key`` (the identity; ``canonical_url`` is the address shown).

Two functions, because an address and an identity are not the same thing:

- ``canonical_url`` is the page's canonical *address*: the normalisation above with the URL's own scheme kept (give
  it the URL the site served: the final URL after redirects, or the page's own rel=canonical) and a default port
  dropped. It is what ``releases.canonical_url`` shows and what a reader can open.
- ``url_key`` is the *identity* every join uses (release ids, seen-URL state, aliases, dedup): the canonical address
  with the scheme folded to https on a default port, because real sites link their pages both ways and the http and
  https spellings of one page must stay one release. Keys written before the two were split are exactly these
  keys, so release ids and crawl state stay valid.

A non-default port is kept, with the URL's own scheme, by both: one port serves one scheme, and two sites on one
host (``http://127.0.0.1:8001/`` and ``:8002/``) are two sites, not one.
``url_key(canonical_url(u)) == url_key(u)`` for every URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "from",
        "_ga",
        "_gl",
        "spm",
        "at_medium",
        "at_campaign",
    }
)
# Parameters that choose a presentation of the same page, never another page.
PRESENTATION_PARAMS = frozenset(
    {"print", "printable", "printversion", "printmode", "amp", "amp_js_v", "usqp"}
)
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
            host = host[len(prefix) :]
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


def _normalise(url: str, *, fold_scheme: bool) -> str:
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
        netloc = host
        if fold_scheme:
            scheme = "https"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _dropped_from_key(k)]
    query.sort()
    return urlunsplit((scheme, netloc, _norm_path(parts.path), urlencode(query, doseq=True), ""))


def canonical_url(url: str) -> str:
    """The canonical address of a URL, its scheme kept (see the module docstring). Idempotent."""
    return _normalise(url, fold_scheme=False)


def url_key(url: str) -> str:
    """The identity key of a URL: its canonical address with http/https joined on a default port. Idempotent,
    and equal for every spelling `canonical_url` maps to one address."""
    return _normalise(url, fold_scheme=True)


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


# --- documented variants ------------------------------------------------------------------------------------------
# A source may list the shapes of its own print / amp pages (`variants:` in the sources file). Such a page is the
# same release as its article even when it declares no rel=canonical. Three forms:
#   "?view=print"                          a query parameter (with a value: only that value) marking a presentation
#   "/amp/{path}"                          a path prefix; the article is the rest of the path, query kept
#   "/print/{id} -> /News/ShowNews.aspx?Code={id}"   a template; `{name}` matches one path segment, `{path}` the
#                                          rest; the article side may use every placeholder the variant names
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


@dataclass(frozen=True)
class Variant:
    """One parsed `variants:` entry (see `parse_variant`)."""

    spec: str
    param: tuple[str, str | None] | None = None
    pattern: re.Pattern[str] | None = None
    article: str = ""

    def article_url(self, url: str) -> str | None:
        """The article URL that `url` is this variant of, or None when it is not."""
        parts = urlsplit(url)
        if self.param is not None:
            name, value = self.param
            query = parse_qsl(parts.query, keep_blank_values=True)
            kept = [
                (k, v) for k, v in query if not (k.lower() == name and (value is None or v.lower() == value))
            ]
            if len(kept) == len(query):
                return None
            return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept, doseq=True), ""))
        assert self.pattern is not None
        m = self.pattern.fullmatch(parts.path)
        if m is None:
            return None
        target = _PLACEHOLDER.sub(lambda x: m.group(x.group(1)), self.article)
        t_path, _, t_query = target.partition("?")
        return urlunsplit((parts.scheme, parts.netloc, t_path, t_query if "?" in target else parts.query, ""))


def parse_variant(spec: str) -> Variant:
    """Parse one `variants:` entry; a ValueError says what is wrong with it."""
    text = spec.strip()
    if text.startswith("?"):
        name, eq, value = text[1:].partition("=")
        if not name or "&" in text or "{" in text:
            raise ValueError(f"{spec!r}: a query variant is one parameter, e.g. ?print=1 or ?amp")
        return Variant(spec, param=(name.lower(), value.lower() if eq else None))
    variant, arrow, article = (x.strip() for x in text.partition("->"))
    if not variant.startswith("/"):
        raise ValueError(f"{spec!r}: must start with / (a path) or ? (a query parameter)")
    names = _PLACEHOLDER.findall(variant)
    if len(names) != len(set(names)):
        raise ValueError(f"{spec!r}: a placeholder is named twice")
    if not arrow:
        if "path" not in names:
            raise ValueError(
                f'{spec!r}: give the article shape ("/print/{{id}} -> /news/{{id}}") or end with {{path}}'
            )
        article = "/{path}"
    if not article.startswith("/"):
        raise ValueError(f"{spec!r}: the article side must be a path starting with /")
    unknown = set(_PLACEHOLDER.findall(article)) - set(names)
    if unknown:
        raise ValueError(
            f"{spec!r}: the article uses {{{sorted(unknown)[0]}}}, which the variant does not name"
        )
    regex, pos = [], 0
    for m in _PLACEHOLDER.finditer(variant):
        regex.append(re.escape(variant[pos : m.start()]))
        name = m.group(1)
        regex.append(f"(?P<{name}>.+)" if name == "path" else f"(?P<{name}>[^/]+)")
        pos = m.end()
    regex.append(re.escape(variant[pos:]))
    return Variant(spec, pattern=re.compile("".join(regex) + "/?", re.IGNORECASE), article=article)


def variant_article(url: str, variants: tuple[Variant, ...] | list[Variant]) -> str | None:
    """The article URL of a documented variant (the first entry that matches), or None."""
    for v in variants:
        found = v.article_url(url)
        if found is not None and url_key(found) != url_key(url):
            return found
    return None


__all__ = [
    "PRESENTATION_PARAMS",
    "TRACKING_PARAMS",
    "Variant",
    "canonical_url",
    "host_key",
    "is_tracking_param",
    "parse_variant",
    "same_site",
    "strip_tracking",
    "url_key",
    "variant_article",
]
