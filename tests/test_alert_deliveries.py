"""Alert webhook deliveries: the notice each one gives (incident, state, time), real and our own."""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from afteraction.errors import InvalidValueError, TooLargeError
from afteraction.timeline.alertauth import pagerduty_signature_ok, shared_secret_ok
from afteraction.timeline.alerts import (
    MAX_BODY_BYTES,
    RECEIVERS,
    AlertNotice,
    AlertState,
    read_notice,
)
from tests.conftest import shared_folder

RECEIVED = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
FIRING, ACKNOWLEDGED, RESOLVED = AlertState.FIRING, AlertState.ACKNOWLEDGED, AlertState.RESOLVED


def payloads() -> Path:
    return shared_folder("fixtures") / "payloads"


def fixture(name: str) -> tuple[str, bytes]:
    path = payloads() / name
    if not path.is_file():
        pytest.skip(f"{path} is absent from the shared fixtures")
    return name.split("__", 1)[0], path.read_bytes()


def read(receiver: str, payload: Any, received_at: datetime = RECEIVED) -> AlertNotice:
    return read_notice(receiver, json.dumps(payload).encode(), received_at)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# ---------------------------------------------------------------- the real payloads


def test_every_shared_alert_payload_reads() -> None:
    names = sorted(
        path.name
        for path in payloads().iterdir()
        if path.name.split("__", 1)[0] in RECEIVERS and path.is_file()
    )
    assert {name.split("__", 1)[0] for name in names} == set(RECEIVERS)
    for name in names:
        receiver, body = fixture(name)
        notice = read_notice(receiver, body, RECEIVED)
        assert notice.receiver == receiver, name
        assert notice.group.startswith(f"{receiver}:") and len(notice.group) > len(receiver) + 1
        assert notice.at.tzinfo is UTC, name
        assert notice.title, name
        assert notice.state in AlertState


