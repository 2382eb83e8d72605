"""Real text: 900 Fars News articles from ../shared/corpus (skipped when the folder is absent; no text is copied
into the repository). Checks that raw text and ZWNJ survive, and that persons and quantities look sane."""

from __future__ import annotations

import random
from html import escape

from khabar.extractors import extract, normalise, search_form
from khabar.extractors.gazetteer import stopwords, unit_lex

ZWNJ = "\u200c"


def _page(item: dict) -> str:
    paras = "".join(f"<p>{escape(p)}</p>" for p in item["paragraphs"])
    return (
        f'<html lang="fa"><head><meta charset="utf-8"><title>{escape(item["title"])} - خبرگزاری فارس</title>'
        f'</head><body><ul class="menu"><li><a href="/">خانه</a></li></ul><h1>{escape(item["title"])}</h1>'
        f'<p class="lead">{escape(item["abstract"])}</p><div class="body">{paras}</div>'
        f"<footer>انتهای پیام</footer></body></html>"
    )


def test_corpus_raw_text_zwnj_persons_quantities(corpus: list[dict]) -> None:
    sample = random.Random(5).sample(corpus, 150)
    units = {u for u, _ in unit_lex().forms.values()}
    stop = stopwords()
    n_persons = n_quantities = 0
    for item in sample:
        rec = extract(_page(item), url=item["link"])
        assert rec["language"] == "fa"
        assert search_form(rec["title"]) == search_form(item["title"])
        assert rec["title"].count(ZWNJ) == item["title"].count(ZWNJ)
        body_paras = [p.strip() for p in item["paragraphs"] if p.strip()]
        if rec["is_article"]:
            assert rec["body"].count(ZWNJ) == sum(p.count(ZWNJ) for p in body_paras)
        for p in rec["persons"]:
            words = search_form(p["name"]).split()
            assert 1 <= len(words) <= 6, p
            assert not any(ch.isdigit() for ch in p["name"]), p
            first = search_form(p["name"].split()[0])  # a ZWNJ compound («عین‌اله») is one word of the name
            assert first not in stop or first in ("سید",), p
            n_persons += 1
        for q in rec["quantities"]:
            assert q["value"] > 0 and q["unit"] in units, q
            source = " ".join(" ".join([item["title"], item["abstract"], *item["paragraphs"]]).split())
            assert " ".join(q["text"].split()) in source, q
            n_quantities += 1
    assert n_persons >= 60 and n_quantities >= 80


def test_corpus_normalise_keeps_zwnj_and_unifies_letters(corpus: list[dict]) -> None:
    for item in random.Random(6).sample(corpus, 40):
        text = item["abstract"]
        out = normalise(text)
        assert out.count(ZWNJ) >= text.count(ZWNJ)
        assert "ي" not in out and "ك" not in out
