"""Grafana: unified alerting webhooks (8 to 11) and legacy ones, real payloads and our own."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from afteraction.errors import ParseError, UsageError
from afteraction.timeline.event import Event, Kind, Level
from afteraction.timeline.problems import Problems
from afteraction.timeline.sources.grafana import Grafana, query_values
from afteraction.timeline.spec import SourceSpec
from tests.conftest import shared_folder

FIXTURE = "grafana__zulip__zulip__zerver__webhooks__grafana__fixtures__{}.json"
NO_TIME = (
    "payload is a legacy (pre-8) Grafana payload, which has no time: give one with grafana[at=TIME]"
)


def read(path: Path, *, strict: bool = False, **options: str) -> tuple[list[Event], Problems]:
    problems = Problems(str(path), strict=strict)
    events = list(Grafana(SourceSpec("grafana", path, options), problems).events())
    return events, problems


def fixture(name: str) -> Path:
    return shared_folder("fixtures") / "payloads" / FIXTURE.format(name)


def write(tmp_path: Path, data: Any, name: str = "grafana.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2))
    return path


def write_lines(tmp_path: Path, lines: list[Any]) -> Path:
    path = tmp_path / "grafana.jsonl"
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return path


def alert(name: str, status: str, starts: str, ends: str, **extra: Any) -> dict[str, Any]:
    """One alert of a unified alerting payload, as Grafana 10 writes it."""
    return {
        "status": status,
        "labels": {"alertname": name, "grafana_folder": "payments", **extra.pop("labels", {})},
        "annotations": {"summary": f"{name} is over its threshold"},
        "startsAt": starts,
        "endsAt": ends,
        "generatorURL": f"https://grafana.acme.example/alerting/grafana/{name}/view?orgId=1",
        "fingerprint": name.encode().hex()[:16],
        "silenceURL": "https://grafana.acme.example/alerting/silence/new?alertmanager=grafana",
        "dashboardURL": "https://grafana.acme.example/d/checkout?orgId=1",
        "panelURL": "https://grafana.acme.example/d/checkout?orgId=1&viewPanel=4",
        **extra,
    }


def unified(*alerts: Any, **extra: Any) -> dict[str, Any]:
    firing = sum(isinstance(a, dict) and a["status"] == "firing" for a in alerts)
    return {
        "receiver": "timeline",
        "status": "firing" if firing else "resolved",
        "alerts": list(alerts),
        "groupLabels": {"grafana_folder": "payments"},
        "commonLabels": {"grafana_folder": "payments"},
        "commonAnnotations": {},
        "externalURL": "https://grafana.acme.example/",
        "version": "1",
        "groupKey": '{}/{grafana_folder="payments"}:{}',
        "truncatedAlerts": 0,
        "orgId": 1,
        "title": f"[FIRING:{firing}] payments",
        "state": "alerting" if firing else "ok",
        "message": "...",
        **extra,
    }


def legacy(state: str, **extra: Any) -> dict[str, Any]:
    """A legacy (Grafana 4 to 7) alert notification."""
    return {
        "dashboardId": 7,
        "evalMatches": [{"value": 0.31, "metric": "checkout 5xx ratio", "tags": {}}],
        "message": "Checkout 5xx ratio is high",
        "orgId": 1,
        "panelId": 4,
        "ruleId": 12,
        "ruleName": "Checkout 5xx",
        "ruleUrl": "https://grafana.acme.example/d/checkout?panelId=4&fullscreen",
        "state": state,
        "tags": {"service": "checkout-api", "severity": "critical"},
        "title": f"[{state.title()}] Checkout 5xx",
        **extra,
    }


# Real payloads --------------------------------------------------------------------------


def test_a_grafana_9_resolved_alert_fires_then_resolves():
    events, problems = read(fixture("alert-9-resolved"))
    assert problems.count == 0
    assert [(e.kind, e.time) for e in events] == [
        (Kind.ALERT_FIRING, datetime(2022, 6, 17, 0, 41, 0, 782137, tzinfo=UTC)),
        (Kind.ALERT_RESOLVED, datetime(2022, 6, 17, 0, 51, 24, 67337, tzinfo=UTC)),
    ]
    # The value is that of the evaluation that resolved the alert: it goes with the resolution.
    assert (
        events[0].text == "Alert Test alert firing: This is a summary field, failure on <no value>"
    )
    assert events[1].text == "Alert Test alert resolved (B0=24)"
    assert {e.key for e in events} == {"d8a21484c9c25a60"}
    assert {e.actor for e in events} == {"Grafana"}
    assert events[0].link == "https://grafana.example.com/alerting/grafana/zTjxv_C7k/view"


def test_a_grafana_8_payload_trusts_each_alerts_status_and_notes_truncation():
    events, problems = read(fixture("alert_v8"))
    assert problems.count == 0
    # The payload's state says alerting; the alert itself says resolved, and when.
    assert [e.kind for e in events] == [Kind.ALERT_FIRING, Kind.ALERT_RESOLVED]
    assert events[1].time == datetime(2022, 8, 31, 10, 30, 0, 522884, tzinfo=UTC)
    assert events[1].text == "Alert TestAlert resolved (foo=10)"
    assert events[0].component == "Grafana"  # its instance label
    assert events[0].link == "https://zuliptestingwh2.grafana.net/"  # no alert URL: the Grafana
    assert problems.notes == [
        "Grafana left alerts out of some payloads (truncatedAlerts): they are not here"
    ]


def test_a_grafana_11_firing_alert_shows_its_values():
    [event], problems = read(fixture("alert_values_v11"))
    assert (problems.count, problems.notes) == (0, [])
    assert event.time == datetime(2024, 3, 1, 2, 9, tzinfo=UTC)
    assert event.kind is Kind.ALERT_FIRING
    assert event.text == (
        "Alert Memory (copy) firing: High memory usage (A=2473545728, B=0, C=1, minute=9)"
    )
    assert event.key == "e6349a25f5ef0e9e"
    assert event.link is not None and event.link.startswith("https://play.grafana.org/alerting/")


def test_a_legacy_payload_needs_the_at_option():
    events, problems = read(fixture("alert"))
    assert events == []
    assert [p.message for p in problems.first] == [NO_TIME]
    [event], problems = read(fixture("alert"), at="2020-02-06T01:17:58+01:00")
    assert event.time == datetime(2020, 2, 6, 0, 17, 58, tzinfo=UTC)
    assert event.kind is Kind.ALERT_FIRING
    assert event.text == (
        "Alert Test rule firing: Someone is testing the alert notification within grafana."
        " (High value=100, Higher Value=200)"
    )
    assert (event.link, event.key) == ("http://localhost:3000/", "grafana-rule:0:0")
    assert problems.notes == [
        "legacy (pre-8) Grafana payloads carry no time: placed at the at= time"
    ]


# Our own payloads -----------------------------------------------------------------------


def test_unified_alerts_take_labels_for_level_and_component(tmp_path):
    payload = unified(
        alert(
            "CheckoutErrors",
            "firing",
            "2026-03-28T14:29:30Z",
            "0001-01-01T00:00:00Z",
            labels={"severity": "critical", "service": "checkout-api"},
            values={"B": 0.31, "C": 1},
        ),
        alert(
            "CheckoutLatency",
            "resolved",
            "2026-03-28T14:20:00.123456789Z",
            "2026-03-28T14:40:00Z",
            labels={"instance": "checkout-7f9c:9100"},
            generatorURL="",
            valueString="[ var='A' labels={instance=checkout-7f9c:9100} value=0.2 ]",
        ),
    )
    events, problems = read(write(tmp_path, payload))
    assert problems.count == 0
    assert [(e.kind, e.text) for e in events] == [
        (
            Kind.ALERT_FIRING,
            "Alert CheckoutErrors firing: CheckoutErrors is over its threshold (B=0.31, C=1)",
        ),
        (Kind.ALERT_FIRING, "Alert CheckoutLatency firing: CheckoutLatency is over its threshold"),
        (Kind.ALERT_RESOLVED, "Alert CheckoutLatency resolved (A=0.2)"),
    ]
    assert events[0].level is Level.CRITICAL
    assert [e.component for e in events] == [
        "checkout-api",
        "checkout-7f9c:9100",
        "checkout-7f9c:9100",
    ]
    assert events[1].time == datetime(2026, 3, 28, 14, 20, 0, 123456, tzinfo=UTC)
    # Without a rule URL, the panel is the next best original.
    assert events[1].link == "https://grafana.acme.example/d/checkout?orgId=1&viewPanel=4"


def test_legacy_states_map_onto_firing_and_resolved(tmp_path):
    lines = [legacy("alerting"), legacy("no_data", evalMatches=[]), legacy("ok", evalMatches=[])]
    events, problems = read(
        write_lines(tmp_path, lines), at="2026-03-28 15:30", zone="Europe/Paris"
    )
    assert problems.count == 0
    assert [(e.kind, e.text) for e in events] == [
        (
            Kind.ALERT_FIRING,
            "Alert Checkout 5xx firing: Checkout 5xx ratio is high (checkout 5xx ratio=0.31)",
        ),
        (Kind.ALERT_FIRING, "Alert Checkout 5xx firing (no data): Checkout 5xx ratio is high"),
        (Kind.ALERT_RESOLVED, "Alert Checkout 5xx resolved"),
    ]
    assert {e.time for e in events} == {datetime(2026, 3, 28, 14, 30, tzinfo=UTC)}
    assert {e.key for e in events} == {"grafana-rule:1:12"}
    assert {(e.component, e.level) for e in events} == {("checkout-api", Level.CRITICAL)}
    assert [e.origin for e in events] == [f"{tmp_path / 'grafana.jsonl'}:{n}" for n in (1, 2, 3)]


def test_a_time_given_is_only_used_for_legacy_payloads(tmp_path):
    payload = unified(alert("Disk", "firing", "2026-03-28T14:00:00Z", ""))
    [event], problems = read(write(tmp_path, payload), at="2030-01-01T00:00:00Z")
    assert event.time == datetime(2026, 3, 28, 14, 0, tzinfo=UTC)
    assert problems.notes == []


@pytest.mark.parametrize("value", ["soonish", ""])
def test_a_bad_at_option_is_a_usage_error(tmp_path, value):
    with pytest.raises(UsageError, match=r"is not a time") as caught:
        read(write(tmp_path, legacy("ok")), at=value)
    assert caught.value.field == "grafana[at]"


def test_a_resolved_alert_without_an_end_is_noted(tmp_path):
    payload = unified(alert("Disk", "resolved", "2026-03-28T14:00:00Z", ""))
    events, problems = read(write(tmp_path, payload))
    assert [e.kind for e in events] == [Kind.ALERT_FIRING]
    assert problems.notes == ["resolved alerts without endsAt: their resolution time is unknown"]


def test_query_values_come_from_values_or_the_value_string():
    assert query_values({"values": {"A": 1.5}, "valueString": "ignored"}) == "A=1.5"
    both = "[ var='A' labels={} value=3 ], [ metric='up' labels={job=x} value=0 ]"
    assert query_values({"valueString": both}) == "A=3, up=0"
    assert query_values({"valueString": "[no value]"}) is None


# Bad input ------------------------------------------------------------------------------


def test_bad_lines_and_alerts_are_counted_with_their_line(tmp_path):
    lines = [
        unified(alert("Disk", "firing", "2026-03-28T14:00:00Z", "")),
        "not json at all",
        unified(alert("Disk", "firing", "", ""), "oops"),
        unified(alert("Disk", "resolved", "2026-03-28T14:00:00Z", "half past two")),
        legacy("paused"),
        {"event": {"event_type": "incident.triggered"}},
    ]
    events, problems = read(write_lines(tmp_path, lines))
    assert [e.kind for e in events] == [Kind.ALERT_FIRING]
    assert problems.count == 6
    assert [(p.line, p.message) for p in problems.first[1:]] == [
        (3, "payload.alerts[0].startsAt is missing"),
        (3, "payload.alerts[1] is not an object"),
        (4, "payload.alerts[0].endsAt: not a time: 'half past two'"),
        (5, "payload.state 'paused' is not alerting, ok or no_data"),
    ]
    assert problems.first[0].line == 2


def test_strict_fails_on_the_first_bad_payload_with_file_and_line(tmp_path):
    path = write_lines(tmp_path, [unified(), legacy("alerting")])
    with pytest.raises(ParseError) as caught:
        read(path, strict=True)
    assert (caught.value.file, caught.value.line) == (str(path), 2)
    assert "give one with grafana[at=TIME]" in str(caught.value)


@pytest.mark.parametrize("data", [{"event": {"event_type": "x"}}, {"messages": []}])
def test_another_kind_of_payload_is_a_usage_error_naming_the_file(tmp_path, data):
    path = write(tmp_path, data)
    with pytest.raises(UsageError, match="not a Grafana alerting webhook payload") as caught:
        read(path)
    assert caught.value.file == str(path)


def test_an_array_of_payloads_names_each_by_its_index(tmp_path):
    payload = unified(alert("Disk", "firing", "2026-03-28T14:00:00Z", ""))
    events, problems = read(write(tmp_path, [payload, 42]))
    assert len(events) == 1
    assert [p.message for p in problems.first] == [
        "payload[1] is not a Grafana alerting webhook payload (no 'alerts' list, no 'ruleName')"
    ]


def test_a_legacy_payload_without_a_state_is_named(tmp_path):
    stateless = {**legacy("alerting"), "state": None}
    events, problems = read(write(tmp_path, [stateless]), at="2026-03-28")
    assert events == []
    assert [p.message for p in problems.first] == ["payload[0].state is missing"]
