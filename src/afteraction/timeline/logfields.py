"""Find a log record's time, level, message, component and actor, whatever its logger named them.

Shared by the sources that read structured log records: JSON lines, logfmt,
Loki and Elasticsearch. A field is named by a key or a dotted path into
nested objects (``data.ts``); ``log.level`` finds both ``{"log.level": ...}``
and ``{"log": {"level": ...}}``. Options ``time=``, ``level=``,
``message=`` (or ``msg=``), ``component=`` and ``actor=`` replace a
field's defaults; ``|`` separates alternatives (``time=ts|when``) and an
empty value turns a field off.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, NamedTuple

from afteraction.timeline.event import Level
from afteraction.timeline.payloads import text
from afteraction.timeline.times import aware, parse_time

# Where common loggers (bunyan, pino, logrus, zap, slog, structlog, Go kit,
# python-json-logger, ECS, Docker, CloudEvents) put each field, most usual first.
TIME_FIELDS = ("time", "timestamp", "ts", "@timestamp", "t", "date", "datetime", "eventTime")
LEVEL_FIELDS = ("level", "lvl", "severity", "levelname", "log.level", "loglevel")
MESSAGE_FIELDS = (
    *("msg", "message", "text", "log", "event"),
    *("data.message", "data.msg", "data.event"),  # CloudEvents
)
COMPONENT_FIELDS = ("name", "logger", "service", "app", "component", "hostname")
ACTOR_FIELDS: tuple[str, ...] = ()
# An error logged beside the message is part of what happened ("msg: error"); an
# object's "message" counts (bunyan's err, ECS's error), as does a flattened "error.message".
ERROR_FIELDS = ("error", "err", "exception", "exc_info", "error.message")

FIELD_OPTIONS = {
    "time": "field(s) holding the time, e.g. time=data.ts (alternatives with |)",
    "level": "field(s) holding the level",
    "message": "field(s) holding the message (msg= is the same)",
    "msg": "same as message=",
    "component": "field(s) naming the service or component",
    "actor": "field(s) naming who acted (none by default)",
}

# Levels as written, read once: a log repeats a handful of them.
_LEVELS: dict[object, Level | None] = {}
_LEVELS_KEPT = 1024
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_OVERSTRIKE = re.compile(r".\x08")

FieldPath = tuple[str, tuple[str, ...] | None]


def paths(names: Sequence[str]) -> tuple[FieldPath, ...]:
    """Compile field names (once each) into lookups: the name, and its dotted parts if any."""
    return tuple(
        (name, tuple(name.split(".")) if "." in name else None) for name in dict.fromkeys(names)
    )


def lookup(record: Mapping[str, Any], path: FieldPath) -> Any:
    """Return the value at one field path of a record, or None."""
    key, parts = path
    value = record.get(key)
    if value is None and parts is not None:
        return _nested(record, parts)
    return value


def _nested(record: Mapping[str, Any], parts: tuple[str, ...]) -> Any:
    node: Any = record
    for index, part in enumerate(parts):
        if not isinstance(node, dict):
            return None
        if part not in node:
            # A flattened remainder: {"log": {"origin.file": ...}}.
            return node.get(".".join(parts[index:])) if index else None
        node = node[part]
    return node


def first_text(record: Mapping[str, Any], candidates: Sequence[FieldPath]) -> str | None:
    """Return the first of the fields that holds text (or a number), cleaned, or None."""
    for key, parts in candidates:
        value = record.get(key)
        if value is None and parts is not None:
            value = _nested(record, parts)
        if value is not None:
            found = clean(value) if type(value) is str else text(value)
            if found:
                return found
    return None


def read_time(value: object, zone: tzinfo | None) -> datetime | None:
    """Return a logged time in UTC, quickly for ISO 8601 text; see :func:`parse_time`."""
    if type(value) is str and len(value) > 18 and value[4] == "-" and value[:4] != "0001":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return parse_time(value, zone)
        return aware(moment, zone)
    return parse_time(value, zone)


def read_level(value: object) -> Level | None:
    """Return a logged level (``DEBUG3`` is debug), or None for a value naming none."""
    simple = type(value) is str or type(value) is int
    if simple and value in _LEVELS:
        return _LEVELS[value]
    level = Level.parse(value)
    if level is None and isinstance(value, str) and value[-1:].isdigit():
        level = Level.parse(value.rstrip("0123456789"))
    if simple and len(_LEVELS) < _LEVELS_KEPT:
        _LEVELS[value] = level
    return level


def clean(message: str) -> str:
    """Strip terminal colours, backspace overstrikes and surrounding space from logged text."""
    if "\x1b" in message:
        message = _ANSI.sub("", message)
    if "\x08" in message:
        message = _OVERSTRIKE.sub("", message)
    return message.strip()


@dataclass(frozen=True)
class Defaults:
    """The fields a source looks in when its options name none."""

    time: Sequence[str] = TIME_FIELDS
    level: Sequence[str] = LEVEL_FIELDS
    message: Sequence[str] = MESSAGE_FIELDS
    component: Sequence[str] = COMPONENT_FIELDS
    actor: Sequence[str] = ACTOR_FIELDS


@dataclass(frozen=True)
class _Shape:
    """The field paths worth trying on records with one set of keys (a logger's shape)."""

    time: tuple[FieldPath, ...]
    level: tuple[FieldPath, ...]
    message: tuple[FieldPath, ...]
    component: tuple[FieldPath, ...]
    actor: tuple[FieldPath, ...]
    error: tuple[str, ...]


class Reading(NamedTuple):
    """What one record holds: its time (UTC), level, message, component and actor."""

    time: datetime | None
    level: Level | None
    text: str | None
    component: str | None
    actor: str | None


# Shapes remembered per Fields: a log has a handful; a log of ever-new keys has no use for more.
_SHAPES_KEPT = 256


class Fields:
    """Where a source's records keep each field: the options given, else the defaults.

    :meth:`read` remembers, per set of keys a record has, which of the
    candidate fields are there at all, so a log's records (which share a
    few shapes) are read with one lookup per field.
    """

    def __init__(
        self, options: Mapping[str, str], zone: tzinfo | None, defaults: Defaults = Defaults()
    ) -> None:
        def chosen(name: str, default: Sequence[str]) -> tuple[FieldPath, ...]:
            given = options.get(name)
            if given is None and name == "message":
                given = options.get("msg")
            if given is None:
                return paths(default)
            return paths([part.strip() for part in given.split("|") if part.strip()])

        self.zone = zone
        self.time_paths = chosen("time", defaults.time)
        self.level_paths = chosen("level", defaults.level)
        self.message_paths = chosen("message", defaults.message)
        self.component_paths = chosen("component", defaults.component)
        self.actor_paths = chosen("actor", defaults.actor)
        self._shapes: dict[tuple[str, ...], _Shape] = {}

    def _shape(self, record: Mapping[str, Any]) -> _Shape:
        keys = tuple(record)
        shape = self._shapes.get(keys)
        if shape is None:
            present = set(keys)

            def there(candidates: tuple[FieldPath, ...]) -> tuple[FieldPath, ...]:
                return tuple(
                    (key, parts)
                    for key, parts in candidates
                    if key in present or (parts is not None and parts[0] in present)
                )

            shape = _Shape(
                there(self.time_paths),
                there(self.level_paths),
                there(self.message_paths),
                there(self.component_paths),
                there(self.actor_paths),
                tuple(k for k in ERROR_FIELDS if k in present),
            )
            if len(self._shapes) < _SHAPES_KEPT:
                self._shapes[keys] = shape
        return shape

    def read(self, record: Mapping[str, Any]) -> Reading:
        """Read every field of a record at once (the fast way for a whole log).

        Raises ValueError naming the time field when its value is not a time.
        """
        shape = self._shape(record)
        message = first_text(record, shape.message)
        error = self._error(record, shape.error) if shape.error else None
        if error is not None and error != message:
            message = f"{message}: {error}" if message else error
        level = None
        for key, parts in shape.level:
            value = record.get(key)
            if value is None and parts is not None:
                value = _nested(record, parts)
            if value is not None:
                level = read_level(value)
                break
        return Reading(
            self._time(record, shape.time),
            level,
            message,
            first_text(record, shape.component) if shape.component else None,
            first_text(record, shape.actor) if shape.actor else None,
        )

    def time_names(self) -> str:
        """Return the time fields looked in, for messages."""
        return ", ".join(key for key, _ in self.time_paths) or "none"

    def has_level_or_message(self, record: Mapping[str, Any]) -> bool:
        """Return whether a record holds a level or message field: a log record of its own."""
        return any(lookup(record, path) is not None for path in self.level_paths) or any(
            lookup(record, path) is not None for path in self.message_paths
        )

    def _time(self, record: Mapping[str, Any], candidates: Sequence[FieldPath]) -> datetime | None:
        for key, parts in candidates:
            value = record.get(key)
            if value is None and parts is not None:
                value = _nested(record, parts)
            if value is None:
                continue
            try:
                moment = read_time(value, self.zone)
            except ValueError as exc:
                raise ValueError(f"field '{key}': {exc}") from None
            if moment is None:
                raise ValueError(f"field '{key}' holds no time")
            return moment
        return None

    def level(self, record: Mapping[str, Any]) -> Level | None:
        """Return the record's level, or None when it names none."""
        for key, parts in self.level_paths:
            value = record.get(key)
            if value is None and parts is not None:
                value = _nested(record, parts)
            if value is not None:
                return read_level(value)
        return None

    def text(self, record: Mapping[str, Any]) -> str | None:
        """Return the record's message, with an error logged beside it, or None when neither."""
        message = first_text(record, self.message_paths)
        error = self._error(record)
        if error is None or error == message:
            return message
        return f"{message}: {error}" if message else error

    def component(self, record: Mapping[str, Any]) -> str | None:
        """Return the service or component the record names, or None."""
        return first_text(record, self.component_paths)

    def actor(self, record: Mapping[str, Any]) -> str | None:
        """Return who acted, from the actor fields, or None."""
        return first_text(record, self.actor_paths)

    def _error(self, record: Mapping[str, Any], keys: Sequence[str] = ERROR_FIELDS) -> str | None:
        for key in keys:
            value = record.get(key)
            if value is not None:
                if type(value) is dict:  # {"err": {"message": ..., "stack": ...}} (bunyan, pino)
                    value = value.get("message")
                if type(value) is str and value.strip():
                    return clean(value)
        return None
