"""logfmt logs (logrus, Go kit, Grafana, Heroku): ``key=value`` pairs, one event a line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from afteraction.timeline.event import Event, Kind
from afteraction.timeline.inputs import decode
from afteraction.timeline.logfields import FIELD_OPTIONS, Fields
from afteraction.timeline.loglines import BadLines, Pending
from afteraction.timeline.source import Source

# A key, '=', then a quoted value (with backslash escapes) or a bare one up to the next space.
_PAIR = re.compile(r'(?<!\S)([^\s="]+)=(?:"([^"\\]*(?:\\.[^"\\]*)*)"|(\S*))')
_ESCAPE = re.compile(r"\\(.)")
_ESCAPED = {"n": "\n", "t": "\t", "r": "\r"}


def parse_logfmt(line: str) -> dict[str, str]:
    """Return the ``key=value`` pairs of a logfmt line (empty when it has none).

    Quoted values lose their quotes and escapes; ``key=`` is an empty value;
    a key given twice keeps its last value (as a JSON object would); words
    without ``=`` are not pairs and are left out.
    """
    return {
        key: (_ESCAPE.sub(_unescape, quoted) if "\\" in quoted else quoted) if quoted else bare
        for key, quoted, bare in _PAIR.findall(line)
    }


def json_object(line: str) -> dict[str, Any] | None:
    """Return the JSON object a line holds, or None when it is not one."""
    text = line.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return value if type(value) is dict else None


def _unescape(match: re.Match[str]) -> str:
    return _ESCAPED.get(match[1], match[1])


class Logfmt(Source):
    """A logfmt log: each line with a time field a log event.

    A line without a time field continues the event before it (a stack
    trace, a wrapped message) and is added to its text, unless it is a
    record of its own (it has a level or message field) or no event came
    before it: then it is a malformed line, as is one whose time is bad.
    A JSON object on a line of its own (a log that mixes the two) is read
    as a record with the same field mapping, never as a continuation.
    """

    name = "logfmt"
    summary = "logfmt logs (key=value lines: logrus, Go kit, Grafana ...; field mapping options)"
    options = FIELD_OPTIONS
    streaming = True

    def events(self) -> Iterator[Event]:
        """Yield a log event per timed line, with its continuation lines, in file order."""
        fields = Fields(self.spec.options, self.zone)
        bad = BadLines(self.problems, "a logfmt log")
        pending = Pending()
        mixed: str | None = None  # "JSON" once a JSON line has made an event
        for number, raw in self.lines():
            line = decode(raw)
            if not line or line.isspace():
                continue
            json = json_object(line)
            record = parse_logfmt(line) if json is None else json
            try:
                read = fields.read(record)
            except ValueError as exc:
                bad.add(str(exc), number)
                continue
            if read.time is None:
                own = json is not None or fields.has_level_or_message(record)
                if own or not pending.extend(line):
                    bad.add(f"no time field ({fields.time_names()})", number)
                continue
            if json is None:
                bad.found = True
            else:
                mixed = "JSON"
            done = pending.replace(
                Event(
                    time=read.time,
                    source="logfmt",
                    kind=Kind.LOG,
                    text=read.text or line.strip(),
                    actor=read.actor,
                    component=read.component,
                    level=read.level,
                    origin=self.origin(number),
                )
            )
            if done is not None:
                yield done
        last = pending.finish()
        if last is not None:
            yield last
        bad.end(mixed)
