"""The timeline core: specs, times, windows, levels, and building (filter, fold, merge, cap)."""

from __future__ import annotations

import gc
import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import ClassVar

import pytest

from afteraction.errors import ParseError, UsageError
from afteraction.model import KeyTimes
from afteraction.spans import parse_span
from afteraction.timeline.build import BuildOptions, build_timeline, template
from afteraction.timeline.event import Event, Kind, Level, syslog_level
from afteraction.timeline.inputs import read_lines
from afteraction.timeline.keytimes import infer_key_times
from afteraction.timeline.payloads import json_documents
from afteraction.timeline.problems import Problems
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.source import Source
from afteraction.timeline.spec import SourceSpec
from afteraction.timeline.times import parse_time
from afteraction.timeline.window import Window

T0 = datetime(2026, 11, 3, 14, 0, tzinfo=UTC)


class Scripted(Source):
    """A test source: a JSON list of [minute, kind, text, level, key] read from its file."""

    name = "scripted"
    summary = "events written for a test"
    options: ClassVar[dict[str, str]] = {"as": "the source name its events carry"}

    def events(self) -> Iterator[Event]:
        assert self.spec.path is not None
        rows = json.loads(self.spec.path.read_text())
        for minute, kind, text, level, key in rows:
            yield Event(
                time=T0 + timedelta(minutes=minute),
                source=self.spec.options.get("as", self.name),
                kind=Kind(kind),
                text=text,
                level=Level.parse(level),
                key=key,
            )


def scripted(tmp_path: Path, name: str, rows: list[list[object]], **options: str) -> SourceSpec:
    path = tmp_path / name
    path.write_text(json.dumps(rows))
    return SourceSpec("scripted", path, options)


@pytest.fixture
def registry() -> SourceRegistry:
    found = SourceRegistry.discover()
    found.add(Scripted)
    return found


# Specs, times, windows, levels ----------------------------------------------------------


def test_a_spec_names_kind_options_and_path():
    spec = SourceSpec.parse("plain[pattern=%b %d %H:%M:%S, zone=Europe/Berlin]:logs/app.log")
    assert spec.kind == "plain"
    assert spec.options == {"pattern": "%b %d %H:%M:%S", "zone": "Europe/Berlin"}
    assert spec.path == Path("logs/app.log")
    assert SourceSpec.parse("jsonl:-").path is None
    assert SourceSpec.parse(r"csv[text=a\,b]:x").options == {"text": "a,b"}


@pytest.mark.parametrize("text", ["app.log", "jsonl[zone]:x", "Jsonl:", "[x=1]:y"])
def test_a_bad_spec_says_what_is_expected(text):
    with pytest.raises(UsageError, match="sources"):
        SourceSpec.parse(text)


def test_an_unknown_kind_names_the_kinds_there_are(registry):
    with pytest.raises(UsageError, match=r"unknown source kind 'nagios' \(kinds: .*alertmanager"):
        registry.get("nagios")


def test_an_unknown_option_or_zone_is_refused(registry, tmp_path):
    spec = SourceSpec("alertmanager", tmp_path / "x.json", {"colour": "red"})
    with pytest.raises(UsageError, match="has no option 'colour'"):
        registry.get("alertmanager")(spec, Problems("x"))
    with pytest.raises(UsageError, match="unknown time zone 'Mars/Olympus'"):
        _ = SourceSpec("alertmanager", None, {"zone": "Mars/Olympus"}).zone


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-02-06T00:17:58.432911368Z", datetime(2020, 2, 6, 0, 17, 58, 432911, tzinfo=UTC)),
        ("2017-01-26T08:31:54.865-05:00", datetime(2017, 1, 26, 13, 31, 54, 865000, tzinfo=UTC)),
        ("2022/09/11 16:31:21", datetime(2022, 9, 11, 16, 31, 21, tzinfo=UTC)),
        (1762178400, datetime(2025, 11, 3, 14, 0, tzinfo=UTC)),
        (1762178400123, datetime(2025, 11, 3, 14, 0, 0, 123000, tzinfo=UTC)),
        ("1762178400123456789", datetime(2025, 11, 3, 14, 0, 0, 123457, tzinfo=UTC)),
        ("Nov 3 2026 14:02:11", datetime(2026, 11, 3, 14, 2, 11, tzinfo=UTC)),
        ("0001-01-01T00:00:00Z", None),
        ("", None),
    ],
)
def test_times_are_read_in_every_common_shape(value, expected):
    assert parse_time(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-03 14:00 PDT", datetime(2026, 11, 3, 21, tzinfo=UTC)),
        ("2026-11-03 14:00 CET", datetime(2026, 11, 3, 13, tzinfo=UTC)),
        ("Tue, 03 Nov 2026 14:02:11 +0100", datetime(2026, 11, 3, 13, 2, 11, tzinfo=UTC)),
    ],
)
def test_zone_words_and_offsets_are_honoured(value, expected):
    assert parse_time(value) == expected


