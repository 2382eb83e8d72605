"""Deduplication: metrics, clustering quality on simulated truth, DuckDB persistence and re-run stability."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from functools import cache

import pytest

from khabar.dedup import Clusterer, alias_rows, resolve_canonical
from khabar.dedup.text import conflicts, guard_features, tokens
from khabar.simweb.dedup_eval import (
    cluster_in_memory,
    hard_negative_false_merges,
    iter_truth_articles,
    score,
    truth_record,
    truth_rows,
)
from khabar.simweb.directory import NEWS_AGENCIES
from khabar.urls import url_key
from khabar.warehouse.clusters import (
    cluster_state,
    load_signatures,
    refresh_canonical,
    write_aliases,
    write_assignment,
)
from khabar.warehouse.db import open_db, transaction
from khabar.warehouse.releases import write_releases
from khabar.warehouse.sources import SourceRow, upsert_sources

START = date(2022, 1, 1)


@cache
def _truth(days: int) -> tuple:
    return tuple(iter_truth_articles(START, START + timedelta(days=days)))


def test_pairwise_and_bcubed_scores():
    truth = {"a": "1", "b": "1", "c": "2", "d": "2"}
    assert score(truth, truth).f1 == 1.0 and score(truth, truth).bcubed_f1 == 1.0
    s = score(truth, {"a": "x", "b": "x", "c": "x", "d": "y"})  # one false merge, one split
    assert s.precision == pytest.approx(1 / 3) and s.recall == pytest.approx(1 / 2)
    assert s.bcubed_precision == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    assert hard_negative_false_merges(truth, {"a": "x", "b": "x", "c": "x", "d": "y"}, ["c", "d"]) == (1, 2)


def test_spelling_variants_share_tokens_and_guard():
    a = "آقای علی صادق‌زاده گفت: ۲۶ کلاس درس در شهرستان بم ساخته می‌شود و آسیب‌های"
    b = "آقاي علي صادق زاده گفت: 26 كلاس درس در شهرستان بم ساخته ميشود و آسيب هاي"
    assert tokens(a)[3:] == tokens(b)[3:]  # «صادق‌زاده» vs «صادق زاده» differ only in the name's spacing
    assert conflicts(guard_features(tokens(a)), guard_features(tokens(b))) == 0
    c = a.replace("۲۶", "۳۱").replace("بم", "کرمان")
    assert conflicts(guard_features(tokens(a)), guard_features(tokens(c))) >= 2


def test_quality_on_simulated_truth():
    """60 days, every site (~3,400 pages): F1 ≥ 0.97 and ≤ 0.5 % of templated hard negatives merged."""
    truths = _truth(60)
    assert len(truths) > 3000
    predicted = cluster_in_memory([truth_record(t) for t in truths])
    truth = {t.url: t.cluster_id for t in truths}
    s = score(truth, predicted)
    merged, total = hard_negative_false_merges(
        truth, predicted, [t.url for t in truths if t.cluster_id[:2] == "t-"]
    )
    print(s, merged, total)
    assert s.f1 >= 0.97 and s.bcubed_f1 >= 0.97
    assert total > 50 and merged <= 0.005 * total


def _from_db(con) -> Clusterer:
    return Clusterer.from_signatures(*load_signatures(con))


def _load(con, clusterer, rows, source_kinds=None):
    """One batch as the pipeline loads it; the sources registry holds `source_kinds`, by default the simulated
    web's news agencies (config/sources.simweb.yaml registers them so)."""
    kinds = source_kinds or {a.key: "news_agency" for a in NEWS_AGENCIES}
    upsert_sources(con, [SourceRow(sid, kind) for sid, kind in kinds.items()])
    with transaction(con):
        write_assignment(con, clusterer.assign(rows, cluster_state(con, clusterer.ids_to_load(rows))))
        write_releases(con, rows)
        refresh_canonical(con, [r.cluster_id for r in rows])