REAL = [
    # An Alertmanager v4 group: its groupKey; the alerts' one startsAt (nanoseconds cut to µs).
    (
        "alertmanager__zulip__zulip__zerver__webhooks__alertmanager__fixtures__alert.json",
        "alertmanager:{}/{}:{}",
        FIRING,
        at("2020-02-06T00:17:58.432911+00:00"),
        "High CPU core temperature",
    ),
    # Version 0 writes groupKey 0 (no key): grouped by its groupLabels. The earliest startsAt
    # is that of the second alert (written -05:00).
    (
        "alertmanager__inCaller__prometheus_bot__testdata__production_example.json",
        'alertmanager:alert{scada_uuid="483b197c-7fe8-11e6-b772-acb57db47f23"}',
        FIRING,
        at("2017-01-26T13:14:46.804+00:00"),
        "LoadAverage_15MIN and 7 other alerts",
    ),
    # Resolved, but no alert has an endsAt: the time it was received.
    (
        "alertmanager__inCaller__prometheus_bot__testdata__noGenURL.json",
        'alertmanager:alert{alertname="node_down"}',
        RESOLVED,
        RECEIVED,
        "node_down",
    ),
    # A groupKey beyond 64 bits: orjson reads it as a float, which still groups.
    (
        "alertmanager__inCaller__prometheus_bot__testdata__simpe.json",
        "alertmanager:4.343434343434343e+19",
        FIRING,
        at("2016-04-27T20:46:37.903+00:00"),
        "runit service prometheus_bot restarted, server01.int:9100",
    ),
    # Grafana 9 resolved: status says resolved while the legacy "state" beside it says ok.
    (
        "grafana__zulip__zulip__zerver__webhooks__grafana__fixtures__alert-9-resolved.json",
        'grafana:{}/{test="true"}:{}',
        RESOLVED,
        at("2022-06-17T00:51:24.067337+00:00"),
        "This is a summary field, failure on <no value>",
    ),
    # Grafana 8 resolved, though its legacy "state" beside it still says alerting.
    (
        "grafana__zulip__zulip__zerver__webhooks__grafana__fixtures__alert_v8.json",
        'grafana:{alertname="TestAlert", instance="Grafana"}2022-08-31 05:54:04.52289368'
        " +0000 UTC m=+42208.256292221",
        RESOLVED,
        at("2022-08-31T10:30:00.522884+00:00"),
        "Notification test",
    ),
    (
        "grafana__zulip__zulip__zerver__webhooks__grafana__fixtures__alert_values_v11.json",
        'grafana:{}/{debug="true"}:{alertname="Memory (copy)", grafana_folder="device"}',
        FIRING,
        at("2024-03-01T02:09:00+00:00"),
        "High memory usage",
    ),
    # Legacy Grafana has no time of its own.
    (
        "grafana__zulip__zulip__zerver__webhooks__grafana__fixtures__alert.json",
        "grafana:rule:0@http://localhost:3000/",
        FIRING,
        RECEIVED,
        "Test rule",
    ),
    (
        "pagerduty__zulip__zulip__zerver__webhooks__pagerduty__fixtures__triggered_v3.json",
        "pagerduty:PFQZPSY",
        FIRING,
        at("2021-06-04T13:35:29.781+00:00"),
        "Test Incident 3",
    ),
    (
        "pagerduty__zulip__zulip__zerver__webhooks__pagerduty__fixtures__resolved_v3.json",
        "pagerduty:PCPZE64",
        RESOLVED,
        at("2021-06-04T13:16:53.816+00:00"),
        "Test Incident",
    ),
    (
        "pagerduty__zulip__zulip__zerver__webhooks__pagerduty__fixtures__trigger_v2.json",
        "pagerduty:PRORDTY",
        FIRING,
        at("2017-09-26T15:14:36+00:00"),
        "My new incident",
    ),
    # Opsgenie writes updatedAt in nanoseconds, createdAt in milliseconds.
    (
        "opsgenie__zulip__zulip__zerver__webhooks__opsgenie__fixtures__create.json",
        "opsgenie:ec03dad6-62c8-4c94-b38b-d88f398e900f",
        FIRING,
        at("2017-08-14T11:25:56.288+00:00"),
        "another alert",
    ),
    (
        "opsgenie__zulip__zulip__zerver__webhooks__opsgenie__fixtures__acknowledge.json",
        "opsgenie:052652ac-5d1c-464a-812a-7dd18bbfba8c",
        ACKNOWLEDGED,
        at("2015-01-05T10:03:44.764002+00:00"),
        "test alert",
    ),
    # A note states no state: firing. Same alert as the acknowledgement, so the same group.
    (
        "opsgenie__zulip__zulip__zerver__webhooks__opsgenie__fixtures__addnote.json",
        "opsgenie:052652ac-5d1c-464a-812a-7dd18bbfba8c",
        FIRING,
        at("2015-01-05T10:04:35.002001+00:00"),
        "test alert",
    ),
]


@pytest.mark.parametrize(
    ("name", "group", "state", "when", "title"), REAL, ids=[row[0].split("__")[-1] for row in REAL]
)
def test_real_payload_notice(
    name: str, group: str, state: AlertState, when: datetime, title: str
) -> None:
    receiver, body = fixture(name)
    notice = read_notice(receiver, body, RECEIVED)
    assert (notice.group, notice.state, notice.at, notice.title) == (group, state, when, title)


def test_real_payload_details() -> None:
    _, body = fixture(REAL[0][0])
    notice = read_notice("alertmanager", body, RECEIVED)
    assert (notice.severity, notice.component) == ("critical", "andromeda")
    assert notice.link is not None and notice.link.startswith("http://cobalt:9090/graph?")
    _, body = fixture(REAL[8][0])
    notice = read_notice("pagerduty", body, RECEIVED)
    assert (notice.severity, notice.component, notice.link) == (
        "high",
        "pig208",
        "https://pig208.pagerduty.com/incidents/PFQZPSY",
    )
    _, body = fixture(REAL[11][0])
    notice = read_notice("opsgenie", body, RECEIVED)
    assert (notice.severity, notice.component, notice.link) == ("P3", "Server", None)


# ---------------------------------------------------------------- states, times, groups


def group_payload(status: str | None, *alerts: dict[str, Any], **extra: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"groupKey": '{}:{alertname="Down"}', "alerts": list(alerts)}
    if status is not None:
        payload["status"] = status
    return payload | extra


