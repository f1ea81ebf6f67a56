"""Opsgenie: outgoing webhook payloads and the alert-log API response, real and our own."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from afteraction.errors import ParseError, UsageError
from afteraction.timeline.event import Event, Kind
from afteraction.timeline.problems import Problems
from afteraction.timeline.sources.opsgenie import Opsgenie, log_kind, priority
from afteraction.timeline.spec import SourceSpec
from tests.conftest import shared_folder

FIXTURE = "opsgenie__zulip__zulip__zerver__webhooks__opsgenie__fixtures__{}.json"
FIXTURE_ALERT = "052652ac-5d1c-464a-812a-7dd18bbfba8c"
ALERT_ID = "8418d193-2dab-4490-b331-8c02cdd196b7"


def read(path: Path, *, strict: bool = False, **options: str) -> tuple[list[Event], Problems]:
    problems = Problems(str(path), strict=strict)
    events = list(Opsgenie(SourceSpec("opsgenie", path, options), problems).events())
    return events, problems


def fixture(name: str) -> Path:
    return shared_folder("fixtures") / "payloads" / FIXTURE.format(name)


def write(tmp_path: Path, data: Any, name: str = "og.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2))
    return path


def write_lines(tmp_path: Path, lines: list[Any]) -> Path:
    path = tmp_path / "og.jsonl"
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return path


def webhook(action: str, updated_ns: int | None, **alert: Any) -> dict[str, Any]:
    """An outgoing webhook payload as Opsgenie posts it (updatedAt in nanoseconds)."""
    body: dict[str, Any] = {
        "alertId": ALERT_ID,
        "message": "5xx above 5%",
        "tags": ["checkout", "prod"],
        "tinyId": "1042",
        "entity": "checkout-api",
        "alias": "checkout-5xx",
        "createdAt": 1774708200000,
        "username": "priya@acme.example",
        "userId": "4a1e0f3c-6a0b-4d0e-9d6b-2f1a9b7c2e11",
        "priority": "P2",
        **alert,
    }
    if updated_ns is not None:
        body["updatedAt"] = updated_ns
    return {
        "action": action,
        "alert": body,
        "source": {"name": "web", "type": "web"},
        "integrationId": "daca46c6-e26b-4dda-8f8a-21f6db7eeaef",
        "integrationName": "Timeline webhook",
    }


# 2026-03-28T14:36:20.5Z, and later times, in nanoseconds since the epoch.
NS = 1774708580_500000000


# Real payloads --------------------------------------------------------------------------


def test_a_created_alert_is_triggered_at_its_creation_time():
    [event], problems = read(fixture("create"))
    assert problems.count == 0
    assert event.time == datetime(2017, 8, 14, 11, 25, 56, 288000, tzinfo=UTC)
    assert event.kind is Kind.PAGE_TRIGGERED
    assert event.text == "Alert #2 created: another alert (P3)"
    assert (event.actor, event.component) == ("test@example.com", "Server")
    assert event.key == "ec03dad6-62c8-4c94-b38b-d88f398e900f"
    assert event.link is None


def test_an_acknowledgement_happens_at_the_alerts_update_time_in_nanoseconds():
    [event], problems = read(fixture("acknowledge"))
    assert problems.count == 0
    assert event.time == datetime(2015, 1, 5, 10, 3, 44, 764002, tzinfo=UTC)
    assert (event.kind, event.text) == (
        Kind.PAGE_ACKNOWLEDGED,
        "Alert #23 acknowledged: test alert",
    )
    assert (event.actor, event.key) == (
        "fili@ifountain.com",
        "052652ac-5d1c-464a-812a-7dd18bbfba8c",
    )


def test_a_note_carries_the_note_not_the_alert_message():
    [event], problems = read(fixture("addnote"))
    assert problems.count == 0
    assert event.time == datetime(2015, 1, 5, 10, 4, 35, 2001, tzinfo=UTC)
    assert (event.kind, event.text) == (Kind.PAGE_NOTE, "Alert #23 note added: note to test alert")
    assert event.actor == "fili@ifountain.com"


def test_events_are_keyed_by_their_alert_and_notes_by_their_words_too():
    keys = [read(fixture(name))[0][0].key for name in ("acknowledge", "addnote")]
    # An alert has many notes: the alert's id alone would fold two of them into one.
    assert keys == [FIXTURE_ALERT, f"{FIXTURE_ALERT} note added: note to test alert"]


# Webhook actions (our own payloads) -----------------------------------------------------


def test_every_action_maps_onto_a_page_kind(tmp_path):
    lines = [
        webhook("AssignOwnership", NS, owner="sam@acme.example"),
        webhook("AddTags", NS + 10**9, addedTags="sev1,customer-impact"),
        webhook("AddRecipient", NS + 2 * 10**9, recipient="payments-oncall"),
        webhook("UnAcknowledge", NS + 3 * 10**9),
        webhook("Close", NS + 4 * 10**9, note="fixed by rolling back"),
        webhook("CustomAction", NS + 5 * 10**9),
        webhook("UpdatePriority", NS + 6 * 10**9, priority=1),
    ]
    events, problems = read(write_lines(tmp_path, lines))
    assert problems.count == 0
    assert [(e.kind, e.text) for e in events] == [
        (Kind.PAGE_ESCALATED, "Alert #1042 assigned: 5xx above 5% (sam@acme.example)"),
        (Kind.PAGE_NOTE, "Alert #1042 tags added: sev1,customer-impact"),
        (
            Kind.PAGE_ESCALATED,
            "Alert #1042 recipient added: 5xx above 5% (payments-oncall)",
        ),
        (Kind.PAGE_NOTE, "Alert #1042 unacknowledged"),
        (
            Kind.PAGE_RESOLVED,
            "Alert #1042 closed: 5xx above 5% (fixed by rolling back)",
        ),
        (Kind.PAGE_NOTE, "Alert #1042 custom action"),
        (Kind.PAGE_NOTE, "Alert #1042 priority changed: P1"),
    ]
    assert events[0].time == datetime(2026, 3, 28, 14, 36, 20, 500000, tzinfo=UTC)
    assert [e.key for e in events][:3] == [
        ALERT_ID,
        f"{ALERT_ID} tags added: sev1,customer-impact",
        ALERT_ID,
    ]
    assert {e.actor for e in events} == {"priya@acme.example"}
    assert {e.component for e in events} == {"checkout-api"}
    assert events[2].origin == f"{tmp_path / 'og.jsonl'}:3"


def test_an_escalation_without_a_time_is_reported_not_guessed(tmp_path):
    escalate = {
        "action": "Escalate",
        "alert": {"alertId": ALERT_ID},
        "escalationId": "51859f57-7fad-467b-ad79-59acbc69cb6a",
        "escalationName": "payments_escalation",
        "escalationNotify": {"name": "sam@acme.example", "type": "default", "entity": "user"},
        "escalationTime": 0,
        "integrationName": "Timeline webhook",
    }
    events, problems = read(write(tmp_path, escalate))
    assert events == []
    assert [p.message for p in problems.first] == ["payload.alert.updatedAt is missing"]
    timed = {**escalate, "alert": {"alertId": ALERT_ID, "tinyId": "1042", "updatedAt": NS}}
    [event], _ = read(write(tmp_path, timed))
    assert event.kind is Kind.PAGE_ESCALATED
    assert event.text == "Alert #1042 escalated: payments_escalation, notified sam@acme.example"
    assert event.actor is None


def test_priorities_read_as_opsgenie_shows_them():
    assert [priority(3), priority("P1"), priority(None)] == ["P3", "P1", None]


# The alert-log API response -------------------------------------------------------------

ALERT_LOG = {
    "data": [
        {
            "offset": "1774708200000_1774708200000120001",
            "log": "Alert created via API[Datadog] with message: 5xx above 5%",
            "type": "system",
            "owner": "System",
            "createdAt": "2026-03-28T14:30:00.000Z",
        },
        {
            "offset": "1774708205000_1774708205000310002",
            "log": "[SMS] sent to [priya@acme.example]",
            "type": "alertRecipient",
            "owner": "priya@acme.example",
            "createdAt": "2026-03-28T14:30:05.000Z",
        },
        {
            "offset": "1774708500000_1774708500000410003",
            "log": "Alert escalated to [payments_schedule] by escalation [payments_escalation]",
            "type": "system",
            "owner": "System",
            "createdAt": "2026-03-28T14:35:00.000Z",
        },
        {
            "offset": "1774708580000_1774708580000510004",
            "log": "Alert acknowledged via web",
            "type": "system",
            "owner": "priya@acme.example",
            "createdAt": "2026-03-28T14:36:20.500Z",
        },
        {
            "offset": "1774708860000_1774708860000610005",
            "log": "Rolled back checkout to v2.14.2",
            "type": "note",
            "owner": "priya@acme.example",
            "createdAt": "2026-03-28T14:41:00.000Z",
        },
        {
            "offset": "1774710131000_1774710131000710006",
            "log": "Alert closed via web",
            "type": "system",
            "owner": "priya@acme.example",
            "createdAt": "2026-03-28T15:02:11.000Z",
        },
    ],
    "paging": {"first": "https://api.opsgenie.com/v2/alerts/x/logs?offset=&order=asc"},
    "took": 0.041,
    "requestId": "9ae63dd7-ed00-4c81-86f0-c4ffd33142c9",
}


def test_the_alert_log_is_read_with_kinds_from_its_words(tmp_path):
    events, problems = read(write(tmp_path, ALERT_LOG), alert=ALERT_ID)
    assert problems.count == 0
    assert problems.notes == []
    assert [e.kind for e in events] == [
        Kind.PAGE_TRIGGERED,
        Kind.PAGE_NOTE,
        Kind.PAGE_ESCALATED,
        Kind.PAGE_ACKNOWLEDGED,
        Kind.PAGE_NOTE,
        Kind.PAGE_RESOLVED,
    ]
    assert events[3].time == datetime(2026, 3, 28, 14, 36, 20, 500000, tzinfo=UTC)
    assert [e.actor for e in events][3:] == ["priya@acme.example"] * 3
    assert events[4].text == "Rolled back checkout to v2.14.2"
    assert {e.key for e in events if e.kind is not Kind.PAGE_NOTE} == {ALERT_ID}
    assert events[4].key == f"{ALERT_ID} Rolled back checkout to v2.14.2"


def test_without_the_alert_option_the_log_has_no_key_and_says_so(tmp_path):
    more = {**ALERT_LOG, "paging": {"next": "https://api.opsgenie.com/v2/alerts/x/logs?offset=9"}}
    events, problems = read(write(tmp_path, more))
    assert {e.key for e in events} == {None}
    assert problems.notes == [
        "an alert-log response does not name its alert: give opsgenie[alert=ID] to fold its"
        " events with the alert's webhook events",
        "the alert-log response has a next page: its lines are not here",
    ]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Alert acknowledged via web", Kind.PAGE_ACKNOWLEDGED),
        ("alert is unacknowledged by priya", Kind.PAGE_NOTE),
        ("Alert closed by priya", Kind.PAGE_RESOLVED),
        ("Alert created via Datadog", Kind.PAGE_TRIGGERED),
        ("Jira issue created for alert", Kind.PAGE_NOTE),
        ("Viewed on [web]", Kind.PAGE_NOTE),
    ],
)
def test_log_lines_are_kinded_by_their_leading_words(line, kind):
    assert log_kind(line) is kind


# Bad input ------------------------------------------------------------------------------


def test_bad_lines_and_payloads_are_counted_with_their_line(tmp_path):
    lines = [
        webhook("Acknowledge", NS),
        "{broken",
        webhook("Close", None),
        webhook("Acknowledge", None, updatedAt="yesterday-ish"),
        {"data": [{"createdAt": "2026-03-28T14:30:00Z"}, "x"]},
        {"event": {"event_type": "incident.triggered"}},
    ]
    events, problems = read(write_lines(tmp_path, lines))
    assert [e.kind for e in events] == [Kind.PAGE_ACKNOWLEDGED]
    assert problems.count == 6
    assert [(p.line, p.message) for p in problems.first[1:]] == [
        (3, "payload.alert.updatedAt is missing"),
        (4, "payload.alert.updatedAt: not a time: 'yesterday-ish'"),
        (5, "payload.data[0].log is missing"),
        (5, "payload.data[1] is not an object"),
    ]
    assert problems.first[0].line == 2
    assert problems.first[0].message.startswith("not JSON")


def test_strict_fails_on_the_first_bad_payload_with_file_and_line(tmp_path):
    path = write_lines(tmp_path, [webhook("Acknowledge", NS), webhook("Close", None)])
    with pytest.raises(ParseError) as caught:
        read(path, strict=True)
    assert (caught.value.file, caught.value.line) == (str(path), 2)
    assert "payload.alert.updatedAt is missing" in str(caught.value)


@pytest.mark.parametrize("data", [{"event": {"event_type": "incident.triggered"}}, {"alert": {}}])
def test_another_kind_of_payload_is_a_usage_error_naming_the_file(tmp_path, data):
    path = write(tmp_path, data)
    with pytest.raises(UsageError, match="not an Opsgenie payload") as caught:
        read(path)
    assert caught.value.file == str(path)


def test_an_unknown_option_is_refused(tmp_path):
    with pytest.raises(UsageError, match="source opsgenie has no option 'id'"):
        read(write(tmp_path, ALERT_LOG), id=ALERT_ID)
