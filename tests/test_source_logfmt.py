"""logfmt logs: Grafana's, logrus's and humanlog's real logs, continuation lines, our own cases."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from afteraction.errors import ParseError, UsageError
from afteraction.timeline.event import Event, Kind, Level
from afteraction.timeline.loglines import KEPT_CONTINUATION
from afteraction.timeline.problems import Problems
from afteraction.timeline.sources.jsonl import JsonLines
from afteraction.timeline.sources.logfmt import Logfmt, parse_logfmt
from afteraction.timeline.spec import SourceSpec
from tests.conftest import shared_folder

NO_TIME = "no time field (time, timestamp, ts, @timestamp, t, date, datetime, eventTime)"


def read(path: Path, *, strict: bool = False, **options: str) -> tuple[list[Event], Problems]:
    problems = Problems(str(path), strict=strict)
    events = list(Logfmt(SourceSpec("logfmt", path, options), problems).events())
    return events, problems


def fixture(name: str) -> Path:
    return shared_folder("fixtures") / "payloads" / f"logfmt__{name}"


def write(tmp_path: Path, text: str, name: str = "app.log") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# -- the real logs


def test_grafana_logger_t_and_nanoseconds():
    events, problems = read(fixture("tstack__lnav__test__logfile_grafana.0.log"))
    assert len(events) == 5 and problems.count == 0
    assert events[0].time == datetime(2025, 4, 24, 19, 51, 48, 520963, tzinfo=UTC)
    assert events[0].text == "Starting Grafana"
    assert events[0].component == "settings"  # logger=
    assert {e.level for e in events} == {Level.INFO}
    assert {e.kind for e in events} == {Kind.LOG}


def test_logrus_errors_go_with_their_message_and_empty_values_are_read():
    events, problems = read(fixture("tstack__lnav__test__logfile_logfmt.0.log"))
    assert len(events) == 5 and problems.count == 0
    assert events[0].time == datetime(2021, 9, 15, 21, 17, 10, 220731, tzinfo=UTC)
    assert events[0].level is Level.ERROR
    assert events[1].level is Level.WARN  # level=warning
    assert events[1].text == (
        "Failed to DeletePod in the provider: pod inc-1-domain-c14-ns-6/"
        "fe-inc-1-domain-c14-ns-6-5-656d9bb695-4584b is not found: PodNotFound"
    )
    assert events[3].text == "Pod deleted"
    assert all(e.component is None and e.actor is None for e in events)


def test_humanlog_time_layouts_and_lines_without_a_time():
    events, problems = read(fixture("humanlogio__humanlog__test__cases__00002-logfmt__input.log"))
    assert events[0].time == datetime(2022, 9, 11, 16, 31, 21, tzinfo=UTC)  # 2022/09/11 16:31:21
    assert events[1].time == datetime(2022, 9, 11, 16, 31, 21, 198136, tzinfo=UTC)
    # No message field: the line as written is the text.
    assert events[0].text == 'time="2022/09/11 16:31:21" do_all_electric_sheeps="dream"'
    assert events[2].time == datetime(2021, 8, 11, 18, 15, 10, 290034, tzinfo=UTC)  # -05:00
    assert [e.text for e in events[2:]] == ["hello"] * 5  # message/msg; time/ts/timestamp/@...
    assert len(events) == 7
    # Lines 1-3 come before any event; lines 11-22 are records (a level) without a time.
    assert problems.count == 15
    assert [p.line for p in problems.first] == [1, 2, 3, 11, 12]
    assert problems.first[0].message == NO_TIME


# -- parsing the pairs


def test_parse_logfmt_quotes_escapes_empties_and_duplicates():
    line = r'a=1 b="x y" c= d="" e="say \"hi\"\n" f=x=y bare words a=2 g="un\\q"'
    assert parse_logfmt(line) == {
        "a": "2",  # a key given twice keeps its last value
        "b": "x y",
        "c": "",
        "d": "",
        "e": 'say "hi"\n',
        "f": "x=y",
        "g": "un\\q",
    }


def test_parse_logfmt_of_a_line_without_pairs():
    assert parse_logfmt("goroutine 1 [running]:") == {}


def test_an_unterminated_quote_keeps_what_it_can():
    assert parse_logfmt('msg="half open level=warn') == {"msg": '"half', "level": "warn"}


# -- continuation lines


def test_lines_without_a_time_continue_the_event_before(tmp_path: Path):
    path = write(
        tmp_path,
        'ts=2026-11-03T14:02:11Z level=error msg="panic in handler"\n'
        "goroutine 1 [running]:\n"
        "main.charge(0x1)\n"
        "\t/app/main.go:12 +0x1d\n"
        "\n"
        "ts=2026-11-03T14:02:12Z level=info msg=recovered\n",
    )
    events, problems = read(path)
    assert problems.count == 0
    assert events[0].text == (
        "panic in handler\ngoroutine 1 [running]:\nmain.charge(0x1)\n\t/app/main.go:12 +0x1d"
    )
    assert events[1].text == "recovered"


def test_continuation_lines_are_capped(tmp_path: Path):
    trace = "".join(f"  at frame {n}\n" for n in range(KEPT_CONTINUATION + 7))
    path = write(tmp_path, f"ts=2026-11-03T14:02:11Z msg=boom\n{trace}")
    events, _ = read(path)
    lines = events[0].text.split("\n")
    assert len(lines) == 1 + KEPT_CONTINUATION + 1
    assert lines[-1] == "[7 more lines]"


def test_a_record_without_a_time_is_malformed_not_a_continuation(tmp_path: Path):
    path = write(tmp_path, "ts=2026-11-03T14:02:11Z msg=first\nlevel=error msg=orphan\n")
    events, problems = read(path)
    assert events[0].text == "first"
    assert (problems.count, problems.first[0].line) == (1, 2)


# -- options


def test_field_mapping_options(tmp_path: Path):
    path = write(
        tmp_path,
        "when=2026-11-03T14:02:11+01:00 sev=crit text=disk svc=db who=ana\n"
        "when=2026-11-03T14:02:12+01:00 sev=warn text=slow svc=db who=bo\n",
    )
    events, _ = read(path, time="when", level="sev", message="text", component="svc", actor="who")
    assert events[0].time == datetime(2026, 11, 3, 13, 2, 11, tzinfo=UTC)
    assert [(e.level, e.text, e.component, e.actor) for e in events] == [
        (Level.CRITICAL, "disk", "db", "ana"),
        (Level.WARN, "slow", "db", "bo"),
    ]


def test_naive_times_take_the_zone(tmp_path: Path):
    path = write(tmp_path, 'time="2026-11-03 14:02:11" msg=x\n')
    events, _ = read(path, zone="America/New_York")
    assert events[0].time == datetime(2026, 11, 3, 19, 2, 11, tzinfo=UTC)


# -- bad input


def test_bad_times_and_orphans_are_counted_with_their_lines(tmp_path: Path):
    path = write(
        tmp_path,
        "  at the start\n"
        "ts=2026-11-03T14:02:11Z msg=ok\n"
        "ts=yesterday msg=bad\n"
        "ts= msg=empty\n"
        "ts=2026-11-03T14:02:12Z msg=ok\n",
    )
    events, problems = read(path)
    assert len(events) == 2
    assert [p.line for p in problems.first] == [1, 3, 4]
    assert problems.first[0].message == NO_TIME
    assert problems.first[1].message == "field 'ts': not a time: 'yesterday'"
    assert problems.first[2].message == "field 'ts' holds no time"


def test_strict_raises_with_file_and_line(tmp_path: Path):
    path = write(tmp_path, "ts=2026-11-03T14:02:11Z msg=ok\nts=never msg=bad\n")
    with pytest.raises(ParseError) as caught:
        read(path, strict=True)
    assert (caught.value.file, caught.value.line) == (str(path), 2)


def test_a_json_lines_file_is_not_logfmt(tmp_path: Path):
    path = write(tmp_path, '{"time": "2026-11-03T14:02:11Z", "msg": "x"}\n')
    with pytest.raises(UsageError, match="not a logfmt log"):
        read(path)


def test_gzip_input(tmp_path: Path):
    path = tmp_path / "app.log.gz"
    path.write_bytes(gzip.compress(b"ts=2026-11-03T14:02:11Z msg=zipped\n"))
    events, _ = read(path)
    assert events[0].text == "zipped"


# -- logs that mix logfmt and JSON lines


def test_a_json_line_in_a_logfmt_log_is_an_event_of_its_own(tmp_path):
    path = write(
        tmp_path,
        'time="2026-11-03T14:02:00Z" level=error msg="orders rejected"\n'
        "  at gateway.check (limits.go:42)\n"
        '{"time":"2026-11-03T14:05:00Z","level":"info","msg":"limits reloaded","service":"gw"}\n'
        '{"level":"warn","msg":"no time here"}\n'
        'time="2026-11-03T14:09:00Z" level=info msg="alert fired"\n',
    )
    events, problems = read(path)
    assert [(e.time.minute, e.text) for e in events] == [
        (2, "orders rejected\n  at gateway.check (limits.go:42)"),
        (5, "limits reloaded"),
        (9, "alert fired"),
    ]
    assert events[1].level is Level.INFO
    assert problems.count == 1  # the JSON object without a time is a record, not a continuation
    assert [p.line for p in problems.first] == [4]


def test_the_mixed_log_reads_the_same_from_either_side(tmp_path):
    path = write(
        tmp_path,
        '{"time":"2026-11-03T14:02:00Z","level":"error","msg":"orders rejected"}\n'
        'time="2026-11-03T14:05:00Z" level=info msg="limits reloaded"\n'
        "plain words with no pairs\n",
    )
    problems = Problems(str(path))
    events = list(JsonLines(SourceSpec("jsonl", path, {}), problems).events())
    assert [e.text for e in events] == ["orders rejected", "limits reloaded"]
    assert problems.count == 1


def test_a_log_of_nothing_but_the_other_format_is_refused(tmp_path):
    path = write(tmp_path, 'time="2026-11-03T14:05:00Z" level=info msg="limits reloaded"\n')
    with pytest.raises(UsageError, match="not a JSON-lines log: every record in it is logfmt"):
        list(JsonLines(SourceSpec("jsonl", path, {}), Problems(str(path))).events())
