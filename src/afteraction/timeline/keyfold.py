"""The events key times come from, gathered as the sources stream past, never all held.

Of the logs, a key time needs only the first error-level event; of the rest
(alerts, pages, chat, deploys: few, and read whole by their sources anyway)
all of it, since de-duplication and "every alert resolved" look at those
together. So each log event is folded in as it comes and let go:

- its time goes into a compact array (8 bytes, not the event), and only when
  the far rule must find the bulk of the events (no incident span given and
  ``far_days`` above 0);
- of error-level log events, the earliest :data:`HELD_ERRORS` are held while
  the span the far rule measures from is not known (the first near one when
  it is): enough to find the first error near the incident;
- the first and last few are held, to name far events in the note.

:func:`key_timeline` returns what :func:`~afteraction.timeline.build.build_timeline`
returns with no limit, cut to the events a key time can come from, so
:func:`~afteraction.timeline.keytimes.infer_key_times` reads the same key
times from it.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from afteraction.errors import InvalidValueError
from afteraction.timeline.build import (
    BuildOptions,
    Progress,
    SourceReport,
    Timeline,
    deduplicated,
    read_events,
)
from afteraction.timeline.event import Event, Kind, Level
from afteraction.timeline.far import SHOWN, Span, Times
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.spec import SourceSpec

HELD_ERRORS = 1000
"""The most error-level log events held while the span far events are measured from is unknown."""

# An event with its place in the merged timeline: its time, then when it was kept.
_Placed = tuple[datetime, int, Event]
_TICK = timedelta(microseconds=1)


def key_timeline(
    specs: Iterable[SourceSpec],
    registry: SourceRegistry,
    options: BuildOptions,
    *,
    advance: Callable[[Progress], None] | None = None,
) -> Timeline:
    """Read every source and return the timeline key times are inferred from.

    Its events are those :func:`~afteraction.timeline.build.build_timeline`
    keeps with no limit (``limit`` is not used) that a key time can come
    from: every alert, page, message and deploy, and the first error-level
    log event near the incident. Reports, what was left out and the far
    events are accounted for as there. Memory does not grow with the logs,
    but by 8 bytes a log event when far events are measured from the bulk of
    the events (no ``incident`` given and ``far_days`` above 0).
    """
    reports: list[SourceReport] = []
    left_out: Counter[str] = Counter()
    fold = KeyFold(options)
    for event in read_events(specs, registry, options, reports, left_out, advance):
        fold.add(event)
    events, far, span = fold.result(options.dedupe, left_out)
    if fold.far_count:
        left_out["far"] = fold.far_count
    return Timeline(events, reports, left_out, None, far[:SHOWN], span, options.far_days)


class KeyFold:
    """Takes events in the order they are kept and holds only what key times can need."""

    def __init__(self, options: BuildOptions) -> None:
        measured = options.far_days > 0
        self.days = options.far_days
        self.margin = timedelta(days=max(options.far_days, 0))
        self.incident = options.incident if measured else None
        # Measured from the bulk of the events: every time is needed, not every event.
        self.times = Times() if measured and options.incident is None else None
        self.others: list[_Placed] = []
        self.errors = _Held(HELD_ERRORS if self.times is not None else 1)
        self.error_count = 0
        self.first_logs = _Held(SHOWN)
        self.last_logs = _Held(SHOWN, latest=True)
        self.far_logs = 0
        self.far_count = 0
        self.seq = 0

    def add(self, event: Event) -> None:
        """Take the next event kept (past the filters and the folding of repeats)."""
        self.seq += 1
        placed = (event.time, self.seq, event)
        if event.kind is not Kind.LOG or event.key is not None:
            self.others.append(placed)
            return
        if self.times is not None:
            self.times.add(event.time)
            self.first_logs.add(placed)
            self.last_logs.add(placed)
        elif self.incident is not None and not self._near(event.time, self.incident):
            self.far_logs += 1
            self.first_logs.add(placed)  # the earliest far log events, to name them
            return
        if event.level is not None and event.level >= Level.ERROR:
            self.error_count += 1
            self.errors.add(placed)

    def result(
        self, gap: timedelta, left_out: Counter[str]
    ) -> tuple[list[Event], list[Event], Span | None]:
        """Return the events near the incident, the far ones held, and the span measured from.

        Alerts and pages seen twice are merged first (counted in ``left_out``);
        ``far_count`` becomes the number of far events.
        """
        came = {id(event): seq for _, seq, event in self.others}
        merged = deduplicated([e for _, _, e in sorted(self.others, key=_place)], gap, left_out)
        others = [(event.time, came[id(event)], event) for event in merged]
        span = self._span(merged)
        if span is None:
            return _events([*others, *self.errors.first()]), [], None
        near = [placed for placed in others if self._near(placed[0], span)]
        far = [placed for placed in others if not self._near(placed[0], span)]
        held = {placed[1]: placed for placed in (*self.first_logs.held, *self.last_logs.held)}
        far_logs = [placed for placed in held.values() if not self._near(placed[0], span)]
        if self.times is not None:
            self.far_count = self.times.count_outside(
                span.start - self.margin, span.end + self.margin
            )
        else:
            self.far_count = self.far_logs + len(far)
        error = self._first_near_error(span)
        return _events([*near, *error]), _events([*far, *far_logs]), span

    def _span(self, others: list[Event]) -> Span | None:
        """Return the span far events are measured from, or None when none can be far."""
        if self.times is None:
            return self.incident
        for event in others:
            self.times.add(event.time)
        values = self.times.values
        if not values or max(values) - min(values) <= self.margin // _TICK:
            return None  # every event lies within the days of every other: none is far
        return self.times.bulk_span()

    def _near(self, moment: datetime, span: Span) -> bool:
        return span.start - self.margin <= moment <= span.end + self.margin

    def _first_near_error(self, span: Span) -> list[_Placed]:
        """Return the first error-level log event near the incident (none or one), from those held.

        Those held are the earliest: if one is near, no earlier one was; if one
        is after the span, so are all the others. Only when every one held is
        before it and more were seen is the answer among those let go.
        """
        held = self.errors.sorted()
        for placed in held:
            if self._near(placed[0], span):
                return [placed]
        if self.error_count > len(held) and all(p[0] < span.start - self.margin for p in held):
            raise InvalidValueError(
                f"over {len(held):,} error-level log events lie more than {self.days} days before"
                " the bulk of the events; which is the first near the incident is not known"
                " without holding them all: give a window, the incident's key times, or"
                " far_days 0 (--window, --postmortem, --far-days 0)",
                field="far_days",
            )
        return []


def _place(placed: _Placed) -> tuple[datetime, int]:
    return placed[0], placed[1]


def _events(placed: list[_Placed]) -> list[Event]:
    """Return the events in the merged timeline's order: by time, then as they were kept."""
    return [event for _, _, event in sorted(placed, key=_place)]


class _Held:
    """The ``size`` earliest (or ``latest``) events taken, by time and then as they came."""

    def __init__(self, size: int, *, latest: bool = False) -> None:
        self.size = size
        self.latest = latest
        self.held: list[_Placed] = []  # in the merged timeline's order

    def add(self, placed: _Placed) -> None:
        """Take an event, letting go of one held if there are more than ``size``."""
        held = self.held
        if len(held) >= self.size:
            if self.latest:
                if placed[:2] < held[0][:2]:
                    return
                del held[0]
            else:
                if placed[:2] > held[-1][:2]:
                    return
                del held[-1]
        bisect.insort(held, placed, key=_place)

    def sorted(self) -> list[_Placed]:
        """Return the events held, in the merged timeline's order."""
        return list(self.held)

    def first(self) -> list[_Placed]:
        """Return the first event held, or nothing."""
        return self.held[:1]
