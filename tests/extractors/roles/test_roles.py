"""Roles development set (hand-annotated, see README.md): names, roles, organisations and province of officials
in real Fars News releases from ../shared/corpus (skipped when the folder is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from khabar.extractors.persons import organisation_of, role_head_of

from tests.extractors.conftest import SHARED
from tests.extractors.roles.scoring import head_of, org_match, score_roles

HERE = Path(__file__).resolve().parent


def test_roles_set_is_well_formed() -> None:
    gold = yaml.safe_load((HERE / "roles.yaml").read_text(encoding="utf-8"))
    assert len(gold) >= 50
    for nid, want in gold.items():
        assert str(nid).isdigit() and want["province"] and want["officials"]
        for off in want["officials"]:
            assert set(off) <= {"name", "honorific", "role", "organisation"} and off["name"] and off["role"]
            assert head_of(off["role"]) == off["role"], off


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="../shared/corpus is absent")
def test_roles_set_scores() -> None:
    r = score_roles(HERE / "roles.yaml", SHARED / "corpus")
    # the acceptance: role ≥ 85 %, organisation ≥ 80 %, province ≥ 95 % (figures in bench B8)
    assert r["role_right"] >= 0.85, r["misses"]
    assert r["organisation_right"] >= 0.80, r["misses"]
    assert r["province_right"] >= 0.95, r["misses"]


@pytest.mark.parametrize(
    ("title", "head", "org"),
    [
        ("رییس پلیس راه استان ایلام", "رئیس", "پلیس راه استان ایلام"),
        ("فرمانده انتظامی شهرستان مهریز", "فرمانده", "انتظامی شهرستان مهریز"),
        ("مدیرکل بهزیستی استان کرمان", "مدیرکل", "اداره کل بهزیستی استان کرمان"),
        ("مدیر کل سازمان بهزیستی خراسان جنوبی", "مدیرکل", "سازمان بهزیستی خراسان جنوبی"),
        ("معاون سیاسی و امنیتی استاندار مازندران", "معاون", "استانداری مازندران"),
        ("فرماندار فلاورجان", "فرماندار", "فرمانداری فلاورجان"),
        ("امام جمعه گالیکش", "امام جمعه", None),
        ("نماینده مردم تهران در مجلس شورای اسلامی", "نماینده", None),
    ],
)
def test_title_splits_into_head_and_organisation(title: str, head: str, org: str | None) -> None:
    assert role_head_of(title) == head
    got = organisation_of(title)
    assert (got is None and org is None) or org_match(got, org), got
