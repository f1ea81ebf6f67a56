"""Use cases on timelines: build one from sources, merge raw logs, add one to a postmortem."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from typing import BinaryIO

from afteraction.document.loaded import Document
from afteraction.document.readings import without_inferred
from afteraction.document.zones import resolve_zone
from afteraction.errors import InvalidValueError
from afteraction.model import KeyTimes
from afteraction.service.workspace import Workspace
from afteraction.timeline.apply import Applied, add_to_postmortem
from afteraction.timeline.build import BuildOptions, Progress, Timeline
from afteraction.timeline.build import build_timeline as build
from afteraction.timeline.event import Event, Level
from afteraction.timeline.far import incident_span
from afteraction.timeline.keyfold import key_timeline as fold_key_timeline
from afteraction.timeline.keytimes import KeyTimesReport, infer_key_times
from afteraction.timeline.limits import DEFAULT_LIMIT, FAR_DAYS
from afteraction.timeline.output import event_text, key_times_data, timeline_data, timeline_markdown
from afteraction.timeline.raw import raw_lines
from afteraction.timeline.source import COMMON_OPTIONS
from afteraction.timeline.spec import SourceSpec
from afteraction.timeline.window import Window

__all__ = [  # the timeline's types and outputs are here for front ends, which import only service
    "COMMON_OPTIONS",
    "DEFAULT_LIMIT",
    "FAR_DAYS",
    "BuildOptions",
    "Event",
    "KeyTimesReport",
    "Level",
    "Progress",
    "SourceSpec",
    "Timeline",
    "Window",
    "add_timeline",
    "build_timeline",
    "event_text",
    "incident_span",
    "incident_window",
    "key_times",
    "key_times_data",
    "raw_timeline",
    "resolve_zone",
    "source_specs",
    "stated_times",
    "timeline_data",
    "timeline_markdown",
]


def source_specs(given: Iterable[str | tuple[str, bytes | BinaryIO]]) -> list[SourceSpec]:
    """Read sources into specs: ``KIND[OPTIONS]:PATH`` texts, or inputs held by the caller.

    An input held by the caller is a pair of a name, ``[KIND[OPTIONS]:]NAME``
    (without a kind, the kind is told from the bytes), and its bytes or a
    binary stream: ``("alertmanager:hook.json", body)``. Nothing is written
    to disk; gzip and the size limits apply as to a file.
    """
    return [SourceSpec.parse(g) if isinstance(g, str) else SourceSpec.given(*g) for g in given]


def build_timeline(
    workspace: Workspace,
    specs: list[SourceSpec],
    options: BuildOptions,
    *,
    advance: Callable[[Progress], None] | None = None,
) -> Timeline:
    """Read every source and merge them into one timeline."""
    if not specs:
        raise InvalidValueError("give at least one source (KIND:PATH)", field="sources")
    return build(specs, workspace.sources, options, advance=advance)


def key_timeline(
    workspace: Workspace,
    specs: list[SourceSpec],
    options: BuildOptions,
    *,
    advance: Callable[[Progress], None] | None = None,
) -> Timeline:
    """Read every source for its key times alone, holding only the events they can come from.

    Give the result to :func:`key_times`. Memory does not grow with the logs
    (see :func:`~afteraction.timeline.keyfold.key_timeline`); ``limit`` is not used.
    """
    if not specs:
        raise InvalidValueError("give at least one source (KIND:PATH)", field="sources")
    return fold_key_timeline(specs, workspace.sources, options, advance=advance)


def raw_timeline(
    workspace: Workspace, specs: list[SourceSpec], window: Window | None = None
) -> Iterator[list[bytes]]:
    """Merge time-sorted logs into one stream of their own lines, in time order."""
    return raw_lines(specs, workspace.sources, window)


def add_timeline(workspace: Workspace, document: Document, timeline: Timeline) -> Applied:
    """Add a built timeline's events and key times to a postmortem, in its store.

    It is written only when something changed, and only if it still holds
    what was read (else :class:`~afteraction.errors.ConflictError`).
    """
    document = workspace.store.fresh(document)  # one from the cache has no text until now
    text = document.source.text if document.source is not None else ""
    report = infer_key_times(timeline.events, stated_times(document))
    applied = add_to_postmortem(
        text,
        str(document.path),
        document.profile,
        timeline.events,
        report,
        strict=document.recognized,
    )
    if applied.text != text:
        read = applied.read if document.recognized else None
        workspace.store.put(document, applied.text, read)
    return applied


def incident_window(times: KeyTimes) -> Window | None:
    """Return the stretch a postmortem's key times cover, an hour either side, if it has one."""
    start = times.started or times.detected
    if start is None:
        return None
    end = times.closed or times.resolved or times.mitigated or start + timedelta(hours=23)
    return Window(start - timedelta(hours=1), end + timedelta(hours=1))


def stated_times(document: Document) -> KeyTimes:
    """Return the key times a postmortem states (those it only infers left out)."""
    return without_inferred(document.record).times


def key_times(timeline: Timeline, stated: KeyTimes | None = None) -> KeyTimesReport:
    """Infer the key times of a built timeline; times ``stated`` in a postmortem win."""
    return infer_key_times(timeline.events, stated)