@pytest.mark.parametrize(
    "value", ["2026-11-03 14:00 XYZ", "9999-12-31T23:59:59-05:00", 1e30, "1" * 29]
)
def test_an_unknown_zone_or_a_time_out_of_range_is_no_time(value):
    with pytest.raises(ValueError, match="not a time"):
        parse_time(value)


def test_naive_times_take_the_source_zone():
    zone = timezone(timedelta(hours=-5))
    assert parse_time("2026-11-03 09:00:00", zone) == datetime(2026, 11, 3, 14, tzinfo=UTC)
    with pytest.raises(ValueError, match="not a time"):
        parse_time("xxx")


def test_windows_and_spans():
    window = Window.parse("2026-11-03 14:00..2026-11-03 14:30", UTC)
    assert T0 in window and T0 + timedelta(minutes=30) not in window
    around = Window.around("2026-11-03 09:15 ± 15m", timezone(timedelta(hours=-5)))
    assert around == Window(T0, T0 + timedelta(minutes=30))
    assert Window.around("2026-11-03T14:15Z+-15m", UTC) == around
    assert Window.parse("..2026-11-03 14:00", UTC).start is None
    assert parse_span("1h30m") == timedelta(minutes=90)
    for bad in ("14:00", "14:30..14:00", "2026-11-03..soon"):
        with pytest.raises(UsageError, match="window"):
            Window.parse(bad, UTC)
    with pytest.raises(UsageError, match="TIME±SPAN"):
        Window.around("2026-11-03", UTC)


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("WARNING", Level.WARN),
        ("eror", Level.ERROR),
        (50, Level.ERROR),
        ("30", Level.INFO),
        (60, Level.CRITICAL),
        ("fatal", Level.CRITICAL),
        ("loud", None),
        (True, None),
    ],
)
def test_levels_are_read_as_loggers_write_them(value, level):
    assert Level.parse(value) is level


def test_syslog_severities_map_onto_the_scale():
    assert [syslog_level(n) for n in (0, 3, 4, 6, 7)] == [
        Level.CRITICAL,
        Level.ERROR,
        Level.WARN,
        Level.INFO,
        Level.DEBUG,
    ]
    with pytest.raises(UsageError, match="levels: trace, debug"):
        Level.option("loud")


# Inputs ----------------------------------------------------------------------------------


def test_gzip_input_is_read_transparently(tmp_path):
    path = tmp_path / "app.log.gz"
    path.write_bytes(gzip.compress(b"one\r\ntwo\n"))
    assert list(read_lines(path)) == [(1, b"one"), (2, b"two")]


def test_json_payloads_one_per_line_count_the_bad_lines(tmp_path):
    path = tmp_path / "hooks.jsonl"
    path.write_text('{"a": 1}\n{"a": \n{"a": 3}\n')
    problems = Problems(str(path))
    docs = list(json_documents(SourceSpec("x", path), problems))
    assert docs == [(1, {"a": 1}), (3, {"a": 3})]
    assert problems.count == 1
    assert str(problems.first[0]).startswith(f"{path}:2: not JSON")
    path.write_text('{"a": ')
    with pytest.raises(UsageError, match="not JSON"):
        list(json_documents(SourceSpec("x", path), Problems(str(path))))


