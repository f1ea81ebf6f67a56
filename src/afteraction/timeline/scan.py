"""Find a window's lines in a large log without reading every line as an event.

A log whose lines all write their time in one layout (the same bytes right
before it, UTC, ``YYYY-MM-DDTHH:MM:SS``) can be filtered on the raw bytes:
timestamps in that layout sort as text. A sample of lines, read by the
source itself, tells the layout. Then:

- a time-sorted file is searched by bisection on byte offsets, and only the
  window's lines are read;
- any other file is scanned in large blocks for the bytes every time in
  the window starts with (a ``bytes.find`` runs near memory speed), and only
  the lines found are compared and handed to the source.

Either way the source still parses each line it is given and the window is
applied again on the parsed time, so the raw comparison only has to be
generous, never exact. Lines the layout does not describe are never
dropped silently: a block in which some line lacks the layout's anchor is
handed over whole.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BufferedReader
from itertools import pairwise
from pathlib import Path

from afteraction.inputs import open_input
from afteraction.timeline.window import Window

STAMP = 19  # len("2026-11-03T14:02:11")
BLOCK = 16 << 20
# A sorted log may have lines a little out of order (threads, buffered writers):
# the bisection widens the window by this much and the parsed times decide.
SLACK = timedelta(minutes=1)
PROBES = 32
# Files scanned in parallel are cut into pieces of this size, one process per core.
PIECE = 64 << 20
MAX_WORKERS = 8
# Smaller files are scanned in this process: starting fresh worker processes
# costs more than sharing the scan saves (see scanned_window).
PARALLEL_FROM = 512 << 20
# Workers are spawned, each a fresh interpreter, never a copy of this process:
# a copy of a threaded program (a web server) would inherit its locks in
# whatever state its other threads left them.
START_METHOD = "spawn"
SAMPLE = 200


@dataclass(frozen=True)
class Layout:
    """How a log writes its times: the bytes right before them and the date-time separator."""

    anchor: bytes
    separator: str

    def stamp(self, moment: datetime) -> bytes:
        """Return a time as this log writes its first 19 bytes, in UTC."""
        return moment.astimezone(UTC).strftime(f"%Y-%m-%d{self.separator}%H:%M:%S").encode()

    def raw_time(self, line: bytes) -> bytes | None:
        """Return the first 19 bytes of a line's time, or None when the anchor is not there."""
        if not self.anchor:
            return line[:STAMP] if len(line) >= STAMP else None
        at = line.find(self.anchor)
        if at < 0:
            return None
        start = at + len(self.anchor)
        return line[start : start + STAMP]


def learn_layout(sample: list[tuple[bytes, datetime]]) -> Layout | None:
    """Return the layout every sampled line (with the time its source read) shares, or None."""
    found: set[Layout] = set()
    for line, moment in sample:
        layout = _layout_of(line, moment)
        if layout is None:
            return None
        found.add(layout)
    if len(found) != 1:
        return None
    layout = found.pop()
    if layout.anchor and any(line.count(layout.anchor) != 1 for line, _ in sample):
        return None
    return layout


def _layout_of(line: bytes, moment: datetime) -> Layout | None:
    for separator in ("T", " "):
        stamp = Layout(b"", separator).stamp(moment)
        at = line.find(stamp)
        if at == 0:
            return Layout(b"", separator)
        if at > 0:
            anchor = _anchor_before(line[max(0, at - 24) : at])
            return Layout(anchor, separator) if anchor else None
    return None


def _anchor_before(before: bytes) -> bytes:
    """Return the end of ``before`` that names the time field: ``"time":"``, ``ts=``, ``[``.

    It starts after the last comma, brace or space that is not part of the
    key-value separator (``": "`` keeps its space).
    """
    end = len(before)
    for index in range(end - 1, -1, -1):
        byte = before[index : index + 1]
        if byte in (b",", b"{") or (byte == b" " and before[index - 1 : index] not in (b":", b"=")):
            return before[index + 1 :]
    return before


def fixed_lead(layout: Layout, lines: list[bytes]) -> bytes | None:
    """Return the bytes before the time when every line starts with them, else None."""
    leads = set()
    for line in lines:
        at = line.find(layout.anchor) + len(layout.anchor) if layout.anchor else 0
        leads.add(line[:at])
    return leads.pop() if len(leads) == 1 else None


