"""Quality gate on a small B1 sample (the full run is `python -m bench.b1_extract`, 2,000 pages with baseline)."""

from __future__ import annotations

from bench.b1_extract import run, table, token_f1
from khabar.simweb.model import TEMPLATE_FAMILIES


def test_quality_gate_on_simulated_pages() -> None:
    result = run(pages=120, seed=21, baseline=False)
    k = result["khabar"]
    assert set(result["templates"]) == set(TEMPLATE_FAMILIES)
    for key in ("title", "date", "news_code", "jalali"):
        assert k[key] >= 0.99, (key, k[key])
    assert k["body_f1"] >= 0.97
    for key in ("persons_p", "persons_r", "quantities_p", "quantities_r", "agency", "province"):
        assert k[key] >= 0.9, (key, k[key])
    assert "khabar" in table(result)


def test_token_f1() -> None:
    assert token_f1("می‌شود و", "می شود و") == 1.0
    assert token_f1(None, "الف") == 0.0
    assert 0 < token_f1("الف ب", "الف ج") < 1
