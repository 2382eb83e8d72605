"""Persons keep the title's normalised head and its organisation (issue 15, migration 006)."""

from __future__ import annotations

from datetime import UTC, datetime

from khabar.extractors.persons import extract_persons

from khabar.warehouse.db import open_db
from khabar.warehouse.releases import ReleaseRow, write_releases

NOW = datetime(2024, 3, 19, 8, 0, tzinfo=UTC)


def test_person_head_and_organisation_are_loaded(tmp_path):
    persons = extract_persons(["سرهنگ حسین منصوری فرمانده انتظامی شهرستان مهریز گفت: محموله کشف شد."])
    record = {
        "url": "http://a.test/1",
        "is_article": True,
        "title": "t",
        "persons": persons,
        "quantities": [],
    }
    con = open_db(tmp_path / "k.duckdb")
    write_releases(con, [ReleaseRow(record, "http://a.test/1", "s1", None, NOW, "test")])
    row = con.execute("SELECT name, role, role_head, organisation FROM persons").fetchone()
    assert row == ("حسین منصوری", "فرمانده انتظامی شهرستان مهریز", "فرمانده", "انتظامی شهرستان مهریز")
