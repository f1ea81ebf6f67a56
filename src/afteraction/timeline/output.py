"""A built timeline and its key times as JSON, or as a postmortem's timeline section."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from afteraction.document.context import Context
from afteraction.document.kinds import KINDS
from afteraction.model import Incident, TimelineEvent, out_of_order
from afteraction.profiles import Profile
from afteraction.timeline.build import Timeline
from afteraction.timeline.event import Event, iso
from afteraction.timeline.keytimes import KeyTimesReport


def event_text(event: Event, zone: tzinfo) -> str:
    """Return an event's text as a postmortem shows it: repeats and other sources noted."""
    text = " ".join(event.text.split())
    if event.count > 1 and event.until is not None:
        text += f" ({event.count} times until {event.until.astimezone(zone):%H:%M:%S})"
    if event.also:
        text += f" (also via {', '.join(event.also)})"
    return text


def as_record_event(event: Event, zone: tzinfo) -> TimelineEvent:
    """Return a timeline event of the record: time, text, actor, source and component."""
    return TimelineEvent(
        time=event.time,
        text=event_text(event, zone),
        actor=event.actor,
        source=event.source,
        component=event.component,
    )


def timeline_data(timeline: Timeline, zone: tzinfo, zone_name: str) -> dict[str, Any]:
    """Return the timeline as JSON-ready data with stable names."""
    return {
        "zone": zone_name,
        "events": [
            {**e.to_dict(), "local_time": e.time.astimezone(zone).isoformat()}
            for e in timeline.events
        ],
        "sources": [
            {
                "kind": r.spec.kind,
                "input": r.spec.label,
                "read": r.read,
                "kept": r.kept,
                "malformed": r.problems.count,
                "first_problems": [str(p) for p in r.problems.first],
                "notes": r.problems.notes,
            }
            for r in timeline.sources
        ],
        "left_out": dict(timeline.left_out),
        "notes": timeline.notes(),
    }


def timeline_markdown(events: list[Event], profile: Profile) -> str:
    """Return the events as the profile writes its timeline section (table or bullets)."""
    spec = next((s for s in profile.sections if s.kind == "timeline"), None)
    if spec is None:
        raise ValueError(f"profile {profile.name} has no timeline section")
    ctx = Context.for_profile(profile)
    record = Incident(profile=profile.name, timeline=[as_record_event(e, ctx.zone) for e in events])
    days = {ctx.local(e.time).date() for e in events}
    ctx.ref_date = days.pop() if len(days) == 1 else None
    return KINDS["timeline"].render(spec, record, ctx) + "\n"


def key_times_data(report: KeyTimesReport, zone: tzinfo) -> dict[str, Any]:
    """Return the key times, their sources and the figures as JSON-ready data."""

    def when(value: datetime | None) -> str | None:
        return iso(value) if value else None

    metrics = report.metrics()
    return {
        "warnings": [str(w) for w in out_of_order(report.key_times())],
        "key_times": {
            name: {
                "time": when(kt.time),
                "local_time": kt.time.astimezone(zone).isoformat() if kt.time else None,
                "how": kt.how,
                "overridden": kt.overridden,
                "event": kt.event.to_dict() if kt.event else None,
            }
            for name, kt in report.times.items()
        },
        "metrics": {
            "time_to_detect": _seconds(metrics.time_to_detect),
            "time_to_acknowledge": _seconds(metrics.time_to_acknowledge),
            "time_to_mitigate": _seconds(metrics.time_to_mitigate),
            "time_to_resolve": _seconds(metrics.time_to_resolve),
            "duration": _seconds(metrics.duration),
        },
    }


def _seconds(value: Any) -> float | None:
    return value.total_seconds() if value is not None else None