def test_strict_turns_the_first_problem_into_an_error(tmp_path):
    path = tmp_path / "hooks.jsonl"
    path.write_text('{"a": 1}\nnope\n{"a": 2}\n')
    with pytest.raises(ParseError) as raised:
        list(json_documents(SourceSpec("x", path), Problems(str(path), strict=True)))
    assert raised.value.line == 2
    assert str(raised.value).startswith(f"{path}:2: not JSON")


# Building --------------------------------------------------------------------------------


def test_sources_merge_in_time_order(registry, tmp_path):
    first = scripted(
        tmp_path, "a", [[0, "log", "a0", "info", None], [5, "log", "a5", "info", None]]
    )
    second = scripted(tmp_path, "b", [[3, "message", "b3", None, None]])
    timeline = build_timeline([first, second], registry, BuildOptions())
    assert [e.text for e in timeline.events] == ["a0", "b3", "a5"]
    assert [r.read for r in timeline.sources] == [2, 1]


def test_filters_count_what_they_leave_out(registry, tmp_path):
    rows = [
        [0, "log", "debug chatter", "debug", None],
        [1, "log", "payment timeout", "error", None],
        [2, "log", "cache warm", "info", None],
        [90, "log", "payment timeout later", "error", None],
        [3, "message", "looking at payments", None, None],
    ]
    options = BuildOptions(
        window=Window(T0, T0 + timedelta(minutes=60)),
        min_level=Level.INFO,
        keywords=("PAYMENT",),
    )
    timeline = build_timeline([scripted(tmp_path, "a", rows)], registry, options)
    assert [e.text for e in timeline.events] == ["payment timeout", "looking at payments"]
    assert timeline.left_out == {"window": 1, "level": 1, "keyword": 1}
    assert timeline.notes()[0] == "1 outside the window"


def test_repeated_log_lines_fold_into_one_event_with_a_count(registry, tmp_path):
    rows = [[m, "log", f"connection {1000 + m} refused", "error", None] for m in range(5)]
    rows += [[30, "log", "connection 9 refused", "error", None]]
    timeline = build_timeline([scripted(tmp_path, "a", rows)], registry, BuildOptions())
    folded, later = timeline.events
    assert (folded.count, folded.until) == (5, T0 + timedelta(minutes=4))
    assert later.count == 1  # a gap longer than a minute starts a new event
    assert timeline.left_out["collapsed"] == 4
    assert template("id 0x1f at 12:00 a0b1c2d3-0000-4000-8000-000000000000") == "id # at #:# #"


def test_the_same_alert_seen_twice_is_one_event(registry, tmp_path):
    one = scripted(tmp_path, "a", [[0, "alert.firing", "Latency high", "critical", "k1"]])
    other = scripted(
        tmp_path, "b", [[1, "alert.firing", "Latency high", "critical", "k1"]], **{"as": "grafana"}
    )
    again = scripted(tmp_path, "c", [[30, "alert.firing", "Latency high", "critical", "k1"]])
    timeline = build_timeline([one, other, again], registry, BuildOptions())
    assert len(timeline.events) == 2
    assert timeline.events[0].also == ("grafana",)
    assert timeline.left_out["duplicate"] == 1


def test_the_cap_drops_low_level_logs_first_and_keeps_every_alert(registry, tmp_path):
    rows: list[list[object]] = [[m, "log", f"info {chr(97 + m)}", "info", None] for m in range(6)]
    rows += [[10, "log", "disk full", "error", None], [11, "alert.firing", "Disk", None, "d"]]
    options = BuildOptions(limit=3, collapse=None)
    timeline = build_timeline([scripted(tmp_path, "a", rows)], registry, options)
    assert [e.text for e in timeline.events] == ["info a", "info b", "disk full", "Disk"]
    assert timeline.left_out["limit"] == 4
    assert "over the limit of 3" in timeline.notes()[0]


