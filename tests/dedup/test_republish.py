"""Republication (issue 18): normalisation of what republishers change, containment matching, the sharper guard,
and the evidence of every merge (`dedup_evidence`, `khabar explain-cluster`)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from khabar.dedup import Clusterer
from khabar.dedup.core import MatchCore
from khabar.dedup.fingerprint import fingerprints
from khabar.dedup.text import canonical_numbers, guard_check, normalise, place_words, prepare
from khabar.warehouse.clusters import cluster_state, load_signatures, refresh_canonical, write_assignment
from khabar.warehouse.db import open_db, transaction
from khabar.warehouse.releases import ReleaseRow, write_releases

# A made-up provincial release (written for these tests), five paragraphs as agencies publish them.
PARAS = [
    "مدیرکل راه و شهرسازی استان کرمان از آغاز عملیات اجرایی ۱۲۰۰ واحد مسکونی در شهرستان بم خبر داد و گفت: "
    "این طرح با اعتباری بالغ بر ۸۵۰ میلیارد ریال تا پایان سال آینده به بهره‌برداری می‌رسد.",
    "علی صادق‌زاده افزود: آسیب‌های ناشی از زلزله در بافت فرسوده این شهرستان هنوز برطرف نشده است و بازسازی "
    "۳۴۰ واحد از این خانه‌ها در اولویت قرار دارد.",
    "وی با اشاره به همکاری بنیاد مسکن انقلاب اسلامی بیان کرد: تاکنون ۴۵ درصد از زمین‌های مورد نیاز تامین "
    "شده و باقی‌مانده آن در ماه‌های آینده واگذار می‌شود.",
    "مدیرکل راه و شهرسازی کرمان ادامه داد: متقاضیان می‌توانند از روز شنبه ۱۵ مهر برای ثبت‌نام به سامانه "
    "طرح ملی مسکن مراجعه کنند و مدارک خود را بارگذاری کنند.",
    "به گفته وی، ۲۶ کلاس درس و یک درمانگاه نیز در کنار این مجتمع‌ها ساخته خواهد شد تا ساکنان برای خدمات "
    "روزمره به مرکز شهرستان سفر نکنند.",
]
LEAD = "مدیرکل راه و شهرسازی استان کرمان از آغاز ساخت ۱۲۰۰ واحد مسکونی در بم خبر داد."
TITLE = "آغاز ساخت ۱۲۰۰ واحد مسکونی در بم"


def release(**kw) -> dict:
    rec = {
        "url": "https://agency.test/news/1",
        "title": TITLE,
        "lead": LEAD,
        "body": "\n\n".join(PARAS),
        "persons": [{"name": "علی صادق‌زاده", "role": "مدیرکل راه و شهرسازی استان کرمان"}],
    }
    rec.update(kw)
    return rec


def _join(text: str) -> str:
    return text.replace("\u200c", "").replace("می ", "می")


# (edit name, copy of the release)
COPIES = [
    ("brief", release(url="u/brief", title="بم؛ ۱۲۰۰ خانه", lead="", body="\n\n".join(PARAS[:2]))),
    ("trimmed", release(url="u/trim", lead="", body=" ".join(" ".join(PARAS).split()[:70]))),
    ("dropped", release(url="u/drop", body="\n\n".join([PARAS[0], PARAS[2], PARAS[4]]))),
    (
        "zwnj_joined",
        release(url="u/zwnj", title=_join(TITLE), lead=_join(LEAD), body=_join("\n\n".join(PARAS))),
    ),
    (
        "numbers_words",
        release(
            url="u/words",
            body="\n\n".join(PARAS)
            .replace("۱۲۰۰", "یک هزار و دویست")
            .replace("۸۵۰", "هشتصد و پنجاه")
            .replace("۳۴۰", "سیصد و چهل"),
        ),
    ),
    (
        "preamble",
        release(
            url="u/pre",
            body="به گزارش خبرنگار اقتصادی خبرگزاری پیام ملت به نقل از روابط عمومی "
            "اداره کل راه و شهرسازی، " + "\n\n".join(PARAS) + "\n\nانتهای پیام/",
        ),
    ),
    ("lead_merged", release(url="u/lead", lead="", body=LEAD + "\n\n" + "\n\n".join(PARAS))),
    ("arabic", release(url="u/ar", body="\n\n".join(PARAS).replace("ی", "ي").replace("ک", "ك"))),
    # person extraction differs on copies (joined words, another model): the guard must not depend on it
    ("persons_missed", release(url="u/nop", title="ساخت ۱۲۰۰ واحد در بم", persons=[])),
    (
        "persons_differ",
        release(
            url="u/otherp",
            title="ساخت ۱۲۰۰ واحد در بم",
            persons=[
                {"name": "صادق‌زاده", "role": "مدیرکل راه و شهرسازی استان کرمان"},
                {"name": "بنیاد مسکن", "role": "مدیرکل راه و شهرسازی استان کرمان"},
            ],
        ),
    ),
]


def _other(city: str, figures: dict[str, str], **kw) -> dict:
    body = "\n\n".join(PARAS).replace("کرمان", city).replace("بم", "جیرفت")
    for a, b in figures.items():
        body = body.replace(a, b)
    return release(body=body, lead=LEAD.replace("کرمان", city).replace("بم", "جیرفت"), **kw)


# (negative name, another release sharing the template)
NEGATIVES = [
    ("other_city", _other("یزد", {"۱۲۰۰": "۹۰۰", "۸۵۰": "۶۱۰"}, url="n/city")),
    ("figures_in_words", _other("یزد", {"۱۲۰۰": "نهصد", "۸۵۰": "ششصد و ده", "۳۴۰": "دویست"}, url="n/words")),
    ("other_date", release(url="n/date", body="\n\n".join(PARAS).replace("شنبه ۱۵ مهر", "دوشنبه ۲۲ آبان"))),
    (
        "other_person",
        release(
            url="n/person",
            body="\n\n".join(PARAS).replace("علی صادق‌زاده", "حسن کریمی"),
            persons=[{"name": "حسن کریمی", "role": "مدیرکل راه و شهرسازی استان کرمان"}],
        ),
    ),
    # the substituted person not extracted at all: the name between the same words decides
    (
        "other_person_unextracted",
        release(url="n/p2", body="\n\n".join(PARAS).replace("علی صادق‌زاده", "حسن کریمی"), persons=[]),
    ),
    # a foreign name no gazetteer lists (a word hazm does not know)
    (
        "other_person_foreign",
        release(url="n/p3", body="\n\n".join(PARAS).replace("علی صادق‌زاده", "کازانتسوف"), persons=[]),
    ),
]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("یک هزار و دویست واحد", "1200 واحد"),
        ("شش هزار و یکصد و بیست و هفت دفتر", "6127 دفتر"),
        ("6 هزار و 127 دفتر", "6127 دفتر"),
        ("۱۲ میلیون و ۵۰۰ هزار نفر", "12500000 نفر"),
        ("بیست و پنج درصد", "25 درصد"),
        ("۲٬۵۰۰ نفر", "2500 نفر"),
        ("نه اینکه", "نه اینکه"),  # «no», not nine
        ("۵ طرح و ۳ مدرسه", "5 طرح و 3 مدرسه"),
    ],
)
def test_numbers_become_values(text, want):
    assert canonical_numbers(normalise(prepare(text))) == want


@pytest.mark.parametrize(
    "wrapped",
    [
        "به گزارش خبرنگار اقتصادی خبرگزاری پیام ملت به نقل از روابط عمومی استانداری، {x}\nانتهای پیام/",
        "به گزارش فارس به نقل از وزارت ارتباطات، {x}",
        "خبرگزاری فارس: {x}",
        "{x} انتهای پیام",
    ],
)
def test_boilerplate_is_removed(wrapped):
    x = "ساخت ۱۲۰۰ واحد مسکونی در بم آغاز شد"
    assert prepare(wrapped.format(x=x)).strip() == prepare(x)


def _cluster(records: list[dict]) -> tuple[MatchCore, dict]:
    core = MatchCore()
    out = {}
    for rec, fp in zip(records, fingerprints(records), strict=True):
        m = core.match(fp, core.candidates_in_store([fp])[0])
        core.add(fp, m.cluster_id if m else "c-" + rec["url"], rec["url"])
        out[rec["url"]] = m
    return core, out


@pytest.mark.parametrize(("edit", "copy"), COPIES, ids=[e for e, _ in COPIES])
@pytest.mark.parametrize("copy_first", [False, True])
def test_copy_joins_its_release(edit, copy, copy_first):
    recs = [copy, release()] if copy_first else [release(), copy]
    _, m = _cluster(recs)
    second = m[recs[1]["url"]]
    assert second is not None and second.cluster_id == "c-" + recs[0]["url"], edit


@pytest.mark.parametrize(("kind", "other"), NEGATIVES, ids=[k for k, _ in NEGATIVES])
def test_template_sibling_is_another_release(kind, other):
    # also against a brief of the release: the sibling must not join through containment either
    brief = dict(COPIES[0][1])
    _, m = _cluster([release(), brief, other])
    assert m[other["url"]] is None, kind


def test_guard_compares_places_and_persons_as_sets():
    a, b, c = fingerprints([release(), _other("یزد", {}), release(body="\n\n".join(PARAS[:2]))])
    assert guard_check(a.guard, b.guard).places >= 1
    assert guard_check(a.guard, c.guard).hard == 0  # a brief names fewer places, none of its own


def test_follow_up_with_new_content_is_another_release():
    follow = release(
        url="n/follow",
        title="ادامه ساخت مسکن در بم",
        lead="",
        body="\n\n".join(
            [
                PARAS[0],
                "در ادامه این طرح، نخستین گروه از متقاضیان قرارداد خود را امضا کردند و نماینده مردم در مجلس از "
                "مسئولان خواست روند واگذاری زمین را سرعت بخشند.",
                "همچنین قرار است هفته آینده نشستی با حضور پیمانکاران و نمایندگان بانک عامل برگزار شود تا درباره "
                "تسهیلات ساخت و شرایط بازپرداخت وام‌ها تصمیم‌گیری شود.",
                "فرماندار بم نیز گفت مشکل تامین مصالح ساختمانی با پیگیری استانداری برطرف شده و کار بدون وقفه ادامه دارد.",
            ]
        ),
    )
    _, m = _cluster([release(), follow])
    assert m["n/follow"] is None


def _row(rec: dict, i: int) -> ReleaseRow:
    from datetime import UTC, datetime

    return ReleaseRow(
        record=rec,
        canonical_url=rec["url"],
        source_id=f"s{i}",
        page_id=None,
        fetched_at=datetime(2024, 1, 1, tzinfo=UTC),
        extractor_version="t",
        content_hash=f"h{i}",
        search_text=normalise(rec["body"]),
    )


def _from_db(con) -> Clusterer:
    return Clusterer.from_signatures(*load_signatures(con))


def _load(con, clusterer, rows):
    with transaction(con):
        write_assignment(con, clusterer.assign(rows, cluster_state(con, clusterer.ids_to_load(rows))))
        write_releases(con, rows)
        refresh_canonical(con, [r.cluster_id for r in rows])


def test_evidence_is_stored_and_explained(tmp_path):
    from khabar.cli import app

    path = tmp_path / "k.duckdb"
    con = open_db(path)
    rows = [_row(release(), 0), _row(COPIES[0][1], 1), _row(COPIES[5][1], 2), _row(NEGATIVES[0][1], 3)]
    _load(con, _from_db(con), rows)
    ev = {
        r: (s, c)
        for r, s, c in con.execute("SELECT release_id, signal, containment FROM dedup_evidence").fetchall()
    }
    signals = [ev[r.release_id][0] for r in rows]
    assert signals[0] == "founder" and signals[3] == "founder"
    assert signals[1] == "containment" and ev[rows[1].release_id][1] >= 0.85
    assert signals[2] == "exact"  # its preamble and closing removed, the copy is the release word for word
    cid = rows[0].cluster_id
    assert rows[1].cluster_id == cid and rows[3].cluster_id != cid
    con.close()
    res = CliRunner().invoke(app, ["explain-cluster", cid, "--db", str(path), "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output.split("\n", 1)[1])
    assert {o["signal"] for o in out} >= {"founder", "containment"}
    guard = json.loads(next(o["guard"] for o in out if o["signal"] == "containment"))
    assert guard["places"] == guard["figures"] == guard["dates"] == guard["persons"] == 0
    missing = CliRunner().invoke(app, ["explain-cluster", "c-nope", "--db", str(path)])
    assert missing.exit_code == 2 and "no cluster" in missing.output  # bad input (README exit codes)


def test_containment_index_survives_a_restart_and_an_upgrade(tmp_path):
    con = open_db(tmp_path / "k.duckdb")
    _load(con, _from_db(con), [_row(release(), 0)])
    # a warehouse fingerprinted before containment samples existed: they are rebuilt from the release text
    con.execute("UPDATE dedup_signatures SET contain = NULL")
    restarted = _from_db(con)
    assert len(restarted.core._sample(0)) == len(fingerprints([release()])[0].sample) > 0
    brief = _row(COPIES[0][1], 1)
    _load(con, restarted, [brief])
    assert brief.cluster_id == "c-" + _row(release(), 0).release_id[:16]


def test_containment_candidates_come_from_rare_shingles_only():
    core = MatchCore()
    fps = fingerprints([release(url=f"x{i}", body=f"شماره {i} " + PARAS[i % 5]) for i in range(200)])
    for i, fp in enumerate(fps):
        core.add(fp, f"c{i}", f"x{i}")
    core.flush(force=True)
    probe = fingerprints([release(url="p", body=PARAS[0])])[0]
    shared = core.cindex.count_segments([probe.sample], cap=8)[0]
    assert shared == {}  # every shingle of the probe is in 40 documents: boilerplate, never a candidate
    assert np.all(np.diff(probe.sample.astype(np.int64)) > 0)


# New news first, then the release's opening paragraph quoted as background (B11 «follow_up»).
QUOTING = release(
    url="n/quoting",
    title="ادامه ساخت مسکن در بم",
    lead="نخستین گروه از متقاضیان مسکن ملی در بم قرارداد خود را با بانک عامل امضا کردند.",
    body="\n\n".join(
        [
            "در آیینی که صبح امروز در فرمانداری برگزار شد، نماینده مردم در مجلس از مسئولان خواست روند واگذاری "
            "زمین و پرداخت تسهیلات را سرعت بخشند و گفت بسیاری از خانواده‌ها هنوز در انتظار نوبت هستند.",
            "همچنین قرار است هفته آینده نشستی با حضور پیمانکاران و نمایندگان بانک عامل برگزار شود تا درباره "
            "شرایط بازپرداخت وام‌ها و زمان تحویل نخستین واحدها تصمیم‌گیری شود.",
            "فرماندار بم نیز گفت مشکل تامین مصالح ساختمانی با پیگیری استانداری برطرف شده و کار بدون وقفه ادامه "
            "دارد و کارگاه‌ها در دو نوبت کار می‌کنند.",
            PARAS[0],
        ]
    ),
)


# A release whose opening paragraph is most of it (as Fars News often writes them), so a story quoting that
# paragraph shares much of its text with the release and its copies.
LONG = [" ".join(PARAS[:3]), PARAS[3], PARAS[4]]


@pytest.mark.parametrize("first", ["release", "brief", "dropped"])
def test_follow_up_quoting_the_opening_is_another_release(first):
    """Neither record holds the other and they start apart: two stories sharing a paragraph."""
    copy = {
        "release": release(url="r/long", body="\n\n".join(LONG)),
        "brief": release(url="u/long-brief", lead="", body="\n\n".join(LONG[:2])),
        "dropped": release(url="u/long-drop", body="\n\n".join([LONG[0], LONG[2]])),
    }[first]
    quoting = dict(QUOTING, body="\n\n".join([*QUOTING["body"].split("\n\n")[:3], LONG[0]]))
    _, m = _cluster([copy, quoting])
    assert m["n/quoting"] is None
    a, b = fingerprints([copy, quoting])
    g = guard_check(b.guard, a.guard, 0.35, 0.69)  # the shares of the dropped copy: neither nearly contained
    assert g.story == 1 and g.hard >= 1 and g.as_dict()["story"] == 1


def test_copies_that_each_dropped_something_start_alike():
    """A brief and a copy with paragraphs dropped share only the opening paragraph: not a story of its own."""
    a, b = fingerprints([COPIES[0][1], COPIES[2][1]])
    assert guard_check(a.guard, b.guard, 0.6, 0.5).story == 0
    assert (
        guard_check(a.guard, b.guard, 0.95, 0.5).story == 0
    )  # one nearly contained: the rule does not apply
    assert guard_check(a.guard, b.guard).story == 0  # no shares (records too short to sample): nor here


def test_a_two_letter_province_is_a_place():
    """«قم» and «بم» are gazetteer places too: a trimmed copy that names «قم» and no cue word before it is no
    copy of the same notice for «قروه»."""
    assert {"قم", "بم"} <= place_words()
    qom = "نشست ورزش قم با حضور مسئولان برگزار شد و برنامه سال آینده ورزش بانوان در قم بررسی شد"
    a, b = fingerprints(
        [release(lead="", body=qom), release(url="n/q", lead="", body=qom.replace("قم", "قروه"))]
    )
    assert guard_check(a.guard, b.guard, 0.9, 0.4).places == 1
