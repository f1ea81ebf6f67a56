"""One incident told by five sources: the merged timeline and the key times it gives."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from afteraction.model import KeyTimes
from afteraction.timeline.build import BuildOptions, build_timeline
from afteraction.timeline.event import Kind
from afteraction.timeline.keytimes import infer_key_times
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.spec import SourceSpec

START = datetime(2026, 11, 3, 14, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def iso(minutes: float) -> str:
    return at(minutes).isoformat().replace("+00:00", "Z")


@pytest.fixture
def incident(tmp_path: Path) -> list[SourceSpec]:
    """Write what a checkout outage left behind: deploys, logs, alerts, pages and chat."""
    deploys = tmp_path / "deploys.csv"
    deploys.write_text(
        "time,service,version,actor,description\n"
        f"{iso(-3)},checkout,v42,dana,Deployed checkout v42\n"
        f"{iso(24)},checkout,v41,sam,Rolled back checkout to v41\n"
    )
    log = tmp_path / "checkout.log"
    log.write_text(
        "\n".join(
            json.dumps({"time": iso(m), "level": level, "service": "checkout", "msg": msg})
            for m, level, msg in [
                (-2, "info", "started v42"),
                (1, "error", "payment gateway timeout"),
                (1.5, "error", "payment gateway timeout"),
                (2, "error", "payment gateway timeout"),
                (26, "info", "error rate back to normal"),
            ]
        )
        + "\n"
    )
    alert = {
        "labels": {"alertname": "CheckoutErrors", "service": "checkout", "severity": "critical"},
        "annotations": {"summary": "5xx above 5%"},
        "startsAt": iso(4),
        "endsAt": iso(27),
        "fingerprint": "c0ffee",
    }
    hooks = tmp_path / "hooks.jsonl"
    hooks.write_text(
        json.dumps({"version": "4", "status": "firing", "alerts": [{**alert, "status": "firing"}]})
        + "\n"
        + json.dumps(
            {"version": "4", "status": "firing", "alerts": [{**alert, "status": "firing"}]}
        )
        + "\n"
        + json.dumps(
            {"version": "4", "status": "resolved", "alerts": [{**alert, "status": "resolved"}]}
        )
        + "\n"
    )
    incident_ref = {"id": "PINC1", "type": "incident_reference", "summary": "[#88] Checkout 5xx"}
    entries = [
        ("trigger_log_entry", 5, "Alertmanager"),
        ("acknowledge_log_entry", 9, "Sam Okafor"),
        ("resolve_log_entry", 40, "Sam Okafor"),
    ]
    pages = tmp_path / "log_entries.json"
    pages.write_text(
        json.dumps(
            {
                "log_entries": [
                    {
                        "id": f"R{n}",
                        "type": kind,
                        "created_at": iso(m),
                        "agent": {"type": "user_reference", "summary": who},
                        "incident": incident_ref,
                        "service": {"type": "service_reference", "summary": "checkout-api"},
                    }
                    for n, (kind, m, who) in enumerate(entries)
                ],
                "limit": 25,
                "offset": 0,
                "more": False,
            }
        )
    )
    chat = tmp_path / "2026-11-03.json"
    chat.write_text(
        json.dumps(
            [
                {"type": "message", "user": "U1", "text": "looking at checkout", "ts": ts(10)},
                {
                    "type": "message",
                    "user": "U2",
                    "text": "v42 looks bad, rolling back",
                    "ts": ts(22),
                },
            ]
        )
    )
    users = tmp_path / "users.json"
    users.write_text(
        json.dumps(
            [
                {"id": "U1", "name": "sam", "real_name": "Sam Okafor"},
                {"id": "U2", "name": "dana", "real_name": "Dana Reyes"},
            ]
        )
    )
    return [
        SourceSpec("deploys", deploys),
        SourceSpec("jsonl", log),
        SourceSpec("alertmanager", hooks),
        SourceSpec("pagerduty", pages),
        SourceSpec("slack", chat, {"users": str(users)}),
    ]


def ts(minutes: float) -> str:
    return f"{at(minutes).timestamp():.6f}"


def test_the_sources_merge_into_one_timeline(incident):
    timeline = build_timeline(incident, SourceRegistry.discover(), BuildOptions())
    times = [e.time for e in timeline.events]
    assert times == sorted(times)
    assert {e.source for e in timeline.events} == {
        "deploys",
        "jsonl",
        "alertmanager",
        "pagerduty",
        "slack",
    }
    folded = next(e for e in timeline.events if e.text.startswith("payment gateway timeout"))
    assert (folded.count, folded.until) == (3, at(2))
    firing = [e for e in timeline.events if e.kind is Kind.ALERT_FIRING]
    assert len(firing) == 1  # the alert sent twice is one event
    # The firing alert is in all three payloads (the last one resolves it).
    assert timeline.left_out == {"collapsed": 2, "duplicate": 2}
    slack = [e for e in timeline.events if e.source == "slack"]
    assert [e.actor for e in slack] == ["Sam Okafor", "Dana Reyes"]


def test_key_times_come_from_the_right_sources(incident):
    timeline = build_timeline(incident, SourceRegistry.discover(), BuildOptions())
    report = infer_key_times(timeline.events)
    found = {
        name: (kt.time, kt.event.source if kt.event else None) for name, kt in report.times.items()
    }
    assert found == {
        "started": (at(1), "jsonl"),
        "detected": (at(4), "alertmanager"),
        "acknowledged": (at(9), "pagerduty"),
        "mitigated": (at(22), "slack"),
        "resolved": (at(40), "pagerduty"),
    }
    metrics = report.metrics()
    assert metrics.time_to_detect == timedelta(minutes=3)
    assert metrics.time_to_acknowledge == timedelta(minutes=8)
    assert metrics.time_to_mitigate == timedelta(minutes=21)
    assert metrics.time_to_resolve == timedelta(minutes=39)


def test_the_author_overrides_a_key_time_and_the_figures_follow(incident):
    timeline = build_timeline(incident, SourceRegistry.discover(), BuildOptions())
    report = infer_key_times(timeline.events, KeyTimes(mitigated=at(24)))
    assert report.times["mitigated"].how == "stated in the postmortem"
    assert report.metrics().time_to_mitigate == timedelta(minutes=23)
    assert report.metrics().time_to_detect == timedelta(minutes=3)


def test_key_moments_keep_only_the_chat_people_singled_out(tmp_path):
    chat = tmp_path / "2026-11-03.json"
    chat.write_text(
        json.dumps(
            [
                {"type": "message", "user": "U1", "text": "anyone seeing 5xx?", "ts": ts(3)},
                {
                    "type": "message",
                    "user": "U1",
                    "text": "rolled back to v41",
                    "ts": ts(24),
                    "pinned_to": ["C1"],
                },
                {
                    "type": "message",
                    "user": "U2",
                    "text": "errors back to normal",
                    "ts": ts(26),
                    "reactions": [{"name": "tada", "users": ["U1"], "count": 1}],
                },
            ]
        )
    )
    registry = SourceRegistry.discover()
    options = BuildOptions(key_moments=True)
    pinned = build_timeline([SourceSpec("slack", chat)], registry, options)
    assert [e.text for e in pinned.events] == ["rolled back to v41"]
    assert pinned.left_out == {"chat": 2}
    assert pinned.notes() == ["2 chat messages that are not key moments"]
    reacted = build_timeline(
        [SourceSpec("slack", chat, {"moments": "pinned|reacted"})], registry, options
    )
    assert [e.text for e in reacted.events] == ["rolled back to v41", "errors back to normal"]
