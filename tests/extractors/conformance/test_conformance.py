"""Conformance with the Persian cases of six public test suites (see README.md here): one test per case, and the
acceptance rate of issue 14 (≥ 95 % each, ≥ 150 cases from ≥ 4 sources)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.extractors.conformance.cases import current_reader, load, run_dates, run_numbers

DATES = load("dates")
NUMBERS = load("numbers")
READER = current_reader()


def _id(c: dict[str, Any]) -> str:
    return f"{c['id']}-{c['form']}"


@pytest.mark.parametrize("case", DATES, ids=_id)
def test_date_case(case: dict[str, Any]) -> None:
    ((_, ok, got),) = run_dates(READER, [case])
    assert ok, (
        f"{case['source']}:{case['path']}:{case['line']} {case['text']!r}: want {case['expected']}, got {got}"
    )


@pytest.mark.parametrize("case", NUMBERS, ids=_id)
def test_number_case(case: dict[str, Any]) -> None:
    ((_, ok, got),) = run_numbers(READER, [case])
    assert ok, (
        f"{case['source']}:{case['path']}:{case['line']} {case['text']!r}: want {case['expected']}, got {got}"
    )


@pytest.mark.parametrize(("name", "cases"), [("dates", DATES), ("numbers", NUMBERS)])
def test_suite_size_sources_and_provenance(name: str, cases: list[dict[str, Any]]) -> None:
    assert len(cases) >= 150 and len({c["source"] for c in cases}) >= 4, name
    for c in cases:
        assert c["source"] and c["path"] and len(c["commit"]) == 40 and isinstance(c["line"], int), c["id"]
