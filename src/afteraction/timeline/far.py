"""Events far from the incident: a log's other years, a host whose clock was wrong.

The rule: an event more than ``days`` days (default :data:`FAR_DAYS`) before
or after the incident's span is left out of the timeline, and the first few
are named. The span is the postmortem's key times (started to closed), else
its written timeline (first entry to last), else the bulk of the events
themselves: the middle half of their times (first to third quartile), so a
month-long log keeps its whole month while an event years away is caught.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from afteraction.model import KeyTimes
from afteraction.timeline.event import Event

FAR_DAYS = 7
# Far events named in the report; the rest are counted.
SHOWN = 3


@dataclass(frozen=True)
class Span:
    """The incident's stretch of time, and what it was taken from ("key times", ...)."""

    start: datetime
    end: datetime
    basis: str


def incident_span(times: KeyTimes, written: Iterable[datetime | None]) -> Span | None:
    """Return the span of a postmortem's key times, else of its timeline's entries."""
    stated = [t for t in (times.started, times.detected, times.acknowledged) if t]
    stated += [t for t in (times.mitigated, times.resolved, times.closed) if t]
    if stated:
        return Span(min(stated), max(stated), "key times")
    entries = [t for t in written if t is not None]
    if entries:
        return Span(min(entries), max(entries), "timeline")
    return None


def bulk_span(events: list[Event]) -> Span | None:
    """Return the middle half of the events' times (first to third quartile, nearest rank).

    With two events neither is the bulk: their span is both.
    """
    if not events:
        return None
    times = sorted(e.time for e in events)
    last = len(times) - 1
    return Span(times[int(last * 0.25 + 0.5)], times[int(last * 0.75 + 0.5)], "events")


def split_far(
    events: list[Event], span: Span | None, days: int
) -> tuple[list[Event], list[Event], Span | None]:
    """Return the events near the incident, those far from it, and the span they were measured by.

    ``span`` None measures from the bulk of the events; ``days`` 0 keeps every event.
    """
    span = span or bulk_span(events)
    if days <= 0 or span is None:
        return events, [], span
    margin = timedelta(days=days)
    first, last = span.start - margin, span.end + margin
    kept = [e for e in events if first <= e.time <= last]
    if len(kept) == len(events):
        return events, [], span
    return kept, [e for e in events if not first <= e.time <= last], span
