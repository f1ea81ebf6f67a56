"""Merge events from many sources into one timeline: filter, collapse, de-duplicate, cap.

Memory stays bounded however large the logs: events are filtered as they
are read, repeated log lines collapse into one event as they stream past,
and log events beyond the limit are dropped lowest level first (a heap of
``limit`` entries), while alerts, pages, messages and deploys are all kept.
With no limit, a build holds at most ``max_held`` log events, then stops
with an error asking for a window or a limit.
"""

from __future__ import annotations

import heapq
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from afteraction.errors import AfteractionError, InvalidValueError, UsageError
from afteraction.timeline.detect import detect
from afteraction.timeline.event import Event, Kind, Level
from afteraction.timeline.far import SHOWN, Span, split_far
from afteraction.timeline.limits import DEFAULT_LIMIT, FAR_DAYS
from afteraction.timeline.problems import Problems
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.scan import (
    Layout,
    fixed_lead,
    learn_layout,
    looks_sorted,
    sample_lines,
    scanned_window,
    seekable,
    sorted_window,
)
from afteraction.timeline.source import Source
from afteraction.timeline.spec import AUTO, SourceSpec
from afteraction.timeline.window import Window

# What varies between repeats of one log line: numbers, hex ids, UUIDs, quoted values.
_VARYING = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b0x[0-9a-f]+\b|\d+",
    re.IGNORECASE,
)
MAX_HELD = 1_000_000
"""With no limit, the most log events a build holds (about a gigabyte of memory)."""
# Logs smaller than this are read whole: narrowing them saves nothing worth the sample.
NARROW_FROM = 8 << 20


@dataclass(frozen=True)
class BuildOptions:
    """How to build the timeline: which events to keep and how to fold repeats.

    ``collapse`` is the longest gap between repeats of a log line that still
    folds them into one event (None: never collapse); ``dedupe`` the longest
    gap between two sightings of one alert (same key and kind) that counts
    as the same event. ``limit`` caps the log events (None: no cap, but
    more than ``max_held`` of them is an error asking for a window or a limit).
    ``key_moments`` keeps, of the chat, only the messages people singled
    out (pinned or reacted to, as the source's ``moments=`` says).
    ``far_days`` leaves out events more days than that from ``incident``
    (None: from the bulk of the events; 0: keep them all), see ``far``.
    """

    window: Window = field(default_factory=Window)
    min_level: Level | None = None
    keywords: tuple[str, ...] = ()
    limit: int | None = DEFAULT_LIMIT
    key_moments: bool = False
    collapse: timedelta | None = timedelta(minutes=1)
    dedupe: timedelta = timedelta(minutes=2)
    strict: bool = False
    far_days: int = FAR_DAYS
    incident: Span | None = None
    max_held: int = MAX_HELD


@dataclass
class SourceReport:
    """What one source gave: how many events it read and kept, and its bad input."""

    spec: SourceSpec
    problems: Problems
    read: int = 0
    kept: int = 0


@dataclass
class Timeline:
    """The merged events, in time order, with an account of everything left out."""

    events: list[Event]
    sources: list[SourceReport]
    left_out: Counter[str] = field(default_factory=Counter)
    limit: int | None = None
    # The first events left out as far from the incident, the span measured from, the days.
    far: list[Event] = field(default_factory=list)
    span: Span | None = None
    far_days: int = FAR_DAYS

    def notes(self) -> list[str]:
        """Return one line per reason events were left out or folded, for the reader."""
        said = {
            "window": "{n} outside the window",
            "level": "{n} below the minimum level",
            "keyword": "{n} without the keywords",
            "chat": "{n} chat messages that are not key moments",
            "collapsed": "{n} repeated log lines folded into the line they repeat",
            "duplicate": "{n} seen again through another source or payload",
            "limit": "{n} log events over the limit of {limit} (lowest levels first; raise"
            " --limit or narrow the window)",
        }
        notes = [
            text.format(n=f"{self.left_out[reason]:,}", limit=self.limit)
            for reason, text in said.items()
            if self.left_out[reason]
        ]
        if self.left_out["far"] and self.span is not None:
            notes.append(self._far_note())
        return notes

    def _far_note(self) -> str:
        assert self.span is not None
        count = self.left_out["far"]
        span = f"{iso_minute(self.span.start)} to {iso_minute(self.span.end)} UTC"
        named = ", ".join(f"{e.origin or e.source} at {iso_minute(e.time)}" for e in self.far)
        more = f" and {count - len(self.far):,} more" if count > len(self.far) else ""
        return (
            f"{count:,} more than {self.far_days} days from the incident ({span}, from its"
            f" {self.span.basis}): {named}{more} (--far-days 0 keeps them)"
        )


def iso_minute(moment: datetime) -> str:
    """Return a UTC time to the minute, as notes show it."""
    return f"{moment:%Y-%m-%d %H:%M}"


