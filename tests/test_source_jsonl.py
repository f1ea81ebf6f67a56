"""JSON-lines logs: bunyan, lnav's and humanlog's real logs, and the loggers' layouts we write."""

from __future__ import annotations

import gzip
import io
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from afteraction.errors import ParseError, UsageError
from afteraction.timeline.event import Event, Kind, Level
from afteraction.timeline.logfields import read_level
from afteraction.timeline.loglines import FIRST_LINES
from afteraction.timeline.problems import Problems
from afteraction.timeline.sources.jsonl import JsonLines
from afteraction.timeline.spec import SourceSpec
from tests.conftest import shared_folder

NO_TIME = "no time field (time, timestamp, ts, @timestamp, t, date, datetime, eventTime)"


def read(
    path: Path | None, *, strict: bool = False, **options: str
) -> tuple[list[Event], Problems]:
    problems = Problems(str(path) if path else "<stdin>", strict=strict)
    events = list(JsonLines(SourceSpec("jsonl", path, options), problems).events())
    return events, problems


def fixture(name: str) -> Path:
    return shared_folder("fixtures") / "payloads" / f"jsonl__{name}"


def write(tmp_path: Path, lines: list[Any], name: str = "app.log") -> Path:
    path = tmp_path / name
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return path


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# -- the real logs


def test_bunyan_numeric_levels_name_and_times():
    events, problems = read(fixture("tstack__lnav__test__logfile_bunyan.0.log"))
    assert len(events) == 10 and problems.count == 0
    assert {e.kind for e in events} == {Kind.LOG}
    assert events[0].time == at("2023-03-24T14:26:16.243+00:00")
    assert events[0].text == "Found gitlabci-include package files"
    assert events[0].component == "renovate"  # bunyan's name, before the hostname
    assert events[0].level is Level.DEBUG  # bunyan 20
    assert events[3].level is Level.INFO  # bunyan 30
    assert events[3].text == "Dependency extraction complete"
    assert all(e.actor is None and e.link is None and e.key is None for e in events)
    assert events[0].origin.endswith("logfile_bunyan.0.log:1")


def test_lnav_json_bad_time_is_a_counted_problem_and_the_rest_is_read():
    path = fixture("tstack__lnav__test__logfile_json.json.log")
    events, problems = read(path)
    assert len(events) == 13
    assert problems.count == 1
    assert problems.first[0].line == 6
    assert problems.first[0].message == "field 'ts': not a time: 'xxx'"
    assert events[0].component == "com.example.foo.bar.bazzer"  # logger
    assert events[0].level is Level.TRACE
    assert events[1].text == "Starting up service"  # terminal colours stripped
    assert events[3].text == "Details..."  # backspace overstrikes resolved, newline trimmed
    assert events[3].level is Level.DEBUG  # DEBUG5
    by_text = {e.text: e.level for e in events}
    assert by_text["1 beat per second"] is None  # STATS names no level
    assert by_text["not looking good"] is Level.WARN
    assert by_text["sooo bad"] is Level.CRITICAL
    assert events[7].time == at("2013-09-06T22:01:00+00:00")  # "2013-09-06 22:01:00Z"


def test_lnav_json_strict_stops_at_the_bad_time_with_file_and_line():
    path = fixture("tstack__lnav__test__logfile_json.json.log")
    with pytest.raises(ParseError) as caught:
        read(path, strict=True)
    assert caught.value.line == 6
    assert caught.value.file == str(path)
    assert "'ts'" in str(caught.value)


def test_humanlog_cloudevents_nested_data_and_offsets():
    events, problems = read(fixture("humanlogio__humanlog__test__cases__00001-json__input.log"))
    first = events[0]
    assert first.time == datetime(2021, 8, 11, 18, 14, 50, 246861, tzinfo=UTC)  # -05:00
    assert first.text == "The login-api service is running on port 8085."  # data.message
    assert events[7].text == "Shutdown"  # data.event
    assert [e.text for e in events[8:13]] == ["hello"] * 5  # time/ts/timestamp/@timestamp
    assert events[-1].time == datetime(2024, 10, 29, 7, 45, 54, 384776, tzinfo=UTC)  # +09:00
    assert events[-1].level is Level.DEBUG
    # {"level":"fatal"} and its kind have no time: counted, each with its line.
    assert problems.count == 12
    assert [p.line for p in problems.first] == [14, 15, 16, 17, 18]
    assert problems.first[0].message == NO_TIME


