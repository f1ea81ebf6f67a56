"""PagerDuty: v3 webhook events, v2 webhooks and REST log entries, real payloads and our own."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from afteraction.errors import ParseError, UsageError
from afteraction.timeline.build import BuildOptions, build_timeline
from afteraction.timeline.event import Event, Kind
from afteraction.timeline.problems import Problems
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.sources.pagerduty import PagerDuty
from afteraction.timeline.spec import SourceSpec
from tests.conftest import shared_folder

FIXTURE = "pagerduty__zulip__zulip__zerver__webhooks__pagerduty__fixtures__{}.json"
BASE = "https://acme.pagerduty.com"


def read(path: Path, *, strict: bool = False, **options: str) -> tuple[list[Event], Problems]:
    problems = Problems(str(path), strict=strict)
    events = list(PagerDuty(SourceSpec("pagerduty", path, options), problems).events())
    return events, problems


def fixture(name: str) -> Path:
    return shared_folder("fixtures") / "payloads" / FIXTURE.format(name)


def write(tmp_path: Path, data: Any, name: str = "pd.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2))
    return path


def write_lines(tmp_path: Path, lines: list[Any]) -> Path:
    path = tmp_path / "pd.jsonl"
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return path


def ref(kind: str, id_: str, summary: str) -> dict[str, str]:
    """A PagerDuty reference object, as every payload writes them."""
    return {
        "id": id_,
        "type": f"{kind}_reference",
        "summary": summary,
        "self": f"https://api.pagerduty.com/{kind}s/{id_}",
        "html_url": f"{BASE}/{kind}s/{id_}",
    }


INCIDENT = ref("incident", "Q1X2Y3Z4", "[#1207] Checkout rollback job failing")
SERVICE = ref("service", "PSVC123", "checkout-api")


def entry(type_: str, at: str, summary: str, agent: dict[str, str] | None, **extra: Any) -> dict:
    """One log entry as ``GET /incidents/{id}/log_entries`` returns it."""
    return {
        "id": "R" + type_[:4].upper() + at[11:19].replace(":", ""),
        "type": type_,
        "summary": summary,
        "self": "https://api.pagerduty.com/log_entries/R1",
        "html_url": f"{BASE}/incidents/Q1X2Y3Z4/log_entries/R1",
        "created_at": at,
        "agent": agent,
        "channel": {"type": "auto"},
        "service": SERVICE,
        "incident": INCIDENT,
        "teams": [ref("team", "PTEAM1", "Payments")],
        "contexts": [],
        **extra,
    }


PRIYA = ref("user", "PUSR001", "Priya Raman")
# Newest first, as PagerDuty returns them.
LOG_ENTRIES = {
    "log_entries": [
        entry("resolve_log_entry", "2026-03-28T15:02:11Z", "Resolved by Priya Raman", PRIYA),
        entry(
            "annotate_log_entry",
            "2026-03-28T14:41:00Z",
            "Note added",
            PRIYA,
            channel={"type": "note", "summary": "Pinned the job to v2.14.2, errors dropping"},
        ),
        entry(
            "acknowledge_log_entry", "2026-03-28T14:36:20Z", "Acknowledged by Priya Raman", PRIYA
        ),
        entry(
            "escalate_log_entry",
            "2026-03-28T14:35:00Z",
            "Escalated to level 2 by timeout",
            None,
            channel={"type": "timeout"},
            assignees=[PRIYA],
        ),
        entry(
            "notify_log_entry",
            "2026-03-28T14:30:05-07:00",
            "Notified Dragan Petrovic by phone",
            ref("service", "PSVC123", "checkout-api"),
            user=ref("user", "PUSR002", "Dragan Petrovic"),
            channel={"type": "phone", "summary": "+1 555 0100"},
        ),
        entry(
            "trigger_log_entry",
            "2026-03-28T14:30:00Z",
            "Triggered through the API",
            ref("generic_events_api_inbound_integration", "PINT1", "Datadog"),
            channel={"type": "api", "summary": "Checkout rollback job failing"},
        ),
    ],
    "limit": 25,
    "offset": 0,
    "more": False,
    "total": None,
}


# Real payloads --------------------------------------------------------------------------


def test_a_v3_incident_triggered_event():
    events, problems = read(fixture("triggered_v3"))
    assert problems.count == 0
    [event] = events
    assert event.time == datetime(2021, 6, 4, 13, 35, 29, 781000, tzinfo=UTC)
    assert event.kind is Kind.PAGE_TRIGGERED
    assert event.text == "Incident #9 triggered: Test Incident 3 (assigned to PIG 208)"
    assert (event.actor, event.component) == ("PIG 208", "pig208")
    assert event.key == "PFQZPSY"
    assert event.link == "https://pig208.pagerduty.com/incidents/PFQZPSY"


def test_a_v3_incident_resolved_event():
    [event], problems = read(fixture("resolved_v3"))
    assert problems.count == 0
    assert event.time == datetime(2021, 6, 4, 13, 16, 53, 816000, tzinfo=UTC)
    assert (event.kind, event.text) == (Kind.PAGE_RESOLVED, "Incident #6 resolved")
    assert (event.actor, event.key) == ("PIG 208", "PCPZE64")


def test_a_v2_webhook_is_read_through_its_log_entries():
    [event], problems = read(fixture("trigger_v2"))
    assert problems.count == 0
    assert event.time == datetime(2017, 9, 26, 15, 14, 36, tzinfo=UTC)
    assert event.kind is Kind.PAGE_TRIGGERED
    assert event.text == "Incident #33 triggered: My new incident (Triggered through the website)"
    assert (event.actor, event.component) == ("Laura Haley", "Production XDB Cluster")
    assert event.key == "PRORDTY"
    assert event.link == "https://webdemo.pagerduty.com/incidents/PRORDTY"


# REST log entries -----------------------------------------------------------------------


def test_log_entries_become_the_incident_history(tmp_path):
    events, problems = read(write(tmp_path, LOG_ENTRIES))
    assert problems.count == 0
    assert problems.notes == []
    by_time = sorted(events, key=lambda e: e.time)
    assert [e.kind for e in by_time] == [
        Kind.PAGE_TRIGGERED,
        Kind.PAGE_ESCALATED,
        Kind.PAGE_ACKNOWLEDGED,
        Kind.PAGE_NOTE,
        Kind.PAGE_RESOLVED,
        Kind.PAGE_NOTE,  # the notification, written at -07:00
    ]
    assert by_time[-1].time == datetime(2026, 3, 28, 21, 30, 5, tzinfo=UTC)
    assert by_time[-1].text == "Incident #1207: Notified Dragan Petrovic by phone"
    assert by_time[0].text == (
        "Incident #1207 triggered: Checkout rollback job failing (Triggered through the API)"
    )
    assert [e.actor for e in by_time[:5]] == [
        "Datadog",
        None,
        "Priya Raman",
        "Priya Raman",
        "Priya Raman",
    ]
    assert {e.key for e in events if e.kind is not Kind.PAGE_NOTE} == {"Q1X2Y3Z4"}
    assert sorted(e.key for e in events if e.kind is Kind.PAGE_NOTE) == [
        "Q1X2Y3Z4 Notified Dragan Petrovic by phone",
        "Q1X2Y3Z4 note: Pinned the job to v2.14.2, errors dropping",
    ]
    assert {e.component for e in events} == {"checkout-api"}
    assert {e.link for e in events} == {f"{BASE}/incidents/Q1X2Y3Z4"}


def test_a_note_carries_its_own_words_not_the_incident_title(tmp_path):
    events, _ = read(write(tmp_path, LOG_ENTRIES))
    [note] = [e for e in events if e.kind is Kind.PAGE_NOTE and "note" in e.text]
    # The title says "rollback"; key times must not read that as the note's mitigation.
    assert note.text == "Incident #1207 note: Pinned the job to v2.14.2, errors dropping"


def test_a_response_with_more_pages_says_so(tmp_path):
    _, problems = read(write(tmp_path, {**LOG_ENTRIES, "more": True}))
    assert problems.notes == [
        "the log_entries response says more=true: later pages are not in this file"
    ]


# v3 events and v2 messages of every kind (our own payloads) -----------------------------


def v3(event_type: str, at: str, data: dict[str, Any], agent: dict[str, str] | None = PRIYA):
    return {
        "event": {
            "id": "01DEN3Y5D0Y1W8J4PKH1RAE3QF",
            "event_type": event_type,
            "resource_type": data.get("type", "incident"),
            "occurred_at": at,
            "agent": agent,
            "client": None,
            "data": data,
        }
    }


def incident(**extra: Any) -> dict[str, Any]:
    return {
        "id": "Q1X2Y3Z4",
        "type": "incident",
        "self": "https://api.pagerduty.com/incidents/Q1X2Y3Z4",
        "html_url": f"{BASE}/incidents/Q1X2Y3Z4",
        "number": 1207,
        "status": "acknowledged",
        "title": "Checkout rollback job failing",
        "service": SERVICE,
        "assignees": [PRIYA],
        "priority": None,
        "urgency": "high",
        **extra,
    }


def test_v3_events_of_every_kind(tmp_path):
    lines = [
        v3("incident.acknowledged", "2026-03-28T14:36:20.115Z", incident()),
        v3(
            "incident.annotated",
            "2026-03-28T14:41:00Z",
            {
                "incident": ref("incident", "Q1X2Y3Z4", "Checkout rollback job failing"),
                "id": "PNOTE1",
                "content": "Pinned the job to v2.14.2",
                "trimmed": False,
                "type": "incident_note",
            },
        ),
        v3(
            "incident.priority_updated",
            "2026-03-28T14:42:00Z",
            incident(priority=ref("priority", "PPRIO1", "P1")),
        ),
        v3(
            "incident.reassigned",
            "2026-03-28T14:43:00Z",
            incident(assignees=[ref("user", "PUSR003", "Sam Okafor")]),
        ),
        v3("incident.escalated", "2026-03-28T14:44:00Z", incident(), agent=None),
        v3(
            "incident.status_update_published",
            "2026-03-28T14:50:00Z",
            {
                "incident": ref("incident", "Q1X2Y3Z4", "Checkout rollback job failing"),
                "id": "PSTATUS1",
                "message": "Checkout is recovering",
                "type": "incident_status_update",
            },
        ),
        v3("pagey.ping", "2026-03-28T14:51:00Z", {"message": "Hello from your friend Pagey!"}),
    ]
    events, problems = read(write_lines(tmp_path, lines))
    assert problems.count == 0
    assert problems.notes == ["events not about an incident are left out (pagey.ping)"]
    assert [(e.kind, e.text) for e in events] == [
        (Kind.PAGE_ACKNOWLEDGED, "Incident #1207 acknowledged"),
        (Kind.PAGE_NOTE, "Incident Q1X2Y3Z4 note: Pinned the job to v2.14.2"),
        (Kind.PAGE_NOTE, "Incident #1207 priority changed: P1"),
        (Kind.PAGE_ESCALATED, "Incident #1207 reassigned: assigned to Sam Okafor"),
        (Kind.PAGE_ESCALATED, "Incident #1207 escalated: assigned to Priya Raman"),
        (
            Kind.PAGE_NOTE,
            "Incident Q1X2Y3Z4 status update published: Checkout is recovering",
        ),
    ]
    assert [e.actor for e in events] == ["Priya Raman"] * 4 + [None, "Priya Raman"]
    assert [e.key for e in events] == [
        "Q1X2Y3Z4",
        "Q1X2Y3Z4 note: Pinned the job to v2.14.2",
        "Q1X2Y3Z4 priority changed: P1",
        "Q1X2Y3Z4",
        "Q1X2Y3Z4",
        "Q1X2Y3Z4 status update published: Checkout is recovering",
    ]
    assert [e.origin for e in events][:2] == [
        f"{tmp_path / 'pd.jsonl'}:1",
        f"{tmp_path / 'pd.jsonl'}:2",
    ]


def test_the_same_incident_has_one_key_through_webhooks_and_log_entries(tmp_path):
    webhook, _ = read(
        write(tmp_path, v3("incident.acknowledged", "2026-03-28T14:36:20Z", incident()))
    )
    logged, _ = read(write(tmp_path, LOG_ENTRIES, "log.json"))
    [acked] = [e for e in logged if e.kind is Kind.PAGE_ACKNOWLEDGED]
    assert (webhook[0].key, webhook[0].kind, webhook[0].time) == (acked.key, acked.kind, acked.time)


def test_notes_of_one_incident_stay_apart_and_the_same_note_folds(tmp_path):
    """A note's key holds its words: two notes a minute apart are two events in the
    timeline, while one note seen through a webhook and the log entries is one."""
    note = {
        "incident": ref("incident", "Q1X2Y3Z4", "Checkout rollback job failing"),
        "id": "PNOTE1",
        "content": "Pinned the job to v2.14.2, errors dropping",
        "type": "incident_note",
    }
    webhook = write(tmp_path, v3("incident.annotated", "2026-03-28T14:41:01Z", note), "v3.json")
    registry = SourceRegistry()
    registry.add(PagerDuty)
    specs = [
        SourceSpec("pagerduty", write(tmp_path, LOG_ENTRIES)),
        SourceSpec("pagerduty", webhook),
    ]
    timeline = build_timeline(specs, registry, BuildOptions())
    assert [e.kind for e in timeline.events].count(Kind.PAGE_NOTE) == 2  # notified, the note
    assert len(timeline.events) == 6
    assert timeline.left_out["duplicate"] == 1


def test_a_v2_message_without_log_entries_is_read_from_its_incident(tmp_path):
    message = {
        "event": "incident.resolve",
        "created_on": "2017-09-26T16:02:00Z",
        "incident": {
            "id": "PRORDTY",
            "incident_number": 33,
            "title": "My new incident",
            "html_url": "https://webdemo.pagerduty.com/incidents/PRORDTY",
            "service": {"id": "PN49J75", "name": "Production XDB Cluster"},
            "last_status_change_by": ref("user", "P553OPV", "Laura Haley"),
            "assignments": [],
        },
        "log_entries": [],
    }
    [event], problems = read(write(tmp_path, {"messages": [message]}))
    assert problems.count == 0
    assert (event.kind, event.text) == (Kind.PAGE_RESOLVED, "Incident #33 resolved")
    assert (event.actor, event.component, event.key) == (
        "Laura Haley",
        "Production XDB Cluster",
        "PRORDTY",
    )


def test_naive_times_take_the_zone_option(tmp_path):
    path = write(tmp_path, v3("incident.acknowledged", "2026-03-28 15:36:20", incident()))
    [event], _ = read(path, zone="Europe/Berlin")
    assert event.time == datetime(2026, 3, 28, 14, 36, 20, tzinfo=UTC)


# Bad input ------------------------------------------------------------------------------


def test_bad_lines_and_payloads_are_counted_with_their_line(tmp_path):
    good = v3("incident.acknowledged", "2026-03-28T14:36:20Z", incident())
    no_time = v3("incident.resolved", "", incident())
    bad_entry = {"log_entries": [{"type": "acknowledge_log_entry", "created_at": "soon"}]}
    lines = [good, "{not json", no_time, bad_entry, {"hello": "world"}, {"messages": [42]}]
    events, problems = read(write_lines(tmp_path, lines))
    assert [e.kind for e in events] == [Kind.PAGE_ACKNOWLEDGED]
    assert problems.count == 5
    assert [(p.line, p.message) for p in problems.first] == [
        (2, problems.first[0].message),
        (3, "payload.event.occurred_at is missing"),
        (4, "payload.log_entries[0].created_at: not a time: 'soon'"),
        (5, "payload is not a PagerDuty payload (no 'event', 'messages' or 'log_entries')"),
        (6, "payload.messages[0] is not an object"),
    ]
    assert problems.first[0].message.startswith("not JSON")


def test_a_log_entry_without_a_type_is_named_by_its_path(tmp_path):
    data = {"log_entries": [LOG_ENTRIES["log_entries"][0], {"created_at": "2026-03-28T15:00:00Z"}]}
    events, problems = read(write(tmp_path, data))
    assert len(events) == 1
    assert [str(p) for p in problems.first] == [
        f"{tmp_path / 'pd.json'}: payload.log_entries[1].type is missing"
    ]


def test_strict_fails_on_the_first_bad_payload_with_file_and_line(tmp_path):
    path = write_lines(tmp_path, [v3("incident.acknowledged", "x", incident())] * 2)
    with pytest.raises(ParseError) as caught:
        read(path, strict=True)
    assert (caught.value.file, caught.value.line) == (str(path), 1)
    assert "payload.event.occurred_at: not a time" in str(caught.value)


@pytest.mark.parametrize(
    "data",
    [{"receiver": "x", "alerts": []}, {"action": "Create", "alert": {}}, {"data": []}],
)
def test_another_kind_of_payload_is_a_usage_error_naming_the_file(tmp_path, data):
    path = write(tmp_path, data)
    with pytest.raises(UsageError, match=r"not a PagerDuty payload") as caught:
        read(path)
    assert caught.value.file == str(path)


def test_an_array_of_payloads_names_each_by_its_index(tmp_path):
    data = [v3("incident.acknowledged", "2026-03-28T14:36:20Z", incident()), {"x": 1}]
    events, problems = read(write(tmp_path, data))
    assert len(events) == 1
    assert problems.first[0].message.startswith("payload[1] is not a PagerDuty payload")
