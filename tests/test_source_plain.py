"""Plain-text logs: ISO-like times found alone, strptime patterns, regexes, stack traces."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from afteraction.errors import ParseError, UsageError
from afteraction.timeline.event import Event, Kind, Level
from afteraction.timeline.problems import Problems
from afteraction.timeline.sources.plain import Plain, guess_level
from afteraction.timeline.spec import SourceSpec

ZONE_NOTE = "times without a zone read as UTC (give zone=NAME for the log's zone)"


def read(path: Path, *, strict: bool = False, **options: str) -> tuple[list[Event], Problems]:
    problems = Problems(str(path), strict=strict)
    events = list(Plain(SourceSpec("plain", path, options), problems).events())
    return events, problems


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "app.log"
    path.write_text("".join(f"{line}\n" for line in lines))
    return path


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# -- times found without options


def test_iso_like_times_at_the_start_of_lines(tmp_path: Path):
    path = write(
        tmp_path,
        "2026-11-03T14:02:11.003Z api started",
        "2026-11-03 14:02:12,250 ERROR app.db: connection refused",  # Python logging
        "2026/11/03 14:02:13 [warn] 88#0: upstream slow",  # nginx
        "[2026-11-03 15:02:14 +01:00] level=info cache warmed",
        "2026-11-03 14:02:15 UTC - worker - CRITICAL - out of memory",
        "2026-11-03T09:02:16-0500 notice: rotated",
        "2026-11-03 14:02",  # minutes only, no text
    )
    events, problems = read(path)
    assert problems.count == 0
    assert [e.time for e in events] == [
        utc(2026, 11, 3, 14, 2, 11, 3000),
        utc(2026, 11, 3, 14, 2, 12, 250000),
        utc(2026, 11, 3, 14, 2, 13),
        utc(2026, 11, 3, 14, 2, 14),
        utc(2026, 11, 3, 14, 2, 15),
        utc(2026, 11, 3, 14, 2, 16),
        utc(2026, 11, 3, 14, 2),
    ]
    assert [e.level for e in events] == [
        None,
        Level.ERROR,
        Level.WARN,
        Level.INFO,
        Level.CRITICAL,
        None,  # lower-case without brackets: not taken for a level
        None,
    ]
    assert events[0].text == "api started"
    assert events[1].text == "ERROR app.db: connection refused"
    assert events[4].text == "worker - CRITICAL - out of memory"
    assert events[6].text == "2026-11-03 14:02"  # nothing after the time: the line
    assert {e.kind for e in events} == {Kind.LOG}
    assert all(e.component is None and e.actor is None for e in events)
    assert problems.notes == [ZONE_NOTE]


def test_naive_times_take_the_zone(tmp_path: Path):
    events, problems = read(write(tmp_path, "2026-11-03 14:02:11 x"), zone="Europe/Paris")
    assert events[0].time == utc(2026, 11, 3, 13, 2, 11)
    assert problems.notes == []


def test_stack_traces_continue_the_event_before(tmp_path: Path):
    path = write(
        tmp_path,
        "2026-11-03 14:02:11,003 ERROR Unhandled exception",
        "Traceback (most recent call last):",
        '  File "/app/pay.py", line 3, in charge',
        "ValueError: card declined",
        "2026-11-03 14:02:12,000 INFO next",
    )
    events, problems = read(path)
    assert problems.count == 0
    assert events[0].text == (
        "ERROR Unhandled exception\nTraceback (most recent call last):\n"
        '  File "/app/pay.py", line 3, in charge\nValueError: card declined'
    )
    assert events[1].text == "INFO next"


@pytest.mark.parametrize(
    ("rest", "level"),
    [
        ("[main] WARN com.acme.Pay - slow", Level.WARN),
        ("pid=4 level=error msg", Level.ERROR),
        ('level="debug" x', Level.DEBUG),
        ("[error] 88#0: boom", Level.ERROR),
        ("connection error while reading", None),
        ("a long message that goes on and on, and mentions ERROR far away", None),
    ],
)
def test_guess_level(rest: str, level: Level | None):
    assert guess_level(rest) is level


# -- pattern=


def test_pattern_reads_the_time_it_describes(tmp_path: Path):
    path = write(
        tmp_path,
        "03/Nov/2026:14:02:11 +0100 GET /pay 502",
        "03/Nov/2026:14:02:12 +0100 GET /pay 200",
    )
    events, problems = read(path, pattern="%d/%b/%Y:%H:%M:%S %z")
    assert [e.time for e in events] == [utc(2026, 11, 3, 13, 2, 11), utc(2026, 11, 3, 13, 2, 12)]
    assert events[0].text == "GET /pay 502"
    assert problems.notes == []  # every time had its offset


def test_pattern_twelve_hour_two_digit_year_and_fraction(tmp_path: Path):
    path = write(tmp_path, "11/03/26 02:02:11.5 PM job done", "11/03/26 12:00:00.0 AM midnight")
    events, _ = read(path, pattern="%m/%d/%y %I:%M:%S.%f %p")
    assert [e.time for e in events] == [utc(2026, 11, 3, 14, 2, 11, 500000), utc(2026, 11, 3)]


def test_pattern_with_a_zone_name_and_epoch(tmp_path: Path):
    named = write(tmp_path, "2026-11-03 14:02:11 CET x")
    assert read(named, pattern="%F %T %Z")[0][0].time == utc(2026, 11, 3, 13, 2, 11)
    epoch = write(tmp_path, "1793714531.25 x")
    assert read(epoch, pattern="%s")[0][0].time == utc(2026, 11, 3, 14, 2, 11, 250000)


def test_pattern_without_a_year_takes_the_year_option(tmp_path: Path):
    path = write(tmp_path, "Dec 31 23:59:59 a", "Jan  1 00:00:00 b")
    events, _ = read(path, pattern="%b %d %H:%M:%S", year="2025")
    assert [e.time for e in events] == [utc(2025, 12, 31, 23, 59, 59), utc(2026, 1, 1)]


def test_pattern_without_a_year_or_option_guesses_and_says_so(tmp_path: Path):
    events, problems = read(write(tmp_path, "Jan  1 00:00:00 b"), pattern="%b %d %H:%M:%S")
    assert events[0].time.year in {date.today().year, date.today().year - 1}
    assert any(note.startswith("times without a year") for note in problems.notes)


def test_a_pattern_with_a_comma_through_the_spec():
    spec = SourceSpec.parse(r"plain[pattern=%Y-%m-%d %H:%M:%S\,%f,zone=UTC]:app.log")
    assert spec.options == {"pattern": "%Y-%m-%d %H:%M:%S,%f", "zone": "UTC"}


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("%Y-%m-%d %Q", "'%Q' in '%Y-%m-%d %Q' is not one of"),
        ("%H:%M:%S", "has no date"),
        ("%d %d %m", "repeats a field"),
    ],
)
def test_bad_patterns_are_refused(tmp_path: Path, pattern: str, message: str):
    with pytest.raises(UsageError, match=message):
        read(write(tmp_path, "x"), pattern=pattern)


# -- regex=


def test_regex_groups_give_time_level_message_component_and_actor(tmp_path: Path):
    path = write(
        tmp_path,
        "web-1 ana [2026-11-03 14:02:11] <E> deploy failed",
        "web-2 bo [2026-11-03 14:02:12] <I> deploy done",
    )
    regex = (
        r"(?P<component>\S+) (?P<actor>\S+) \[(?P<time>[^\]]+)\] <(?P<level>\w)> (?P<message>.*)"
    )
    events, _ = read(path, regex=regex, zone="UTC")
    assert [(e.component, e.actor, e.text) for e in events] == [
        ("web-1", "ana", "deploy failed"),
        ("web-2", "bo", "deploy done"),
    ]
    assert events[0].time == utc(2026, 11, 3, 14, 2, 11)
    assert [e.level for e in events] == [None, None]  # "E" and "I" name no level


def test_regex_with_a_pattern_for_its_time(tmp_path: Path):
    path = write(tmp_path, '10.0.0.1 - - [03/Nov/2026:14:02:11 +0000] "GET /pay HTTP/1.1" 502 0')
    events, _ = read(
        path, regex=r"\S+ \S+ \S+ \[(?P<time>[^\]]+)\]", pattern="%d/%b/%Y:%H:%M:%S %z"
    )
    assert events[0].time == utc(2026, 11, 3, 14, 2, 11)
    assert events[0].text == '"GET /pay HTTP/1.1" 502 0'


@pytest.mark.parametrize(
    ("regex", "message"),
    [(r"(?P<when>\S+)", r"has no group \(\?P<time>"), (r"(?P<time>[", "is not valid")],
)
def test_bad_regexes_are_refused(tmp_path: Path, regex: str, message: str):
    with pytest.raises(UsageError, match=message):
        read(write(tmp_path, "x"), regex=regex)


# -- bad input


def test_malformed_lines_are_counted_with_their_line(tmp_path: Path):
    path = write(
        tmp_path,
        "banner before any event",
        "2026-11-03 14:02:11 ok",
        "2026-13-03 14:02:12 no such month",
        "2026-11-03 14:02:13 ok",
    )
    events, problems = read(path)
    assert [e.text for e in events] == ["ok", "ok"]
    assert [p.line for p in problems.first] == [1, 3]
    assert problems.first[0].message.startswith("no time at the start of the line")
    assert problems.first[1].message.startswith("not a time: '2026-13-03 14:02:12'")


def test_a_pattern_time_that_does_not_exist_is_malformed(tmp_path: Path):
    path = write(tmp_path, "2026-11-03 x", "2026-02-30 y")
    events, problems = read(path, pattern="%Y-%m-%d")
    assert len(events) == 1
    assert (problems.first[0].line, problems.first[0].message) == (
        2,
        "day is out of range for month",
    )


def test_strict_raises_with_file_and_line(tmp_path: Path):
    path = write(tmp_path, "2026-11-03 14:02:11 ok", "2026-11-03 25:00:00 bad")
    with pytest.raises(ParseError) as caught:
        read(path, strict=True)
    assert (caught.value.file, caught.value.line) == (str(path), 2)


def test_a_file_without_times_is_a_usage_error(tmp_path: Path):
    with pytest.raises(UsageError, match="not a plain-text log with a time at the start"):
        read(write(tmp_path, "just", "words"))
