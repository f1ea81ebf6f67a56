"""Grafana Loki query responses (``query_range`` or ``query``): log lines from labelled streams."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from operator import attrgetter
from typing import Any

import orjson

from afteraction.errors import UsageError
from afteraction.timeline.event import Event, Kind, Level
from afteraction.timeline.logfields import (
    FIELD_OPTIONS,
    FieldPath,
    Fields,
    clean,
    first_text,
    paths,
    read_level,
    read_time,
)
from afteraction.timeline.payloads import json_documents, mapping
from afteraction.timeline.source import Source
from afteraction.timeline.sources.logfmt import parse_logfmt

# Stream labels naming the service, most specific first (Loki 3 derives service_name).
COMPONENT_LABELS = paths(("service_name", "app", "job", "container"))
LEVEL_LABELS = paths(("level", "detected_level", "severity"))
_UNKNOWN_SERVICE = "unknown_service"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_METRICS = ("matrix", "vector", "scalar")


def entry_time(value: object) -> datetime | None:
    """Return the time of a Loki entry: nanoseconds since the epoch, as a string of digits."""
    if isinstance(value, str) and value.isdigit():
        seconds, nanoseconds = divmod(int(value), 1_000_000_000)
        try:
            return _EPOCH + timedelta(seconds=seconds, microseconds=nanoseconds // 1000)
        except OverflowError:
            raise ValueError(f"not a time: {value} is out of range") from None
    return read_time(value, None)


def line_record(line: str) -> dict[str, Any] | None:
    """Return the fields of a JSON or logfmt log line, or None for plain text."""
    if line[:1] == "{":
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            return None
        return record if isinstance(record, dict) else None
    if "=" in line:
        return parse_logfmt(line) or None
    return None


class Loki(Source):
    """A Loki ``query_range`` or ``query`` response of log streams (resultType ``streams``).

    Each entry is a log event at its timestamp. A line that is JSON or
    logfmt gives its level, message and actor as the jsonl source would;
    the component is the stream's ``service_name``, ``app``, ``job`` or
    ``container`` label, else the line's own. Reads one response, a list of
    them, or one per line (paged queries). A metrics response is refused.
    """

    name = "loki"
    summary = "Grafana Loki query_range/query JSON responses (log streams)"
    options = {name: text for name, text in FIELD_OPTIONS.items() if name != "time"}

    def events(self) -> Iterator[Event]:
        """Yield a log event per stream entry, in time order within each response."""
        fields = Fields(self.spec.options, self.zone)
        chosen = "component" in self.spec.options
        component_labels = fields.component_paths if chosen else COMPONENT_LABELS
        for line, document in json_documents(self.spec, self.problems):
            responses = document if isinstance(document, list) else [document]
            for index, response in enumerate(responses):
                where = f"[{index}]." if isinstance(document, list) else ""
                streams = self._streams(response, line, where, whole=line is None and not where)
                events: list[Event] = []
                for number, stream in enumerate(streams):
                    path = f"{where}data.result[{number}]"
                    events += self._entries(fields, component_labels, stream, line, path)
                # Streams follow each other, newest entry first by default: put them in time order.
                yield from sorted(events, key=attrgetter("time"))

    def _streams(self, response: object, line: int | None, where: str, whole: bool) -> list[Any]:
        """Return a response's streams; a metrics or error response fails, another is malformed."""
        body = mapping(response)
        if body.get("status") == "error":
            kind = body.get("errorType") or "error"
            raise UsageError(
                f"the Loki response{_named(where)} is an error: {kind}: {body.get('error')}",
                file=self.spec.label,
            )
        data = mapping(body.get("data")) if "data" in body else body
        result_type = data.get("resultType")
        if result_type in _METRICS:
            raise UsageError(
                f"a Loki metrics response (resultType {result_type}), not logs:"
                " query log lines (no rate(), count_over_time() ...)",
                file=self.spec.label,
            )
        result = data.get("result")
        if result_type == "streams" and isinstance(result, list):
            return result
        if whole:
            raise UsageError(
                "not a Loki query response (no data.resultType 'streams' with a result list)",
                file=self.spec.label,
            )
        self.problems.add(f"response{_named(where)} has no data.result list of streams", line)
        return []

    def _entries(
        self,
        fields: Fields,
        component_labels: tuple[FieldPath, ...],
        stream: object,
        line: int | None,
        path: str,
    ) -> Iterator[Event]:
        labels = mapping(mapping(stream).get("stream"))
        values = mapping(stream).get("values")
        if not isinstance(values, list):
            self.problems.add(f"{path} has no 'values' list", line)
            return
        for number, entry in enumerate(values):
            where = f"{path}.values[{number}]"
            if not (isinstance(entry, list) and len(entry) >= 2 and isinstance(entry[1], str)):
                self.problems.add(f"{where} is not [time, line]", line)
                continue
            try:
                when = entry_time(entry[0])
            except ValueError as exc:
                when, error = None, str(exc)
            else:
                error = "no time"
            if when is None:
                self.problems.add(f"{where}[0]: {error}", line)
                continue
            tags = _with_metadata(labels, entry[2] if len(entry) > 2 else None)
            record = line_record(entry[1]) or {}
            component = _label_component(tags, component_labels) or fields.component(record)
            yield Event(
                time=when,
                source="loki",
                kind=Kind.LOG,
                text=fields.text(record) or clean(entry[1]),
                actor=fields.actor(record) or first_text(tags, fields.actor_paths),
                component=component,
                level=fields.level(record) or _label_level(tags),
                origin=f"{self.origin(line)}#{where}",
            )


def _named(where: str) -> str:
    """Return how messages name a response by its place in a list (`` [2]``), or nothing."""
    return f" {where.rstrip('.')}" if where else ""


def _with_metadata(labels: Mapping[str, Any], metadata: object) -> Mapping[str, Any]:
    """Return a stream's labels with an entry's structured metadata (Loki 3) added."""
    extra = mapping(metadata)
    if not extra:
        return labels
    if "structuredMetadata" in extra or "parsed" in extra:  # categorize-labels encoding
        extra = {**mapping(extra.get("structuredMetadata")), **mapping(extra.get("parsed"))}
    return {**labels, **extra}


def _label_component(labels: Mapping[str, Any], names: tuple[FieldPath, ...]) -> str | None:
    """Return the first naming label, passing over Loki's ``unknown_service``."""
    component = first_text(labels, names)
    if component != _UNKNOWN_SERVICE:
        return component
    return first_text({k: v for k, v in labels.items() if v != _UNKNOWN_SERVICE}, names)


def _label_level(labels: Mapping[str, Any]) -> Level | None:
    value = first_text(labels, LEVEL_LABELS)
    return read_level(value) if value else None
