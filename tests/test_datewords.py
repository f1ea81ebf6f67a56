"""The month-in-words reader gives dateutil's answer for every form it reads."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest
from dateutil import parser as dateparser

from afteraction.document.datewords import read_written
from afteraction.document.values import parse_when

DEFAULTS = (datetime(1, 1, 1), datetime(2000, 1, 1))
DAYS = ("Jan 20", "20 Jan", "January 5th", "Sept. 3", "3rd March", "Feb 29", "Apr 31", "may 7")
YEARS = ("", " 2021", ", 2024")
CLOCKS = ("", " 22:40", ", 21:45", " at 9:05 PM", " 10am", " 12 a.m.", " 12:30:15", " 7 PM")
WEEKDAYS = ("", "Tuesday, ", "Fri ")


@pytest.mark.parametrize("default", DEFAULTS, ids=["year-1", "year-2000"])
def test_read_written_agrees_with_dateutil(default: datetime) -> None:
    read = 0
    for weekday, day, year, clock in itertools.product(WEEKDAYS, DAYS, YEARS, CLOCKS):
        text = f"{weekday}{day}{year}{clock}"
        try:
            expected: datetime | type[ValueError] = dateparser.parse(text, default=default)
        except ValueError:
            expected = ValueError
        try:
            got: datetime | type[ValueError] | None = read_written(text, default)
        except ValueError:
            got = ValueError
        if got is None:
            continue
        read += 1
        assert got == expected, text
    # The reader must answer most of these itself, or it saves nothing.
    assert read > len(WEEKDAYS) * len(DAYS) * len(YEARS) * len(CLOCKS) * 0.8


@pytest.mark.parametrize(
    "text",
    ["Jan 45", "Jan 2021", "Jan 20 14", "Jan 20 13 PM", "Monkey, Jan 20", "Foo 20", "Jan 20 UTC"],
)
def test_read_written_leaves_other_forms_to_dateutil(text: str) -> None:
    assert read_written(text, datetime(1, 1, 1)) is None


def test_parse_when_reads_an_iso_date_alone_as_midnight_of_that_day() -> None:
    day, clock, zone = parse_when("2021-12-10")
    assert (day.isoformat() if day else None, clock.isoformat(), zone) == (
        "2021-12-10",
        "00:00:00",
        None,
    )
