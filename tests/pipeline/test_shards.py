"""Sharding by registrable domain (khabar.pipeline.shards): every host in exactly one shard, the same everywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from khabar.crawl.sources import Source, load_sources, parse_sources
from khabar.pipeline.shards import (
    ShardError,
    assign,
    domain_shard,
    hosts_of,
    jump_hash,
    registrable_domain,
    shard_of,
    shard_sources,
    shard_table,
    source_domain,
)
from khabar.simweb.config import SimWebConfig
from khabar.simweb.sites import all_hosts
from khabar.simweb.sources import source_entries

CONFIG = Path(__file__).resolve().parents[2] / "config"
REGISTRIES = ["sources.yaml", "sources.example.yaml", "sources.simweb.yaml", "sources.simweb-portals.yaml"]


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("a.example.ir", "example.ir"),
        ("b.example.ir", "example.ir"),
        ("www.behzisti.ir", "behzisti.ir"),
        ("kerman.behzisti.ir", "behzisti.ir"),
        ("www.kmu.ac.ir", "kmu.ac.ir"),  # ac.ir, gov.ir, co.ir, org.ir, sch.ir are public suffixes
        ("portal.mporg.gov.ir", "mporg.gov.ir"),
        ("shop.news.co.ir", "news.co.ir"),
        ("www.iranclinic.org.ir", "iranclinic.org.ir"),
        ("x.madreseh.sch.ir", "madreseh.sch.ir"),
        ("WWW.Behzisti.IR.", "behzisti.ir"),  # case and the root dot
        ("kerman.behzisti.ir:8443", "behzisti.ir"),
        ("kerman.behzisti.test", "behzisti.test"),  # unknown TLD: the PSL's default rule «*»
        ("www.mehrnews.com", "mehrnews.com"),
        ("a.blogspot.com", "blogspot.com"),  # ICANN section only: one operator's hosts stay together
        ("127.0.0.1", "127.0.0.1"),
        ("localhost", "localhost"),
        ("gov.ir", "gov.ir"),  # a bare suffix is its own domain
        ("www.اطلاع.ایران.ir", "اطلاع.ایران.ir"),  # ایران.ir is a suffix of its own
        ("www.xn--mgba1cj7c.xn--mgba3a4f16a.ir", "اطلاع.ایران.ir"),  # the same name in IDNA form
    ],
)
def test_registrable_domain(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain


def _source(sid: str, url: str, allowed: tuple[str, ...] = ()) -> Source:
    return Source(id=sid, url=url, allowed_domains=allowed)


def test_hosts_of_one_registrable_domain_share_a_shard_whatever_the_count() -> None:
    a, b = _source("a", "https://a.example.ir/"), _source("b", "http://b.example.ir:8080/news")
    for count in range(1, 40):
        assert shard_of(a, count) == shard_of(b, count)
        assert assign([a, b], count)["a"] == assign([a, b], count)["b"]


def test_shard_numbers_are_pinned() -> None:
    """Fixed values: a change of hash (say, to Python's salted hash()) would scatter a running cluster."""
    assert [domain_shard(d, 2) for d in ("behzisti.ir", "kmu.ac.ir", "irna.ir", "medu.test")] == PINNED_2
    assert [domain_shard(d, 7) for d in ("behzisti.ir", "kmu.ac.ir", "irna.ir", "medu.test")] == PINNED_7


PINNED_2 = [1, 0, 1, 1]
PINNED_7 = [5, 6, 4, 1]


def test_the_same_in_another_process_with_another_hash_seed() -> None:
    code = (
        "import json; from pathlib import Path; from khabar.crawl.sources import load_sources;"
        "from khabar.pipeline.shards import assign;"
        f"print(json.dumps(assign(load_sources(Path({str(CONFIG / 'sources.example.yaml')!r})), 5)))"
    )
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", code],
                env={**os.environ, "PYTHONHASHSEED": seed},
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1] == assign(load_sources(CONFIG / "sources.example.yaml"), 5)


