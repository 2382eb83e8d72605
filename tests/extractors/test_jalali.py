"""The calendar named once (khabar.extractors.jalali): month names every module reads and writes, and the one day
parser behind `backfill`, `report --from/--to` and the simulated web's clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import jdatetime
import pytest
from khabar.extractors.dates import read_date
from khabar.extractors.jalali import DARI_MONTHS, JALALI_MONTHS, SOLAR_MONTH_NUMBERS, parse_day


def test_month_names_agree_with_jdatetime() -> None:
    """An independent list: a typo here would otherwise be written by the simulated web and read back by the
    extractor without any test noticing."""
    assert list(JALALI_MONTHS) == jdatetime.date.j_months_fa


def test_every_solar_month_name_reads_as_its_month() -> None:
    assert len(DARI_MONTHS) == 12 and SOLAR_MONTH_NUMBERS["امرداد"] == 5
    for names in (JALALI_MONTHS, DARI_MONTHS):
        for month, name in enumerate(names, 1):
            assert SOLAR_MONTH_NUMBERS[name] == month
            found = read_date(f"۱۵ {name} ۱۴۰۲", datetime(2024, 6, 1, tzinfo=UTC))
            assert found is not None, name
            j = jdatetime.date.fromgregorian(date=found.date())
            assert (j.year, j.month, j.day) == (1402, month, 15), name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1402-01-01", date(2023, 3, 21)),
        ("۱۴۰۲/۱۲/۲۹", date(2024, 3, 19)),  # Persian digits, slashes
        ("١٤٠٢-٠٥-١٢", date(2023, 8, 3)),  # Arabic-Indic digits
        (" 1403-1-3 ", date(2024, 3, 22)),  # one-digit month and day, spaces around
        ("2024-03-19", date(2024, 3, 19)),  # Gregorian from 1700 on
        ("1699-12-29", jdatetime.date(1699, 12, 29).togregorian()),  # still Jalali below 1700
    ],
)
def test_parse_day(text: str, expected: date) -> None:
    assert parse_day(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1402-13-01", "not a valid day"),
        ("2023-02-30", "not a valid day"),
        ("1402.01.01", "not a date"),
        ("14020101", "not a date"),
        ("yesterday", "not a date"),
        ("", "not a date"),
    ],
)
def test_parse_day_rejects_with_the_text_named(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_day(text)


def test_one_parser_for_crawl_report_and_simulated_web() -> None:
    from khabar.crawl import dates as crawl_dates
    from khabar.simweb import plugin, world

    assert crawl_dates.parse_day is parse_day
    assert plugin.parse_day is parse_day and world.parse_day is parse_day


def test_one_month_list_for_report_and_simulated_web() -> None:
    from khabar.report import fa
    from khabar.simweb import clock, vocab

    assert (
        fa.MONTHS is JALALI_MONTHS
        and clock.JALALI_MONTHS is JALALI_MONTHS
        and vocab.JALALI_MONTHS is JALALI_MONTHS
    )
