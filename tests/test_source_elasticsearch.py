"""Elasticsearch/OpenSearch _search responses: ECS documents, fields, pages, errors refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from afteraction.errors import ParseError, UsageError
from afteraction.timeline.event import Event, Kind, Level
from afteraction.timeline.problems import Problems
from afteraction.timeline.sources.elasticsearch import Elasticsearch, hit_record
from afteraction.timeline.spec import SourceSpec

NO_TIME = "no time field (@timestamp, time, timestamp, ts, t, date, datetime, eventTime)"


def hit(index: str, identity: str, source: dict[str, Any] | None = None, **extra: Any) -> dict:
    found = {"_index": index, "_id": identity, "_score": None, **extra}
    if source is not None:
        found["_source"] = source
    return found


def search(*hits: dict[str, Any]) -> dict[str, Any]:
    """A _search response as Elasticsearch 8 writes it (sorted by @timestamp, newest first)."""
    return {
        "took": 12,
        "timed_out": False,
        "_shards": {"total": 3, "successful": 3, "skipped": 0, "failed": 0},
        "hits": {
            "total": {"value": len(hits), "relation": "eq"},
            "max_score": None,
            "hits": list(hits),
        },
    }


FILEBEAT = hit(
    ".ds-logs-checkout-2026.11.03-000001",
    "Xk2c6ZIBxLr6b3n0",
    {
        "@timestamp": "2026-11-03T14:02:13.250Z",
        "message": "payment gateway timeout",
        "log": {"level": "ERROR", "logger": "pay.gateway"},
        "service": {"name": "checkout", "version": "4.2.0"},
        "host": {"name": "web-1"},
        "error": {"message": "context deadline exceeded", "type": "TimeoutError"},
        "event": {"dataset": "checkout.log"},
    },
    sort=[1793714533250],
)
FIELDS_ONLY = hit(
    "logs-nginx",
    "a1",
    None,
    fields={
        "@timestamp": ["2026-11-03T14:02:12.000Z"],
        "message": ['10.0.0.1 - - "POST /pay HTTP/1.1" 502 0'],
        "log.level": ["warn"],
        "host.name": ["lb-2"],
    },
)
EPOCH_MILLIS = hit(
    "app-logs", "b7", {"timestamp": 1793714531000, "level": "info", "msg": "charge started"}
)


def read(
    tmp_path: Path, data: Any, *, strict: bool = False, raw: str | None = None, **options: str
) -> tuple[list[Event], Problems]:
    path = tmp_path / "search.json"
    path.write_text(raw if raw is not None else json.dumps(data))
    problems = Problems(str(path), strict=strict)
    events = list(Elasticsearch(SourceSpec("elasticsearch", path, options), problems).events())
    return events, problems


def test_hits_become_log_events_in_time_order(tmp_path: Path):
    events, problems = read(tmp_path, search(FILEBEAT, FIELDS_ONLY, EPOCH_MILLIS))
    assert problems.count == 0
    assert [e.time for e in events] == [
        datetime(2026, 11, 3, 14, 2, 11, tzinfo=UTC),
        datetime(2026, 11, 3, 14, 2, 12, tzinfo=UTC),
        datetime(2026, 11, 3, 14, 2, 13, 250000, tzinfo=UTC),
    ]
    assert {e.kind for e in events} == {Kind.LOG}
    started, nginx, gateway = events
    assert (started.text, started.level, started.component) == ("charge started", Level.INFO, None)
    assert (nginx.level, nginx.component) == (Level.WARN, "lb-2")  # flattened fields
    assert gateway.text == "payment gateway timeout: context deadline exceeded"
    assert (gateway.level, gateway.component) == (Level.ERROR, "checkout")  # service.name
    assert (
        gateway.origin
        == f"{tmp_path / 'search.json'}#.ds-logs-checkout-2026.11.03-000001/Xk2c6ZIBxLr6b3n0"
    )
    assert gateway.link is None and gateway.actor is None and gateway.key is None


def test_url_links_each_event_to_its_document(tmp_path: Path):
    events, _ = read(tmp_path, search(FILEBEAT), url="https://es.acme.example:9200/")
    assert events[0].link == (
        "https://es.acme.example:9200/.ds-logs-checkout-2026.11.03-000001/_doc/Xk2c6ZIBxLr6b3n0"
    )


def test_source_wins_over_fields():
    record = hit_record(
        hit("i", "1", {"message": "from source"}, fields={"message": ["f"], "extra": ["x", "y"]})
    )
    assert record == {"message": "from source", "extra": ["x", "y"]}


def test_field_options(tmp_path: Path):
    doc = hit(
        "audit",
        "c3",
        {
            "event": {"created": "2026-11-03T15:02:11+01:00"},
            "@timestamp": "2026-11-03T14:09:00Z",
            "user": {"name": "ana"},
            "action": "rollback",
            "severity_text": "warn",
            "cluster": "eu-1",
        },
    )
    events, _ = read(
        tmp_path,
        search(doc),
        time="event.created",
        actor="user.name",
        message="action",
        level="severity_text",
        component="cluster",
    )
    assert events[0].time == datetime(2026, 11, 3, 14, 2, 11, tzinfo=UTC)
    assert (events[0].actor, events[0].text, events[0].level, events[0].component) == (
        "ana",
        "rollback",
        Level.WARN,
        "eu-1",
    )


def test_a_document_without_a_message_keeps_its_fields(tmp_path: Path):
    doc = hit("m", "1", {"@timestamp": "2026-11-03T14:02:11Z", "status": 502})
    events, _ = read(tmp_path, search(doc))
    assert json.loads(events[0].text) == {"@timestamp": "2026-11-03T14:02:11Z", "status": 502}


def test_pages_as_a_list_one_per_line_and_msearch(tmp_path: Path):
    assert len(read(tmp_path, [search(FILEBEAT), search(FIELDS_ONLY)])[0]) == 2
    raw = json.dumps(search(FILEBEAT)) + "\n" + json.dumps(search(EPOCH_MILLIS)) + "\n"
    assert len(read(tmp_path, None, raw=raw)[0]) == 2
    msearch = {"took": 3, "responses": [search(FILEBEAT), search(FIELDS_ONLY, EPOCH_MILLIS)]}
    events, _ = read(tmp_path, msearch)
    assert len(events) == 3


def test_an_empty_result_has_no_events(tmp_path: Path):
    events, problems = read(tmp_path, search())
    assert (events, problems.count) == ([], 0)


# -- bad input


def test_malformed_hits_are_counted_with_their_path(tmp_path: Path):
    events, problems = read(
        tmp_path,
        search(
            FILEBEAT,
            hit("i", "2", {"message": "no time"}),
            hit("i", "3", {"@timestamp": "soon", "message": "bad time"}),
            hit("i", "4"),
            "not a hit",
        ),
    )
    assert len(events) == 1
    assert [p.message for p in problems.first] == [
        f"hits.hits[1] has {NO_TIME}",
        "hits.hits[2]: field '@timestamp': not a time: 'soon'",
        "hits.hits[3] has no _source or fields object",
        "hits.hits[4] has no _source or fields object",
    ]


def test_a_bad_page_among_pages_is_counted_with_its_line(tmp_path: Path):
    raw = json.dumps(search(FILEBEAT)) + "\n" + json.dumps({"took": 1}) + "\n"
    events, problems = read(tmp_path, None, raw=raw)
    assert len(events) == 1
    assert (problems.first[0].line, problems.first[0].message) == (
        2,
        "response has no hits.hits list",
    )


def test_strict_raises_on_the_first_malformed_hit(tmp_path: Path):
    with pytest.raises(ParseError, match=r"hits\.hits\[0\] has no time field"):
        read(tmp_path, search(hit("i", "1", {"message": "x"})), strict=True)


def test_an_error_response_is_refused(tmp_path: Path):
    error = {
        "error": {
            "root_cause": [{"type": "index_not_found_exception", "reason": "no such index [logz]"}],
            "type": "index_not_found_exception",
            "reason": "no such index [logz]",
        },
        "status": 404,
    }
    with pytest.raises(UsageError, match=r"is an error: no such index \[logz\]"):
        read(tmp_path, error)


def test_another_payload_is_refused(tmp_path: Path):
    with pytest.raises(UsageError, match="not an Elasticsearch/OpenSearch _search response"):
        read(tmp_path, {"status": "success", "data": {"resultType": "streams", "result": []}})


def test_a_file_that_is_not_json_is_refused(tmp_path: Path):
    with pytest.raises(UsageError, match="not JSON"):
        read(tmp_path, None, raw="took=3 hits=0\n")