def test_events_at_one_time_keep_the_order_of_their_sources_and_of_reading(registry, tmp_path):
    first = scripted(
        tmp_path,
        "a",
        [
            [5, "log", "a1", "info", None],
            [5, "alert.firing", "a2", "critical", "k"],
            [5, "log", "a3", "error", None],
        ],
    )
    second = scripted(
        tmp_path,
        "b",
        [
            [5, "log", "b1", "warn", None],
            [4, "log", "b0", "info", None],
            [5, "deploy", "b2", None, None],
        ],
    )
    for limit in (None, 10):  # with a cap, the logs are kept apart from the rest and merged back
        options = BuildOptions(limit=limit, collapse=None)
        timeline = build_timeline([first, second], registry, options)
        assert [e.text for e in timeline.events] == ["b0", "a1", "a2", "a3", "b1", "b2"]


class Watching(Scripted):
    """A scripted source noting, at each event it gives, the cycle collector's state."""

    name = "watching"
    seen: ClassVar[list[tuple[bool, tuple[int, int, int]]]] = []

    def events(self) -> Iterator[Event]:
        for event in super().events():
            Watching.seen.append((gc.isenabled(), gc.get_threshold()))
            yield event


def test_a_build_leaves_the_cycle_collector_running_as_it_was(registry, tmp_path):
    registry.add(Watching)
    Watching.seen.clear()
    threshold = gc.get_threshold()
    assert gc.isenabled()
    rows = [[n % 50, "log", f"line {n}", "info", None] for n in range(25_000)]
    rows.append([7, "alert.firing", "Disk", "critical", "d"])
    spec = SourceSpec("watching", scripted(tmp_path, "a", rows).path)
    advanced: list[tuple[bool, tuple[int, int, int]]] = []
    timeline = build_timeline(
        [spec],
        registry,
        BuildOptions(limit=None, collapse=None),
        advance=lambda _: advanced.append((gc.isenabled(), gc.get_threshold())),
    )
    assert len(timeline.events) == len(rows)
    assert len(Watching.seen) == len(rows)
    assert set(Watching.seen) == set(advanced) == {(True, threshold)}
    assert len(advanced) == 2
    assert gc.isenabled() and gc.get_threshold() == threshold


# Key times -------------------------------------------------------------------------------


def _event(minute: int, kind: Kind, text: str = "", **extra: object) -> Event:
    return Event(T0 + timedelta(minutes=minute), "test", kind, text, **extra)  # type: ignore[arg-type]


INCIDENT = [
    _event(0, Kind.DEPLOY, "Deployed checkout v42"),
    _event(2, Kind.LOG, "payment timeout", level=Level.ERROR),
    _event(5, Kind.ALERT_FIRING, "Latency high", key="a"),
    _event(6, Kind.PAGE_TRIGGERED, "Page"),
    _event(9, Kind.PAGE_ACKNOWLEDGED, "Ack", actor="Sam"),
    _event(15, Kind.MESSAGE, "Rolling back checkout to v41"),
    _event(22, Kind.ALERT_RESOLVED, "Latency ok", key="a"),
    _event(40, Kind.PAGE_RESOLVED, "Resolved"),
]