ALERT_A = {
    "labels": {"alertname": "Down", "service": "api", "severity": "critical"},
    "startsAt": "2026-03-01T10:05:00Z",
    "endsAt": "2026-03-01T10:30:00Z",
    "generatorURL": "https://prom/graph?a",
}
ALERT_B = {
    "labels": {"alertname": "Down", "service": "web"},
    "startsAt": "2026-03-01T11:00:00+01:00",
    "endsAt": "2026-03-01T10:45:00Z",
}


@pytest.mark.parametrize("receiver", ["alertmanager", "grafana"])
def test_group_states_and_times(receiver: str) -> None:
    firing = read(receiver, group_payload("firing", ALERT_A, ALERT_B))
    assert (firing.state, firing.at) == (FIRING, at("2026-03-01T10:00:00+00:00"))
    assert firing.group == receiver + ':{}:{alertname="Down"}'
    resolved = read(receiver, group_payload("resolved", ALERT_A, ALERT_B))
    assert (resolved.state, resolved.at) == (RESOLVED, at("2026-03-01T10:45:00+00:00"))
    assert resolved.group == firing.group
    assert read(receiver, group_payload("RESOLVED", ALERT_A)).state is RESOLVED
    # No status of its own: resolved when every alert says so.
    assert read(receiver, group_payload(None, ALERT_A | {"status": "resolved"})).state is RESOLVED
    assert read(receiver, group_payload(None, ALERT_A)).state is FIRING
    with pytest.raises(InvalidValueError, match="status 'silenced' is not firing or resolved"):
        read(receiver, group_payload("silenced", ALERT_A))


def test_group_details_and_missing_times() -> None:
    notice = read("alertmanager", group_payload("firing", ALERT_A, ALERT_B))
    assert notice.title == "Down"
    assert (notice.severity, notice.component, notice.link) == (
        "critical",
        "api",
        "https://prom/graph?a",
    )
    summary = {"commonAnnotations": {"summary": "API down"}, "commonLabels": {"service": "edge"}}
    notice = read("alertmanager", group_payload("firing", ALERT_A, **summary))
    assert (notice.title, notice.component) == ("API down", "edge")
    # A firing alert's endsAt (Go's zero time here) is never read; no time at all: received.
    bare = {"labels": {"alertname": "X"}, "endsAt": "0001-01-01T00:00:00Z"}
    assert read("alertmanager", group_payload("firing", bare)).at == RECEIVED
    assert read("alertmanager", group_payload("resolved", bare)).at == RECEIVED


def test_group_key_fallbacks() -> None:
    labels = {"groupLabels": {"team": "db", "alertname": "Down"}}
    notice = read("alertmanager", group_payload("firing", ALERT_A, groupKey=0, **labels))
    assert notice.group == 'alertmanager:alert{alertname="Down",team="db"}'
    common = {"commonLabels": {"alertname": "Down"}}
    notice = read("grafana", group_payload("firing", ALERT_A, groupKey=None, **common))
    assert notice.group == 'grafana:alert{alertname="Down"}'
    with pytest.raises(InvalidValueError, match="no 'groupKey', 'groupLabels' or 'commonLabels'"):
        read("alertmanager", group_payload("firing", ALERT_A, ALERT_B, groupKey=""))
    long_key = "x" * 5000
    notice = read("alertmanager", group_payload("firing", ALERT_A, groupKey=long_key))
    digest = hashlib.sha256(long_key.encode()).hexdigest()
    assert notice.group == f"alertmanager:sha256:{digest}"


@pytest.mark.parametrize(
    ("state", "expected"),
    [("alerting", FIRING), ("no_data", FIRING), ("pending", FIRING), ("ok", RESOLVED)],
)
def test_grafana_legacy_states(state: str, expected: AlertState) -> None:
    payload = {
        "ruleId": 7,
        "ruleName": "Disk full",
        "ruleUrl": "https://g/d/abc?panelId=2",
        "state": state,
        "tags": {"severity": "high", "host": "db1"},
        "title": f"[{state}] Disk full",
    }
    notice = read("grafana", payload, datetime(2026, 3, 1, 12, 0))  # naive: taken as UTC
    assert notice == AlertNotice(
        receiver="grafana",
        group="grafana:rule:7@https://g/d/abc?panelId=2",
        state=expected,
        at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        title="Disk full",
        severity="high",
        component="db1",
        link="https://g/d/abc?panelId=2",
    )


