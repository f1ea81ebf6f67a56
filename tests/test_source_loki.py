"""Loki query responses: streams of JSON, logfmt and plain lines, labels, metrics refused."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from afteraction.errors import ParseError, UsageError
from afteraction.timeline.event import Event, Kind, Level
from afteraction.timeline.problems import Problems
from afteraction.timeline.sources.loki import Loki, entry_time
from afteraction.timeline.spec import SourceSpec

T0 = 1793714531_000000000  # 2026-11-03T14:02:11Z in nanoseconds


def ns(seconds: float) -> str:
    return str(T0 + int(seconds * 1_000_000_000))


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp((T0 // 1000 + int(seconds * 1_000_000)) / 1e6, UTC)


def response(*streams: dict[str, Any], result_type: str = "streams") -> dict[str, Any]:
    """A query_range response as Loki 3 writes it (direction backward: newest first)."""
    return {
        "status": "success",
        "data": {
            "resultType": result_type,
            "result": list(streams),
            "stats": {"summary": {"bytesProcessedPerSecond": 1024, "totalLinesProcessed": 5}},
        },
    }


CHECKOUT = {
    "stream": {
        "service_name": "checkout",
        "namespace": "prod",
        "pod": "checkout-7d9f-x2",
        "detected_level": "info",
    },
    "values": [
        [
            ns(2.5),
            json.dumps(
                {
                    "level": "error",
                    "msg": "payment gateway timeout",
                    "err": "context deadline exceeded",
                    "user": "ana",
                }
            ),
        ],
        [ns(1), 'ts=2026-11-03T14:02:12Z level=warn msg="retrying charge" attempt=2'],
        [ns(0), "charge started for order 1234"],
    ],
}
NGINX = {
    "stream": {"job": "ingress/nginx", "service_name": "unknown_service", "level": "error"},
    "values": [[ns(1.75), '10.0.0.1 - - "POST /pay HTTP/1.1" 502 0']],
}


def read(
    tmp_path: Path, data: Any, *, strict: bool = False, raw: str | None = None, **options: str
) -> tuple[list[Event], Problems]:
    path = tmp_path / "loki.json"
    path.write_text(raw if raw is not None else json.dumps(data))
    problems = Problems(str(path), strict=strict)
    events = list(Loki(SourceSpec("loki", path, options), problems).events())
    return events, problems


def test_streams_become_log_events_in_time_order(tmp_path: Path):
    events, problems = read(tmp_path, response(CHECKOUT, NGINX))
    assert problems.count == 0
    assert [e.time for e in events] == [at(0), at(1), at(1.75), at(2.5)]
    assert {e.kind for e in events} == {Kind.LOG}
    plain, logfmt, nginx, json_line = events
    assert (plain.text, plain.level, plain.component) == (
        "charge started for order 1234",
        Level.INFO,  # from the detected_level label
        "checkout",
    )
    assert (logfmt.text, logfmt.level) == ("retrying charge", Level.WARN)
    assert json_line.text == "payment gateway timeout: context deadline exceeded"
    assert json_line.level is Level.ERROR  # the line's level before the label's
    assert json_line.actor is None  # no actor field by default
    # unknown_service passed over for the job label; the level label read
    assert (nginx.component, nginx.level) == ("ingress/nginx", Level.ERROR)
    assert nginx.origin == f"{tmp_path / 'loki.json'}#data.result[1].values[0]"


def test_entry_times_keep_microseconds():
    assert entry_time("1793714531123456789") == datetime(2026, 11, 3, 14, 2, 11, 123456, tzinfo=UTC)


def test_structured_metadata_and_categorized_labels(tmp_path: Path):
    stream = {
        "stream": {"app": "api"},
        "values": [
            [ns(0), "plain line", {"trace_id": "abc", "level": "warn"}],
            [ns(1), "other line", {"structuredMetadata": {"service_name": "pay"}, "parsed": {}}],
        ],
    }
    events, _ = read(tmp_path, response(stream))
    assert (events[0].component, events[0].level) == ("api", Level.WARN)
    assert events[1].component == "pay"


def test_a_component_from_the_line_when_no_label_names_one(tmp_path: Path):
    stream = {"stream": {"namespace": "prod"}, "values": [[ns(0), '{"logger":"db","msg":"x"}']]}
    events, _ = read(tmp_path, response(stream))
    assert events[0].component == "db"


def test_field_options(tmp_path: Path):
    stream = {
        "stream": {"cluster": "eu-1", "app": "api"},
        "values": [[ns(0), '{"sev":"crit","body":"disk full","who":"ana"}']],
    }
    events, _ = read(
        tmp_path, response(stream), level="sev", message="body", actor="who", component="cluster"
    )
    assert (events[0].level, events[0].text, events[0].actor, events[0].component) == (
        Level.CRITICAL,
        "disk full",
        "ana",
        "eu-1",
    )


def test_a_time_option_is_refused(tmp_path: Path):
    with pytest.raises(UsageError, match="no option 'time'"):
        read(tmp_path, response(), time="ts")


def test_a_list_of_responses_and_one_per_line(tmp_path: Path):
    events, _ = read(tmp_path, [response(CHECKOUT), response(NGINX)])
    assert len(events) == 4
    lines = "\n".join(json.dumps(r) for r in (response(CHECKOUT), response(NGINX)))
    events, _ = read(tmp_path, None, raw=lines + "\nnot json\n")
    assert len(events) == 4


def test_the_data_part_alone_is_read(tmp_path: Path):
    events, _ = read(tmp_path, response(NGINX)["data"])
    assert len(events) == 1


@pytest.mark.parametrize("result_type", ["matrix", "vector"])
def test_a_metrics_response_is_refused(tmp_path: Path, result_type: str):
    with pytest.raises(
        UsageError, match=re.escape(f"metrics response (resultType {result_type}), not logs")
    ):
        read(tmp_path, response(result_type=result_type))


def test_an_error_response_is_refused(tmp_path: Path):
    error = {"status": "error", "errorType": "bad_data", "error": "parse error at line 1"}
    with pytest.raises(UsageError, match="is an error: bad_data: parse error at line 1"):
        read(tmp_path, error)


def test_another_payload_is_refused(tmp_path: Path):
    with pytest.raises(UsageError, match="not a Loki query response"):
        read(tmp_path, {"hits": {"hits": []}})


def test_malformed_entries_are_counted_with_their_path(tmp_path: Path):
    stream = {
        "stream": {"app": "api"},
        "values": [[ns(0), "ok"], ["yesterday", "bad time"], [ns(1)], "x", [ns(2), 42]],
    }
    events, problems = read(tmp_path, response(stream, {"stream": {}}))
    assert [e.text for e in events] == ["ok"]
    assert [p.message for p in problems.first] == [
        "data.result[0].values[1][0]: not a time: 'yesterday'",
        "data.result[0].values[2] is not [time, line]",
        "data.result[0].values[3] is not [time, line]",
        "data.result[0].values[4] is not [time, line]",
        "data.result[1] has no 'values' list",
    ]


def test_a_bad_line_among_responses_is_counted_with_its_line(tmp_path: Path):
    raw = json.dumps(response(NGINX)) + "\n" + json.dumps({"status": "success"}) + "\n"
    events, problems = read(tmp_path, None, raw=raw)
    assert len(events) == 1
    assert (problems.first[0].line, problems.first[0].message) == (
        2,
        "response has no data.result list of streams",
    )


def test_strict_raises_on_the_first_malformed_entry(tmp_path: Path):
    stream = {"stream": {}, "values": [["soon", "x"]]}
    with pytest.raises(ParseError, match=re.escape("data.result[0].values[0][0]")):
        read(tmp_path, response(stream), strict=True)
