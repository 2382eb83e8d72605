"""Sharding the registry by registrable domain, so that several machines can crawl it and politeness stays local.

Every host is crawled by exactly one shard: a source's shard follows from the registrable domain of its home URL
(`kerman.behzisti.ir` and `tehran.behzisti.ir` → `behzisti.ir`; `www.kmu.ac.ir` → `kmu.ac.ir`, since `ac.ir` is a
public suffix), so the sites of one operator share one shard's per-host rate limits instead of being hit by two
machines at once. Sources whose allowed domains overlap (a source allowed onto another source's registrable domain)
are grouped and placed together, the group following its smallest domain.

The public-suffix rule is Mozilla's list as the `publicsuffixlist` package bundles it (offline; ICANN section
only: the private section — `blogspot.com`, `github.io` … — splits one operator's hosts, which is what sharding
must not do). The shard number is a hash of the domain's Unicode form (SHA-256, not Python's salted `hash()`) fed
to Lamping & Veach's jump consistent hash: the same on every machine and run, and growing the shard count from N to
N+1 moves only ~1/(N+1) of the domains.
"""

from __future__ import annotations

import codecs
import hashlib
import ipaddress
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList

    from khabar.crawl.sources import Source


class ShardError(ValueError):
    """A shard index or count that cannot be: one clear message."""


@cache
def _psl() -> PublicSuffixList:
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(only_icann=True)


def _label(label: str) -> str:
    if label.startswith("xn--"):
        try:
            return codecs.decode(label[4:].encode("ascii"), "punycode")
        except (UnicodeError, ValueError):
            return label
    return label


def normal_host(host: str) -> str:
    """A host as compared here: lower case, no port or trailing dot, IDNA labels in their Unicode (NFC) form, so
    `xn--mgba3a4f16a.ir` and `ایران.ir` are one name."""
    host = (host or "").strip().rstrip(".").lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return unicodedata.normalize("NFC", ".".join(_label(x) for x in host.split(".")))


def registrable_domain(host: str) -> str:
    """The public suffix plus one label (`a.b.example.gov.ir` → `example.gov.ir`); an IP address, a bare suffix
    or a single label (`localhost`) is its own domain. Unknown TLDs (`.test`) follow the PSL's default rule `*`."""
    host = normal_host(host)
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    return _psl().privatesuffix(host) or host


def source_domain(source: Source) -> str:
    """The registrable domain of a source's home URL: what places it."""
    return registrable_domain(urlsplit(source.url).hostname or "")


def _domain_hash(domain: str) -> int:
    return int.from_bytes(hashlib.sha256(domain.encode("utf-8")).digest()[:8], "big")


def jump_hash(key: int, count: int) -> int:
    """Lamping & Veach, «A Fast, Minimal Memory, Consistent Hash Algorithm» (2014): a bucket in [0, count)."""
    b, j = -1, 0
    while j < count:
        b = j
        key = (key * 2862933555777941757 + 1) & 0xFFFFFFFFFFFFFFFF
        j = int((b + 1) * ((1 << 31) / ((key >> 33) + 1)))
    return b


def _check(count: int, index: int | None = None) -> None:
    if count < 1:
        raise ShardError(f"shard count must be at least 1, not {count}")
    if index is not None and not 0 <= index < count:
        raise ShardError(f"shard index {index} is outside 0..{count - 1}")


def domain_shard(domain: str, count: int) -> int:
    """The shard of a registrable domain among `count`."""
    _check(count)
    return jump_hash(_domain_hash(domain), count)


def shard_of(source: Source, count: int) -> int:
    """The shard of one source standing alone (the registrable domain of its home URL). `assign` gives the same
    answer except for sources grouped with another through overlapping allowed domains."""
    return domain_shard(source_domain(source), count)


def _groups(sources: Sequence[Source]) -> list[list[Source]]:
    """Sources joined when their domains (home URL and allowed domains, as registrable domains) overlap."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def domains(s: Source) -> list[str]:
        return [source_domain(s), *(registrable_domain(d) for d in s.allowed_domains)]

    for s in sources:
        first, *rest = domains(s)
        for d in rest:
            a, b = find(first), find(d)
            if a != b:
                parent[max(a, b)] = min(a, b)
    grouped: dict[str, list[Source]] = {}
    for s in sources:
        grouped.setdefault(find(source_domain(s)), []).append(s)
    return list(grouped.values())


def assign(sources: Sequence[Source], count: int) -> dict[str, int]:
    """Source id → shard, for a whole registry. A group of sources with overlapping domains goes to the shard of
    its smallest home domain, so no host is ever reachable from two shards."""
    _check(count)
    out: dict[str, int] = {}
    for group in _groups(sources):
        shard = domain_shard(min(source_domain(s) for s in group), count)
        out.update((s.id, shard) for s in group)
    return out


def shard_sources(sources: Sequence[Source], index: int, count: int) -> list[str]:
    """The ids of the sources shard `index` of `count` crawls (registry order; possibly none)."""
    _check(count, index)
    placed = assign(sources, count)
    return [s.id for s in sources if placed[s.id] == index]


def shard_table(placed: Mapping[str, int], count: int) -> list[list[str]]:
    """`assign`'s answer as one list of source ids per shard."""
    table: list[list[str]] = [[] for _ in range(count)]
    for sid, shard in placed.items():
        table[shard].append(sid)
    return table


def hosts_of(sources: Iterable[Source]) -> set[str]:
    """Every host a set of sources may reach (their allowed domains, as normalised)."""
    return {normal_host(d) for s in sources for d in s.allowed_domains}


__all__ = [
    "ShardError",
    "assign",
    "domain_shard",
    "hosts_of",
    "jump_hash",
    "normal_host",
    "registrable_domain",
    "shard_of",
    "shard_sources",
    "shard_table",
    "source_domain",
]
