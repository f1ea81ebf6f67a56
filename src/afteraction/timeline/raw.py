"""The raw view: the lines of several logs as written, merged in time order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from afteraction.errors import UsageError
from afteraction.timeline.build import learn, resolved
from afteraction.timeline.merge import merge_lines
from afteraction.timeline.problems import Problems
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.scan import looks_sorted, scanned_window, seekable
from afteraction.timeline.spec import SourceSpec
from afteraction.timeline.window import Window


def raw_lines(
    specs: Iterable[SourceSpec], registry: SourceRegistry, window: Window | None = None
) -> Iterator[list[bytes]]:
    """Yield the lines of time-sorted logs, merged by time, in batches (line ends included).

    Each source must be a log file (not stdin or gzip) whose lines write
    their time in one layout, in time order; anything else is refused with
    the reason, since its lines could not be placed without reading them all.
    One log not in time order is accepted with a window: its lines in the
    window come in file order.
    """
    specs = list(specs)
    logs = []
    for named in specs:
        spec = resolved(named, registry)
        source = registry.get(spec.kind)(spec, Problems(spec.label))
        path = spec.path
        if not source.streaming:
            raise UsageError(
                f"a raw merge merges logs; a {spec.kind} source is not one",
                file=spec.label,
                field="raw",
            )
        if path is None or not seekable(path):
            raise UsageError(
                "a raw merge needs a plain file (not stdin or gzip)", file=spec.label, field="raw"
            )
        learnt = learn(source, path)
        if learnt is None:
            raise UsageError(
                "a raw merge needs every line to write its time in one layout, in UTC; read"
                " it parsed instead",
                file=spec.label,
                field="raw",
            )
        layout, lead = learnt
        if not looks_sorted(path, layout):
            if len(specs) == 1 and window is not None:
                return _batches(scanned_window(path, layout, window))
            raise UsageError(
                "a raw merge merges logs in time order, and this one is not (one such log"
                " can be read alone with a window)",
                file=path,
                field="raw",
            )
        logs.append((path, layout, lead))
    if not logs:
        raise UsageError("give at least one source (KIND:PATH)", field="sources")
    return merge_lines(logs, window)


def _batches(lines: Iterable[tuple[int, bytes]], size: int = 4096) -> Iterator[list[bytes]]:
    """Group numbered lines into batches of lines with their line ends."""
    batch: list[bytes] = []
    for _, line in lines:
        batch.append(line + b"\n")
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
