"""Events far from the incident: a log's other years, a host whose clock was wrong.

The rule: an event more than ``days`` days (default ``FAR_DAYS``, in
:mod:`afteraction.timeline.limits`) before or after the incident's span is
left out of the timeline, and the first few are named. The span is the
postmortem's key times (started to closed), else its written timeline
(first entry to last), else the bulk of the events themselves: the middle
half of their times (first to third quartile), so a month-long log keeps its
whole month while an event years away is caught.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from afteraction.model import KeyTimes
from afteraction.timeline.event import Event

# Far events named in the report; the rest are counted.
SHOWN = 3
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TICK = timedelta(microseconds=1)


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
    first, third = _quartiles(len(times))
    return Span(times[first], times[third], "events")


def _quartiles(count: int) -> tuple[int, int]:
    """Return the ranks (0-based, nearest rank) of the first and third quartiles of ``count``."""
    last = count - 1
    return int(last * 0.25 + 0.5), int(last * 0.75 + 0.5)


def microseconds(moment: datetime) -> int:
    """Return a UTC time as whole microseconds since 1970, as :class:`Times` holds them."""
    return (moment - EPOCH) // _TICK


class Times:
    """The times of many events, 8 bytes each, for :meth:`bulk_span` without the events."""

    def __init__(self) -> None:
        self.values = array("q")

    def add(self, moment: datetime) -> None:
        """Take one event's time."""
        self.values.append(microseconds(moment))

    def __len__(self) -> int:
        return len(self.values)

    def bulk_span(self) -> Span | None:
        """Return what :func:`bulk_span` returns for events at these times."""
        if not self.values:
            return None
        first, third = (_nth(self.values, rank) for rank in _quartiles(len(self.values)))
        return Span(EPOCH + first * _TICK, EPOCH + third * _TICK, "events")

    def count_outside(self, first: datetime, last: datetime) -> int:
        """Return how many times are before ``first`` or after ``last``."""
        low, high = microseconds(first), microseconds(last)
        return sum(1 for value in self.values if value < low or value > high)


def _nth(values: array[int], rank: int, small: int = 1 << 16) -> int:
    """Return the value of 0-based ``rank`` in sorted order, without sorting all of them.

    Each pass counts the values in about 4096 ranges and keeps only the
    range the rank falls in, so no more than one range is ever copied.
    """
    while len(values) > small:
        low, high = min(values), max(values)
        if low == high:
            return low
        shift = max(0, (high - low).bit_length() - 12)
        counts = Counter((value - low) >> shift for value in values)
        before = 0
        for bucket in sorted(counts):
            if before + counts[bucket] > rank:
                break
            before += counts[bucket]
        rank -= before
        values = array("q", (v for v in values if (v - low) >> shift == bucket))
    return sorted(values)[rank]


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
