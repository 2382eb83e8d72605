"""Transient faults, drawn deterministically per (seed, URL as requested, attempt number for that URL).

The server counts requests per URL; the n-th request for a URL gets the fault (or none) that a hash of
(seed, url, n) selects, so runs are reproducible and a retry draws again (it can succeed).
"""

from __future__ import annotations

from dataclasses import dataclass

from khabar.simweb.config import FaultConfig
from khabar.simweb.sites import h64, unit

# Route kinds that can fail: articles and discovery surfaces (robots.txt, 404s and redirect hops never do).
ELIGIBLE = frozenset(
    {"article", "print", "archive", "home", "feed", "sitemap_index", "sitemap_news", "sitemap_month"}
)


@dataclass(frozen=True)
class Fault:
    kind: str  # "5xx" | "429" | "timeout" | "slow" | "reset" | "truncated" | "redirect"
    status: int = 0  # for 5xx / 429 / redirect
    retry_after: int = 0  # seconds, for 429 (and some 503)
    hops: int = 0  # redirect chain length


def decide(cfg: FaultConfig, seed: int, url: str, attempt: int) -> Fault | None:
    """The fault for the ``attempt``-th request (1-based) of ``url``, or None."""
    if not cfg.any_transient:
        return None
    u = unit(seed, "fault", url, attempt)
    hv = h64(seed, "fault-detail", url, attempt)
    edge = 0.0
    for kind, rate in (
        ("5xx", cfg.error_5xx),
        ("429", cfg.rate_limited),
        ("timeout", cfg.timeout),
        ("reset", cfg.reset),
        ("truncated", cfg.truncated),
        ("slow", cfg.slow),
        ("redirect", cfg.redirect_chain),
    ):
        edge += rate
        if u < edge:
            if kind == "5xx":
                status = (500, 502, 503, 503, 504)[hv % 5]
                return Fault(kind, status, retry_after=1 + hv % 3 if status == 503 and hv % 2 else 0)
            if kind == "429":
                lo, hi = cfg.retry_after_s
                return Fault(kind, 429, retry_after=lo + hv % max(1, hi - lo + 1))
            if kind == "redirect":
                return Fault(kind, 301, hops=2 + hv % 3)
            return Fault(kind)
    return None