def test_grafana_legacy_refusals() -> None:
    with pytest.raises(InvalidValueError, match="state 'paused' is not one of alerting"):
        read("grafana", {"ruleName": "R", "state": "paused"})
    with pytest.raises(InvalidValueError, match="has no 'state'"):
        read("grafana", {"ruleName": "R"})
    assert read("grafana", {"ruleName": "R", "state": "ok"}).group == "grafana:rule:R"


def pd_event(event_type: str, status: str | None = "triggered", **data: Any) -> dict[str, Any]:
    incident: dict[str, Any] = {
        "id": "Q1X2Y3",
        "type": "incident",
        "number": 41,
        "title": "Checkout down",
        "html_url": "https://acme.pagerduty.com/incidents/Q1X2Y3",
        "service": {"summary": "checkout"},
        "priority": {"summary": "P1"},
        "urgency": "high",
    } | data
    if status is not None:
        incident["status"] = status
    return {
        "event": {
            "event_type": event_type,
            "occurred_at": "2026-03-01T10:07:00.123+02:00",
            "data": incident,
        }
    }


@pytest.mark.parametrize(
    ("event_type", "status", "expected"),
    [
        ("incident.triggered", "triggered", FIRING),
        ("incident.acknowledged", "acknowledged", ACKNOWLEDGED),
        ("incident.resolved", "resolved", RESOLVED),
        ("incident.reopened", "triggered", FIRING),
        ("incident.unacknowledged", "triggered", FIRING),
        # Events that change no state keep the incident's, or are firing without one.
        ("incident.escalated", "acknowledged", ACKNOWLEDGED),
        ("incident.priority_updated", "resolved", RESOLVED),
        ("incident.reassigned", None, FIRING),
    ],
)
def test_pagerduty_v3_states(event_type: str, status: str | None, expected: AlertState) -> None:
    notice = read("pagerduty", pd_event(event_type, status))
    assert (notice.group, notice.state) == ("pagerduty:Q1X2Y3", expected)
    assert notice.at == at("2026-03-01T08:07:00.123+00:00")
    assert (notice.title, notice.severity, notice.component) == ("Checkout down", "P1", "checkout")


def test_pagerduty_v3_note_names_its_incident() -> None:
    reference = {"id": "Q1X2Y3", "type": "incident_reference", "summary": "[#41] Checkout down"}
    payload = {
        "event": {
            "event_type": "incident.annotated",
            "occurred_at": "2026-03-01T10:00:00Z",
            "data": {"incident": reference, "content": "rolled back", "type": "incident_note"},
        }
    }
    notice = read("pagerduty", payload)
    assert (notice.group, notice.state, notice.title) == (
        "pagerduty:Q1X2Y3",
        FIRING,
        "Checkout down",
    )
    assert read("pagerduty", pd_event("incident.triggered", priority=None)).severity == "high"
    no_time = pd_event("incident.resolved")
    del no_time["event"]["occurred_at"]
    assert read("pagerduty", no_time).at == RECEIVED


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ("incident.trigger", FIRING),
        ("incident.acknowledge", ACKNOWLEDGED),
        ("incident.unacknowledge", FIRING),
        ("incident.resolve", RESOLVED),
        ("incident.assign", ACKNOWLEDGED),  # keeps the incident's status
    ],
)
def test_pagerduty_v2_states(event: str, expected: AlertState) -> None:
    incident = {"id": "PABC", "incident_number": 9, "title": "Slow", "status": "acknowledged"}
    message = {"event": event, "created_on": "2026-03-01T10:00:00Z", "incident": incident}
    notice = read("pagerduty", {"messages": [message]})
    assert (notice.group, notice.state, notice.title) == ("pagerduty:PABC", expected, "Slow")
    assert notice.at == at("2026-03-01T10:00:00+00:00")