def test_key_times_come_from_the_events_that_show_them():
    report = infer_key_times(INCIDENT)
    minutes = {n: (kt.time - T0).seconds // 60 for n, kt in report.times.items() if kt.time}
    assert minutes == {
        "started": 2,
        "detected": 5,
        "acknowledged": 9,
        "mitigated": 15,
        "resolved": 40,
    }
    assert report.times["mitigated"].event is INCIDENT[5]
    metrics = report.metrics()
    assert metrics.time_to_detect == timedelta(minutes=3)
    assert metrics.time_to_resolve == timedelta(minutes=38)


def test_a_time_the_postmortem_states_wins_and_the_figures_follow():
    stated = KeyTimes(started=T0 + timedelta(minutes=1))
    report = infer_key_times(INCIDENT, stated)
    assert report.times["started"].overridden
    assert report.metrics().time_to_detect == timedelta(minutes=4)


def test_without_pages_the_alerts_tell_mitigation_and_resolution():
    events = [e for e in INCIDENT if e.kind in (Kind.ALERT_FIRING, Kind.ALERT_RESOLVED)]
    report = infer_key_times(events)
    assert report.times["started"].time == T0 + timedelta(minutes=5)
    assert report.times["mitigated"].how == "the first alert resolved"
    assert report.times["resolved"].how == "every alert that fired had resolved"
    assert report.times["acknowledged"].time is None


def test_progress_counts_events_and_bytes_of_the_files(registry, tmp_path):
    path = tmp_path / "app.jsonl"
    path.write_text(
        "".join(
            f'{{"time":"2026-11-03T14:{n // 1000 % 60:02d}:00Z","msg":"m {n}"}}\n'
            for n in range(25_000)
        )
    )
    seen: list[tuple[int, int, int]] = []
    build_timeline(
        [SourceSpec("jsonl", path)],
        registry,
        BuildOptions(),
        advance=lambda p: seen.append((p.events, p.done, p.total)),
    )
    size = path.stat().st_size
    assert [events for events, _, _ in seen] == [10_000, 20_000]
    assert all(total == size for _, _, total in seen)
    assert 0 < seen[0][1] < seen[1][1] < size


def test_a_payload_of_another_kind_is_refused_or_counted(registry, tmp_path):
    alone = tmp_path / "other.json"
    alone.write_text('{"event": {"event_type": "incident.triggered"}}')
    source = registry.get("alertmanager")(SourceSpec("alertmanager", alone), Problems("x"))
    with pytest.raises(UsageError, match=r"other\.json: not an Alertmanager webhook payload"):
        list(source.events())
    mixed = tmp_path / "hooks.jsonl"
    alert = {"labels": {"alertname": "A"}, "startsAt": "2026-11-03T14:00:00Z"}
    mixed.write_text(json.dumps({"alerts": [alert]}) + "\n" + json.dumps({"x": 1}) + "\n")
    problems = Problems(str(mixed))
    source = registry.get("alertmanager")(SourceSpec("alertmanager", mixed), problems)
    assert [e.text for e in source.events()] == ["Alert A firing"]
    assert [str(p) for p in problems.first] == [
        f"{mixed}:2: payload is not an Alertmanager webhook payload (no 'alerts' list)"
    ]


def test_whole_document_sources_are_read_once_even_with_a_window(registry, tmp_path, monkeypatch):
    from afteraction.timeline import build as build_module
    from afteraction.timeline.sources import elasticsearch

    path = tmp_path / "search.json"
    hits = [
        {"_index": "logs", "_id": str(n), "_source": {"@timestamp": f"2026-11-03T14:{n:02d}:00Z"}}
        for n in range(30)
    ]
    path.write_text(json.dumps({"hits": {"hits": hits}}))
    reads = []
    real = elasticsearch.json_documents
    monkeypatch.setattr(
        elasticsearch, "json_documents", lambda *a: (reads.append(1), *real(*a))[1:]
    )
    monkeypatch.setattr(build_module, "NARROW_FROM", 0)
    options = BuildOptions(window=Window(T0, T0 + timedelta(minutes=10)), limit=None, collapse=None)
    timeline = build_timeline([SourceSpec("elasticsearch", path)], registry, options)
    assert len(timeline.events) == 10
    assert len(reads) == 1  # not once more per sampled line


@pytest.mark.parametrize(
    ("kind", "content", "said"),
    [
        ("deploys", "time,service\n2026-11-03T14:00:00Z," + "x" * 140_000 + "\n", "not CSV"),
        (
            "pagerduty",
            '{"event": {"event_type": "incident.triggered", "occurred_at":'
            ' "2026-11-03T14:00:00Z", "data": {"id": "P1", "assignments": 5}}}',
            None,
        ),
    ],
)
def test_odd_values_are_problems_not_crashes(registry, tmp_path, kind, content, said):
    path = tmp_path / "input"
    path.write_text(content)
    timeline = build_timeline([SourceSpec(kind, path)], registry, BuildOptions())
    problems = timeline.sources[0].problems
    if said:
        assert problems.count == 1 and said in str(problems.first[0])
    else:
        assert problems.count == 0 and len(timeline.events) == 1


def test_a_truncated_gzip_told_by_auto_is_one_clear_error(registry, tmp_path):
    path = tmp_path / "app.log.gz"
    path.write_bytes(gzip.compress(b'{"time":"2026-11-03T14:00:00Z","msg":"x"}\n' * 50)[:60])
    with pytest.raises(UsageError, match="cannot read"):
        build_timeline([SourceSpec("auto", path)], registry, BuildOptions())