def build_timeline(
    specs: Iterable[SourceSpec],
    registry: SourceRegistry,
    options: BuildOptions,
    *,
    advance: Callable[[Progress], None] | None = None,
) -> Timeline:
    """Read every source and merge what passes the filters into one timeline.

    ``advance`` is called now and then with how far reading has come, for a
    progress display. Nothing process-wide is touched (the cycle collector
    keeps running): what is kept is one object per event, see :class:`_Kept`.
    """
    reports: list[SourceReport] = []
    left_out: Counter[str] = Counter()
    kept = _Kept(options.limit, left_out, options.max_held)
    for event in read_events(specs, registry, options, reports, left_out, advance):
        kept.add(event)
    events = deduplicated(kept.ordered(), options.dedupe, left_out)
    events, far, span = split_far(events, options.incident, options.far_days)
    if far:
        left_out["far"] = len(far)
    return Timeline(events, reports, left_out, options.limit, far[:SHOWN], span, options.far_days)


def read_events(
    specs: Iterable[SourceSpec],
    registry: SourceRegistry,
    options: BuildOptions,
    reports: list[SourceReport],
    left_out: Counter[str],
    advance: Callable[[Progress], None] | None = None,
) -> Iterator[Event]:
    """Yield each event of the sources that passes the filters and repeats no other, as read.

    Sources are read one after the other; each one's report is added to
    ``reports`` as it starts, and what is left out is counted in ``left_out``.
    """
    specs = list(specs)
    sizes = [_size(spec) for spec in specs]
    progress = Progress(total=sum(sizes))
    for order, named in enumerate(specs):
        spec = resolved(named, registry)
        source_class = registry.get(spec.kind)
        problems = Problems(spec.label, strict=options.strict)
        report = SourceReport(spec, problems)
        reports.append(report)
        source = source_class(spec, problems)
        if source.streaming and (options.window.start or options.window.end):
            source.supply = narrowed(source, options.window)
        folded = _Folder(options.collapse, left_out)
        done = progress.done
        for event in _told(source):
            report.read += 1
            if advance is not None and report.read % 10_000 == 0:
                progress.events += 10_000
                progress.done = done + source.consumed
                advance(progress)
            reason = _rejected(event, options)
            if reason:
                left_out[reason] += 1
                continue
            if folded.absorbs(event):
                continue
            report.kept += 1
            yield event
        progress.done = done + sizes[order]


def resolved(spec: SourceSpec, registry: SourceRegistry) -> SourceSpec:
    """Return the spec with ``auto`` replaced by the kind the input looks like."""
    if spec.kind != AUTO:
        return spec
    kind = detect(spec.input)
    if kind is None or kind not in registry.sources:
        raise UsageError(
            f"cannot tell what kind of input this is; name it: --from KIND:{spec.label}"
            f" (kinds: {', '.join(registry.names())})",
            file=spec.label,
        )
    return replace(spec, kind=kind)


def _told(source: Source) -> Iterator[Event]:
    """Yield a source's events; when the input is of another kind, say which it looks like."""
    try:
        yield from source.events()
    except UsageError as exc:
        guess = detect(source.spec.input) if exc.message.startswith("not ") else None
        if guess is not None and guess != source.spec.kind:
            exc.message += f"; it looks like {guess} input: --from {guess}:{source.spec.label}"
            exc.args = (exc.message,)
        raise


@dataclass
class Progress:
    """How far reading has come: events read, and bytes of the input files read of ``total``.

    ``total`` counts plain files only (stdin and gzip input have no size to go by).
    """

    total: int
    done: int = 0
    events: int = 0


def _size(spec: SourceSpec) -> int:
    path = spec.path
    return path.stat().st_size if path is not None and seekable(path) else 0


def narrowed(source: Source, window: Window) -> Iterable[tuple[int, bytes]] | None:
    """Return only the lines of a large log that can hold the window, or None to read all.

    The source itself reads a sample of lines to show how the log writes its
    times; a log with no single layout, stdin or a gzip file is read whole.
    """
    path = source.spec.path
    if path is None or not seekable(path) or path.stat().st_size < NARROW_FROM:
        return None
    learnt = learn(source, path)
    if learnt is None:
        return None
    layout, _ = learnt
    source.problems.by_offset = True
    if looks_sorted(path, layout):
        return sorted_window(path, layout, window)
    return scanned_window(path, layout, window)


def learn(source: Source, path: Path) -> tuple[Layout, bytes | None] | None:
    """Return how a log writes its times, from lines the source itself reads, or None.

    The second value is the bytes every sampled line starts with before its
    time when that is fixed (the merge sorts such lines as they are).
    """
    sample = []
    for number, line in sample_lines(path):
        probe = type(source)(source.spec, Problems(source.spec.label))
        probe.supply = [(number or 1, line)]
        try:
            first = next(iter(probe.events()), None)
        except AfteractionError:
            first = None
        if first is None:
            return None
        sample.append((line, first.time))
    layout = learn_layout(sample)
    if layout is None:
        return None
    return layout, fixed_lead(layout, [line for line, _ in sample])