def test_pagerduty_refusals() -> None:
    with pytest.raises(InvalidValueError, match=r"'service\.updated' is not about an incident"):
        read("pagerduty", {"event": {"event_type": "service.updated"}})
    with pytest.raises(InvalidValueError, match=r"names no incident \(no 'event\.data\.id'\)"):
        read("pagerduty", {"event": {"event_type": "incident.triggered", "data": {}}})
    with pytest.raises(InvalidValueError, match=r"'messages\[0\]' is not an object"):
        read("pagerduty", {"messages": []})
    with pytest.raises(InvalidValueError, match="no 'event' object"):
        read("pagerduty", {"incident": {}})


def opsgenie(action: str, **alert: Any) -> dict[str, Any]:
    body = {
        "alertId": "8418d193",
        "alias": "db-disk",
        "message": "Disk almost full",
        "tinyId": "12",
        "entity": "db1",
        "priority": "P2",
        "createdAt": 1772359200000,  # 2026-03-01T10:00:00Z, in milliseconds
        "updatedAt": 1772359500000000000,  # 2026-03-01T10:05:00Z, in nanoseconds
    }
    return {"action": action, "alert": body | alert}


@pytest.mark.parametrize(
    ("action", "extra", "expected", "when"),
    [
        ("Create", {}, FIRING, "2026-03-01T10:00:00+00:00"),
        ("Acknowledge", {}, ACKNOWLEDGED, "2026-03-01T10:05:00+00:00"),
        ("Close", {}, RESOLVED, "2026-03-01T10:05:00+00:00"),
        ("UnAcknowledge", {"acknowledged": True}, FIRING, "2026-03-01T10:05:00+00:00"),
        ("AddNote", {}, FIRING, "2026-03-01T10:05:00+00:00"),
        ("AddNote", {"acknowledged": True}, ACKNOWLEDGED, "2026-03-01T10:05:00+00:00"),
        ("AddTags", {"status": "closed"}, RESOLVED, "2026-03-01T10:05:00+00:00"),
        ("Escalate", {"status": "open"}, FIRING, "2026-03-01T10:05:00+00:00"),
    ],
)
def test_opsgenie_states(
    action: str, extra: dict[str, Any], expected: AlertState, when: str
) -> None:
    notice = read("opsgenie", opsgenie(action, **extra))
    assert (notice.group, notice.state, notice.at) == ("opsgenie:8418d193", expected, at(when))
    assert (notice.title, notice.severity, notice.component) == ("Disk almost full", "P2", "db1")


def test_opsgenie_fallbacks() -> None:
    notice = read("opsgenie", opsgenie("Create", alertId=None, priority=1, createdAt=None))
    assert (notice.group, notice.severity) == ("opsgenie:db-disk", "P1")
    assert notice.at == at("2026-03-01T10:05:00+00:00")  # no createdAt: its updatedAt
    notice = read("opsgenie", opsgenie("Close", updatedAt=None, message=""))
    assert (notice.at, notice.title) == (RECEIVED, "Opsgenie alert #12")
    with pytest.raises(InvalidValueError, match="no 'alertId' or 'alias'"):
        read("opsgenie", opsgenie("Create", alertId="", alias=None))
    with pytest.raises(InvalidValueError, match="no 'action' and 'alert' object"):
        read("opsgenie", {"action": "Create", "alert": "x"})


