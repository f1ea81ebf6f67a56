"""Merge logs into one stream of their own lines, in time order (``sort -m`` that knows time).

Each log's layout (where its lines write their time, in UTC) is learnt from
a sample, so lines are ordered on their raw timestamp bytes without being
parsed. Logs are read in large blocks; each round takes, from every log,
the lines up to the earliest "last time" any log has buffered, and sorts
them together (Timsort merges the runs, already in order).

When every log writes its time at the same place in each line (the usual
case for one logger: ``{"time":"...``, ``time=...``, or the time first),
lines are sorted as they are, keyed on that slice. A line that does not
start like the others (a stack trace, a wrapped message) travels with the
line before it. Otherwise each line is paired with its time, found by the
layout's anchor, which is slower.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BufferedReader
from operator import itemgetter
from pathlib import Path
from typing import Any

from afteraction.errors import UsageError
from afteraction.inputs import open_input
from afteraction.timeline.scan import STAMP, Layout, bounds, first_offset
from afteraction.timeline.window import Window

_LINE = itemgetter(1)
# Small blocks keep each round's lines in the processor's caches while they are sorted:
# measured on three 300 MB logs, 512 KB blocks merge twice as fast as 16 MB ones.
MERGE_BLOCK = 1 << 19
_LAST = b"\xff"


@dataclass
class _Run:
    """One log being merged: its unread stream and its buffered lines (or time-line pairs)."""

    stream: BufferedReader
    layout: Layout
    lead: bytes | None  # set: the fixed bytes before the time in every line
    key: Callable[[Any], bytes]
    items: list[Any] = field(default_factory=list)
    carry: bytes = b""
    done: bool = False
    head: list[bytes] = field(default_factory=list)  # untimed lines before the first time

    def fill(self) -> None:
        """Read the next block of whole lines (each ending with its line end) into the buffer."""
        block = self.stream.read(MERGE_BLOCK)
        if not block:
            self.done = True
            lines = [self.carry + b"\n"] if self.carry else []
            self.carry = b""
        else:
            lines = block.splitlines(keepends=True)
            lines[0] = self.carry + lines[0]
            self.carry = b"" if lines[-1].endswith((b"\n", b"\r")) else lines.pop()
        if not lines:
            return
        if self.lead is not None:
            self._add_fixed(block, lines, self.lead)
        else:
            self._add_paired(lines)

    def _add_fixed(self, block: bytes, lines: list[bytes], lead: bytes) -> None:
        start = lead + b"20"
        # The lines after a line end that start with the lead (not the carry), and the first.
        starting = block.count(b"\n" + start) - self.carry.startswith(start) if block else 0
        if block and starting + lines[0].startswith(start) == len(lines):
            self.items += lines
            return
        for line in lines:
            if line.startswith(start):
                self.items.append(line)
            elif self.items:
                self.items[-1] += line
            else:
                self.head.append(line)

    def _add_paired(self, lines: list[bytes]) -> None:
        for line in lines:
            raw = self.layout.raw_time(line)
            if raw is not None and len(raw) == STAMP and raw[:2].isdigit():
                self.items.append((raw, line))
            elif self.items:
                time, above = self.items[-1]
                self.items[-1] = (time, above + line)
            else:
                self.head.append(line)

    @property
    def last(self) -> bytes:
        """Return the time of the last buffered line (the run is complete up to it)."""
        return self.key(self.items[-1]) if self.items else b""

    def take(self, horizon: bytes | None, order: _Order) -> list[Any]:
        """Remove and return the buffered lines up to ``horizon`` (all when None)."""
        cut = len(self.items) if horizon is None else order.after(self.items, horizon)
        taken = self.items[:cut]
        del self.items[:cut]
        return taken


@dataclass(frozen=True)
class _Order:
    """How buffered items sort by time: whole lines when every line starts alike, else a key.

    Lines that all start with the same lead then the time sort as plain
    bytes, the fastest sort there is; otherwise on the time slice or pair.
    """

    key: Callable[[Any], bytes] | None
    lead: bytes = b""

    def sort(self, items: list[Any]) -> None:
        items.sort(key=self.key)

    def before(self, items: list[Any], time: bytes) -> int:
        """Return how many items are earlier than ``time``."""
        if self.key is None:
            return bisect_left(items, self.lead + time)
        return bisect_left(items, time, key=self.key)

    def after(self, items: list[Any], time: bytes) -> int:
        """Return how many items are not later than ``time``."""
        if self.key is None:
            return bisect_right(items, self.lead + time + _LAST)
        return bisect_right(items, time, key=self.key)


def merge_lines(
    logs: list[tuple[Path, Layout, bytes | None]], window: Window | None = None
) -> Iterator[list[bytes]]:
    """Yield the lines of every time-sorted log, merged in time order, a chunk at a time.

    Each log is ``(path, layout, lead)``, where ``lead`` is the bytes every
    line starts with before its time when that is fixed (None otherwise).
    With a ``window``, lines whose time falls outside it are left out. Each
    batch is whole lines as written, line ends included (``writelines`` them).
    """
    if len({layout.separator for _, layout, _ in logs}) > 1:
        raise UsageError("these logs separate date and time differently: merge them apart")
    leads = {len(lead) if lead is not None else None for _, _, lead in logs}
    fixed = len(leads) == 1 and None not in leads
    at = len(logs[0][2] or b"")
    key: Callable[[Any], bytes] = itemgetter(slice(at, at + STAMP)) if fixed else itemgetter(0)
    alike = fixed and len({lead for _, _, lead in logs}) == 1
    order = _Order(None, logs[0][2] or b"") if alike else _Order(key)
    low, high = bounds(logs[0][1], window) if window else (None, None)
    runs: list[_Run] = []
    try:
        for path, layout, lead in logs:
            stream = open_input(path)
            runs.append(_Run(stream, layout, lead if fixed else None, key))
            if low is not None:  # start at the window: bisection on byte offsets
                stream.seek(first_offset(stream, path.stat().st_size, layout, low))
        while True:
            for run in runs:
                if not run.items and not run.done:
                    run.fill()
            head = [line for run in runs for line in run.head]
            if head and low is None:
                yield head
            for run in runs:
                run.head.clear()
            open_runs = [r for r in runs if not r.done]
            horizon = min(r.last for r in open_runs) if open_runs else None
            if high is not None and horizon is not None and horizon > high:
                for run in open_runs:  # every log is past the window: read no further
                    run.done = True
            batch: list[Any] = []
            for run in runs:
                batch += run.take(horizon, order)
            if not batch:
                if not open_runs:
                    return
                continue
            order.sort(batch)
            if low is not None and high is not None:
                batch = batch[order.before(batch, low) : order.after(batch, high)]
            if batch:
                yield batch if fixed else list(map(_LINE, batch))
    finally:
        for run in runs:
            run.stream.close()