def test_humanlog_with_a_field_mapping():
    path = fixture("humanlogio__humanlog__test__cases__00001-json__input.log")
    events, _ = read(path, message="data.short", level="invloglevel", component="source")
    assert events[0].text == "service-startup"
    assert events[0].level is Level.INFO
    assert events[0].component == "irn:libraries:github.com/InVisionApp/invlogger"


# -- the loggers' layouts, as they write them


def test_default_fields_of_common_loggers(tmp_path: Path):
    path = write(
        tmp_path,
        [
            # pino: epoch milliseconds, numeric level
            {"level": 50, "time": 1793714531003, "pid": 1, "name": "checkout", "msg": "declined"},
            # zap: epoch seconds as a float, logger
            {"level": "warn", "ts": 1793714532.5, "logger": "payments", "msg": "slow"},
            # structlog: event is the message
            {"timestamp": "2026-11-03T14:02:13Z", "level": "info", "event": "retry scheduled"},
            # python-json-logger
            {
                "asctime": "x",
                "levelname": "ERROR",
                "message": "gave up",
                "datetime": "2026-11-03 14:02:14",
            },
            # ECS: nested log.level, service as an object (not a name)
            {"@timestamp": "2026-11-03T14:02:15.000Z", "log": {"level": "error"}, "message": "oom"},
            # slog with an error beside the message
            {
                "time": "2026-11-03T14:02:16Z",
                "level": "ERROR",
                "msg": "charge",
                "err": "card expired",
            },
            # bunyan's err object
            {
                "time": "2026-11-03T14:02:17Z",
                "level": 50,
                "msg": "boom",
                "err": {"message": "EPIPE"},
            },
        ],
    )
    events, problems = read(path)
    assert problems.count == 0
    assert events[0].time == datetime(2026, 11, 3, 14, 2, 11, 3000, tzinfo=UTC)
    assert (events[0].level, events[0].component, events[0].text) == (
        Level.ERROR,
        "checkout",
        "declined",
    )
    assert events[1].time == datetime(2026, 11, 3, 14, 2, 12, 500000, tzinfo=UTC)
    assert (events[1].level, events[1].component) == (Level.WARN, "payments")
    assert events[2].text == "retry scheduled"
    assert (events[3].level, events[3].text) == (Level.ERROR, "gave up")
    assert (events[4].level, events[4].text, events[4].component) == (Level.ERROR, "oom", None)
    assert events[5].text == "charge: card expired"
    assert events[6].text == "boom: EPIPE"


def test_a_record_without_a_message_keeps_its_line(tmp_path: Path):
    line = '{"time": "2026-11-03T14:02:11Z", "status": 502, "path": "/pay"}'
    events, _ = read(write(tmp_path, [line]))
    assert events[0].text == line
    assert events[0].level is None


def test_options_map_dotted_paths_and_alternatives(tmp_path: Path):
    path = write(
        tmp_path,
        [
            {"data": {"ts": "2026-11-03T14:02:11+01:00", "sev": "crit"}, "body": "a", "who": "ana"},
            {"when": "2026-11-03T14:02:12Z", "data": {"sev": "warn"}, "body": "b", "who": "bo"},
            {"data": {"ts": "2026-11-03T14:02:13Z"}, "body": "c", "svc": {"name": "pay"}},
        ],
    )
    events, problems = read(
        path,
        time="data.ts|when",
        level="data.sev",
        msg="body",
        actor="who",
        component="svc.name",
    )
    assert problems.count == 0
    assert events[0].time == datetime(2026, 11, 3, 13, 2, 11, tzinfo=UTC)
    assert [e.text for e in events] == ["a", "b", "c"]
    assert [e.level for e in events] == [Level.CRITICAL, Level.WARN, None]
    assert [e.actor for e in events] == ["ana", "bo", None]
    assert events[2].component == "pay"


def test_flattened_dotted_keys_are_found_too(tmp_path: Path):
    path = write(
        tmp_path, [{"@timestamp": "2026-11-03T14:02:11Z", "log.level": "warn", "msg": "x"}]
    )
    events, _ = read(path)
    assert events[0].level is Level.WARN


