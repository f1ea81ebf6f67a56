"""Syslog: loghub's Linux and OpenSSH logs, lnav's, and RFC 3164/5424 lines of our own."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from afteraction.errors import ParseError, UsageError
from afteraction.timeline.event import Event, Kind, Level
from afteraction.timeline.problems import Problems
from afteraction.timeline.sources.syslog import NOT_SYSLOG, Syslog
from afteraction.timeline.spec import SourceSpec
from tests.conftest import shared_folder

ZONE_NOTE = "times without a zone read as UTC (give zone=NAME for the log's zone)"


def read(path: Path, *, strict: bool = False, **options: str) -> tuple[list[Event], Problems]:
    problems = Problems(str(path), strict=strict)
    events = list(Syslog(SourceSpec("syslog", path, options), problems).events())
    return events, problems


def fixture(name: str) -> Path:
    return shared_folder("fixtures") / "payloads" / f"syslog__{name}"


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "messages"
    path.write_text("".join(f"{line}\n" for line in lines))
    return path


# -- the real logs


def test_loghub_linux():
    events, problems = read(fixture("logpai__loghub__Linux__Linux_2k.log"), year="2005")
    assert len(events) == 2000 and problems.count == 0
    assert {e.kind for e in events} == {Kind.LOG}
    first = events[0]
    assert first.time == datetime(2005, 6, 14, 15, 16, 1, tzinfo=UTC)
    assert first.component == "sshd(pam_unix)"
    assert first.text.startswith("authentication failure; logname= uid=0")
    assert not first.text.endswith(" ")  # CRLF and trailing spaces trimmed
    assert first.level is None and first.actor is None  # no PRI, no level
    assert events[-1].time == datetime(2005, 7, 27, 14, 42, tzinfo=UTC)
    restart = next(e for e in events if "restart" in e.text)
    assert (restart.component, restart.text) == (None, "syslogd 1.4.1: restart.")
    assert problems.notes == [ZONE_NOTE]


def test_loghub_openssh():
    events, problems = read(fixture("logpai__loghub__OpenSSH__OpenSSH_2k.log"), year="2015")
    assert len(events) == 2000 and problems.count == 0
    assert {e.component for e in events} == {"sshd"}
    assert events[0].time == datetime(2015, 12, 10, 6, 55, 46, tzinfo=UTC)
    assert events[1].text == "Invalid user webmaster from 173.234.31.186"
    assert all(e.time.date() == date(2015, 12, 10) for e in events)


def test_lnav_syslog_double_space_day_and_zone():
    path = fixture("tstack__lnav__test__logfile_syslog.0.log")
    events, problems = read(path, year="2007", zone="Europe/Paris")
    assert events[0].time == datetime(2007, 11, 3, 8, 23, 38, tzinfo=UTC)  # Paris, in winter
    assert [e.component for e in events] == ["automount"] * 3 + ["sudo"]
    assert events[0].text == "lookup(file): lookup for foobar failed"
    assert problems.notes == []  # a zone was given


def bsd_day(day: date) -> str:
    return f"{day:%b} {day.day:2d} 09:00:00 h app: x"


def test_without_a_year_a_recent_day_is_this_year(tmp_path: Path):
    yesterday = date.today() - timedelta(days=1)
    events, problems = read(write(tmp_path, bsd_day(yesterday)))
    assert events[0].time.date() == yesterday
    assert problems.notes[0].startswith(f"times without a year read as {yesterday.year} onwards")


def test_without_a_year_a_day_still_to_come_is_last_year(tmp_path: Path):
    ahead = date.today() + timedelta(days=40)
    events, _ = read(write(tmp_path, bsd_day(ahead)))
    assert events[0].time.year == ahead.year - 1


# -- RFC 3164 and 5424 lines


def test_pri_gives_the_level(tmp_path: Path):
    path = write(
        tmp_path,
        "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
        "<13>Oct 11 22:14:16 mymachine app[7]: user message",
        "<191>Oct 11 22:14:17 mymachine app: debug",
    )
    events, _ = read(path, year="2003")
    assert [e.level for e in events] == [Level.CRITICAL, Level.NOTICE, Level.DEBUG]
    assert events[0].component == "su"
    assert events[0].text == "'su root' failed for lonvick on /dev/pts/8"


def test_rfc5424_lines(tmp_path: Path):
    path = write(
        tmp_path,
        "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \ufeff'su root' failed",
        '<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - [ex@32473 iut="3"'
        r' eventSource="App\]x"]'
        " %% It's time to make the do-nuts.",
        '<165>1 2003-10-11T22:14:15.003Z host evntslog - ID47 [exampleSDID@32473 iut="3"]',
        "<14>1 2026-11-03T14:02:11Z - - - - - just a message",
    )
    events, problems = read(path)
    assert problems.count == 0
    assert events[0].time == datetime(2003, 10, 11, 22, 14, 15, 3000, tzinfo=UTC)
    assert (events[0].component, events[0].level) == ("su", Level.CRITICAL)
    assert events[0].text == "'su root' failed"  # the BOM dropped
    assert events[1].time == datetime(2003, 8, 24, 12, 14, 15, 3, tzinfo=UTC)
    assert events[1].text == "%% It's time to make the do-nuts."  # SD with an escaped ]
    assert events[1].level is Level.NOTICE
    assert events[2].text == '[exampleSDID@32473 iut="3"]'  # no message: the structured data
    assert (events[3].component, events[3].text) == (None, "just a message")
    assert problems.notes == []  # every time had its offset


def test_rsyslog_high_precision_layout(tmp_path: Path):
    path = write(tmp_path, "2026-11-03T14:02:11.123456+01:00 web-1 nginx[88]: upstream timed out")
    events, _ = read(path)
    assert events[0].time == datetime(2026, 11, 3, 13, 2, 11, 123456, tzinfo=UTC)
    assert (events[0].component, events[0].text) == ("nginx", "upstream timed out")


def test_december_to_january_moves_to_the_next_year(tmp_path: Path):
    path = write(
        tmp_path,
        "Dec 31 23:59:58 h cron[1]: a",
        "Jan  1 00:00:01 h cron[1]: b",
        "Dec 31 23:59:59 h cron[1]: late line",
        "Jan  1 00:00:02 h cron[1]: c",
    )
    events, _ = read(path, year="2025")
    assert [e.time.year for e in events] == [2025, 2026, 2025, 2026]


def test_component_option(tmp_path: Path):
    path = write(tmp_path, "Nov  3 14:02:11 web-1 nginx[88]: x")
    assert read(path, year="2026", component="host")[0][0].component == "web-1"
    assert read(path, year="2026", component="host/app")[0][0].component == "web-1/nginx"
    with pytest.raises(UsageError, match="component 'pid'"):
        read(path, component="pid")


def test_a_bad_year_option_is_refused(tmp_path: Path):
    with pytest.raises(UsageError, match="year '26'"):
        read(write(tmp_path, "Nov  3 14:02:11 h app: x"), year="26")


# -- bad input


def test_malformed_lines_are_counted_with_their_line(tmp_path: Path):
    path = write(
        tmp_path,
        "Nov  3 14:02:11 h app: ok",
        "a line of something else",
        "",
        "Feb 30 14:02:11 h app: no such day",
        "<999>Nov  3 14:02:12 h app: bad PRI",
        "<14>1 - h app - - - no time",
        "Nov  3 14:02:13 h app: ok",
    )
    events, problems = read(path, year="2026")
    assert len(events) == 2
    assert [p.line for p in problems.first] == [2, 4, 5, 6]
    assert problems.first[0].message == NOT_SYSLOG
    assert problems.first[1].message.startswith("not a time: day is out of range")
    assert problems.first[2].message == "PRI <999> is not 0-191"
    assert problems.first[3].message == "no time ('-')"


def test_strict_raises_with_file_and_line(tmp_path: Path):
    path = write(tmp_path, "Nov  3 14:02:11 h app: ok", "garbage")
    with pytest.raises(ParseError) as caught:
        read(path, strict=True, year="2026")
    assert (caught.value.file, caught.value.line) == (str(path), 2)


def test_a_file_of_another_kind_is_a_usage_error(tmp_path: Path):
    path = write(tmp_path, '{"time": "2026-11-03T14:02:11Z", "msg": "x"}')
    with pytest.raises(UsageError, match="not a syslog log"):
        read(path)