def test_rerun_changes_no_cluster_id_and_index_rebuilds(tmp_path):
    path = tmp_path / "k.duckdb"
    con = open_db(path)
    truths = _truth(6)
    rows = truth_rows(truths)
    clusterer = _from_db(con)
    for s in range(0, len(rows), 100):
        _load(con, clusterer, rows[s : s + 100])
    first = dict(con.execute("SELECT release_id, cluster_id FROM releases").fetchall())
    assert len(first) == len(rows)
    # One canonical per cluster, never a news agency when the agency's own copy is there.
    bad = con.execute(
        """SELECT cluster_id FROM releases GROUP BY 1 HAVING count(*) FILTER (is_canonical) <> 1"""
    )
    assert bad.fetchall() == []
    news = con.execute("""SELECT count(*) FROM releases WHERE is_canonical AND source_id IN
        ('avaye-iran','payam-mellat','novin-khabar','sedaye-ostan') AND cluster_id IN (SELECT cluster_id FROM
        releases WHERE source_id NOT IN ('avaye-iran','payam-mellat','novin-khabar','sedaye-ostan'))""")
    assert news.fetchone()[0] == 0
    # Same pages again, with the same clusterer and with one rebuilt from the file: nothing changes.
    _load(con, clusterer, truth_rows(truths))
    con.close()
    con = open_db(path)
    rebuilt = _from_db(con)
    assert rebuilt.core.n == clusterer.core.n
    _load(con, rebuilt, truth_rows(truths))
    assert dict(con.execute("SELECT release_id, cluster_id FROM releases").fetchall()) == first
    assert con.execute("SELECT max(version) FROM releases").fetchone()[0] == 1
    # Delays: the founding copy has delay 0, copies a positive delay.
    assert con.execute("SELECT min(delay_seconds) FROM release_delays").fetchone()[0] == 0
    # A copy arriving the next day (after a restart) joins its cluster through the rebuilt index.
    later = [t for t in _truth(8) if t.published_day and t.published_day >= START + timedelta(days=6)]
    new_rows = truth_rows(later)
    _load(con, rebuilt, new_rows)
    truth_of = {
        r.release_id: t.cluster_id for r, t in zip(rows + new_rows, list(truths) + later, strict=True)
    }
    pred = dict(con.execute("SELECT release_id, cluster_id FROM releases").fetchall())
    assert score(truth_of, pred).f1 >= 0.95


def test_changed_text_is_a_new_version_and_rollback_forgets(tmp_path):
    con = open_db(tmp_path / "k.duckdb")
    clusterer = Clusterer()
    truths = _truth(1)[:20]
    _load(con, clusterer, truth_rows(truths))
    edited = dataclasses.replace(truths[0], body=truths[0].body + "\n\nمتن افزوده پس از انتشار.")
    row = truth_rows([edited])[0]
    _load(con, clusterer, [row])
    assert row.version == 2
    assert (
        con.execute("SELECT version FROM releases WHERE release_id = ?", [row.release_id]).fetchone()[0] == 2
    )
    assert con.execute("SELECT count(*) FROM release_versions").fetchone()[0] == 1
    n = clusterer.core.n
    with pytest.raises(RuntimeError), transaction(con):
        batch = truth_rows(_truth(2)[20:40])
        write_assignment(con, clusterer.assign(batch, cluster_state(con, clusterer.ids_to_load(batch))))
        raise RuntimeError("crash inside the batch")
    # Without an explicit rollback() the next assign notices the missing signatures and drops them.
    _load(con, clusterer, [])
    assert clusterer.core.n == n


def test_resolve_canonical_and_aliases(tmp_path):
    page = "http://www.example.ir/fa/news/12?utm_source=x"
    # the declared https address and the served http one are two spellings of one identity
    assert url_key(resolve_canonical(page, "https://example.ir/fa/news/12/")) == url_key(
        resolve_canonical(page, None)
    )
    assert resolve_canonical(page, None) == "http://example.ir/fa/news/12"  # the scheme the site served
    assert resolve_canonical(page, "https://other.ir/fa/news/99").startswith("http://example.ir/")
    assert resolve_canonical(page, "/fa/news/13").endswith("/fa/news/13")
    con = open_db(tmp_path / "k.duckdb")
    variant = "https://example.ir/News/ShowNews.aspx?Code=12"
    assert (
        write_aliases(
            con,
            alias_rows(
                [
                    (page, resolve_canonical(page), "ex", "normalised"),  # same identity: skipped
                    (variant, resolve_canonical(page), "ex", "rel_canonical"),
                    (variant, "http://example.ir/fa/news/13", "ex", "og_url"),  # an alias keeps its first
                ]
            ),
        )
        == 2
    )
    assert con.execute("SELECT alias_url, canonical_url FROM url_aliases").fetchall() == [
        ("https://example.ir/News/ShowNews.aspx?Code=12", "http://example.ir/fa/news/12")
    ]