def test_an_empty_option_turns_a_field_off(tmp_path: Path):
    path = write(tmp_path, [{"time": "2026-11-03T14:02:11Z", "name": "api", "msg": "x"}])
    events, _ = read(path, component="")
    assert events[0].component is None


def test_naive_times_take_the_zone(tmp_path: Path):
    path = write(tmp_path, [{"time": "2026-11-03 14:02:11", "msg": "x"}])
    events, _ = read(path, zone="Europe/Paris")
    assert events[0].time == datetime(2026, 11, 3, 13, 2, 11, tzinfo=UTC)


def test_unknown_option_is_refused(tmp_path: Path):
    with pytest.raises(UsageError, match="no option 'pattern'"):
        read(write(tmp_path, []), pattern="%Y")


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("30", Level.INFO),
        (30, Level.INFO),
        ("Warning", Level.WARN),
        ("DEBUG3", Level.DEBUG),
        ("crit", Level.CRITICAL),
    ],
)
def test_levels_as_loggers_write_them(value: Any, level: Level):
    assert read_level(value) is level


# -- bad input


def test_malformed_lines_are_counted_with_their_line(tmp_path: Path):
    good = {"time": "2026-11-03T14:02:11Z", "msg": "ok"}
    path = write(
        tmp_path,
        [good, "{not json", "", '["a list"]', {"msg": "no time"}, {"time": "", "msg": "x"}, good],
    )
    events, problems = read(path)
    assert len(events) == 2
    assert problems.count == 4
    assert [p.line for p in problems.first] == [2, 4, 5, 6]
    assert problems.first[0].message.startswith("not JSON: ")
    assert problems.first[1].message == "not a JSON object"
    assert problems.first[2].message == NO_TIME
    assert problems.first[3].message == "field 'time' holds no time"


def test_strict_raises_on_the_first_malformed_line(tmp_path: Path):
    path = write(tmp_path, [{"time": "2026-11-03T14:02:11Z", "msg": "ok"}, "oops"])
    with pytest.raises(ParseError) as caught:
        read(path, strict=True)
    assert (caught.value.file, caught.value.line) == (str(path), 2)


def test_a_file_of_another_kind_is_a_usage_error(tmp_path: Path):
    path = tmp_path / "deploys.csv"
    path.write_text("time,service\n2026-11-03T14:02:11Z,checkout\n")
    with pytest.raises(UsageError, match="not a JSON-lines log: none of its lines reads as one"):
        read(path)


def test_a_long_file_of_another_kind_fails_after_the_first_lines(tmp_path: Path):
    lines = [f"plain line {n}" for n in range(FIRST_LINES * 3)]
    with pytest.raises(UsageError, match=f"none of its first {FIRST_LINES} lines"):
        read(write(tmp_path, lines))


def test_objects_without_the_mapped_time_field_say_which_field(tmp_path: Path):
    path = write(tmp_path, [{"when": "2026-11-03T14:02:11Z", "msg": "x"}])
    with pytest.raises(UsageError, match=r"no time field \(at\)"):
        read(path, time="at")


def test_an_empty_file_has_no_events(tmp_path: Path):
    assert read(write(tmp_path, [])) == ([], Problems(str(tmp_path / "app.log")))


# -- inputs


def test_gzip_input(tmp_path: Path):
    path = tmp_path / "app.log.gz"
    path.write_bytes(gzip.compress(b'{"time": "2026-11-03T14:02:11Z", "msg": "zipped"}\n'))
    events, _ = read(path)
    assert events[0].text == "zipped"


def test_stdin_input(monkeypatch: pytest.MonkeyPatch):
    data = b'{"time": "2026-11-03T14:02:11Z", "msg": "piped"}\r\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))
    events, _ = read(None)
    assert events[0].text == "piped"
    assert events[0].origin == "<stdin>:1"


def test_lines_handed_over_by_byte_offset(tmp_path: Path):
    """A large log narrowed by bisection: lines come numbered by their offset, far from 1."""
    path = write(tmp_path, [])
    problems = Problems(str(path))
    problems.by_offset = True
    source = JsonLines(SourceSpec("jsonl", path), problems)
    source.supply = [(5000, b"garbage"), (5008, b'{"time": "2026-11-03T14:02:11Z", "msg": "x"}')]
    events = list(source.events())
    assert events[0].origin == f"{path}@5008"
    assert str(problems.first[0]).startswith(f"{path}@5000: not JSON")