def test_received_at_is_made_utc() -> None:
    paris = datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    notice = read("grafana", {"ruleName": "R", "state": "ok"}, paris)
    assert notice.at == datetime(2026, 3, 1, 11, 0, tzinfo=UTC) and notice.at.tzinfo is UTC


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("receiver", "message"),
    [
        ("alertmanager", "not an Alertmanager payload: no 'alerts' list"),
        ("grafana", "not a Grafana alerting payload: no 'alerts' list (unified alerting)"),
        ("pagerduty", "not a PagerDuty webhook payload: no 'event' object (v3)"),
        ("opsgenie", "not an Opsgenie webhook payload: no 'action' and 'alert' object"),
    ],
)
def test_another_payload_is_refused(receiver: str, message: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        read(receiver, {"text": "hello"})
    assert caught.value.message.startswith(message)
    assert caught.value.field == "body"


def test_unknown_receiver() -> None:
    with pytest.raises(InvalidValueError) as caught:
        read_notice("zabbix", b"{}", RECEIVED)
    assert caught.value.field == "receiver"
    assert caught.value.message == (
        "unknown receiver 'zabbix' (receivers: alertmanager, grafana, pagerduty, opsgenie)"
    )
    assert read_notice(
        " Opsgenie ", json.dumps(opsgenie("Create")).encode(), RECEIVED
    ).receiver == ("opsgenie")


def test_alerts_must_be_objects() -> None:
    with pytest.raises(InvalidValueError, match=r"alerts\[1\] is not an object"):
        read("alertmanager", group_payload("firing", ALERT_A, "B"))


# ---------------------------------------------------------------- signatures


SECRET = "s3cr3t"
BODY = b'{"event": {"event_type": "incident.triggered"}}'


def signed(body: bytes, secret: str = SECRET) -> str:
    return "v1=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_pagerduty_signature() -> None:
    good = signed(BODY)
    assert pagerduty_signature_ok(BODY, good, SECRET)
    assert pagerduty_signature_ok(BODY, good.upper().replace("V1=", "v1="), SECRET)
    assert not pagerduty_signature_ok(BODY + b" ", good, SECRET)
    assert not pagerduty_signature_ok(BODY, signed(BODY, "other"), SECRET)
    assert not pagerduty_signature_ok(BODY, good.replace("v1=", "v2="), SECRET)
    assert not pagerduty_signature_ok(BODY, good.removeprefix("v1="), SECRET)
    # Several signatures (a secret being rotated): any one will do.
    assert pagerduty_signature_ok(BODY, f"{signed(BODY, 'old')}, {good}", SECRET)
    assert pagerduty_signature_ok(BODY, f"{good},v1=00", SECRET)
    assert not pagerduty_signature_ok(BODY, f"{signed(BODY, 'old')},v1=00,,", SECRET)
    # Missing header, or no secret to check with.
    assert not pagerduty_signature_ok(BODY, None, SECRET)
    assert not pagerduty_signature_ok(BODY, "", SECRET)
    assert not pagerduty_signature_ok(BODY, signed(BODY, ""), "")
    assert not pagerduty_signature_ok(BODY, "v1=\u00e9\ud800", SECRET)


def test_shared_secret() -> None:
    assert shared_secret_ok(SECRET, SECRET)
    assert not shared_secret_ok(SECRET + "x", SECRET)
    assert not shared_secret_ok("S3CR3T", SECRET)
    assert not shared_secret_ok(None, SECRET)
    assert not shared_secret_ok("", SECRET)
    assert not shared_secret_ok("", "")
    assert not shared_secret_ok("\u00e9\ud800", SECRET)
    assert shared_secret_ok("cl\u00e9", "cl\u00e9")


# ---------------------------------------------------------------- hostile input


@functools.cache
def hostile_bodies() -> dict[str, bytes]:
    deep = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    huge = b"9" * 5000
    return {
        "1 MB string": json.dumps(
            group_payload("firing", ALERT_A, groupKey="k" * 1_000_000)
        ).encode(),
        "1 MB title": json.dumps(
            group_payload("firing", ALERT_A, commonAnnotations={"summary": "t" * 1_000_000})
        ).encode(),
        "1 MB time": json.dumps(
            group_payload("firing", ALERT_A | {"startsAt": "Mar " * 250_000})
        ).encode(),
        "1 MB digits time": json.dumps(
            group_payload("firing", ALERT_A | {"startsAt": "2" * 1_000_000})
        ).encode(),
        "1 MB opsgenie id": json.dumps(opsgenie("Create", alertId="i" * 1_000_000)).encode(),
        "1 MB incident id": json.dumps(pd_event("incident.triggered", id="p" * 1_000_000)).encode(),
        "deep": deep,
        "deep array": b"[" * 100_000 + b"]" * 100_000,
        "deep inside": b'{"alerts": [], "groupLabels": {"a": '
        + b'{"a":' * 1000
        + b"1"
        + b"}" * 1000
        + b"}}",
        "deep time": b'{"groupKey": "k", "alerts": [{"startsAt": '
        + b"[" * 1000
        + b"]" * 1000
        + b"}]}",
        "5000 digits": b'{"alerts": [], "groupKey": ' + huge + b"}",
        "5000 digit time": b'{"alerts": [{"startsAt": ' + huge + b'}], "groupKey": "k"}',
        "5000 digit string time": b'{"alerts": [{"startsAt": "' + huge + b'"}], "groupKey": "k"}',
        "impossible date": json.dumps(
            group_payload("firing", ALERT_A | {"startsAt": "2026-02-30T10:00:00Z"})
        ).encode(),
        "impossible opsgenie": json.dumps(opsgenie("Close", updatedAt="2026-02-30")).encode(),
        "impossible pagerduty": json.dumps(
            {"event": {"event_type": "incident.resolved", "occurred_at": "2026-02-30T10:00:00Z"}}
        ).encode(),
        "empty": b"",
        "blank": b" \n\t ",
        "array": b"[]",
        "array of payloads": json.dumps([group_payload("firing", ALERT_A)]).encode(),
        "string": b'"alerts"',
        "number": b"42",
        "null": b"null",
        "not JSON": b"{alerts: []}",
        "not UTF-8": b'{"alerts": "\xff\xfe"}',
        "truncated": b'{"alerts": [',
        "NUL": b"\x00",
    }


@pytest.mark.parametrize("name", list(hostile_bodies()))
@pytest.mark.parametrize("receiver", RECEIVERS)
def test_hostile_body_reads_or_is_refused(receiver: str, name: str) -> None:
    body = hostile_bodies()[name]
    started = time.perf_counter()
    try:
        notice = read_notice(receiver, body, RECEIVED)
    except InvalidValueError as exc:
        assert exc.field == "body"
        assert "\n" not in str(exc) and len(str(exc)) < 300
    else:
        assert isinstance(notice, AlertNotice) and len(notice.group) < 1200
    assert time.perf_counter() - started < 2


def test_hostile_messages() -> None:
    bodies = hostile_bodies()

    def refusal(name: str, receiver: str = "alertmanager") -> str:
        with pytest.raises(InvalidValueError) as caught:
            read_notice(receiver, bodies[name], RECEIVED)
        return caught.value.message

    assert refusal("empty") == "the body is empty, not a JSON object"
    assert refusal("array") == "not a JSON object but an array"
    assert refusal("string") == "not a JSON object but a string"
    assert refusal("deep").startswith("not JSON: ")
    assert refusal("5000 digits").startswith("not JSON: ")
    assert refusal("impossible date") == "alerts[0].startsAt: not a time: '2026-02-30T10:00:00Z'"
    assert refusal("impossible opsgenie", "opsgenie") == "alert.updatedAt: not a time: '2026-02-30'"
    assert refusal("deep time") == "alerts[0].startsAt: not a time but an array"
    assert refusal("5000 digit string time") == "alerts[0].startsAt: not a time"
    assert refusal("1 MB time") == "alerts[0].startsAt: not a time: 999999 characters"
    assert refusal("1 MB digits time") == "alerts[0].startsAt: not a time"
    assert refusal("impossible pagerduty", "pagerduty") == (
        "event.occurred_at: not a time: '2026-02-30T10:00:00Z'"
    )
    # A label that is no text (here an object 1,000 deep) groups nothing.
    assert refusal("deep inside").endswith(
        "has no 'groupKey', 'groupLabels' or 'commonLabels' to group it by"
    )


def test_too_large_body() -> None:
    body = b'{"alerts": [], "groupKey": "' + b"k" * MAX_BODY_BYTES + b'"}'
    with pytest.raises(TooLargeError) as caught:
        read_notice("alertmanager", body, RECEIVED)
    assert caught.value.field == "body"
    assert "more than the 10 MiB" in caught.value.message
    just = b'{"alerts": [], "groupKey": "' + b"k" * (MAX_BODY_BYTES - 100) + b'"}'
    assert read_notice("alertmanager", just, RECEIVED).group.startswith("alertmanager:sha256:")


def test_many_alerts_sharing_a_time_read_quickly() -> None:
    alert = {"labels": {"alertname": "Down"}, "startsAt": "1 Mar 2026 10:00:00"}
    body = json.dumps(group_payload("firing", *[alert] * 100_000)).encode()
    started = time.perf_counter()
    assert read_notice("alertmanager", body, RECEIVED).at == at("2026-03-01T10:00:00+00:00")
    assert time.perf_counter() - started < 2