def test_jump_hash_moves_keys_only_to_the_new_shard() -> None:
    keys = range(0, 2**40, 2**40 // 5000)
    for count in (1, 2, 3, 7):
        before = [jump_hash(k, count) for k in keys]
        after = [jump_hash(k, count + 1) for k in keys]
        moved = [(x, y) for x, y in zip(before, after, strict=True) if x != y]
        assert all(y == count for _, y in moved)  # a key either stays or goes to the new shard
        assert 0.5 / (count + 1) < len(moved) / len(before) < 1.5 / (count + 1)


@pytest.mark.parametrize("registry", REGISTRIES)
@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_real_registries_every_source_once_every_host_in_one_shard(registry: str, count: int) -> None:
    sources = load_sources(CONFIG / registry)
    placed = assign(sources, count)
    assert set(placed) == {s.id for s in sources}
    table = shard_table(placed, count)
    assert sorted(sid for ids in table for sid in ids) == sorted(placed)
    for i in range(count):
        assert shard_sources(sources, i, count) == [s.id for s in sources if placed[s.id] == i]
    by_id = {s.id: s for s in sources}
    domains = [{registrable_domain(h) for h in hosts_of(by_id[i] for i in ids)} for ids in table]
    for i in range(count):
        for j in range(i + 1, count):
            assert not domains[i] & domains[j], (registry, count, domains[i] & domains[j])
    # one registrable domain, one shard
    for s in sources:
        for t in sources:
            if source_domain(s) == source_domain(t):
                assert placed[s.id] == placed[t.id]


def test_example_registry_groups_the_provincial_sites_with_their_agency() -> None:
    placed = assign(load_sources(CONFIG / "sources.example.yaml"), 2)
    assert placed["behzisti"] == placed["kerman-behzisti"] == placed["tehran-behzisti"]


def test_the_simulated_web_every_host_in_exactly_one_shard_and_both_shards_used() -> None:
    config = SimWebConfig()
    sources = parse_sources(
        json.dumps({"sources": source_entries(config)}, ensure_ascii=False)  # YAML is a superset of JSON
    )
    placed = assign(sources, 2)
    assert set(placed.values()) == {0, 1}  # the demo's two-shard run has work on both
    owners: dict[str, set[int]] = {}
    for host in all_hosts(config):
        for s in sources:
            if s.allows(f"http://{host}/"):
                owners.setdefault(host, set()).add(placed[s.id])
    served = [h for h in all_hosts(config) if h in owners]
    assert len(served) >= len(sources)  # the www. aliases too
    assert all(len(owners[h]) == 1 for h in served), {h: v for h, v in owners.items() if len(v) > 1}


def test_overlapping_allowed_domains_are_placed_together() -> None:
    """A source allowed onto another's registrable domain would reach that host from two shards: grouped."""
    domains = [f"site{i}.ir" for i in range(40)]
    apart = next(
        (a, b) for a in domains for b in domains if domain_shard(a, 2) != domain_shard(b, 2) and a < b
    )
    one = _source("one", f"https://www.{apart[0]}/", (apart[0], f"cdn.{apart[1]}"))
    two = _source("two", f"https://{apart[1]}/")
    placed = assign([one, two], 2)
    assert placed["one"] == placed["two"] == domain_shard(apart[0], 2)  # the group's smallest home domain
    assert shard_of(two, 2) != placed["two"]  # standing alone it would have been elsewhere


@pytest.mark.parametrize(("index", "count"), [(0, 0), (2, 2), (-1, 2)])
def test_impossible_shards_are_refused(index: int, count: int) -> None:
    with pytest.raises(ShardError):
        shard_sources([_source("a", "https://a.example.ir/")], index, count)


def test_an_empty_shard_is_empty() -> None:
    sources = [_source("a", "https://a.example.ir/")]
    busy = shard_of(sources[0], 2)
    assert shard_sources(sources, 1 - busy, 2) == []