def _rejected(event: Event, options: BuildOptions) -> str | None:
    """Return why the filters drop an event, or None when it stays."""
    if event.time not in options.window:
        return "window"
    if options.key_moments and event.kind is Kind.MESSAGE and not event.key_moment:
        return "chat"
    level = options.min_level
    if level is not None and event.level is not None and event.level < level:
        return "level"
    if options.keywords:
        text = event.text.lower()
        if not any(word.lower() in text for word in options.keywords):
            return "keyword"
    return None


def template(text: str) -> str:
    """Return a log line with what varies between repeats masked (``#``)."""
    return _VARYING.sub("#", text)


class _Folder:
    """Folds repeats of a log line (same source, level and template) into the first one."""

    def __init__(self, gap: timedelta | None, left_out: Counter[str]) -> None:
        self.gap = gap
        self.left_out = left_out
        self.last: dict[tuple[str | None, Level | None, str], Event] = {}
        self.seen = 0

    def absorbs(self, event: Event) -> bool:
        if self.gap is None or event.kind is not Kind.LOG:
            return False
        key = (event.component, event.level, template(event.text))
        first = self.last.get(key)
        if first is not None and abs(event.time - (first.until or first.time)) <= self.gap:
            first.count += 1
            first.until = max(event.time, first.until or first.time)
            self.left_out["collapsed"] += 1
            return True
        self.last[key] = event
        self.seen += 1
        if self.seen % 50_000 == 0:  # forget lines not repeated lately: bounded memory
            self._forget(event.time)
        return False

    def _forget(self, now: datetime) -> None:
        assert self.gap is not None
        self.last = {k: e for k, e in self.last.items() if now - (e.until or e.time) <= self.gap}


class _Kept:
    """Every non-log event, and the ``limit`` most important log events (bounded heap).

    Events come source by source, so the order they come in is the order of
    their sources and, within one, of their reading: events at the same time
    keep it. Each kept event is the one object the cycle collector sees for
    it (no tuple around it; its ``also`` is a tuple): a build keeping
    millions of events leaves the collector a third of the objects to walk.
    """

    def __init__(self, limit: int | None, left_out: Counter[str], max_held: int = MAX_HELD) -> None:
        self.limit = limit
        self.left_out = left_out
        self.max_held = max_held
        self.held_logs = 0
        self.others: list[Event] = []
        # When each of ``others`` came, counted with the log events (ties with them).
        self.came = array("q")
        # Min-heap: the first entry is the least important log event kept so far
        # (lowest level, then latest), the one to drop when a better one comes.
        self.logs: list[tuple[int, float, int, Event]] = []
        self.seq = 0

    def add(self, event: Event) -> None:
        self.seq += 1
        if event.kind is not Kind.LOG or self.limit is None:
            if event.kind is Kind.LOG:
                self.held_logs += 1
                if self.held_logs > self.max_held:
                    raise _too_many(self.max_held)
            self.others.append(event)
            self.came.append(self.seq)
            return
        level = int(event.level) if event.level is not None else int(Level.INFO)
        entry = (level, -event.time.timestamp(), self.seq, event)
        if len(self.logs) < self.limit:
            heapq.heappush(self.logs, entry)
        elif entry[:2] > self.logs[0][:2]:
            heapq.heapreplace(self.logs, entry)
            self.left_out["limit"] += 1
        else:
            self.left_out["limit"] += 1

    def ordered(self) -> list[Event]:
        """Return the kept events by time, and in the order they came at the same time."""
        others = self.others
        if not self.logs:
            return sorted(others, key=_time)  # stable: no key tuple per event
        came = self.came
        places = sorted(range(len(others)), key=lambda n: others[n].time)
        logs = sorted((event.time, seq, event) for _, _, seq, event in self.logs)
        timed = ((others[n].time, came[n], others[n]) for n in places)
        return [event for _, _, event in heapq.merge(timed, logs)]


def _time(event: Event) -> datetime:
    return event.time


def _too_many(most: int) -> InvalidValueError:
    """Return the error for more log events than a build without a limit holds."""
    return InvalidValueError(
        f"none given, and the sources hold over {most:,} log events, more than a timeline"
        " holds without one: give a limit or a window (--limit N, --window or --around)",
        field="limit",
    )


def deduplicated(events: list[Event], gap: timedelta, left_out: Counter[str]) -> list[Event]:
    """Merge sightings of the same alert or page (same key and kind) close in time."""
    result: list[Event] = []
    recent: dict[tuple[Kind, str], Event] = {}
    for event in events:
        if event.key is None:
            result.append(event)
            continue
        identity = (event.kind, event.key)
        earlier = recent.get(identity)
        if earlier is not None and event.time - earlier.time <= gap:
            if event.source != earlier.source and event.source not in earlier.also:
                earlier.also = (*earlier.also, event.source)
            earlier.link = earlier.link or event.link
            left_out["duplicate"] += 1
            continue
        recent[identity] = event
        result.append(event)
    return result