def bounds(layout: Layout, window: Window, slack: timedelta = timedelta(0)) -> tuple[bytes, bytes]:
    """Return the raw bounds a line's time must lie within (inclusive), widened by ``slack``.

    Raw times are whole seconds, so the end (exclusive) becomes the second
    before it: a window ending at 14:30:00 keeps 14:29:59.9 and not 14:30:00.
    """
    low = layout.stamp(window.start - slack) if window.start else b"0000"
    tick = timedelta(microseconds=1)
    high = layout.stamp(window.end + slack - tick) if window.end else b"9999"
    return low, high


def seekable(path: Path | None) -> bool:
    """Say whether an input is a plain file the scans can seek in (not stdin, not gzip)."""
    if path is None or not path.is_file():
        return False
    with open_input(path) as stream:
        return stream.read(2) != b"\x1f\x8b"


def _line_at(stream: BufferedReader, offset: int) -> tuple[int, bytes]:
    """Return the first whole line starting at or after ``offset``, and where it starts."""
    stream.seek(max(0, offset - 1))
    if offset > 0:
        stream.readline()  # the rest of the line ``offset`` falls in
    start = stream.tell()
    return start, stream.readline().rstrip(b"\r\n")


def looks_sorted(path: Path, layout: Layout) -> bool:
    """Say whether the times at evenly spread offsets never go back.

    A log only roughly in order is taken for unsorted and scanned whole,
    which is slower but never wrong.
    """
    size = path.stat().st_size
    with open_input(path) as stream:
        times = []
        for n in range(PROBES + 1):
            _, line = _line_at(stream, size * n // (PROBES + 1))
            raw = layout.raw_time(line) if line else None
            if raw is not None:
                times.append(raw)
    return len(times) >= 2 and all(a <= b for a, b in pairwise(times))


def first_offset(stream: BufferedReader, size: int, layout: Layout, low: bytes) -> int:
    """Return the offset of the first line whose time is not before ``low`` (bisection)."""
    lo, hi = 0, size
    while hi - lo > 4096:
        middle = (lo + hi) // 2
        _, line = _line_at(stream, middle)
        raw = layout.raw_time(line)
        if raw is not None and raw < low:
            lo = middle
        else:
            hi = middle
    start, _ = _line_at(stream, lo)
    return start


def sorted_window(path: Path, layout: Layout, window: Window) -> Iterator[tuple[int, bytes]]:
    """Yield the lines of a time-sorted log around the window, each with its byte offset.

    Found by bisection, so nothing before the window is read, not even to
    count lines: the lines are numbered by where they start in the file.
    """
    low, high = bounds(layout, window, SLACK)
    size = path.stat().st_size
    with open_input(path) as stream:
        offset = first_offset(stream, size, layout, low)
        stream.seek(offset)
        for line in stream:
            raw = layout.raw_time(line)
            if raw is not None and raw > high:
                break
            yield offset, line.rstrip(b"\r\n")
            offset += len(line)


def scanned_window(path: Path, layout: Layout, window: Window) -> Iterator[tuple[int, bytes]]:
    """Yield the lines of any log whose raw time falls in the window, with their byte offsets.

    The file is read in large blocks and searched for the bytes every time
    in the window starts with; only the lines found are compared and handed
    on. A block in which some line lacks the layout's anchor is handed on
    whole, so no line the layout does not describe is dropped unread.

    A file of :data:`PARALLEL_FROM` bytes or more is scanned in pieces by one
    process per core, handed on in order. The processes are spawned, so this
    is safe in a program with other threads running; as for any spawned
    process, the program's main module is imported again in each and must
    start its work under ``if __name__ == "__main__":``. (Threads would not
    share the work: ``bytes.find`` and ``bytes.count`` hold the GIL.)
    """
    low, high = bounds(layout, window)
    needle = layout.anchor + _common_start(low, high)
    size = path.stat().st_size
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if size < max(PARALLEL_FROM, PIECE) or workers < 2:
        yield from _scan_piece(path, 0, size, layout, needle, (low, high))
        return
    pieces = _pieces(path, size)
    context = multiprocessing.get_context(START_METHOD)
    with ProcessPoolExecutor(min(workers, len(pieces)), mp_context=context) as pool:
        pending: deque[Future[list[tuple[int, bytes]]]] = deque()
        for start, stop in pieces:
            pending.append(pool.submit(_scan_list, path, start, stop, layout, needle, (low, high)))
            if len(pending) >= 2 * workers:  # bounded: a few pieces' lines in memory at most
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _pieces(path: Path, size: int) -> list[tuple[int, int]]:
    """Split a file into pieces of about :data:`PIECE` bytes that start at line starts."""
    cuts = [0]
    with open_input(path) as stream:
        for nominal in range(PIECE, size, PIECE):
            stream.seek(nominal)
            stream.readline()
            cut = stream.tell()
            if cut < size and cut > cuts[-1]:
                cuts.append(cut)
    cuts.append(size)
    return list(pairwise(cuts))


def _scan_list(
    path: Path, start: int, stop: int, layout: Layout, needle: bytes, span: tuple[bytes, bytes]
) -> list[tuple[int, bytes]]:
    """Return the window's lines of one piece (what a worker process runs: its arguments pickle)."""
    return list(_scan_piece(path, start, stop, layout, needle, span))


def _scan_piece(
    path: Path, start: int, stop: int, layout: Layout, needle: bytes, span: tuple[bytes, bytes]
) -> Iterator[tuple[int, bytes]]:
    """Yield the window's lines between two line starts of a file, with their byte offsets."""
    with open_input(path) as stream:
        stream.seek(start)
        base = start
        carry = b""
        left = stop - start
        while left > 0:
            block = stream.read(min(BLOCK, left))
            if not block:
                break
            left -= len(block)
            block = carry + block
            end = block.rfind(b"\n") + 1
            if end == 0:
                carry = block
                continue
            carry = block[end:]
            yield from _block_lines(block, end, base, layout, needle, span)
            base += end
        if carry:
            tail = carry + b"\n"
            yield from _block_lines(tail, len(tail), base, layout, needle, span)


def _block_lines(
    block: bytes,
    end: int,
    base: int,
    layout: Layout,
    needle: bytes,
    span: tuple[bytes, bytes],
) -> Iterator[tuple[int, bytes]]:
    """Yield a block's lines whose raw time is in ``span``; all of them if some lack the anchor."""
    low, high = span
    if _anchors(block, end, layout, low) != block.count(b"\n", 0, end):
        start = 0
        while start < end:
            stop = block.find(b"\n", start, end)
            yield base + start, block[start:stop].rstrip(b"\r")
            start = stop + 1
        return

    def find(start: int) -> int:
        if layout.anchor:
            return block.find(needle, start, end)
        return _line_start_find(block, needle, end, start)

    position = find(0)
    while position >= 0:
        start = block.rfind(b"\n", 0, position) + 1
        stop = block.find(b"\n", position, end)
        line = block[start:stop]
        raw = layout.raw_time(line)
        if raw is not None and low <= raw <= high:
            yield base + start, line.rstrip(b"\r")
        position = find(stop + 1)


def _line_start_find(block: bytes, needle: bytes, end: int, start: int = 0) -> int:
    """Find ``needle`` at the start of a line (for logs whose lines begin with the time)."""
    if start == 0 and block.startswith(needle):
        return 0
    at = block.find(b"\n" + needle, max(0, start - 1), end)
    return at + 1 if at >= 0 else -1


def _anchors(block: bytes, end: int, layout: Layout, low: bytes) -> int:
    """Count the lines of a block that carry the layout's anchor (or start with a time)."""
    if layout.anchor:
        return block.count(layout.anchor, 0, end)
    century = low[:2]
    return block.count(b"\n" + century, 0, end - 1) + block.startswith(century)


def sample_lines(path: Path) -> list[tuple[int, bytes]]:
    """Return the first lines of a log and lines at evenly spread offsets, numbered from 1.

    Lines from the middle carry number 0 (their number is not known).
    """
    sample = []
    with open_input(path) as stream:
        for number, line in enumerate(stream, 1):
            if number > SAMPLE:
                break
            sample.append((number, line.rstrip(b"\r\n")))
        size = path.stat().st_size
        for n in range(1, PROBES + 1):
            _, line = _line_at(stream, size * n // (PROBES + 1))
            if line:
                sample.append((0, line))
    return sample


def _common_start(low: bytes, high: bytes) -> bytes:
    """Return the bytes two raw times start with alike."""
    size = 0
    while size < min(len(low), len(high)) and low[size] == high[size]:
        size += 1
    return low[:size]