def test_guard_keeps_templated_siblings_apart_and_copies_together():
    truths = _truth(20)
    by_cluster: dict[str, list] = {}
    for t in truths:
        by_cluster.setdefault(t.cluster_id, []).append(t)
    from khabar.dedup.fingerprint import fingerprints

    families: dict[tuple, list] = {}
    for t in truths:
        if t.cluster_id[:2] == "t-" and t.version == 1:
            families.setdefault((t.site_id, *t.title.split()[:3]), []).append(t)
    family = max(families.values(), key=len)
    assert len(family) >= 3
    templated, siblings = family[:1], family[1:4]
    copies = next(v for v in by_cluster.values() if len(v) >= 3)
    fps = fingerprints([truth_record(t) for t in copies + siblings[:3] + templated])
    n = len(copies)
    assert all(conflicts(fps[0].guard, f.guard) <= 1 for f in fps[1:n])
    assert all(conflicts(fps[-1].guard, f.guard) >= 2 for f in fps[n:-1])


def test_exact_duplicates_and_source_kinds(tmp_path):
    con = open_db(tmp_path / "k.duckdb")
    truths = [t for t in _truth(3) if t.cluster_id[:2] == "r-"][:1]
    dup = dataclasses.replace(
        truths[0], url=truths[0].url.replace("http", "https", 1) + "-mirror", site_id="mirror"
    )
    rows = truth_rows([truths[0], dup])
    clusterer = Clusterer()
    _load(con, clusterer, rows, {truths[0].site_id: "news_agency", "mirror": "agency"})
    assert rows[0].cluster_id == rows[1].cluster_id
    got = con.execute("SELECT source_id FROM releases WHERE is_canonical").fetchall()
    assert got == [("mirror",)]  # the agency's own site wins over a news agency, whatever the dates
    sim = con.execute("SELECT similarity FROM dedup_signatures WHERE matched_to IS NOT NULL").fetchone()[0]
    assert sim == 1.0


def _fp_tuple(fp) -> tuple:
    return (
        fp.signature.dtype.str,
        fp.signature.tobytes(),
        fp.keys.dtype.str,
        fp.keys.tobytes(),
        fp.exact,
        fp.guard.dtype.str,
        fp.guard.tobytes(),
        fp.n_shingles,
    )


def test_batch_fingerprints_equal_per_record_reference():
    """The batch fast path (`fingerprints`) gives bit-identical fingerprints to the per-record functions, also on
    fuzzed text with every special character, final sigma, «İ», lone surrogates and the batch separator."""
    import random

    from khabar.dedup.fingerprint import _fingerprints_slow, fingerprints

    rng = random.Random(3)
    chars = list(
        "۰۱۲۳٠١٩يىكۀةٱ\u200c٫\u064b\u0670\u0640\u200d\u200e\ufeff\u00ad،؛:.؟!«»\"'()-–_/,;…*%٪٬•“”\t\r"
        "\u00a0\n \n¶İΣσAZaz09\x0b\x1f\u2028\u3000ی ک"
    )
    words = [
        "می",
        "نمی",
        "ها",
        "های",
        "هایی",
        "اند",
        "ترین",
        "تر",
        "شهرستان",
        "آقای",
        "سه",
        "شنبه",
        "فروردین",
        "۱۴۰۲",
        "12",
        "3.5",
        "¶",
        "بم",
        "ΑΣ",
        "ΑΣ'Β",
    ]

    def text() -> str:
        return "".join(
            rng.choice(words if rng.random() < 0.5 else chars) + rng.choice(["", " ", "  ", "\u200c"])
            for _ in range(rng.randrange(60))
        )

    records = [
        {
            "title": text(),
            "lead": text() if i % 2 else None,
            "body": text(),
            "persons": [{"role": "استاندار", "name": text()[:8]}] if i % 4 == 0 else [],
        }
        for i in range(400)
    ]
    records += [truth_record(t) for t in _truth(3)] + [{}, {"body": "\n"}, {"title": "ΑΣ", "body": "Σ x"}]
    want = [_fp_tuple(f) for f in _fingerprints_slow(records)]
    assert [_fp_tuple(f) for f in fingerprints(records)] == want  # odd whitespace: the string glue path
    chars = [c for c in chars if not c.isspace() or c in " \n"]
    records = [{"title": text(), "lead": text(), "body": text()} for _ in range(400)]  # the piece glue path
    want = [_fp_tuple(f) for f in _fingerprints_slow(records)]
    assert [_fp_tuple(f) for f in fingerprints(records)] == want
    # the batch separator in text: the per-record path
    recs = [*records[:5], {"title": "x", "body": "a \ue000 b"}]
    assert [_fp_tuple(f) for f in fingerprints(recs)] == [_fp_tuple(f) for f in _fingerprints_slow(recs)]
    for fn in (fingerprints, _fingerprints_slow):  # lone surrogates fail alike (token ids are CRC32 of UTF-8)
        with pytest.raises(UnicodeEncodeError):
            fn([*records[:5], {"title": "x", "body": "a \ud800 b"}])
