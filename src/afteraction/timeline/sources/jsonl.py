"""JSON-lines logs (bunyan, pino, logrus, zap, slog, structlog ...): one JSON object a line."""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from afteraction.timeline.event import Event, Kind
from afteraction.timeline.inputs import decode
from afteraction.timeline.logfields import FIELD_OPTIONS, Fields
from afteraction.timeline.loglines import BadLines
from afteraction.timeline.source import Source
from afteraction.timeline.sources.logfmt import parse_logfmt


class JsonLines(Source):
    """A JSON-lines log: each object a log event at its time field.

    Fields are found where common loggers put them (see ``logfields``) or
    where the options say. An object without a time, or with a bad one, is
    a malformed line; so is a line that is not a JSON object, unless it is a
    logfmt record (``key=value`` pairs), read with the same field mapping.
    """

    name = "jsonl"
    summary = "JSON-lines logs (bunyan, pino, logrus, zap, slog ...; field mapping options)"
    options = FIELD_OPTIONS
    streaming = True

    def events(self) -> Iterator[Event]:
        """Yield a log event per JSON object (or logfmt line), in file order."""
        fields = Fields(self.spec.options, self.zone)
        bad = BadLines(self.problems, "a JSON-lines log")
        mixed: str | None = None  # "logfmt" once a logfmt line has made an event
        for number, line in self.lines():
            logfmt = False
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                record = parse_logfmt(decode(line))  # a log that mixes JSON and logfmt lines
                if not record:
                    if line.strip():
                        bad.add(f"not JSON: {exc}", number)
                    continue
                logfmt = True
            read = self._event(fields, record, line, number)
            if isinstance(read, str):
                bad.add(read, number)
                continue
            if logfmt:
                mixed = "logfmt"
            else:
                bad.found = True
            yield read
        bad.end(mixed)

    def _event(self, fields: Fields, record: object, line: bytes, number: int) -> Event | str:
        """Return the event a parsed line holds, or what is wrong with it."""
        if type(record) is not dict:
            return "not a JSON object"
        try:
            read = fields.read(record)
        except ValueError as exc:
            return str(exc)
        if read.time is None:
            return f"no time field ({fields.time_names()})"
        return Event(
            time=read.time,
            source="jsonl",
            kind=Kind.LOG,
            text=read.text or decode(line).strip(),
            actor=read.actor,
            component=read.component,
            level=read.level,
            origin=self.origin(number),
        )
